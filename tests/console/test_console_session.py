"""The real ConsoleSession against the real simulator, on a pty and on TCP (127.0.0.1)."""

from __future__ import annotations

import socket
import threading

import pytest

from assettrack.console import (
    CISCO_IOS,
    HUAWEI_VRP,
    CommandRejected,
    ConsoleSession,
    Credentials,
    Disconnected,
    GarbageReceived,
    LoginFailed,
    NoResponse,
    PortBusy,
    PortNotFound,
    Timeout,
    autobaud,
)
from assettrack.console.simulator import (
    CiscoConsole,
    HuaweiConsole,
    SimOptions,
    preset,
)
from tests.console.conftest import HAS_PTY, IDLE, PROFILES

STATUS = {"cisco": "show ip interface brief", "huawei": "display interface brief"}
CONSOLE_CLASSES = {"cisco": CiscoConsole, "huawei": HuaweiConsole}
CREDS = Credentials("admin", "Pa55-word!", "En4ble-s3cret")
USER_ONLY = Credentials("admin", CREDS.password)
needs_pty = pytest.mark.skipif(not HAS_PTY, reason="pseudo-terminals need Linux or macOS")


def rendered(vendor: str, command: str, **state_changes: bool) -> str:
    """What the device prints for a command, straight from the simulator's renderer."""
    console = CONSOLE_CLASSES[vendor](
        preset(vendor, **state_changes), SimOptions(), None, threading.Event()
    )  # type: ignore[arg-type]
    console.mode = "privileged" if vendor == "cisco" else "user"
    lines = console.execute(command)
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines)


def start(make_sim, make_session, transport, vendor, **options):
    sim = make_sim(transport, vendor, **options)
    return sim, make_session(sim.url, PROFILES[vendor], baud=options.get("baud"))


def test_wake_login_paging_off_and_run(make_sim, make_session, transport, vendor):
    _, session = start(
        make_sim,
        make_session,
        transport,
        vendor,
        login=("admin", CREDS.password),
        enable_secret=CREDS.enable_secret,
    )

    assert session.wake() == "login"
    session.login(CREDS)
    assert session.disable_paging() is True
    output = session.run(STATUS[vendor])

    assert output == rendered(vendor, STATUS[vendor])
    assert session.paging_answers == 0
    if vendor == "cisco":
        assert session.prompt == "Router#" and session.privileged
    else:
        assert session.prompt == "<HUAWEI>"


def test_refused_paging_off_is_answered_page_by_page(make_sim, make_session, transport, vendor):
    _, session = start(make_sim, make_session, transport, vendor, refuse_paging_off=True)

    assert session.wake() == "prompt"
    assert session.disable_paging() is False
    output = session.run(STATUS[vendor])

    assert output == rendered(vendor, STATUS[vendor])
    assert session.paging_answers >= 1
    assert "More" not in output and "\x08" not in output and "\x1b" not in output


def test_privileged_mode_may_turn_paging_off_when_user_mode_may_not(make_sim, make_session):
    _, session = start(
        make_sim,
        make_session,
        "tcp",
        "cisco",
        refuse_paging_off=True,
        login=("admin", CREDS.password),
        enable_secret=CREDS.enable_secret,
    )
    session.start(CREDS)
    assert session.privileged and session.paging_disabled
    session.run("show ip interface brief")
    assert session.paging_answers == 0


def test_console_silent_until_enter(make_sim, make_session, transport):
    _, session = start(
        make_sim, make_session, transport, "cisco", faults=frozenset({"silent_until_enter"})
    )
    assert session.wake() == "prompt"
    assert "uptime is" in session.run("show version")


def test_log_lines_before_the_prompt_do_not_confuse_it(make_sim, make_session, transport):
    logs = (
        "*Mar 14 09:31:02.123: %LINK-3-UPDOWN: Interface GigabitEthernet1/0/3, changed state to up",
        "*Mar 14 09:31:03.001: %SYS-5-CONFIG_I: Configured from console>",
    )
    _, session = start(
        make_sim,
        make_session,
        transport,
        "cisco",
        console_logs=logs,
        login=("admin", CREDS.password),
    )
    session.wake()
    session.login(USER_ONLY)
    assert session.prompt == "Router>"
    assert session.run("show clock").startswith("*09:30:00")


def test_silence_is_no_response(make_sim, make_session, transport):
    _, session = start(make_sim, make_session, transport, "cisco", faults=frozenset({"silence"}))
    with pytest.raises(NoResponse, match="cable") as caught:
        session.wake(attempts=2)
    assert "baud" in str(caught.value)


def test_garbage_names_the_line_speed(make_sim, make_session, transport):
    _, session = start(make_sim, make_session, transport, "cisco", faults=frozenset({"garbage"}))
    with pytest.raises(GarbageReceived) as caught:
        session.wake()
    message = str(caught.value)
    assert "line speed" in message and "115200" in message and "--autobaud" in message


@needs_pty
def test_wrong_line_speed_on_a_pty_is_garbage_and_autobaud_finds_the_right_one(
    make_sim, make_session
):
    sim = make_sim("pty", "cisco", baud=19200)
    session = make_session(sim.url, CISCO_IOS, baud=9600)
    with pytest.raises(GarbageReceived):
        session.wake()
    session.close()

    assert autobaud(sim.url, CISCO_IOS, idle_timeout=IDLE, attempts=1) == 19200


def test_disconnect_mid_output_keeps_the_partial_transcript(make_sim, make_session, transport):
    # Paced output, so the first half is on the wire before the line drops.
    _, session = start(
        make_sim, make_session, transport, "cisco", baud=115200, faults=frozenset({"disconnect"})
    )
    session.wake()
    with pytest.raises(Disconnected) as caught:
        session.run("show version")
    assert "Cisco IOS XE Software" in caught.value.transcript
    assert "Configuration register" not in caught.value.transcript


def test_slow_login_within_the_deadline_succeeds(make_sim, make_session, transport):
    _, session = start(
        make_sim,
        make_session,
        transport,
        "cisco",
        slow_login_delay=0.5,
        faults=frozenset({"slow_login"}),
        login=("admin", CREDS.password),
    )
    assert session.wake(attempts=6) == "login"
    session.login(USER_ONLY)
    assert session.prompt == "Router>"


def test_slow_login_beyond_the_wake_attempts_is_no_response(make_sim, make_session):
    _, session = start(
        make_sim,
        make_session,
        "tcp",
        "cisco",
        slow_login_delay=30,
        faults=frozenset({"slow_login"}),
        login=("admin", CREDS.password),
    )
    with pytest.raises(NoResponse):
        session.wake(attempts=2)


def test_slow_login_beyond_the_deadline_is_timeout(make_sim, make_session):
    _, session = start(
        make_sim,
        make_session,
        "tcp",
        "cisco",
        slow_login_delay=30,
        faults=frozenset({"slow_login"}),
        login=("admin", CREDS.password),
    )
    with pytest.raises(Timeout):
        session.wake(attempts=50, timeout=0.8)


def test_wrong_password_is_login_failed(make_sim, make_session, transport, vendor):
    _, session = start(make_sim, make_session, transport, vendor, login=("admin", CREDS.password))
    session.wake()
    with pytest.raises(LoginFailed, match="refused the login for user 'admin'") as caught:
        session.login(Credentials("admin", "not-the-password"))
    assert "not-the-password" not in caught.value.transcript
    assert "not-the-password" not in str(caught.value)


def test_login_without_credentials_says_so(make_sim, make_session):
    _, session = start(make_sim, make_session, "tcp", "huawei", login=("admin", "x"))
    session.wake()
    with pytest.raises(LoginFailed, match="no credentials"):
        session.login(None)


def test_wrong_enable_secret_is_login_failed_and_the_session_stays_usable(
    make_sim, make_session, transport
):
    _, session = start(
        make_sim,
        make_session,
        transport,
        "cisco",
        login=("admin", CREDS.password),
        enable_secret=CREDS.enable_secret,
    )
    session.wake()
    with pytest.raises(LoginFailed, match="enable secret"):
        session.login(Credentials("admin", CREDS.password, "wrong-secret"))
    assert session.prompt == "Router>" and not session.privileged
    assert "uptime is" in session.run("show version")


@pytest.mark.parametrize(
    ("vendor", "command", "message"),
    [
        ("cisco", "show foo", "% Invalid input detected at '^' marker."),
        ("cisco", "frobnicate", "% Unknown command or computer name"),
        ("cisco", "show", "% Incomplete command."),
        ("huawei", "display foo", "Error: Unrecognized command found at '^' position."),
    ],
)
def test_unknown_command_is_rejected_with_the_device_message(
    make_sim, make_session, vendor, command, message
):
    _, session = start(make_sim, make_session, "tcp", vendor)
    session.wake()
    with pytest.raises(CommandRejected) as caught:
        session.run(command)
    assert caught.value.command == command
    assert caught.value.device_message.startswith(message)
    assert command in str(caught.value)
    # The session is still at its prompt and usable.
    assert session.run(STATUS[vendor]).splitlines()[0].startswith(("Interface", "PHY"))


def test_transcript_redacts_passwords_and_configuration_secrets(make_sim, make_session, transport):
    _, session = start(
        make_sim,
        make_session,
        transport,
        "cisco",
        login=("admin", CREDS.password),
        enable_secret=CREDS.enable_secret,
    )
    session.start(CREDS)
    config = session.run("show running-config")
    assert "0822455D0A16" in config  # the raw output is the caller's; the record is not

    redacted = session.transcript.redacted()
    events = session.transcript.redacted_events()
    everything = redacted + "".join(e.text for e in events)
    for secret in (
        CREDS.password,
        CREDS.enable_secret,
        "0822455D0A16",
        "$1$mERr",
        "n3tw0rkRO",
        "13061E010803",
        "045802150C2E",
    ):
        assert secret not in everything
    assert "enable secret 5 ******" in redacted
    assert "snmp-server community ****** RO" in redacted
    assert any(e.direction == "sent" and e.text == "******" for e in events)
    assert [e.direction for e in events][:2] == ["sent", "received"]


def test_huawei_cipher_secrets_are_redacted(make_sim, make_session):
    _, session = start(make_sim, make_session, "tcp", "huawei", login=("admin", "Hw-pass1"))
    session.start(Credentials("admin", "Hw-pass1"))
    session.run("display current-configuration")
    redacted = session.transcript.redacted()
    assert "%^%#" not in redacted and "Hw-pass1" not in redacted
    assert "password irreversible-cipher ******" in redacted


def test_huawei_system_view_prompt(make_sim, make_session):
    _, session = start(make_sim, make_session, "tcp", "huawei")
    session.wake()
    session.run("system-view")
    assert session.prompt == "[HUAWEI]"
    session.run("quit")
    assert session.prompt == "<HUAWEI>"


def test_failed_fan_and_hot_sensor_show_in_status_commands(make_sim, make_session, vendor):
    sim = make_sim("tcp", preset(vendor, failed_fan=True, hot_sensor=True))
    session = make_session(sim.url, PROFILES[vendor])
    session.start()
    if vendor == "cisco":
        environment = session.run("show environment all")
        assert "Switch 1 FAN 1 is FAULTY" in environment
        assert "Temperature State: RED" in environment
        assert "%ENVMON-3-FAN_FAILED" in session.run("show logging")
    else:
        assert "Abnormal" in session.run("display fan")
        assert "ABNORMAL" in session.run("display temperature all")
        alarms = session.run("display alarm active")
        assert "Critical" in alarms and "Major" in alarms


def test_port_not_found():
    with pytest.raises(PortNotFound, match="plugged in"):
        ConsoleSession("/dev/ttyNOSUCHPORT9", CISCO_IOS).open()


def test_console_server_refusing_the_connection_is_port_not_found():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(PortNotFound, match="console server"):
        ConsoleSession(f"socket://127.0.0.1:{port}", CISCO_IOS).open()


def test_bad_port_address_is_port_not_found():
    with pytest.raises(PortNotFound):
        ConsoleSession("nosuchscheme://x", CISCO_IOS).open()


@needs_pty
def test_port_held_by_another_session_is_busy(make_sim, make_session):
    sim = make_sim("pty", "cisco")
    make_session(sim.url)
    with pytest.raises(PortBusy, match="in use"):
        make_session(sim.url)


def test_output_parses_with_ntc_templates_when_installed(make_sim, make_session, transport):
    parse = pytest.importorskip("ntc_templates.parse")
    sim = make_sim(transport, "cisco")
    session = make_session(sim.url)
    session.start()
    version = parse.parse_output(
        platform="cisco_ios", command="show version", data=session.run("show version")
    )
    assert version[0]["serial"] == ["FCW2123L0AB"]
    brief = parse.parse_output(
        platform="cisco_ios",
        command="show ip interface brief",
        data=session.run("show ip interface brief"),
    )
    assert len(brief) == len(preset("cisco").interfaces)


def test_huawei_profile_is_used_for_huawei(make_sim, make_session):
    # A smoke check that the HUAWEI_VRP profile reads a whole status round.
    sim = make_sim("tcp", "huawei")
    session = make_session(sim.url, HUAWEI_VRP)
    session.start()
    for command in (
        "display version",
        "display device",
        "display esn",
        "display fan",
        "display power",
        "display cpu-usage",
        "display memory-usage",
        "display temperature all",
        "display alarm active",
    ):
        assert session.run(command).strip(), command

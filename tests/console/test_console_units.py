"""Pure parts of the console layer: framing, error mapping, credentials, screen cleaning."""

from __future__ import annotations

import errno
import importlib.util

import pytest
import serial

from assettrack.console import (
    CISCO_IOS,
    HUAWEI_VRP,
    ConsoleSession,
    Credentials,
    CredentialsError,
    PortBusy,
    PortNotFound,
    PortPermissionDenied,
    resolve_credentials,
)
from assettrack.console.profile import parse_framing
from assettrack.console.session import _last_line, looks_like_garbage, open_error
from assettrack.console.transcript import Transcript


def test_framing():
    assert parse_framing("8N1") == (8, serial.PARITY_NONE, serial.STOPBITS_ONE)
    assert parse_framing("7e2") == (7, serial.PARITY_EVEN, serial.STOPBITS_TWO)
    with pytest.raises(ValueError, match="8N1"):
        parse_framing("9600")


def test_open_errors_speak_to_the_engineer():
    denied = open_error("/dev/ttyUSB0", serial.SerialException(errno.EACCES, "denied"))
    assert isinstance(denied, PortPermissionDenied)
    assert "dialout" in str(denied) and "uucp" in str(denied)
    busy = open_error(
        "/dev/ttyUSB0",
        serial.SerialException(errno.EWOULDBLOCK, "Could not exclusively lock port /dev/ttyUSB0"),
    )
    assert isinstance(busy, PortBusy)
    windows_busy = open_error(
        "COM3",
        serial.SerialException(
            "could not open port 'COM3': PermissionError(13, 'Access is denied.', None, 5)"
        ),
    )
    assert isinstance(windows_busy, PortBusy)
    missing = open_error(
        "COM7",
        serial.SerialException(
            "could not open port 'COM7': FileNotFoundError(2, 'The system cannot find the file "
            "specified.', None, 2)"
        ),
    )
    assert isinstance(missing, PortNotFound)


def test_prompt_is_matched_on_the_last_line_only():
    session = ConsoleSession("loop://", CISCO_IOS)
    prompt = session._prompts[0]
    assert prompt.search(_last_line("%SYS-5-CONFIG_I: Configured\r\nRouter>"))
    assert not prompt.search(_last_line("Router>\r\n*Mar 1 00:00:01: %LINK-3-UPDOWN: up"))
    assert prompt.search(_last_line("noise\rRouter>"))


def test_paging_markers_and_their_erasers_are_removed():
    cisco = ConsoleSession("loop://", CISCO_IOS)
    screen = "line 1\r\n --More-- " + "\b" * 10 + " " * 10 + "\b" * 10 + "line 2\r\n"
    assert cisco._clean_screen(screen) == "line 1\nline 2\n"
    huawei = ConsoleSession("loop://", HUAWEI_VRP)
    screen = "a\r\n  ---- More ----\x1b[16D" + " " * 16 + "\x1b[16Db\r\n"
    assert huawei._clean_screen(screen) == "a\nb\n"


def test_garbage_detection():
    assert looks_like_garbage(
        bytes([0xF8, 0x80, 0xFE, 0x00, 0xE0, 0x9E]).decode("utf-8", "replace")
    )
    assert not looks_like_garbage("Router>")
    assert not looks_like_garbage("温度 正常 Router>")  # real text in other scripts is fine


def test_session_over_loop_url_opens():
    # loop:// hands back what is sent: a prompt sent ahead is what waking reads back.
    with ConsoleSession("loop://", CISCO_IOS, idle_timeout=0.2, timeout=2) as session:
        session._send("Router>")
        assert session.wake(attempts=1) == "prompt"


def test_env_credentials():
    env = {"U": "admin", "P": "pw", "E": "en"}
    assert resolve_credentials("env:U,P", environ=env) == Credentials("admin", "pw")
    assert resolve_credentials("env:U,P,E", environ=env) == Credentials("admin", "pw", "en")
    with pytest.raises(CredentialsError, match="MISSING"):
        resolve_credentials("env:U,MISSING", environ=env)
    with pytest.raises(CredentialsError, match="two or three"):
        resolve_credentials("env:U", environ=env)


def test_no_reference_means_no_login():
    assert resolve_credentials("") is None
    assert resolve_credentials(None) is None


def test_prompt_credentials_ask_the_callback():
    asked = []

    def ask(label: str, secret: bool) -> str:
        asked.append((label, secret))
        return {"Username": "admin", "Password": "pw", "Enable secret": "en"}[label]

    assert resolve_credentials("prompt", prompt=ask, ask_enable=True) == Credentials(
        "admin", "pw", "en"
    )
    assert asked == [("Username", False), ("Password", True), ("Enable secret", True)]
    with pytest.raises(CredentialsError, match="nobody can be asked"):
        resolve_credentials("prompt")


@pytest.mark.skipif(
    importlib.util.find_spec("keyring") is not None, reason="keyring is installed here"
)
def test_keyring_credentials_without_keyring_installed():
    with pytest.raises(CredentialsError, match="'keyring' package"):
        resolve_credentials("keyring:assettrack/admin")


def test_unknown_reference_and_secret_free_repr():
    with pytest.raises(CredentialsError, match="not a credentials reference"):
        resolve_credentials("vault:x")
    assert "pw" not in repr(Credentials("admin", "pw", "en"))


def test_transcript_masks_sent_secrets_everywhere():
    transcript = Transcript()
    transcript.add_secret("hunter2")
    transcript.record_sent(b"hunter2\r", secret=True)
    transcript.record_received(b"% bad: hunter2\r\nRouter>")
    assert "hunter2" not in transcript.redacted()
    assert [e.text for e in transcript.redacted_events()] == ["******", "% bad: ******\r\nRouter>"]
    assert transcript.bytes_sent == 8


def test_console_package_never_imports_the_ui_toolkit():
    import subprocess
    import sys

    code = (
        "import sys, assettrack.console, assettrack.console.simulator, "
        "assettrack.console.simulator.cli; sys.exit('textual' in sys.modules)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_a_secret_split_over_two_reads_is_still_masked() -> None:
    from assettrack.console.transcript import Transcript

    transcript = Transcript()
    transcript.add_secret("hunter2")
    transcript.record_sent(b"hunter2\r", secret=True)
    for chunk in (
        b"Router#show run\r\nsnmp-server comm",
        b"unity n3tw0",
        b"rkRO RO\r\nhun",
        b"ter2 is typed\r\nRouter#",
    ):
        transcript.record_received(chunk)
    events = transcript.redacted_events()
    joined = "".join(e.text for e in events if e.direction == "received")
    assert "n3tw0" not in joined and "rkRO" not in joined and "hun" not in joined
    assert joined == transcript.redacted()
    assert "snmp-server community ****** RO" in joined and "****** is typed" in joined
    assert [e.text for e in events if e.direction == "sent"] == ["******"]


def test_a_typed_secret_is_masked_as_a_word_not_inside_other_words() -> None:
    from assettrack.console.transcript import Transcript

    # An enable secret "en" must not turn "show inventory" into "show inv******tory"; where
    # the secret itself is echoed, it is still masked.
    transcript = Transcript()
    transcript.add_secret("en")
    transcript.record_sent(b"en\r", secret=True)
    transcript.record_received(b"Router#show inventory\r\nopen: en\r\nRouter#")
    assert transcript.redacted() == "Router#show inventory\r\nopen: ******\r\nRouter#"

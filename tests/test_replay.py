"""Record once on site, test forever: ``inspect --save-transcript`` records a read, ``sim
--replay`` serves it again, and reading the replay gives the same readings."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from assettrack.console import HUAWEI_VRP, CommandRejected, ConsoleSession, Credentials
from assettrack.console.simulator import TcpSimulator, cisco_state, huawei_state
from assettrack.console.simulator.replay import ReplayError, recorded_steps, replay_profile
from assettrack.store.store import Store
from tests.conftest import run_cli
from tests.console.conftest import TRANSPORTS

SECRETS = {"AT_USER": "admin", "AT_PASS": "Site-Pass-9", "AT_ENABLE": "Enable-Secret-7"}


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("replay") / "db"
    assert run_cli("--db", str(folder), "demo", "--no-tui").returncode == 0
    return folder


def an_asset(folder: Path, model: str):
    with Store.open(folder, read_only=True) as store:
        return next(a for a in store.assets.all() if a.model == model)


def inspect(folder: Path, serial: str, url: str, *extra: str) -> dict:
    result = run_cli(
        "--db",
        str(folder),
        "inspect",
        serial,
        "--port",
        url,
        "--idle-timeout",
        "1",
        "--credentials",
        "env:AT_USER,AT_PASS,AT_ENABLE",
        "--format",
        "json",
        *extra,
        env=SECRETS,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def serve_replay(transcript: Path, *options: str) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "assettrack", "sim", "--replay", str(transcript), *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert "replaying" in line, proc.stderr.read() if proc.stderr else line
    return proc, line.rsplit(" ", 1)[-1].strip()


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    for stream in (proc.stdout, proc.stderr):
        if stream is not None:
            stream.close()


def test_a_read_recorded_through_inspect_replays_to_the_same_readings(demo_db, tmp_path):
    asset = an_asset(demo_db, "C9300-48P")
    state = cisco_state(serial=asset.serial_number, model="C9300-48P")
    recording = tmp_path / "c9300-on-site.txt"
    with TcpSimulator(
        state, login=("admin", SECRETS["AT_PASS"]), enable_secret=SECRETS["AT_ENABLE"]
    ) as sim:
        on_site = inspect(
            demo_db, asset.serial_number, sim.url, "--save-transcript", str(recording)
        )
    text = recording.read_bytes().decode()
    assert "show version" in text and SECRETS["AT_PASS"] not in text
    assert SECRETS["AT_ENABLE"] not in text
    with Store.open(demo_db, read_only=True) as store:  # the file is the record's transcript
        saved = store.inspections.get(asset.site_id, on_site["inspection"])
        assert saved.transcript == text

    transport = ["--tcp", "0"] if sys.platform == "win32" else ["--pty"]
    proc, url = serve_replay(recording, *transport)
    try:
        replayed = inspect(demo_db, asset.serial_number, url)
    finally:
        stop(proc)
    assert replayed["driver"] == on_site["driver"] == "cisco_ios"
    assert replayed["readings"] == on_site["readings"]
    assert replayed["readings"]["serial_number"] == asset.serial_number
    assert [i["result"] for i in replayed["items"]] == [i["result"] for i in on_site["items"]]


def test_a_huawei_recording_replays_with_its_own_prompts_and_errors(console_from_transcript):
    with (
        TcpSimulator(huawei_state(), login=("admin", "Huawei-Pass-1")) as sim,
        ConsoleSession(sim.url, HUAWEI_VRP, idle_timeout=0.5, timeout=5) as session,
    ):
        session.start(Credentials("admin", "Huawei-Pass-1"))
        recorded = {c: session.run(c) for c in ("display version", "display fan")}
        transcript = session.transcript.redacted()
    steps = recorded_steps(transcript)
    assert [s.command for s in steps] == [
        "screen-length 0 temporary",
        "display version",
        "display fan",
    ]
    assert {s.prompt for s in steps} == {"<HUAWEI>"}

    console = console_from_transcript(transcript)
    assert console.profile.any_login and console.profile.hostname == "HUAWEI"
    with ConsoleSession(console, HUAWEI_VRP, idle_timeout=0.5, timeout=5) as session:
        session.start(Credentials("anyone", "any password"))  # the password was never kept
        assert session.prompt == "<HUAWEI>"
        assert session.run("dis ver") == recorded["display version"]  # abbreviations
        assert session.run("display fan") == recorded["display fan"]
        with pytest.raises(CommandRejected, match="Unrecognized command"):
            session.run("display bogus")


REPLAY = (
    "\r\nUser Access Verification\r\n\r\nUsername: ops\r\nPassword: \r\n"
    "edge-2>enable\r\nPassword: \r\nedge-2#terminal length 0\r\nedge-2#show clock\r\n"
    "*09:30:00.000 UTC Fri Mar 14 2025\r\nedge-2#show clock\r\n"
    "*09:30:05.000 UTC Fri Mar 14 2025\r\nedge-2#show inventory\r\n"
    'NAME: "1", DESCR: "Chassis"\r\n --More-- \b\b\b\b\b\b\b\b\b\b          '
    "\b\b\b\b\b\b\b\b\b\bPID: ISR4331/K9 , VID: V04 , SN: FDO2301A0B1\r\n\r\nedge-2#"
)


def test_a_recording_is_read_step_by_step():
    steps = recorded_steps(REPLAY)
    assert [(s.prompt, s.command) for s in steps] == [
        ("edge-2>", "enable"),
        ("edge-2#", "terminal length 0"),
        ("edge-2#", "show clock"),
        ("edge-2#", "show clock"),
        ("edge-2#", "show inventory"),
    ]
    assert steps[0].secret_prompt == "Password: " and steps[0].next_prompt == "edge-2#"
    # The paging marker and its erase sequence are gone from the output.
    assert steps[-1].output == (
        'NAME: "1", DESCR: "Chassis"\nPID: ISR4331/K9 , VID: V04 , SN: FDO2301A0B1'
    )
    profile = replay_profile(REPLAY)
    assert profile.username_prompt == "Username: " and profile.any_login
    assert profile.command("show clock").outputs == (
        "*09:30:00.000 UTC Fri Mar 14 2025",
        "*09:30:05.000 UTC Fri Mar 14 2025",
    )


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_a_replayed_command_run_twice_answers_as_it_did(console_from_transcript, transport):
    from assettrack.console import CISCO_IOS

    console = console_from_transcript(REPLAY, transport)
    with ConsoleSession(console, CISCO_IOS, idle_timeout=0.5, timeout=5) as session:
        session.start(Credentials("ops", "whatever", "any secret"))
        assert session.privileged
        assert session.run("show clock").startswith("*09:30:00")
        assert session.run("sh clock").startswith("*09:30:05")
        assert session.run("show clock").startswith("*09:30:05")  # the last one repeats
        with pytest.raises(CommandRejected, match="Invalid input"):
            session.run("show version")


def test_a_recording_that_is_not_a_session_is_refused_clearly(tmp_path):
    with pytest.raises(ReplayError, match="does not end at a prompt"):
        replay_profile("login: admin\r\nPassword:\r\nLogin incorrect\r\n", source="cut.txt")
    with pytest.raises(ReplayError, match="empty"):
        replay_profile("\r\n\r\n")
    assert replay_profile("Login incorrect\r\n$ show x\r\nx\r\n$ ", prompt=r"^\$ ").commands
    result = run_cli("sim", "--replay", str(tmp_path / "missing.txt"))
    assert result.returncode == 1 and "missing.txt: no such transcript file" in result.stderr

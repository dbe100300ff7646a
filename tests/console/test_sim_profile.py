"""A console described as data (``sim --profile``): served on a real pty and TCP port, read
by the real console session, with login, modes, paging, abbreviations, filters, the vendor's
errors and faults; and a bad profile named by file, key and problem."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from assettrack.console import (
    CommandRejected,
    ConsoleProfile,
    ConsoleSession,
    Credentials,
    GarbageReceived,
)
from assettrack.console.simulator.cli import main
from assettrack.console.simulator.sim_profile import (
    SimProfileError,
    load_sim_profile,
)
from tests.console.conftest import DEADLINE, IDLE
from tests.ctrl_c import ctrl_c_works

PROFILE = """\
vendor = "Acme"
hostname = "core-1"
banner = "Acme NetOS 4.2\\n"

[prompts]
user = "{hostname}>"
privileged = "{hostname}#"
config = "{hostname}(config)#"

[login]
username_prompt = "login: "
password_prompt = "Password: "
username = "ops"
password = "Acme-Secret-1"
welcome = "Last login: Fri Mar 14 09:00:00 2025\\n"
failed = "% Login incorrect"

[modes]
enable = "enable"
enable_secret = "Enable-2"
disable = "disable"
configure = "configure terminal"
end = ["end"]

[paging]
off = ["terminal length 0"]
marker = " -- MORE -- "
lines = 6

[errors]
invalid = ["{caret}", "% Unrecognized command"]
ambiguous = "% Ambiguous command: {command}"

[filters]
include = ["include", "grep"]
ignore = ["no-more"]

[commands]
"show version" = "outputs/version.txt"
"show system status" = { text = "CPU: 12%\\nMemory: 40%" }
"show system stations" = { text = "none" }
"show running-config" = { file = "outputs/running.txt", mode = "privileged" }
"show log | include ERR" = { text = "Mar 14 ERR fan 2 stopped" }
"""

VERSION = "Acme NetOS 4.2.1\nModel: AX-9100\nSerial: AX91A0001\n" + "".join(
    f"line {n}\n" for n in range(1, 15)
)

ACME = ConsoleProfile(
    name="acme",
    prompt_patterns=(r"^core-1>\s*$", r"^core-1(\(config\))?#\s*$"),
    privileged_prompt_pattern=r"^core-1(\(config\))?#\s*$",
    enable_command="enable",
    paging_off_commands=("terminal length 0",),
    paging_marker=r" -- MORE -- ",
    error_patterns=(r"^% Unrecognized command", r"^% Ambiguous command"),
)
LOGIN = Credentials("ops", "Acme-Secret-1", "Enable-2")


@pytest.fixture
def profile_file(tmp_path: Path) -> Path:
    (tmp_path / "outputs").mkdir()
    (tmp_path / "outputs" / "version.txt").write_text(VERSION)
    (tmp_path / "outputs" / "running.txt").write_text("hostname core-1\nsnmp community x\n")
    path = tmp_path / "acme.toml"
    path.write_text(PROFILE)
    return path


def test_a_profile_console_reads_like_a_device(make_sim, make_session, transport, profile_file):
    sim = make_sim(transport, load_sim_profile(profile_file))
    session = make_session(sim.url, ACME)
    session.wake()
    session.login(LOGIN)  # username, password, then enable with its secret
    assert session.prompt == "core-1#" and session.privileged
    # Paging still on: the marker is answered and the whole output arrives.
    assert session.run("show version").splitlines()[-1] == "line 14"
    assert session.paging_answers >= 2
    assert session.disable_paging()
    assert "Model: AX-9100" in session.run("sh ver")  # unique prefixes, like real CLIs
    assert session.run("show system status | grep CPU") == "CPU: 12%"  # vendor's filter word
    assert session.run("show running-config | no-more").startswith("hostname core-1")
    assert session.run("show log | include ERR") == "Mar 14 ERR fan 2 stopped"
    with pytest.raises(CommandRejected) as rejected:
        session.run("show bogus")
    assert rejected.value.device_message == "% Unrecognized command"
    with pytest.raises(CommandRejected, match="Ambiguous command: show system st"):
        session.run("show system st")
    session.run("configure terminal")
    assert session.prompt == "core-1(config)#"
    session.run("end")
    assert session.prompt == "core-1#"
    session.run("disable")
    assert session.prompt == "core-1>"
    with pytest.raises(CommandRejected):  # privileged only
        session.run("show running-config")


def test_the_caret_stands_under_the_bad_word(make_sim, make_session, profile_file):
    sim = make_sim("tcp", load_sim_profile(profile_file), login=None)
    session = make_session(sim.url, ACME)
    session.wake()
    with pytest.raises(CommandRejected):
        session.run("show bogus")
    screen = session.transcript.redacted().replace("\r\n", "\n")
    caret_line = screen.split("core-1>show bogus\n", 1)[1].splitlines()[0]
    assert caret_line == " " * len("core-1>show ") + "^"


def test_a_wrong_password_is_refused_with_the_vendors_words(make_sim, make_session, profile_file):
    from assettrack.console import LoginFailed

    sim = make_sim("tcp", load_sim_profile(profile_file))
    session = make_session(sim.url, ACME)
    session.wake()
    with pytest.raises(LoginFailed):
        session.login(Credentials("ops", "wrong"))
    assert "% Login incorrect" in session.transcript.redacted()


def test_faults_and_line_speed_apply_to_a_profile(make_sim, make_session, profile_file):
    sim = make_sim("tcp", load_sim_profile(profile_file), faults=frozenset({"garbage"}))
    with pytest.raises(GarbageReceived):
        make_session(sim.url, ACME).wake()
    sim = make_sim("tcp", load_sim_profile(profile_file), login=None, baud=115200)
    session = make_session(sim.url, ACME)
    session.wake()
    assert session.prompt == "core-1>"


BAD = [
    ("vendor = 1\nhostname='x'\n[prompts]\nuser='x>'\n[commands]\n", "vendor", "must be a string"),
    ("[prompts]\nuser='x>'\n[commands]\n", "hostname", "missing"),
    (
        "hostname='x'\n[prompts]\nuser='x>'\n[commands]\n'show a' = 'nope.txt'\n",
        'commands."show a".file',
        "no output file 'nope.txt'",
    ),
    (
        "hostname='x'\n[prompts]\nuser='x>'\nsuper='x#'\n[commands]\n",
        "prompts.super",
        "unknown key",
    ),
    (
        "hostname='x'\n[prompts]\nuser='x>'\n[modes]\nenable='enable'\n[commands]\n",
        "modes.enable",
        "no privileged mode",
    ),
    (
        "hostname='x'\n[prompts]\nuser='x>'\n[commands]\n'show a' = {text='a', mode='root'}\n",
        'commands."show a".mode',
        "'root' is not a mode",
    ),
    (
        "hostname='x'\n[prompts]\nuser='x>'\n[paging]\nlines=-1\n[commands]\n",
        "paging.lines",
        "not a screen length",
    ),
    ("hostname='x'\n[prompts\n", "", "not valid TOML"),
]


@pytest.mark.parametrize(("text", "key", "problem"), BAD)
def test_a_bad_profile_names_file_key_and_problem(tmp_path, text, key, problem):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(SimProfileError) as error:
        load_sim_profile(path)
    assert str(error.value).startswith(f"{path}: ")
    assert error.value.key == key
    assert problem in error.value.problem


def test_sim_cli_serves_a_profile_until_interrupted(profile_file):
    run = "from assettrack.console.simulator.cli import main; raise SystemExit(main(sys.argv[1:]))"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; " + run,
            "--profile",
            str(profile_file),
            "--tcp",
            "0",
            "--login",
            "admin:Other-Pass-3",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=ctrl_c_works,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert "Acme console (acme.toml)" in line
        url = line.rsplit(" ", 1)[-1].strip()
        with ConsoleSession(url, ACME, idle_timeout=IDLE, timeout=DEADLINE) as session:
            session.wake()
            session.login(Credentials("admin", "Other-Pass-3"))  # --login wins
            assert session.run("show system status").startswith("CPU")
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 0  # a bound, not a timing: the machine may be busy
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()


def test_sim_cli_usage_and_profile_errors(tmp_path, profile_file, capsys):
    assert main(["--profile", str(profile_file), "--vendor", "huawei"]) == 2
    assert "choose one of --vendor or --profile" in capsys.readouterr().err
    assert main(["--profile", str(profile_file), "--failed-fan"]) == 2
    assert main(["--prompt", "x>", "--tcp", "0"]) == 2
    broken = tmp_path / "broken.toml"
    broken.write_text("hostname = 'x'\n[prompts]\nuser = 'x>'\n[commands]\n'a' = 'none.txt'\n")
    assert main(["--profile", str(broken), "--tcp", "0"]) == 1
    err = capsys.readouterr().err
    assert str(broken) in err and 'commands."a".file' in err and "none.txt" in err


def test_the_fixture_serves_a_profile_on_either_transport(
    console_from_profile, transport, profile_file
):
    console = console_from_profile(profile_file, transport, login=None)
    assert console.transport == transport and console.url == str(console)
    assert console.profile.hostname == "core-1"
    with ConsoleSession(console, ACME, idle_timeout=IDLE, timeout=DEADLINE) as session:
        session.wake()
        assert session.run("show system stations") == "none"
    console.simulator.stop()


def test_a_shipped_console_by_name_and_as_another_unit(capsys, make_sim, make_session):
    assert main(["--profile", "no_such_console", "--tcp", "0"]) == 1
    err = capsys.readouterr().err
    assert "no shipped console of that name" in err and "juniper_junos" in err
    from assettrack.console import ConsoleProfile as Profile
    from assettrack.profiles.catalog import shipped_console

    unit = shipped_console("fortinet").as_unit(
        hostname="fgt-lab-2", serial="FG100FTK99999999", model="FortiGate-101F", login=False
    )
    assert unit.credentials is None and unit.hostname == "fgt-lab-2"
    sim = make_sim("tcp", unit)
    fortios = Profile(
        name="fortios",
        prompt_patterns=(r"^[\w.\-]+( \([\w.\-]+\))? [#$]\s*$",),
        paging_marker="--More--",
    )
    session = make_session(sim.url, fortios)
    session.wake()
    assert session.prompt == "fgt-lab-2 #"
    status = session.run("get system status")
    assert "Serial-Number: FG100FTK99999999" in status
    assert "Version: FortiGate-101F v7.2.8" in status and "Hostname: fgt-lab-2" in status

"""``assettrack sim`` as a process: it prints where to connect and stops on Ctrl-C."""

from __future__ import annotations

import signal
import subprocess
import sys

import pytest

from assettrack.console import HUAWEI_VRP, ConsoleSession
from assettrack.console.simulator.cli import main
from tests.ctrl_c import ctrl_c_works

RUN = "from assettrack.console.simulator.cli import main; raise SystemExit(main(sys.argv[1:]))"


@pytest.mark.skipif(sys.platform == "win32", reason="Ctrl-C is a POSIX signal here")
def test_sim_serves_until_interrupted():
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; " + RUN,
            "--vendor",
            "huawei",
            "--tcp",
            "0",
            "--login",
            "admin:pw",
            "--failed-fan",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=ctrl_c_works,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        url = line.rsplit(" ", 1)[-1].strip()
        assert url.startswith("socket://127.0.0.1:")
        with ConsoleSession(url, HUAWEI_VRP, idle_timeout=0.5, timeout=5) as session:
            session.wake()
            from assettrack.console import Credentials

            session.login(Credentials("admin", "pw"))
            assert "Abnormal" in session.run("display fan")
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 0  # a bound, not a timing: the machine may be busy
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()


def test_sim_usage_errors(capsys):
    assert main(["--login", "nocolon"]) == 2
    assert "USER:PASS" in capsys.readouterr().err
    assert main(["--pty", "--tcp", "0"]) == 2

"""Work done in a forked child (``forked_work``): its result comes back whole, and any way
the child can fail (its work raises, it is killed, its result cannot be written) gives
None, so the caller does the work itself. Nothing the child says reaches the terminal.

Each case runs in a fresh process, as the command line starts: a child is forked only
while one thread runs, which a test process that ran the app's tests cannot promise.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

HEADER = """
import os, signal, sys, threading, time
from assettrack.tui.forked_work import ForkedWork
"""


def run(body: str) -> list[str]:
    script = HEADER + textwrap.dedent(body)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stderr == ""  # nothing from a child either
    return out.stdout.splitlines()


def test_the_childs_result_comes_back_whole() -> None:
    said = run(
        """
        rows = tuple(("资产-%d" % n, n, None) for n in range(20000))
        forked = ForkedWork.start(lambda: (rows, {"serial": 12}, os.getpid()))
        sent = forked.result()
        print(sent[0] == rows, sent[1], sent[2] != os.getpid(), forked.result())
        forked.close()
        """
    )
    assert said == ["True {'serial': 12} True None"]  # worked in another process, read once


def test_a_child_that_fails_gives_none_and_says_nothing() -> None:
    said = run(
        """
        def raises():
            print("said by the child")
            print("to stderr", file=sys.stderr)
            raise ValueError("a damaged document")
        def killed():
            os.kill(os.getpid(), signal.SIGKILL)
        def unwritable():
            return object()  # marshal cannot write it
        for work in (raises, killed, unwritable):
            forked = ForkedWork.start(work)
            print(work.__name__, forked is not None, forked.result())
            forked.close()
        """
    )
    assert said == ["raises True None", "killed True None", "unwritable True None"]


def test_no_child_is_forked_beside_another_thread_or_off_linux() -> None:
    said = run(
        """
        stop = threading.Event()
        other = threading.Thread(target=stop.wait)
        other.start()
        print(ForkedWork.start(lambda: 1))  # its lock could stay locked in a child
        stop.set()
        other.join()
        sys.platform = "darwin"
        print(ForkedWork.start(lambda: 1))
        sys.platform = "linux"
        forked = ForkedWork.start(lambda: 1)
        print(forked.result())
        forked.close()
        """
    )
    assert said == ["None", "None", "1"]


def test_closing_without_the_result_waits_for_the_child() -> None:
    said = run(
        """
        forked = ForkedWork.start(lambda: time.sleep(0.2) or 1)
        forked.close()  # the caller failed before asking: the child is reaped, not left
        try:
            os.waitpid(forked.pid or -1, os.WNOHANG)
            print("a child left")
        except ChildProcessError:
            print("no child left")
        print(forked.result())
        """
    )
    assert said == ["no child left", "None"]

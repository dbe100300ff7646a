"""Work done in a forked child (``forked_work``): its parts come back whole and in order,
each as soon as it is made, and any way the child can fail (its work raises, it is killed,
a part cannot be written) ends the parts, so the caller does the work itself. Nothing the
child says reaches the terminal.

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


def test_the_childs_parts_come_back_whole_and_each_as_soon_as_made() -> None:
    said = run(
        """
        rows = tuple(("资产-%d" % n, n, None) for n in range(20000))
        said, hear = os.pipe()
        def work():
            yield rows
            os.read(said, 1)  # the second part waits until the parent has the first
            yield {"serial": 12}, os.getpid()
        forked = ForkedWork.start(work)
        first = forked.next_part()
        os.write(hear, b"1")
        second = forked.next_part()
        print(first == rows, second[0], second[1] != os.getpid(), forked.next_part())
        forked.close()
        """
    )
    assert said == ["True {'serial': 12} True None"]  # worked in another process, then done


def test_a_child_that_fails_ends_its_parts_and_says_nothing() -> None:
    said = run(
        """
        def raises():
            print("said by the child")
            print("to stderr", file=sys.stderr)
            yield "the first part"
            raise ValueError("a damaged document")
        def killed():
            yield "the first part"
            os.kill(os.getpid(), signal.SIGKILL)
        def unwritable():
            yield object()  # marshal cannot write it
        for work in (raises, killed, unwritable):
            forked = ForkedWork.start(work)
            print(work.__name__, forked.next_part(), forked.next_part(), forked.next_part())
            forked.close()
        """
    )
    assert said == [
        "raises the first part None None",
        "killed the first part None None",
        "unwritable None None None",
    ]


def test_no_child_is_forked_beside_another_thread_or_off_linux() -> None:
    said = run(
        """
        stop = threading.Event()
        other = threading.Thread(target=stop.wait)
        other.start()
        print(ForkedWork.start(lambda: [1]))  # its lock could stay locked in a child
        stop.set()
        other.join()
        sys.platform = "darwin"
        print(ForkedWork.start(lambda: [1]))
        sys.platform = "linux"
        forked = ForkedWork.start(lambda: [1])
        print(forked.next_part())
        forked.close()
        """
    )
    assert said == ["None", "None", "1"]


def test_closing_without_the_result_waits_for_the_child() -> None:
    said = run(
        """
        forked = ForkedWork.start(lambda: [time.sleep(0.2) or 1])
        forked.close()  # the caller failed before asking: the child is reaped, not left
        try:
            os.waitpid(forked.pid or -1, os.WNOHANG)
            print("a child left")
        except ChildProcessError:
            print("no child left")
        print(forked.next_part())
        """
    )
    assert said == ["no child left", "None"]

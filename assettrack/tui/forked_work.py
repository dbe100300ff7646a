"""Work done in a forked child while this process goes on; its result read back from memory.

A start with no row snapshot must read the asset rows and work out their warranty ends
before the first paint: about 90 ms at 50,000 assets. Importing Textual and the app takes
about as long, and neither needs the other. So a child forked just before the import does
that work on another core while this process imports, and writes the result (``marshal``)
to a file in memory this process then reads.

Only where that is safe: on Linux (macOS's system libraries are not safe to use after a
fork, and Windows has none) and with no other thread running (a lock another thread holds
would stay locked in the child). Anywhere else, and whenever the child fails (its work
raised, or it was killed), ``result`` gives None and the caller does the work itself, which
also reports any error as it would have. The child writes nothing to the terminal and never
returns into the caller's code.
"""

from __future__ import annotations

import marshal
import os
import sys
import threading
from collections.abc import Callable
from typing import Any

DONE = b"1"  # what the child writes to its pipe once its result is written (else: nothing)


class ForkedWork:
    """A child working out ``work()``; ``result`` waits for it."""

    def __init__(self, pid: int, sent: int, said: int) -> None:
        self.pid = pid
        self.sent = sent  # the file in memory the child writes its result to
        self.said: int | None = said  # a pipe the child writes DONE to once it has

    @classmethod
    def start(cls, work: Callable[[], Any]) -> ForkedWork | None:
        """A child forked to do ``work`` (whose result ``marshal`` can write), or None where
        no child can be forked safely."""
        if not sys.platform.startswith("linux") or threading.active_count() > 1:
            return None
        try:
            # A file in memory, not a pipe: the child writes it all at once, and this
            # process reads it in one call (a pipe took 13 ms for 6 MB at 50,000 rows).
            sent = os.memfd_create("assettrack-forked-work", os.MFD_CLOEXEC)
        except (AttributeError, OSError):
            return None
        try:
            said, say = os.pipe()
        except OSError:
            os.close(sent)
            return None
        try:
            pid = os.fork()
        except OSError:
            for fd in (sent, said, say):
                os.close(fd)
            return None
        if pid == 0:  # pragma: no cover - the child: never returns into the caller's code
            os.close(said)
            _do_in_child(work, sent, say)
        os.close(say)
        return cls(pid, sent, said)

    def result(self) -> Any | None:
        """What the child's ``work`` gave, or None if it failed (each call after the first
        gives None: the result is read once)."""
        if self.said is None:
            return None
        try:
            # The child says it is done before it exits: a process of 150 MB takes about
            # 10 ms to end, which is not waited for here.
            done = os.read(self.said, 1) == DONE
            if not done:
                return None
            payload = os.pread(self.sent, os.fstat(self.sent).st_size, 0)
            return marshal.loads(payload)
        except (OSError, EOFError, ValueError, TypeError):
            return None
        finally:
            self._close_files()

    def close(self) -> None:
        """Wait for the child to end (it is left to finish its work, which only reads)."""
        self._close_files()
        if self.pid:
            os.waitpid(self.pid, 0)
            self.pid = 0

    def _close_files(self) -> None:
        if self.said is not None:
            os.close(self.said)
            os.close(self.sent)
            self.said = None


def _do_in_child(work: Callable[[], Any], sent: int, say: int) -> None:  # pragma: no cover
    status = 1
    try:
        # Nothing the work says reaches the terminal the app is about to take over.
        quiet = os.open(os.devnull, os.O_WRONLY)
        os.dup2(quiet, 1)
        os.dup2(quiet, 2)
        payload = marshal.dumps(work(), 4)
        with open(sent, "wb", buffering=0, closefd=False) as out:
            out.write(payload)
        os.write(say, DONE)
        status = 0
    except BaseException:
        pass
    finally:
        os._exit(status)  # no atexit handlers, no flushing the parent's buffers

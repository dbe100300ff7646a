"""Work done in a forked child while this process goes on; its results read back from memory.

A start with no row snapshot must read the asset rows and work out their warranty ends
before the first paint: about 90 ms at 50,000 assets. Importing Textual and the app takes
about as long, and neither needs the other. So a child forked just before the import does
that work on another core while this process imports, and writes the result (``marshal``)
to a file in memory this process then reads.

Not ``multiprocessing``: importing it (5-14 ms here) would come before the fork, on the
start's path, and its results travel pickled through a pipe.

The work gives its result in parts, each sent as soon as it is made: this process takes in
one part while the child makes the next (on a first start the child loads the plugins for
their rules after it has sent the columns that need none).

Only where that is safe: on Linux (macOS's system libraries are not safe to use after a
fork, and Windows has none) and with no other thread running (a lock another thread holds
would stay locked in the child). Anywhere else, and whenever the child fails (its work
raised, or it was killed), the parts stop (``next_part`` gives None) and the caller does
the work itself, which also reports any error as it would have. The child writes nothing
to the terminal and never returns into the caller's code.
"""

from __future__ import annotations

import marshal
import os
import sys
import threading
from collections.abc import Callable, Iterable
from typing import Any

# Each part's length in bytes, told through the pipe once the part is written: a child that
# ends before it has told a part whole has sent no more parts.
LENGTH_BYTES = 8


class ForkedWork:
    """A child working out ``work()``'s parts; ``next_part`` waits for each in turn."""

    def __init__(self, pid: int, sent: int, said: int) -> None:
        self.pid = pid
        self.sent = sent  # the file in memory the child writes its parts to, one after another
        self.said: int | None = said  # a pipe the child tells each part's length through
        self.read_to = 0  # where the next part begins in ``sent``

    @classmethod
    def start(cls, work: Callable[[], Iterable[Any]]) -> ForkedWork | None:
        """A child forked to do ``work`` (whose parts ``marshal`` can write), or None where
        no child can be forked safely."""
        if not sys.platform.startswith("linux") or threading.active_count() > 1:
            return None
        try:
            # A file in memory, not a pipe: the child writes each part at once, and this
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

    def next_part(self) -> Any | None:
        """The work's next part, once the child has written it; None when the child sent
        no more (its work is done, or it failed: the caller knows how many to expect)."""
        if self.said is None:
            return None
        try:
            told = _read_exactly(self.said, LENGTH_BYTES)
            if told is None:
                self._close_files()
                return None
            length = int.from_bytes(told, "big")
            payload = os.pread(self.sent, length, self.read_to)
            self.read_to += length
            if len(payload) != length:
                raise EOFError("a part cut short")
            return marshal.loads(payload)
        except (OSError, EOFError, ValueError, TypeError):
            self._close_files()
            return None

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


def _read_exactly(fd: int, count: int) -> bytes | None:
    """``count`` bytes from the pipe, or None at its end (the child ended) before them."""
    got = b""
    while len(got) < count:
        more = os.read(fd, count - len(got))
        if not more:
            return None
        got += more
    return got


def _do_in_child(
    work: Callable[[], Iterable[Any]], sent: int, say: int
) -> None:  # pragma: no cover
    status = 1
    try:
        # Nothing the work says reaches the terminal the app is about to take over.
        quiet = os.open(os.devnull, os.O_WRONLY)
        os.dup2(quiet, 1)
        os.dup2(quiet, 2)
        with open(sent, "wb", closefd=False) as out:
            for part in work():
                payload = marshal.dumps(part, 4)
                out.write(payload)
                out.flush()  # all of it in the file before its length is told
                os.write(say, len(payload).to_bytes(LENGTH_BYTES, "big"))
        status = 0
    except BaseException:
        pass
    finally:
        os._exit(status)  # no atexit handlers, no flushing the parent's buffers

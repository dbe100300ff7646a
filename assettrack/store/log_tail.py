"""Which frame of the redo log a writer began last: a note that spares each save a read.

Every save takes the writer lock and first learns what other processes appended to the redo
log since (``RedoLog.refresh``). It looked for a frame where the log ended as it knew it; but
the log's frames are written past the page cache (``store.direct_writes``), so that look read
the disk: 30-70 µs a save. Instead every writer notes here, before it writes a frame or
begins a generation, which one it is about to write: the generation and the frame's number.
A writer that finds here the last frame it knows of (its own, most often) knows that nobody
has written since, and reads nothing more.

The note is 16 bytes rewritten in place and never flushed: it only has to hold while the
computer runs. Nothing survives a power cut that could trust it (a process knows the log's
end only from reading the log, after the restart), and a note that says anything else than
what a writer knows sends it to read the log, as before. A writer that cannot note fails its
save rather than write a frame no other writer would look for.
"""

from __future__ import annotations

import contextlib
import os
import struct
from pathlib import Path

from assettrack.store.durable import read_at, write_at

TAIL_NAME = ".redo.tail"
TAIL = struct.Struct("<8sQ")  # the generation, the frame's number (0: the generation begun)


class LogTail:
    def __init__(self, folder: Path) -> None:
        self.path = folder / TAIL_NAME
        self._fd = -1

    def _descriptor(self) -> int:
        if self._fd < 0:
            self._fd = os.open(
                self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o644
            )
        return self._fd

    def close(self) -> None:
        if self._fd >= 0:
            with contextlib.suppress(OSError):
                os.close(self._fd)
        self._fd = -1

    def claim(self, generation: bytes, seq: int) -> None:
        """Before frame ``seq`` of ``generation`` (or the generation, at 0) is written."""
        write_at(self._descriptor(), TAIL.pack(generation, seq), 0)

    def says(self, generation: bytes, seq: int) -> bool:
        """Whether the last frame begun is this one: nobody has written since."""
        try:
            return read_at(self._descriptor(), TAIL.size, 0) == TAIL.pack(generation, seq)
        except OSError:
            return False

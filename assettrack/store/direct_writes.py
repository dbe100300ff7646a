"""Writing whole blocks of a file past the page cache (``O_DIRECT``): the redo log's frames.

A frame written through the page cache is copied there, and the flush that follows has to find
those dirty pages and send them to the disk. Written past the cache, the frame goes to the
disk during the write, and the flush only commits the disk's own cache and the file's times:
saves took 20-30 µs less, of 300-450 (``benchmarks/README.md``, the store's eighth round).

What it asks: the offset and the length are whole blocks (``BLOCK``, which covers every disk's
logical block), and the bytes come from memory aligned to a page (an anonymous map this module
keeps). The page cache then holds none of the blocks written: reading them again goes to the
disk, which the redo log's every save avoids (``store.log_tail``).

Where the file system refuses it (``EINVAL``: tmpfs on older kernels, some network file
systems), off Linux, or with ``ASSETTRACK_DIRECT_WRITES=0``, ``write`` says no and the caller
writes through the cache as before. A write past the cache and a read or write through it
see each other's bytes (the kernel keeps them coherent); only the speed differs.
"""

from __future__ import annotations

import contextlib
import errno
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import mmap

BLOCK = 4096
LARGEST = 1 << 20  # larger frames (a big month file) go through the cache: no buffer that big


def enabled() -> bool:
    return hasattr(os, "O_DIRECT") and os.environ.get("ASSETTRACK_DIRECT_WRITES") != "0"


class DirectWriter:
    """A second descriptor of one file, opened past the cache, and the buffer it writes from."""

    def __init__(self) -> None:
        self._fd = -1
        self._buffer: mmap.mmap | None = None
        self.tried = False  # opened, or refused, since the last ``close``

    def open(self, path: Path, inode: int) -> None:
        """Open ``path`` past the cache if it is still the file ``inode`` (the caller's)."""
        self.close()
        self.tried = True
        if not enabled():
            return
        try:
            fd = os.open(path, os.O_RDWR | os.O_DIRECT)
        except OSError:
            return  # refused here: every write goes through the cache
        if os.fstat(fd).st_ino != inode:  # replaced between the two opens
            os.close(fd)
            return
        self._fd = fd

    def close(self) -> None:
        if self._fd >= 0:
            with contextlib.suppress(OSError):
                os.close(self._fd)
        self._fd = -1
        self.tried = False

    def write(self, parts: Sequence[bytes], offset: int, length: int) -> bool:
        """Write ``parts`` at ``offset``, then zeros up to ``length`` bytes (whole blocks).
        False where this cannot be done past the cache (nothing need be undone: the caller
        writes the same bytes through it); other errors are raised."""
        size = sum(map(len, parts))
        if self._fd < 0 or offset % BLOCK or length % BLOCK or not (size <= length <= LARGEST):
            return False
        buffer = self._buffer_of(length)
        position = 0
        for part in parts:
            buffer[position : position + len(part)] = part
            position += len(part)
        buffer[position:length] = bytes(length - position)
        view = memoryview(buffer)[:length]
        try:
            written = os.pwrite(self._fd, view, offset)
        except OSError as exc:
            if exc.errno != errno.EINVAL:
                raise
            self.close()  # this file system takes no direct writes after all
            self.tried = True
            return False
        finally:
            view.release()
        return written == length  # a short write (rare): the caller writes it all again

    def _buffer_of(self, length: int) -> mmap.mmap:
        if self._buffer is None or len(self._buffer) < length:
            import mmap  # at the first write: opening a database for reading needs none

            if self._buffer is not None:
                self._buffer.close()
            # Private: a forked process writes from a copy of its own
            self._buffer = mmap.mmap(-1, max(length, 16 * BLOCK), flags=mmap.MAP_PRIVATE)
        return self._buffer

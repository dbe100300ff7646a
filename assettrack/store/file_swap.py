"""Exchanging two files in one atomic step, and emptying a folder of old versions.

A save puts a file's new content in place by exchanging its spare file with the data file
(``store.spare_files``): ``renameat2`` with ``RENAME_EXCHANGE``, one atomic step, so a reader
sees the old file or the new one, as with a rename. A rename over an existing file would
make ext4 start writing the new file's data at once (``auto_da_alloc``: a guard for programs
that replace a file without fsync), which only competes with the redo log's flush of the
next save (measured: a save of 80 KB, 0.53 ms with the rename, 0.28 ms without), and would
delete the old file, freeing its blocks: a journalled change that waits behind the log's
flush (0.12-0.17 ms of a save). Elsewhere (not Linux, or a file system that cannot
exchange), ``exchange`` says so and the caller renames.

``empty_folder`` empties ``.retired/``, where earlier versions moved the files saves replaced
until the next checkpoint.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

AT_FDCWD = -100
RENAME_EXCHANGE = 2
_exchange: Callable[..., int] | None = None
_tried = False
_get_errno: Callable[[], int] = lambda: 0  # noqa: E731


def _resolve() -> Callable[..., int] | None:
    """libc's renameat2 (glibc 2.28 and later), looked up at the first save."""
    global _tried, _get_errno
    _tried = True
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        libc: Any = ctypes.CDLL(None, use_errno=True)
        call = libc.renameat2
    except (OSError, AttributeError):
        return None
    call.argtypes = (ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint)
    call.restype = ctypes.c_int
    _get_errno = ctypes.get_errno
    return call  # type: ignore[no-any-return]


def can_exchange() -> bool:
    """Whether exchanging is worth trying here (Linux with ``renameat2``, and no file system
    has refused it yet)."""
    global _exchange
    if not _tried:
        _exchange = _resolve()
    return _exchange is not None


def exchange(first: Path, second: Path) -> bool:
    """Swap what the two names point to, in one atomic step; whether done. False where it
    cannot be done here (nothing changed; later calls do not try). Any other failure raises
    ``OSError`` (``FileNotFoundError``: one of them is missing)."""
    global _exchange
    if not can_exchange():
        return False
    assert _exchange is not None
    if _exchange(AT_FDCWD, os.fsencode(first), AT_FDCWD, os.fsencode(second), RENAME_EXCHANGE) == 0:
        return True
    code = _get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        _exchange = None  # this file system cannot: renames from now on
        return False
    raise OSError(code, os.strerror(code), str(second))


def empty_folder(folder: Path) -> int:
    """Delete the files in ``folder`` (the retired old versions); how many. Housekeeping:
    a file that cannot be deleted (a read-only disk) is left for the next time."""
    removed = 0
    try:
        with os.scandir(folder) as entries:
            names = [entry.path for entry in entries if entry.is_file(follow_symlinks=False)]
    except OSError:
        return 0
    for name in names:
        with contextlib.suppress(OSError):
            os.unlink(name)
            removed += 1
    return removed

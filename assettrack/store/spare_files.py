"""Each data file's spare, which its saves write into, so that a save need not create a file.

A save writes the file's new content beside it, logs it in the redo log and swaps it into
place (``store.file_swap``). Creating that file allocates an inode: 8-12 µs in a new folder,
60-130 µs in the asset and month folders of a database of 50,000 assets (ext4, measured
alone: the allocator searches a fuller block group), at every save; and the old version's
deletion frees its blocks, a journalled change the next flush waits for. Instead a save
overwrites the file's spare in ``.spares/`` in place, logs it, then exchanges it with the
data file in one atomic step (``renameat2`` with ``RENAME_EXCHANGE``): the data file's name
then points to the new content, and the spare's to the old version, which the file's next
save overwrites. The spare is the file's own last version, so it is about the new one's
size: a spare shared by files of different sizes was shortened at most saves, and cutting
a file frees its blocks as deleting it does (measured: 65 µs a save). The ``KEEP`` spares
used last are kept past a checkpoint. Where files cannot be exchanged, saves create a new
file as before (``Database.save_file``).

A file with no spare yet (its first save since the spare was pruned, or a new file) takes a
*blank*: an empty file in ``.spares/`` made ready at a checkpoint, renamed to the spare's
name. Making a file is what a spare spares a save, and it costs the most where a database
is large (146 µs in the ``.spares/`` folder of a database of 10,000 assets, against 10 µs
for the rename); a checkpoint, which flushes files anyway, makes up to ``BLANKS`` of them
off the saves' way. An empty file holds no blocks, so a blank taken by a file of any size
is never cut. With no blank left, a save makes its spare as before; the blanks are listed
again at most once a second, so a process open all day takes those that another process's
checkpoint made.

Why writing a spare in place is safe:

- **A power cut.** A spare may hold the version that the data file's name still points to
  on disk, until the exchange that swapped them reaches the disk (the file system's next
  journal commit, or the checkpoint's flush of the folder). Overwritten meanwhile, that
  version is lost; but the save that exchanged it logged its frame first, and the frame
  stays in the log until the checkpoint that flushes the exchange. After a restart the
  replay compares every file the log names with its last frame and writes it again
  (``store.redo_log``).
- **A reader.** One that opened the old version just before the exchange may still be
  reading it when the next save overwrites it. Each save stamps the spare with the time to
  the nanosecond, and ``file_reads.read_file_bytes`` reads again when the file's size or
  time changed during the read, or when the name no longer points to the file it read.
- **Other writers.** Only the writer-lock holder writes, exchanges or deletes spares.
"""

from __future__ import annotations

import contextlib
import errno
import os
import time
from pathlib import Path

from assettrack.store.durable import Temp, explain, write_at
from assettrack.store.errors import StoreWriteError

SPARES_FOLDER = ".spares"
KEEP = 64  # spares kept past a checkpoint: of the files saved last
# Blanks made ready at a checkpoint: as many as the spares kept, so that saves to that many
# files between two checkpoints each find a spare or a blank.
BLANKS = 64
BLANK_PREFIX = ".blank-"  # never a spare's name: those are of data files, never hidden
# With none left, the blanks are listed again at most this often (seconds): another
# process's checkpoint may have made some (an app open all day; a command's close).
RELIST_AFTER = 1.0
# Never through a link: a spare is written in place, and a link could lead to a data file.
_FLAGS = os.O_WRONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOFOLLOW", 0)


class Spares:
    def __init__(self, database_folder: Path) -> None:
        self.folder = database_folder / SPARES_FOLDER
        # The blanks this process knows of, taken from the end; listed at the first save
        # that needs one and at each checkpoint. Another process may have taken some since.
        self._blanks: list[str] | None = None
        self._listed_at = 0.0  # time.monotonic() of the last listing

    def path_of(self, name: str) -> Path:
        """Data file ``name``'s spare, its folders in its name."""
        return self.folder / name.replace("/", "~")

    def write(self, name: str, data: bytes) -> Temp:
        """``data`` in data file ``name``'s spare, to be exchanged with it: the spare's path,
        its inode and its time as written (an exchange keeps them)."""
        spare = self.path_of(name)
        try:
            fd = self._open(spare)
            try:
                before = os.fstat(fd).st_size
                view, at = memoryview(data), 0
                while at < len(data):
                    at += write_at(fd, view[at:], at)
                if before > len(data):  # the file's last version was longer (a few bytes)
                    os.ftruncate(fd, len(data))
                now = time.time_ns()
                os.utime(fd, ns=(now, now))  # to the nanosecond: readers tell versions apart
                st = os.fstat(fd)
            finally:
                os.close(fd)
        except OSError as exc:
            with contextlib.suppress(OSError):
                spare.unlink()  # a full disk: its blocks back (the next save makes it again)
            raise StoreWriteError(explain(self.folder.parent / name, exc)) from exc
        return Temp(spare, st.st_ino, False, st.st_mtime_ns)

    def _open(self, spare: Path) -> int:
        """The spare open for writing: the one there, else a blank renamed to its name, else
        one made."""
        for _ in range(3):
            try:
                return os.open(spare, _FLAGS)
            except FileNotFoundError:
                if not self._take_blank(spare):
                    return self._make(spare)
            except OSError as exc:
                if exc.errno != errno.ELOOP:
                    raise
                spare.unlink()  # a link where a spare belongs: removed, never followed
        return self._make(spare)

    def _take_blank(self, spare: Path) -> bool:
        """Rename a blank to ``spare``; whether there was one."""
        if self._blanks is None or (
            not self._blanks and time.monotonic() - self._listed_at >= RELIST_AFTER
        ):
            self._blanks = self._listed(times=False)[1]
        while self._blanks:
            try:
                os.rename(self.folder / self._blanks.pop(), spare)
                return True
            except FileNotFoundError:
                continue  # taken by another process's save since it was listed
        return False

    def _make(self, spare: Path) -> int:
        try:
            return os.open(spare, _FLAGS | os.O_CREAT, 0o644)
        except FileNotFoundError:
            self.folder.mkdir(exist_ok=True)  # the first save of a database
            return os.open(spare, _FLAGS | os.O_CREAT, 0o644)

    def _listed(self, *, times: bool = True) -> tuple[list[tuple[int, str]], list[str]]:
        """The spares, each with the time it was last used (an exchange sets a file's change
        time), and the blanks' names; the spares only with ``times``."""
        spares, blanks = [], []
        self._listed_at = time.monotonic()
        try:
            with os.scandir(self.folder) as entries:
                for entry in entries:
                    if entry.name.startswith(BLANK_PREFIX):
                        blanks.append(entry.name)
                    elif times:
                        spares.append((entry.stat(follow_symlinks=False).st_ctime_ns, entry.path))
        except OSError:
            pass
        return spares, blanks

    def tidy(self, *, make_blanks: bool = True) -> tuple[int, int]:
        """At a checkpoint, off the saves' way: delete all but the ``KEEP`` spares used
        last, and make blanks up to ``BLANKS``; how many were deleted and made. A blank
        that cannot be made (a full or read-only disk) is left for the next checkpoint."""
        spares, blanks = self._listed()
        removed = 0
        for _used, path in sorted(spares)[: max(len(spares) - KEEP, 0)]:
            with contextlib.suppress(OSError):
                os.unlink(path)
                removed += 1
        made = []
        if make_blanks and len(blanks) < BLANKS:
            with contextlib.suppress(OSError):
                self.folder.mkdir(exist_ok=True)
                for _ in range(BLANKS - len(blanks)):
                    name = BLANK_PREFIX + os.urandom(6).hex()
                    os.close(os.open(self.folder / name, _FLAGS | os.O_CREAT | os.O_EXCL, 0o644))
                    made.append(name)
        self._blanks = blanks + made
        return removed, len(made)

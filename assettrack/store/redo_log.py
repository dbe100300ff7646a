"""The redo log: a save is durable after one flush of the log; the files catch up at checkpoints.

Replacing a partition file durably takes two flushes: the new file's content, then its folder
(so the rename survives a power cut), and each is a commit of the file system's own journal.
Instead, a save first appends one *frame* to ``.redo.log`` - the file's name in the
database, its whole new content and a checksum - and flushes the log once (``fdatasync`` of
blocks the log already owns: no file-system metadata changes, the cheapest flush there is).
Then the partition file is replaced by a rename as before, so every other process sees the old
file or the new one; but neither it nor its folder is flushed: until a checkpoint, the log is
what makes the save durable.

A *checkpoint* fsyncs every file the log names and each folder above them up to the
database's, then begins a new *generation*: a new random number in the log's header, flushed.
Frames carry their generation, so those of earlier generations are dead and their bytes are
simply overwritten by the next frames (the log keeps its size; it grows by ``GROW`` zeroed
bytes at a time and stays near ``CHECKPOINT_BYTES``). A checkpoint runs after
``CHECKPOINT_FRAMES`` frames or ``CHECKPOINT_BYTES`` bytes, when a database that saved is
closed (if no other process is writing), before a change is undone (``store.journal``: its
writes bypass the log), and after a replay.

*Replay*, when a database is opened by a process that gets the writer lock: each file a
frame names is brought to its last frame if it differs (or is gone), then a checkpoint. The
header names the boot of the computer its generation began in: after a restart (a power cut)
every file is compared with its frame, and this puts back what the page cache lost. On the
same boot a file is compared only if it is no longer the very file its save renamed into place
(a frame records that file's inode): a writer killed between its frame and its rename (a save
never reported done), a removable disk pulled out and put back, a hand edit. Then the version
found is kept in ``backups/`` before it is replaced.

Each frame begins on a 4 KB block (format 2) and is written past the page cache
(``store.direct_writes``): the flush that follows then has no pages to write back. Before each
frame, and before a new generation, the writer notes which one it begins in ``.redo.tail``
(``store.log_tail``), so that the next writer learns nobody wrote since without reading the
log. A log of format 1 (frames end to end, written by earlier versions) is read, replayed and
continued as it is until its next generation, which is of format 2.

A frame counts only whole: a torn or garbage tail (a save being written when the power went,
never reported done) fails its checksum or sequence number and ends the log. Valid frames of
the same generation found beyond such a break mean the log was damaged after it was written:
they are replayed too (each is a file's whole content), a copy of the log is set aside in
``quarantine/``, and it is said. A log written by a newer format is refused for writing (the
newer version replays it), never overwritten.

Every method is called under the writer lock (``store.lock``): one process appends at a time,
and learns at each lock what the others appended since (``refresh``).
"""

from __future__ import annotations

import contextlib
import os
import struct
import zlib
from collections.abc import Iterator
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from assettrack.domain.texts import N_
from assettrack.store.durable import (
    atomic_write,
    explain,
    fsync_folder,
    fsync_path,
    read_at,
    write_at,
    write_temp,
)
from assettrack.store.errors import StoreError, StoreWriteError

if TYPE_CHECKING:  # imported at the first write: opening a database to read needs neither
    from assettrack.store.direct_writes import DirectWriter
    from assettrack.store.log_tail import LogTail

LOG_NAME = ".redo.log"
FORMAT = 2  # 2: frames begin on blocks; 1 (read, continued until its next generation): end to end
HEADER = struct.Struct("<16sI8s16sI")  # magic, format, generation, boot id, crc32 of the rest
HEADER_MAGIC = b"assettrack redo\n"
# magic, generation, sequence number, name and data lengths, inode of the file it wrote,
# flags (MADE_FOLDERS)
FRAME = struct.Struct("<4s8sIIIQI")
MADE_FOLDERS = 1  # the save made the file's folder: a checkpoint flushes the folders above
# After the frame's header: the crc32 of its data, header and name in that order (format 2:
# the save has the data's own for its checked-files cache), of header, name, data (format 1)
CRC = struct.Struct("<I")
FRAME_MAGIC = b"ATRF"
BLOCK = 4096  # format 2's frames begin on blocks: those ``store.direct_writes`` writes
FRAMES_START = BLOCK  # the header has a block of its own: a new generation rewrites only it
GROW = 1 << 20  # zeroed room added at a time, so that frames overwrite blocks the log owns
CHECKPOINT_FRAMES = 256
CHECKPOINT_BYTES = 8 << 20
MAX_NAME = 1024
BACKUPS = "backups"


class NewerLogError(StoreError):
    def __init__(self, path: Path, found: int) -> None:
        self.path = path
        super().__init__(
            N_(
                "{path} was written by a newer assettrack (redo log format {found}; this "
                "version reads format {supported}). It holds saves that version replays when "
                "it opens the database: open it once with that version (or upgrade). Nothing "
                "was changed.",
                path=path,
                found=found,
                supported=FORMAT,
            )
        )


# Plain classes, not dataclasses: every command that opens a database imports this module,
# and making a dataclass compiles its methods at import (about 0.3 ms each).


class Frame:
    """One logged save of a file: where it is in the log and what it wrote."""

    __slots__ = ("end", "inode", "made_folders", "name", "offset", "seq", "size")

    def __init__(
        self,
        offset: int,
        seq: int,
        name: str,
        size: int,  # of the data
        inode: int,  # of the file the save renamed into place
        end: int,  # offset of what follows
        made_folders: bool = False,  # this file's folder was made in this generation
    ) -> None:
        self.offset, self.seq, self.name, self.size = offset, seq, name, size
        self.inode, self.end, self.made_folders = inode, end, made_folders


class Replayed:
    """What a replay found and did, for the database to say."""

    def __init__(self) -> None:
        self.restored: list[str] = []  # files written again from the log
        self.kept: list[str] = []  # versions found, copied to backups/
        self.damage: str | None = None  # why the log was set aside in quarantine/
        self.restarted = False  # the computer restarted since the log's generation began


@cache
def boot_id() -> bytes:
    """This boot of the computer (Linux); zeros where it cannot be told."""
    try:
        found = bytes.fromhex(Path("/proc/sys/kernel/random/boot_id").read_text().replace("-", ""))
    except (OSError, ValueError):
        return bytes(16)
    return found if len(found) == 16 else bytes(16)


def valid_name(name: str) -> bool:
    """A partition file's name inside the database: never absolute, hidden or climbing out."""
    parts = name.split("/")
    return (
        name.endswith(".json")
        and "\\" not in name
        and "\0" not in name
        and all(p and not p.startswith(".") for p in parts)
    )


class RedoLog:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / LOG_NAME
        self._fd = -1
        self._opened: tuple[int, int] = (0, 0)  # (pid, inode) the descriptor was opened as
        self._size = 0  # bytes the log file holds; frames below this overwrite in place
        self._direct: DirectWriter | None = None
        self._tail_note: LogTail | None = None
        # The generation's format: 2, frames on blocks; 1, end to end; None, either (the
        # header is damaged and does not say). Set with the generation.
        self.format: int | None = FORMAT
        self._forget()

    def _forget(self) -> None:
        self.generation: bytes | None = None
        self.end = FRAMES_START  # where the next frame begins
        self.seq = 0
        self.latest: dict[str, Frame] = {}  # each file's last frame in this generation
        self.frames = 0
        self.stopped_at: bytes = b""  # the bytes where the last scan ended

    # -- the file ---------------------------------------------------------------------------

    def _open(self, create: bool) -> bool:
        """Whether the log is open (created first if asked); reopened after a fork, or if
        the file at the path is no longer the one open."""
        if self._fd >= 0:
            try:
                inode = os.stat(self.path).st_ino
            except FileNotFoundError:
                inode = -1
            if self._opened == (os.getpid(), inode):
                return True
            self.close()
        try:
            fd = os.open(self.path, os.O_RDWR | getattr(os, "O_BINARY", 0))
        except FileNotFoundError:
            if not create:
                return False
            # Whole or not at all, flushed with its folder: frames go only into a log that
            # is there after a power cut.
            header = self._header(os.urandom(8))
            atomic_write(self.path, header + bytes(FRAMES_START - len(header) + GROW))
            fd = os.open(self.path, os.O_RDWR | getattr(os, "O_BINARY", 0))
        st = os.fstat(fd)
        self._fd, self._opened, self._size = fd, (os.getpid(), st.st_ino), st.st_size
        return True

    def _past_the_cache(self) -> DirectWriter:
        """The writer past the page cache, opened at the first write (a reader needs none)."""
        if self._direct is None:
            from assettrack.store.direct_writes import DirectWriter

            self._direct = DirectWriter()
        if not self._direct.tried:
            self._direct.open(self.path, self._opened[1])
        return self._direct

    @property
    def _tail(self) -> LogTail:
        if self._tail_note is None:
            from assettrack.store.log_tail import LogTail

            self._tail_note = LogTail(self.folder)
        return self._tail_note

    def close(self) -> None:
        if self._fd >= 0:
            with contextlib.suppress(OSError):
                os.close(self._fd)
        self._fd = -1
        for opened in (self._direct, self._tail_note):
            if opened is not None:
                opened.close()
        self._forget()

    def _read(self, offset: int, size: int) -> bytes:
        return read_at(self._fd, size, offset)

    def _write(self, parts: list[bytes], offset: int) -> None:
        if hasattr(os, "pwritev"):  # one system call for the frame's parts
            written = os.pwritev(self._fd, parts, offset)
            if written == sum(map(len, parts)):
                return
            data = b"".join(parts)[written:]  # written in part (rare): the rest, in order
            parts, offset = [data], offset + written
        for part in parts:
            view = memoryview(part)
            while view:
                written = write_at(self._fd, view, offset)
                view, offset = view[written:], offset + written

    @staticmethod
    def _header(generation: bytes) -> bytes:
        body = HEADER.pack(HEADER_MAGIC, FORMAT, generation, boot_id(), 0)[:-4]
        return body + CRC.pack(zlib.crc32(body))

    def _read_header(self) -> tuple[bytes, bytes, int] | None:
        """(generation, boot id, format) from the header, None if it is damaged; refuses a
        newer format."""
        raw = self._read(0, HEADER.size)
        if len(raw) < HEADER.size:
            return None
        magic, version, generation, boot, crc = HEADER.unpack(raw)
        if magic != HEADER_MAGIC or crc != zlib.crc32(raw[:-4]):
            return None
        if version > FORMAT:
            raise NewerLogError(self.path, version)
        return generation, boot, version

    def _current(self) -> tuple[bytes | None, bytes | None]:
        """The generation in force and the boot it began in (``format`` set by the header).
        A damaged header gives way to the first frame's generation: every generation writes
        from ``FRAMES_START``, and a new one voids the old first frame once its header is
        flushed, so the first frame is the newest generation's (or, if the power went
        between the two, that of a generation just checkpointed, whose replay writes the
        files as they are)."""
        header = self._read_header()
        if header is not None:
            generation, boot, self.format = header
            return generation, boot
        self.format = None
        first = self._frame_at(FRAMES_START, None, 1)
        return (first[0], None) if first else (None, None)

    def _after(self, end: int) -> int:
        """Where the frame after one ending at ``end`` begins."""
        return blocks(end) if self.format == 2 else end

    # -- frames -----------------------------------------------------------------------------

    def _frame_at(
        self, offset: int, generation: bytes | None, seq: int | None
    ) -> tuple[bytes, Frame, bytes] | None:
        """The whole, valid frame at ``offset`` (of ``generation`` and numbered ``seq`` when
        given): its generation, the frame and its data; None where the log ends (and
        ``stopped_at`` holds the bytes found there)."""
        raw = self.stopped_at = self._read(offset, FRAME.size + CRC.size)
        if len(raw) < FRAME.size + CRC.size or raw[:4] != FRAME_MAGIC:
            return None
        _, found, number, name_size, data_size, inode, flags = FRAME.unpack_from(raw)
        if (generation is not None and found != generation) or (seq is not None and number != seq):
            return None
        if name_size > MAX_NAME or not self._holds(offset + len(raw) + name_size + data_size):
            return None
        rest = self._read(offset + len(raw), name_size + data_size)
        if len(rest) < name_size + data_size:
            return None
        (crc,) = CRC.unpack_from(raw, FRAME.size)
        head, name_bytes, data = raw[: FRAME.size], rest[:name_size], memoryview(rest)[name_size:]
        formats = (self.format,) if self.format is not None else (1, 2)
        if all(frame_crc(head, name_bytes, data, f) != crc for f in formats):
            return None
        try:
            name = rest[:name_size].decode("utf-8")
        except UnicodeDecodeError:
            name = ""
        end = offset + len(raw) + len(rest)
        frame = Frame(offset, number, name, data_size, inode, end, bool(flags & MADE_FOLDERS))
        return found, frame, rest[name_size:]

    def _scan(self, bad_names: list[str] | None = None) -> None:
        """Take in the frames from ``end`` on. A frame with a valid checksum but a name no
        partition can have is passed over (said in ``bad_names``), never written."""
        while (found := self._next_frame()) is not None:
            _, frame, _data = found
            self.end, self.seq = self._after(frame.end), frame.seq
            self.frames += 1
            if valid_name(frame.name):
                self._take(frame)
            elif bad_names is not None:
                bad_names.append(repr(frame.name))

    def _next_frame(self) -> tuple[bytes, Frame, bytes] | None:
        found = self._frame_at(self.end, self.generation, self.seq + 1)
        if found is None and self.format is None and self.end % BLOCK:
            # Format unknown: the frame may begin on the next block. Where the log stopped
            # is the look that found a frame's beginning, if either did (``_frames_beyond``).
            stopped, end = self.stopped_at, self.end
            found = self._frame_at(blocks(end), self.generation, self.seq + 1)
            if found is None and self.stopped_at[:4] != FRAME_MAGIC:
                self.stopped_at = stopped
            elif found is None:
                self.end = blocks(end)
        return found

    def _holds(self, end: int) -> bool:
        """Whether the log file reaches ``end`` (a garbage length is not read)."""
        if end > self._size:
            self._size = os.fstat(self._fd).st_size  # another writer may have grown it
        return end <= self._size

    def data(self, frame: Frame) -> bytes:
        return self._read(frame.end - frame.size, frame.size)

    def refresh(self) -> None:
        """Take in the frames others appended since, or the new generation one began."""
        if not self._open(create=False):
            self._forget()
            return
        if self._knows_the_end():
            return
        generation, _boot = self._current()
        if generation != self.generation:
            self._forget()
            self.generation = generation
        if generation is not None:
            self._scan()

    def _knows_the_end(self) -> bool:
        """Whether no writer began a frame or a generation since this one's last look: the
        tail note names the frame it knows as the last. Trusted only in a generation of
        format 2, whose every writer notes (earlier versions refuse to write to it)."""
        return (
            self.generation is not None
            and self.format == 2
            and self._tail.says(self.generation, self.seq)
        )

    def _take(self, frame: Frame) -> Frame | None:
        """The file's last frame is this one now (a folder made by an earlier frame of the
        generation still needs its flush); the one it replaces."""
        previous = self.latest.get(frame.name)
        if previous is not None and previous.made_folders:
            frame.made_folders = True
        self.latest[frame.name] = frame
        return previous

    def append(
        self,
        name: str,
        data: bytes,
        inode: int,
        made_folders: bool = False,
        data_crc: int | None = None,
    ) -> tuple[Frame, Frame | None]:
        """Add a file's new content to the log and flush it: from here the save is durable.
        ``inode`` is the new file's, about to be renamed into place; ``made_folders`` says
        its folder had to be made; ``data_crc`` is the data's CRC-32 if the caller has it.
        Returns the frame and the file's previous one, for ``withdraw``."""
        try:
            if self._fd < 0:  # refresh (at the lock) opened it if it was there
                self._open(create=True)
            if self.generation is None:
                self._new_generation()
            encoded = name.encode("utf-8")
            flags = MADE_FOLDERS if made_folders else 0
            head = FRAME.pack(
                FRAME_MAGIC, self.generation, self.seq + 1, len(encoded), len(data), inode, flags
            )
            crc = CRC.pack(frame_crc(head, encoded, data, self.format or 1, data_crc))
            parts = [head, crc, encoded, data]
            end = self.end + len(head) + len(crc) + len(encoded) + len(data)
            after = self._after(end)
            grow = not self._holds(after)
            self._tail.claim(self.generation, self.seq + 1)
            if grow or not self._past_the_cache().write(parts, self.end, after - self.end):
                parts.append(bytes(after - end))  # the rest of its last block
                if grow:  # grown once, with room for the next frames
                    parts.append(bytes(GROW))
                self._write(parts, self.end)
            _flush(self._fd)
        except OSError as exc:
            self._void(self.end)  # a frame not flushed must not be taken in later
            raise StoreWriteError(explain(self.folder / name, exc)) from exc
        self._size = max(self._size, after + (GROW if grow else 0))
        frame = Frame(self.end, self.seq + 1, name, len(data), inode, end, made_folders)
        previous = self._take(frame)
        self.end, self.seq = after, frame.seq
        self.frames += 1
        return frame, previous

    def withdraw(self, frame: Frame, previous: Frame | None) -> None:
        """Take back the last frame: its save failed after it was logged (the rename)."""
        self._void(frame.offset)
        with contextlib.suppress(OSError):
            _flush(self._fd)
        self.end, self.seq = frame.offset, frame.seq - 1
        self.frames -= 1
        if previous is None:
            self.latest.pop(frame.name, None)
        else:
            self.latest[frame.name] = previous

    def _void(self, offset: int) -> None:
        with contextlib.suppress(OSError):
            if self._fd >= 0:
                write_at(self._fd, bytes(len(FRAME_MAGIC)), offset)

    def due(self) -> bool:
        return self.frames >= CHECKPOINT_FRAMES or self.end - FRAMES_START >= CHECKPOINT_BYTES

    # -- checkpoints ------------------------------------------------------------------------

    def checkpoint(self) -> list[str]:
        """Flush every file the log names and the folders above them, then begin a new
        generation. A file that is gone is written again from its frame first: nothing a
        save reported done is dropped. Returns the names written again."""
        if not self.latest:
            if self.frames:  # only frames passed over (bad names): drop them
                self._new_generation()
            return []
        restored = []
        try:
            for name, frame in self.latest.items():
                path = self.folder / name
                try:
                    fsync_path(path)
                except (FileNotFoundError, NotADirectoryError):
                    _put_back(path, self.data(frame))
                    fsync_path(path)
                    restored.append(name)
            for folder in _folders_above(self.folder, self.latest):
                fsync_folder(folder)
            self._new_generation()
        except OSError as exc:
            # The log keeps every frame: the next checkpoint tries again.
            raise StoreWriteError(
                N_(
                    "could not flush the database's files to disk ({problem}); every save is "
                    "still kept in {log}, and the next save or opening tries again",
                    problem=exc.strerror or str(exc),
                    log=LOG_NAME,
                )
            ) from exc
        return restored

    def _new_generation(self) -> None:
        self._open(create=True)
        generation = os.urandom(8)
        self._tail.claim(generation, 0)
        self._write([self._header(generation)], 0)
        # The old generation's first frame too, so that a header damaged later never makes
        # a replay take up a generation whose files have been written since (an undo). In
        # either order on disk this is safe: the old generation is checkpointed. (Its block
        # is zeroed past the cache: reading it to look would read the disk.)
        if not self._past_the_cache().write([], FRAMES_START, BLOCK) and (
            self._read(FRAMES_START, len(FRAME_MAGIC)) == FRAME_MAGIC
        ):
            self._void(FRAMES_START)
        _flush(self._fd)
        self._forget()
        self.generation, self.format = generation, FORMAT

    # -- after a crash ----------------------------------------------------------------------

    def replay(self) -> Replayed:
        """Bring every file the log names to its last frame (opening, under the writer lock).

        After a restart of the computer each file's content is compared with its frame. On
        the same boot the page cache lost nothing: a file is taken as written if it is still
        the very file its last save renamed into place (inode and size), and compared only
        if not (a writer killed between its frame and its rename, a disk unplugged and put
        back, a hand edit). The log is checkpointed only if something was written again, or
        after a restart (so that its header names this boot): otherwise the frames stay,
        durable, and the files need no flush now."""
        done = Replayed()
        if not self._open(create=False):
            self._forget()
            return done
        self._forget()
        self.generation, boot = self._current()
        if self.generation is None:
            return done
        done.restarted = boot != boot_id() or boot_id() == bytes(16)
        bad_names: list[str] = []
        self._scan(bad_names)
        beyond = list(self._frames_beyond())
        for frame in beyond:  # the log was damaged: what can be read still counts
            self._take(frame)
        if beyond or bad_names:
            done.damage = (
                f"{len(beyond)} save(s) found past a damaged frame at byte {self.end}"
                if beyond
                else f"frame(s) naming no database file: {', '.join(bad_names[:3])}"
            )
            self._set_aside()
        for name, frame in sorted(self.latest.items()):
            path = self.folder / name
            if not done.restarted and not beyond and _is_written(path, frame):
                continue
            data = self.data(frame)
            try:
                found: bytes | None = path.read_bytes()
            except (FileNotFoundError, NotADirectoryError):
                found = None
            if found == data:
                continue
            if found and not done.restarted:
                done.kept.append(_keep(self.folder, name, found))
            _put_back(path, data)
            done.restored.append(name)
        if done.restored or done.restarted or done.damage:
            self.checkpoint()
        return done

    def _frames_beyond(self) -> Iterator[Frame]:
        """Valid frames of this generation past where the log stopped, if it stopped at a
        frame of this generation that is damaged (not at a torn last frame: nothing follows
        one of those)."""
        if self.stopped_at[:4] != FRAME_MAGIC or self.stopped_at[4:12] != self.generation:
            return
        assert self.generation is not None
        mark = FRAME_MAGIC + self.generation
        rest = self._read(self.end + 1, max(0, os.fstat(self._fd).st_size - self.end - 1))
        start = 0
        while (at := rest.find(mark, start)) >= 0:
            found = self._frame_at(self.end + 1 + at, self.generation, None)
            if found is not None and valid_name(found[1].name):
                yield found[1]
                start = found[1].end - self.end - 1
            else:
                start = at + 1

    def _set_aside(self) -> None:
        target = self.folder / "quarantine" / f"redo-{datetime.now():%Y%m%dT%H%M%S}.log"
        with contextlib.suppress(OSError):
            target.parent.mkdir(parents=True, exist_ok=True)
            import shutil  # only for a backup copy

            shutil.copyfile(self.path, target)
            fsync_path(target)


def blocks(size: int) -> int:
    """``size`` rounded up to whole blocks."""
    return -(-size // BLOCK) * BLOCK


def frame_crc(
    head: bytes, name: bytes, data: bytes | memoryview, version: int, data_crc: int | None = None
) -> int:
    """A frame's checksum as ``version`` of the format takes it."""
    if version == 1:
        return zlib.crc32(data, zlib.crc32(name, zlib.crc32(head)))
    return zlib.crc32(name, zlib.crc32(head, zlib.crc32(data) if data_crc is None else data_crc))


def _flush(fd: int) -> None:
    # fdatasync: the data and what is needed to read it back, not the file's times.
    (getattr(os, "fdatasync", None) or os.fsync)(fd)


def _is_written(path: Path, frame: Frame) -> bool:
    """Whether the file at ``path`` is the one the frame's save renamed into place."""
    try:
        st = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return False
    return st.st_ino == frame.inode and st.st_size == frame.size


def _put_back(path: Path, data: bytes) -> None:
    """The file as its frame has it: renamed into place, flushed by the checkpoint."""
    temp = write_temp(path, data).path
    try:
        os.replace(temp, path)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise StoreWriteError(explain(path, exc)) from exc


def _keep(folder: Path, name: str, found: bytes) -> str:
    """A copy of a file about to be replaced by its frame; its name in the database."""
    kept = f"{BACKUPS}/{name.replace('/', '~')}.{datetime.now():%Y%m%dT%H%M%S%f}.found"
    atomic_write(folder / kept, found)
    return kept


def _folders_above(root: Path, frames: dict[str, Frame]) -> set[Path]:
    """The folder of each file renamed into place; for a folder made since the last
    checkpoint, each folder above it up to ``root`` too (it is durable only once its parent
    is flushed)."""
    folders = set()
    for name, frame in frames.items():
        parts = name.split("/")[:-1]
        folders.add(root.joinpath(*parts))
        if frame.made_folders:
            folders.update(root.joinpath(*parts[:depth]) for depth in range(len(parts)))
    return folders

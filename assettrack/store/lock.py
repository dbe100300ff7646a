"""One writer at a time, for the length of one save: an OS file lock that dies with its process.

The app, the command line and a merge may all have a database open; each takes the lock only
while it writes (a save, an import, a merge), so none locks out the others for long. A writer
that finds the lock taken waits a few seconds, then says which process holds it, running
what, since when, and what to do. The holder notes who it is beside the lock when it takes
it. A note left by a process that died is never believed: the process is checked to be
alive, and on Linux the kernel's own list of locks names the live holder.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

from assettrack.domain.texts import N_
from assettrack.store.durable import overwrite_note
from assettrack.store.errors import StoreLockedError

try:
    import fcntl
except ImportError:  # Windows: filelock's msvcrt lock instead (imported only there)
    fcntl = None  # type: ignore[assignment]
    from filelock import FileLock, Timeout

LOCK_NAME = ".writer.lock"
HOLDER_NAME = ".writer.json"
LOCK_WAIT = 5.0  # seconds a write waits for another's to end before saying who holds it
# The note is padded with spaces to a multiple of this, and a release blanks it rather than
# empty it: the file keeps its size, as changing a size is a journalled change that cost
# each save about 15 µs (two cuts), where rewriting the bytes in place costs 1 µs.
NOTE_BLOCK = 512
POLL = 0.02  # seconds between tries while another process holds the lock


def lock_wait() -> float:
    """The wait: ``LOCK_WAIT``, or ASSETTRACK_LOCK_WAIT seconds (0-600) if set."""
    try:
        wait = float(os.environ["ASSETTRACK_LOCK_WAIT"])
    except (KeyError, ValueError):
        return LOCK_WAIT
    return wait if 0 <= wait <= 600 else LOCK_WAIT


class WriterLock:
    """The lock is taken at every save, so it costs a system call or two: the lock file is
    opened once (again after a fork, or if the file was replaced) and locked with ``flock``,
    where filelock opened, locked and closed it each time (a tenth of a millisecond)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / LOCK_NAME
        self._fd = -1
        self._note = -1  # the holder's note, kept open beside the lock
        self._note_size = NOTE_BLOCK  # as last written: a release blanks that many bytes
        self._opened: tuple[int, int] = (0, 0)  # (pid, inode) the descriptor was opened as
        self._held = False
        self.found_dead_holder = False  # the last try_acquire found a dead holder's note
        self._fallback = (
            None
            if fcntl is not None
            else FileLock(self.path, timeout=0, thread_local=False, preserve_lock_file=True)
        )

    @property
    def held(self) -> bool:
        return self._held

    def acquire(self, wait: float = LOCK_WAIT) -> None:
        deadline = time.monotonic() + wait
        while not self._take():
            if time.monotonic() >= deadline:
                raise StoreLockedError(busy_message(self.folder, wait))
            time.sleep(POLL)
        self._note_holder()

    def holder_died(self) -> bool:
        """Whether the last holder died holding the lock: its note was left (a release
        blanks it; earlier versions emptied it). Asked after ``_take`` and before this
        holder's own note is written."""
        try:
            return bool((self.folder / HOLDER_NAME).read_bytes().strip())
        except FileNotFoundError:
            return False
        except OSError:
            return True  # cannot tell: as if it had

    def try_acquire(self) -> bool:
        if not self._take():
            return False
        self.found_dead_holder = self.holder_died()
        self._note_holder()
        return True

    def _take(self) -> bool:
        if self._fallback is not None:
            try:
                self._fallback.acquire(timeout=0)
            except Timeout:
                return False
            self._held = True
            return True
        for _ in range(3):
            fd = self._descriptor()
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False
            # Locked the file that is at the path now? (Another process locks that one.)
            try:
                current = os.stat(self.path).st_ino
            except FileNotFoundError:
                current = -1
            if current == self._opened[1]:
                self._held = True
                return True
            fcntl.flock(fd, fcntl.LOCK_UN)
            self.close()
        return False

    def _descriptor(self) -> int:
        if self._fd >= 0 and self._opened[0] == os.getpid():
            return self._fd
        if self._fd >= 0:  # a fork's copy shares the parent's lock: open one of its own
            for fd in (self._fd, self._note):
                with contextlib.suppress(OSError):
                    os.close(fd)  # the child's copy only; the parent's lock stays
            self._fd, self._note, self._held = -1, -1, False
        flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
        fd = os.open(self.path, flags, 0o666)
        self._fd, self._opened = fd, (os.getpid(), os.fstat(fd).st_ino)
        try:
            self._note = os.open(self.folder / HOLDER_NAME, os.O_WRONLY | os.O_CREAT, 0o644)
        except OSError:
            self._note = -1  # the note is a courtesy; the lock still holds
        return fd

    def release(self) -> None:
        if not self._held:
            return
        if self._fallback is None and self._opened[0] != os.getpid():
            self._held = False  # a fork's copy: the lock is the parent's to release
            return
        self._write_note(b"")  # nobody: a blank note
        self._held = False
        if self._fallback is not None:
            self._fallback.release(force=True)
        elif self._fd >= 0 and self._opened[0] == os.getpid():
            fcntl.flock(self._fd, fcntl.LOCK_UN)

    def close(self) -> None:
        """Close the lock file (releasing the lock if held)."""
        if self._fd >= 0 and self._opened[0] == os.getpid():
            for fd in (self._fd, self._note):
                with contextlib.suppress(OSError):
                    os.close(fd)
        self._fd = self._note = -1
        self._held = self._held and self._fallback is not None

    def _note_holder(self) -> None:
        # Advisory only (the OS lock is what excludes): rewritten in place without fsync,
        # as it is written at every save.
        self._write_note(_note_of(os.getpid(), int(time.time())))

    def _write_note(self, note: bytes) -> None:
        """Write the note (padded, ``_note_of``), or a blank as long as the note it blanks
        (``b""``). Taking the lock, the file is cut where it has another size (a longer
        note, or an earlier version's); the blank that follows, under the same lock, is
        then of the file's size."""
        with contextlib.suppress(OSError):  # the note is a courtesy; the lock still holds
            padded = note or b" " * self._note_size
            self._note_size = len(padded)
            if self._note < 0 or self._opened[0] != os.getpid():
                overwrite_note(self.folder / HOLDER_NAME, padded)
                return
            os.pwrite(self._note, padded, 0)
            if note and os.fstat(self._note).st_size != len(padded):
                os.ftruncate(self._note, len(padded))


@functools.lru_cache(maxsize=2)
def _note_of(pid: int, second: int) -> bytes:
    """The holder's note, padded with spaces to whole ``NOTE_BLOCK``s: made once a second
    at most, as the lock is taken at every save."""
    since = datetime.fromtimestamp(second).isoformat(timespec="seconds")
    note = orjson.dumps({**_who(pid), "since": since})
    return note.ljust(-(-len(note) // NOTE_BLOCK) * NOTE_BLOCK)


@functools.cache
def _who(pid: int) -> dict[str, Any]:
    """What the holder's note says of this process (the same at every save)."""
    return {
        "pid": pid,
        "host": host_name(),
        "user": _user(),
        "command": _command(sys.argv),
    }


def busy_message(folder: Path, waited: float) -> str:
    return N_(
        "database {folder} is busy: {holder}. Nothing was saved after "
        "waiting {waited} s; run this again once that save has finished (an import or a "
        "merge takes a few seconds)",
        folder=folder,
        holder=describe_holder(folder),
        waited=f"{waited:g}",
    )


def describe_holder(folder: Path) -> str:
    """Who holds the lock now, or a plain 'another program' - never a process that died."""
    # The holder writes its note just after taking the lock: give it a moment to appear.
    for _ in range(10):
        note = _read_note(folder / HOLDER_NAME)
        if note is not None and _alive(note):
            return N_(
                "process {pid} ({command!r}, {user}@{host}) has been saving since {since}",
                pid=note["pid"],
                command=note["command"],
                user=note["user"],
                host=note["host"],
                since=note["since"],
            )
        time.sleep(0.02)
    pid = kernel_lock_holder(folder / LOCK_NAME)
    if pid is not None:
        return N_("process {pid} ({command!r}) is saving", pid=pid, command=_command(_cmdline(pid)))
    return N_("another program is saving (it did not say which)")


def _read_note(path: Path) -> dict[str, Any] | None:
    try:
        note = orjson.loads(path.read_bytes())  # spaces after the JSON are allowed
    except (OSError, orjson.JSONDecodeError):
        return None
    keys = ("pid", "host", "user", "since", "command")
    if not isinstance(note, dict) or not all(k in note for k in keys):
        return None
    return note if isinstance(note["pid"], int) else None


def _alive(note: dict[str, Any]) -> bool:
    if note["host"] != host_name():
        return True  # another machine's process (a shared folder): it cannot be checked
    try:
        os.kill(note["pid"], 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # alive, another user's
    except OSError:
        return False
    return True


def kernel_lock_holder(lock_file: Path) -> int | None:
    """The process holding ``lock_file``'s lock, from /proc/locks (Linux; None elsewhere)."""
    try:
        inode = os.stat(lock_file).st_ino
        lines = Path("/proc/locks").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        parts = line.split()
        # "1: FLOCK  ADVISORY  WRITE 4242 08:01:1234567 0 EOF"; "->" marks a waiter.
        if len(parts) >= 6 and parts[1] == "FLOCK" and parts[5].endswith(f":{inode}"):
            try:
                return int(parts[4])
            except ValueError:
                return None
    return None


def _cmdline(pid: int) -> list[str]:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return ["?"]
    return [part.decode(errors="replace") for part in raw.split(b"\0") if part]


def _command(argv: list[str]) -> str:
    if not argv:
        return "?"
    words = [Path(argv[0]).name, *argv[1:]]
    # "python -m assettrack fault add" reads better as "assettrack fault add".
    if len(words) > 2 and words[1] == "-m":
        words = words[2:]
    return " ".join(words)[:200]


@functools.cache
def host_name() -> str:
    """This computer's name: uname's (what gethostname gives), without importing socket
    for every command."""
    if hasattr(os, "uname"):
        return os.uname().nodename
    import socket

    return socket.gethostname()


def _user() -> str:
    # What getpass.getuser looks at, without importing getpass (and termios) in every
    # command that writes: the login's variables, then the account database.
    for name in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        if user := os.environ.get(name):
            return user
    try:
        import pwd

        return pwd.getpwuid(os.getuid()).pw_name
    except (ImportError, KeyError, OSError):
        return "unknown"

"""Which partition files have had every document checked by the gate, as they are now.

Every document is checked as it is written, and again when its file is read, because a file
may have been damaged or edited by hand since. Checking 50,000 assets at every start-up is
half the start-up's time, though, and most files are exactly as assettrack wrote or last
checked them. This remembers each checked file's stat signature (size, modification time in
nanoseconds, inode): a file read again with the same signature is not checked again; any
change to it (an edit, a copy over it, another process's save) changes the signature and so
gets it checked. A file changed within the last seconds is remembered by this process only,
never written down for others: a clock that ticks coarsely could give its next change the
same time (git's "racily clean" files). It is a cache kept in ``.index/checked.json``: lost
or damaged, it only costs the checks again.

Each entry also keeps the file's CRC-32 where it is known. A file whose signature no longer
matches (a copy of the database, a restore, a change within the clock's tick) is still known
checked if its size and checksum match. A save splices a document into a file only if it is
known checked either way (``store.document_lines``): a file never checked, or damaged since,
is read whole first. A racy entry is written down with its checksum only.
"""

from __future__ import annotations

import contextlib
import os
import time
import zlib
from pathlib import Path

import orjson

from assettrack.store.durable import temp_path_for
from assettrack.store.file_reads import Signature

NAME = "checked.json"
FORMAT = 2  # entries [size, mtime_ns, inode, crc32 or -1]; format 1 had no checksum
RACY_NS = 2_000_000_000  # a file changed this recently may change again with the same time


class CheckedFiles:
    def __init__(self, folder: Path) -> None:
        self.path = folder / NAME
        self._known: dict[str, list[int]] | None = None
        self._dirty = False

    def _load(self) -> dict[str, list[int]]:
        if self._known is None:
            try:
                raw = orjson.loads(self.path.read_bytes())
                files = raw["files"] if raw.get("format") in (1, FORMAT) else {}
                self._known = {  # a damaged entry is dropped: its file is checked again
                    str(k): v if len(v) == 4 else [*v, -1]
                    for k, v in files.items()
                    if type(v) is list and len(v) in (3, 4) and set(map(type, v)) == {int}
                }
            except (OSError, orjson.JSONDecodeError, AttributeError, KeyError, TypeError):
                self._known = {}
        return self._known

    def is_checked(self, name: str, seen: Signature, raw: bytes | None = None) -> bool:
        """Whether the file, found with this signature (and content, when given), is as it
        was when every document in it passed the gate."""
        if seen is None:
            return False
        entry = self._load().get(name)
        if entry is None:
            return False
        if entry[:3] == list(seen):
            return True
        if raw is None or not _same_content(entry, raw):
            return False
        entry[:3] = seen  # the same content under a new signature (a copy, a restore)
        self._dirty = True
        return True

    def checked(
        self, name: str, seen: Signature, raw: bytes | None = None, *, crc: int | None = None
    ) -> None:
        """Remember the file as checked at ``seen``, with the checksum of its content
        (``raw``, or its ``crc`` when the caller has it already)."""
        known = self._load()
        if seen is None:
            self._dirty |= known.pop(name, None) is not None
            return
        entry = known.get(name)
        if crc is None:
            if raw is not None:
                crc = zlib.crc32(raw)
            else:  # the one known for this very signature, if any
                crc = entry[3] if entry is not None and entry[:3] == list(seen) else -1
        new = [*seen, crc]
        if entry != new:
            known[name] = new
            self._dirty = True

    def save(self) -> None:
        """Write what was learnt (whole or not at all; a cache needs no fsync). A file
        changed within the last seconds is trusted by its signature in this process only: for
        others only its checksum is written."""
        if not self._dirty or self._known is None:
            return
        self._dirty = False
        kept = {n: _settled(v) for n, v in self._known.items()}
        kept = {n: v for n, v in kept.items() if v is not None}
        temp = temp_path_for(self.path)
        try:
            self.path.parent.mkdir(exist_ok=True)
            temp.write_bytes(orjson.dumps({"format": FORMAT, "files": kept}))
            os.replace(temp, self.path)
        except OSError:
            with contextlib.suppress(OSError):
                temp.unlink()


def is_racy(seen: Signature) -> bool:
    """Whether a file's signature is too recent to tell its next change apart."""
    return seen is not None and seen[1] > time.time_ns() - RACY_NS


def _same_content(entry: list[int], raw: bytes) -> bool:
    return entry[3] >= 0 and entry[0] == len(raw) and entry[3] == zlib.crc32(raw)


def _settled(entry: list[int]) -> list[int] | None:
    """What may be written down: a racy signature is not, its checksum is."""
    if not is_racy((entry[0], entry[1], entry[2])):
        return entry
    return [entry[0], 0, 0, entry[3]] if entry[3] >= 0 else None

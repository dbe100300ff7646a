"""Which partition files have had every document checked by the gate, as they are now.

Every document is checked as it is written, and again when its file is read, because a file
may have been damaged or edited by hand since. Checking 50,000 assets at every start-up is
half the start-up's time, though, and most files are exactly as assettrack wrote or last
checked them. This remembers each checked file's stat signature (size, modification time in
nanoseconds, inode): a file read again with the same signature is not checked again; any
change to it (an edit, a copy over it, another process's save) changes the signature and so
gets it checked. A file changed within the last seconds is remembered by this process only,
never written down for others: a clock that ticks coarsely could give its next change the
same time (git's "racily clean" files). It is a cache kept in ``.index/checked/``, a file per
folder of partition files: lost or damaged, it only costs the checks again.

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

OLD_NAME = "checked.json"  # one file for the whole database, before the shards
FOLDER = "checked"  # one shard per folder of partition files
FORMAT = 2  # entries [size, mtime_ns, inode, crc32 or -1]; format 1 had no checksum
RACY_NS = 2_000_000_000  # a file changed this recently may change again with the same time

Entries = dict[str, list[int]]


def shard_of(name: str) -> str:
    """The shard that keeps partition file ``name``'s entry: its folder, ``/`` read as ``~``
    (``records/inspections/<site>/2025-03.json`` -> ``records~inspections~<site>``). At
    50,000 assets one file held 49,000 entries, and reading it (50 ms) to look up one was
    part of every command that checked or saved a file; a shard holds a folder's few."""
    folder, _, _file = name.rpartition("/")
    return folder.replace("/", "~") if folder else "top"


class CheckedFiles:
    def __init__(self, folder: Path) -> None:
        self.index = folder
        self.folder = folder / FOLDER
        self._shards: dict[str, Entries] = {}
        self._dirty: set[str] = set()
        self._migrated = False

    def _load(self, name: str) -> Entries:
        key = shard_of(name)
        known = self._shards.get(key)
        if known is None:
            if not self._migrated:
                self._migrate()
                known = self._shards.get(key)
            if known is None:
                known = self._shards[key] = _read(self.folder / f"{key}.json")
        return known

    def _migrate(self) -> None:
        """Take in the single file of earlier versions (split into shards, then removed):
        once, so that its 49,000 entries are not checked again."""
        self._migrated = True
        old = self.index / OLD_NAME
        if not old.exists():
            return
        for name, entry in _read(old).items():
            key = shard_of(name)
            if key not in self._shards:
                self._shards[key] = _read(self.folder / f"{key}.json")
            self._shards[key][name] = entry
            self._dirty.add(key)
        if self.save():
            with contextlib.suppress(OSError):
                old.unlink()

    def is_checked(self, name: str, seen: Signature, raw: bytes | None = None) -> bool:
        """Whether the file, found with this signature (and content, when given), is as it
        was when every document in it passed the gate."""
        if seen is None:
            return False
        entry = self._load(name).get(name)
        if entry is None:
            return False
        if entry[:3] == list(seen):
            return True
        if raw is None or not _same_content(entry, raw):
            return False
        entry[:3] = seen  # the same content under a new signature (a copy, a restore)
        self._dirty.add(shard_of(name))
        return True

    def checked(
        self, name: str, seen: Signature, raw: bytes | None = None, *, crc: int | None = None
    ) -> None:
        """Remember the file as checked at ``seen``, with the checksum of its content
        (``raw``, or its ``crc`` when the caller has it already)."""
        known = self._load(name)
        if seen is None:
            if known.pop(name, None) is not None:
                self._dirty.add(shard_of(name))
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
            self._dirty.add(shard_of(name))

    def save(self) -> bool:
        """Write the shards that learnt something (each whole or not at all; a cache needs no
        fsync). A file changed within the last seconds is trusted by its signature in this
        process only: for others only its checksum is written. Whether all were written."""
        written = True
        for key in sorted(self._dirty):
            kept = {n: _settled(v) for n, v in self._shards[key].items()}
            kept = {n: v for n, v in kept.items() if v is not None}
            path = self.folder / f"{key}.json"
            temp = temp_path_for(path)
            try:
                self.folder.mkdir(parents=True, exist_ok=True)
                temp.write_bytes(orjson.dumps({"format": FORMAT, "files": kept}))
                os.replace(temp, path)
            except OSError:
                written = False
                with contextlib.suppress(OSError):
                    temp.unlink()
        self._dirty.clear()
        return written


def _read(path: Path) -> Entries:
    """A shard's (or the old single file's) entries; a damaged entry is dropped, and so its
    file checked again; a damaged or missing file holds none."""
    try:
        raw = orjson.loads(path.read_bytes())
        files = raw["files"] if raw.get("format") in (1, FORMAT) else {}
        return {
            str(k): v if len(v) == 4 else [*v, -1]
            for k, v in files.items()
            if type(v) is list and len(v) in (3, 4) and set(map(type, v)) == {int}
        }
    except (OSError, orjson.JSONDecodeError, AttributeError, KeyError, TypeError):
        return {}


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

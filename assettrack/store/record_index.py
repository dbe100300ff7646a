"""Which of a site's record files hold which asset's records: one asset's history reads only
those files, whatever the size of the site's history.

An index per table and site (``.index/<table>.<site>.json``) lists, for each month file, the
file's stat signature when it was indexed and the ids of each asset's records in it. It is
derived data, never the truth: before use, each month file's signature is compared with the
one indexed, and a file that changed (or is new) is indexed again from its content, one
file at a time: from its records' lines, the asset each belongs to read off its line and
only lines that could mislead that read parsed (``document_lines.live_field_texts``; 500
records of a site, 6 ms rather than 14). A lost, damaged or stale index therefore costs a
re-read, never a wrong answer, and saves never have to update it: it is kept as a cache
is, written atomically without an fsync, and never synced between laptops.

A file read while it showed another process's unfinished change (``store.journal``) is
indexed for this answer only: its signature does not change when the change finishes.

Each file's CRC-32 is kept with it too: a file whose signature changed but whose size and
checksum did not (a copy of the database, a restore from a backup: new inodes and times) is
read, not parsed, and keeps its entry.
"""

from __future__ import annotations

import os
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from assettrack.store.checked_files import is_racy
from assettrack.store.document_lines import live_field_texts
from assettrack.store.durable import temp_path_for
from assettrack.store.errors import CorruptStoreError
from assettrack.store.file_reads import (
    Signature,
    holds_content,
    read_file_bytes,
    signature,
    signatures_in,
)
from assettrack.store.layout import INDEX_FOLDER

FORMAT = 2  # 2: each file's CRC-32 too (-1: not known); format 1 entries are read as such


@dataclass
class _FileEntry:
    signature: Signature
    by_asset: dict[str, list[str]]
    crc: int = -1  # of the content indexed


@dataclass
class _SiteIndex:
    path: Path
    seen: Signature = None  # the index file's own signature when it was read
    files: dict[str, _FileEntry] = field(default_factory=dict)
    dirty: bool = False


class RecordIndex:
    """The index of one table's record files (``records/<table>/<site>/<YYYY-MM>.json``)."""

    def __init__(self, db: Any, table: str) -> None:
        self.db = db
        self.table = table
        self._sites: dict[str, _SiteIndex] = {}

    def files_for(self, site_id: str, asset_id: str) -> dict[str, list[str]]:
        """The site's record files that hold the asset's records, each with their ids."""
        index = self._current(site_id)
        found = {
            name: entry.by_asset[asset_id]
            for name, entry in index.files.items()
            if asset_id in entry.by_asset
        }
        if index.dirty:
            self._save(index)
        return found

    # -- keeping it current -------------------------------------------------------------------

    def _current(self, site_id: str) -> _SiteIndex:
        index = self._load(site_id)
        on_disk = signatures_in(self.db.folder, f"records/{self.table}/{site_id}")
        for name in set(index.files) - set(on_disk):
            del index.files[name]
            index.dirty = True
        for name, seen in on_disk.items():
            entry = index.files.get(name)
            if entry is not None and entry.signature != seen and self._same_content(name, entry):
                entry.signature = seen if not is_racy(seen) else None
                index.dirty = True
            elif entry is None or entry.signature != seen:
                index.files[name] = self._index_file(name)
                index.dirty = True
        return index

    def _same_content(self, name: str, entry: _FileEntry) -> bool:
        """Whether the file holds what was indexed, by its checksum (read, not parsed)."""
        if entry.signature is None:
            return False
        return holds_content(self.db.folder / name, entry.signature[0], entry.crc)

    def _index_file(self, name: str) -> _FileEntry:
        if not self.db.holds_in_memory(name) and not self.db.hides_changes_in(name):
            entry = self._index_lines(name)
            if entry is not None:
                return entry
        self.db.refresh_partition(name)  # the copy held may predate the change seen
        storage = self.db.partition(name).partition_storage
        data = storage.read() or {}
        by_asset: dict[str, list[str]] = {}
        for doc_id, doc in data.get(self.table, {}).items():
            asset_id = doc.get("asset_id") if not doc.get("_deleted") else None
            if isinstance(asset_id, str):
                by_asset.setdefault(asset_id, []).append(doc_id)
        # What another's unfinished change hides is not the file, and a file changed this
        # very moment may change again with the same signature: index those for now only.
        racy = storage.hidden_by or is_racy(storage.signature)
        indexed = storage.signature if not racy else None
        crc = storage.content_crc if not storage.hidden_by else -1
        return _FileEntry(indexed, by_asset, crc)

    def _index_lines(self, name: str) -> _FileEntry | None:
        """The file's entry from its documents' lines, none parsed whole and nothing held
        (``document_lines.live_field_texts``); None where the file is to be read through the
        storage: not in the one-line layout, to be migrated, damaged, or gone."""
        try:
            raw, seen = read_file_bytes(self.db.folder / name)
        except CorruptStoreError:
            return None
        if raw is None:
            return None
        found = live_field_texts(raw, self.table, "asset_id", self.db.plan.current)
        if found is None:
            return None
        by_asset: dict[str, list[str]] = {}
        for doc_id, asset_id in found:
            if asset_id is not None:
                by_asset.setdefault(asset_id, []).append(doc_id)
        return _FileEntry(None if is_racy(seen) else seen, by_asset, zlib.crc32(raw))

    # -- the index file -----------------------------------------------------------------------

    def _path(self, site_id: str) -> Path:
        return self.db.folder / INDEX_FOLDER / f"{self.table}.{site_id}.json"

    def _load(self, site_id: str) -> _SiteIndex:
        path = self._path(site_id)
        seen = signature(path)
        known = self._sites.get(site_id)
        if known is not None and (known.seen == seen or known.dirty):
            return known
        index = _SiteIndex(path, seen)
        try:
            raw = orjson.loads(path.read_bytes()) if seen is not None else {}
            if raw.get("format") in (1, FORMAT):
                for name, (indexed, by_asset, *crc) in raw["files"].items():
                    index.files[name] = _FileEntry(
                        tuple(indexed) if indexed else None, by_asset, int(crc[0]) if crc else -1
                    )
        except (OSError, orjson.JSONDecodeError, AttributeError, KeyError, TypeError, ValueError):
            index.files.clear()  # damaged: rebuilt from the record files
        self._sites[site_id] = index
        return index

    def _save(self, index: _SiteIndex) -> None:
        index.dirty = False
        if self.db.read_only:
            return
        data = {
            "format": FORMAT,
            "files": {n: [e.signature, e.by_asset, e.crc] for n, e in sorted(index.files.items())},
        }
        temp = temp_path_for(index.path)
        try:
            index.path.parent.mkdir(exist_ok=True)
            temp.write_bytes(orjson.dumps(data))
            os.replace(temp, index.path)  # whole or not at all; a cache needs no fsync
            index.seen = signature(index.path)
        except OSError:
            temp.unlink(missing_ok=True)  # a read-only or full disk: answered all the same

"""The tree of a database as it is: what a commit of it holds.

Each data file is committed in a canonical form (``canonical``). Reading and re-serialising
every file for every sync would cost seconds at 50,000 assets, so ``.sync/snapshot.json``
keeps each file's stat (size, mtime, inode) and blob: a file whose stat is unchanged is not
read again. One scandir per folder gives the stats.

The cache is trusted without asking the object store for each blob (at 49,000 files and a
hundred packs that question alone took seconds), which is safe because:

- it names the history repository it was made for (``[assettrack] history`` in the
  repository's config, a random id): a history made again, or another one, starts afresh;
- a blob is on disk before the cache names it: objects are written fsynced, their folders
  too, and the cache after them;
- nothing here ever deletes an object (packs are consolidated, never pruned).
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import orjson
from dulwich.index import commit_tree
from dulwich.object_store import commit_tree_changes
from dulwich.objects import Blob
from dulwich.repo import Repo

from assettrack.services.git_file_scan import scan
from assettrack.services.git_objects import PackWriter, has_object
from assettrack.services.git_paths import tracked_path
from assettrack.services.sync import CONFLICTS, _pinned, _table_fits
from assettrack.store.database import Database
from assettrack.store.durable import atomic_write, fsync_folder

FILE_MODE = 0o100644
PACKED_FROM = 64  # new blobs past this go in one pack, not one file each
CHANGED_IN_PLACE = 500  # changed files up to which the last tree is edited, not rebuilt


def canonical(db: Database, name: str) -> bytes | None:
    """A data file as committed: the store's view of it, the tables a merge carries."""
    if name.startswith("attachments/"):
        return (db.folder / name).read_bytes()
    data = db.partition(name, pinned=_pinned(name)).partition_storage.read() or {}
    tables = {
        table: docs
        for table, docs in data.items()
        if docs and table != CONFLICTS and _table_fits(name, table)
    }
    if not tables:
        return None
    return orjson.dumps(tables, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"


def history_id(repo: Repo) -> str:
    """The history repository's own id, made on first use."""
    config = repo.get_config()
    try:
        return config.get((b"assettrack",), b"history").decode()
    except KeyError:
        made = secrets.token_hex(8)
        config.set((b"assettrack",), b"history", made.encode())
        config.write_to_path()
        return made


def snapshot(db: Database, repo: Repo, cache_path: Path) -> bytes:
    """The tree of the database as it is; the files that changed are read and stored as
    blobs. The caller holds the writer lock: nobody's change is under way, and what dead
    writers left half done has been undone."""
    assert db.holds_lock
    db.refresh()
    made_for = history_id(repo)
    cache = _read_cache(cache_path, made_for)
    cached = cache.get("files", {})
    folders = cache.get("folders")
    found, folders_now = scan(
        db.folder, cached, folders if isinstance(folders, dict) else {}, tracked_path
    )
    seen: dict[str, list[Any]] = {}
    changes: list[tuple[bytes, int | None, bytes | None]] = []
    writer = BlobWriter(repo)
    for name, stamp in found.items():
        known = cached.get(name)
        if stamp is known:  # in a folder unchanged since: taken whole from the cache
            seen[name] = known
            continue
        if isinstance(known, list) and len(known) == 4 and known[:3] == stamp[:3]:
            blob_id = known[3]
        else:
            data = canonical(db, name)
            blob_id = None
            if data is not None:
                blob = Blob.from_string(data)
                writer.add(blob)
                blob_id = blob.id.decode()
        seen[name] = [*stamp[:3], blob_id]
        if blob_id != _blob_of(known):
            changes.append(_change(name, blob_id))
    writer.close()
    changes += [
        _change(name, None) for name in cached.keys() - seen.keys() if _blob_of(cached[name])
    ]
    tree = cache.get("tree")
    known_tree = isinstance(tree, str) and has_object(repo.object_store, tree.encode())
    if changes or not known_tree or seen != cached or folders_now != folders:
        if known_tree and len(changes) <= CHANGED_IN_PLACE:
            # The trees along the changed paths only: a visit's five files at 50,000
            # assets rewrite a dozen trees, not 6,000.
            tree = commit_tree_changes(repo.object_store, tree.encode(), changes).decode()
        else:
            entries = [
                (name.encode(), entry[3].encode(), FILE_MODE)
                for name, entry in seen.items()
                if entry[3] is not None
            ]
            tree = commit_tree(repo.object_store, entries).decode()
        note = {"history": made_for, "files": seen, "folders": folders_now, "tree": tree}
        atomic_write(cache_path, orjson.dumps(note))
    return tree.encode()


def _blob_of(entry: Any) -> str | None:
    return entry[3] if isinstance(entry, list) and len(entry) == 4 else None


def _change(name: str, blob_id: str | None) -> tuple[bytes, int | None, bytes | None]:
    """A file's new blob for ``commit_tree_changes``; no mode and no blob: the file is gone."""
    if blob_id is None:
        return name.encode(), None, None
    return name.encode(), FILE_MODE, blob_id.encode()


def _read_cache(path: Path, made_for: str) -> dict[str, Any]:
    try:
        found = orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return {}
    if not isinstance(found, dict) or found.get("history") != made_for:
        return {}
    if not isinstance(found.get("files"), dict):
        return {}
    return found


class BlobWriter:
    """Blobs not yet in the history, written durably as they come: a few as files (their
    folders fsynced), many streamed into one pack (a first commit of a large fleet never
    holds them all)."""

    def __init__(self, repo: Repo) -> None:
        self.store = repo.object_store
        self.waiting: list[Blob] = []
        self.added: set[bytes] = set()
        self.pack: PackWriter | None = None

    def add(self, blob: Blob) -> None:
        if blob.id in self.added or has_object(self.store, blob.id):
            return
        self.added.add(blob.id)
        if self.pack is not None:
            self.pack.add(blob)
            return
        self.waiting.append(blob)
        if len(self.waiting) >= PACKED_FROM:
            self.pack = PackWriter(self.store)
            for waiting in self.waiting:
                self.pack.add(waiting)
            self.waiting = []

    def close(self) -> None:
        if self.pack is not None:
            self.pack.close()
        folders = set()
        for blob in self.waiting:
            self.store.add_object(blob)
            folders.add(Path(self.store.path) / blob.id[:2].decode())
        for folder in folders:
            fsync_folder(folder)
        self.waiting = []

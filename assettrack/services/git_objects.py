"""Moving history between two repositories: the objects one side lacks, found by tree diffs.

dulwich's own pack making looks for deltas to reuse by unpacking every object of every pack
(``find_reusable_deltas``): seconds at 50,000 assets to send a visit's five documents, and
as many again on the other side of a shared folder. A commit of a database changes a few
files, so the objects it brings are found by comparing its tree with its parents' trees and
descending only where they differ. Objects travel whole (zlib-compressed, no deltas): the
data files are small, and a team's server packs them better with its own ``git gc``.

A shared folder (or any local path) is read and written here directly, object by object; a
remote behind ssh, http or git:// gets the same objects through dulwich's ``send_pack``.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from dulwich.object_store import BaseObjectStore
from dulwich.objects import Commit, ShaFile, Tree
from dulwich.pack import pack_objects_to_data, write_pack_header, write_pack_object
from dulwich.walk import Walker

from assettrack.store.durable import fsync_folder

PACKS_KEPT = 16  # packs a repository may hold before the small ones are combined
BIG_PACK = 16 * 2**20  # bytes on disk: a pack this large is never rewritten


def new_objects(
    store: BaseObjectStore, wants: Iterable[bytes], haves: Iterable[bytes]
) -> Iterator[ShaFile]:
    """Every object reachable from the ``wants`` commits and not from the ``haves`` (commits
    the other side holds, with all they reach; those ``store`` lacks are left out)."""
    known = [h for h in haves if h in store]
    sent: set[bytes] = set()
    for entry in Walker(store, include=list(wants), exclude=known):
        commit: Commit = entry.commit
        yield commit
        parents = [store[p].tree for p in commit.parents if p in store]
        yield from _tree_news(store, commit.tree, parents, sent)


def _tree_news(
    store: BaseObjectStore, tree_id: bytes, parent_trees: list[bytes], sent: set[bytes]
) -> Iterator[ShaFile]:
    if tree_id in parent_trees or tree_id in sent:
        return
    sent.add(tree_id)
    tree: Tree = store[tree_id]
    yield tree
    before = [store[p] for p in parent_trees]
    for name, mode, sha in tree.iteritems():
        if sha in sent:
            continue
        there = [old[name] for old in before if name in old]
        if any(old_sha == sha for _mode, old_sha in there):
            continue
        if stat.S_ISDIR(mode):
            subtrees = [old_sha for old_mode, old_sha in there if stat.S_ISDIR(old_mode)]
            yield from _tree_news(store, sha, subtrees, sent)
        else:
            sent.add(sha)
            yield store[sha]


class PackWriter:
    """Objects streamed into one new pack of a disk object store, whatever their number: the
    header's count is filled in at the end and the pack's checksum taken then. dulwich's
    own writers need the count first, so a first commit of a large fleet would be held
    whole in memory or cut into dozens of packs."""

    def __init__(self, store: Any) -> None:
        self.store = store
        self.count = 0
        self._file: Any = None

    def add(self, obj: ShaFile) -> None:
        if self._file is None:
            self._file, self._commit, self._abort = self.store.add_pack()
            write_pack_header(self._file.write, 0)
        write_pack_object(
            self._file.write,
            obj.type_num,
            obj.as_raw_chunks(),
            self.store.object_format,
            compression_level=self.store.pack_compression_level,
        )
        self.count += 1

    def close(self) -> None:
        """The pack indexed and moved in, fsynced with its folder."""
        if self._file is None:
            return
        f, self._file = self._file, None
        f.seek(0)
        write_pack_header(f.write, self.count)
        f.flush()
        f.seek(0)
        digest = hashlib.sha1()
        while chunk := f.read(2**20):
            digest.update(chunk)
        f.write(digest.digest())
        self._commit()
        fsync_folder(Path(self.store.pack_dir))

    def abort(self) -> None:
        if self._file is not None:
            self._file = None
            self._abort()

    def __enter__(self) -> PackWriter:
        return self

    def __exit__(self, kind: object, *_rest: object) -> None:
        if kind is None:
            self.close()
        else:
            self.abort()


def copy_objects(target: Any, objects: Iterable[ShaFile]) -> int:
    """Write objects into ``target`` (a disk object store) as one pack; how many."""
    with PackWriter(target) as pack:
        for obj in objects:
            pack.add(obj)
    return pack.count


def pack_data_for(store: BaseObjectStore) -> Any:
    """``generate_pack_data`` for dulwich's ``send_pack``: the new objects, whole."""

    def generate(have: Any, want: Any, *, ofs_delta: bool = False, progress: Any = None) -> Any:
        found = [(obj, None) for obj in new_objects(store, want, have)]
        return pack_objects_to_data(found, ofs_delta=ofs_delta, progress=progress)

    return generate


def has_object(store: Any, object_id: bytes) -> bool:
    """Whether a disk object store holds an object, without reading it (dulwich's ``in``
    parses a loose object to answer)."""
    if store.contains_packed(object_id):
        return True
    hexid = object_id.decode()
    return os.path.exists(os.path.join(store.path, hexid[:2], hexid[2:]))


def consolidate_packs(store: Any) -> int:
    """Roll small packs of a disk object store into one, git's geometric way. Each push and
    fetch adds a pack, and an object looked up may ask every pack: a month of syncs would
    slow each later one. Past ``PACKS_KEPT`` packs, the smallest (below ``BIG_PACK``) are
    combined, down to half the limit at least (a roll-up every few syncs, not each) and
    until each remaining small pack is at least twice all smaller ones together,
    so an object is rewritten a few times in its life; large packs (a first commit's) are
    left alone. The new pack is written, streamed, before the old ones go: a reader (another
    engineer's fetch from the same shared folder) always finds every object, and dulwich
    looks again when a pack it knew disappears. Nothing is pruned. How many were combined."""
    packs = store.packs
    if len(packs) <= PACKS_KEPT:
        return 0
    small = sorted(
        (os.path.getsize(p._data_path), n, p)
        for n, p in enumerate(packs)
        if os.path.getsize(p._data_path) < BIG_PACK
    )
    keep_from, below = len(small), sum(size for size, _n, _p in small)
    while keep_from > 0:
        size = small[keep_from - 1][0]
        below -= size
        if size < 2 * below:
            break
        keep_from -= 1
    # Down to half the limit at least, so that a roll-up comes every few syncs, not each.
    enough = len(packs) - PACKS_KEPT // 2 + 1
    rolled = [pack for _size, _n, pack in small[: max(keep_from, enough, 2)]]
    if len(rolled) < 2:
        return 0
    ids = sorted(set().union(*(set(pack) for pack in rolled)))
    copy_objects(store, (store[object_id] for object_id in ids))
    for pack in rolled:
        with contextlib.suppress(OSError):  # held open elsewhere (Windows): left, harmless
            store._remove_pack(pack)
    return len(rolled)

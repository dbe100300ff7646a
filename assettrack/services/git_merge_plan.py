"""What a merge of another side's history brings in, read from the trees a batch at a time.

Three trees meet in a merge: the merge base, ours and theirs. Only the files changed on one
side since the base matter, and of those only the documents their side changed. A first
clone of a large fleet changes every file: half a million documents, gigabytes once parsed.
So the plan never holds them all: a first pass reads each changed file once and keeps only
which documents it holds (to keep the files that share a document - one moved between
sites - in the same batch), the seals of the incoming signed visits and whether any file is
unreadable or of a newer schema; then each batch of files is read again, its incoming
documents pass the gate (``services.sync.admit``) and are merged, and the batch is let go.
Memory is bounded by ``BATCH_BYTES`` of JSON, whatever the size of the fleet.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import orjson
from dulwich.diff_tree import tree_changes
from dulwich.repo import Repo

from assettrack.domain.seal import broken_seal, sealed_records
from assettrack.i18n import _
from assettrack.services.git_paths import ATTACHMENT_PATH, tracked_path
from assettrack.services.sync import (
    Located,
    MergeReport,
    NewerDocumentError,
    RefusedDocument,
    admit,
)
from assettrack.store.repositories import SYNC
from assettrack.store.schema import SchemaPlan

Key = tuple[str, str]  # table, document id
BATCH_BYTES = 32 * 2**20  # JSON read into one batch: a few hundred MB once parsed


@dataclass
class MergeBatch:
    """The documents of a batch of files, on each side."""

    base: dict[Key, Located]
    ours: dict[Key, Located]
    incoming: list[Located]  # theirs, past the gate


@dataclass
class MergePlan:
    repo: Repo
    schema: SchemaPlan
    files: tuple[dict[str, bytes], dict[str, bytes], dict[str, bytes]]  # base, ours, theirs
    theirs_changed: set[str]
    groups: list[list[str]]  # files to read together, in batches
    attachments: dict[str, bytes]  # path -> blob id, files to add here
    signed_with: dict[str, str] = field(default_factory=dict)  # inspection id -> its seal
    unreadable: set[str] = field(default_factory=set)

    def batches(self, report: MergeReport) -> Iterator[MergeBatch]:
        """Each batch read, its incoming documents admitted (refusals noted in ``report``)."""
        base, ours, theirs = self.files
        for paths in self.groups:
            cache: dict[bytes, Any] = {}
            theirs_paths = [p for p in paths if p in self.theirs_changed]
            batch = MergeBatch(
                _index(self.repo, base, paths, cache),
                _index(self.repo, ours, paths, cache),
                [],
            )
            for (table, doc_id), found in sorted(
                _index(self.repo, theirs, theirs_paths, cache).items()
            ):
                before = batch.base.get((table, doc_id))
                if before is not None and (before.partition, before.doc) == (
                    found.partition,
                    found.doc,
                ):
                    continue  # not changed on their side (another document of its file was)
                try:
                    doc = admit(found.partition, table, found.doc, self.schema)
                    if doc["id"] != doc_id:
                        raise RefusedDocument(
                            table,
                            doc_id,
                            _("{table} {id}: filed under another id").format(
                                table=table, id=doc_id
                            ),
                            bundle="",
                        )
                except RefusedDocument as exc:
                    report.refused.append(_("{refusal}; kept out").format(refusal=exc))
                    continue
                batch.incoming.append(Located(found.partition, table, doc))
            yield batch


def plan_merge(
    repo: Repo,
    schema: SchemaPlan,
    trees: tuple[bytes | None, bytes | None, bytes],
    ignored: list[str],
    report: MergeReport,
) -> MergePlan:
    """Read the three commits (base, ours, theirs) once and plan the batches. Raises
    ``NewerDocumentError`` before anything changes when theirs hold a newer schema."""
    base, ours, theirs = _changed_files(repo, trees)
    changed_t = {p for p in set(base) | set(theirs) if base.get(p) != theirs.get(p)}
    changed_o = {p for p in set(base) | set(ours) if base.get(p) != ours.get(p)}
    for path in sorted(p for p in changed_t if p in theirs and not tracked_path(p)):
        ignored.append(
            _("{path} is not a file of an assettrack database; left out").format(path=path)
        )
    both = sorted(p for p in changed_t | changed_o if tracked_path(p) and p.endswith(".json"))
    theirs_changed = {p for p in changed_t if tracked_path(p)}
    plan = MergePlan(
        repo,
        schema,
        (base, ours, theirs),
        theirs_changed,
        [],
        {
            p: theirs[p]
            for p in changed_t
            if p in theirs and p not in ours and ATTACHMENT_PATH.fullmatch(p) and tracked_path(p)
        },
    )
    plan.groups = _scan(plan, both)
    for name in sorted(plan.unreadable):
        report.refused.append(
            _("{file}: not a file of documents (damaged); its changes were left out").format(
                file=name
            )
        )
    return plan


def _scan(plan: MergePlan, paths: list[str]) -> list[list[str]]:
    """The first pass: files that share a document grouped, groups packed into batches of
    about ``BATCH_BYTES``."""
    parent = {p: p for p in paths}

    def root(p: str) -> str:
        while parent[p] != p:
            parent[p] = parent[parent[p]]
            p = parent[p]
        return p

    where: dict[str, str] = {}  # "table\0id" -> the first file seen holding it
    size = dict.fromkeys(paths, 0)
    for side, files in enumerate(plan.files):
        for path in paths:
            blob = files.get(path)
            if blob is None:
                continue
            raw = plan.repo.object_store[blob].as_raw_string()
            size[path] = max(size[path], len(raw))
            data = _parsed(raw)
            if data is None:
                if side == 2 and path in plan.theirs_changed:
                    plan.unreadable.add(path)
                continue
            for table, docs in data.items():
                if side == 2:
                    _note_newer(docs, plan.schema)
                    if table == "visits" and path in plan.theirs_changed:
                        _note_seals(plan, path, docs)
                for doc_id in docs:
                    key = f"{table}\0{doc_id}"
                    first = where.setdefault(key, path)
                    if first != path:
                        parent[root(path)] = root(first)
            del data, raw
    groups: dict[str, list[str]] = {}
    for path in paths:
        groups.setdefault(root(path), []).append(path)
    batches: list[list[str]] = []
    filled = BATCH_BYTES
    for group in groups.values():
        weight = sum(size[p] for p in group)
        if filled + weight > BATCH_BYTES:
            batches.append([])
            filled = 0
        batches[-1] += group
        filled += weight
    return batches


def _note_newer(docs: dict[str, Any], schema: SchemaPlan) -> None:
    for doc in docs.values():
        version = doc.get("schema") if isinstance(doc, dict) else None
        if isinstance(version, int) and not isinstance(version, bool) and version > schema.current:
            raise NewerDocumentError(version)


def _note_seals(plan: MergePlan, path: str, docs: dict[str, Any]) -> None:
    """What the incoming signed visits seal of their inspections, wherever those are filed."""
    for doc in docs.values():
        try:
            visit = admit(path, "visits", doc, plan.schema)
        except RefusedDocument:
            continue  # refused again, and said, in its batch
        if not broken_seal(visit):
            plan.signed_with.update(sealed_records(visit))


def _parsed(raw: bytes) -> dict[str, dict[str, Any]] | None:
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(data, dict) or not all(isinstance(d, dict) for d in data.values()):
        return None
    return data


def _changed_files(
    repo: Repo, commits: tuple[bytes | None, bytes | None, bytes]
) -> tuple[dict[str, bytes], dict[str, bytes], dict[str, bytes]]:
    """The files changed on either side since the base, as each of the three commits holds
    them (path -> blob id; absent: not in that commit). Tree diffs skip the subtrees both
    commits share, so a sync after one visit reads a few trees, not 6,000."""
    base_tree, ours_tree, theirs_tree = (repo[c].tree if c is not None else None for c in commits)
    base: dict[str, bytes] = {}
    sides: tuple[dict[str, bytes], dict[str, bytes]] = ({}, {})
    touched: tuple[set[str], set[str]] = (set(), set())
    for side, tree in enumerate((ours_tree, theirs_tree)):
        for change in tree_changes(repo.object_store, base_tree, tree):
            old, new = _entry(change.old), _entry(change.new)
            if old is not None:
                base[old[0]] = old[1]
                touched[side].add(old[0])
            if new is not None:
                sides[side][new[0]] = new[1]
                touched[side].add(new[0])
    for side in (0, 1):  # a file the other side changed, unchanged on this one: as in the base
        for path, blob in base.items():
            if path not in touched[side]:
                sides[side][path] = blob
    return base, sides[0], sides[1]


def _entry(entry: Any) -> tuple[str, bytes] | None:
    if entry is None or entry.path is None or entry.sha is None:
        return None
    return entry.path.decode("utf-8", "replace"), entry.sha


def load_blob(repo: Repo, blob_id: bytes, cache: dict[bytes, Any]) -> Any:
    if blob_id not in cache:
        try:
            cache[blob_id] = _parsed(repo.object_store[blob_id].as_raw_string())
        except KeyError:
            cache[blob_id] = None
    return cache[blob_id]


def _index(
    repo: Repo, files: dict[str, bytes], names: Iterable[str], cache: dict[bytes, Any]
) -> dict[Key, Located]:
    index: dict[Key, Located] = {}
    for name in sorted(names):
        blob = files.get(name)
        if blob is None:
            continue
        data = load_blob(repo, blob, cache)
        if data is None:
            continue  # said once, by the first pass
        for table, docs in data.items():
            for doc_id, doc in docs.items():
                if not isinstance(doc, dict):
                    doc = {"id": doc_id, "schema": None, "shape": doc}  # refused by the gate
                found = Located(name, table, doc)
                known = index.get((table, doc_id))
                # A document caught half-way through a move is in two files: the longer
                # history is the later copy.
                if known is None or len(_revs(doc)) > len(_revs(known.doc)):
                    index[(table, doc_id)] = found
    return index


def _revs(doc: dict[str, Any]) -> list[Any]:
    sync = doc.get(SYNC)
    revs = sync.get("revs") if isinstance(sync, dict) else None
    return revs if isinstance(revs, list) else []

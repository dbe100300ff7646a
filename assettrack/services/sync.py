"""Merging another laptop's data: export a bundle, import one, resolve conflicts.

A bundle is one JSON file holding every stored document of a database - live ones and
tombstones - each with its partition, table and ``_sync`` history (``revs``: the ids of its
last revisions, ``by``, ``at``). Importing compares each incoming document with the local one
of the same table and id, wherever it is filed (an asset moves between site files):

- absent here: added (a tombstone too, so the record is not brought back later);
- same last revision, or the local history already holds the incoming one: unchanged;
- the incoming history holds the local last revision: the incoming copy is newer and replaces
  the local one (fast-forward), a tombstone included - deleted on one side, untouched on the
  other, it ends deleted;
- both changed since their common revision: a conflict. The local copy stays as it is; the
  incoming copy is kept in the ``conflicts`` table with who saved it and when, until
  ``resolve_conflict`` keeps one. Nothing is ever overwritten silently or lost. Identical
  contents are not a conflict.

Resolving writes the kept content as a new revision whose history holds both sides' revisions,
so the other laptop's next import sees it as newer and takes it.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

from assettrack.domain.gate import ID, check_document, describe
from assettrack.domain.models import SCHEMA_VERSION, new_id
from assettrack.errors import AssetTrackError
from assettrack.files import write_user_file
from assettrack.store.database import Database
from assettrack.store.repositories import (
    CATALOG,
    REVISIONS_KEPT,
    SYNC,
    is_live,
    remove_documents,
    write_documents,
)
from assettrack.store.schema import SchemaPlan
from assettrack.store.store import Store

BUNDLE_FORMAT = "assettrack-bundle"
BUNDLE_VERSION = 1
CONFLICTS = "conflicts"  # local only: never exported
CATALOG_TABLES = frozenset({"customers", "sites", "contracts", "known_problems"})
# Attachments travel as documents; their files stay in each laptop's database folder.
RECORD_TABLES = frozenset({"inspections", "visits", "faults", "charges", "attachments"})
IGNORED = {SYNC, "revision"}  # what differs between copies of the same content


@dataclass
class MergeReport:
    added: int = 0
    updated: int = 0
    deleted: int = 0
    conflicts: int = 0
    unchanged: int = 0
    conflict_ids: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.added} added, {self.updated} updated, {self.deleted} deleted, "
            f"{self.conflicts} conflict(s), {self.unchanged} unchanged"
        )


@dataclass(frozen=True)
class Located:
    partition: str
    table: str
    doc: dict[str, Any]


@dataclass(frozen=True)
class Conflict:
    id: str
    table: str
    doc_id: str
    label: str
    local: dict[str, Any] | None
    theirs: dict[str, Any]
    local_by: str
    local_at: str
    theirs_by: str
    theirs_at: str
    detected_at: str
    fields: tuple[str, ...]  # fields that differ


# -- reading raw documents ----------------------------------------------------------------


def _pinned(partition: str) -> bool:
    return not partition.startswith("records/")


def _partitions(db: Database) -> list[str]:
    names = db.partition_names("assets") + db.partition_names("records")
    return [CATALOG, *names] if (db.folder / CATALOG).exists() else names


def raw_documents(db: Database) -> Iterator[Located]:
    """Every stored document (tombstones included) but the local conflicts."""
    for name in _partitions(db):
        partition = db.partition(name, pinned=_pinned(name))
        for table in sorted(partition.tables()):
            if name == CATALOG and table == CONFLICTS:
                continue
            for doc in partition.table(table).all():
                yield Located(name, table, dict(doc))


def _revs(doc: dict[str, Any]) -> list[str]:
    return list((doc.get(SYNC) or {}).get("revs", []))


def _last(doc: dict[str, Any]) -> str | None:
    revs = _revs(doc)
    return revs[-1] if revs else None


def _index(db: Database) -> dict[tuple[str, str], Located]:
    index: dict[tuple[str, str], Located] = {}
    for found in raw_documents(db):
        key = (found.table, found.doc["id"])
        known = index.get(key)
        # An asset caught half-way through a move sits in two files: the longer history wins.
        if known is None or len(_revs(found.doc)) > len(_revs(known.doc)):
            index[key] = found
    return index


def _content(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in doc.items() if k not in IGNORED}


# -- export -------------------------------------------------------------------------------


def export_bundle(store: Store, path: Path) -> int:
    """Write every document of the store to ``path``; returns how many."""
    documents = [
        {"partition": d.partition, "table": d.table, "doc": d.doc} for d in raw_documents(store.db)
    ]
    payload = {
        "format": BUNDLE_FORMAT,
        "version": BUNDLE_VERSION,
        "schema": store.db.plan.current,
        "author": store.db.author,
        "exported_at": datetime.now().isoformat(timespec="seconds"),
        "documents": documents,
    }
    # Like every file the user asks for: whole or not at all, the previous one kept.
    write_user_file(Path(path), orjson.dumps(payload))
    return len(documents)


def read_bundle(path: Path, plan: SchemaPlan) -> list[Located]:
    """The bundle's documents, each checked by the gate (``domain.gate``) as a save would be.

    One document that is damaged, filed in an impossible place, of an unknown table or twice
    in the bundle, and the whole bundle is refused: nothing of it is imported.
    """
    try:
        payload = orjson.loads(Path(path).read_bytes())
    except OSError as exc:
        raise AssetTrackError(f"cannot read bundle {path}: {exc.strerror}") from exc
    except orjson.JSONDecodeError as exc:
        raise AssetTrackError(f"{path} is not an assettrack bundle (not JSON: {exc})") from exc
    if not isinstance(payload, dict) or payload.get("format") != BUNDLE_FORMAT:
        raise AssetTrackError(f"{path} is not an assettrack bundle")
    if payload.get("version") != BUNDLE_VERSION:
        raise AssetTrackError(f"{path} is a bundle of version {payload.get('version')}; upgrade")
    entries = payload.get("documents", [])
    if not isinstance(entries, list):
        raise AssetTrackError(f"{path}: its documents are not a list; nothing was imported")
    found = []
    seen: dict[tuple[str, str], int] = {}
    for i, entry in enumerate(entries):
        try:
            partition, table, doc = entry["partition"], entry["table"], entry["doc"]
            doc_id, schema = doc["id"], doc["schema"]
        except (KeyError, TypeError):
            raise AssetTrackError(
                f"{path}: document {i} is damaged (it needs a partition, a table and a "
                "document with an id and a schema); nothing was imported"
            ) from None
        if not _safe_partition(partition) or not isinstance(doc_id, str):
            raise AssetTrackError(
                f"{path}: document {i} names an impossible place ({partition}); "
                "nothing was imported"
            )
        if not _table_fits(partition, table):
            raise AssetTrackError(
                f"{path}: document {i} ({doc_id}) is of a table that cannot be imported into "
                f"{partition} ({table!r}); nothing was imported"
            )
        if isinstance(schema, int) and not isinstance(schema, bool) and schema > plan.current:
            raise AssetTrackError(
                f"{path} holds documents of schema {schema} (this version reads up to "
                f"{plan.current}); upgrade assettrack to import it"
            )
        if (
            is_live(doc)
            and isinstance(schema, int)
            and not isinstance(schema, bool)
            and 1 <= schema < plan.current
        ):
            doc = plan.migrate(table, dict(doc))
        problems = check_document(table, doc)
        if problems:
            raise AssetTrackError(
                f"{path}: document {i} is refused, {describe(table, doc, problems)}; "
                "nothing was imported"
            )
        first = seen.setdefault((table, doc_id), i)
        if first != i:
            raise AssetTrackError(
                f"{path}: document {i} ({table} {doc_id}) appears twice (also document "
                f"{first}); nothing was imported"
            )
        found.append(Located(partition, table, doc))
    return found


def _safe_partition(name: Any) -> bool:
    if not isinstance(name, str) or not name.endswith(".json") or "\\" in name:
        return False
    parts = name.split("/")
    if any(p in ("", ".", "..") or p.startswith(".") for p in parts):
        return False
    # catalog.json, assets/<site>.json, records/<kind>/<site>/<YYYY-MM>.json
    if name == CATALOG:
        return True
    if (parts[0], len(parts)) == ("assets", 2):
        return ID.fullmatch(parts[1][: -len(".json")]) is not None
    return (
        (parts[0], len(parts)) == ("records", 4)
        and ID.fullmatch(parts[2]) is not None
        and re.fullmatch(r"\d{4}-\d{2}\.json", parts[3]) is not None
    )


def _table_fits(partition: str, table: Any) -> bool:
    """Whether the store keeps ``table`` in that file (conflicts are local: never imported)."""
    if partition == CATALOG:
        return table in CATALOG_TABLES
    kind = partition.split("/")[0]
    if kind == "assets":
        return bool(table == "assets")
    return table in RECORD_TABLES and partition.split("/")[1] == table


# -- import -------------------------------------------------------------------------------


class _Writes:
    """Changes gathered per file, then saved with one write per file."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.put: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.remove: dict[tuple[str, str], list[str]] = {}

    def write(self, partition: str, table: str, doc: dict[str, Any]) -> None:
        self.put.setdefault((partition, table), []).append(doc)

    def move_from(self, old: Located, new_partition: str) -> None:
        if old.partition != new_partition:
            self.remove.setdefault((old.partition, old.table), []).append(old.doc["id"])

    def apply(self) -> None:
        for (partition, table), docs in self.put.items():
            write_documents(self.db, partition, table, docs, pinned=_pinned(partition), stamp=False)
        for (partition, table), ids in self.remove.items():
            remove_documents(self.db, partition, table, ids, pinned=_pinned(partition))


def import_bundle(store: Store, path: Path) -> MergeReport:
    """Merge a bundle into the store (rules in the module docstring).

    Every document of the bundle is checked before anything is written; the merge is then one
    transaction, holding the writer lock from reading the local copies to the last save: all
    of it or, after a failure or a crash, none of it, and no reader sees part of it.
    """
    db = store.db
    incoming = read_bundle(path, db.plan)
    try:
        with db.transaction("import-bundle"):
            db.refresh()  # decide on what is on disk now, not on what was read earlier
            report = _merge(db, incoming)
    finally:
        store.assets.reload()
    return report


def _merge(db: Database, incoming: list[Located]) -> MergeReport:
    local = _index(db)
    open_conflicts = {(c["table"], c["doc_id"], _last(c["theirs"])) for c in _conflict_docs(db)}
    report = MergeReport()
    writes = _Writes(db)
    new_conflicts: list[dict[str, Any]] = []
    for theirs in incoming:
        doc = theirs.doc
        here = local.get((theirs.table, doc["id"]))
        if here is None:
            writes.write(theirs.partition, theirs.table, doc)
            if is_live(doc):
                report.added += 1
            else:
                report.unchanged += 1  # a tombstone of something never seen here
            continue
        mine, their_last, my_last = here.doc, _last(doc), _last(here.doc)
        if their_last == my_last or (their_last is not None and their_last in _revs(mine)):
            report.unchanged += 1
        elif my_last is not None and my_last in _revs(doc):
            writes.write(theirs.partition, theirs.table, doc)
            writes.move_from(here, theirs.partition)
            if is_live(doc):
                report.updated += 1
            elif is_live(mine):
                report.deleted += 1
            else:
                report.unchanged += 1
        elif _content(doc) == _content(mine):
            report.unchanged += 1  # the same change made on both sides
        elif (theirs.table, doc["id"], their_last) in open_conflicts:
            report.unchanged += 1  # imported before, still waiting to be resolved
        else:
            conflict = _conflict_doc(here, theirs.partition, doc)
            new_conflicts.append(conflict)
            report.conflicts += 1
            report.conflict_ids.append(conflict["id"])
    writes.apply()
    if new_conflicts:
        write_documents(db, CATALOG, CONFLICTS, new_conflicts, pinned=True)
    return report


def _conflict_doc(here: Located, their_partition: str, theirs: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": new_id(),
        "schema": SCHEMA_VERSION,
        "table": here.table,
        "doc_id": here.doc["id"],
        "local_partition": here.partition,
        "local_last": _last(here.doc),
        "partition": their_partition,
        "theirs": theirs,
        "detected_at": datetime.now().isoformat(timespec="seconds"),
    }


def _conflict_docs(db: Database) -> list[dict[str, Any]]:
    return [dict(d) for d in db.partition(CATALOG, pinned=True).table(CONFLICTS).all()]


# -- conflicts ----------------------------------------------------------------------------


def _label(doc: dict[str, Any] | None) -> str:
    if not doc:
        return ""
    if not is_live(doc):
        return "(deleted)"
    for key in ("name", "title", "serial_number", "number", "symptom", "kind"):
        if doc.get(key):
            return str(doc[key])
    return ""


def list_conflicts(store: Store) -> list[Conflict]:
    local = _index(store.db)
    found = []
    for c in _conflict_docs(store.db):
        here = local.get((c["table"], c["doc_id"]))
        mine = here.doc if here else None
        theirs = c["theirs"]
        keys = set(theirs) | set(mine or {})
        differ = sorted(k for k in keys - IGNORED if (mine or {}).get(k) != theirs.get(k))
        mine_sync, their_sync = (mine or {}).get(SYNC) or {}, theirs.get(SYNC) or {}
        found.append(
            Conflict(
                id=c["id"],
                table=c["table"],
                doc_id=c["doc_id"],
                label=_label(mine) or _label(theirs),
                local=mine,
                theirs=theirs,
                local_by=str(mine_sync.get("by", "")),
                local_at=str(mine_sync.get("at", "")),
                theirs_by=str(their_sync.get("by", "")),
                theirs_at=str(their_sync.get("at", "")),
                detected_at=c.get("detected_at", ""),
                fields=tuple(differ),
            )
        )
    found.sort(key=lambda c: (c.detected_at, c.id))
    return found


def resolve_conflict(store: Store, conflict_ref: str, keep: str) -> Conflict:
    """Keep ``local`` or ``theirs``; the result descends from both sides' histories."""
    if keep not in ("local", "theirs"):
        raise AssetTrackError("keep must be 'local' or 'theirs'")
    db = store.db
    try:
        # Read and decided under the writer lock; the kept copy, the copy moved away and the
        # conflicts settled are saved as one change.
        with db.transaction("resolve conflict"):
            db.refresh()
            return _resolve(store, conflict_ref, keep)
    finally:
        store.assets.reload()


def _resolve(store: Store, conflict_ref: str, keep: str) -> Conflict:
    db = store.db
    matches = [c for c in list_conflicts(store) if c.id.startswith(conflict_ref.strip())]
    if len(matches) != 1 or not conflict_ref.strip():
        raise AssetTrackError(
            f"no conflict {conflict_ref!r}" if not matches else f"{conflict_ref!r} is ambiguous"
        )
    conflict = matches[0]
    raw = next(c for c in _conflict_docs(db) if c["id"] == conflict.id)
    here = _index(db).get((conflict.table, conflict.doc_id))
    mine = here.doc if here else None
    chosen = conflict.theirs if keep == "theirs" or mine is None else mine
    partition = raw["partition"] if chosen is conflict.theirs else here.partition  # type: ignore[union-attr]
    # Other conflicts over the same document are settled by this choice as well.
    settled = [
        c
        for c in _conflict_docs(db)
        if c["table"] == conflict.table and c["doc_id"] == conflict.doc_id
    ]
    history = _revs(mine or {})
    for other in [conflict.theirs, *(c["theirs"] for c in settled)]:
        history += [r for r in _revs(other) if r not in history]
    history.append(secrets.token_hex(6))
    doc = {k: v for k, v in chosen.items() if k != SYNC}
    if is_live(doc):
        doc["revision"] = (
            max(
                int((mine or {}).get("revision", 0) or 0),
                int(conflict.theirs.get("revision", 0) or 0),
            )
            + 1
        )
    doc[SYNC] = {
        "revs": history[-REVISIONS_KEPT:],
        "by": db.author,
        "at": datetime.now().isoformat(timespec="seconds"),
    }
    writes = _Writes(db)
    writes.write(partition, conflict.table, doc)
    if here is not None:
        writes.move_from(here, partition)
    writes.apply()
    remove_documents(db, CATALOG, CONFLICTS, [c["id"] for c in settled], pinned=True)
    return conflict

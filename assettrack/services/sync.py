"""Merging another laptop's data: the old JSON bundles, the merge git sync shares, conflicts.

``export-bundle`` writes git bundles by default now (``services.git_bundle``); this module
keeps the JSON format (``--format json``, and every old bundle still read). A JSON bundle is
one file holding every stored document of a database - live ones and
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

When the version both sides started from is known (a git merge base: ``services.git_sync``),
an edit made on both sides is merged field by field instead: a field changed on one side
only is taken from that side, and only the fields changed differently on both sides make a
conflict - the merged copy is kept here (with the local values of those fields) and the copy
with theirs waits in the ``conflicts`` table. A deletion against an edit is always a
conflict. Bundles carry no such base, so two edits of one record conflict as a whole.

Resolving writes the kept content as a new revision whose history holds both sides' revisions,
so the other laptop's next import sees it as newer and takes it.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

from assettrack.domain.gate import ID, check_document, describe
from assettrack.domain.models import SCHEMA_VERSION, new_id
from assettrack.domain.seal import (
    SEALED_TABLES,
    broken_seal,
    is_signed,
    refused_change,
    sealed_records,
)
from assettrack.domain.texts import N_, Text
from assettrack.errors import AssetTrackError
from assettrack.files import write_user_file
from assettrack.i18n import _
from assettrack.i18n.errors import translated
from assettrack.i18n.terms import RECORD_KINDS
from assettrack.store.database import Database
from assettrack.store.repositories import (
    CATALOG,
    REVISIONS_KEPT,
    SYNC,
    is_live,
    remove_documents,
    write_documents,
)
from assettrack.store.repositories import visits as visits_repository
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
    merged: int = 0  # edited on both sides, merged field by field without a conflict
    conflict_ids: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # incoming documents kept out, and why

    def summary(self) -> str:
        """What came in, in the current language."""
        return translated(self.summary_text())

    def summary_text(self) -> Text:
        """The same, English as ``str`` (a commit message: the team's history is English)."""
        merged = N_("{count} merged field by field, ", count=self.merged) if self.merged else ""
        refused = N_(", {count} refused", count=len(self.refused)) if self.refused else ""
        return N_(
            "{added} added, {updated} updated, {merged}{deleted} deleted, "
            "{conflicts} conflict(s), {unchanged} unchanged{refused}",
            added=self.added,
            updated=self.updated,
            merged=merged,
            deleted=self.deleted,
            conflicts=self.conflicts,
            unchanged=self.unchanged,
            refused=refused,
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
    # The catalog stays in memory; the asset repository holds assets decoded, not raw.
    return partition == CATALOG


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
        raise AssetTrackError(
            _("cannot read bundle {path}: {problem}").format(path=path, problem=exc.strerror)
        ) from exc
    except orjson.JSONDecodeError as exc:
        raise AssetTrackError(
            _("{path} is not an assettrack bundle (not JSON: {problem})").format(
                path=path, problem=exc
            )
        ) from exc
    if not isinstance(payload, dict) or payload.get("format") != BUNDLE_FORMAT:
        raise AssetTrackError(_("{path} is not an assettrack bundle").format(path=path))
    if payload.get("version") != BUNDLE_VERSION:
        raise AssetTrackError(
            _("{path} is a bundle of version {version}; upgrade").format(
                path=path, version=payload.get("version")
            )
        )
    entries = payload.get("documents", [])
    if not isinstance(entries, list):
        raise AssetTrackError(
            _("{path}: its documents are not a list; nothing was imported").format(path=path)
        )
    found = []
    seen: dict[tuple[str, str], int] = {}
    for i, entry in enumerate(entries):
        try:
            partition, table, doc = entry["partition"], entry["table"], entry["doc"]
            doc_id, _schema = doc["id"], doc["schema"]
        except (KeyError, TypeError):
            raise AssetTrackError(
                _(
                    "{path}: document {number} is damaged (it needs a partition, a table and "
                    "a document with an id and a schema); nothing was imported"
                ).format(path=path, number=i)
            ) from None
        try:
            doc = admit(partition, table, doc, plan)
        except NewerDocumentError as exc:
            raise AssetTrackError(
                _(
                    "{path} holds documents of schema {schema} (this version reads up to "
                    "{current}); upgrade assettrack to import it"
                ).format(path=path, schema=exc.schema, current=plan.current)
            ) from None
        except RefusedDocument as exc:
            raise AssetTrackError(exc.bundle_text(path, i)) from None
        first = seen.setdefault((table, doc_id), i)
        if first != i:
            raise AssetTrackError(
                _(
                    "{path}: document {number} ({table} {id}) appears twice (also document "
                    "{first}); nothing was imported"
                ).format(path=path, number=i, table=table, id=doc_id, first=first)
            )
        found.append(Located(partition, table, doc))
    return found


class RefusedDocument(AssetTrackError):
    """An incoming document kept out. The message names it and says why, in one line, in
    the current language; ``bundle_text`` words the same for a bundle's "document N ..."
    message (``bundle``: that sentence translated, its ``{path}`` and ``{number}`` filled
    in then, its other placeholders from ``values``)."""

    def __init__(
        self, table: str, doc_id: str, reason: str, /, *, bundle: str, **values: object
    ) -> None:
        self.table, self.doc_id, self.reason = table, doc_id, reason
        self._bundle, self._values = bundle, values
        super().__init__(reason)

    def bundle_text(self, path: object, number: int) -> str:
        return self._bundle.format(path=path, number=number, **self._values)


class NewerDocumentError(AssetTrackError):
    """A document written by a newer assettrack: this version must not merge it."""

    def __init__(self, schema: int) -> None:
        self.schema = schema
        super().__init__(_("a document of schema {schema}").format(schema=schema))


def admit(partition: Any, table: Any, doc: Any, plan: SchemaPlan) -> dict[str, Any]:
    """An incoming document as this version keeps it (migrated), past the same gate as every
    other way in (``domain.gate``): filed where the store would file it, of a table it
    keeps, of a schema it reads. ``RefusedDocument`` says why not; ``NewerDocumentError``
    when only a newer assettrack may merge it."""
    doc_id = doc.get("id") if isinstance(doc, dict) else None
    what = _("{kind} {id}").format(kind=_kind(str(table)), id=doc_id)
    if not _safe_partition(partition) or not isinstance(doc_id, str):
        raise RefusedDocument(
            str(table),
            str(doc_id),
            _("{what}: filed in an impossible place ({partition})").format(
                what=what, partition=partition
            ),
            bundle=_(
                "{path}: document {number} names an impossible place ({partition}); "
                "nothing was imported"
            ),
            partition=partition,
        )
    if not _table_fits(partition, table):
        raise RefusedDocument(
            str(table),
            doc_id,
            _("{what}: {partition} does not keep the table {table}").format(
                what=what, partition=partition, table=repr(table)
            ),
            bundle=_(
                "{path}: document {number} ({id}) is of a table that cannot be imported "
                "into {partition} ({table}); nothing was imported"
            ),
            id=doc_id,
            partition=partition,
            table=repr(table),
        )
    schema = doc.get("schema")
    version_ok = isinstance(schema, int) and not isinstance(schema, bool)
    if version_ok and schema > plan.current:
        raise NewerDocumentError(schema)
    if is_live(doc) and version_ok and 1 <= schema < plan.current:
        doc = plan.migrate(table, dict(doc))
    problems = check_document(table, doc)
    if problems:
        said = translated(describe(table, doc, problems))
        raise RefusedDocument(table, doc_id, said, bundle=_refused_in_bundle(), said=said)
    filed_under = _site_of(partition)
    if is_live(doc) and filed_under is not None and doc.get("site_id") != filed_under:
        said = _("{what}: its site is {site} but it is filed in {partition}").format(
            what=what, site=doc.get("site_id"), partition=partition
        )
        raise RefusedDocument(table, doc_id, said, bundle=_refused_in_bundle(), said=said)
    return doc


def _refused_in_bundle() -> str:
    return _("{path}: document {number} is refused, {said}; nothing was imported")


def _kind(table: str) -> str:
    """A table's record as a refusal names it: "asset" (its word in the language, where
    the catalog has one: ``i18n.terms.RECORD_KINDS``)."""
    singular = _singular(table)
    return _(singular) if singular in RECORD_KINDS else singular


def _site_of(partition: str) -> str | None:
    """The site a file holds the documents of (None: the catalog)."""
    parts = partition.split("/")
    if parts[0] == "assets":
        return parts[1][: -len(".json")]
    return parts[2] if parts[0] == "records" else None


def _singular(table: str) -> str:
    return table[:-1] if table.endswith("s") else table


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
            write_documents(
                self.db,
                partition,
                table,
                docs,
                pinned=_pinned(partition),
                stamp=False,
                checked=True,  # admitted (or merged field by field and checked) already
            )
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
    return merge_into(db, incoming, _index(db))


def merge_into(
    db: Database,
    incoming: Iterable[Located],
    local: Mapping[tuple[str, str], Located],
    base: Mapping[tuple[str, str], Located] | None = None,
    *,
    signed_with: Mapping[str, str] | None = None,
) -> MergeReport:
    """Merge incoming documents (already past the gate: ``admit``) into the database.

    ``local`` finds the local copy of a document by table and id; ``base`` the version both
    sides started from, where it is known (a git merge base): then an edit made on both sides
    is merged field by field. ``signed_with`` names what the incoming signed visits seal
    of their inspections, when the incoming documents come in batches (else read from
    ``incoming``). The caller holds the writer lock, inside a transaction.
    """
    conflict_docs = _conflict_docs(db)
    open_conflicts = {(c["table"], c["doc_id"], _last(c["theirs"])) for c in conflict_docs}
    report = MergeReport()
    writes = _Writes(db)
    new_conflicts: list[dict[str, Any]] = []
    settled: list[str] = []
    incoming = list(incoming)
    if signed_with is None:
        signed_with = _sealed_by_incoming_visits(incoming)
    for theirs in incoming:
        doc = theirs.doc
        key = (theirs.table, doc["id"])
        here = local.get(key)
        refusal = _signed_refusal(db, theirs, here, signed_with)
        if refusal:
            report.refused.append(
                _("{kind} {id}: {reason}; kept out").format(
                    kind=_kind(theirs.table), id=doc["id"], reason=translated(refusal)
                )
            )
            continue
        if here is None:
            writes.write(theirs.partition, theirs.table, doc)
            if is_live(doc):
                report.added += 1
            else:
                report.unchanged += 1  # a tombstone of something never seen here
            continue
        mine, their_last, my_last = here.doc, _last(doc), _last(here.doc)
        before = base.get(key) if base is not None else None
        if before is not None and mine == before.doc:
            forward = True  # untouched here since both sides had it: theirs is newer
        elif their_last == my_last or (their_last is not None and their_last in _revs(mine)):
            report.unchanged += 1
            continue
        else:
            forward = my_last is not None and my_last in _revs(doc)
        if forward:
            writes.write(theirs.partition, theirs.table, doc)
            writes.move_from(here, theirs.partition)
            if is_live(doc):
                report.updated += 1
            elif is_live(mine):
                report.deleted += 1
            else:
                report.unchanged += 1
            # A resolution made elsewhere descends from the copy a conflict here waits with.
            settled += [
                c["id"]
                for c in conflict_docs
                if (c["table"], c["doc_id"]) == key and _last(c["theirs"]) in _revs(doc)
            ]
            continue
        if _content(doc) == _content(mine):
            report.unchanged += 1  # the same change made on both sides
        elif (theirs.table, doc["id"], their_last) in open_conflicts:
            report.unchanged += 1  # met before, still waiting to be resolved
        else:
            # A signed record is the customer's as a whole: never a mix of two copies.
            whole = is_signed(mine) or is_signed(doc)
            merged = _field_merge(db, before, here, theirs) if before and not whole else None
            if merged is not None and not merged.conflicting:
                writes.write(merged.partition, theirs.table, merged.doc)
                writes.move_from(here, merged.partition)
                report.merged += 1
                continue
            if merged is not None and _content(merged.doc) != _content(mine):
                # What only they changed is taken now; only the fields both changed wait.
                writes.write(merged.partition, theirs.table, merged.doc)
                writes.move_from(here, merged.partition)
                here = Located(merged.partition, theirs.table, merged.doc)
            if merged is not None:
                theirs = Located(merged.their_partition, theirs.table, merged.theirs)
            conflict = _conflict_doc(here, theirs.partition, theirs.doc)
            new_conflicts.append(conflict)
            report.conflicts += 1
            report.conflict_ids.append(conflict["id"])
    writes.apply()
    if new_conflicts:
        write_documents(db, CATALOG, CONFLICTS, new_conflicts, pinned=True)
    if settled:
        remove_documents(db, CATALOG, CONFLICTS, sorted(set(settled)), pinned=True)
    return report


def _sealed_by_incoming_visits(incoming: list[Located]) -> dict[str, str]:
    """The inspections that signed visits among the incoming documents seal."""
    sealed: dict[str, str] = {}
    for theirs in incoming:
        if theirs.table == "visits" and not broken_seal(theirs.doc):
            sealed.update(sealed_records(theirs.doc))
    return sealed


def _signed_refusal(
    db: Database, theirs: Located, here: Located | None, signed_with: Mapping[str, str]
) -> str:
    """Why an incoming copy may not replace a signed record ("" when it may): a signed
    record does not change, here or on another laptop (``domain.seal``)."""
    if theirs.table not in SEALED_TABLES:
        return ""
    doc = theirs.doc
    sealed = signed_with.get(doc["id"], "")
    visit_id, site_id = doc.get("visit_id"), doc.get("site_id")
    if theirs.table == "inspections" and isinstance(visit_id, str) and isinstance(site_id, str):
        visit = visits_repository(db).get(site_id, visit_id)
        if visit is not None and visit.sign_off is not None:
            sealed = visit.sign_off.records.get(doc["id"], sealed)
    return refused_change(theirs.table, doc, here.doc if here else None, sealed)


# -- field by field -----------------------------------------------------------------------

_ABSENT = object()


@dataclass(frozen=True)
class FieldMerge:
    doc: dict[str, Any]  # both sides' changes, the local value where both changed a field
    partition: str
    conflicting: tuple[str, ...]  # fields changed differently on both sides ("a.b" nested)
    theirs: dict[str, Any]  # the same with their values of those fields
    their_partition: str


def _field_merge(db: Database, base: Located, mine: Located, theirs: Located) -> FieldMerge | None:
    """A three-way merge of two edits of one document from the version both started from;
    None where it cannot be field by field (a deletion against an edit, a result the gate
    refuses): then the whole document is a conflict."""
    if not (is_live(base.doc) and is_live(mine.doc) and is_live(theirs.doc)):
        return None
    conflicting: list[tuple[str, ...]] = []
    ours_doc = _merge_fields(
        _content(base.doc), _content(mine.doc), _content(theirs.doc), (), conflicting
    )
    theirs_doc = _with_values(ours_doc, theirs.doc, conflicting)
    revision = max(_int(mine.doc.get("revision")), _int(theirs.doc.get("revision"))) + 1
    history = _revs(mine.doc) + [r for r in _revs(theirs.doc) if r not in _revs(mine.doc)]
    history.append(secrets.token_hex(6))
    now = datetime.now().isoformat(timespec="seconds")
    merged = {**ours_doc, "revision": revision}
    merged[SYNC] = {"revs": history[-REVISIONS_KEPT:], "by": db.author, "at": now}
    # Theirs keeps their history, so that meeting their copy again is known as the same.
    their_copy = {**theirs_doc, "revision": revision, SYNC: theirs.doc.get(SYNC) or {}}
    for candidate in (merged, their_copy):
        if check_document(mine.table, candidate):
            return None  # fields that each passed alone but not together: choose whole
    partition = _filed(base.partition, mine.partition, theirs.partition)
    moved_apart = len({base.partition, mine.partition, theirs.partition}) == 3
    return FieldMerge(
        doc=merged,
        partition=partition,
        conflicting=tuple(".".join(path) for path in conflicting),
        theirs=their_copy,
        their_partition=theirs.partition if moved_apart else partition,
    )


def _merge_fields(
    base: dict[str, Any],
    mine: dict[str, Any],
    theirs: dict[str, Any],
    prefix: tuple[str, ...],
    conflicting: list[tuple[str, ...]],
) -> dict[str, Any]:
    """Each field from the side that changed it; a mapping changed on both sides key by
    key; a field changed differently on both sides keeps the local value and is named in
    ``conflicting``."""
    merged: dict[str, Any] = {}
    for key in [*mine, *(k for k in theirs if k not in mine)]:
        b, o, t = base.get(key, _ABSENT), mine.get(key, _ABSENT), theirs.get(key, _ABSENT)
        if o == t or t == b:
            value = o
        elif o == b:
            value = t
        elif isinstance(b, dict) and isinstance(o, dict) and isinstance(t, dict):
            value = _merge_fields(b, o, t, (*prefix, key), conflicting)
        else:
            conflicting.append((*prefix, key))
            value = o
        if value is not _ABSENT:
            merged[key] = value
    return merged


def _with_values(
    doc: dict[str, Any], source: dict[str, Any], paths: list[tuple[str, ...]]
) -> dict[str, Any]:
    """``doc`` with the values ``source`` has at ``paths`` (absent where it has none)."""
    result = orjson.loads(orjson.dumps(doc))  # a deep copy of plain JSON
    for path in paths:
        *parents, last = path
        target, origin = result, source
        for name in parents:
            target, origin = target[name], origin[name]
        if last in origin:
            target[last] = origin[last]
        else:
            target.pop(last, None)
    return result


def _filed(base: str, mine: str, theirs: str) -> str:
    """Where the merged copy goes: moved on one side only, it follows that side."""
    return theirs if mine == base else mine


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


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
        return N_("(deleted)")  # JSON keeps the English; shown through ``translated``
    for key in ("name", "title", "serial_number", "number", "symptom", "kind"):
        if doc.get(key):
            return str(doc[key])
    return ""


def _local_copies(store: Store, wanted: list[dict[str, Any]]) -> dict[tuple[str, str], Located]:
    """This database's copies of the documents the conflicts name, read from the files that
    can hold them, not from every file: the catalog; an asset's site file (where it is held,
    and the site the other laptop has it at); a record's site's files of its table (a
    month's file a date change moved it to included). A table of no such kind (a plugin's)
    is looked for in every file. As ``_index``: a document in two files (an asset caught
    half-way through a move) is the copy with the longer history."""
    db = store.db
    keys = {(c["table"], c["doc_id"]) for c in wanted}
    names: set[str] = set()
    for c in wanted:
        table, theirs = c["table"], c.get("theirs") or {}
        site = theirs.get("site_id")
        if table in CATALOG_TABLES:
            names.add(CATALOG)
        elif table == "assets":
            held = store.assets.row(c["doc_id"])
            names.update(f"assets/{s}.json" for s in (held.site_id if held else None, site) if s)
        elif table in RECORD_TABLES and isinstance(site, str):
            names.update(db.partition_names(f"records/{table}/{site}"))
        else:
            return {k: v for k, v in _index(db).items() if k in keys}
    found: dict[tuple[str, str], Located] = {}
    _find_in(db, sorted(names), keys, found)
    # An asset this database deleted keeps its tombstone in the site file it was deleted
    # from, which the other laptop may not name: the other asset files are read for it.
    lost = {k for k in keys if k[0] == "assets" and k not in found}
    if lost:
        others = [n for n in db.partition_names("assets") if n not in names]
        _find_in(db, others, lost, found)
    return found


def _find_in(
    db: Database,
    names: list[str],
    keys: set[tuple[str, str]],
    found: dict[tuple[str, str], Located],
) -> None:
    for name in names:
        if not (db.folder / name).exists():
            continue
        tables = db.partition(name, pinned=_pinned(name)).partition_storage.read() or {}
        for table, doc_id in keys:
            doc = tables.get(table, {}).get(doc_id)
            if doc is None:
                continue
            known = found.get((table, doc_id))
            if known is None or len(_revs(doc)) > len(_revs(known.doc)):
                found[(table, doc_id)] = Located(name, table, dict(doc))


def count_conflicts(store: Store) -> int:
    """How many conflicts wait for a person (reads the catalog alone)."""
    return len(_conflict_docs(store.db))


def list_conflicts(store: Store) -> list[Conflict]:
    conflict_docs = _conflict_docs(store.db)
    local = _local_copies(store, conflict_docs) if conflict_docs else {}
    found = []
    for c in conflict_docs:
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
        raise AssetTrackError(_("keep must be 'local' or 'theirs'"))
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
        said = _("no conflict {ref}") if not matches else _("{ref} is ambiguous")
        raise AssetTrackError(said.format(ref=repr(conflict_ref)))
    conflict = matches[0]
    raw = next(c for c in _conflict_docs(db) if c["id"] == conflict.id)
    here = _local_copies(store, [raw]).get((conflict.table, conflict.doc_id))
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

"""Check signed maintenance records against their seals and against the team's history.

A signed visit or inspection carries the seal of its content at signing (``domain.seal``).
``verify`` recomputes every seal from the stored documents, then walks the sync history
(when the database syncs) and checks every version of every signed record it ever held:

- a record whose content no longer matches its seal was changed after signing; the history
  names the commit (author, time) that brought that content, and the fields it changed;
- a seal that changed between two versions of a record was taken again, to hide a change;
- an inspection of a signed visit that is changed or missing breaks the visit's seal.

A change made on this computer and not synced yet has no commit: it is said so. A seal
printed on a customer's copy is looked up with ``find_seal``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from dulwich.diff_tree import tree_changes
from dulwich.object_store import tree_lookup_path
from dulwich.objects import Commit
from dulwich.repo import Repo

from assettrack.domain.seal import (
    SEALED_TABLES,
    content_seal,
    is_signed,
    recorded_seal,
    sealed_records,
    short,
)
from assettrack.domain.texts import N_
from assettrack.i18n import _
from assettrack.i18n.errors import translated
from assettrack.i18n.terms import record_kind
from assettrack.services import git_sync
from assettrack.services.git_sync import BRANCH, FieldChange, SyncPaths
from assettrack.store.repositories import live_documents
from assettrack.store.store import Store

Key = tuple[str, str]  # (table, document id)
# What is wrong with a signed record, as a finding says it (``N_``: JSON keeps the English).
CHANGED = N_("changed after the customer signed it")
VISIT_CHANGED = N_("changed after its visit {visit} was signed")  # filled in where found


@dataclass(frozen=True)
class HistoryCommit:
    """Where a version of a record entered the history."""

    id: str
    by: str
    at: datetime

    def said(self) -> str:
        return _("commit {commit} by {author}, {moment}").format(
            commit=self.id[:10], author=self.by, moment=f"{self.at:%Y-%m-%d %H:%M}"
        )


@dataclass(frozen=True)
class Finding:
    table: str
    doc_id: str
    site_id: str
    problem: str  # one line: what is wrong (English, as JSON says it; ``lines`` translate)
    commit: HistoryCommit | None = None  # the commit that brought it (None: not in the history)
    changes: tuple[FieldChange, ...] = ()  # against the version that was signed

    def lines(self) -> list[str]:
        where = self.commit.said() if self.commit else _("changed on this computer, not synced")
        said = [
            _("{what} {id}: {problem} ({where})").format(
                what=record_kind(self.table),
                id=self.doc_id,
                problem=translated(self.problem),
                where=where,
            )
        ]
        said += [f"    {c.field}: {_value(c.before)} -> {_value(c.after)}" for c in self.changes]
        return said


@dataclass
class VerifyReport:
    visits: int = 0  # signed visits checked
    inspections: int = 0  # signed inspections checked (their own seal, or their visit's)
    unsealed: int = 0  # signed before seals were kept: cannot be checked
    commits: int | None = None  # commits walked (None: the database keeps no history)
    findings: list[Finding] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.findings

    def lines(self) -> list[str]:
        checked = (
            _(
                "Checked {visits} signed visit(s) and {inspections} signed inspection(s) "
                "against their seals and {commits} commit(s) of the history"
            )
            if self.commits is not None
            else _(
                "Checked {visits} signed visit(s) and {inspections} signed inspection(s) "
                "against their seals (no sync history here to check against)"
            )
        )
        said = [
            checked.format(visits=self.visits, inspections=self.inspections, commits=self.commits)
        ]
        if self.unsealed:
            said.append(
                _("{count} signed before seals were kept: not checkable").format(
                    count=self.unsealed
                )
            )
        for finding in self.findings:
            said += finding.lines()
        said.append(
            _("All signed records are as signed.")
            if self.intact
            else _("{count} problem(s) with signed records.").format(count=len(self.findings))
        )
        return said


# -- the database as it is ----------------------------------------------------------------


def _documents(store: Store, table: str) -> Iterator[tuple[str, dict[str, Any]]]:
    db = store.db
    for name in db.partition_names(f"records/{table}"):
        for doc in live_documents(db, name, table):
            yield name, doc


def verify(store: Store) -> VerifyReport:
    """Every signed record against its seal, then the history (when there is one)."""
    report = VerifyReport()
    local: list[tuple[str, dict[str, Any], str]] = []  # (table, broken doc, problem)
    expected: dict[str, tuple[str, str]] = {}  # inspection id -> (visit id, seal)
    for _name, doc in _documents(store, "visits"):
        if not is_signed(doc):
            continue
        report.visits += 1
        if not recorded_seal(doc):
            report.unsealed += 1
            continue
        if content_seal(doc) != recorded_seal(doc):
            local.append(("visits", doc, CHANGED))
        for inspection_id, seal in sealed_records(doc).items():
            expected[inspection_id] = (doc["id"], seal)
    for _name, doc in _documents(store, "inspections"):
        visit = expected.pop(doc["id"], None)
        own = recorded_seal(doc)
        if visit is None and not is_signed(doc):
            continue
        report.inspections += 1
        if visit is None and not own:
            report.unsealed += 1
        elif own and content_seal(doc) != own:
            local.append(("inspections", doc, CHANGED))
        elif visit is not None and content_seal(doc) != visit[1]:
            local.append(("inspections", doc, N_(VISIT_CHANGED, visit=visit[0])))
    for inspection_id, (visit_id, _seal) in sorted(expected.items()):
        report.inspections += 1
        report.findings.append(
            Finding(
                "inspections",
                inspection_id,
                "",
                N_(
                    "missing: it was part of visit {visit} when the customer signed it",
                    visit=visit_id,
                ),
            )
        )
    history = _History.of(store)
    if history is None:
        report.findings += [Finding(t, d["id"], d.get("site_id", ""), p) for t, d, p in local]
        return report
    with closing(history):
        report.commits = history.walk()
        for table, doc, problem in local:
            report.findings.append(history.explain(table, doc, problem))
        report.findings += history.findings
    return report


# -- the history --------------------------------------------------------------------------


@dataclass
class _Version:
    doc: dict[str, Any]
    commit: HistoryCommit


class _History:
    """Every version of every signed record the sync history holds, oldest first."""

    def __init__(self, repo: Repo, head: bytes) -> None:
        self.repo = repo
        self.head = head
        self.cache: dict[bytes, Any] = {}
        self.versions: dict[Key, list[_Version]] = {}
        self.findings: list[Finding] = []
        # A signed visit's inspections: inspection id -> (visit id, seal at signing).
        self.expected: dict[str, tuple[str, str]] = {}

    @classmethod
    def of(cls, store: Store) -> _History | None:
        paths = SyncPaths(store.folder)
        if not paths.git.is_dir():
            return None
        repo = git_sync._open_repo(paths)
        head = git_sync._ref(repo, BRANCH)
        if head is None:
            repo.close()
            return None
        return cls(repo, head)

    def close(self) -> None:
        self.repo.close()

    def walk(self) -> int:
        """Read each commit's changed record files, oldest first; returns the commits."""
        commits = list(self.repo.get_walker(include=[self.head], order="topo", reverse=True))
        seen: set[tuple[Key, str, str]] = set()  # each distinct version is checked once
        for walked in commits:
            commit = walked.commit
            parent = commit.parents[0] if commit.parents else None
            parent_tree = self.repo[parent].tree if parent is not None else None
            names = sorted(
                {
                    entry.path.decode("utf-8", "replace")
                    for change in tree_changes(self.repo.object_store, parent_tree, commit.tree)
                    for entry in (change.old, change.new)
                    if entry is not None and entry.path is not None
                }
            )
            wanted = [n for n in names if n.split("/")[1:2] and n.split("/")[1] in SEALED_TABLES]
            where = _commit(commit)
            for name in sorted(wanted, key=lambda n: n.split("/")[1] != "visits"):
                for table, doc in self._docs(commit.tree, name):
                    version = (table, doc["id"]), content_seal(doc), recorded_seal(doc)
                    if version in seen:
                        continue
                    seen.add(version)
                    self._check(table, doc, where)
        return len(commits)

    def _docs(self, tree: bytes, name: str) -> Iterator[tuple[str, dict[str, Any]]]:
        try:
            _mode, blob = tree_lookup_path(self.repo.object_store.__getitem__, tree, name.encode())
        except KeyError:
            return
        data = git_sync.load_blob(self.repo, blob, self.cache)
        if not isinstance(data, dict):
            return
        for table, docs in data.items():
            if table in SEALED_TABLES and isinstance(docs, dict):
                for doc in docs.values():
                    live = isinstance(doc, dict) and not doc.get("_deleted")
                    if live and isinstance(doc.get("id"), str):
                        yield table, doc

    def _check(self, table: str, doc: dict[str, Any], where: HistoryCommit) -> None:
        key = (table, doc["id"])
        earlier = self.versions.setdefault(key, [])
        signed = [v for v in earlier if recorded_seal(v.doc)]
        seal = recorded_seal(doc)
        if signed and content_seal(doc) != recorded_seal(signed[0].doc):
            first = signed[0]
            if seal and seal != recorded_seal(first.doc) and content_seal(doc) == seal:
                problem = N_("sealed again after a change: its seal is not the one signed")
            elif not seal:
                problem = N_("its signature and seal were taken off after signing")
            else:
                problem = CHANGED
            self._find(table, doc, problem, where, first.doc)
        elif seal and content_seal(doc) != seal:
            self._find(table, doc, CHANGED, where, None)
        elif table == "inspections" and not seal and doc["id"] in self.expected:
            visit_id, sealed = self.expected[doc["id"]]
            if content_seal(doc) != sealed:
                at_signing = next((v.doc for v in earlier if content_seal(v.doc) == sealed), None)
                problem = N_(VISIT_CHANGED, visit=visit_id)
                self._find(table, doc, problem, where, at_signing)
        if table == "visits" and not _broken(doc):
            for inspection_id, sealed in sealed_records(doc).items():
                self.expected.setdefault(inspection_id, (doc["id"], sealed))
        earlier.append(_Version(doc, where))

    def _find(
        self,
        table: str,
        doc: dict[str, Any],
        problem: str,
        where: HistoryCommit,
        signed: dict[str, Any] | None,
    ) -> None:
        changes = tuple(git_sync._changes(signed, doc, ())) if signed is not None else ()
        self.findings.append(
            Finding(table, doc["id"], str(doc.get("site_id", "")), problem, where, changes)
        )

    def explain(self, table: str, doc: dict[str, Any], problem: str) -> Finding:
        """A record broken here: the commit that brought its content, and what it changed
        against the version that was signed (from the history, when it holds one)."""
        versions = self.versions.get((table, doc["id"]), [])
        content = content_seal(doc)
        brought = next((v for v in versions if content_seal(v.doc) == content), None)
        signed = next((v for v in versions if not _broken(v.doc)), None)
        if brought is not None:
            # Already reported from the history, with its commit: say it once.
            self.findings = [
                f
                for f in self.findings
                if (f.table, f.doc_id, f.commit) != (table, doc["id"], brought.commit)
            ]
        changes = tuple(git_sync._changes(signed.doc, doc, ())) if signed is not None else ()
        return Finding(
            table,
            doc["id"],
            str(doc.get("site_id", "")),
            problem,
            brought.commit if brought else None,
            changes,
        )

    def first_commit_with(self, table: str, doc_id: str, seal: str) -> HistoryCommit | None:
        found = None
        for version in self.versions.get((table, doc_id), []):
            if recorded_seal(version.doc) == seal:
                found = version.commit
                break
        return found


def _broken(doc: dict[str, Any]) -> bool:
    seal = recorded_seal(doc)
    return bool(seal) and content_seal(doc) != seal


def _commit(commit: Commit) -> HistoryCommit:
    zone = timezone(timedelta(seconds=commit.author_timezone))
    at = datetime.fromtimestamp(commit.author_time, zone)
    by = commit.author.decode("utf-8", "replace").split(" <", 1)[0]
    return HistoryCommit(commit.id.decode(), by, at)


def _value(value: Any) -> str:
    text = _("(none)") if value in (None, "", [], {}) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


# -- one record's seal, for reports and a customer's copy ---------------------------------


@dataclass(frozen=True)
class SealState:
    seal: str  # "" when the record is not sealed
    intact: bool
    commit: HistoryCommit | None  # the commit that first held the signed version (None: not synced)

    def line(self) -> str:
        if not self.seal:
            return ""
        where = self.commit.said() if self.commit else _("not in the team's history yet")
        state = "" if self.intact else _(" (CHANGED SINCE SIGNING: run assettrack verify)")
        return _("Seal {seal} · {where}{state}").format(seal=self.seal, where=where, state=state)


def seal_state(store: Store, table: str, record: Any) -> SealState:
    """A signed record's seal, whether its stored content still matches, and its commit."""
    sign_off = getattr(record, "sign_off", None)
    seal = sign_off.seal if sign_off is not None else ""
    if not seal:
        return SealState("", True, None)
    partition = getattr(store, table).partition_of(record)
    stored = next(
        (d for d in live_documents(store.db, partition, table) if d.get("id") == record.id), None
    )
    intact = stored is not None and content_seal(stored) == seal
    return SealState(seal, intact, _commit_of(store, partition, table, record.id, seal))


def _commit_of(
    store: Store, partition: str, table: str, doc_id: str, seal: str
) -> HistoryCommit | None:
    """The oldest commit, back from the head, whose copy of the record has this seal."""
    paths = SyncPaths(store.folder)
    if not paths.git.is_dir():
        return None
    with closing(git_sync._open_repo(paths)) as repo:
        head = git_sync._ref(repo, BRANCH)
        if head is None:
            return None
        found = None
        cache: dict[bytes, Any] = {}
        for walked in repo.get_walker(include=[head], paths=[partition.encode()]):
            commit = walked.commit
            try:
                _mode, blob = tree_lookup_path(
                    repo.object_store.__getitem__, commit.tree, partition.encode()
                )
            except KeyError:
                break
            data = git_sync.load_blob(repo, blob, cache)
            doc = (data or {}).get(table, {}).get(doc_id) if isinstance(data, dict) else None
            if not isinstance(doc, dict) or recorded_seal(doc) != seal:
                break
            found = _commit(commit)
        return found


@dataclass(frozen=True)
class SealMatch:
    table: str
    doc_id: str
    site_id: str
    signed_by: str
    signed_at: str
    current: bool  # the record as stored now still has this seal and matches it


def find_seal(store: Store, seal: str) -> list[SealMatch]:
    """The records a seal (as printed on a customer's copy, or its first digits) names."""
    wanted = seal.strip().lower()
    if not wanted.startswith("sha256:"):
        wanted = "sha256:" + wanted
    found = []
    for table in SEALED_TABLES:
        for _name, doc in _documents(store, table):
            recorded = recorded_seal(doc)
            if recorded and recorded.startswith(wanted):
                sign_off = doc["sign_off"]
                found.append(
                    SealMatch(
                        table,
                        doc["id"],
                        str(doc.get("site_id", "")),
                        str(sign_off.get("representative", "")),
                        str(sign_off.get("signed_at", "")),
                        content_seal(doc) == recorded,
                    )
                )
    return found


__all__ = ["Finding", "SealState", "VerifyReport", "find_seal", "seal_state", "short", "verify"]

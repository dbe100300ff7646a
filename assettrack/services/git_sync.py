"""Team sync on git: every database a clone, the team's server (or shared folder) a remote.

Git (dulwich: pure Python, so a laptop needs no git installed) carries the data and keeps
the history; assettrack supplies what git cannot know: how two versions of a record merge.

**Where the history lives.** ``<database>/.sync/git`` is a bare repository of the database's
history. It is not a work tree of the database folder: git never writes a data file. A commit
is made from the store's own view of its files (read under the writer lock, so no change is
caught half done), and a merge is written through the store's journalled transaction, past
the gate, exactly like a bundle import. Each partition file is committed in a canonical form
(sorted keys, one field per line, the local ``conflicts`` table left out), so the same content
is the same blob on every laptop and the server shows field-level diffs.

**What is committed** is decided by the paths, not by a list of exclusions (``tracked_path``):
``catalog.json``, ``assets/<site>.json``, ``records/<kind>/<site>/<YYYY-MM>.json`` and the
attached files ``attachments/<xx>/<sha256>``. The writer lock, journals, ``.changes``,
temporary files, ``quarantine/``, ``inbox/``, ``backups/`` and ``.sync/`` itself never are.

**A sync** fetches the team's branch (``main``), commits local changes with the engineer as
author, merges, and pushes. The merge is three-way at the document level, never git's line
merge: only documents changed on their side since the merge base come in, each through the
gate (``services.sync.admit``; a bad one is refused by id and kept out), then
``services.sync.merge_into`` decides each against the local copy and the base (fast-forward,
field by field, or a conflict kept side by side). A push that lost a race fetches, merges
and tries again, a few times.

**At scale** (50,000 assets, 49,000 files) each part reads only what changed: the snapshot
lists only changed folders (``services.git_file_scan``) and edits the last tree along the
changed paths (``services.git_snapshot``); the merge reads tree diffs and the changed files a
batch at a time (``services.git_merge_plan``); objects move between repositories by tree
diffs, whole, one pack at a time, and small packs are rolled up (``services.git_objects``).

**All or nothing.** The merge is one store transaction: a kill or a lost connection leaves
the database as before the sync or as after it. The merge commit is made after that write;
``merging.json`` notes the two sides first, so the next sync records a merge a crash cut
short. A remote that cannot be reached stops a sync before anything local changes.

**Bundles** (``services.git_bundle``) carry the same history on a USB stick and are merged by
the same path (``merge_head``). A database that exchanges bundles only keeps its history
repository with no remote (``open_history``); ``sync init`` later joins the team with it.

``<database>/.sync/`` also holds ``state.json`` (when the last sync ran), ``snapshot.json``
(each folder's and file's stat and each file's blob, so a commit re-reads only the files
that changed) and ``sync.lock`` (one sync of a database at a time).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import time
from collections.abc import Callable, Iterable
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import orjson
from dulwich.client import HTTPProxyUnauthorized, HTTPUnauthorized, get_transport_and_path
from dulwich.diff_tree import tree_changes
from dulwich.errors import GitProtocolError, HangupException, NotGitRepository
from dulwich.file import FileLocked
from dulwich.graph import find_merge_base
from dulwich.object_store import tree_lookup_path
from dulwich.objects import Commit, Tree
from dulwich.repo import Repo
from filelock import FileLock, Timeout

from assettrack.domain.attachments import MAX_SIZE
from assettrack.domain.texts import N_, Text
from assettrack.errors import AssetTrackError
from assettrack.i18n import _
from assettrack.i18n.errors import translated
from assettrack.services.git_credentials import credentials_for
from assettrack.services.git_file_scan import scan
from assettrack.services.git_merge_plan import load_blob, plan_merge
from assettrack.services.git_objects import (
    consolidate_packs,
    copy_objects,
    has_object,
    new_objects,
    pack_data_for,
)
from assettrack.services.git_paths import tracked_path
from assettrack.services.git_snapshot import snapshot as take_snapshot
from assettrack.services.sync import (
    MergeReport,
    NewerDocumentError,
    count_conflicts,
    merge_into,
)
from assettrack.store.database import CHANGES_NAME, SYNC_FOLDER, Database
from assettrack.store.durable import TEMP_MARK, atomic_write
from assettrack.store.repositories import CATALOG, SYNC
from assettrack.store.store import Store

BRANCH = b"refs/heads/main"
TRACKING = b"refs/remotes/origin/main"
EMPTY_TREE = Tree().id
ATTEMPTS = 4  # pushes that may lose a race to another engineer's before giving up
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://|^[^/\\]+@[^/\\]+:")
# What a transport raises when the remote cannot be reached or refuses us.
_UNREACHABLE = (
    OSError,
    GitProtocolError,
    HangupException,
    NotGitRepository,
    HTTPUnauthorized,
    HTTPProxyUnauthorized,
)
PUSH_LOCK_WATCH = 2.0  # seconds: a live push holds the remote's branch lock for milliseconds
LOOSE_OBJECTS_KEPT = 500  # packed beyond this, so the folder stays a few files
# What a sync merges: English in commit messages (str), translated in what people read.
TEAM = N_("the team's changes")

Progress = Callable[[str], None]


class SyncError(AssetTrackError):
    """A sync that could not go ahead; the message says why and what to do."""


class RemoteUnreachable(SyncError):
    """The team's remote could not be reached: nothing local was changed. ``problem`` is
    what went wrong, without saying that nothing changed (a push adds what did)."""

    def __init__(self, problem: str) -> None:
        super().__init__(_("{problem}; nothing was changed here").format(problem=problem))
        self.problem = problem


@dataclass
class SyncReport:
    remote: str
    merge: MergeReport = field(default_factory=MergeReport)
    committed: bool = False  # local changes were committed
    merged: bool = False  # the team's changes came in
    pushed: bool = False
    retries: int = 0  # pushes that lost a race and were tried again
    ignored: list[str] = field(default_factory=list)  # files of the remote that are no data

    def lines(self) -> list[str]:
        said = []
        if self.merged:
            said.append(
                _("Merged the team's changes: {summary}").format(summary=self.merge.summary())
            )
        if self.pushed:
            said.append(_("Pushed to {remote}").format(remote=self.remote))
        if not said:
            said.append(_("Up to date with {remote}").format(remote=self.remote))
        if self.retries:
            said.append(
                _("(another engineer pushed first; merged again {count} time(s))").format(
                    count=self.retries
                )
            )
        return said


@dataclass(frozen=True)
class SyncStatus:
    remote: str
    ahead: int  # commits here the remote had not at the last sync
    behind: int  # commits of the remote (as last fetched) not merged here
    unsynced_files: int  # data files changed since the last commit
    conflicts: int
    last_sync: str  # ISO time, or "" for never


# -- where things are ---------------------------------------------------------------------


@dataclass(frozen=True)
class SyncPaths:
    database: Path

    @property
    def root(self) -> Path:
        return self.database / SYNC_FOLDER

    @property
    def git(self) -> Path:
        return self.root / "git"

    @property
    def state(self) -> Path:
        return self.root / "state.json"

    @property
    def snapshot(self) -> Path:
        return self.root / "snapshot.json"

    @property
    def merging(self) -> Path:
        return self.root / "merging.json"

    @property
    def lock(self) -> Path:
        return self.root / "sync.lock"


# -- the repository -----------------------------------------------------------------------


def _read_json(path: Path) -> dict[str, Any]:
    try:
        found = orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return {}
    return found if isinstance(found, dict) else {}


def _write_json(path: Path, data: dict[str, Any]) -> None:
    atomic_write(path, orjson.dumps(data, option=orjson.OPT_INDENT_2))


def _open_repo(paths: SyncPaths) -> Repo:
    if not paths.git.is_dir():
        raise SyncError(
            _(
                "the database {database} does not sync with a team yet: assettrack sync init REMOTE"
            ).format(database=paths.database)
        )
    try:
        repo = Repo(str(paths.git))
    except NotGitRepository as exc:
        raise SyncError(
            _("the sync history in {folder} is damaged ({problem})").format(
                folder=paths.git, problem=exc
            )
        ) from exc
    repo.object_store.fsync_object_files = True  # the snapshot cache names them: on disk first
    return repo


def open_history(paths: SyncPaths) -> Repo:
    """The database's history repository, made (with no remote) if it has none yet: a
    laptop that is never online keeps its history for bundles. The caller holds
    ``_one_sync``."""
    if not paths.git.is_dir():
        fresh = paths.root / "git.new"
        shutil.rmtree(fresh, ignore_errors=True)
        Repo.init_bare(str(fresh), mkdir=True, default_branch=b"main").close()
        os.replace(fresh, paths.git)  # whole or not at all
    return _open_repo(paths)


def _remote_url(repo: Repo) -> str:
    try:
        return repo.get_config().get((b"remote", b"origin"), b"url").decode()
    except KeyError:
        return ""


def _ref(repo: Repo, name: bytes) -> bytes | None:
    try:
        return repo.refs[name]
    except KeyError:
        return None


@contextmanager
def _one_sync(paths: SyncPaths):
    paths.root.mkdir(parents=True, exist_ok=True)
    lock = FileLock(paths.lock, timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise SyncError(
            _("another sync of the database {database} is running; try again when it ends").format(
                database=paths.database
            )
        ) from None
    try:
        _clear_killed_sync(paths)
        yield
    finally:
        lock.release()


def _clear_killed_sync(paths: SyncPaths) -> None:
    """Remove what a sync killed mid-write left: git's ``*.lock`` files (an object, a ref,
    the config being replaced), unfinished packs and this folder's temporary files. Only a
    sync writes here, and this one holds ``sync.lock``: every one of them is a dead one's."""
    leftovers = [p for p in paths.root.iterdir() if p.is_file() and TEMP_MARK in p.name]
    if paths.git.is_dir():
        for parent, _folders, names in os.walk(paths.git):
            leftovers += [
                Path(parent) / name
                for name in names
                if name.endswith(".lock")
                # an unfinished pack: dulwich names it tmp<random>.pack until indexed
                or (name.startswith("tmp") and Path(parent).name == "pack")
            ]
    for leftover in leftovers:
        leftover.unlink(missing_ok=True)


def _clear_killed_push(folder: Path) -> None:
    """A push to a shared folder moves the team's branch through ``refs/heads/main.lock``
    and writes a pack's index through ``objects/pack/pack-<sha>.idx.lock``, each for
    milliseconds. A lock that stays, unchanged, while we watch it for a moment is a killed
    push's: left there, it would stop every push of the same branch (or the same objects:
    the pack's name is its content's) until removed by hand. Watched, not dated: a laptop's
    clock and the file server's need not agree."""
    locks = [*folder.glob("refs/heads/*.lock"), *folder.glob("objects/pack/*.lock")]
    try:
        first = {lock: lock.stat() for lock in locks}
    except OSError:
        return  # gone meanwhile: a live push finished
    if not first:
        return
    deadline = time.monotonic() + PUSH_LOCK_WATCH
    while first and time.monotonic() < deadline:
        time.sleep(0.05)
        for lock, seen in list(first.items()):
            try:
                now = lock.stat()
            except OSError:
                del first[lock]  # released: another engineer's push at work
                continue
            if (now.st_ino, now.st_mtime_ns) != (seen.st_ino, seen.st_mtime_ns):
                del first[lock]
    for lock in first:
        with contextlib.suppress(OSError):  # not ours to remove: the push says why
            lock.unlink()


def _identity(author: str, email: str) -> bytes:
    name = re.sub(r"[<>\n\r]", "", author).strip() or "assettrack"
    mail = re.sub(r"[<>\s]", "", email)
    return f"{name} <{mail}>".encode()


def _commit(repo: Repo, tree: bytes, parents: list[bytes], identity: bytes, message: str) -> bytes:
    commit = Commit()
    commit.tree = tree
    commit.parents = parents
    commit.author = commit.committer = identity
    now = int(time.time())
    offset = time.localtime(now).tm_gmtoff
    commit.author_time = commit.commit_time = now
    commit.author_timezone = commit.commit_timezone = offset
    commit.encoding = b"UTF-8"
    commit.message = message.encode() + b"\n"
    repo.object_store.add_object(commit)
    return commit.id


def _tree_of(repo: Repo, commit: bytes | None) -> bytes:
    return EMPTY_TREE if commit is None else repo[commit].tree


# -- a commit of the database -------------------------------------------------------------


def _snapshot(db: Database, repo: Repo, paths: SyncPaths) -> bytes:
    return take_snapshot(db, repo, paths.snapshot)


def _changes_mark(db: Database) -> bytes:
    """The store's ``.changes`` note, which every save rewrites: the same bytes later (read
    under the writer lock both times) mean nobody saved in between."""
    try:
        return (db.folder / CHANGES_NAME).read_bytes()
    except OSError:
        return b""


def _commit_local(store: Store, repo: Repo, paths: SyncPaths, identity: bytes) -> bytes | None:
    """Commit what changed here since the last commit; the head (None: nothing ever)."""
    return _commit_marked(store, repo, paths, identity)[0]


def _commit_marked(
    store: Store, repo: Repo, paths: SyncPaths, identity: bytes
) -> tuple[bytes | None, bytes]:
    """``_commit_local``, and the ``.changes`` mark its snapshot was taken at."""
    head = _ref(repo, BRANCH)
    with store.db.writing():
        tree = _snapshot(store.db, repo, paths)
        mark = _changes_mark(store.db)
    if tree == _tree_of(repo, head):
        return head, mark
    # Commit messages stay English: they are the team's git history, read by everyone's
    # git and by engineers of either language, not the interface.
    message = f"{store.db.author or 'assettrack'}: {_describe(repo, head, tree)}"
    commit = _commit(repo, tree, [head] if head else [], identity, message)
    repo.refs[BRANCH] = commit
    return commit, mark


def _describe(repo: Repo, head: bytes | None, tree: bytes) -> str:
    """What a commit changed, for its message (English: the team's history)."""
    kinds: dict[str, int] = {}
    before = repo[head].tree if head is not None else None
    for change in tree_changes(repo.object_store, before, tree):
        entry = change.new if change.new is not None and change.new.path else change.old
        parts = entry.path.decode("utf-8", "replace").split("/")
        kind = "catalog" if parts == [CATALOG] else parts[1] if parts[0] == "records" else parts[0]
        kinds[kind] = kinds.get(kind, 0) + 1
    return ", ".join(f"{kind} {count} file(s)" for kind, count in sorted(kinds.items()))


# -- talking to the remote ----------------------------------------------------------------


def _client(repo: Repo, url: str, operation: str) -> tuple[Any, str]:
    """Git's own ways in: ssh keys and agent (GIT_SSH_COMMAND or core.sshCommand honoured),
    credential helpers and URL rewrites from the user's git configuration."""
    config = repo.get_config_stack()
    ssh = os.environ.get("GIT_SSH_COMMAND") or os.environ.get("GIT_SSH")
    if ssh is None:
        try:
            config.get((b"core",), b"sshCommand")
        except KeyError:
            ssh = "ssh -o ConnectTimeout=10"  # offline is normal: said within seconds
    username, password = credentials_for(config, url)
    try:
        return get_transport_and_path(
            url,
            config=config,
            operation=operation,
            ssh_command=ssh,
            username=username,
            password=password,
        )
    except ValueError as exc:
        raise SyncError(
            _("{url} is not a path or a git URL ({problem})").format(url=url, problem=exc)
        ) from exc


def _unreachable(url: str, exc: BaseException) -> RemoteUnreachable:
    if isinstance(exc, HTTPProxyUnauthorized):
        return RemoteUnreachable(
            _(
                "the proxy of {url} refused the credentials (git's own: your git "
                "configuration or credential helper)"
            ).format(url=url)
        )
    if isinstance(exc, HTTPUnauthorized):
        return RemoteUnreachable(
            _(
                "the team's remote {url} refused the credentials (git's own: your git "
                "configuration or credential helper)"
            ).format(url=url)
        )
    reason = " ".join(str(exc).split()) or type(exc).__name__
    if isinstance(exc, NotGitRepository):
        missing = not _is_url(url) and not Path(url).exists()
        reason = (
            _("the folder is not there (is the shared folder connected?)")
            if missing
            else _("there is no git repository there")
        )
    return RemoteUnreachable(
        _("cannot reach the team's remote {url}: {reason}").format(url=url, reason=reason[:300])
    )


def _cut(url: str, exc: BaseException) -> RemoteUnreachable:
    reason = " ".join(str(exc).split()) or type(exc).__name__
    return RemoteUnreachable(
        _(
            "the connection to the team's remote {url} was cut during the transfer ({reason})"
        ).format(url=url, reason=reason[:200])
    )


def _fetch(repo: Repo, url: str) -> bytes | None:
    """Bring the team's branch in; its head (None: the remote is empty)."""
    fetch = _fetch_over_network if _is_url(url) else _fetch_from_folder
    head = fetch(repo, url)
    if head is not None:
        repo.refs[TRACKING] = head
    return head


def _fetch_over_network(repo: Repo, url: str) -> bytes | None:
    client, path = _client(repo, url, "pull")
    reached = False

    def wants(refs: dict[bytes, bytes], depth: Any = None) -> list[bytes]:
        nonlocal reached
        reached = True
        head = refs.get(BRANCH)
        return [head] if head and not has_object(repo.object_store, head) else []

    try:
        result = client.fetch(path, repo, determine_wants=wants)
    except _UNREACHABLE as exc:
        raise (_cut(url, exc) if reached else _unreachable(url, exc)) from exc
    return (result.refs or {}).get(BRANCH)


def _fetch_from_folder(repo: Repo, url: str) -> bytes | None:
    """A shared folder's branch, its new objects copied across (``services.git_objects``)."""
    try:
        with closing(Repo(url)) as remote:
            head = _ref(remote, BRANCH)
            if head is not None and not has_object(repo.object_store, head):
                haves = [h for h in (_ref(repo, BRANCH), _ref(repo, TRACKING)) if h]
                copy_objects(repo.object_store, new_objects(remote.object_store, [head], haves))
    except _UNREACHABLE as exc:
        raise _unreachable(url, exc) from exc
    except KeyError as exc:
        raise SyncError(
            _(
                "the team's remote {url} lacks an object of its own history ({object}): it "
                "is damaged; nothing was changed here"
            ).format(url=url, object=exc)
        ) from exc
    return head


def _push(repo: Repo, url: str, head: bytes, expected: bytes | None) -> bool:
    """Push ``head`` if the team's branch is still at ``expected``; False if another
    engineer pushed first (the caller fetches, merges and tries again)."""
    try:
        if not _is_url(url):
            return _push_to_folder(repo, url, head, expected)
        return _push_over_network(repo, url, head, expected)
    except FileLocked:
        return False  # another engineer's push is moving the branch now: merge and retry
    except _UNREACHABLE as exc:
        raise _unreachable(url, exc) from exc


def _push_to_folder(repo: Repo, url: str, head: bytes, expected: bytes | None) -> bool:
    _clear_killed_push(Path(url))
    with closing(Repo(url)) as remote:
        remote.object_store.fsync_object_files = True
        current = _ref(remote, BRANCH)
        if current not in (expected, head):
            return False
        if current != head:
            haves = [current] if current is not None else []
            copy_objects(remote.object_store, new_objects(repo.object_store, [head], haves))
            moved = (
                remote.refs.add_if_new(BRANCH, head)
                if current is None
                else remote.refs.set_if_equals(BRANCH, current, head)
            )
            if not moved:
                return False
        consolidate_packs(remote.object_store)
    repo.refs[TRACKING] = head
    return True


def _push_over_network(repo: Repo, url: str, head: bytes, expected: bytes | None) -> bool:
    client, path = _client(repo, url, "push")
    lost: list[bytes | None] = []

    reached = False

    def update_refs(refs: dict[bytes, bytes]) -> dict[bytes, bytes]:
        nonlocal reached
        reached = True
        current = refs.get(BRANCH)
        if current not in (expected, head):
            lost.append(current)
            return {}
        return {BRANCH: head}

    try:
        result = client.send_pack(
            path, update_refs, generate_pack_data=pack_data_for(repo.object_store)
        )
    except _UNREACHABLE as exc:
        if reached and not isinstance(exc, (HTTPUnauthorized, HTTPProxyUnauthorized)):
            raise _cut(url, exc) from exc
        raise
    refused = (result.ref_status or {}).get(BRANCH)
    if lost or refused:
        return False
    repo.refs[TRACKING] = head
    return True


# -- merging ------------------------------------------------------------------------------


class _ChangedMeanwhile(Exception):
    """The database changed between the commit and the merge: commit and merge again."""


def _store_attachments(
    store: Store, repo: Repo, wanted: dict[str, bytes], report: SyncReport
) -> None:
    """Files attached on other laptops, each checked against its name (its SHA-256)."""
    for path, blob_id in sorted(wanted.items()):
        target = store.folder / path
        if target.is_file():
            continue
        data = repo.object_store[blob_id].as_raw_string()
        if len(data) > MAX_SIZE or hashlib.sha256(data).hexdigest() != path.rsplit("/", 1)[1]:
            report.merge.refused.append(
                _("{path}: its content is not the one it is named by; kept out").format(path=path)
            )
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(target, data)


def _reaches(repo: Repo, descendant: bytes, ancestor: bytes) -> bool:
    return any(w.commit.id == ancestor for w in repo.get_walker(include=[descendant]))


def _merge_base(repo: Repo, ours: bytes | None, theirs: bytes) -> bytes | None:
    """The lowest common ancestor. dulwich's find_merge_base walks by commit time and, when
    commits share a second (or a laptop's clock is off), can name an older ancestor first."""
    if ours is None:
        return None
    if _reaches(repo, theirs, ours):
        return ours
    bases = find_merge_base(repo, [ours, theirs])
    lowest = [b for b in bases if not any(o != b and _reaches(repo, o, b) for o in bases)]
    return lowest[0] if lowest else None


def _integrate(
    store: Store,
    repo: Repo,
    paths: SyncPaths,
    ours: bytes | None,
    theirs: bytes,
    identity: bytes,
    report: SyncReport,
    progress: Progress,
    source: Text = TEAM,
    mark: bytes | None = None,
) -> bytes | None:
    """Merge the team's head (or a bundle's: ``source``) into the database and the history;
    the new head. ``mark``: the ``.changes`` note when ``ours`` was committed."""
    base = _merge_base(repo, ours, theirs)
    if ours is not None and base == theirs:
        return ours  # everything of theirs is here already
    progress("merge")
    db = store.db
    try:
        plan = plan_merge(repo, db.plan, (base, ours, theirs), report.ignored, report.merge)
    except NewerDocumentError as exc:
        raise SyncError(
            _(
                "{source} hold documents of schema {schema} (this version reads up to "
                "{current}): upgrade assettrack to merge them; nothing was changed"
            ).format(source=translated(source), schema=exc.schema, current=db.plan.current)
        ) from None
    _store_attachments(store, repo, plan.attachments, report)
    # Noted before the database changes: a crash after the write leaves the merge to record.
    pending = {"ours": _hex(ours), "theirs": _hex(theirs)}
    _write_json(paths.merging, pending)
    came_in = bool(plan.attachments)
    merged = MergeReport()  # this merge's, for its commit message
    try:
        with db.writing():
            if _changes_mark(db) != mark and _snapshot(db, repo, paths) != _tree_of(repo, ours):
                raise _ChangedMeanwhile
            with db.transaction("sync"):
                db.refresh()  # decide on what is on disk now
                for batch in plan.batches(report.merge):
                    _add_up(
                        merged,
                        merge_into(
                            db, batch.incoming, batch.ours, batch.base, signed_with=plan.signed_with
                        ),
                    )
                    came_in |= bool(batch.incoming)
            tree = _snapshot(db, repo, paths)
    except _ChangedMeanwhile:
        paths.merging.unlink(missing_ok=True)
        raise
    finally:
        store.assets.reload()
    _add_up(report.merge, merged)
    report.merged |= came_in
    head = _record_merge(repo, ours, theirs, base, tree, identity, merged.summary_text(), source)
    paths.merging.unlink(missing_ok=True)
    return head


def _record_merge(
    repo: Repo,
    ours: bytes | None,
    theirs: bytes,
    base: bytes | None,
    tree: bytes,
    identity: bytes,
    summary: str,
    source: str = TEAM,
) -> bytes:
    """The commit of a merge written to the database: the team's head itself when nothing
    was here to merge and all of it came in; else a commit with both sides as parents.
    ``summary`` and ``source`` are English (their ``str``): the team's history."""
    if ours is None or base == ours:
        if tree == repo[theirs].tree:
            head = theirs
        else:  # some of it was kept out
            head = _commit(repo, tree, [theirs], identity, f"{source}, {summary}")
    else:
        head = _commit(repo, tree, [ours, theirs], identity, f"merge {source}: {summary}")
    repo.refs[BRANCH] = head
    return head


def _hex(commit: bytes | None) -> str | None:
    return commit.decode() if commit is not None else None


def _add_up(total: MergeReport, more: MergeReport) -> None:
    for name in ("added", "updated", "deleted", "conflicts", "unchanged", "merged"):
        setattr(total, name, getattr(total, name) + getattr(more, name))
    total.conflict_ids += more.conflict_ids
    total.refused += more.refused


def _finish_pending(store: Store, repo: Repo, paths: SyncPaths, identity: bytes) -> None:
    """Record the merge a crash cut short after it was written to the database."""
    pending = _read_json(paths.merging)
    if not pending:
        return
    ours = pending.get("ours")
    theirs = pending.get("theirs")
    ours_id = ours.encode() if isinstance(ours, str) else None
    if not isinstance(theirs, str) or _ref(repo, BRANCH) != ours_id:
        paths.merging.unlink(missing_ok=True)  # already recorded, or never begun
        return
    with store.db.writing():
        tree = _snapshot(store.db, repo, paths)
    if tree != _tree_of(repo, ours_id):  # the database holds the merge: record it
        _record_merge(
            repo,
            ours_id,
            theirs.encode(),
            _merge_base(repo, ours_id, theirs.encode()),
            tree,
            identity,
            "completed after an interruption",
        )
    paths.merging.unlink(missing_ok=True)


# -- the commands' services ---------------------------------------------------------------


def _quiet(step: str) -> None:
    pass


def sync(store: Store, *, email: str = "", progress: Progress = _quiet) -> SyncReport:
    """Commit local changes, fetch the team's, merge, push (retried when another engineer
    pushed first). Raises ``RemoteUnreachable`` (nothing changed) when offline."""
    paths = SyncPaths(store.folder)
    _open_repo(paths).close()  # says how to begin when this database does not sync yet
    with _one_sync(paths), closing(_open_repo(paths)) as repo:
        url = _remote_url(repo)
        if not url:
            raise SyncError(_("no team's remote is set: assettrack sync init REMOTE"))
        return _run(store, repo, paths, url, _identity(store.db.author, email), progress)


def _run(
    store: Store,
    repo: Repo,
    paths: SyncPaths,
    url: str,
    identity: bytes,
    progress: Progress,
    fetched: tuple[bytes | None] | None = None,
) -> SyncReport:
    report = SyncReport(url)
    _finish_pending(store, repo, paths, identity)
    for attempt in range(ATTEMPTS):
        if fetched is not None and attempt == 0:
            (theirs,) = fetched
        else:
            progress("fetch")
            theirs = _fetch(repo, url)
        head = merge_head(store, repo, paths, theirs, identity, report, progress)
        if head is None or head == theirs:
            break
        progress("push")
        try:
            pushed = _push(repo, url, head, theirs)
        except RemoteUnreachable as exc:
            said = (
                _(
                    "{problem}; the team's changes were merged here; your changes were not "
                    "pushed: they are kept here and go out with a sync the remote lets push"
                )
                if report.merged
                else _(
                    "{problem}; your changes were not pushed: they are kept here and go out "
                    "with a sync the remote lets push"
                )
            )
            raise SyncError(said.format(problem=exc.problem)) from exc
        if pushed:
            report.pushed = True
            break
        report.retries += 1
    else:
        raise SyncError(
            _(
                "other engineers pushed to {url} {count} times while this sync ran; what was "
                "merged is kept here: run sync again"
            ).format(url=url, count=ATTEMPTS)
        )
    _tidy(repo)
    _write_json(
        paths.state,
        {**_read_json(paths.state), "last_sync": datetime.now().isoformat(timespec="seconds")},
    )
    return report


def merge_head(
    store: Store,
    repo: Repo,
    paths: SyncPaths,
    theirs: bytes | None,
    identity: bytes,
    report: SyncReport,
    progress: Progress = _quiet,
    source: Text = TEAM,
) -> bytes | None:
    """Commit local changes, then merge ``theirs`` (a fetched team head, or a bundle's) into
    the database and the history; the new head. The one merge path of ``sync`` and
    ``import-bundle``: the caller holds ``_one_sync`` and has called ``_finish_pending``."""
    for _attempt in range(3):
        before = _ref(repo, BRANCH)
        head, mark = _commit_marked(store, repo, paths, identity)
        report.committed |= head != before
        if theirs is None:
            return head
        try:
            return _integrate(
                store, repo, paths, head, theirs, identity, report, progress, source, mark
            )
        except _ChangedMeanwhile:
            continue  # saved meanwhile (the app is open): commit that and merge again
    raise SyncError(
        _(
            "the database kept changing while {source} were merged; nothing was lost: try again"
        ).format(source=translated(source))
    )


def _tidy(repo: Repo) -> None:
    store = repo.object_store
    if store.count_loose_objects() > LOOSE_OBJECTS_KEPT:
        store.pack_loose_objects()
    consolidate_packs(store)


def _is_url(remote: str) -> bool:
    return _URL.match(remote) is not None


def _remote_location(remote: str) -> str:
    """A URL as given; a folder made absolute, and made a bare repository if it is empty."""
    if _is_url(remote):
        return remote
    folder = Path(remote).expanduser().absolute()
    if not folder.is_dir():
        raise SyncError(
            _(
                "no folder {folder}: make the team's repository first (git init --bare on a "
                "server, or an empty shared folder)"
            ).format(folder=folder)
        )
    if not any(folder.iterdir()):
        Repo.init_bare(str(folder), default_branch=b"main").close()
    return str(folder)


def init_sync(
    store: Store, remote: str, *, email: str = "", progress: Progress = _quiet
) -> SyncReport:
    """Set this database to sync with the team's remote: an empty remote gets this
    database's history; one with data is joined (merged as by ``sync``)."""
    if _is_url(remote) and urlsplit(remote).password is not None:
        raise SyncError(
            _(
                "the remote's URL holds a password, and assettrack keeps none: give the URL "
                "without it; git's credentials (a credential helper, or your git "
                "configuration) sign you in"
            )
        )
    paths = SyncPaths(store.folder)
    identity = _identity(store.db.author, email)
    made_root = not paths.root.exists()
    try:
        with _one_sync(paths):
            if paths.git.is_dir():
                with closing(_open_repo(paths)) as repo:
                    known = _remote_url(repo)
                    if not known:  # bundles only so far: join with the history kept
                        url = _remote_location(remote)
                        progress("fetch")
                        theirs = _fetch(repo, url)  # unreachable: nothing changed
                        _set_remote(repo, url)
                        return _run(store, repo, paths, url, identity, progress, (theirs,))
                    given = remote if _is_url(remote) else str(Path(remote).expanduser().absolute())
                    if given != known:
                        raise SyncError(
                            _(
                                "this database already syncs with {remote}; it cannot join another"
                            ).format(remote=known or _("no remote"))
                        )
                    return _run(store, repo, paths, known, identity, progress)
            url = _remote_location(remote)
            fresh = paths.root / "git.new"
            shutil.rmtree(fresh, ignore_errors=True)
            repo = Repo.init_bare(str(fresh), mkdir=True, default_branch=b"main")
            try:
                _set_remote(repo, url)
                progress("fetch")
                theirs = _fetch(repo, url)
            except BaseException:
                repo.close()
                shutil.rmtree(fresh, ignore_errors=True)
                raise
            repo.close()
            os.replace(fresh, paths.git)
            with closing(_open_repo(paths)) as repo:
                return _run(store, repo, paths, url, identity, progress, fetched=(theirs,))
    except BaseException:
        if made_root and not paths.git.exists():
            shutil.rmtree(paths.root, ignore_errors=True)  # as it was: no trace of the attempt
        raise


def _set_remote(repo: Repo, url: str) -> None:
    config = repo.get_config()
    config.set((b"remote", b"origin"), b"url", url.encode())
    config.set((b"remote", b"origin"), b"fetch", b"+refs/heads/*:refs/remotes/origin/*")
    config.write_to_path()


def sync_status(store: Store) -> SyncStatus:
    """Where this database stands against the team's remote as last fetched (no network)."""
    paths = SyncPaths(store.folder)
    with closing(_open_repo(paths)) as repo:
        head, remote = _ref(repo, BRANCH), _ref(repo, TRACKING)
        ahead = _count(repo, head, remote)
        behind = _count(repo, remote, head)
        url = _remote_url(repo)
    cache = _read_json(paths.snapshot)
    known = cache.get("files", {})
    folders = cache.get("folders")
    current, _folders = scan(
        store.folder, known, folders if isinstance(folders, dict) else {}, tracked_path
    )
    unsynced = sum(
        1
        for name in set(current) | set(known)
        if name not in current
        or not isinstance(known.get(name), list)
        or known[name][:3] != current[name][:3]
    )
    return SyncStatus(
        remote=url,
        ahead=ahead,
        behind=behind,
        unsynced_files=unsynced,
        conflicts=count_conflicts(store),
        last_sync=str(_read_json(paths.state).get("last_sync", "")),
    )


def _count(repo: Repo, include: bytes | None, exclude: bytes | None) -> int:
    if include is None:
        return 0
    walker = repo.get_walker(include=[include], exclude=[exclude] if exclude else None)
    return sum(1 for _ in walker)


# -- history ------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldChange:
    field: str  # "location", or "console.port" inside a mapping
    before: Any
    after: Any


@dataclass(frozen=True)
class HistoryEntry:
    commit: str
    at: datetime  # when it was committed, in the committer's time zone
    by: str  # the commit's author: the engineer whose sync carried the change
    table: str
    doc_id: str
    what: str  # created, changed, deleted, merged
    changes: tuple[FieldChange, ...]


def document_history(store: Store, ref: str) -> list[HistoryEntry]:
    """Who changed a document and when, newest first, with each field's change, from the
    sync history. ``ref``: an asset's id, serial number or hostname, or a record's id (or
    the start of one). Changes not synced yet are not in the history."""
    wanted = _history_ref(store, ref)
    paths = SyncPaths(store.folder)
    found: list[HistoryEntry] = []
    ids: set[str] = set()
    with closing(_open_repo(paths)) as repo:
        head = _ref(repo, BRANCH)
        if head is None:
            return []
        cache: dict[bytes, Any] = {}
        # Newest first, and never a commit after one of its parents (times can tie).
        for walked in repo.get_walker(include=[head], order="topo"):
            commit = walked.commit
            parents = commit.parents or [None]
            sides = []
            for parent in parents:
                parent_tree = repo[parent].tree if parent is not None else None
                names = {
                    entry.path.decode("utf-8", "replace")
                    for change in tree_changes(repo.object_store, parent_tree, commit.tree)
                    for entry in (change.old, change.new)
                    if entry is not None and entry.path is not None
                }
                names = {n for n in names if n.endswith(".json") and tracked_path(n)}
                before = _matching(repo, parent_tree, names, wanted, cache)
                after = _matching(repo, commit.tree, names, wanted, cache)
                sides.append((before, after))
            for key in {k for before, after in sides for k in (*before, *after)}:
                differs = [before.get(key) != after.get(key) for before, after in sides]
                if not all(differs):
                    continue  # brought by a merge from the commit that made it
                before, after = sides[0][0].get(key), sides[0][1].get(key)
                ids.add(key[1])
                found.append(_entry(commit, key, before, after, merge=len(parents) > 1))
    if len(ids) > 1:
        raise SyncError(
            _("{ref} is the start of {count} ids ({ids})").format(
                ref=repr(ref), count=len(ids), ids=", ".join(sorted(ids))
            )
        )
    return found


def _history_ref(store: Store, ref: str) -> str:
    ref = ref.strip()
    if not ref:
        raise SyncError(_("say which asset or record: its id, or an asset's serial or hostname"))
    if store.assets.get(ref) is not None:
        return ref
    wanted = ref.casefold()
    matches = [
        a.id
        for a in store.assets.all()
        if wanted in (a.serial_number.casefold(), a.hostname.casefold())
    ]
    return matches[0] if len(matches) == 1 else ref


def _matching(
    repo: Repo, tree: bytes | None, names: set[str], wanted: str, cache: dict[bytes, Any]
) -> dict[tuple[str, str], dict[str, Any]]:
    if tree is None:
        return {}
    found = {}
    for name in names:
        try:
            _mode, blob = tree_lookup_path(repo.object_store.__getitem__, tree, name.encode())
        except KeyError:
            continue
        data = load_blob(repo, blob, cache)
        if not isinstance(data, dict):
            continue
        for table, docs in data.items():
            if not isinstance(docs, dict):
                continue
            for doc_id, doc in docs.items():
                if isinstance(doc, dict) and doc_id.startswith(wanted):
                    found[(table, doc_id)] = doc
    return found


def _entry(
    commit: Commit,
    key: tuple[str, str],
    before: Any,
    after: Any,
    *,
    merge: bool,
) -> HistoryEntry:
    zone = timezone(timedelta(seconds=commit.author_timezone))
    at = datetime.fromtimestamp(commit.author_time, zone)
    by = commit.author.decode("utf-8", "replace").split(" <", 1)[0]
    if after is None or after.get("_deleted"):
        what = "deleted"
    elif before is None or before.get("_deleted"):
        what = "created"
    else:
        what = "merged" if merge else "changed"
    changes = tuple(_changes(before, after, ())) if what in ("changed", "merged") else ()
    return HistoryEntry(commit.id.decode(), at, by, key[0], key[1], what, changes)


def _changes(
    before: dict[str, Any], after: dict[str, Any], prefix: tuple[str, ...]
) -> Iterable[FieldChange]:
    ignored = {SYNC, "revision", "_deleted"}
    for name in sorted(set(before) | set(after)):
        if not prefix and name in ignored:
            continue
        old, new = before.get(name), after.get(name)
        if old == new:
            continue
        if isinstance(old, dict) and isinstance(new, dict):
            yield from _changes(old, new, (*prefix, name))
        else:
            yield FieldChange(".".join((*prefix, name)), old, new)

"""Bundles for sneakernet: the team's history on a USB stick, for a laptop that is never online.

``export-bundle`` writes a **git bundle** (the v2 format git itself reads: ``git clone FILE``,
``git bundle verify FILE``) holding the database's history branch ``main`` with all of its
history, after committing the local changes exactly as ``sync`` does (the engineer as
author). A database that does not sync yet gets its history repository (``.sync/git``, no
remote) made first.

``import-bundle`` reads one into the history repository and merges its head exactly as
``sync`` merges a fetched team head (``git_sync.merge_head``): each document through the
gate, field by field, conflicts side by side, attachments checked by their hash, all or
nothing, a merge commit with both parents, the ``merging.json`` crash marker. Before any of
that, the whole file is checked: its header, the checksum of its data, the history it builds
on (its prerequisites) being here, and every object its head needs being in it or here. A
bundle whose head is here already is "up to date". Both hold the sync lock, so a bundle and
a sync of one database never run at once.

``bundle_kind`` tells a git bundle from an old JSON bundle (``services.sync``) by its first
bytes, and names anything else.
"""

from __future__ import annotations

import shutil
import zlib
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from dulwich.bundle import Bundle, create_bundle_from_repo, read_bundle, write_bundle
from dulwich.errors import ApplyDeltaError, ChecksumMismatch, ObjectFormatException
from dulwich.object_store import BaseObjectStore
from dulwich.objects import S_ISGITLINK, Commit, ShaFile, Tree, valid_hexsha
from dulwich.pack import PackInflater, UnresolvedDeltas
from dulwich.repo import Repo

from assettrack.domain.texts import N_
from assettrack.errors import AssetTrackError
from assettrack.files import write_user_file
from assettrack.i18n import _
from assettrack.services.git_sync import (
    BRANCH,
    Progress,
    SyncError,
    SyncPaths,
    SyncReport,
    _commit_local,
    _count,
    _finish_pending,
    _identity,
    _one_sync,
    _quiet,
    _ref,
    _tidy,
    merge_head,
    open_history,
)
from assettrack.store.store import Store

GIT_HEADERS = (b"# v2 git bundle\n", b"# v3 git bundle\n")
_HEAD = b"HEAD"  # carried too, so that git clone of the bundle checks main out
# What a damaged bundle's data raises while it is read.
_DAMAGED = (
    AssertionError,
    ValueError,
    KeyError,
    IndexError,
    zlib.error,
    ChecksumMismatch,
    ApplyDeltaError,
    ObjectFormatException,
)


@dataclass
class BundleReport(SyncReport):
    """What an import merged; ``remote`` is the bundle's file."""

    def lines(self) -> list[str]:
        if self.merged:
            return [
                _("Merged {file}: {summary}").format(file=self.remote, summary=self.merge.summary())
            ]
        if self.merge.refused or self.ignored:
            return [
                _("Nothing merged from {file}: what it brings was kept out").format(
                    file=self.remote
                )
            ]
        return [_("Up to date: everything in {file} is here already").format(file=self.remote)]


@dataclass(frozen=True)
class BundleExport:
    path: Path
    size: int  # bytes written
    head: str  # the commit the bundle's main points at
    commits: int  # in the bundle: the whole history
    committed: bool  # local changes were committed first


def bundle_kind(path: Path) -> str:
    """``"git"`` or ``"json"``, from the file's first bytes; anything else is refused in one
    line naming the file and what was expected."""
    try:
        with open(path, "rb") as file:
            start = file.read(64)
    except OSError as exc:
        raise AssetTrackError(
            _("cannot read bundle {path}: {problem}").format(path=path, problem=exc.strerror)
        ) from exc
    if start.startswith(GIT_HEADERS):
        return "git"
    if start.lstrip(b"\xef\xbb\xbf \t\r\n").startswith((b"{", b"[")):
        return "json"  # the old format; services.sync says what is wrong with it, if anything
    seen = _("it is empty") if not start else _("it begins {bytes}").format(bytes=repr(start[:16]))
    raise AssetTrackError(
        _(
            "{path} is not a bundle: expected a git bundle (made by assettrack export-bundle "
            "or git bundle create) or an assettrack JSON bundle, but {seen}; nothing was "
            "changed"
        ).format(path=path, seen=seen)
    )


# -- export -------------------------------------------------------------------------------


def export_git_bundle(
    store: Store, path: Path, *, email: str = "", progress: Progress = _quiet
) -> BundleExport:
    """Commit local changes (as ``sync`` does) and write branch main with its whole history
    to ``path`` (whole or not at all)."""
    paths = SyncPaths(store.folder)
    identity = _identity(store.db.author, email)
    with _one_sync(paths):
        made_history = not paths.git.is_dir()
        with closing(open_history(paths)) as repo:
            _finish_pending(store, repo, paths, identity)
            before = _ref(repo, BRANCH)
            head = _commit_local(store, repo, paths, identity)
            if head is not None:
                return _write(repo, path, head, head != before, progress)
        if made_history:
            shutil.rmtree(paths.git, ignore_errors=True)  # nothing was ever committed
    raise SyncError(
        _("the database {database} holds no data yet: nothing to export").format(
            database=store.folder
        )
    )


def _write(
    repo: Repo, path: Path, head: bytes, committed: bool, progress: Progress
) -> BundleExport:
    progress("pack")
    bundle = create_bundle_from_repo(repo, refs=[_HEAD, BRANCH])
    try:
        buffer = BytesIO()
        write_bundle(buffer, bundle)
    finally:
        bundle.close()
    data = buffer.getvalue()
    write_user_file(path, data)
    commits = _count(repo, head, None)
    _tidy(repo)
    return BundleExport(Path(path), len(data), head.decode(), commits, committed)


# -- import -------------------------------------------------------------------------------


def import_git_bundle(
    store: Store, path: Path, *, email: str = "", progress: Progress = _quiet
) -> BundleReport:
    """Merge a git bundle's head as ``sync`` merges the team's (rules in the module). A
    bundle that cannot be used changes nothing and says why in one line."""
    paths = SyncPaths(store.folder)
    identity = _identity(store.db.author, email)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise AssetTrackError(
            _("cannot read bundle {path}: {problem}").format(path=path, problem=exc.strerror)
        ) from exc
    made_root = not paths.root.exists()
    try:
        with _one_sync(paths):
            made_history = not paths.git.is_dir()
            with _parsed(path, data) as bundle:
                theirs = _head_of(path, bundle)
                try:
                    with closing(open_history(paths)) as repo:
                        _take_in(repo, path, bundle, theirs)
                        report = BundleReport(str(path))
                        _finish_pending(store, repo, paths, identity)
                        # English in the merge's commit message, translated in errors.
                        source = N_("the changes in {file}", file=Path(path).name)
                        merge_head(store, repo, paths, theirs, identity, report, progress, source)
                        _tidy(repo)
                except SyncError:
                    if made_history and not paths.merging.exists():
                        shutil.rmtree(paths.git, ignore_errors=True)  # no trace of the attempt
                    raise
    except SyncError:
        if made_root and not paths.git.exists():
            shutil.rmtree(paths.root, ignore_errors=True)
        raise
    return report


def _damaged(path: Path, reason: str) -> SyncError:
    reason = " ".join(reason.split())[:200]  # one line, whatever dulwich said
    return SyncError(
        _("{path} is a damaged git bundle ({reason}); nothing was changed").format(
            path=path, reason=reason
        )
    )


@contextmanager
def _parsed(path: Path, data: bytes) -> Iterator[Bundle]:
    """The bundle read from ``data``, the checksum of its data checked; closed after use."""
    try:
        bundle = read_bundle(BytesIO(data))
    except _DAMAGED as exc:
        raise _damaged(
            path, _("its header or data is cut short or altered: {problem}").format(problem=exc)
        ) from None
    try:
        pack = bundle.pack_data
        try:
            pack.check()  # type: ignore[union-attr]
        except _DAMAGED:
            raise _damaged(
                path, _("its data is cut short or altered: the checksum differs")
            ) from None
        yield bundle
    finally:
        bundle.close()


def _head_of(path: Path, bundle: Bundle) -> bytes:
    """The commit the bundle's branch main names (or its HEAD, when git made it so)."""
    form = bundle.capabilities.get("object-format", "sha1")
    if form != "sha1":
        raise SyncError(
            _(
                "{path} names its objects in {form}; assettrack's history uses sha1: nothing "
                "was changed"
            ).format(path=path, form=form)
        )
    if "filter" in bundle.capabilities:
        raise SyncError(
            _(
                "{path} is a partial bundle (filter {filter}); make a full one (assettrack "
                "export-bundle): nothing was changed"
            ).format(path=path, filter=bundle.capabilities["filter"])
        )
    refs = bundle.references
    head = refs.get(BRANCH) or refs.get(_HEAD)
    if head is None:
        names = ", ".join(sorted(r.decode("utf-8", "replace") for r in refs)) or _("none")
        raise SyncError(
            _("{path} holds no branch main (its branches: {names}); nothing was changed").format(
                path=path, names=names
            )
        )
    prerequisites = [sha for sha, _known in bundle.prerequisites]
    if not valid_hexsha(head) or any(not valid_hexsha(sha) for sha in prerequisites):
        raise _damaged(path, _("an object name in its header is not one"))
    return head


def _take_in(repo: Repo, path: Path, bundle: Bundle, head: bytes) -> None:
    """Check that the history the bundle builds on is here and that it brings everything its
    head needs, then store its objects (as one pack)."""
    store = repo.object_store
    missing = [sha for sha, _known in bundle.prerequisites if sha not in store]
    if missing:
        shown = ", ".join(sha.decode()[:10] for sha in missing[:3])
        more = _(" and {count} more").format(count=len(missing) - 3) if len(missing) > 3 else ""
        raise SyncError(
            _(
                "{path} builds on history this database does not have (commit {shown}{more}): "
                "it was made for a database that already holds it; ask for a full bundle "
                "(assettrack export-bundle makes one): nothing was changed"
            ).format(path=path, shown=shown, more=more)
        )
    try:
        objects = list(PackInflater.for_pack_data(bundle.pack_data, store.get_raw))  # type: ignore[arg-type]
    except UnresolvedDeltas as exc:  # deltas against objects neither in it nor here
        shown = ", ".join(_hex(sha)[:10] for sha in exc.shas[:3])
        raise _damaged(
            path, _("its data builds on objects not here ({objects})").format(objects=shown)
        ) from None
    except _DAMAGED as exc:
        raise _damaged(path, _("an object cannot be read: {problem}").format(problem=exc)) from None
    brought = {obj.id: obj for obj in objects}
    lacking = _first_missing(store, brought, head)
    if lacking is not None:
        raise _damaged(
            path,
            _("object {object} its history needs is not in it").format(
                object=lacking.decode()[:10]
            ),
        )
    if not isinstance(brought.get(head) or store[head], Commit):
        raise _damaged(path, _("its branch main does not name a commit"))
    new = [(obj, None) for obj in objects if obj.id not in store]
    if new:
        store.add_objects(new)


def _hex(sha: bytes) -> str:
    return sha.hex() if len(sha) == 20 else sha.decode("ascii", "replace")


def _first_missing(
    store: BaseObjectStore, brought: dict[bytes, ShaFile], head: bytes
) -> bytes | None:
    """An object the head's history needs that is neither in the bundle nor here (None: it
    is complete). What was here before is complete already: the walk stops there."""
    todo, seen = [head], set()
    while todo:
        sha = todo.pop()
        if sha in seen:
            continue
        seen.add(sha)
        if sha in store:
            continue  # here already, with its history
        obj = brought.get(sha)
        if obj is None:
            return sha
        todo.extend(_needs(obj))
    return None


def _needs(obj: ShaFile) -> Iterable[bytes]:
    if isinstance(obj, Commit):
        return [obj.tree, *obj.parents]
    if isinstance(obj, Tree):
        return [entry.sha for entry in obj.iteritems() if not S_ISGITLINK(entry.mode)]
    return []

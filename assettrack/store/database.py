"""A database folder: a header file, the writer lock and TinyDB partition files.

Layout (every JSON file is a TinyDB database, replaced whole by a rename; partition files
hold one document a line, so that a save splices its documents' lines into the bytes it read
instead of parsing and writing every document, ``store.document_lines``)::

    assettrack.json                 header: format and schema version
    catalog.json                    sites, contracts and other small reference tables
    assets/<site id>.json           one site's assets
    records/<kind>/<site id>/<YYYY-MM>.json  one site's inspections (visits, faults,
                                    charges) of a month
    attachments/<sha[:2]>/<sha256>  attached files (photos, forms), each content once
    inbox/                          files dropped here wait to be attached
    backups/                        copies made before a migration
    quarantine/                     damaged documents set aside, each with why
    .journal-*.jsonl                a change across several files, while it runs
    .redo.log                       saves not yet flushed in their own files (``store.redo_log``)
    .redo.tail                      which frame of the log a writer began last (``store.log_tail``)
    .changes                        a line per write: an open app notices others' saves
                                    (``store.change_marks``)
    .spares/                        spare files saves write into and exchange with the
                                    data file, each then holding the old version, and
                                    empty blanks for files with no spare yet
                                    (``store.spare_files``)
    .retired/                       files replaced by saves of earlier versions, deleted
                                    at the next opening or checkpoint
    .sync/                          the team sync's git history (``services.git_sync``)
    .index/                         caches, rebuilt when lost: which record files hold each
                                    asset's records (``store.record_index``), which files
                                    were checked as they are (``store.checked_files``)

A save is durable once its frame is in the redo log (one flush); the partition files are
flushed at the log's checkpoints (``checkpoint``), and the log is replayed when the database
is opened after a power cut.

Splitting keeps every save small: saving a maintenance record rewrites one site-month file
(kilobytes), not years of history; and a question about faults or one month reads only
those files.

Many processes may have the database open at once - the app all day, the command line,
a merge. Each takes the writer lock only while it writes (``writing``), re-reads a file that
another changed since it read it, and never saves over another's edit of the same document
(see ``store.repositories``). Changes across several files run as transactions
(``transaction``) that a crash or a reader never sees half done (``store.journal``).
"""

from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from assettrack.domain.texts import N_, Text
from assettrack.store.change_marks import ChangeMarks
from assettrack.store.checked_files import FOLDER as CHECKED
from assettrack.store.checked_files import CheckedFiles
from assettrack.store.durable import (
    atomic_write,
    explain,
    fsync_folder,
    remove_orphan_temp_files,
    write_temp,
)
from assettrack.store.errors import (
    CorruptStoreError,
    NewerSchemaError,
    ReadOnlyStoreError,
    StoreError,
    StoreWriteError,
)
from assettrack.store.file_reads import Signature, signature
from assettrack.store.file_swap import can_exchange, empty_folder, exchange
from assettrack.store.layout import (
    ATTACHMENTS,
    INBOX,
    INDEX_FOLDER,
    QUARANTINE,
    unfinished_journals,
)
from assettrack.store.lock import WriterLock
from assettrack.store.lock import lock_wait as lock_wait_default
from assettrack.store.redo_log import LOG_NAME, NewerLogError, RedoLog, Replayed
from assettrack.store.reporting import MAX_LINES, Reporter, print_warning
from assettrack.store.schema import CURRENT_PLAN, SchemaPlan
from assettrack.store.spare_files import Spares

if TYPE_CHECKING:
    # Imported where first used: opening a database and listing its assets needs none of
    # them (TinyDB and the gate, transactions, damaged documents).
    from assettrack.store.journal import Journal, JournalContents
    from assettrack.store.quarantine import SetAside
    from assettrack.store.storage import PartitionDB

HEADER_NAME = "assettrack.json"
FORMAT_NAME = "assettrack-store"
CHANGES_NAME = ".changes"
ORPHANS_WALKED = "orphans-walked"  # in .index: when the folder was last walked for them
ORPHAN_WALK_EVERY = 24 * 3600  # seconds
RETIRED_FOLDER = ".retired"  # old versions earlier versions kept until a checkpoint
SYNC_FOLDER = ".sync"  # git's objects and the sync's own files: no data file of the store
# Record partitions kept parsed in memory; the rest are re-read on demand.
RECORD_CACHE_SIZE = 64


class Database:
    def __init__(
        self,
        folder: Path,
        *,
        read_only: bool = False,
        plan: SchemaPlan = CURRENT_PLAN,
        author: str = "",
        lock_wait: float | None = None,
        report: Reporter | None = print_warning,
    ) -> None:
        self.folder = Path(folder)
        self.author = author  # recorded with every save, for merging laptops' data
        self.read_only = read_only
        self.plan = plan
        self.lock_wait = lock_wait_default() if lock_wait is None else lock_wait
        self.report = report
        self._lock = WriterLock(self.folder)
        self._thread_lock = threading.RLock()  # one writing thread of this process at a time
        self._depth = 0
        self._journal: Journal | None = None
        self._wrote = False
        self._partitions: OrderedDict[str, PartitionDB] = OrderedDict()
        self._pinned: set[str] = set()
        self._journals: dict[str, tuple[Signature, JournalContents]] = {}
        # Holding the lock with every dead writer's journal rolled back, there is no other
        # journal to hide (a journal lives only while its writer holds the lock).
        self._journals_cleared = False
        self._reported_journals: set[str] = set()
        self._changes = ChangeMarks(self.folder / CHANGES_NAME)  # marked at every write
        self.removed_temp_files: list[Path] = []
        self.rolled_back = 0  # documents of unfinished changes put back as they were
        self.set_aside: list[SetAside] = []  # damaged documents found since opening
        self.notices: list[str] = []  # every warning reported, in order
        self.checked = CheckedFiles(self.folder / INDEX_FOLDER)  # files checked as they are
        self._redo = RedoLog(self.folder)
        self._spares = Spares(self.folder)
        self._logged = False  # this Database appended to the redo log since its checkpoint
        self._checkpoint_failed = False

    # -- lifecycle -------------------------------------------------------------------------

    def open(self) -> Database:
        if self.read_only:
            if not (self.folder / HEADER_NAME).exists():
                raise StoreError(N_("no assettrack database at {folder}", folder=self.folder))
        else:
            try:
                self.folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(
                    N_(
                        "cannot create database folder {folder}: {reason}",
                        folder=self.folder,
                        reason=exc.strerror,
                    )
                ) from exc
        if (self.folder / HEADER_NAME).exists():
            self._check_header()  # refuse before taking the lock or deleting anything
        self._changes.start_watching()
        self._recover()
        return self

    def _recover(self) -> None:
        """Clean up after writers that died, if no writer is at work now.

        A new database waits for the lock to write its header; an existing one is served as
        it is while another process writes (readers hide its unfinished changes anyway).
        """
        new = not (self.folder / HEADER_NAME).exists()
        try:
            if new:
                self._lock.acquire(self.lock_wait)
            elif not self._lock.try_acquire():
                return
        except OSError:
            return  # a read-only disk: nothing can be cleaned, everything can be read
        try:
            self._depth = 1
            deep = new or self._lock.found_dead_holder or self._orphan_walk_due()
            self.removed_temp_files = remove_orphan_temp_files(
                self.folder,
                # Caches are written by readers too, without the lock.
                unlocked=(QUARANTINE, ATTACHMENTS, INDEX_FOLDER, f"{INDEX_FOLDER}/{CHECKED}"),
                ignored=(INBOX, SYNC_FOLDER),
                deep=deep,
            )
            if deep:
                self._note_orphan_walk()
            # Old versions replaced by saves of a process that ended without a checkpoint.
            empty_folder(self.folder / RETIRED_FOLDER)
            if new:
                self._write_header()
            elif not self.read_only:
                self._upgrade_header()
            self._replay()
            self._roll_back_dead_journals()
        except CorruptStoreError as exc:
            # A file a dead writer's change touched is damaged: readers still hide that
            # change, and every write says why it cannot go ahead.
            self._notice(_warning(exc))
        except OSError:
            pass  # as above: a read-only disk
        finally:
            self._depth = 0
            self._finish_writing()

    def _orphan_walk_due(self) -> bool:
        """Whether to walk the whole folder for temporary files. A writer that died holding
        the lock is seen by its note (``WriterLock``), and writes that take no lock (a
        damaged document's copy, an attachment, a cache) leave theirs at the top of their
        folders, looked in at every opening; the whole walk (about 45 ms at 50,000 assets)
        is otherwise done once a day, for a note lost in a power cut."""
        try:
            walked = os.stat(self.folder / INDEX_FOLDER / ORPHANS_WALKED).st_mtime
        except OSError:
            return True
        return not 0 <= time.time() - walked < ORPHAN_WALK_EVERY

    def _note_orphan_walk(self) -> None:
        mark = self.folder / INDEX_FOLDER / ORPHANS_WALKED
        try:
            mark.parent.mkdir(exist_ok=True)
            mark.touch()
            os.utime(mark)
        except OSError:
            pass  # a read-only disk: walked again next time

    def close(self) -> None:
        for db in self._partitions.values():
            db.close()
        self._partitions.clear()
        self.checked.save()  # a cache: kept by readers too (a read-only disk keeps none)
        self._checkpoint_at_close()
        self._redo.close()
        self._changes.close()
        self._lock.release()
        self._lock.close()
        unsaid = len(self.notices) - MAX_LINES
        if self.report is not None and unsaid > 0:
            self.notices = self.notices[:MAX_LINES]  # said once, even if closed twice
            self.report(
                N_(
                    "warning: and {count} more warning(s) like these; every damaged document "
                    "is in {folder}",
                    count=unsaid,
                    folder=self.folder / QUARANTINE,
                )
            )

    def __enter__(self) -> Database:
        return self.open()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- header ----------------------------------------------------------------------------

    def _read_header(self) -> dict[str, Any]:
        path = self.folder / HEADER_NAME
        try:
            header = orjson.loads(path.read_bytes())
        except orjson.JSONDecodeError as exc:
            raise CorruptStoreError(path, N_("not valid JSON ({reason})", reason=exc)) from exc
        except OSError as exc:
            raise CorruptStoreError(
                path, N_("cannot be read ({reason})", reason=exc.strerror)
            ) from exc
        if not isinstance(header, dict) or header.get("format") != FORMAT_NAME:
            raise CorruptStoreError(path, N_("this is not an assettrack database header"))
        if not isinstance(header.get("schema"), int):
            raise CorruptStoreError(path, N_("the header has no schema version"))
        return header

    def _check_header(self) -> None:
        schema = self._read_header()["schema"]
        if schema > self.plan.current:
            raise NewerSchemaError(self.folder / HEADER_NAME, schema, self.plan.current)

    def _upgrade_header(self) -> None:
        header = self._read_header()
        if header["schema"] < self.plan.current:
            self._write_header(created=header.get("created_at"))

    def _write_header(self, created: str | None = None) -> None:
        atomic_write(
            self.folder / HEADER_NAME,
            orjson.dumps(
                {
                    "format": FORMAT_NAME,
                    "schema": self.plan.current,
                    "created_at": created or datetime.now().isoformat(timespec="seconds"),
                },
                option=orjson.OPT_INDENT_2,
            ),
        )

    # -- writing ---------------------------------------------------------------------------

    @property
    def holds_lock(self) -> bool:
        return self._depth > 0

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Hold the writer lock for one write (nested calls join the outer one).

        Waits up to ``lock_wait`` seconds for another process's write to end, then raises
        ``StoreLockedError`` naming it. Taking the lock, it first undoes what writers that
        died left half done.
        """
        if self.read_only:
            raise ReadOnlyStoreError(self.folder)
        with self._thread_lock:
            if self._depth:
                self._depth += 1
                try:
                    yield
                finally:
                    self._depth -= 1
                return
            self._lock.acquire(self.lock_wait)
            self._depth = 1
            try:
                self._redo.refresh()  # what other processes logged since
                self._roll_back_dead_journals()
                self._journals_cleared = True
                yield
            finally:
                self._depth = 0
                self._journals_cleared = False
                self._finish_writing()

    def _finish_writing(self) -> None:
        try:
            if self._wrote:
                self._changes.mark()
        finally:
            self._wrote = False
            self._lock.release()

    @contextmanager
    def transaction(self, kind: str) -> Iterator[None]:
        """Make every save inside one change, all or nothing, through a crash too.

        An exception inside undoes what was saved (and re-raises); a crash leaves the
        journal, and the next writer undoes it. Nested transactions join the outer one.
        """
        with self.writing():
            if self._journal is not None:
                yield
                return
            from assettrack.store.journal import Journal

            journal = self._journal = Journal(self.folder, kind)
            try:
                yield
            except BaseException as exc:
                self._journal = None
                undone = self._undo_own(journal)
                if isinstance(exc, StoreWriteError):
                    raise StoreWriteError(_undone_message(_said(exc), kind, undone)) from exc
                raise
            self._journal = None
            journal.finish()

    def _undo_own(self, journal: Journal) -> bool:
        from assettrack.store.journal import read_journal, undo

        journal.close()
        try:
            self._redo.checkpoint()  # undo writes past the log: no frame may outlive it
            _, touched = undo(self.folder, read_journal(journal.path))
        except (OSError, StoreError):
            for name in list(self._partitions):
                self.discard(name)
            return False  # the journal stays; the next writer undoes the change
        for name in touched:
            self.discard(name)
        journal.finish()
        self._wrote = True
        return True

    def note_before(
        self,
        partition: str,
        table: str,
        before: Mapping[str, dict[str, Any] | None],
        *,
        created: bool,
    ) -> None:
        """Called by every save just before it replaces a file: the transaction's journal
        records the documents as they were, so the change can be undone."""
        if self._journal is not None and before:
            self._journal.note(partition, table, before, created=created)

    def saved(self, partition: str) -> None:
        self._wrote = True

    def save_file(
        self, name: str, data: bytes, *, existing: bool = False, crc: int | None = None
    ) -> Signature:
        """Replace partition file ``name`` with ``data``, durably, under the writer lock: the
        new content is written into a spare file (``store.spare_files``), logged and flushed
        in the redo log (the save is durable from there), then exchanged with the file;
        nothing is flushed but the log. Where files cannot be exchanged, the new content is
        written into a new file beside it, renamed into place. ``existing``: the caller read
        the file under this lock, so its folder is there; ``crc``: the data's CRC-32, which
        the log's frame takes in. Returns the file's signature as written (an exchange or a
        rename keeps it)."""
        path = self.folder / name
        if can_exchange():
            written = self._save_by_exchange(name, path, data, existing, crc)
        else:
            written = self._save_by_rename(name, path, data, crc)
        self._logged = True
        if self._redo.due():
            self._checkpoint_now()
        return written

    def _save_by_exchange(
        self, name: str, path: Path, data: bytes, existing: bool, crc: int | None
    ) -> Signature:
        made_folders = not existing and not path.parent.is_dir()  # a new site or month
        if made_folders:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreWriteError(explain(path, exc)) from exc
        spare = self._spares.write(name, data)
        frame, previous = self._redo.append(name, data, spare.inode, made_folders, crc)
        try:
            try:
                swapped = exchange(spare.path, path)
            except FileNotFoundError:
                swapped = False  # a new file: nothing to exchange with
            if not swapped:
                os.replace(spare.path, path)
        except OSError as exc:
            self._redo.withdraw(frame, previous)
            raise StoreWriteError(explain(path, exc)) from exc
        return (len(data), spare.mtime_ns, spare.inode)

    def _save_by_rename(self, name: str, path: Path, data: bytes, crc: int | None) -> Signature:
        temp, inode, made_folders, mtime_ns = write_temp(path, data)
        try:
            frame, previous = self._redo.append(name, data, inode, made_folders, crc)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
        try:
            os.replace(temp, path)
        except OSError as exc:
            temp.unlink(missing_ok=True)
            self._redo.withdraw(frame, previous)
            raise StoreWriteError(explain(path, exc)) from exc
        return (len(data), mtime_ns, inode)

    def checkpoint(self) -> None:
        """Flush every file the redo log names, then empty the log. Never needed for
        correctness (a save is durable once logged, and its file is complete on disk for any
        reader at once); it bounds the log and the replay after a power cut."""
        if self.read_only:
            return
        with self.writing():
            self._checkpoint_now()

    def _checkpoint_now(self) -> None:
        try:
            restored = self._redo.checkpoint()
        except StoreWriteError as exc:
            # The save that got here is durable (its frame is flushed): say it, go on.
            if not self._checkpoint_failed:
                self._checkpoint_failed = True
                self._notice(_warning(exc))
            return
        self._checkpoint_failed = False
        self._logged = False
        empty_folder(self.folder / RETIRED_FOLDER)
        self._spares.tidy(make_blanks=can_exchange())
        self._changes.cut_back()
        if restored:
            self._notice(
                N_(
                    "warning: {count} file(s) had been removed since they were saved "
                    "and were written again from {log}: {names}",
                    count=len(restored),
                    log=LOG_NAME,
                    names=", ".join(restored[:3]),
                )
            )

    def _checkpoint_at_close(self) -> None:
        """Leave the log empty if this Database logged saves and nobody is writing (a busy
        writer, or a later close, checkpoints them)."""
        if not self._logged or self.read_only or self._depth:
            return
        if not self._thread_lock.acquire(blocking=False):
            return
        try:
            if not self._lock.try_acquire():
                return
            self._depth = 1
            try:
                self._redo.refresh()
                self._checkpoint_now()
            except (OSError, StoreError):
                pass  # the frames stay in the log, durable; the next opening replays them
            finally:
                self._depth = 0
                self._lock.release()
        finally:
            self._thread_lock.release()

    def _replay(self) -> None:
        """After a crash: bring the files to what the redo log holds (opening, locked)."""
        try:
            done = self._redo.replay()
        except NewerLogError as exc:
            if not self.read_only:
                raise
            self._notice(_warning(exc))
            return
        self._say_replayed(done)

    def _say_replayed(self, done: Replayed) -> None:
        if done.restored:
            self._wrote = True
            for name in done.restored:
                self.discard(name)
            why = (
                N_("after the computer stopped")
                if done.restarted
                else N_("(they differed from their last save)")
            )
            kept = (
                N_("; the versions found are in {names}", names=", ".join(done.kept[:3]))
                if done.kept
                else ""
            )
            self._notice(
                N_(
                    "warning: {count} file(s) were brought back to their last save "
                    "from {log} {why}: {names}{kept}",
                    count=len(done.restored),
                    log=LOG_NAME,
                    why=why,
                    names=", ".join(done.restored[:3]),
                    kept=kept,
                )
            )
        if done.damage:
            self._notice(
                N_(
                    "warning: {log} was damaged ({damage}); what could be read was "
                    "replayed and a copy of the log set aside in {folder}/",
                    log=LOG_NAME,
                    damage=done.damage,
                    folder=QUARANTINE,
                )
            )

    def changes_signature(self) -> Signature:
        return self._changes.signature()

    def changed_elsewhere(self) -> bool:
        """Whether another process (or another ``Database``) wrote since the last call: one
        ``stat`` when nothing changed, cheap enough to ask every few seconds."""
        return self._changes.seen_elsewhere()

    def refresh(self) -> list[str]:
        """Forget the partitions that changed on disk since they were read; their names."""
        stale = [n for n, db in self._partitions.items() if db.partition_storage.is_stale()]
        for name in stale:
            self.discard(name)
        return stale

    def refresh_partition(self, name: str) -> bool:
        """Re-read one partition if it changed on disk; whether it had."""
        db = self._partitions.get(name)
        if db is None or not db.partition_storage.is_stale():
            return False
        self.discard(name)
        return True

    # -- unfinished changes ----------------------------------------------------------------

    def _journal_contents(self) -> list[JournalContents]:
        """Others' unfinished changes. This process's own journal is not read back: it grows
        with every file of a large merge, and reading it at each file's load was quadratic."""
        if self._journals_cleared:
            return []
        found = []
        own = self._journal.path.name if self._journal is not None else None
        live = unfinished_journals(self.folder)
        for path in live:
            if path.name == own:
                continue
            seen = signature(path)
            cached = self._journals.get(path.name)
            if cached is None or cached[0] != seen:
                from assettrack.store.journal import read_journal

                try:
                    contents = read_journal(path)
                except FileNotFoundError:
                    continue  # finished meanwhile
                self._journals[path.name] = (seen, contents)
            found.append(self._journals[path.name][1])
        names = {p.name for p in live}
        for name in set(self._journals) - names:
            del self._journals[name]
        return found

    def live_journal_names(self) -> set[str]:
        return {p.name for p in unfinished_journals(self.folder)}

    def hides_changes_in(self, partition: str) -> bool:
        """Whether another's unfinished change touches the partition (its reads are hidden)."""
        own = self._journal.path.name if self._journal is not None else None
        return any(
            partition in contents.hidden()
            for contents in self._journal_contents()
            if contents.path.name != own
        )

    def hide_unfinished(self, partition: str, data: dict[str, Any]) -> frozenset[str]:
        """Serve the documents of others' unfinished changes as they were before them."""
        own = self._journal.path.name if self._journal is not None else None
        used = set()
        for contents in self._journal_contents():
            if contents.path.name == own:
                continue
            if contents.damage and contents.path.name not in self._reported_journals:
                self._reported_journals.add(contents.path.name)
                self._notice(
                    N_(
                        "warning: the journal {name} of an unfinished change is "
                        "damaged ({damage}); part of that change may show until a "
                        "writer sets the journal aside",
                        name=contents.path.name,
                        damage=contents.damage,
                    )
                )
            for table, docs in contents.hidden().get(partition, {}).items():
                used.add(contents.path.name)
                current = data.setdefault(table, {})
                for doc_id, before in docs.items():
                    if before is None:
                        current.pop(doc_id, None)
                    else:
                        current[doc_id] = before
        return frozenset(used)

    def _roll_back_dead_journals(self) -> None:
        own = self._journal.path.name if self._journal is not None else None
        dead = [p for p in unfinished_journals(self.folder) if p.name != own]
        if dead:
            from assettrack.store.journal import read_journal, undo

            # Undoing writes past the log: every frame is flushed to its file first, else a
            # replay after a power cut would bring the undone change back.
            self._redo.checkpoint()
        for path in dead:
            try:
                contents = read_journal(path)
            except FileNotFoundError:
                continue
            count, touched = undo(self.folder, contents)
            for name in touched:
                self.discard(name)
            self.rolled_back += count
            if contents.damage:
                target = self.folder / QUARANTINE / path.name
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(path, target)
                self._notice(
                    N_(
                        "warning: the journal {name} of an unfinished change was damaged "
                        "({damage}); what could be read was undone and the journal set "
                        "aside in {folder}/{name}: check the last import or merge",
                        name=path.name,
                        damage=contents.damage,
                        folder=QUARANTINE,
                    )
                )
            else:
                path.unlink()
            self._wrote = True
        if self._wrote:
            fsync_folder(self.folder)

    # -- damaged documents -----------------------------------------------------------------

    def set_doc_aside(
        self, partition: str, table: str, key: str, doc: Any, problems: str
    ) -> SetAside:
        from assettrack.store.quarantine import set_aside

        found = set_aside(self.folder, partition, table, key, doc, problems)
        self.set_aside.append(found)
        self._notice(found.message())
        return found

    def _notice(self, line: str) -> None:
        self.notices.append(line)
        # A few lines say what happened; a thousand would bury it: the rest are counted.
        if self.report is not None and len(self.notices) <= MAX_LINES:
            self.report(line)

    # -- partitions ------------------------------------------------------------------------

    def partition(self, name: str, *, pinned: bool = False) -> PartitionDB:
        """The TinyDB of one partition file, e.g. ``assets/<site>.json``.

        Pinned partitions (catalog, assets) stay in memory; record partitions are evicted
        least-recently-used so years of history never sit in memory at once.
        """
        db = self._partitions.get(name)
        if db is not None:
            self._partitions.move_to_end(name)
            return db
        from assettrack.store.storage import open_partition

        db = open_partition(self, name)
        self._partitions[name] = db
        if pinned:
            self._pinned.add(name)
        self._evict()
        return db

    def _evict(self) -> None:
        unpinned = [n for n in self._partitions if n not in self._pinned]
        for name in unpinned[: max(0, len(unpinned) - RECORD_CACHE_SIZE)]:
            self._partitions.pop(name).close()

    def partition_names(self, folder: str) -> list[str]:
        """Names of the partition files under ``folder`` (relative to the database)."""
        # os.walk rather than Path.rglob: a tenth of the time for a few hundred site files.
        names = []
        for parent, _folders, files in os.walk(self.folder / folder):
            prefix = Path(parent).relative_to(self.folder).as_posix()
            names += [
                f"{prefix}/{name}"
                for name in files
                if name.endswith(".json") and not name.startswith(".")
            ]
        return sorted(names)

    def stamps(self, names: Iterable[str]) -> list[list[str | int]]:
        """``[name, size, mtime_ns, inode]`` of each partition file that exists.

        A cache compares these to tell whether files changed since it was made: every save
        replaces its file, so it gets a new inode or time, and usually a new size.
        """
        stamps: list[list[str | int]] = []
        for name in names:
            try:
                st = os.stat(self.folder / name)
            except FileNotFoundError:
                continue
            stamps.append([name, st.st_size, st.st_mtime_ns, st.st_ino])
        return stamps

    def holds_in_memory(self, name: str) -> bool:
        """Whether the partition's documents are held parsed (a save then edits them)."""
        db = self._partitions.get(name)
        return db is not None and db.partition_storage.loaded

    def discard(self, name: str) -> None:
        """Forget a partition's in-memory state (after a failed save) so it is re-read."""
        db = self._partitions.pop(name, None)
        if db is not None:
            db.close()


# The changes a transaction names, in words the reader's language has (the same English).
_KINDS = {
    "import": N_("import"),
    "import-bundle": N_("import-bundle"),
    "asset move": N_("asset move"),
    "resolve conflict": N_("resolve conflict"),
    "sync": N_("sync"),
}


def _said(exc: BaseException) -> str:
    """An error's message as it was made: a Text stays one, to be translated when shown."""
    return exc.args[0] if len(exc.args) == 1 and isinstance(exc.args[0], Text) else str(exc)


def _warning(exc: BaseException) -> Text:
    return N_("warning: {problem}", problem=_said(exc))


def _undone_message(message: str, kind: str, undone: bool) -> str:
    shown = _KINDS.get(kind, kind)
    if undone:
        return N_(
            "{said} The whole {kind} was undone: nothing of it was saved.",
            said=message,
            kind=shown,
        )
    return N_(
        "{said} The {kind} could not be undone yet; nobody sees any of it, and it is "
        "undone the next time the database is opened for writing.",
        said=message,
        kind=shown,
    )

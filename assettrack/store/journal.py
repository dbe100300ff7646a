"""All-or-nothing changes across several files, even through a crash, and what readers hide.

Each file is saved atomically, but an import into twenty site files makes twenty saves, and a
merge or the demo build hundreds. Such a change runs as a transaction with a journal: before
a file is saved, a line naming the documents about to change and their versions before the
change (``null``: not there before) is appended to the journal and flushed to disk. After the
last save the journal is deleted, and only then is the change done.

- A writer holding the lock that finds another's journal knows its writer died (every writer
  holds the lock while its journal exists): it puts the earlier versions back, newest line
  first, deletes the files the change created, then the journal. The change is undone.
- A reader cannot tell whether a journal's writer is alive, and need not: for every document
  a journal names it serves the earlier version. A reader never sees half of a change.

A crash while a line is being appended leaves it cut short with no newline; the save it
announced never started, so a cut last line is ignored. Any other line that cannot be read
means the journal was damaged after it was written: that is reported, never passed over.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

from assettrack.domain.texts import N_
from assettrack.store import document_lines
from assettrack.store.durable import atomic_write, fsync_folder
from assettrack.store.errors import CorruptStoreError, StoreWriteError
from assettrack.store.layout import JOURNAL_PREFIX, OLD_PREFIX

VERSION = 1

# partition -> table -> document id -> the document before the change (None: not there)
Before = dict[str, dict[str, dict[str, Any] | None]]


@dataclass
class Entry:
    partition: str
    table: str
    before: dict[str, dict[str, Any] | None]
    created: bool  # the file did not exist before the change


@dataclass
class JournalContents:
    path: Path
    kind: str = ""
    pid: int | None = None
    started: str = ""
    entries: list[Entry] = field(default_factory=list)
    damage: str | None = None  # why some of it could not be read

    def hidden(self) -> Before:
        """The earliest version of every document the journal names, by file and table."""
        view: Before = {}
        for entry in self.entries:
            tables = view.setdefault(entry.partition, {})
            docs = tables.setdefault(entry.table, {})
            for doc_id, doc in entry.before.items():
                docs.setdefault(doc_id, doc)
        return view


class Journal:
    """The writer's side: begun before the first save, a line before each, gone at the end."""

    def __init__(self, folder: Path, kind: str) -> None:
        self.folder = folder
        self.path = folder / f"{JOURNAL_PREFIX}{os.urandom(6).hex()}.jsonl"
        header = {
            "journal": VERSION,
            "kind": kind,
            "pid": os.getpid(),
            "host": _host_name(),
            "started": datetime.now().isoformat(timespec="seconds"),
        }
        try:
            self._fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND, 0o644)
        except OSError as exc:
            raise StoreWriteError(_explain(self.path, exc)) from exc
        try:
            self._append(header)
            fsync_folder(folder)  # the journal is on disk before any file it guards changes
        except BaseException:
            self.close()
            self.path.unlink(missing_ok=True)
            raise

    def note(
        self,
        partition: str,
        table: str,
        before: Mapping[str, dict[str, Any] | None],
        *,
        created: bool,
    ) -> None:
        self._append({"p": partition, "t": table, "before": dict(before), "new": created})

    def _append(self, line: dict[str, Any]) -> None:
        data = orjson.dumps(line) + b"\n"
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(self._fd, view) :]
            os.fsync(self._fd)
        except OSError as exc:
            raise StoreWriteError(_explain(self.path, exc)) from exc

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def finish(self) -> None:
        """The change is complete: once the journal is gone for good, nothing undoes it."""
        self.close()
        self.path.unlink(missing_ok=True)
        fsync_folder(self.folder)


def _explain(path: Path, exc: OSError) -> str:
    return N_(
        "could not write the journal {name} ({reason}); nothing was changed",
        name=path.name,
        reason=exc.strerror,
    )


def read_journal(path: Path) -> JournalContents:
    """What a journal says; ``damage`` tells what could not be read (the rest still counts)."""
    contents = JournalContents(path)
    raw = path.read_bytes()
    if path.name.startswith(OLD_PREFIX):
        return _read_old(path, raw)
    *lines, _cut = raw.split(b"\n")  # a last line cut short by a crash: never acted upon
    for number, line in enumerate(lines, 1):
        try:
            item = orjson.loads(line)
            if number == 1:
                if not isinstance(item, dict) or item.get("journal") != VERSION:
                    raise ValueError("not a journal header")
                contents.kind = str(item.get("kind", ""))
                contents.pid = item.get("pid") if isinstance(item.get("pid"), int) else None
                contents.started = str(item.get("started", ""))
                continue
            contents.entries.append(_entry(item))
        except (orjson.JSONDecodeError, ValueError, TypeError, KeyError) as exc:
            contents.damage = f"line {number} cannot be read ({exc})"
    return contents


def _entry(item: Any) -> Entry:
    partition, table, before = item["p"], item["t"], item["before"]
    if not (isinstance(partition, str) and isinstance(table, str) and isinstance(before, dict)):
        raise ValueError("not a journal line")
    if any(doc is not None and not isinstance(doc, dict) for doc in before.values()):
        raise ValueError("a document of the line is not an object")
    return Entry(partition, table, before, bool(item.get("new", False)))


def _read_old(path: Path, raw: bytes) -> JournalContents:
    contents = JournalContents(path, kind="insert")
    try:
        entry = orjson.loads(raw)
        table, partitions = entry["table"], entry["partitions"]
        for name, ids in partitions.items():
            contents.entries.append(Entry(name, table, dict.fromkeys(ids), created=False))
    except (orjson.JSONDecodeError, KeyError, TypeError, AttributeError) as exc:
        contents.damage = f"cannot be read ({exc})"
    return contents


def undo(folder: Path, contents: JournalContents) -> tuple[int, list[str]]:
    """Put back what the journal's change altered; the documents and files touched.

    The caller holds the writer lock and has checkpointed the redo log (``store.redo_log``):
    these writes are flushed one by one, past the log, and no frame may outlive them. The
    journal itself is left for the caller to remove.
    """
    files: dict[str, dict[str, Any]] = {}
    created: set[str] = set()
    count = 0
    for entry in reversed(contents.entries):
        data = files.get(entry.partition)
        if data is None:
            data = files[entry.partition] = _load_raw(folder / entry.partition)
        table = data.setdefault(entry.table, {})
        if not isinstance(table, dict):
            raise CorruptStoreError(
                folder / entry.partition, N_("table {table!r} is damaged", table=entry.table)
            )
        for doc_id, doc in entry.before.items():
            if doc is None:
                count += table.pop(doc_id, None) is not None
            else:
                table[doc_id] = doc
                count += 1
        if entry.created:
            created.add(entry.partition)
    for name, data in files.items():
        path = folder / name
        if name in created and not any(data.values()):
            if path.exists():
                path.unlink()
                fsync_folder(path.parent)
        elif path.exists() or any(data.values()):
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(path, document_lines.dump(data))
    return count, sorted(files)


def _load_raw(path: Path) -> dict[str, Any]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise CorruptStoreError(
            path, N_("not valid JSON ({reason}); a change to it cannot be undone", reason=exc)
        ) from exc
    if not isinstance(data, dict):
        raise CorruptStoreError(path, N_("expected an object of tables; a change cannot be undone"))
    return data


def _host_name() -> str:
    from assettrack.store.lock import host_name

    return host_name()

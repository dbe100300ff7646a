"""The names of what the store keeps in a database folder beside the data files, and the
listing of unfinished journals that every save asks for. Opening a database needs these and
not the modules that work on them (the journal, the quarantine, attachments, the record
index), which are imported when first used."""

from __future__ import annotations

import os
import time
from pathlib import Path

INDEX_FOLDER = ".index"  # caches, rebuilt when lost
QUARANTINE = "quarantine"  # damaged documents set aside, each with why
ATTACHMENTS = "attachments"  # photos and files, by content
INBOX = "inbox"  # attachments waiting to be taken in
JOURNAL_PREFIX = ".journal-"
OLD_PREFIX = ".insert-"  # an insert journal of an earlier version: ids only, all new
RACY_NS = 2_000_000_000  # as store.checked_files: a change within this may keep the time
_listed: dict[Path, tuple[tuple[int, int], tuple[Path, ...]]] = {}


def unfinished_journals(folder: Path) -> list[Path]:
    """The journals in the database folder. Every save asks (under the lock): the listing
    is kept while the folder's own time and inode stay as they were when it was listed (a
    journal made or removed changes them), unless the folder had changed within the clock's
    tick of that listing (``RACY_NS``), when it is listed again."""
    try:
        st = os.stat(folder)
    except FileNotFoundError:
        return []
    seen = (st.st_mtime_ns, st.st_ino)
    kept = _listed.get(folder)
    if kept is not None and kept[0] == seen:
        return list(kept[1])
    try:
        names = os.listdir(folder)
    except FileNotFoundError:
        return []
    found = sorted(
        folder / n
        for n in names
        if (n.startswith(JOURNAL_PREFIX) and n.endswith(".jsonl"))
        or (n.startswith(OLD_PREFIX) and n.endswith(".json"))
    )
    if st.st_mtime_ns < time.time_ns() - RACY_NS:
        _listed[folder] = (seen, tuple(found))
    else:
        _listed.pop(folder, None)
    return found

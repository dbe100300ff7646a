"""All-or-nothing inserts across several files, even through a crash.

Each file is saved atomically, but an import that adds assets to twenty site files makes
twenty saves. Before the first, a journal names every document about to be added; after
the last, the journal is deleted. A journal found when the database is next opened for
writing belongs to an insert that never finished: its documents are taken out again, so
the import is as if it never started.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import orjson

from assettrack.store.durable import atomic_write

if TYPE_CHECKING:
    from assettrack.store.database import Database

JOURNAL_PREFIX = ".insert-"


class InsertJournal:
    def __init__(self, db: Database, table: str, ids_by_partition: Mapping[str, Sequence[str]]):
        self.path = db.folder / f"{JOURNAL_PREFIX}{secrets.token_hex(6)}.json"
        atomic_write(
            self.path,
            orjson.dumps(
                {"table": table, "partitions": {k: list(v) for k, v in ids_by_partition.items()}}
            ),
        )

    def finish(self) -> None:
        self.path.unlink(missing_ok=True)


def unfinished_journals(folder: Path) -> list[Path]:
    return sorted(folder.glob(f"{JOURNAL_PREFIX}*.json"))


def roll_back(db: Database, journal: Path) -> int:
    """Take out what an unfinished insert added; returns how many documents."""
    try:
        entry = orjson.loads(journal.read_bytes())
        table, partitions = entry["table"], entry["partitions"]
    except (OSError, orjson.JSONDecodeError, KeyError, TypeError):
        # Only a complete journal is ever in place (it is written atomically).
        journal.unlink(missing_ok=True)
        return 0
    removed = 0
    for name, ids in partitions.items():
        if not (db.folder / name).exists():
            continue
        removed += len(db.partition(name, pinned=True).table(table).remove(doc_ids=ids))
        db.discard(name)
    journal.unlink()
    return removed

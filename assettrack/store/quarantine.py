"""Setting a damaged document aside, so the rest of its file and of the database stay usable.

A document that does not pass the gate when its file is read (edited by hand, written by a
bug of an older version, a flipped bit) is copied to ``quarantine/`` - a file naming the
source file, the document, why it was set aside and the document as it was - and left out of
what the store serves. The source file is not touched by a reader; the next save of that file
leaves the document out, which is safe because its copy is already in ``quarantine/``. A
copy is named after its content, so reading the same damage again writes nothing new.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

from assettrack.domain.texts import N_
from assettrack.store.durable import atomic_write
from assettrack.store.errors import StoreError
from assettrack.store.layout import QUARANTINE
from assettrack.store.record_words import record_word


@dataclass(frozen=True)
class SetAside:
    source: str  # the partition, e.g. assets/<site>.json
    table: str
    doc_id: str
    reason: str
    copy: str | None  # where the copy is, relative to the database; None if it failed

    def message(self) -> str:
        what = record_word(self.table)
        where = (
            N_("set aside in {copy}", copy=self.copy)
            if self.copy
            else N_("could not be set aside (the file keeps it and will not be rewritten)")
        )
        return N_(
            "warning: {source}: damaged {what} {id} ({reason}) {where}; "
            "the rest of the database is in use",
            source=self.source,
            what=what,
            id=self.doc_id,
            reason=self.reason,
            where=where,
        )


def set_aside(
    folder: Path, source: str, table: str, doc_id: Any, document: Any, reason: str
) -> SetAside:
    """Copy a damaged document to ``quarantine/``; the record of it, copied or not."""
    shown_id = doc_id if isinstance(doc_id, str) and doc_id else "(no id)"
    body = {"source": source, "table": table, "id": doc_id, "reason": reason, "document": document}
    try:
        content = orjson.dumps(body, option=orjson.OPT_SORT_KEYS)
    except TypeError:  # orjson refuses what it cannot write (a huge integer): keep it as text
        body["document"] = repr(document)
        content = orjson.dumps(body, option=orjson.OPT_SORT_KEYS)
    import hashlib  # at the first use: every command imports this module

    digest = hashlib.sha256(content).hexdigest()[:12]
    name = f"{_safe(source)}--{_safe(table)}--{_safe(shown_id)[:60]}--{digest}.json"
    path = folder / QUARANTINE / name
    try:
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            found_at = datetime.now().isoformat(timespec="seconds")
            atomic_write(
                path,
                orjson.dumps({**body, "found_at": found_at}, option=orjson.OPT_INDENT_2),
            )
    except (OSError, StoreError) as exc:  # a read-only disk: say so, serve the rest anyway
        return SetAside(source, table, shown_id, f"{reason}; copy failed: {exc}", None)
    return SetAside(source, table, shown_id, reason, f"{QUARANTINE}/{name}")


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text.replace("/", "__"))

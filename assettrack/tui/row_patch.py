"""A stale start-up snapshot patched with the rows of the asset files changed since.

After another program saved a few assets (an import, an inspection, a merge), most of the
database's asset files are as the last start snapshotted them; only the changed files'
rows are read (through the store's storage, as the store reads a changed file) and made into
facts, and put in place of those files' rows in the snapshot. At 50,000 assets this spares
opening the store and making 50,000 rows' facts before the first paint.

The store is loaded behind the paint, as on a warm start, and its rows replace the patched
ones if they differ. The patch is not tried, and the store is read first as before, when
the catalog changed, a file was added or removed, more than a few files changed, a changed
file holds a document that does not pass (the store reports it), another process's change
to it is unfinished, or one of its assets is also in another file (moving site).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from assettrack.tui.asset_facts import FIELDS, SHOWN, FactColumns

if TYPE_CHECKING:
    from assettrack.domain.warranty import WarrantyRules
    from assettrack.store.asset_columns import AssetRow
    from assettrack.store.database import Database
    from assettrack.tui.row_snapshot import Stale

# More changed files than this (a merge, a bulk import): the store is read as on a cold start.
MOST_FILES = 16
TABLE = "assets"


def patched(stale: Stale, db: Database, rules: Callable[[], WarrantyRules]) -> FactColumns | None:
    """The snapshot's facts with the changed files' rows in place of theirs, or None.
    ``rules`` gives the warranty rules (with the plugins'), asked for only if a patch is
    made."""
    if not stale.changed or len(stale.changed) > MOST_FILES:
        return None
    read = _read(db, stale.changed)
    if read is None:
        return None
    facts = stale.facts
    ids = facts.columns["id"]
    sites: dict[str, tuple[str, str]] = {}
    rows: list[AssetRow] = []
    new_ids: set[str] = set()
    for name, found in read.items():
        at = stale.names.index(name)
        start, count = stale.starts[at], stale.counts[at]
        site_id = name.removeprefix(f"{TABLE}/").removesuffix(".json")
        if found and count == 0:
            return None  # the site's name is known from its earlier rows only
        if any(row.site_id != site_id for row in found):
            return None  # an asset moving site: the store decides which copy it serves
        if count:
            sites[site_id] = (facts.columns["site"][start], facts.columns["customer"][start])
        rows += found
        new_ids.update(row.id for row in found)
    if len(new_ids) != len(rows):
        return None
    changed = {stale.names.index(n) for n in read}
    unchanged = sorted(set(range(len(stale.names))) - changed)
    # An asset new to the changed files must not also be in one unchanged (a move).
    for at in changed:
        start = stale.starts[at]
        new_ids.difference_update(ids[start : start + stale.counts[at]])
    if new_ids and not new_ids.isdisjoint(ids):
        return None
    from assettrack.tui.row_facts import facts_of_held

    made = facts_of_held(rows, sites, rules())
    return _spliced(stale, read, made, unchanged)


def _read(db: Database, names: list[str]) -> dict[str, list[AssetRow]] | None:
    """Each file's live assets as rows, in the file's order (as the store holds them), or
    None if any file cannot be taken as it is."""
    from assettrack.domain.codec import from_doc
    from assettrack.domain.models import Asset
    from assettrack.store.asset_columns import row_of
    from assettrack.store.errors import StoreError
    from assettrack.store.repositories import live_documents

    notices = len(db.notices)
    found: dict[str, list[AssetRow]] = {}
    try:
        for name in sorted(names):
            docs = live_documents(db, name, TABLE)
            if db.partition(name).partition_storage.hidden_by:
                return None  # another process's unfinished change: the store sorts it out
            for doc in docs:
                from_doc(Asset, doc)  # the check the store makes of each document it reads
            found[name] = [row_of(doc) for doc in docs]
    except (StoreError, OSError, TypeError, ValueError, KeyError, AttributeError):
        return None
    if len(db.notices) != notices:
        return None  # a document set aside: the store's own read reports it
    return found


def _spliced(
    stale: Stale, read: dict[str, list[AssetRow]], made: FactColumns, unchanged: list[int]
) -> FactColumns:
    """The stale facts with each changed file's rows replaced by ``made`` (whose rows are
    the changed files', in ``read``'s order), and the widths over every file."""
    old = stale.facts.columns
    pieces: list[tuple[int, int, int, int]] = []  # old start, old end, new start, new end
    at = 0
    for name, rows in read.items():
        where = stale.names.index(name)
        start = stale.starts[where]
        pieces.append((start, start + stale.counts[where], at, at + len(rows)))
        at += len(rows)
    pieces.sort()
    columns = {}
    for field in FIELDS:
        column, new = old[field], made.columns[field]
        if all(column[a:b] == new[c:d] for a, b, c, d in pieces):
            columns[field] = column  # the same texts (an edit leaves most fields alone)
            continue
        parts, kept = [], 0
        for start, end, new_start, new_end in pieces:
            parts += [column[kept:start], new[new_start:new_end]]
            kept = end
        parts.append(column[kept:])
        columns[field] = sum(parts, ())  # a few pieces: each joined in C
    widths = {}
    for place, name in enumerate(SHOWN):
        widest = max((stale.widths[at][place] for at in unchanged), default=0)
        widths[name] = max(widest, made.width(name))
    return FactColumns(columns, widths)

"""The asset table as it was last shown, so the next start paints it before the store loads.

Loading 10,000 assets and working out their warranties takes longer than starting Textual;
painting the table from this file takes a few milliseconds. It is a cache, never the truth:

- it is used only if the database's catalog and asset files are unchanged since it was
  written (same size, time and inode each: every save replaces its file) and the warranty
  rules are the same;
- the app loads the store right after the first paint anyway, and replaces the rows if they
  differ (a file system with coarse times could hide a change);
- it holds end dates, not statuses, so it stays right from one day to the next.

One file per database folder, in the user's cache folder; a missing, unreadable, damaged or
foreign file simply means a normal start. It is written by ``marshal`` (reading 50,000 rows
takes a fifth of the time JSON took, with each repeated text made once), behind a line
stating its format, length and checksum, which is checked before marshal reads anything.
The facts are kept a column at a time (a tuple of texts per field): they load in half the
time rows took, and the table is made from the columns (``FactColumns``) with no fact made;
with them the widest text of each column the table shows, which the table is sized by.

With the facts, each asset file's count of rows and widths, and the warranty rules the end
dates were worked out with (plugins' included): when only some asset files changed since,
``load`` gives nothing but ``stale`` gives what ``row_patch`` needs to patch the facts with
those files' rows rather than read the whole store.
"""

from __future__ import annotations

import marshal
import threading
import zlib
from collections.abc import Callable, Sequence
from datetime import date
from itertools import accumulate
from pathlib import Path
from typing import Any, NamedTuple

from assettrack.bulk import bulk_build
from assettrack.domain.warranty import WarrantyRules
from assettrack.store.database import Database
from assettrack.store.durable import atomic_write
from assettrack.store.errors import StoreWriteError
from assettrack.tui.asset_facts import (
    FIELDS,
    SHOWN,
    AssetFacts,
    FactColumns,
    as_columns,
    text_width,
)

# 2: JSON; 3: marshal behind a checked header, rows; 4: the same, columns; 5: with each
# asset file's count of rows and widths (a stale snapshot is patched, see ``row_patch``)
FORMAT = 5
MAGIC = b"assettrack-asset-rows"
CATALOG = "catalog.json"
WIDTH = len(FIELDS)


def snapshot_path(cache_folder: Path, db_folder: Path) -> Path:
    # Two checksums of the folder's path, not hashlib, which only this would import before
    # the first paint (3 ms): two databases sharing a name would only share a file, whose
    # key (each file's size, time and inode) still tells them apart.
    where = str(db_folder.resolve()).encode("utf-8", "surrogatepass")
    return cache_folder / f"asset-rows-{zlib.crc32(where):08x}{zlib.adler32(where):08x}.bin"


def encode(
    key: dict[str, Any],
    facts: Sequence[Sequence[str]],
    site_ids: Sequence[str] | None = None,
    rules: WarrantyRules | None = None,
) -> bytes:
    """The file's bytes: the header line, then by marshal the key, the facts' columns (a
    tuple of texts per field), the widths of the columns shown (name: cells), the segments
    of the asset files (``segments``; None without each row's site) and the rules the end
    dates were worked out with, plugins' included (``WarrantyRules.plain``; or None)."""
    held = as_columns(facts)  # type: ignore[arg-type]
    columns = tuple(tuple(held.columns[name]) for name in FIELDS)
    widths = {name: held.width(name) for name in SHOWN}
    found = None if site_ids is None else segments(key, columns, site_ids)
    plain = None if rules is None else rules.plain()
    payload = marshal.dumps((key, columns, widths, found, plain), 4)
    return b"%s %d %d %08x\n" % (MAGIC, FORMAT, len(payload), zlib.crc32(payload)) + payload


def segments(
    key: dict[str, Any], columns: tuple[tuple[str, ...], ...], site_ids: Sequence[str]
) -> list[tuple[int, tuple[int, ...]]] | None:
    """For each asset file the key lists, in its order, how many rows it gave (they follow
    each other in the facts, as the store holds them: files in name order) and the widths
    of its shown columns; None if the rows are not a run per file (an asset moving site,
    briefly in two files), so a stale snapshot is not patched but made again."""
    files = key["files"]
    if not files or files[0][0] != CATALOG or len(site_ids) != len(columns[0]):
        return None
    names = [stamp[0] for stamp in files[1:]]
    runs: list[tuple[str, int]] = []
    start = 0
    for at, site_id in enumerate(site_ids):  # behind the paint, on the writer's thread
        if at and site_id != site_ids[at - 1]:
            runs.append((site_ids[at - 1], at - start))
            start = at
    if site_ids:
        runs.append((site_ids[-1], len(site_ids) - start))
    counts = {f"assets/{site_id}.json": count for site_id, count in runs}
    if len(counts) != len(runs) or not set(counts) <= set(names):
        return None
    shown = [columns[FIELDS.index(name)] for name in SHOWN]
    found, start = [], 0
    for name in names:
        count = counts.get(name, 0)
        widths = tuple(text_width(set(column[start : start + count])) for column in shown)
        found.append((count, widths))
        start += count
    return found


def decode(raw: bytes) -> tuple[Any, Any, Any, Any, Any] | None:
    """The key, columns, widths, segments and rules of a file's bytes; None if it is not
    whole or not of this format."""
    end = raw.find(b"\n")
    if end < 0:
        return None
    payload = memoryview(raw)[end + 1 :]
    try:
        magic, fmt, length, digest = raw[:end].split(b" ")
        if (magic, int(fmt), int(length)) != (MAGIC, FORMAT, len(payload)):
            return None
        if int(digest, 16) != zlib.crc32(payload):  # before marshal reads damaged bytes
            return None
        found = marshal.loads(payload)
    except (ValueError, EOFError, TypeError):
        return None
    return found if type(found) is tuple and len(found) == 5 else None


class RowSnapshot:
    def __init__(self, path: Path, db: Database, rules: WarrantyRules) -> None:
        self.path = path
        self.db = db
        # The rules decide every end date; repr lists them all, in order. Kept whole (about
        # a kilobyte) rather than hashed: compared exactly, and no hashlib before the paint.
        self.rules_text = repr(rules)
        self._saved: Sequence[AssetFacts] | None = None
        self._stale: Stale | None = None
        self._writer: threading.Thread | None = None
        # Each held row's site id, in the facts' order, when a save is asked for (set once
        # the store is loaded): the snapshot then records each asset file's rows.
        self.site_ids: Callable[[], Sequence[str]] | None = None
        # The rules the saved facts' end dates are worked out with, plugins' included.
        self.full_rules: WarrantyRules | None = None

    def key(self) -> dict[str, Any]:
        """What must be unchanged for the snapshot to hold (lists and texts: marshal gives
        back the same types, so the key read compares equal to the key made)."""
        names = [CATALOG, *self.db.partition_names("assets")]
        return {
            "format": FORMAT,
            "fields": list(AssetFacts._fields),
            "folder": str(self.db.folder.resolve()),
            "rules": self.rules_text,
            "files": self.db.stamps(names),
        }

    def load(self) -> FactColumns | None:
        """The facts saved for the database as it is now, or None (then ``stale`` may still
        give them for a patch)."""
        try:
            with bulk_build():  # 50,000 rows: no collector walks meanwhile
                found = decode(self.path.read_bytes())
        except OSError:
            return None  # a cache that cannot be read is no cache
        if found is None:
            return None
        key, columns, widths, found_segments, rules = found
        facts = _facts(columns, widths)
        if facts is None:
            return None
        now = self.key()
        if key != now:
            self._stale = Stale.of(key, now, facts, found_segments, rules)
            return None
        self._saved = facts
        return facts

    def stale(self) -> Stale | None:
        """What ``load`` found when only asset files changed since the snapshot (each
        file's rows in it are known), or None."""
        return self._stale

    def save(self, facts: Sequence[AssetFacts]) -> None:
        """Remember ``facts`` as the table of the database as it is now (if they changed).

        The key is taken at once, on the caller's thread, while the files match the facts;
        writing happens on a thread of its own, so the screen never waits for the disk.
        """
        if self._saved == facts:
            return
        self._saved = facts
        key = self.key()
        site_ids = None if self.site_ids is None else self.site_ids()
        self.wait()
        self._writer = threading.Thread(
            target=self._write,
            args=(key, facts, site_ids, self.full_rules),
            name="row snapshot",
            daemon=True,
        )
        self._writer.start()

    def wait(self) -> None:
        """Let a write in progress finish (before the app exits)."""
        if self._writer is not None:
            self._writer.join()
            self._writer = None

    def _write(
        self,
        key: dict[str, Any],
        facts: Sequence[AssetFacts],
        site_ids: Sequence[str] | None,
        rules: WarrantyRules | None,
    ) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(self.path, encode(key, facts, site_ids, rules))
            _forget_named_by_sha256(self.path.parent, self.db.folder)
        except (OSError, StoreWriteError):
            pass  # no room or no permission for a cache costs a slower start, nothing more


def _facts(columns: Any, widths: Any) -> FactColumns | None:
    """The facts of a file's columns and widths, if they are of the right shape."""
    try:
        if type(columns) is not tuple or len(columns) != WIDTH:
            return None
        if set(map(type, columns)) != {tuple} or len(set(map(len, columns))) != 1:
            return None
        if type(widths) is not dict or set(widths) != set(SHOWN):
            return None
        if not set(map(type, widths.values())) <= {int}:
            return None
        facts = FactColumns(dict(zip(FIELDS, columns, strict=True)), widths)
        for end in set(facts.columns["ends"]) - {""}:
            date.fromisoformat(end)
    except (TypeError, ValueError):
        return None
    return facts


class Stale(NamedTuple):
    """A snapshot of the database before some of its asset files changed: its facts, each
    file's place in them (``start``, ``count``) and widths, and the files changed since."""

    facts: FactColumns
    names: list[str]  # the asset files, in the facts' order
    starts: list[int]
    counts: list[int]
    widths: list[tuple[int, ...]]  # of each file's rows, the columns of SHOWN in order
    changed: list[str]
    rules: Any  # the facts' rules, plugins' included, as ``WarrantyRules.plain`` (or None)

    def full_rules(self) -> WarrantyRules | None:
        """The rules the snapshot's end dates were worked out with, if it kept them whole."""
        if self.rules is None:
            return None
        try:
            return WarrantyRules.from_plain(self.rules)
        except (TypeError, ValueError):
            return None

    @classmethod
    def of(
        cls,
        key: dict[str, Any],
        now: dict[str, Any],
        facts: FactColumns,
        segments: Any,
        rules: Any = None,
    ) -> Stale | None:
        """None unless the two keys differ in asset files' stamps alone (the same files,
        the same catalog, rules and format) and the segments fit the facts."""
        if {k: v for k, v in key.items() if k != "files"} != {
            k: v for k, v in now.items() if k != "files"
        }:
            return None
        files, files_now = key["files"], now["files"]
        names = [stamp[0] for stamp in files]
        if names != [stamp[0] for stamp in files_now] or not names or names[0] != CATALOG:
            return None
        if files[0] != files_now[0] or type(segments) is not list:
            return None
        if len(segments) != len(names) - 1:
            return None
        counts, widths = [], []
        for segment in segments:
            if type(segment) is not tuple or len(segment) != 2:
                return None
            count, shown = segment
            if type(count) is not int or count < 0 or type(shown) is not tuple:
                return None
            if len(shown) != len(SHOWN) or not set(map(type, shown)) <= {int}:
                return None
            counts.append(count)
            widths.append(shown)
        if sum(counts) != len(facts):
            return None
        starts = [0, *accumulate(counts)][:-1]
        changed = [old[0] for old, new in zip(files[1:], files_now[1:], strict=True) if old != new]
        return cls(facts, names[1:], starts, counts, widths, changed, rules)


def _forget_named_by_sha256(cache_folder: Path, db_folder: Path) -> None:
    """Remove the snapshot earlier versions kept for this database under a SHA-256 name
    (megabytes at 50,000 assets, never read again). Behind the paint, so hashlib may load."""
    import hashlib

    digest = hashlib.sha256(str(db_folder.resolve()).encode()).hexdigest()[:16]
    (cache_folder / f"asset-rows-{digest}.bin").unlink(missing_ok=True)

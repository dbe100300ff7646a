"""The warranty rules the last start worked with, plugins' included, kept for the next start.

A start with no usable row snapshot (the first on a database, or after another program
changed its catalog or many of its asset files) reads the store before its first paint, and
the end dates it shows depend on the plugins' vendor periods and names: loading the plugins
first cost that start about 25 ms at 50,000 assets. The rules they gave last time are kept
in the user cache folder instead, with what they depend on:

- the configured rules (``repr``, compared exactly, as the row snapshot keys by them);
- the plugins blocked (``[plugins] disabled``, ``ASSETTRACK_DISABLE_PLUGINS``) and the
  plugins folder;
- the installed distributions (``entry_point_cache.installed_signature``: installing,
  removing or upgrading a plugin changes it) and the plugins folder's files (name, size,
  time).

While all of these are unchanged the kept rules are used, and the plugins load behind the
paint, as on a warm start. Their rules are compared there: if they differ (a plugin file
edited in place, say), the rows are made again with them and replace the painted ones.

One file per interpreter and import path (like the entry points' cache), written whole
behind the paint, with a checked header (marshal is not meant for damaged data); a file
that cannot be read or written is no cache and costs nothing but time.
"""

from __future__ import annotations

import marshal
import os
import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from assettrack.domain.warranty import WarrantyRules

FORMAT = 1
MAGIC = b"assettrack-warranty-rules"


def rules_path(cache_folder: Path) -> Path:
    from assettrack.plugins.entry_point_cache import interpreter_digest

    return cache_folder / f"warranty-rules-{interpreter_digest()}.bin"


def rules_key(configured: WarrantyRules, settings: Mapping[str, Any]) -> list[Any] | None:
    """What the plugins' rules depend on (lists and texts, as marshal gives them back), or
    None when the installed distributions cannot be told (then nothing is kept)."""
    from assettrack.plugins.entry_point_cache import installed_signature
    from assettrack.plugins.selection import blocked_plugins, plugins_folder

    installed = installed_signature()
    if installed is None:
        return None
    folder = plugins_folder(settings)
    return [
        FORMAT,
        repr(configured),
        blocked_plugins(settings, {}),
        str(folder),
        repr(installed),
        _listing(folder),
    ]


def _listing(folder: Path) -> list[Any] | None:
    """Each file of the plugins folder with its size and time (None: no folder)."""
    try:
        with os.scandir(folder) as entries:
            stats = [(e.name, e.stat()) for e in entries]
    except OSError:
        return None
    return sorted([name, s.st_size, s.st_mtime_ns] for name, s in stats)


def load(path: Path, key: list[Any]) -> WarrantyRules | None:
    """The rules kept under ``key``, or None."""
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    end = raw.find(b"\n")
    payload = memoryview(raw)[end + 1 :]
    try:
        magic, fmt, length, digest = raw[: max(end, 0)].split(b" ")
        if (magic, int(fmt), int(length)) != (MAGIC, FORMAT, len(payload)):
            return None
        if int(digest, 16) != zlib.crc32(payload):
            return None
        kept_key, plain = marshal.loads(payload)
        if kept_key != key:
            return None
        return WarrantyRules.from_plain(plain)
    except (ValueError, TypeError, EOFError):
        return None


def save(path: Path, key: list[Any], rules: WarrantyRules) -> None:
    """Keep ``rules`` under ``key`` (unless they are kept so already)."""
    from assettrack.store.durable import atomic_write
    from assettrack.store.errors import StoreWriteError

    kept = load(path, key)
    if kept is not None and kept.plain() == rules.plain():
        return
    payload = marshal.dumps((key, rules.plain()), 4)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(
            path,
            b"%s %d %d %08x\n" % (MAGIC, FORMAT, len(payload), zlib.crc32(payload)) + payload,
        )
    except (OSError, StoreWriteError):
        pass  # no cache: the next such start loads the plugins before its paint

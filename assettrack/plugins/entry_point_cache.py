"""The installed plugins' entry points, kept between runs while what is installed is unchanged.

``importlib.metadata.entry_points`` reads every installed distribution's metadata at each
start, and importing importlib.metadata costs as much again: about 11 ms of every command.
What it found for a group is kept in the user cache folder with the signature of what it
read: for each folder on ``sys.path`` the name of every ``*.dist-info`` and ``*.egg-info``
in it, a checksum of its ``entry_points.txt`` and the size, time and inode of its metadata
file (which states the version); for a zip on the path, the zip's. Installing, removing or
upgrading a distribution adds, removes or renames such a folder, changing its entry points
changes that file's content, and a new version rewrites its metadata: either way the
signature differs and the entry points are read again. The signature is taken at every
start (a directory listing per folder on the path and the entry points files read, about a
millisecond).

A distribution finder other than the standard path finder on ``sys.meta_path`` would find
distributions no listing shows: with one there, nothing is cached. A cache that cannot be
read or written is no cache, and costs nothing but time.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import re
import stat
import sys
import zlib
from dataclasses import dataclass
from functools import reduce
from pathlib import Path
from typing import Any

FORMAT = 1
_INFO_SUFFIXES = (".dist-info", ".egg-info")
# As importlib.metadata.EntryPoint reads a value: "module", "module:attr.attr", "[extras]".
_VALUE = re.compile(r"(?P<module>[\w.]+)\s*(:\s*(?P<attr>[\w.]+)\s*)?((?P<extras>\[.*\])\s*)?$")


@dataclass(frozen=True)
class FoundEntryPoint:
    """One entry point of the group: its name, its value and its distribution's version."""

    name: str
    value: str
    version: str

    def load(self) -> Any:
        """The object the entry point names, loaded as ``EntryPoint.load`` does."""
        match = _VALUE.match(self.value)
        if match is None:
            raise ValueError(f"entry point {self.name!r} names no module: {self.value!r}")
        module = importlib.import_module(match.group("module"))
        attrs = filter(None, (match.group("attr") or "").split("."))
        return reduce(getattr, attrs, module)


def entry_points(group: str, cache_folder: Path | None) -> list[FoundEntryPoint]:
    """The group's entry points as ``importlib.metadata.entry_points(group=...)`` finds
    them, in its order; from the cache in ``cache_folder`` while its signature holds."""
    signature = installed_signature()
    if signature is None or cache_folder is None:
        return _scan(group)
    path = cache_folder / f"entry-points-{interpreter_digest()}.json"
    cached = _read(path, group, signature)
    if cached is not None:
        return cached
    found = _scan(group)
    listed = [[f.name, f.value, f.version] for f in found]
    _write(path, {"format": FORMAT, "group": group, "signature": signature, "found": listed})
    return found


def default_cache_folder() -> Path:
    import platformdirs

    return Path(platformdirs.user_cache_dir("assettrack", appauthor=False))


def installed_signature() -> list[Any] | None:
    """What ``importlib.metadata`` reads entry points from, as stamps (lists, as JSON gives
    them back); None when a finder besides the path finder could find distributions."""
    finders = [f for f in sys.meta_path if hasattr(f, "find_distributions")]
    if finders != [_path_finder()]:
        return None
    signature: list[Any] = [FORMAT, sys.version, list(sys.path)]
    for entry in sys.path:
        folder = entry or "."  # "" is the folder the interpreter started in
        try:
            status = os.stat(folder)
        except OSError:
            signature.append(None)
            continue
        if not stat.S_ISDIR(status.st_mode):  # a zip: any change is a new stamp
            signature.append(_stamp(status))
            continue
        try:
            with os.scandir(folder) as entries:
                names = sorted(e.name for e in entries if e.name.endswith(_INFO_SUFFIXES))
        except OSError:
            signature.append(None)
            continue
        signature.append([_info_signature(folder, name) for name in names])
    return signature


def _path_finder() -> Any:
    from importlib.machinery import PathFinder

    return PathFinder


def _stamp(status: os.stat_result) -> list[int]:
    return [status.st_size, status.st_mtime_ns, status.st_ino]


def _info_signature(folder: str, info: str) -> list[Any]:
    """A distribution's metadata folder: its name, its entry points' checksum and its
    metadata file's stamp (None for what it does not have, or an egg-info file)."""
    where = os.path.join(folder, info)
    try:
        with open(os.path.join(where, "entry_points.txt"), "rb") as points:
            checksum: int | None = zlib.crc32(points.read())
    except OSError:
        checksum = None  # no entry points
    for metadata in ("METADATA", "PKG-INFO"):
        try:
            return [info, checksum, _stamp(os.stat(os.path.join(where, metadata)))]
        except OSError:
            continue
    return [info, checksum, None]


def interpreter_digest() -> str:
    # One file per interpreter and import path: two virtual environments sharing the cache
    # folder, or the command and a script beside it (another first folder on the path), do
    # not take turns invalidating each other's. Two checksums, not hashlib, which only this
    # would import at a command's start (3 ms): a clash only shares a file, whose signature
    # still decides.
    where = "\0".join([sys.prefix, *sys.path]).encode("utf-8", "surrogatepass")
    return f"{zlib.crc32(where):08x}{zlib.adler32(where):08x}"


def _scan(group: str) -> list[FoundEntryPoint]:
    import importlib.metadata

    return [
        FoundEntryPoint(ep.name, ep.value, ep.dist.version if ep.dist else "")
        for ep in importlib.metadata.entry_points(group=group)
    ]


def _read(path: Path, group: str, signature: list[Any]) -> list[FoundEntryPoint] | None:
    try:
        kept = json.loads(path.read_bytes())
        if kept["format"] != FORMAT or kept["group"] != group or kept["signature"] != signature:
            return None
        return [FoundEntryPoint(str(n), str(v), str(ver)) for n, v, ver in kept["found"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write(path: Path, content: dict[str, Any]) -> None:
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_text(json.dumps(content), encoding="utf-8")
        os.replace(temporary, path)  # whole or not at all, for a reader at the same time
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)

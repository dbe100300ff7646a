"""Which data files of a database changed since the last snapshot, without a stat of each.

At 50,000 assets a database holds 49,000 files in 5,000 folders, and a stat of every file
took half a second of each sync. The store never edits a data file in place: every save
writes a new file and renames it over the old one, and a rename changes its folder's
modification time. So a folder whose stat (mtime, inode) is as recorded holds the files it
held, each as recorded, and only changed folders are listed and their files stat'ed. One
file edited in place by hand, outside assettrack, is seen once its folder next changes.

A folder's time has a granularity (a few milliseconds; two seconds on FAT), so a folder
recorded less than ``SETTLED_NS`` after it last changed could change again within the same
tick unseen: such a folder is listed again next time, whatever its stat says.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

Stamp = list[int]  # size, mtime_ns, inode
FolderStamp = list[Any]  # mtime_ns, inode, settled (0/1), the folders it holds
SETTLED_NS = 2_000_000_000
TOPS = ("assets", "records", "attachments")


def scan(
    root: Path,
    cached_files: Mapping[str, list[Any]],
    cached_folders: Mapping[str, list[Any]],
    committed: Callable[[str], bool],
) -> tuple[dict[str, list[Any]], dict[str, FolderStamp]]:
    """Each committed file and its stamp (a cached entry, blob included, where its folder is
    unchanged), and each folder's stamp, by path relative to ``root``."""
    now = time.time_ns()
    by_folder: dict[str, list[str]] | None = None
    files: dict[str, list[Any]] = {}
    folders: dict[str, FolderStamp] = {}
    catalog = "catalog.json"
    try:
        st = os.stat(root / catalog)
        if catalog in cached_files or committed(catalog):
            files[catalog] = [st.st_size, st.st_mtime_ns, st.st_ino]
    except FileNotFoundError:
        pass
    todo = []
    for top in TOPS:
        try:
            st = os.stat(root / top)
        except (FileNotFoundError, NotADirectoryError):
            continue
        todo.append((top, st))
    while todo:
        folder, st = todo.pop()
        settled = int(now - st.st_mtime_ns > SETTLED_NS)
        known = cached_folders.get(folder)
        if (
            isinstance(known, list)
            and len(known) == 4
            and known[:3] == [st.st_mtime_ns, st.st_ino, 1]
            and isinstance(known[3], list)
        ):
            folders[folder] = known  # the same entries as recorded
            if by_folder is None:
                by_folder = _by_folder(cached_files)
            for name in by_folder.get(folder, ()):
                files[name] = cached_files[name]
            for sub in known[3]:
                with contextlib.suppress(FileNotFoundError, NotADirectoryError):
                    todo.append((f"{folder}/{sub}", os.stat(root / folder / sub)))
            continue
        subs: list[str] = []
        folders[folder] = [st.st_mtime_ns, st.st_ino, settled, subs]
        try:
            entries = list(os.scandir(root / folder))
        except (FileNotFoundError, NotADirectoryError):
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            name = f"{folder}/{entry.name}"
            try:
                if entry.is_dir(follow_symlinks=False):
                    todo.append((name, entry.stat(follow_symlinks=False)))
                    subs.append(entry.name)
                elif entry.is_file(follow_symlinks=False) and (
                    name in cached_files or committed(name)
                ):
                    fst = entry.stat()
                    files[name] = [fst.st_size, fst.st_mtime_ns, fst.st_ino]
            except FileNotFoundError:
                continue
    return files, folders


def _by_folder(cached_files: Mapping[str, list[Any]]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name in cached_files:
        found.setdefault(name.rpartition("/")[0], []).append(name)
    return found

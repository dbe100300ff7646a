"""Where the demo database is built: beside its folder, swapped in only when complete.

The build goes into a hidden sibling folder; the old demo is renamed aside, the new one into
its place, and the old one deleted. A kill at any moment therefore leaves the previous demo,
or no demo, never a half-built folder that a later ``demo`` would refuse as "not a demo"; the
siblings a kill leaves are cleared by the next build.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

BUILDING = ".building-"
REPLACED = ".replaced-"


def build_demo_folder(folder: Path, fill: Callable[[Path], None]) -> None:
    """Make ``folder`` a complete demo database, built by ``fill(new_folder)`` (which writes
    the demo marker last)."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    clear_interrupted(folder)
    building = _sibling(folder, BUILDING)
    try:
        fill(building)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)  # a half-built demo is no use
        raise
    if folder.exists():
        replaced = _sibling(folder, REPLACED)
        os.rename(folder, replaced)
        os.rename(building, folder)
        shutil.rmtree(replaced, ignore_errors=True)
    else:
        os.rename(building, folder)


def clear_interrupted(folder: Path) -> list[Path]:
    """Delete the siblings an interrupted build left (not those of a build still running)."""
    cleared = []
    for mark in (BUILDING, REPLACED):
        for found in folder.parent.glob(f".{folder.name}{mark}*"):
            pid = found.name.rsplit("-", 1)[-1]
            if pid.isdigit() and int(pid) != os.getpid() and _alive(int(pid)):
                continue
            shutil.rmtree(found, ignore_errors=True)
            cleared.append(found)
    return cleared


def _sibling(folder: Path, mark: str) -> Path:
    return folder.with_name(f".{folder.name}{mark}{os.getpid()}")


def _alive(pid: int) -> bool:
    if os.name == "nt":  # no signal 0 there; a leftover of a live build is rare enough
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True

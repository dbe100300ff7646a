"""Which partition files have had every document checked by the gate, as they are now.

Every document is checked as it is written, and again when its file is read, because a file
may have been damaged or edited by hand since. Checking 50,000 assets at every start-up is
half the start-up's time, though, and most files are exactly as assettrack wrote or last
checked them. This remembers each checked file's stat signature (size, modification time in
nanoseconds, inode): a file read again with the same signature is not checked again; any
change to it (an edit, a copy over it, another process's save) changes the signature and so
gets it checked. A file changed within the last seconds is remembered by this process only,
never written down for others: a clock that ticks coarsely could give its next change the
same time (git's "racily clean" files). It is a cache kept in ``.index/checked.json``: lost
or damaged, it only costs the checks again.
"""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path

import orjson

from assettrack.store.durable import temp_path_for
from assettrack.store.storage import Signature

NAME = "checked.json"
FORMAT = 1
RACY_NS = 2_000_000_000  # a file changed this recently may change again with the same time


class CheckedFiles:
    def __init__(self, folder: Path) -> None:
        self.path = folder / NAME
        self._known: dict[str, list[int]] | None = None
        self._dirty = False

    def _load(self) -> dict[str, list[int]]:
        if self._known is None:
            try:
                raw = orjson.loads(self.path.read_bytes())
                files = raw["files"] if raw.get("format") == FORMAT else {}
                self._known = {
                    str(k): v for k, v in files.items() if isinstance(v, list) and len(v) == 3
                }
            except (OSError, orjson.JSONDecodeError, AttributeError, KeyError, TypeError):
                self._known = {}
        return self._known

    def is_checked(self, name: str, seen: Signature) -> bool:
        return seen is not None and self._load().get(name) == list(seen)

    def checked(self, name: str, seen: Signature) -> None:
        known = self._load()
        if seen is None:
            self._dirty |= known.pop(name, None) is not None
        elif known.get(name) != list(seen):
            known[name] = list(seen)
            self._dirty = True

    def save(self) -> None:
        """Write what was learnt (whole or not at all; a cache needs no fsync). A file
        changed within the last seconds is trusted by this process only, not written."""
        if not self._dirty or self._known is None:
            return
        self._dirty = False
        kept = {n: v for n, v in self._known.items() if not is_racy(tuple(v))}  # type: ignore[arg-type]
        temp = temp_path_for(self.path)
        try:
            self.path.parent.mkdir(exist_ok=True)
            temp.write_bytes(orjson.dumps({"format": FORMAT, "files": kept}))
            os.replace(temp, self.path)
        except OSError:
            with contextlib.suppress(OSError):
                temp.unlink()


def is_racy(seen: Signature) -> bool:
    """Whether a file's signature is too recent to tell its next change apart."""
    return seen is not None and seen[1] > time.time_ns() - RACY_NS

"""Plugin failures met while working, kept for ``assettrack plugins`` to show later.

A checklist or autofill hook fails during an inspection, in the app or in ``assettrack
inspect``; ``assettrack plugins`` runs in another process and would never see it. Each such
failure is appended here (one JSON line, once per kind and process), in the user's cache
folder: losing the file loses only this history. Failures at start-up (import, API version,
the register hooks) are not kept: ``assettrack plugins`` meets them itself.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import platformdirs

from assettrack.plugins.host import PluginFailure

FILE_NAME = "plugin-failures.jsonl"
MAX_BYTES = 256 * 1024  # past this the older half is dropped
MAX_DETAILS = 8_000  # characters of one traceback


def default_path() -> Path:
    return platformdirs.user_cache_path("assettrack", appauthor=False) / FILE_NAME


@dataclass(frozen=True)
class LoggedFailure:
    at: datetime
    failure: PluginFailure


class FailureLog:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_path()
        self._written: set[tuple[str, str, str]] = set()
        self._lock = threading.Lock()

    def write(self, failure: PluginFailure, at: datetime | None = None) -> None:
        """Append ``failure`` (the first of its kind in this process); never raises."""
        with self._lock:
            if failure.kind in self._written:
                return
            self._written.add(failure.kind)
        line = json.dumps(
            {
                "at": (at or datetime.now()).isoformat(timespec="seconds"),
                "plugin": failure.plugin,
                "stage": failure.stage,
                "error": failure.error,
                "details": failure.details[-MAX_DETAILS:],
            },
            ensure_ascii=False,
        )
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with open(self.path, "a", encoding="utf-8") as handle:
                handle.write(line + "\n")
            if self.path.stat().st_size > MAX_BYTES:
                self._shrink()
        except OSError:
            pass  # a read-only cache folder must not stop an inspection

    def _shrink(self) -> None:
        lines = self.path.read_text(encoding="utf-8").splitlines(keepends=True)
        kept = lines[len(lines) // 2 :]
        temporary = self.path.with_name(self.path.name + f".{os.getpid()}.tmp")
        temporary.write_text("".join(kept), encoding="utf-8")
        os.replace(temporary, self.path)

    def read(self) -> list[LoggedFailure]:
        """Every failure kept, oldest first; lines that cannot be read are skipped."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except OSError:
            return []
        found = []
        for line in text.splitlines():
            try:
                doc = json.loads(line)
                found.append(
                    LoggedFailure(
                        datetime.fromisoformat(doc["at"]),
                        PluginFailure(
                            str(doc["plugin"]),
                            str(doc["stage"]),
                            str(doc["error"]),
                            str(doc.get("details", "")),
                        ),
                    )
                )
            except (ValueError, KeyError, TypeError):
                continue
        return found

    def clear(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()

"""Store failures, each with a message that says which file and what to do."""

from __future__ import annotations

from pathlib import Path

from assettrack.errors import AssetTrackError


class StoreError(AssetTrackError):
    """Base of every storage failure."""


class CorruptStoreError(StoreError):
    def __init__(self, path: Path, problem: str) -> None:
        self.path = path
        super().__init__(
            f"database file {path} is damaged: {problem}. It was left untouched; "
            "restore it from a backup or move it aside to continue without it."
        )


class NewerSchemaError(StoreError):
    def __init__(self, path: Path, found: int, supported: int) -> None:
        self.path = path
        super().__init__(
            f"{path} was written by a newer assettrack (schema {found}; this version reads up "
            f"to {supported}). It was left untouched; upgrade assettrack to open it."
        )


class StoreLockedError(StoreError):
    """Another process is saving and did not finish within the wait."""


class RejectedDocumentError(StoreError):
    """A document did not pass the gate (``domain.gate``); nothing was saved."""

    def __init__(self, problem: str) -> None:
        super().__init__(f"refused to save {problem}; nothing was saved")


class StaleDocumentError(StoreError):
    """A document was edited or deleted by another process since this one read it."""


class StoreWriteError(StoreError):
    pass


class ReadOnlyStoreError(StoreError):
    def __init__(self, path: Path) -> None:
        super().__init__(f"database {path} is open read-only; nothing can be saved")

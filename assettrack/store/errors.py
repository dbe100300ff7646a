"""Store failures, each with a message that says which file and what to do.

The store, like the domain, does not know the reader's language: each message is a domain
``Text`` (``domain.texts``), the English sentence it always was, which the command line and
the app say in the reader's language (``i18n.errors.error_text``).
"""

from __future__ import annotations

from pathlib import Path

from assettrack.domain.texts import N_
from assettrack.errors import AssetTrackError


class StoreError(AssetTrackError):
    """Base of every storage failure."""


class CorruptStoreError(StoreError):
    def __init__(self, path: Path, problem: str) -> None:
        self.path = path
        super().__init__(
            N_(
                "database file {path} is damaged: {problem}. It was left untouched; "
                "restore it from a backup or move it aside to continue without it.",
                path=path,
                problem=problem,
            )
        )


class NewerSchemaError(StoreError):
    def __init__(self, path: Path, found: int, supported: int) -> None:
        self.path = path
        super().__init__(
            N_(
                "{path} was written by a newer assettrack (schema {found}; this version reads "
                "up to {supported}). It was left untouched; upgrade assettrack to open it.",
                path=path,
                found=found,
                supported=supported,
            )
        )


class StoreLockedError(StoreError):
    """Another process is saving and did not finish within the wait."""


class RejectedDocumentError(StoreError):
    """A document did not pass the gate (``domain.gate``); nothing was saved."""

    def __init__(self, problem: str) -> None:
        # ``problem``: the gate's ``describe``, a Text itself (translated with the rest).
        super().__init__(N_("refused to save {problem}; nothing was saved", problem=problem))


class StaleDocumentError(StoreError):
    """A document was edited or deleted by another process since this one read it."""


class StoreWriteError(StoreError):
    pass


class ReadOnlyStoreError(StoreError):
    def __init__(self, path: Path) -> None:
        super().__init__(N_("database {path} is open read-only; nothing can be saved", path=path))

"""How the store tells a person what it found while reading (a document set aside, a
damaged journal, files brought back from the redo log): one line each, and at most a few."""

from __future__ import annotations

import sys
from collections.abc import Callable

MAX_LINES = 5  # warnings printed for one database before the rest are only counted

# Told each one-line warning (a document set aside, a damaged journal) as it is found.
Reporter = Callable[[str], None]


def print_warning(line: str) -> None:
    """The default reporter: one line on stderr, as every command prints its errors, in the
    reader's language (a warning is a domain Text; imported here, as few commands say one)."""
    from assettrack.i18n.errors import translated

    print(translated(line), file=sys.stderr, flush=True)

"""Which database a command works on, and what to say when there is none yet."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from assettrack.errors import AssetTrackError
from assettrack.store.database import HEADER_NAME

DEMO_MARKER = "DEMO"


def demo_folder(context: Any) -> Path:
    """Where ``assettrack demo`` builds its database when no --db is given."""
    return context.settings.db_path.parent / "demo"


def database_exists(folder: Path) -> bool:
    return (folder / HEADER_NAME).is_file()


def require_database(context: Any) -> Path:
    """The database folder, or a one-line error saying how to make one (and where the demo
    is, since a new user has often just run the demo and wonders where the data went)."""
    folder = context.settings.db_path
    if database_exists(folder):
        return folder
    create = "assettrack init" if context.db_option is None else f"assettrack --db {folder} init"
    message = f"no assettrack database at {folder}; run '{create}' to create one"
    demo = demo_folder(context)
    if context.db_option is None and demo != folder and (demo / DEMO_MARKER).is_file():
        message += (
            f". The demo database is at {demo}: use it with"
            f" 'assettrack --db {demo} …' or ASSETTRACK_DB={demo}"
        )
    raise AssetTrackError(message)

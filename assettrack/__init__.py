"""assettrack: asset, warranty and inspection tracker for network equipment."""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    # Plugins mark their hook implementations with ``@assettrack.hookimpl``. The marker is
    # made on first use: the app paints its first screen, and the CLI starts, without
    # importing pluggy (only loading the plugins needs it).
    if name == "hookimpl":
        import pluggy

        marker = pluggy.HookimplMarker("assettrack")
        globals()["hookimpl"] = marker
        return marker
    raise AttributeError(f"module 'assettrack' has no attribute {name!r}")

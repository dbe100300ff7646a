"""assettrack: asset, warranty and inspection tracker for network equipment."""

import pluggy

__version__ = "0.1.0"

# Plugins mark their hook implementations with ``@assettrack.hookimpl``.
hookimpl = pluggy.HookimplMarker("assettrack")

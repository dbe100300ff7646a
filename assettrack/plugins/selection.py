"""Which plugins a start may load, from the settings and the environment alone: the names
blocked and the plugins folder. Imports nothing of the plugin machinery, so a start can
tell what its plugins depend on without loading them (``tui.kept_rules``)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from assettrack.config import user_config_dir

DISABLE_ENV = "ASSETTRACK_DISABLE_PLUGINS"


def blocked_plugins(settings: Mapping[str, Any], env: Mapping[str, str]) -> list[str]:
    """Names blocked by ``ASSETTRACK_DISABLE_PLUGINS`` of ``env`` and of the process (a
    caller's own ``env`` adds to the process's, never lifts it) and by the settings."""
    names = [*env.get(DISABLE_ENV, "").split(","), *os.environ.get(DISABLE_ENV, "").split(",")]
    from_env = [n.strip() for n in names if n.strip()]
    from_settings = [str(n) for n in settings.get("plugins", {}).get("disabled", [])]
    return list(dict.fromkeys(from_env + from_settings))


def plugins_folder(settings: Mapping[str, Any]) -> Path:
    configured = str(settings.get("plugins", {}).get("folder", "") or "")
    return Path(configured).expanduser() if configured else user_config_dir() / "plugins"

"""Which plugins load: the built-ins, installed entry points, a plugins folder; minus the
blocked ones (``ASSETTRACK_DISABLE_PLUGINS=a,b`` or ``[plugins] disabled = [...]``)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from assettrack.plugins.extensions import Extensions
from assettrack.plugins.failure_log import FailureLog
from assettrack.plugins.host import PluginHost
from assettrack.plugins.selection import blocked_plugins, plugins_folder

__all__ = ["DEFAULT_PLUGINS", "blocked_plugins", "load_plugins", "plugins_folder"]

# Built-in features, registered exactly like external plugins (order: first is called first).
DEFAULT_PLUGINS: tuple[str, ...] = (
    "assettrack.plugins.builtin.kinds",
    "assettrack.plugins.builtin.site_checklist",
    "assettrack.plugins.builtin.autofill",
    "assettrack.plugins.builtin.exporters",
    "assettrack.plugins.builtin.generic_driver",
    "assettrack.plugins.builtin.profile_drivers",
)


def load_plugins(
    settings: Mapping[str, Any] | None = None,
    env: Mapping[str, str] | None = None,
    *,
    entry_points: bool = True,
    failure_log: FailureLog | None = None,
) -> Extensions:
    """The plugins that load: built-ins, entry points (unless ``entry_points`` is False) and
    the plugins folder, minus the blocked ones. ``failure_log`` keeps the failures met while
    working, for ``assettrack plugins`` to show later."""
    settings = settings or {}
    env = os.environ if env is None else env
    host = PluginHost()
    host.log = failure_log
    host.block(blocked_plugins(settings, env))
    host.load_modules(DEFAULT_PLUGINS)
    if entry_points:
        host.load_entry_points()
    host.load_folder(plugins_folder(settings))
    return Extensions(host)

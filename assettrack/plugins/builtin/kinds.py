"""The four kinds of equipment every installation has."""

from __future__ import annotations

from collections.abc import Callable

from assettrack.plugins.hookspecs import hookimpl
from assettrack.plugins.types import AssetKind


@hookimpl
def assettrack_asset_kinds(register: Callable[[AssetKind], None]) -> None:
    register(AssetKind("router", "Router"))
    register(AssetKind("switch", "Switch"))
    register(AssetKind("firewall", "Firewall"))
    register(AssetKind("gateway", "Security gateway"))

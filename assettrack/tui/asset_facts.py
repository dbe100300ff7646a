"""What the asset table shows and searches for each asset, as plain text.

Plain strings, so the start-up snapshot (``row_snapshot``) can keep them in a file. Nothing
here imports Textual or Rich: the snapshot is checked, and made, before they are imported.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from assettrack.domain.models import Asset
    from assettrack.services.assets import AssetRegister, AssetView


class AssetFacts(NamedTuple):
    """What the asset table shows and searches for one asset, as text."""

    id: str
    site: str
    customer: str
    kind: str
    vendor: str
    model: str
    serial: str
    hostname: str
    location: str
    firmware: str
    ends: str  # ISO date of the warranty's last day, "" if unknown
    inspected: str  # ISO date of the last inspection, "" if never
    address: str
    tags: str  # space-separated


def facts_of(view: AssetView) -> AssetFacts:
    a = view.asset
    end = view.warranty.end
    return AssetFacts(
        a.id,
        view.site_name,
        view.customer,
        a.kind,
        a.vendor,
        a.model,
        a.serial_number,
        a.hostname,
        a.location,
        a.firmware,
        end.isoformat() if end else "",
        a.last_inspection.isoformat() if a.last_inspection else "",
        a.management_address,
        " ".join(a.tags),
    )


def register_facts(
    register: AssetRegister, today: date, assets: Iterable[Asset] | None = None
) -> list[AssetFacts]:
    """The facts of every asset in ``register`` (or of ``assets``), as of ``today``."""
    return [facts_of(v) for v in register.views(today, assets)]

"""CSV and JSON export of assets with their warranty status."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING

from assettrack.plugins.hookspecs import hookimpl
from assettrack.plugins.types import Exporter

if TYPE_CHECKING:
    from assettrack.services.assets import AssetView

# Each format imports its writer when used: every command loads this plugin, few export.


def _csv(views: Sequence[AssetView], today: date, *, excel_bom: bool = False) -> str:
    from assettrack.services.asset_export import HeldViews, held_csv

    if isinstance(views, HeldViews):  # the held rows, not decoded (export assets)
        return held_csv(views.register, views.rows, views.today, excel_bom=excel_bom)
    from assettrack.services.asset_transfer import assets_csv

    return assets_csv(views, excel_bom=excel_bom)


def _excel_csv(views: Sequence[AssetView], today: date) -> str:
    return _csv(views, today, excel_bom=True)


def _json(views: Sequence[AssetView], today: date) -> str:
    from assettrack.services.asset_transfer import assets_json

    return assets_json(views, today, newline=True)  # one copy of 50,000 assets' text, not two


@hookimpl
def assettrack_register_exporters(register: Callable[[Exporter], None]) -> None:
    register(Exporter("csv", "CSV, safe to open in a spreadsheet", "csv", _csv))
    register(Exporter("excel-csv", "CSV with a UTF-8 BOM for Excel", "csv", _excel_csv))
    register(Exporter("json", "JSON with warranty status", "json", _json))

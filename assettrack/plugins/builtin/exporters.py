"""CSV and JSON export of assets with their warranty status."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from assettrack.plugins.hookspecs import hookimpl
from assettrack.plugins.types import Exporter
from assettrack.services.asset_transfer import assets_csv, assets_json
from assettrack.services.assets import AssetView


def _csv(views: Sequence[AssetView], today: date) -> str:
    return assets_csv(views)


def _excel_csv(views: Sequence[AssetView], today: date) -> str:
    return assets_csv(views, excel_bom=True)


def _json(views: Sequence[AssetView], today: date) -> str:
    return assets_json(views, today) + "\n"


@hookimpl
def assettrack_register_exporters(register: Callable[[Exporter], None]) -> None:
    register(Exporter("csv", "CSV, safe to open in a spreadsheet", "csv", _csv))
    register(Exporter("excel-csv", "CSV with a UTF-8 BOM for Excel", "csv", _excel_csv))
    register(Exporter("json", "JSON with warranty status", "json", _json))

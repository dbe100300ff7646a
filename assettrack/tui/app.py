"""The assettrack terminal app: built by ``make_app`` for the CLI and the tests alike."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import DataTable, Footer, Header

from assettrack.services.assets import AssetRegister, AssetView

STATUS_STYLE = {
    "active": "green",
    "expiring": "bold yellow",
    "expired": "bold red",
    "unknown": "dim",
}
COLUMNS = (
    "Site",
    "Kind",
    "Vendor",
    "Model",
    "Serial",
    "Location",
    "Firmware",
    "Warranty ends",
    "Status",
)


def status_text(view: AssetView) -> Text:
    return Text(view.warranty.label, style=STATUS_STYLE[view.warranty.state.value])


class AssetTrackApp(App[None]):
    TITLE = "assettrack"
    BINDINGS: ClassVar = [("q", "quit", "Quit")]

    def __init__(self, register: AssetRegister, today: date) -> None:
        super().__init__()
        self.register = register
        self.today = today

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(id="assets", zebra_stripes=True, cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#assets", DataTable)
        table.add_columns(*COLUMNS)
        views = sorted(
            self.register.views(self.today),
            key=lambda v: (v.site_name, v.asset.kind, v.asset.serial_number),
        )
        for view in views:
            a = view.asset
            table.add_row(
                view.site_name,
                a.kind,
                a.vendor,
                a.model,
                a.serial_number,
                a.location,
                a.firmware,
                str(view.warranty.end or ""),
                status_text(view),
                key=a.id,
            )
        self.sub_title = f"{len(views)} assets · as of {self.today}"


def make_app(register: AssetRegister, today: date) -> AssetTrackApp:
    return AssetTrackApp(register, today)

"""Import a spreadsheet (CSV) of sites, or of assets with their sites; all or nothing.

A refused file writes nothing; each of its problems is listed on a line of its own, with the
line of the file it is on, so the file can be fixed and imported again.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from assettrack.errors import AssetTrackError
from assettrack.i18n import N_, _
from assettrack.i18n.errors import error_text
from assettrack.tui.context import TuiContext

KINDS: tuple[tuple[str, str], ...] = (
    (N_("Assets with their sites (new sites and customers are made)"), "assets"),
    (N_("Customers"), "customers"),
    (N_("Sites (their customers first)"), "sites"),
    (N_("Contracts (their customers and sites first)"), "contracts"),
)
IMPORTED = {"customers": N_("customers"), "sites": N_("sites"), "contracts": N_("contracts")}
# The column names are the files' own (the same in both languages): only the words around.
COLUMNS = {
    "assets": N_(
        "columns: customer, site, kind, vendor, model, serial_number; optional: "
        "hostname, location, installed_on, warranty_end, notes…"
    ),
    "customers": N_("columns: name; optional: name_en, code, notes, contacts (see below)"),
    "sites": N_(
        "columns: customer, name; optional: address, directions, contacts, "
        "scheduled_per_month, preferred_weekdays, engineer…"
    ),
    "contracts": N_(
        "columns: number, customer, value; optional: starts_on, ends_on, "
        "service_years, warranty_months, warranty_ends_on, sites, cap_percents, notes"
    ),
}
CONTACTS_HINT = N_("contacts: name | role | mobile | office phone | e-mail | signs, joined by ;")


def import_file(context: TuiContext, kind: str, path: Path) -> str:
    """Import ``path``; what was added, in a sentence. Raises AssetTrackError (with the
    file's problems in ``problems`` when it was read but refused)."""
    register = context.register
    if kind == "assets":
        from assettrack.services.asset_transfer import import_assets

        done, _encoding = import_assets(register, path, create_sites=True)
        register.refresh()
        return _(
            "Imported {assets} asset(s), {sites} new site(s) and {customers} new customer(s)"
        ).format(assets=len(done.assets), sites=len(done.sites), customers=len(done.customers))
    from assettrack.services.catalog_transfer import import_catalog_file

    result, _encoding = import_catalog_file(kind, register, path)
    register.refresh()
    return _("Imported {kind}: {added} added, {updated} updated").format(
        kind=_(IMPORTED.get(kind, kind)),
        added=len(result.added),
        updated=len(result.updated),
    )


class ImportScreen(ModalScreen[str | None]):
    """Dismissed with what was imported, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", N_("Close"))]

    def __init__(self, context: TuiContext) -> None:
        super().__init__()
        self.context = context
        self.done: str | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog import-dialog"):
            yield Label(_("Import a spreadsheet"), classes="dialog-title")
            yield Static(
                _(
                    "Save it as CSV, column names in the first row. One bad row and nothing "
                    "is written."
                ),
                classes="dim",
            )
            yield Select(
                [(_(shown), kind) for shown, kind in KINDS],
                value="assets",
                allow_blank=False,
                id="import-kind",
            )
            yield Static(_(COLUMNS["assets"]), id="import-columns", classes="dim")
            yield Input(placeholder=_("the CSV file, e.g. ~/assets.csv"), id="import-path")
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Import"), variant="primary", id="import")
                yield Button(_("Close"), id="close")
            yield Static("", id="import-result")

    def on_mount(self) -> None:
        self.query_one("#import-path", Input).focus()

    @on(Select.Changed, "#import-kind")
    def _kind_chosen(self, event: Select.Changed) -> None:
        kind = str(event.value)
        contacts = f"\n{_(CONTACTS_HINT)}" if kind in ("customers", "sites") else ""
        self.query_one("#import-columns", Static).update(_(COLUMNS.get(kind, "")) + contacts)

    @on(Input.Submitted, "#import-path")
    def _path_given(self) -> None:
        self.action_import()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "import":
            self.action_import()
        else:
            self.action_close()

    def action_import(self) -> None:
        result = self.query_one("#import-result", Static)
        text = self.query_one("#import-path", Input).value.strip()
        result.remove_class("import-failed")
        if not text:
            self._failed([_("give the path of the CSV file")])
            return
        kind = str(self.query_one("#import-kind", Select).value)
        try:
            added = import_file(self.context, kind, Path(text).expanduser())
        except AssetTrackError as exc:
            problems = [str(p) for p in getattr(exc, "problems", ())]
            if problems:
                self._failed(
                    problems,
                    _("Nothing imported: {count} problem(s) to fix").format(count=len(problems)),
                )
            else:
                self._failed([error_text(exc)])
            return
        self.done = added
        result.update(f"✓ {added}")
        self._show_result()
        self.notify(added)
        self.query_one("#close", Button).focus()

    def _failed(self, lines: list[str], heading: str = "") -> None:
        """One line per problem, under a heading saying nothing was written."""
        result = self.query_one("#import-result", Static)
        shown = [heading] if heading else []
        result.update("\n".join(shown + [f"⚠ {line}" for line in lines]))
        result.add_class("import-failed")
        self._show_result()

    def _show_result(self) -> None:
        # On a small terminal the result is below the fold: scroll to it once the dialog
        # has been laid out again with the new lines (a few refreshes later).
        dialog = self.query_one(".import-dialog", VerticalScroll)
        result = self.query_one("#import-result", Static)

        def scroll() -> None:
            dialog.scroll_to_widget(result, top=True, animate=False)

        self.set_timer(0.05, scroll)

    def action_close(self) -> None:
        self.dismiss(self.done)

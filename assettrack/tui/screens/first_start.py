"""Getting started: what assettrack needs, and three ways to give it.

Shown as a screen of its own when the database is empty, and in place of the empty tables
of the Sites and Assets screens until there are sites and assets.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, Header, Label, Static

from assettrack.i18n import N_, _
from assettrack.tui import customer_flows
from assettrack.tui.context import TuiContext
from assettrack.tui.customer_flows import Progress
from assettrack.tui.widgets.footer import Footer

NEEDS = N_(
    "assettrack keeps, in this order:\n"
    "  1. customers: who you work for (name, short code, contacts)\n"
    "  2. sites: each customer's places you visit (address, contacts, visit plan)\n"
    "  3. assets: the devices at each site (vendor, model, serial, warranty)\n"
    "and, if service after warranty is charged, a contract per customer (F8)."
)
WAYS: tuple[tuple[str, str, str], ...] = (
    ("by-hand", "c", N_("a customer, then its site, then its first asset")),
    ("import", "i", N_("a CSV of assets with their sites; or of customers, sites, contracts")),
    ("demo", "d", N_("made-up data in a database of its own; yours stays as it is")),
)
DEMO_TEXT = N_(
    "The demo is a database of its own: made-up customers, sites, about 200 assets and a "
    "year of visits and faults. Your database stays as it is.\n\n"
    "To open it later, run:  assettrack demo"
)


def by_hand_label(now: Progress | None) -> str:
    if now is None or not now.customers:
        return _("Add a customer and a site")
    if not now.sites:
        return _("Add a site")
    return _("Add an asset")


class GettingStarted(VerticalScroll):
    """The explanation and the three ways in; buttons run the steps themselves."""

    class Changed(Message):
        """Something was added: the screen showing this may have rows to show now."""

        def __init__(self, result: Any) -> None:
            super().__init__()
            self.result = result

    def __init__(
        self,
        context: TuiContext,
        *,
        id: str | None = None,
        keys: bool = False,
        take_focus: bool = False,
    ) -> None:
        super().__init__(id=id, classes="getting-started")
        self.context = context
        self.keys = keys  # name each button's key (where the screen binds them)
        self.take_focus = take_focus

    def compose(self) -> ComposeResult:
        yield Label(_("Getting started"), classes="guide-title")
        yield Static(_(NEEDS), classes="guide-text")
        yield Static("", classes="guide-progress")
        for way, key, what in WAYS:
            with Horizontal(classes="guide-way"):
                yield Button(self._label(way, key, None), id=way, classes="guide-button")
                yield Static(_(what), classes="guide-what")

    def _label(self, way: str, key: str, now: Progress | None) -> str:
        text = {"import": _("Import a spreadsheet"), "demo": _("About the demo")}.get(way)
        text = text or by_hand_label(now)
        return f"{text} ({key})" if self.keys else text

    def on_mount(self) -> None:
        self.show_progress()
        if self.take_focus:
            self.focus_first()

    def show_progress(self) -> None:
        """Counts so far (none while the store is still loading)."""
        now = customer_flows.progress(self.context) if self.context.ready else None
        self.query_one("#by-hand", Button).label = self._label("by-hand", "c", now)
        text = (
            _("So far: {customers} customer(s) · {sites} site(s) · {assets} asset(s)").format(
                customers=now.customers, sites=now.sites, assets=now.assets
            )
            if now
            else ""
        )
        self.query_one(".guide-progress", Static).update(text)

    def retranslate(self) -> None:
        for way, key, _what in WAYS:
            self.query_one(f"#{way}", Button).label = self._label(way, key, None)
        self.show_progress()

    def focus_first(self) -> None:
        self.query_one("#by-hand", Button).focus()

    @on(Button.Pressed, ".guide-button")
    def _chosen(self, event: Button.Pressed) -> None:
        event.stop()
        self.choose(event.button.id or "")

    def choose(self, way: str) -> None:
        app = self.app
        if way == "by-hand":
            customer_flows.start_by_hand(app, self.context, self._changed)
        elif way == "import":
            from assettrack.tui.screens.import_sheet import ImportScreen

            app.push_screen(ImportScreen(self.context), self._changed)
        elif way == "demo":
            from assettrack.tui.screens.dialogs import MessageModal

            app.push_screen(MessageModal(_("The demo"), _(DEMO_TEXT)))

    def _changed(self, result: Any) -> None:
        self.show_progress()
        self.post_message(self.Changed(result))


class FirstStartScreen(Screen[None]):
    TITLE = N_("Welcome to assettrack")  # translated where shown (tui.language)
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "way('by-hand')", N_("By hand")),
        Binding("i", "way('import')", N_("Import")),
        Binding("d", "way('demo')", N_("Demo")),
        Binding("escape", "close", N_("Close")),
    ]

    def __init__(self, context: TuiContext) -> None:
        super().__init__()
        self.context = context

    def compose(self) -> ComposeResult:
        yield Header()
        yield GettingStarted(self.context, id="first-start", keys=True)
        yield Footer()

    def on_mount(self) -> None:
        self.title = _(self.TITLE)
        self.query_one(GettingStarted).focus_first()

    def action_way(self, way: str) -> None:
        self.query_one(GettingStarted).choose(way)

    def action_close(self) -> None:
        self.dismiss(None)

    def reload(self) -> None:
        """Others saved meanwhile (the app's poll; the command line, a merge): the counts
        as they are now. The guidance stays until it is closed."""
        self.query_one(GettingStarted).show_progress()

    @on(GettingStarted.Changed)
    def _changed(self) -> None:
        # Once there are assets the guidance has done its job: show them.
        if customer_flows.progress(self.context).assets:
            self.dismiss(None)

"""Every key of the app, in one place (key names too are msgids: "enter / double-click")."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from assettrack.i18n import N_, _, pgettext

KEYS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    (
        N_("Everywhere"),
        (
            ("F1 / ?", N_("this help")),
            ("F2", N_("sites")),
            ("F3", N_("assets")),
            ("F4", N_("warranty review")),
            ("F5", N_("visits")),
            ("F6", N_("faults")),
            ("F7", N_("merge conflicts")),
            ("F8", N_("contracts and charges")),
            ("F9", N_("known problems")),
            ("ctrl+g", N_("sync with the team's remote (assettrack sync)")),
            ("ctrl+p", N_("command palette")),
            ("ctrl+t", N_("light / dark theme")),
            ("ctrl+q", N_("quit")),
        ),
    ),
    (
        N_("Tables"),
        (
            ("↑ ↓ PgUp PgDn Home End", N_("move")),
            (N_("enter / double-click"), N_("open")),
            (N_("click a column title"), N_("sort by it (again: reverse)")),
        ),
    ),
    (
        N_("Assets"),
        (
            (N_("type any text / /"), N_("filter across all columns")),
            (N_("↓ / ↑ in the filter"), N_("into the list (then enter opens the asset)")),
            ("esc", N_("clear the filter (the cursor stays on its asset)")),
            ("s / r", N_("sort by the next column / reverse")),
            ("n", N_("new asset")),
            ("i", N_("inspect the highlighted asset")),
            ("v", N_("start a visit (a site's assets, opened from Sites)")),
        ),
    ),
    (
        N_("Sites"),
        (
            (
                "v",
                N_("start a visit at the site (s, o, p or c for its kind), or open its visit"),
            ),
            ("", N_("while it is open, inspections and faults at the site join it")),
            ("n", N_("new site of the selected customer (a customer first, if there is none)")),
            ("e", N_("edit the highlighted site")),
            ("d", N_("remove it (kept while it has assets or records)")),
            ("", N_("a customer with no site yet has a row: n, e and d work on it")),
            ("c / C", N_("new customer / edit the site's customer")),
            ("enter", N_("the site's assets")),
        ),
    ),
    (
        N_("Asset detail"),
        (
            ("e", N_("edit")),
            ("i", N_("inspect (resumes the draft, or starts one)")),
            ("↑ ↓ / enter", N_("pick an inspection / open it (read-only once complete)")),
            ("d", N_("discard the highlighted draft (asks first)")),
            ("PgUp PgDn", N_("scroll")),
            ("esc", N_("back")),
        ),
    ),
    (
        N_("Forms"),
        (
            ("tab / enter", N_("next field")),
            ("ctrl+s", N_("save (problems are shown beside their fields)")),
            ("esc", N_("cancel")),
            ("space", N_("tick a box or a contract's site")),
        ),
    ),
    (
        N_("Getting started"),
        (
            ("c", N_("a customer, its site, its first asset, one form after another")),
            ("i", N_("import a spreadsheet (CSV)")),
            ("d", N_("about the demo")),
        ),
    ),
    (
        N_("Inspection"),
        (
            ("p / f / n", N_("pass / fail / not applicable")),
            ("v", N_("type a value")),
            ("t", N_("type a note")),
            ("r", N_("read the device over its console")),
            ("a", N_("accept the firmware the device reports into the register")),
            ("esc", N_("cancel a read, or go back")),
            ("c", N_("complete")),
            ("s", N_("customer sign-off")),
            ("d", N_("discard the draft (asks first; a completed record stays)")),
            ("e", N_("attach a photo or file to the highlighted item (until signed)")),
        ),
    ),
    (
        N_("Visits"),
        (
            ("l", N_("the month's visits / the plan (enter opens a visit)")),
            ("n", N_("record a visit done earlier")),
            ("o", N_("overdue only on/off")),
            ("[ / ]", N_("previous / next month")),
            ("r", N_("the site's month report as PDF")),
        ),
    ),
    (
        N_("A visit"),
        (
            ("enter", N_("inspect the highlighted device within the visit")),
            ("f / F", N_("a fault found on site / open one of the visit's faults")),
            ("h / x", N_("a hazard found (removed now?) / mark one removed")),
            ("p / u", N_("a parameter change (what, from, to, why) / a firmware upgrade")),
            ("q", N_("the customer's survey (scores and comments)")),
            ("a", N_("attach a photo or file; files dropped into the inbox join the visit")),
            ("e", N_("edit kind, engineer, times, checks, notes (until signed)")),
            ("c", N_("complete: says what is missing, or records why it was not done")),
            ("s", N_("the customer signs (the site's sign-off contact is offered)")),
            ("r / o", N_("write the maintenance record (PDF and Markdown) / open it")),
            ("A / D", N_("amend a signed visit / remove an empty one")),
        ),
    ),
    (
        N_("Faults"),
        (
            ("n", N_("report a fault (known problems are suggested)")),
            ("enter", N_("open the fault")),
            ("1 / 2 / 3", N_("responded / on site / resolved now (asks before replacing)")),
            ("m", N_("targets: at risk or missed / missed / all")),
            ("o / l / s", N_("open or resolved / level / site")),
        ),
    ),
    (
        N_("A fault"),
        (
            ("t", N_("type the times (each change is kept: who, when, old → new)")),
            ("e / w", N_("symptom, cause, result, diagnosis, parts / warranty decision")),
            ("l / r", N_("loaner / escalation to the manufacturer (RMA, case)")),
            ("k / p", N_("attach a known problem / make the resolved fault one")),
            ("a", N_("attach a photo or file (path, or the inbox folder's files)")),
        ),
    ),
    (N_("Merge conflicts"), (("l / t", N_("keep ours / keep theirs")),)),
    (
        N_("Contracts (F8)"),
        (
            ("n", N_("new contract")),
            ("e / enter", N_("edit the highlighted contract")),
            ("r", N_("renewals: only contracts ending soon, on/off")),
            ("w", N_("renewal window: 30 / 60 / 90 / 180 / 365 days")),
        ),
    ),
    (
        N_("Warranty review"),
        (
            ("3 / 6 / 9", N_("within 30 / 60 / 90 days")),
            ("x", N_("show / hide the expired (hidden at first)")),
            ("g", N_("group by month / site")),
            ("e", N_("export CSV")),
        ),
    ),
)


def key_help(text: str) -> str:
    """What a key does; "open" is the action here, not a fault's state."""
    if text == "open":
        return pgettext("key help", "open")
    return _(text)


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,f1,question_mark", "dismiss", N_("Close")),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog help"):
            yield Static(self.keys_table(), id="help-keys")
            yield Static(_("Press esc to close."), classes="dim")

    @staticmethod
    def keys_table() -> Table:
        table = Table(box=None, expand=True, show_header=False, padding=(0, 1))
        table.add_column(style="bold cyan", no_wrap=True)
        table.add_column()
        for section, keys in KEYS:
            table.add_row(f"[b u]{_(section)}[/]", "")
            for key, what in keys:
                table.add_row(_(key), key_help(what))
        return table

    def retranslate(self) -> None:
        self.query_one("#help-keys", Static).update(self.keys_table())

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(None)

"""Every key of the app, in one place."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

KEYS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    (
        "Everywhere",
        (
            ("F1 / ?", "this help"),
            ("F2", "sites"),
            ("F3", "assets"),
            ("F4", "warranty review"),
            ("F5", "visits"),
            ("F6", "faults"),
            ("F7", "merge conflicts"),
            ("F8", "contracts and charges"),
            ("F9", "known problems"),
            ("ctrl+g", "sync with the team's remote (assettrack sync)"),
            ("ctrl+p", "command palette"),
            ("ctrl+t", "light / dark theme"),
            ("ctrl+q", "quit"),
        ),
    ),
    (
        "Tables",
        (
            ("↑ ↓ PgUp PgDn Home End", "move"),
            ("enter / double-click", "open"),
            ("click a column title", "sort by it (again: reverse)"),
        ),
    ),
    (
        "Assets",
        (
            ("type any text / /", "filter across all columns"),
            ("↓ / ↑ in the filter", "into the list (then enter opens the asset)"),
            ("esc", "clear the filter (the cursor stays on its asset)"),
            ("s / r", "sort by the next column / reverse"),
            ("n", "new asset"),
            ("i", "inspect the highlighted asset"),
            ("v", "start a visit (a site's assets, opened from Sites)"),
        ),
    ),
    (
        "Sites",
        (
            ("v", "start a visit at the site (s, o, p or c for its kind), or open its visit"),
            ("", "while it is open, inspections and faults at the site join it"),
            ("n", "new site of the selected customer (a customer first, if there is none)"),
            ("e", "edit the highlighted site"),
            ("d", "remove it (kept while it has assets or records)"),
            ("", "a customer with no site yet has a row: n, e and d work on it"),
            ("c / C", "new customer / edit the site's customer"),
            ("enter", "the site's assets"),
        ),
    ),
    (
        "Asset detail",
        (
            ("e", "edit"),
            ("i", "inspect (resumes the draft, or starts one)"),
            ("↑ ↓ / enter", "pick an inspection / open it (read-only once complete)"),
            ("d", "discard the highlighted draft (asks first)"),
            ("PgUp PgDn", "scroll"),
            ("esc", "back"),
        ),
    ),
    (
        "Forms",
        (
            ("tab / enter", "next field"),
            ("ctrl+s", "save (problems are shown beside their fields)"),
            ("esc", "cancel"),
            ("space", "tick a box or a contract's site"),
        ),
    ),
    (
        "Getting started",
        (
            ("c", "a customer, its site, its first asset, one form after another"),
            ("i", "import a spreadsheet (CSV)"),
            ("d", "about the demo"),
        ),
    ),
    (
        "Inspection",
        (
            ("p / f / n", "pass / fail / not applicable"),
            ("v", "type a value"),
            ("t", "type a note"),
            ("r", "read the device over its console"),
            ("a", "accept the firmware the device reports into the register"),
            ("esc", "cancel a read, or go back"),
            ("c", "complete"),
            ("s", "customer sign-off"),
            ("d", "discard the draft (asks first; a completed record stays)"),
            ("e", "attach a photo or file to the highlighted item (until signed)"),
        ),
    ),
    (
        "Visits",
        (
            ("l", "the month's visits / the plan (enter opens a visit)"),
            ("n", "record a visit done earlier"),
            ("o", "overdue only on/off"),
            ("[ / ]", "previous / next month"),
            ("r", "the site's month report as PDF"),
        ),
    ),
    (
        "A visit",
        (
            ("enter", "inspect the highlighted device within the visit"),
            ("f / F", "a fault found on site / open one of the visit's faults"),
            ("h / x", "a hazard found (removed now?) / mark one removed"),
            ("p / u", "a parameter change (what, from, to, why) / a firmware upgrade"),
            ("q", "the customer's survey (scores and comments)"),
            ("a", "attach a photo or file; files dropped into the inbox join the visit"),
            ("e", "edit kind, engineer, times, checks, notes (until signed)"),
            ("c", "complete: says what is missing, or records why it was not done"),
            ("s", "the customer signs (the site's sign-off contact is offered)"),
            ("r / o", "write the maintenance record (PDF and Markdown) / open it"),
            ("A / D", "amend a signed visit / remove an empty one"),
        ),
    ),
    (
        "Faults",
        (
            ("n", "report a fault (known problems are suggested)"),
            ("enter", "open the fault"),
            ("1 / 2 / 3", "responded / on site / resolved now (asks before replacing)"),
            ("m", "targets: at risk or missed / missed / all"),
            ("o / l / s", "open or resolved / level / site"),
        ),
    ),
    (
        "A fault",
        (
            ("t", "type the times (each change is kept: who, when, old → new)"),
            ("e / w", "symptom, cause, result, diagnosis, parts / warranty decision"),
            ("l / r", "loaner / escalation to the manufacturer (RMA, case)"),
            ("k / p", "attach a known problem / make the resolved fault one"),
            ("a", "attach a photo or file (path, or the inbox folder's files)"),
        ),
    ),
    ("Merge conflicts", (("l / t", "keep ours / keep theirs"),)),
    (
        "Contracts (F8)",
        (
            ("n", "new contract"),
            ("e / enter", "edit the highlighted contract"),
            ("r", "renewals: only contracts ending soon, on/off"),
            ("w", "renewal window: 30 / 60 / 90 / 180 / 365 days"),
        ),
    ),
    (
        "Warranty review",
        (
            ("3 / 6 / 9", "within 30 / 60 / 90 days"),
            ("x", "show / hide the expired (hidden at first)"),
            ("g", "group by month / site"),
            ("e", "export CSV"),
        ),
    ),
)


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,f1,question_mark", "dismiss", "Close"),
    ]

    def compose(self) -> ComposeResult:
        table = Table(box=None, expand=True, show_header=False, padding=(0, 1))
        table.add_column(style="bold cyan", no_wrap=True)
        table.add_column()
        for section, keys in KEYS:
            table.add_row(f"[b u]{section}[/]", "")
            for key, what in keys:
                table.add_row(key, what)
        with VerticalScroll(classes="dialog help"):
            yield Static(table)
            yield Static("Press esc to close.", classes="dim")

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(None)

"""The base of known problems: type to search symptoms, causes and solutions."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.screen import Screen
from textual.widgets import Header, Input, Static

from assettrack.domain.known_problems import KnownProblem
from assettrack.i18n import N_, _
from assettrack.services.known_problems import KnownProblemService
from assettrack.tui.context import TuiContext
from assettrack.tui.widgets.fast_table import Column, FastTable, Row
from assettrack.tui.widgets.footer import Footer

COLUMNS = (
    Column("title", N_("Problem"), max_width=34),
    Column("vendor", N_("Vendor"), max_width=10),
    Column("symptom", N_("Symptom"), max_width=40),
    Column("solution", N_("Solution"), max_width=50),
)


class KnownProblemsScreen(Screen[None]):
    TITLE = N_("Known problems")  # translated where shown (tui.language)
    BINDINGS: ClassVar[list[BindingType]] = []

    def __init__(self, context: TuiContext) -> None:
        super().__init__()
        self.context = context
        self.problems: dict[str, KnownProblem] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(
            placeholder=_("Describe the symptom: the most similar problems come first"),
            id="problem-search",
        )
        yield FastTable(COLUMNS, id="problems")
        yield Static(id="problem-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.title = _(self.TITLE)
        self.reload()
        self.query_one("#problem-search", Input).focus()

    def service(self) -> KnownProblemService:
        faults = self.context.faults
        assert faults is not None
        return KnownProblemService(self.context.register.store, faults.config)

    @on(Input.Changed, "#problem-search")
    def reload(self) -> None:
        service = self.service()
        text = self.query_one("#problem-search", Input).value.strip()
        problems = [m.problem for m in service.search(text, limit=50)] if text else service.all()
        self.problems = {p.id: p for p in problems}
        self.query_one(FastTable).set_rows(
            [Row(p.id, (p.title, p.vendor, p.symptom, p.solution)) for p in problems]
        )

    @on(FastTable.RowHighlighted)
    def _detail(self, event: FastTable.RowHighlighted) -> None:
        problem = self.problems.get(event.key or "")
        if problem is None:
            self.query_one("#problem-detail", Static).update("")
            return
        # Text, not markup: a symptom may contain brackets.
        self.query_one("#problem-detail", Static).update(
            Text.assemble(
                (problem.title, "bold"),
                "\n" + _("Symptom: {text}").format(text=problem.symptom),
                "\n" + _("Cause: {text}").format(text=problem.cause or "?"),
                "\n" + _("Solution: {text}").format(text=problem.solution),
            )
        )

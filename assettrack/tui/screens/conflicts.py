"""Records edited on two laptops: both versions side by side, the engineer chooses."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Header, Static

from assettrack.errors import AssetTrackError
from assettrack.i18n import N_, _
from assettrack.i18n.errors import error_text, translated
from assettrack.services.sync import Conflict, list_conflicts, resolve_conflict
from assettrack.tui.context import TuiContext
from assettrack.tui.widgets.fast_table import Column, FastTable, Row
from assettrack.tui.widgets.footer import Footer

COLUMNS = (
    Column("what", N_("Record"), max_width=36),
    Column("fields", N_("Fields that differ"), max_width=30),
    Column("local", N_("Here (by, at)"), max_width=28),
    Column("theirs", N_("Theirs (by, at)"), max_width=28),
)


class ConflictsScreen(Screen[None]):
    TITLE = N_("Merge conflicts")  # translated where shown (tui.language)
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("l", "keep('local')", N_("Keep ours")),
        Binding("t", "keep('theirs')", N_("Keep theirs")),
    ]

    def __init__(self, context: TuiContext) -> None:
        super().__init__()
        self.context = context
        self.conflicts: dict[str, Conflict] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="conflicts-summary")
        yield FastTable(COLUMNS, id="conflicts")
        yield Static(id="conflict-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.title = _(self.TITLE)
        self.reload()
        self.query_one(FastTable).focus()

    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self) -> None:
        found = list_conflicts(self.context.register.store)
        self.conflicts = {c.id: c for c in found}
        self.query_one(FastTable).set_rows(
            [
                Row(
                    c.id,
                    (
                        translated(c.label),
                        ", ".join(c.fields),
                        f"{c.local_by} {c.local_at}",
                        f"{c.theirs_by} {c.theirs_at}",
                    ),
                )
                for c in found
            ]
        )
        summary = (
            _(
                " {count} record(s) were changed both here and on another laptop; nothing was "
                "overwritten. l keeps ours, t keeps theirs."
            ).format(count=len(found))
            if found
            else _(" No conflicts: every merge so far went through on its own.")
        )
        # The widget pads; the texts' own leading space would indent only the first line.
        self.query_one("#conflicts-summary", Static).update(summary.strip())

    @on(FastTable.RowHighlighted)
    def _show(self, event: FastTable.RowHighlighted) -> None:
        conflict = self.conflicts.get(event.key or "")
        detail = self.query_one("#conflict-detail", Static)
        if conflict is None:
            detail.update("")
            return
        table = Table(expand=True, title=translated(conflict.label), title_justify="left")
        table.add_column(_("Field"), style="bold")
        table.add_column(_("Here"))
        table.add_column(_("Theirs"))
        for name in conflict.fields:
            table.add_row(
                name,
                str((conflict.local or {}).get(name, _("(deleted)"))),
                str(conflict.theirs.get(name, "")),
            )
        detail.update(table)

    def action_keep(self, side: str) -> None:
        key = self.query_one(FastTable).current_key
        if not key:
            return
        try:
            resolve_conflict(self.context.register.store, key, side)
        except AssetTrackError as exc:
            self.notify(error_text(exc), severity="error")
            return
        # The kept copy may be an asset or a site: let every screen see it.
        self.context.register.store.assets.reload()
        self.context.register.refresh()
        self.notify(_("Kept ours") if side == "local" else _("Kept theirs"))
        self.reload()

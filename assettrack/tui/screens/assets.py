"""Every asset (or one site's): type to filter across all columns, sort by any column."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.events import Key
from textual.screen import Screen
from textual.widgets import Header, Input, Static

from assettrack.bulk import bulk_build
from assettrack.i18n import N_, _
from assettrack.i18n.formats import format_number
from assettrack.tui.asset_facts import AssetFacts
from assettrack.tui.context import TuiContext
from assettrack.tui.row_facts import facts_of_rows
from assettrack.tui.rows import ASSET_COLUMNS, AssetRows
from assettrack.tui.widgets.fast_table import FastTable, Row
from assettrack.tui.widgets.footer import Footer

if TYPE_CHECKING:
    from collections.abc import Sequence

    from assettrack.domain.models import Site


# Keys that leave the filter box for the table, and how far they move its cursor.
TABLE_MOVES = {"down": 1, "up": -1}
# Rows whose filter text is made in one idle moment (about 10 ms): typing stays responsive.
FILTER_PIECE = 5_000
# From this many rows on, the first paint makes and shows only the rows that fit on the
# screen (with the true count and widths) and the table takes the rest right behind it:
# making and sorting 50,000 rows is 35-40 ms of a start.
FIRST_SCREEN_FROM = 2_000


class AssetsScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "focus_filter", N_("Filter")),
        Binding("escape", "clear_filter", N_("Clear filter"), show=False),
        Binding("enter", "open", N_("Open"), show=False),
        Binding("n", "new_asset", N_("New asset")),
        Binding("i", "inspect", N_("Inspect")),
        Binding("v", "start_visit", N_("Start visit")),  # a site's assets only
        Binding("s", "sort_next", N_("Sort")),
        Binding("r", "sort_reverse", N_("Reverse"), show=False),
    ]

    def __init__(self, context: TuiContext, site: Site | None = None) -> None:
        super().__init__()
        self.context = context
        self.site = site
        self.all_rows = AssetRows([], context.today, context.thresholds)
        self.all_widths: list[int] | None = None  # of every row, once measured
        self.all_rows_order: tuple[int | None, bool] | None = None  # the rows' sort state
        # Set while keys typed in the table are on their way to the filter, so a fast typist's
        # "cisco" does not fire the i and s bindings before the focus has moved.
        self.typing_into_filter = False
        self.loaded_generation = -1

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="filter-bar"):
            yield Input(
                placeholder=_("Type to filter: site, vendor, model, serial, status…"),
                id="filter",
                select_on_focus=False,  # keep the first letter typed in the table
            )
            yield Static("", id="count")
        yield FastTable(ASSET_COLUMNS, id="assets")
        yield Footer()

    def on_mount(self) -> None:
        self.retranslate()
        self._show_visit()
        try:
            first_rows = self.context.first_rows if self.site is None else None
        except Exception as error:  # read on the way here (no snapshot): said once we end
            self.app.failed_to_load(error)  # type: ignore[attr-defined]
            return
        if first_rows is None:
            self.reload()
        elif self.context.ready:  # the rows the store was loaded with: no need to redo them
            self.loaded_generation = self.context.register.store.assets.generation
            self._show(first_rows)
        else:
            # Paint the snapshot's rows now; the store loads once they are on screen.
            self._show(first_rows, remember=False)
        self._focus_main()
        # A watcher runs as the value changes, so the table is redrawn in the same frame
        # as the filter box (an Input.Changed message would wait for the next frame).
        self.watch(self.query_one("#filter", Input), "value", self._filter_changed, init=False)

    def retranslate(self) -> None:
        """The title (a language switch calls it too)."""
        self.title = _("Assets")
        if self.site:
            self.title += f" · {self.site.customer} / {self.site.name}"

    @on(FastTable.RowsPainted)
    def _rows_on_screen(self) -> None:
        # The first screen's rows are on it: every row now, before a keystroke is read
        # (one that came meanwhile would have taken them already), then the store.
        self._fill_table()
        if not self.context.ready:
            self.app.load_services()  # type: ignore[attr-defined]

    def _fill_table(self) -> None:
        self.query_one(FastTable).fill()

    def _every_row_sorted(self) -> list[Row]:
        """Every row, in the table's order (it showed the first screen's alone): kept in
        that order here too, as ``_order_rows`` keeps them."""
        table = self.query_one(FastTable)
        with bulk_build():
            rows = table.sorted(self.all_rows.rows)
            self.all_rows.reorder(rows)
        self.all_rows_order = table.sort_state
        return rows

    def on_screen_resume(self) -> None:
        if self.site is not None and self.context.ready:
            self._show_visit()  # a visit started or signed meanwhile
        # Rebuild only if assets changed meanwhile (an edit, an inspection, an import).
        # Before the store has loaded there is nothing newer than what is shown.
        if not self.context.ready:
            return
        if self.loaded_generation != self.context.register.store.assets.generation:
            self.reload()

    def reload(self) -> None:
        register = self.context.register
        self.loaded_generation = register.store.assets.generation
        rows = register.store.assets.rows_at(self.site.id) if self.site else None
        self._show(facts_of_rows(register, rows))

    def services_ready(self, facts: Sequence[AssetFacts]) -> None:
        """The store has loaded: its rows replace the snapshot's if they differ, or if
        the plugins now loaded name a kind otherwise."""
        self.loaded_generation = self.context.register.store.assets.generation
        if facts != self.all_rows.facts or self.all_rows.kinds_said_otherwise():
            self._show(facts)
        else:
            self._show_guide(not facts and self.site is None)  # now with the counts

    def _show(self, facts: Sequence[AssetFacts], *, remember: bool = True) -> None:
        self.all_rows = AssetRows(facts, self.context.today, self.context.thresholds)
        self.all_widths = None
        self.all_rows_order = None
        table = self.query_one(FastTable)
        if table.sort_column is None:
            table.sort_column = 0
        key = table.current_key
        with bulk_build():  # sorting and measuring 10,000 rows
            self.apply_filter()
        if key is not None:
            table.move_to_key(key)
        if remember and self.site is None and self.context.on_asset_rows is not None:
            # Once painted: writing the snapshot would hold the interpreter meanwhile.
            self.call_after_refresh(self.context.on_asset_rows, facts)
        self._show_guide(not facts and self.site is None)
        # The filter's text for every row, a piece at a time once the table is on screen.
        self.call_after_refresh(self._prepare_filter, self.all_rows)

    def _prepare_filter(self, rows: AssetRows) -> None:
        # Each piece goes behind the messages waiting (a keystroke is handled first).
        if rows is not self.all_rows:
            return
        self._order_rows(self.query_one(FastTable))
        if not rows.prepare_filter(FILTER_PIECE):
            self.call_later(self._prepare_filter, rows)

    def _order_rows(self, table: FastTable) -> None:
        """Keep every row in the table's sort order, so a filter's rows need no sort. Done
        after the first paint (the table sorted the rows it shows), else at the first
        keystroke or after a sort by another column."""
        table.fill()  # which orders them, if the table had the first screen's rows alone
        if self.all_rows_order == table.sort_state:
            return
        every = self.all_rows.rows
        if len(table.rows) == len(every) and set(map(id, table.rows)) == set(map(id, every)):
            self.all_rows.reorder(table.rows)  # the table shows them all, sorted
        else:
            self.all_rows.reorder(table.sorted(every))
        self.all_rows_order = table.sort_state

    # -- no assets yet: the getting-started guidance instead of an empty table ---------------

    def _show_guide(self, empty: bool) -> None:
        # Mounted (and imported) only when first needed: a register with assets never pays
        # for it.
        guides = self.query(".getting-started")
        if not empty and not guides:
            return
        from assettrack.tui.screens.first_start import GettingStarted

        guides = self.query(GettingStarted)
        table = self.query_one(FastTable)
        self.query_one("#filter-bar").display = not empty
        table.display = not empty
        if empty and not self.context.ready:
            # An empty table never paints a row, so nothing else starts the load.
            self.call_after_refresh(self.app.load_services)  # type: ignore[attr-defined]
        if not guides:
            guide = GettingStarted(self.context, id="assets-guide", take_focus=True)
            self.mount(guide, before=self.query_one(Footer))
            return
        guide = guides.first()
        was_shown, guide.display = guide.display, empty
        if empty:
            guide.show_progress()
        if empty and not was_shown:
            guide.focus_first()
        elif not empty and was_shown:
            table.focus()

    def _focus_main(self) -> None:
        guides = self.query(".getting-started")
        if not (guides and guides.first().display):
            self.query_one(FastTable).focus()  # a guide being mounted takes the focus itself

    def on_getting_started_changed(self, _message: object = None) -> None:
        self.reload()  # something was added through the guidance

    def apply_filter(self) -> None:
        query = self.query_one("#filter", Input).value
        table = self.query_one(FastTable)
        if query:
            self._order_rows(table)
        # The cursor stays on its asset while it is still listed (clearing the filter must
        # not put it on whatever row has its old number); else it starts at the top.
        key = table.current_key
        if not query and self.all_widths is None:
            self.all_widths = self.all_rows.widths()
        if not query and self._first_screen_only(table):
            # Every row's widths and count, the first screen's rows alone: the rest are
            # made when the table first needs them, right behind the paint at the latest.
            shown = len(self.all_rows)
            table.set_rows(
                self.all_rows.first(self.app.size.height),  # no more rows fit on screen
                measure=False,
                widths=self.all_widths,
                total=shown,
                rest=self._every_row_sorted,
            )
        else:
            rows = self.all_rows.filter(query)
            shown = len(rows)
            # Every row: the widths of every row, measured once; a filtered list keeps them.
            table.set_rows(
                rows,
                measure=False,
                widths=None if query else self.all_widths,
                ordered=self.all_rows_order == table.sort_state,
            )
        if not (key and table.move_to_key(key)):
            table.cursor_row = 0
        self.query_one("#count", Static).update(
            _("{shown} of {total}").format(
                shown=format_number(shown), total=format_number(len(self.all_rows))
            ),
            layout=False,
        )

    def _first_screen_only(self, table: FastTable) -> bool:
        """Whether to show the first screen's rows alone: many rows not made yet, shown
        sorted by site (the first column) as every start shows them."""
        return (
            not self.all_rows.made
            and len(self.all_rows) >= FIRST_SCREEN_FROM
            and table.sort_state == (0, False)
        )

    def _filter_changed(self, _old: str, _new: str) -> None:
        self.apply_filter()

    @on(Input.Submitted, "#filter")
    def _filter_done(self) -> None:
        self.set_focus(self.query_one(FastTable))

    def on_key(self, event: Key) -> None:
        # Type-to-filter: a letter pressed in the table that is not a key binding starts
        # the filter with it. Keys a fast typist sent before the focus moved are still
        # queued at the table: while typing_into_filter is set they go to the filter too.
        table = self.query_one(FastTable)
        in_filter = self.focused is self.query_one("#filter", Input)
        if in_filter and (event.key in TABLE_MOVES or event.key == "enter"):
            # Down (or Enter) in the filter box hands the table the focus at once, not after
            # the box's own messages: an Enter right behind it opens the highlighted row.
            self.set_focus(table)
            table.action_cursor(TABLE_MOVES.get(event.key, 0))
            event.stop()
            event.prevent_default()
            return
        if not (event.is_printable and event.character):
            return
        bound = {b.key for b in self.BINDINGS if isinstance(b, Binding)}
        if self.site is None:
            bound.discard("v")  # every site's assets: no site to visit, v filters
        if self.typing_into_filter or (self.focused is table and event.key not in bound):
            self.typing_into_filter = True
            filter_input = self.query_one("#filter", Input)
            self.set_focus(filter_input)
            filter_input.insert_text_at_cursor(event.character)
            event.stop()
            event.prevent_default()

    def on_descendant_focus(self, event: object) -> None:
        if self.focused is self.query_one(FastTable):
            self.typing_into_filter = False

    def action_focus_filter(self) -> None:
        self.set_focus(self.query_one("#filter", Input))

    def action_clear_filter(self) -> None:
        self.query_one("#filter", Input).value = ""
        self.set_focus(self.query_one(FastTable))

    def action_sort_next(self) -> None:
        table = self.query_one(FastTable)
        table.fill()  # every row, in the order shown, before the sort is changed
        current = table.sort_column if table.sort_column is not None else -1
        table.sort_column = None
        table.sort_by((current + 1) % len(ASSET_COLUMNS))

    def action_sort_reverse(self) -> None:
        table = self.query_one(FastTable)
        table.sort_by(table.sort_column or 0)

    @on(FastTable.RowSelected)
    def _open(self, event: FastTable.RowSelected) -> None:
        self._open_asset(event.key)

    def action_open(self) -> None:
        key = self.query_one(FastTable).current_key
        if key:
            self._open_asset(key)

    def _open_asset(self, asset_id: str) -> None:
        from assettrack.tui.screens.asset_detail import AssetDetailScreen

        asset = self.context.register.store.assets.get(asset_id)
        if asset is not None:
            self.app.push_screen(AssetDetailScreen(self.context, asset))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "start_visit":
            return self.site is not None
        return True

    def action_start_visit(self) -> None:
        from assettrack.tui import visit_flows

        if self.site is not None:
            site = self.site
            visit_flows.start_visit(self.app, self.context, site, lambda _v: self._show_visit())

    def _show_visit(self) -> None:
        if self.site is not None:  # every site's assets (the first screen) show no visit
            from assettrack.tui import visit_flows

            self.sub_title = visit_flows.open_visit_line(self.context, self.site)

    def action_inspect(self) -> None:
        from assettrack.tui.screens.inspection import InspectionScreen

        key = self.query_one(FastTable).current_key
        asset = self.context.register.store.assets.get(key) if key else None
        if asset is not None:
            self.app.push_screen(InspectionScreen(self.context, asset))

    def action_new_asset(self) -> None:
        from assettrack.tui.screens.asset_form import AssetFormScreen

        if not self.context.register.sites():
            from assettrack.tui.customer_flows import start_by_hand

            # An asset needs a site: the customer and site forms come first.
            start_by_hand(self.app, self.context, self.on_getting_started_changed)
            return

        def saved(asset_id: str | None) -> None:
            if asset_id:
                self.reload()
                self.query_one(FastTable).move_to_key(asset_id)

        self.app.push_screen(AssetFormScreen(self.context, site=self.site), saved)

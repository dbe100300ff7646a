"""The assettrack terminal app, built by ``make_app`` for the CLI and the tests alike."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any, ClassVar

from textual.app import App
from textual.binding import Binding, BindingType

from assettrack.domain.models import Asset
from assettrack.plugins.extensions import Extensions
from assettrack.services.assets import AssetRegister
from assettrack.services.faults import FaultService
from assettrack.services.inspections import InspectionService
from assettrack.services.service_config import load_service_config
from assettrack.services.visits import VisitService
from assettrack.tui.commands import MainActions
from assettrack.tui.context import TuiContext
from assettrack.tui.screens.assets import AssetsScreen
from assettrack.tui.screens.charges import ChargesScreen
from assettrack.tui.screens.conflicts import ConflictsScreen
from assettrack.tui.screens.faults import FaultsScreen
from assettrack.tui.screens.help import HelpScreen
from assettrack.tui.screens.known_problems import KnownProblemsScreen
from assettrack.tui.screens.sites import SitesScreen
from assettrack.tui.screens.visits import VisitsScreen
from assettrack.tui.screens.warranty import WarrantyScreen


class AssetTrackApp(App[None]):
    TITLE = "assettrack"
    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {MainActions}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1,question_mark", "help", "Help"),
        Binding("f2", "sites", "Sites"),
        Binding("f3", "assets", "Assets"),
        Binding("f4", "warranty", "Warranty"),
        Binding("f5", "visits", "Visits"),
        Binding("f6", "faults", "Faults"),
        Binding("f7", "conflicts", "Conflicts", show=False),
        Binding("f8", "charges", "Charges", show=False),
        Binding("f9", "known_problems", "Known problems", show=False),
        Binding("ctrl+t", "toggle_theme", "Theme", show=False),
    ]

    def __init__(self, context: TuiContext, start: str = "assets") -> None:
        super().__init__()
        self.context = context
        self.start = start

    def on_mount(self) -> None:
        self.sub_title = f"as of {self.context.today}"
        self.install_screen(SitesScreen(self.context), "sites")
        self.install_screen(AssetsScreen(self.context), "assets")
        self.install_screen(WarrantyScreen(self.context), "warranty")
        self.install_screen(VisitsScreen(self.context), "visits")
        self.install_screen(FaultsScreen(self.context), "faults")
        self.install_screen(ConflictsScreen(self.context), "conflicts")
        self.install_screen(ChargesScreen(self.context), "charges")
        self.install_screen(KnownProblemsScreen(self.context), "known_problems")
        self.push_screen(self.start)

    def _go(self, name: str) -> None:
        # Leave any detail screens, then show the chosen main screen.
        while len(self.screen_stack) > 2:
            self.pop_screen()
        if self.screen_stack[-1] is not self.get_screen(name):
            self.switch_screen(name)

    def action_sites(self) -> None:
        self._go("sites")

    def action_assets(self) -> None:
        self._go("assets")

    def action_warranty(self) -> None:
        self._go("warranty")

    def action_visits(self) -> None:
        self._go("visits")

    def action_faults(self) -> None:
        self._go("faults")

    def action_conflicts(self) -> None:
        self._go("conflicts")

    def action_charges(self) -> None:
        self._go("charges")

    def action_known_problems(self) -> None:
        self._go("known_problems")

    def action_new_asset(self) -> None:
        self._go("assets")
        self.get_screen("assets").action_new_asset()  # type: ignore[attr-defined]

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_toggle_theme(self) -> None:
        self.theme = "textual-light" if self.current_theme.dark else "textual-dark"


def make_app(
    register: AssetRegister,
    extensions: Extensions,
    today: date,
    *,
    engineer: str = "",
    export_folder: Path | None = None,
    demo_console: Callable[[Asset], str] | None = None,
    idle_timeout: float = 3.0,
    start: str = "assets",
    clock: Callable[[], datetime] = datetime.now,
    service_settings: Mapping[str, Any] | None = None,
) -> AssetTrackApp:
    config = load_service_config(service_settings or {})
    store = register.store
    context = TuiContext(
        register=register,
        inspections=InspectionService(store, extensions, engineer, clock=clock),
        extensions=extensions,
        visits=VisitService(store, config, engineer, clock=clock),
        faults=FaultService(store, config, engineer, clock=clock, warranty_rules=register.rules),
        today=today,
        export_folder=export_folder or Path.cwd(),
        demo_console=demo_console,
        idle_timeout=idle_timeout,
    )
    return AssetTrackApp(context, start=start)

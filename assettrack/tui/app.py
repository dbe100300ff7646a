"""The assettrack terminal app, built by ``make_app`` for the CLI and the tests alike."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import orjson
from textual.app import App
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from assettrack.i18n import N_, _
from assettrack.i18n.errors import error_text, translated
from assettrack.store.database import SYNC_FOLDER
from assettrack.tui import cjk_cuts
from assettrack.tui.context import Services, TuiContext
from assettrack.tui.screens.assets import AssetsScreen

if TYPE_CHECKING:
    from collections.abc import Iterable

    from textual.app import SystemCommand
    from textual.command import Provider

    from assettrack.domain.models import Asset
    from assettrack.plugins.extensions import Extensions
    from assettrack.services.assets import AssetRegister
    from assettrack.store.store import Store

# Chinese characters of a notification or a menu over another widget are drawn whole.
cjk_cuts.install()

# How often the app looks for saves made by other processes (the command line, a merge):
# one stat of a small file when nothing changed.
POLL_SECONDS = 2.0
MAX_NOTICES = 5  # the store's warnings shown one by one; the rest are counted

# The main screens but the first are imported when first shown: the app starts sooner.
LAZY_SCREENS = {
    "sites": "assettrack.tui.screens.sites:SitesScreen",
    "warranty": "assettrack.tui.screens.warranty:WarrantyScreen",
    "visits": "assettrack.tui.screens.visits:VisitsScreen",
    "faults": "assettrack.tui.screens.faults:FaultsScreen",
    "conflicts": "assettrack.tui.screens.conflicts:ConflictsScreen",
    "charges": "assettrack.tui.screens.charges:ChargesScreen",
    "known_problems": "assettrack.tui.screens.known_problems:KnownProblemsScreen",
}


def _main_actions() -> type[Provider]:
    from assettrack.tui.commands import MainActions

    return MainActions


class AssetTrackApp(App[None]):
    TITLE = "assettrack"
    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {_main_actions}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1,question_mark", "help", N_("Help")),
        Binding("f2", "sites", N_("Sites")),
        Binding("f3", "assets", N_("Assets")),
        Binding("f4", "warranty", N_("Warranty")),
        Binding("f5", "visits", N_("Visits")),
        Binding("f6", "faults", N_("Faults")),
        Binding("f7", "conflicts", N_("Conflicts"), show=False),
        Binding("f8", "charges", N_("Charges"), show=False),
        Binding("f9", "known_problems", N_("Known problems"), show=False),
        Binding("ctrl+t", "toggle_theme", N_("Theme"), show=False),
        Binding("ctrl+g", "sync", N_("Sync"), show=False),
    ]

    def __init__(
        self, context: TuiContext, start: str = "assets", language: str | None = None
    ) -> None:
        super().__init__()
        self.context = context
        self.start = start
        if language:  # the process's language otherwise (chosen by the command line)
            from assettrack.i18n import set_language

            set_language(language)
        # Why loading the store failed, for the command line to report after the app ends.
        self.load_error: BaseException | None = None
        self.first_start_checked = False
        self.notices_shown = 0  # the store's warnings (damaged documents) already shown
        # Plugin failures: how many of the host's were looked at, and the kinds told.
        self.plugin_failures_seen = 0
        self.plugin_failure_kinds: set[tuple[str, str, str]] = set()

    def on_mount(self) -> None:
        self.show_last_sync()
        self.install_screen(AssetsScreen(self.context), "assets")
        for name, where in LAZY_SCREENS.items():
            self.install_screen(self._screen_factory(where), name)  # type: ignore[arg-type]
        if not self.context.ready and self.start != "assets":
            self.context.load()  # only the asset table can be painted before the store loads
        self.push_screen(self.start)
        if self.context.ready:
            self.show_last_sync()
            self.call_after_refresh(self.offer_first_start)
            self.call_after_refresh(self.show_plugin_failures)
        self.set_interval(POLL_SECONDS, self.poll_store, name="poll-store")

    def _screen_factory(self, where: str) -> Callable[[], Screen[Any]]:
        # get_screen calls an installed callable once and keeps the screen it returns.
        def make() -> Screen[Any]:
            module, name = where.split(":")
            screen_class = getattr(importlib.import_module(module), name)
            return screen_class(self.context)  # type: ignore[no-any-return]

        return make

    # -- loading the store after the first paint -------------------------------------------

    def load_services(self) -> None:
        if not self.context.ready:
            self.run_worker(self.context.load, name="load", thread=True, exit_on_error=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.name == "sync":
            self.synced(event.worker, event.state)
            return
        if event.worker.name != "load":
            return
        if event.state is WorkerState.SUCCESS:
            assets = self.get_screen("assets", AssetsScreen)
            if event.worker.result is not None:
                assets.services_ready(event.worker.result.asset_facts)
            elif assets.loaded_generation < 0:
                assets.reload()  # a screen that could not wait loaded the store itself
            self.show_store_notices()
            self.show_plugin_failures()
            self.offer_first_start()
            self.show_last_sync()
        elif event.state is WorkerState.ERROR:
            self.failed_to_load(event.worker.error)

    def failed_to_load(self, error: BaseException | None) -> None:
        """End the app; the command line reports ``error`` (a damaged store file, say)."""
        self.load_error = error
        self.exit(return_code=1)

    # -- others' saves ---------------------------------------------------------------------

    def poll_store(self) -> bool:
        """Take in what other processes saved and redraw the screen shown; whether they had.

        The app holds no lock between its own saves, so the command line and merges write
        while it is open; this is how their changes reach the screen.
        """
        if not self.context.ready or self.load_error is not None:
            return False
        register = self.context.register
        store = register.store
        changed = store.db.changed_elsewhere()
        if changed:
            store.refresh()
            register.refresh()
            reload = getattr(self.screen, "reload", None)
            if callable(reload):
                reload()
        self.show_store_notices()
        self.show_plugin_failures()
        return changed

    def show_store_notices(self) -> None:
        """Warnings the store reported (a damaged document set aside), once each."""
        notices = self.context.register.store.db.notices
        for line in notices[self.notices_shown : MAX_NOTICES]:
            said = translated(line)  # a domain Text: in the reader's language
            prefix = _("warning: {problem}").partition("{problem}")[0]  # "警告：" in Chinese
            said = said.removeprefix(prefix).removeprefix("warning: ")
            self.notify(said, severity="warning", timeout=15)
        if len(notices) > MAX_NOTICES and self.notices_shown < len(notices):
            self.notify(
                _(
                    "{count} more warning(s): every damaged document is in the database's "
                    "quarantine folder"
                ).format(count=len(notices) - max(self.notices_shown, MAX_NOTICES)),
                severity="warning",
                timeout=15,
            )
        self.notices_shown = len(notices)

    def show_plugin_failures(self) -> None:
        """A notice for each kind of plugin failure not told yet: which plugin, in which hook,
        and why (a wrong return type names the type expected). Screens call this after
        calling plugins; the poll catches the rest."""
        if not self.context.ready:
            return
        failures = self.context.extensions.host.failures
        fresh, self.plugin_failures_seen = failures[self.plugin_failures_seen :], len(failures)
        for failure in fresh:
            if failure.kind in self.plugin_failure_kinds:
                continue
            self.plugin_failure_kinds.add(failure.kind)
            self.notify(
                _("{failure} (assettrack plugins --traceback shows more)").format(failure=failure),
                title=_("Plugin failure"),
                severity="warning",
                timeout=20,
                markup=False,
            )

    def offer_first_start(self) -> None:
        """An empty database opens on the getting-started screen (once per run)."""
        from assettrack.tui.customer_flows import progress

        if self.first_start_checked:
            return
        self.first_start_checked = True
        if progress(self.context).empty:
            self.action_getting_started()

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

    def action_getting_started(self) -> None:
        from assettrack.tui.screens.first_start import FirstStartScreen

        if not isinstance(self.screen, FirstStartScreen):
            self.push_screen(FirstStartScreen(self.context))

    # The screen below reloads when the form closes: these need no callback.

    def action_new_customer(self) -> None:
        from assettrack.tui.customer_flows import add_customer

        add_customer(self, self.context)

    def action_new_site(self) -> None:
        from assettrack.tui.customer_flows import add_site

        add_site(self, self.context)

    def action_new_contract(self) -> None:
        from assettrack.tui.customer_flows import add_contract

        add_contract(self, self.context)

    def action_help(self) -> None:
        from assettrack.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_toggle_theme(self) -> None:
        self.theme = "textual-light" if self.current_theme.dark else "textual-dark"

    # -- the interface's language ----------------------------------------------------------

    def action_language(self, language: str) -> None:
        """Speak ``language`` on every screen now (for this run; the setting is
        ``[interface] language``)."""
        from assettrack.tui.language import switch_language

        switch_language(self, language)
        self.show_last_sync()

    def action_command_palette(self) -> None:
        from textual.command import CommandPalette

        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(
                CommandPalette(placeholder=_("Search for commands…"), id="--command-palette")
            )

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        # Textual's own entries (theme, quit, keys, screenshot) in the current language.
        for command in super().get_system_commands(screen):
            yield command._replace(title=_(command.title), help=_(command.help))

    # -- team sync -------------------------------------------------------------------------

    def show_last_sync(self) -> None:
        """The sub-title: the day the app evaluates, and when the database last synced."""
        said = _("as of {day}").format(day=self.context.today)
        if self.context.ready:
            state = self.context.register.store.folder / SYNC_FOLDER / "state.json"
            try:
                last = str(orjson.loads(state.read_bytes()).get("last_sync", ""))
            except (OSError, ValueError, AttributeError):
                last = ""
            if last:
                said += _(" · last sync {moment}").format(moment=last.replace("T", " ")[:16])
        self.sub_title = said

    def action_sync(self) -> None:
        """Sync with the team's remote on a worker thread, with a store of its own (TinyDB
        is not shared between threads): the app takes the merge in as any other's save."""
        if not self.context.ready:
            return
        store = self.context.register.store
        if not (store.folder / SYNC_FOLDER / "git").is_dir():
            self.notify(
                _("This database does not sync with a team yet: assettrack sync init REMOTE"),
                severity="warning",
                timeout=10,
            )
            return
        self.notify(_("Syncing with the team…"), timeout=3)
        self.run_worker(
            partial(_sync_in_thread, store.folder, store.db.author),
            name="sync",
            group="sync",
            thread=True,
            exclusive=True,
            exit_on_error=False,
        )

    def synced(self, worker: Worker[Any], state: WorkerState) -> None:
        if state is WorkerState.ERROR:
            self.notify(error_text(worker.error), title=_("Sync"), severity="error", timeout=15)
            return
        if state is not WorkerState.SUCCESS or worker.result is None:
            return
        report = worker.result
        self.notify("\n".join(report.lines()), title=_("Sync"), timeout=8, markup=False)
        for line in report.merge.refused:
            self.notify(
                _("refused {what}").format(what=line),
                title=_("Sync"),
                severity="warning",
                timeout=15,
            )
        if report.merge.conflicts:
            self.notify(
                _("{count} record(s) changed differently on two laptops: F7").format(
                    count=report.merge.conflicts
                ),
                title=_("Sync"),
                severity="warning",
                timeout=15,
            )
        self.show_last_sync()
        self.poll_store()


def _sync_in_thread(folder: Path, author: str) -> Any:
    from assettrack.services.git_sync import sync
    from assettrack.store.store import Store

    with Store.open(folder, author=author, report=None) as store:
        return sync(store)


def make_services(
    register: AssetRegister,
    extensions: Extensions,
    *,
    engineer: str = "",
    clock: Callable[[], datetime] = datetime.now,
    service_settings: Mapping[str, Any] | None = None,
) -> Services:
    from assettrack.i18n import add_plugin_catalogs
    from assettrack.services.attachments import AttachmentService
    from assettrack.services.faults import FaultService
    from assettrack.services.inspections import InspectionService
    from assettrack.services.service_config import load_service_config
    from assettrack.services.visits import VisitService

    add_plugin_catalogs(extensions.host.pm.get_plugins())  # their checklist items' words
    config = load_service_config(service_settings or {})
    store: Store = register.store
    return Services(
        extensions=extensions,
        register=register,
        inspections=InspectionService(store, extensions, engineer, clock=clock),
        visits=VisitService(store, config, engineer, clock=clock),
        faults=FaultService(store, config, engineer, clock=clock, warranty_rules=register.rules),
        attachments=AttachmentService(store, engineer, clock=clock),
    )


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
    language: str | None = None,
    report_language: str | None = None,
) -> AssetTrackApp:
    """The app on a store that is already open (the tests; ``tui.launch`` for the CLI);
    ``language`` (``en``, ``zh_CN``) is made the process's when given."""
    services = make_services(
        register,
        extensions,
        engineer=engineer,
        clock=clock,
        service_settings=service_settings,
    )
    context = TuiContext(
        today,
        export_folder or Path.cwd(),
        services=services,
        thresholds=register.rules.thresholds,
        demo_console=demo_console,
        idle_timeout=idle_timeout,
        report_language=report_language,
    )
    return AssetTrackApp(context, start=start, language=language)

"""What the screens work with: the services, the day, and where exports go.

Screens call these services; none of them touches the store's files. The services may still
be loading when the first screen paints (see ``tui.launch``): a screen that needs them
before then waits for them, which is at most the few hundred milliseconds the load takes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assettrack.domain.models import Asset
    from assettrack.plugins.extensions import Extensions
    from assettrack.services.assets import AssetRegister
    from assettrack.services.attachments import AttachmentService
    from assettrack.services.console_reader import ConsoleReader
    from assettrack.services.faults import FaultService
    from assettrack.services.inspections import InspectionService
    from assettrack.services.visits import VisitService
    from assettrack.tui.asset_facts import AssetFacts


@dataclass
class Services:
    extensions: Extensions
    register: AssetRegister
    inspections: InspectionService
    visits: VisitService | None = None
    faults: FaultService | None = None
    attachments: AttachmentService | None = None


@dataclass
class Loaded:
    """What loading the store gives: the services, and the asset table's facts for today."""

    services: Services
    asset_facts: Sequence[AssetFacts]


class TuiContext:
    def __init__(
        self,
        today: date,
        export_folder: Path,
        *,
        services: Services | None = None,
        load: Callable[[], Loaded] | None = None,
        first_rows: Sequence[AssetFacts] | None = None,
        rows_coming: Callable[[], Sequence[AssetFacts]] | None = None,
        thresholds: Sequence[int] = (),
        on_asset_rows: Callable[[Sequence[AssetFacts]], None] | None = None,
        demo_console: Callable[[Asset], str] | None = None,
        idle_timeout: float = 3.0,
        report_language: str | None = None,
    ) -> None:
        if (services is None) == (load is None):
            raise ValueError("give either the services or a way to load them")
        self.today = today
        self.export_folder = export_folder
        self._services: Future[Services] = Future()
        if services is not None:
            self._services.set_result(services)
        self._load = load
        self._load_lock = threading.Lock()
        # The asset table's rows from the start-up snapshot, shown until the store is loaded;
        # or what gives them when the table first asks (read meanwhile by a forked child).
        self._first_rows = first_rows
        self._rows_coming = rows_coming
        self.thresholds = tuple(thresholds)
        # Told the asset table's facts whenever the full table is rebuilt (to snapshot them).
        self.on_asset_rows = on_asset_rows
        # In the demo, every asset's console is a simulator started on demand.
        self.demo_console = demo_console
        self.idle_timeout = idle_timeout
        # ``[reports] language``; None: reports speak the screens' language of the moment.
        self.report_language = report_language

    @property
    def first_rows(self) -> Sequence[AssetFacts] | None:
        """The rows the asset table shows first, until the store is loaded (None: none)."""
        if self._rows_coming is not None:
            coming, self._rows_coming = self._rows_coming, None
            self._first_rows = coming()
        return self._first_rows

    # -- the services ----------------------------------------------------------------------

    @property
    def ready(self) -> bool:
        return self._services.done()

    def load(self) -> Loaded | None:
        """Load the store (on a worker thread); screens waiting for the services go on.

        None if the load had already begun elsewhere.
        """
        with self._load_lock:
            if self._load is None:
                return None
            load, self._load = self._load, None
        try:
            loaded = load()
        except BaseException as exc:
            self._services.set_exception(exc)
            raise
        self._services.set_result(loaded.services)
        return loaded

    @property
    def services(self) -> Services:
        if not self.ready:
            self.load()  # needed before the worker began: load here rather than wait for it
        return self._services.result()

    @property
    def extensions(self) -> Extensions:
        return self.services.extensions

    @property
    def register(self) -> AssetRegister:
        return self.services.register

    @property
    def inspections(self) -> InspectionService:
        return self.services.inspections

    @property
    def visits(self) -> VisitService | None:
        return self.services.visits

    @property
    def faults(self) -> FaultService | None:
        return self.services.faults

    @property
    def attachments(self) -> AttachmentService | None:
        return self.services.attachments

    # -- consoles --------------------------------------------------------------------------

    def reader(self) -> ConsoleReader:
        from assettrack.services.console_reader import ConsoleReader

        return ConsoleReader(self.extensions)

    def console_port(self, asset: Asset) -> str:
        if asset.console.port:
            return asset.console.port
        return self.demo_console(asset) if self.demo_console else ""

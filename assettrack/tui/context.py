"""What the screens work with: the services, the day, and where exports go.

Screens call these services; none of them touches the store's files.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from assettrack.domain.models import Asset
from assettrack.plugins.extensions import Extensions
from assettrack.services.assets import AssetRegister
from assettrack.services.console_reader import ConsoleReader
from assettrack.services.faults import FaultService
from assettrack.services.inspections import InspectionService
from assettrack.services.visits import VisitService


@dataclass
class TuiContext:
    register: AssetRegister
    inspections: InspectionService
    extensions: Extensions
    today: date
    export_folder: Path
    visits: VisitService | None = None
    faults: FaultService | None = None
    # In the demo, every asset's console is a simulator started on demand.
    demo_console: Callable[[Asset], str] | None = None
    idle_timeout: float = 3.0

    def reader(self) -> ConsoleReader:
        return ConsoleReader(self.extensions)

    def console_port(self, asset: Asset) -> str:
        if asset.console.port:
            return asset.console.port
        return self.demo_console(asset) if self.demo_console else ""

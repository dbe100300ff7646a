"""The generic rule for filling checklist items from readings (numbers against limits,
components all OK, no alarms). Vendor plugins registered later can refine it."""

from __future__ import annotations

from assettrack.domain.checklist import ChecklistItem, Proposal, propose_from_readings
from assettrack.domain.readings import Readings
from assettrack.plugins.hookspecs import hookimpl


@hookimpl
def assettrack_autofill(item: ChecklistItem, readings: Readings) -> Proposal | None:
    return propose_from_readings(item, readings)

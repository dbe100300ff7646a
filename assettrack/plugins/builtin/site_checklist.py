"""The on-site checklist every inspection starts with.

The environment items are exactly the conditions that decide whether a fault is covered by
warranty (out of the rated environment, unsuitable place, rodents or liquid, grounding,
voltage…), so recording them at each visit protects both the customer and the service team.
"""

from __future__ import annotations

from assettrack.domain.checklist import ChecklistItem, ItemKind
from assettrack.domain.models import Asset
from assettrack.plugins.hookspecs import hookimpl

ENVIRONMENT = "Site environment"
DEVICE = "Device status"

SITE_ITEMS: tuple[ChecklistItem, ...] = (
    ChecklistItem(
        "room_temperature",
        "Room temperature",
        "Measured near the rack intake.",
        ItemKind.NUMBER,
        unit="°C",
        low=10,
        high=35,
        section=ENVIRONMENT,
    ),
    ChecklistItem(
        "room_humidity",
        "Room humidity",
        "Relative humidity near the rack.",
        ItemKind.NUMBER,
        unit="%",
        low=20,
        high=80,
        section=ENVIRONMENT,
    ),
    ChecklistItem(
        "dust",
        "Dust level",
        "Intakes, filters and the floor around the rack.",
        ItemKind.CHOICE,
        choices=("clean", "light", "heavy"),
        passing=("clean", "light"),
        section=ENVIRONMENT,
    ),
    ChecklistItem(
        "ventilation",
        "Ventilation and airflow",
        "Nothing blocks intakes or exhausts; air conditioning works.",
        section=ENVIRONMENT,
    ),
    ChecklistItem(
        "grounding", "Grounding", "Chassis ground wire connected and tight.", section=ENVIRONMENT
    ),
    ChecklistItem(
        "power_ups",
        "Power and UPS",
        "Supply voltage in range, UPS on line, batteries healthy.",
        section=ENVIRONMENT,
    ),
    ChecklistItem(
        "cabling_labels",
        "Cabling and labels",
        "Cables tidy, strain-relieved and labelled at both ends.",
        section=ENVIRONMENT,
    ),
    ChecklistItem(
        "rodents_liquid",
        "No signs of rodents or liquid",
        "Droppings, chewed cables, water marks or leaks near the equipment.",
        section=ENVIRONMENT,
    ),
)

DEVICE_ITEMS: tuple[ChecklistItem, ...] = (
    ChecklistItem(
        "device_temperature",
        "Device temperature",
        "Hottest sensor the device reports.",
        ItemKind.NUMBER,
        unit="°C",
        low=0,
        high=60,
        reading="temperatures",
        section=DEVICE,
    ),
    ChecklistItem("fans", "Fans", "Every fan reports OK.", reading="fans", section=DEVICE),
    ChecklistItem(
        "power_supplies",
        "Power supplies",
        "Every power supply reports OK.",
        reading="power_supplies",
        section=DEVICE,
    ),
    ChecklistItem(
        "cpu",
        "CPU load",
        "Sustained load below 80 %.",
        ItemKind.NUMBER,
        unit="%",
        low=0,
        high=80,
        reading="cpu_percent",
        section=DEVICE,
    ),
    ChecklistItem(
        "memory",
        "Memory use",
        "Below 85 %.",
        ItemKind.NUMBER,
        unit="%",
        low=0,
        high=85,
        reading="memory_used_percent",
        section=DEVICE,
    ),
    ChecklistItem(
        "alarms",
        "No active alarms",
        "Alarms and recent critical log messages.",
        reading="alarms",
        section=DEVICE,
    ),
    ChecklistItem(
        "interfaces",
        "No unexpected interfaces down",
        "Interfaces enabled but down.",
        reading="interfaces_down",
        section=DEVICE,
    ),
    ChecklistItem(
        "firmware",
        "Firmware version recorded",
        "As read from the device.",
        ItemKind.TEXT,
        reading="os_version",
        section=DEVICE,
    ),
)


BUILTIN_ITEM_IDS: tuple[str, ...] = tuple(i.id for i in (*SITE_ITEMS, *DEVICE_ITEMS))
"""The ids of the built-in checklist items, on every inspection: a plugin's item may not
reuse one (``firmware`` is already the version read from the device)."""


@hookimpl
def assettrack_checklist_items(asset: Asset) -> list[ChecklistItem]:
    return [*SITE_ITEMS, *DEVICE_ITEMS]

"""The public plugin API: everything a plugin needs, importable from one place.

Stable: names here keep their meaning within a major version of assettrack.
"""

from assettrack.console.profile import ConsoleProfile
from assettrack.domain.checklist import ChecklistItem, ItemKind, Proposal, redundancy_proposal
from assettrack.domain.models import Asset, Inspection, ItemResult
from assettrack.domain.readings import FAILED, OK, Readings, uptime_seconds
from assettrack.domain.vendors import VendorNames
from assettrack.domain.warranty import ModelRule, VendorRule
from assettrack.plugins.hookspecs import hookimpl
from assettrack.plugins.types import AssetKind, ConfigCommands, DeviceDriver, Exporter

__all__ = [
    "FAILED",
    "OK",
    "Asset",
    "AssetKind",
    "ChecklistItem",
    "ConfigCommands",
    "ConsoleProfile",
    "DeviceDriver",
    "Exporter",
    "Inspection",
    "ItemKind",
    "ItemResult",
    "ModelRule",
    "Proposal",
    "Readings",
    "VendorNames",
    "VendorRule",
    "hookimpl",
    "redundancy_proposal",
    "uptime_seconds",
]

"""The public plugin API: everything a plugin needs, importable from one place.

Stable: names here keep their meaning within a major version of assettrack.
"""

from assettrack.console.profile import ConsoleProfile
from assettrack.domain.checklist import ChecklistItem, ItemKind, Proposal
from assettrack.domain.models import Asset, Inspection, ItemResult
from assettrack.domain.readings import FAILED, OK, Readings
from assettrack.domain.warranty import ModelRule, VendorRule
from assettrack.plugins.hookspecs import hookimpl
from assettrack.plugins.types import AssetKind, DeviceDriver, Exporter

__all__ = [
    "FAILED",
    "OK",
    "Asset",
    "AssetKind",
    "ChecklistItem",
    "ConsoleProfile",
    "DeviceDriver",
    "Exporter",
    "Inspection",
    "ItemKind",
    "ItemResult",
    "ModelRule",
    "Proposal",
    "Readings",
    "VendorRule",
    "hookimpl",
]

"""The public plugin API: everything a plugin needs, importable from one place.

Stable: names here keep their meaning within a major version of the API (``API_VERSION``);
a minor version only adds. A plugin may import from ``assettrack.api`` (and, in its tests,
``assettrack.testing``) and nothing else of assettrack: other modules change without notice.

Declare the API your plugin was written for in the module its entry point names::

    ASSETTRACK_API = ">=1.1,<2"

A plugin whose range excludes this assettrack's ``API_VERSION`` is refused at load (it
would half-work); one that declares nothing loads with a warning in ``assettrack plugins``.

A plugin speaks the interface's language with its own gettext catalog (API 1.2)::

    _ = translator(__name__)  # catalogs in locale/<language>/LC_MESSAGES/<package>.po

Its checklist labels, help and kinds are then translated by assettrack wherever they are
shown; ``_("…")`` translates its own messages (docs/glossary.md, "For plugin authors").
"""

from assettrack.console.profile import CISCO_IOS, HUAWEI_VRP, ConsoleProfile
from assettrack.console.prompts import (
    ANGLE_NAME,
    BRACKET_NAME,
    PROMPT_NAME,
    angle_prompt,
    bracket_prompt,
    exec_prompts,
)
from assettrack.domain.checklist import ChecklistItem, ItemKind, Proposal, redundancy_proposal
from assettrack.domain.models import Asset, Inspection, ItemResult
from assettrack.domain.readings import FAILED, OK, Readings, uptime_seconds, validate_readings
from assettrack.domain.vendors import VendorNames
from assettrack.domain.warranty import ModelRule, VendorRule
from assettrack.i18n.plugin_catalogs import Translator, translator
from assettrack.plugins.builtin.site_checklist import BUILTIN_ITEM_IDS
from assettrack.plugins.helpers import (
    PARSE_ERRORS,
    is_stack,
    member_name,
    normalize_newlines,
    ntc_parse,
    parse_outputs,
)
from assettrack.plugins.hookspecs import hookimpl
from assettrack.plugins.types import AssetKind, ConfigCommands, DeviceDriver, Exporter
from assettrack.plugins.version import API_VERSION

__all__ = [
    "ANGLE_NAME",
    "API_VERSION",
    "BRACKET_NAME",
    "BUILTIN_ITEM_IDS",
    "CISCO_IOS",
    "FAILED",
    "HUAWEI_VRP",
    "OK",
    "PARSE_ERRORS",
    "PROMPT_NAME",
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
    "Translator",
    "VendorNames",
    "VendorRule",
    "angle_prompt",
    "bracket_prompt",
    "exec_prompts",
    "hookimpl",
    "is_stack",
    "member_name",
    "normalize_newlines",
    "ntc_parse",
    "parse_outputs",
    "redundancy_proposal",
    "translator",
    "uptime_seconds",
    "validate_readings",
]

"""The version of the plugin API, and whether a plugin's declared need is met.

A plugin says which API it was written for with a module-level ``ASSETTRACK_API`` string,
a version range as pip writes them (``">=1.1,<2"``). A plugin whose range excludes this
assettrack's ``API_VERSION`` is refused at load, as is one whose range cannot be read; a
plugin that declares nothing loads, with a warning in ``assettrack plugins``.
"""

from __future__ import annotations

import sys
from typing import Any

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import Version

API_VERSION = "1.2.0"
"""The plugin API's version (semantic: a minor adds, a major may remove or change).

- **1.0** — the hooks (``assettrack_register_drivers``, ``assettrack_asset_kinds``,
  ``assettrack_warranty_rules``, ``assettrack_vendor_aliases``,
  ``assettrack_checklist_items``, ``assettrack_autofill``,
  ``assettrack_register_exporters``, ``assettrack_inspection_completed``,
  ``assettrack_inspection_signed``) and the types they take and return (``Asset``,
  ``AssetKind``, ``ChecklistItem``, ``ConsoleProfile``, ``DeviceDriver``, ``Exporter``,
  ``Inspection``, ``ItemKind``, ``ItemResult``, ``ModelRule``, ``Proposal``, ``Readings``,
  ``VendorNames``, ``VendorRule``, ``OK``, ``FAILED``), ``uptime_seconds`` and
  ``redundancy_proposal``.
- **1.1** — ``API_VERSION`` and the ``ASSETTRACK_API`` declaration; a ``Proposal`` may carry
  a value with no verdict (``result=None``); the helpers the first-party drivers shared
  (``parse_outputs``, ``normalize_newlines``, ``ntc_parse``, ``member_name``,
  ``is_stack``), the common prompt patterns (``PROMPT_NAME``, ``exec_prompts``,
  ``angle_prompt``, ``bracket_prompt``) and the built-in consoles ``CISCO_IOS`` and
  ``HUAWEI_VRP``; ``validate_readings``; ``BUILTIN_ITEM_IDS``, the ids of the built-in
  checklist; ``ConfigCommands`` and ``DeviceDriver.config`` / ``secret_patterns`` (the
  configuration a read captures, secrets masked).
- **1.2** — ``translator`` and ``Translator``: a plugin ships its own gettext catalog (its
  messages, checklist labels and help in the interface's language) and translates its
  messages with it.
"""

# The attribute a plugin's module sets to the API range it was written for.
DECLARATION = "ASSETTRACK_API"


def declared_range(plugin: object) -> Any:
    """The plugin's ``ASSETTRACK_API``: on the object itself, else on the module that
    defines it (an entry point may name a class or an instance); None when absent."""
    found = getattr(plugin, DECLARATION, None)
    if found is not None:
        return found
    module = sys.modules.get(getattr(plugin, "__module__", "") or "")
    return getattr(module, DECLARATION, None) if module is not None else None


def check_api(name: str, declared: Any) -> tuple[str | None, str | None]:
    """(why the plugin is refused, a warning) for what the plugin declares; both None when
    it fits this assettrack."""
    offered = f"this assettrack offers API {API_VERSION}"
    if declared is None:
        return None, (
            f"declares no {DECLARATION}: it may have been written for another API "
            f'({offered}; add {DECLARATION} = ">={_minor(API_VERSION)},<{_next_major()}" '
            "to its module)"
        )
    try:
        if not isinstance(declared, str):
            raise InvalidSpecifier(repr(declared))
        wanted = SpecifierSet(declared)
    except InvalidSpecifier:
        return (
            f"plugin {name!r} refused: its {DECLARATION} = {declared!r} is not a version "
            f'range (write e.g. ">={_minor(API_VERSION)},<{_next_major()}"); {offered}'
        ), None
    if not wanted.contains(Version(API_VERSION), prereleases=True):
        return (
            f"plugin {name!r} refused: it needs assettrack API {declared}, {offered} "
            "(install a release of the plugin made for it, or another assettrack)"
        ), None
    return None, None


def _minor(version: str) -> str:
    return ".".join(version.split(".")[:2])


def _next_major() -> int:
    return int(API_VERSION.split(".")[0]) + 1

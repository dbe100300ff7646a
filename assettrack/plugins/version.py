"""The version of the plugin API, and whether a plugin's declared need is met.

A plugin says which API it was written for with a module-level ``ASSETTRACK_API`` string,
a version range as pip writes them (``">=1.1,<2"``). A plugin whose range excludes this
assettrack's ``API_VERSION`` is refused at load, as is one whose range cannot be read; a
plugin that declares nothing loads, with a warning in ``assettrack plugins``.
"""

from __future__ import annotations

import re
import sys
from operator import eq, ge, gt, le, lt, ne
from typing import Any

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
    fits = fits_range(declared) if isinstance(declared, str) else None
    if fits is None:
        return (
            f"plugin {name!r} refused: its {DECLARATION} = {declared!r} is not a version "
            f'range (write e.g. ">={_minor(API_VERSION)},<{_next_major()}"); {offered}'
        ), None
    if not fits:
        return (
            f"plugin {name!r} refused: it needs assettrack API {declared}, {offered} "
            "(install a release of the plugin made for it, or another assettrack)"
        ), None
    return None, None


# A range of plain release numbers (">=1.1,<2", as every plugin writes it) is read here:
# importing packaging to read it cost every command 5 ms. Anything else goes to packaging.
_PLAIN = re.compile(r"\s*(>=|<=|==|!=|<|>)\s*(\d+(?:\.\d+)*)\s*")
_COMPARE = {">=": ge, "<=": le, "==": eq, "!=": ne, "<": lt, ">": gt}


def fits_range(declared: str) -> bool | None:
    """Whether ``API_VERSION`` is in the range ``declared`` (PEP 440, as pip reads it, pre-
    releases included); None when ``declared`` is no range."""
    clauses = [_PLAIN.fullmatch(clause) for clause in declared.split(",")]
    if all(clauses) and re.fullmatch(r"\d+(\.\d+)*", API_VERSION):
        ours = _release(API_VERSION)
        return all(_holds(ours, m[1], _release(m[2])) for m in clauses if m)
    from packaging.specifiers import InvalidSpecifier, SpecifierSet
    from packaging.version import Version

    try:
        return SpecifierSet(declared).contains(Version(API_VERSION), prereleases=True)
    except InvalidSpecifier:
        return None


def _release(text: str) -> tuple[int, ...]:
    return tuple(map(int, text.split(".")))


def _holds(ours: tuple[int, ...], operator: str, theirs: tuple[int, ...]) -> bool:
    # Release numbers compare with the shorter padded with zeros (1.2 == 1.2.0); with
    # neither a pre-, post- nor local release on either side, each operator is the plain
    # comparison of the numbers.
    width = max(len(ours), len(theirs))
    ours, theirs = ours + (0,) * (width - len(ours)), theirs + (0,) * (width - len(theirs))
    return bool(_COMPARE[operator](ours, theirs))


def _minor(version: str) -> str:
    return ".".join(version.split(".")[:2])


def _next_major() -> int:
    return int(API_VERSION.split(".")[0]) + 1

"""Vendor names as people write them, each resolved to one vendor through a table.

The table (``config/vendors.toml``, plus what plugins register) lists each vendor's name and
the other ways people write it: 华为, HUAWEI, Huawei Technologies... Matching ignores
- letter case, spaces, and full-width forms (Unicode NFKC: "ＨＰＥ（Ｈ３Ｃ）" reads "HPE(H3C)");
- the legal-form endings the table lists under ``suffixes`` ("Co., Ltd.", "有限公司"), and only
  those, with the comma or stop before them: "Huawei Technologies Co., Ltd." is "Huawei
  Technologies", a listed name of Huawei.

Nothing is guessed: a name the table does not list stays as typed. When two vendors claim
the same name, the first entry wins (the configured table comes before the plugins).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from assettrack.domain.errors import FieldProblem, ValidationError
from assettrack.domain.texts import N_

# Left between a name and a stripped suffix: "Cisco Systems, Inc." -> "Cisco Systems".
_SEPARATORS = ",.;、"


def fold(text: str) -> str:
    """A name as matching sees it: NFKC, case-folded, without spaces."""
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


@dataclass(frozen=True)
class VendorNames:
    """One vendor's name (as it should be shown) and the other ways people write it."""

    vendor: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class VendorAliases:
    names: tuple[VendorNames, ...] = ()
    suffixes: tuple[str, ...] = ()
    _index: dict[str, str] = field(init=False, compare=False, repr=False)
    _suffix_keys: tuple[str, ...] = field(init=False, compare=False, repr=False)
    # text as typed -> vendor; an asset list repeats a handful of spellings thousands of times.
    _resolved: dict[str, str] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        index: dict[str, str] = {}
        for entry in self.names:
            # A plugin may name a vendor the table already knows by another spelling.
            vendor = index.get(fold(entry.vendor), entry.vendor.strip())
            for text in (entry.vendor, *entry.aliases):
                key = fold(text)
                if key:
                    index.setdefault(key, vendor)
        suffix_keys = sorted({fold(s) for s in self.suffixes} - {""}, key=len, reverse=True)
        object.__setattr__(self, "_index", index)
        object.__setattr__(self, "_suffix_keys", tuple(suffix_keys))
        object.__setattr__(self, "_resolved", {})

    @classmethod
    def from_mapping(
        cls, data: Mapping[str, Any], source: str = N_("vendor names")
    ) -> VendorAliases:
        """From parsed TOML: ``suffixes = [...]`` and a table per vendor with ``name`` (default:
        the table's key) and ``aliases``."""
        problems: list[FieldProblem] = []
        suffixes = data.get("suffixes", [])
        if not isinstance(suffixes, list) or not all(isinstance(s, str) for s in suffixes):
            problems.append(FieldProblem("suffixes", suffixes, N_("must be a list of texts")))
            suffixes = []
        names = []
        for key, raw in data.items():
            if key == "suffixes":
                continue
            if not isinstance(raw, Mapping):
                problems.append(FieldProblem(key, raw, N_("must be a table with name and aliases")))
                continue
            name = raw.get("name", key)
            aliases = raw.get("aliases", [])
            if not isinstance(name, str) or not name.strip():
                problems.append(FieldProblem(f"{key}.name", name, N_("must be a vendor name")))
                continue
            if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
                problems.append(
                    FieldProblem(f"{key}.aliases", aliases, N_("must be a list of texts"))
                )
                continue
            names.append(VendorNames(name.strip(), tuple(aliases)))
        if problems:
            raise ValidationError(problems, what=source)
        return cls(tuple(names), tuple(suffixes))

    def with_names(self, extra: Iterable[VendorNames]) -> VendorAliases:
        """This table with ``extra`` names after its own (which win where both claim one)."""
        extra = tuple(extra)
        return VendorAliases(self.names + extra, self.suffixes) if extra else self

    def known(self, text: str) -> str | None:
        """The vendor ``text`` names, or None when the table does not list it."""
        key = fold(text)
        while key:
            vendor = self._index.get(key)
            if vendor is not None:
                return vendor
            suffix = next(
                (s for s in self._suffix_keys if key.endswith(s) and len(key) > len(s)), None
            )
            if suffix is None:
                return None
            key = key[: -len(suffix)].rstrip(_SEPARATORS)
        return None

    def resolve(self, text: str) -> str:
        """The vendor ``text`` names; the text itself (trimmed) when the table does not list it."""
        found = self._resolved.get(text)
        if found is None:
            found = self._resolved[text] = self.known(text) or text.strip()
        return found

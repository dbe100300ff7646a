"""A plugin's ``ASSETTRACK_API`` range is read as pip reads it: plain ranges here, anything
else by packaging, with the same answer for every range (the API version as it is, and as
other versions would be)."""

from __future__ import annotations

import pytest
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import Version

from assettrack.plugins import version

RANGES = [
    ">=1.1,<2",
    ">=1.0",
    ">=2,<3",
    "<1.1",
    " >= 1.2 , < 1.3 ",
    "==1.2",
    "==1.2.0",
    "==1.2.0.0",
    "!=1.2",
    "!=1.2.1",
    ">1.2",
    ">1.1.9",
    "<=1.2",
    "<1.2.0",
    ">=01.02",
    "==1.*",  # the rest: packaging
    "~=1.1",
    ">=1.1rc1,<2",
    "===1.2.0",
    "",
]
NOT_RANGES = ["one point one", ">=", "1.2", ">=1.1;<2", ">=1.1,,<2"]


def packaging_says(declared: str, api: str) -> bool | None:
    try:
        return SpecifierSet(declared).contains(Version(api), prereleases=True)
    except InvalidSpecifier:
        return None


@pytest.mark.parametrize("api", ["1.2.0", "1.2", "2.0.0", "1.1.9", "0.9"])
@pytest.mark.parametrize("declared", RANGES + NOT_RANGES)
def test_a_range_is_read_as_packaging_reads_it(monkeypatch, api: str, declared: str) -> None:
    monkeypatch.setattr(version, "API_VERSION", api)
    assert version.fits_range(declared) is packaging_says(declared, api)


def test_an_api_version_with_a_pre_release_is_left_to_packaging(monkeypatch) -> None:
    monkeypatch.setattr(version, "API_VERSION", "2.0.0rc1")
    for declared in (">=2", ">=1.1,<2", ">=2.0.0rc1", "<3"):
        assert version.fits_range(declared) is packaging_says(declared, "2.0.0rc1")
    assert version.fits_range("<3") is True and version.fits_range(">=1.1,<2") is False

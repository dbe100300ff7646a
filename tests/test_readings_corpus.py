"""Readings accuracy on real outputs of devices nobody on this project has seen.

The corpus (tests/corpus/readings, see its NOTICE) holds published outputs, one folder per
driver, with what a person reads in each (the folder's truth.toml: the command that printed
the output, and the readings it gives). Each driver — the first-party plugins' and every
shipped driver profile — parses them through the plugin host as it would a console read;
the test reports field-level accuracy per vendor and requires every field right.
Run ``pytest tests/test_readings_corpus.py -s`` to see the table.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from assettrack.domain.readings import Readings
from assettrack.plugins.loader import load_plugins
from assettrack.profiles.catalog import SHIPPED

CORPUS = Path(__file__).parent / "corpus" / "readings"
UNIT_SECONDS = {"y": 365 * 86400, "w": 7 * 86400, "d": 86400, "h": 3600, "m": 60, "s": 1}
NOT_READINGS = ("source", "command")
# Percentages are compared to one decimal, as written in the truth.
PERCENT_TOLERANCE = 0.051


def seconds(text: str) -> int:
    return sum(int(n) * UNIT_SECONDS[u] for n, u in re.findall(r"(\d+)([ywdhms])", text))


def corpus() -> dict[str, dict[str, dict[str, Any]]]:
    """driver -> output name -> its truth."""
    return {
        folder.name: tomllib.loads((folder / "truth.toml").read_text(encoding="utf-8"))
        for folder in sorted(CORPUS.iterdir())
        if folder.is_dir()
    }


@pytest.fixture(scope="module")
def drivers():
    return load_plugins({}, env={}).drivers


def fields(readings: Readings, expected: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    """(field, read, truth) for every reading the truth states."""
    found = []
    for key, want in expected.items():
        if key in NOT_READINGS:
            continue
        if key == "uptime":
            found.append(("uptime_seconds", readings.uptime_seconds, seconds(want)))
        elif key == "extra":
            found += [(f"extra.{k}", readings.extra.get(k), v) for k, v in want.items()]
        else:
            found.append((key, getattr(readings, key), want))
    return found


def same(got: Any, want: Any) -> bool:
    if want == "":  # the output does not state it: the reading must stay empty
        return got in (None, "")
    if isinstance(want, list):  # names: the order is the device's, not a reading
        return sorted(got or []) == sorted(want)
    if isinstance(want, dict):
        return (
            isinstance(got, dict)
            and set(got) == set(want)
            and all(same(got[k], v) for k, v in want.items())
        )
    if isinstance(want, float) and not isinstance(got, bool):
        return isinstance(got, int | float) and math.isclose(got, want, abs_tol=PERCENT_TOLERANCE)
    return got == want


def test_every_output_has_its_truth_its_source_and_its_notice(drivers) -> None:
    notice = (CORPUS / "NOTICE.md").read_text(encoding="utf-8")
    assert "Apache License, Version 2.0" in notice
    total = 0
    for driver, outputs in corpus().items():
        files = {p.stem for p in (CORPUS / driver).glob("*.txt")}
        assert files == set(outputs), driver
        commands = set(drivers[driver].commands)
        for name, truth in outputs.items():
            assert truth["command"] in commands, f"{driver}/{name}: {truth['command']!r}"
            if name.startswith("ntc_"):  # its path in ntc-templates' tests/ folder
                assert truth["source"].endswith(".raw"), f"{driver}/{name}"
                assert f"tests/{truth['source'].split('/')[0]}/" in notice, f"{driver}/{name}"
            assert set(truth) - set(NOT_READINGS), f"{driver}/{name} states no reading"
        total += len(outputs)
    assert total >= 100


def test_every_shipped_profile_is_measured_on_real_outputs_of_its_first_command(drivers) -> None:
    """The first command of each shipped profile and of the H3C plugin (version, identity,
    system status), and more of their commands, have real outputs in the corpus."""
    known = corpus()
    names = [
        tomllib.loads(p.read_text(encoding="utf-8"))["driver"]["name"]
        for p in SHIPPED.glob("*.toml")
    ]
    for name in [*names, "h3c_comware"]:
        assert name in known, f"no real outputs for the driver {name}"
        commands = {truth["command"] for truth in known[name].values()}
        first = drivers[name].commands[0]
        if name != "h3c_comware":  # ntc-templates has no Comware "display version" output
            assert first in commands, f"{name}: no real output of {first!r}"
        assert len(commands) >= 2 and len(known[name]) >= 3, name


def test_field_accuracy_per_vendor_on_real_outputs(
    drivers, capsys: pytest.CaptureFixture[str]
) -> None:
    right: dict[tuple[str, str], int] = defaultdict(int)
    asked: dict[tuple[str, str], int] = defaultdict(int)
    wrong: list[str] = []
    for vendor, outputs in corpus().items():
        driver = drivers[vendor]
        for name, expected in outputs.items():
            text = (CORPUS / vendor / f"{name}.txt").read_text(encoding="utf-8")
            readings = driver.parse({expected["command"]: text})
            errors = readings.extra.get("parse_errors")
            if errors:
                wrong.append(f"{vendor}/{name}: parse errors {errors}")
            for field, got, want in fields(readings, expected):
                asked[vendor, field] += 1
                if same(got, want):
                    right[vendor, field] += 1
                else:
                    wrong.append(f"{vendor}/{name} {field}: read {got!r}, is {want!r}")
    lines = ["", f"{'vendor':<15} {'field':<28} {'right':>9}"]
    for (vendor, field), total in sorted(asked.items()):
        share = right[vendor, field] / total
        lines.append(f"{vendor:<15} {field:<28} {right[vendor, field]:>3}/{total:<3} {share:>6.0%}")
    with capsys.disabled():
        print("\n".join(lines))
    assert not wrong, "\n".join(wrong)

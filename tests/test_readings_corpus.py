"""Readings accuracy on real outputs of devices nobody on this project has seen.

The corpus (tests/corpus/readings, see its NOTICE) holds published outputs with what a person
reads in them (truth.toml). Each first-party driver parses them as it would a console read;
the test reports field-level accuracy per vendor and requires every field right.
Run ``pytest tests/test_readings_corpus.py -s`` to see the table.
"""

from __future__ import annotations

import re
import tomllib
from collections import defaultdict
from pathlib import Path

import pytest

from assettrack.plugins.loader import load_plugins

CORPUS = Path(__file__).parent / "corpus" / "readings"
FIELDS = ("os_version", "hostname", "model", "serial_number", "uptime_seconds")
UNIT_SECONDS = {"y": 365 * 86400, "w": 7 * 86400, "d": 86400, "h": 3600, "m": 60}


def seconds(text: str) -> int:
    return sum(int(n) * UNIT_SECONDS[u] for n, u in re.findall(r"(\d+)([ywdhm])", text))


def truth() -> dict[str, dict[str, dict[str, object]]]:
    return tomllib.loads((CORPUS / "truth.toml").read_text(encoding="utf-8"))


def test_every_output_of_the_corpus_has_its_truth_and_its_notice() -> None:
    known = truth()
    files = {(p.parent.name, p.stem) for p in CORPUS.glob("*/*.txt")}
    stated = {(vendor, name) for vendor, outputs in known.items() for name in outputs}
    assert files == stated
    assert len(files) >= 19
    assert "Apache License, Version 2.0" in (CORPUS / "NOTICE.md").read_text(encoding="utf-8")


def test_field_accuracy_per_vendor_on_real_outputs(capsys: pytest.CaptureFixture[str]) -> None:
    drivers = load_plugins({}, env={}).drivers
    right: dict[tuple[str, str], int] = defaultdict(int)
    asked: dict[tuple[str, str], int] = defaultdict(int)
    wrong: list[str] = []
    for vendor, outputs in truth().items():
        driver = drivers[vendor]
        command = driver.commands[0]  # show version / display version
        for name, expected in outputs.items():
            text = (CORPUS / vendor / f"{name}.txt").read_text(encoding="utf-8")
            readings = driver.parse({command: text})
            for field in FIELDS:
                key = "uptime" if field == "uptime_seconds" else field
                if key not in expected:
                    continue
                want = seconds(str(expected[key])) if key == "uptime" else expected[key]
                got = getattr(readings, field)
                asked[vendor, field] += 1
                if got == want:
                    right[vendor, field] += 1
                else:
                    wrong.append(f"{vendor}/{name} {field}: read {got!r}, is {want!r}")
    lines = ["", f"{'vendor':<12} {'field':<15} {'right':>9}"]
    for (vendor, field), total in sorted(asked.items()):
        share = right[vendor, field] / total
        lines.append(f"{vendor:<12} {field:<15} {right[vendor, field]:>3}/{total:<3} {share:>6.0%}")
    with capsys.disabled():
        print("\n".join(lines))
    assert not wrong, "\n".join(wrong)

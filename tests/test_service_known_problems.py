"""Known problems: terms for Chinese and Latin text, ranking, and the search command."""

from __future__ import annotations

from pathlib import Path

import pytest

from assettrack.domain.errors import ValidationError
from assettrack.domain.known_problems import KnownProblem, search, terms
from assettrack.services.known_problems import KnownProblemService
from assettrack.services.service_config import load_service_config
from assettrack.store.store import Store

PROBLEMS = [
    KnownProblem("光模块老化", "端口频繁 up/down，CRC 错误增长", "更换光模块", vendor="Huawei"),
    KnownProblem(
        "Fan failure", "FAN tray alarm, fan speed low", "Replace the fan tray", vendor="Cisco"
    ),
    KnownProblem("电源故障", "设备反复重启，电源指示灯闪烁", "更换电源模块"),
    KnownProblem("CRC errors on copper", "CRC errors rising on access port", "Replace the cable"),
]


def test_terms_cut_chinese_into_pairs_and_latin_into_words() -> None:
    assert terms("电源故障") == {"电源", "源故", "故障"}
    assert terms("CRC Errors, port-1") == {"crc", "errors", "port", "1"}
    assert terms("灯") == {"灯"}
    assert terms("  ,;") == set()


def test_search_ranks_the_closest_first() -> None:
    matches = search("交换机反复重启", PROBLEMS)
    assert matches[0].problem.title == "电源故障"
    assert [m.problem.title for m in search("fan alarm", PROBLEMS)] == ["Fan failure"]
    # Case does not matter; both CRC problems are found, the copper one (more CRC words) first.
    found = [m.problem.title for m in search("crc ERRORS", PROBLEMS)]
    assert found[:2] == ["CRC errors on copper", "光模块老化"]
    assert search("", PROBLEMS) == [] and search("完全无关", PROBLEMS) == []


def test_vendor_match_breaks_a_tie_and_threshold_filters() -> None:
    twins = [
        KnownProblem("A", "端口 CRC 错误", "x", vendor="Cisco"),
        KnownProblem("B", "端口 CRC 错误", "y", vendor="Huawei"),
    ]
    assert search("端口 CRC 错误", twins, vendor="huawei")[0].problem.title == "B"
    assert search("CRC", PROBLEMS, min_score=0.99) == []


def test_service_add_validates_and_searches(store: Store) -> None:
    service = KnownProblemService(store, load_service_config({}, user_dir=Path("/nowhere")), "张工")
    with pytest.raises(ValidationError, match="solution"):
        service.add("t", "s", "")
    for p in PROBLEMS:
        service.add(p.title, p.symptom, p.solution, vendor=p.vendor)
    assert len(service.all()) == 4
    assert service.search("电源指示灯")[0].problem.title == "电源故障"
    assert service.all()[0].author == "张工"


def test_a_fault_with_a_result_and_no_resolution_becomes_a_known_problem(store, site) -> None:
    from datetime import datetime

    from assettrack.domain.models import ReportedVia
    from assettrack.errors import AssetTrackError
    from assettrack.services.faults import FaultService

    config = load_service_config({}, user_dir=Path("/nowhere"))
    faults = FaultService(store, config, "张工")
    fault = faults.report(
        site.id,
        2,
        ReportedVia.PHONE,
        datetime(2026, 11, 2, 9),
        symptom="掉线",
        resolved_at=datetime(2026, 11, 2, 15),
    )
    with pytest.raises(AssetTrackError, match="a symptom and a result"):
        faults.make_known_problem(fault)
    # The record form asks for the result (处理结果); that is what fixed it.
    fault = faults.update(fault, cause="光模块老化", result="更换光模块后恢复")
    made = faults.make_known_problem(fault)
    assert (made.symptom, made.solution, made.cause) == ("掉线", "更换光模块后恢复", "光模块老化")

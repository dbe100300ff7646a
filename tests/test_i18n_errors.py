"""User errors, validation reasons and the sentences kept in records, in the reader's language.

The domain marks its texts with its own ``N_`` (English kept, message and values kept) and
never reads the language; the services translate when they raise; what a record keeps in
English (flags, a firmware change's reason, item notes) is said in the language it is read
in. The command line says all of it in Chinese under a Chinese locale.
"""

from __future__ import annotations

import copy
import json
import pickle
from datetime import date, datetime
from pathlib import Path

import pytest

from assettrack import i18n
from assettrack.domain.errors import FieldProblem, ValidationError
from assettrack.domain.texts import N_, Text
from assettrack.domain.validation import build_asset, build_contract
from assettrack.i18n.errors import error_text, translated
from assettrack.i18n.terms import warranty_source
from assettrack.services import record_texts
from assettrack.services.config_capture import diff_label, summary
from assettrack.services.inspections import firmware_change, newly_down_proposal, serial_mismatch
from assettrack.services.seals import Finding, HistoryCommit, VerifyReport
from tests.conftest import run_cli

CHINESE = {"LANG": "zh_CN.UTF-8", "LC_ALL": "", "LANGUAGE": "", "ASSETTRACK_CONFIG": ""}


@pytest.fixture(autouse=True)
def english_after():
    yield
    i18n.set_language("en")


def test_a_domain_text_is_its_english_sentence_and_keeps_its_message() -> None:
    text = N_("must be between {low} and {high}", low=1, high=9)
    assert text == "must be between 1 and 9" and isinstance(text, str)
    assert (text.message, text.values) == (
        "must be between {low} and {high}",
        {"low": 1, "high": 9},
    )
    assert json.dumps({"reason": text}) == '{"reason": "must be between 1 and 9"}'
    for copied in (copy.deepcopy(text), pickle.loads(pickle.dumps(text))):
        assert isinstance(copied, Text) and copied.message == text.message
    with i18n.using("zh_CN"):
        assert translated(text) == "必须在 1 到 9 之间"
        assert i18n._(text) == "必须在 1 到 9 之间"  # _ of a Text fills it in
    with i18n.using("en"):
        assert translated(text) == "must be between 1 and 9"
    assert translated("typed by a person") == "typed by a person"


def test_dates_inside_a_text_follow_the_language() -> None:
    text = N_("is before the warranty start {start}", start=date(2026, 3, 1))
    assert text == "is before the warranty start 2026-03-01"
    with i18n.using("zh_CN"):
        assert translated(text) == "早于保修开始日期 2026年3月1日"


def test_validation_errors_say_every_problem_in_chinese() -> None:
    with pytest.raises(ValidationError) as caught:
        build_asset({"site_id": "s1", "kind": "toaster", "serial_number": "a b"}, kinds=["switch"])
    english = str(caught.value)
    assert english.startswith("invalid asset: kind: 'toaster' is not a known kind (known: switch)")
    with i18n.using("zh_CN"):
        said = error_text(caught.value)
    assert said.startswith("资产无效：kind: 'toaster' 不是已知的类型（已知：switch）")
    assert "vendor: '' 必填" in said and "serial_number: 'a b' 必须为 2-64 个字母" in said
    assert error_text(caught.value) == english  # English is what it always said


def test_a_contract_ending_before_it_starts_says_so_with_a_chinese_date() -> None:
    values = {"customer_id": "c", "number": "N1", "value": "1", "starts_on": "2026-05-02"}
    with pytest.raises(ValidationError) as caught:
        build_contract({**values, "ends_on": "2026-01-01"})
    with i18n.using("zh_CN"):
        assert "ends_on: '2026-01-01' 早于开始日期 2026年5月2日" in error_text(caught.value)


def test_a_service_error_speaks_the_language_it_is_raised_in(tmp_path: Path) -> None:
    from assettrack.errors import AssetTrackError
    from assettrack.services.service_common import parse_time

    with i18n.using("zh_CN"), pytest.raises(AssetTrackError) as caught:
        parse_time("yesterday", "responded_at")
    assert str(caught.value) == (
        "responded_at：'yesterday' 不是形如 2026-03-01 09:30（+08:00）的日期时间"
    )
    assert error_text(caught.value) == str(caught.value)


def test_the_command_line_says_user_errors_in_chinese(tmp_path: Path) -> None:
    db = str(tmp_path / "db")
    assert run_cli("--db", db, "init").returncode == 0
    missing = run_cli("--db", db, "customer", "show", "NOPE", env=CHINESE)
    assert missing.returncode == 1
    assert missing.stderr.startswith("错误：没有编号、代码或名称为 'NOPE' 的客户"), missing.stderr
    bad = run_cli("--db", db, "customer", "add", "--name", "", env=CHINESE)
    assert bad.returncode == 1 and bad.stderr.startswith("错误：客户无效：name: '' 必填"), (
        bad.stderr
    )
    day = run_cli("--today", "2026-02-30", "--db", db, "customer", "list", env=CHINESE)
    assert day.returncode == 2 and "'2026-02-30' 不是 YYYY-MM-DD 格式的日期" in day.stderr
    english = run_cli("--db", db, "customer", "show", "NOPE")
    assert english.stderr.startswith("error: no customer with id, code or name 'NOPE'")


# -- what records keep in English --------------------------------------------------------


class _Asset:
    serial_number = "FOC123"
    firmware = "17.9.4a"


class _Readings:
    serial_number = "FOC999"
    os_version = "17.12.1"


def test_every_sentence_a_read_keeps_is_said_in_the_language_it_is_read_in() -> None:
    kept = [
        serial_mismatch(_Asset(), _Readings()),  # type: ignore[arg-type]
        firmware_change(_Asset(), _Readings())[1],  # type: ignore[arg-type,index]
        newly_down_proposal(["Gi1/0/1", "Gi1/0/2"], ["Gi1/0/2"]).note,
        newly_down_proposal(["Gi1/0/2"], ["Gi1/0/2"]).note,
        record_texts.NOT_SAVED,
        record_texts.FIRMWARE_PROPOSED,
        f"{record_texts.FIRMWARE_ACCEPTED} by 张工",
        "failed: PSU1, PSU2",
        "limits 18–27 °C",
        "empty slot: PWR2",  # a first-party plugin's words
        "one power module and no empty slot reported: no redundancy on this model",
    ]
    assert kept[0] == (
        "serial number mismatch: the device reports FOC999, the register has FOC123 "
        "(a swapped unit?)"
    )
    with i18n.using("en"):
        assert [record_texts.record_text(k) for k in kept] == kept
    with i18n.using("zh_CN"):
        said = [record_texts.record_text(k) for k in kept]
    assert said == [
        "序列号不符：设备报告 FOC999，台账记录为 FOC123（换了设备？）",
        "固件已变化：设备报告 17.12.1，台账记录为 17.9.4a（升级了，还是换了设备？）",
        "上次巡检以来断开：Gi1/0/1",
        "1 个断开，与上次巡检相同",
        "运行配置未保存：正在使用的配置与设备启动时加载的配置不同（重启将丢失这些更改）",
        "从控制台读取，尚未接受写入台账",
        "从控制台读取，已由 张工 接受写入台账",
        "故障：PSU1, PSU2",
        "限值 18–27 °C",
        "空槽位：PWR2",
        "只报告了一个电源模块且无空槽位：此型号无冗余",
    ]
    with i18n.using("zh_CN"):
        assert record_texts.record_text("机柜门锁坏了") == "机柜门锁坏了"  # the engineer's words
        assert record_texts.record_text("rack 3: door lock") == "rack 3: door lock"


def test_the_configuration_diff_in_chinese() -> None:
    from assettrack.domain.models import ConfigSnapshot

    shot = ConfigSnapshot("show running-config", datetime(2026, 3, 2, 9, 30), "x", True)
    shot.compared_at = datetime(2026, 2, 2, 10, 0)
    shot.config_diff = "--- a\n+++ b\n@@ -1 +1 @@\n-old\n+new\n+more"
    with i18n.using("zh_CN"):
        assert summary(shot) == (
            "自 2026-02-02 的巡检以来，配置中发现参数变更：新增 2 行，删除 1 行"
        )
        assert diff_label("--- inspection of 2026-02-02 10:00") == "--- 2026-02-02 10:00 的巡检"
        assert diff_label("+++ this inspection (2026-03-02 09:30)") == (
            "+++ 本次巡检（2026-03-02 09:30）"
        )
        assert diff_label("-old") == "-old"
    assert summary(shot).endswith(": 2 lines added, 1 removed")


def test_verify_says_its_findings_in_chinese_and_json_keeps_them_english() -> None:
    from assettrack.services.seals import CHANGED

    commit = HistoryCommit("a" * 40, "赵工", datetime(2026, 3, 1, 9, 0))
    report = VerifyReport(visits=2, inspections=3, commits=7)
    report.findings.append(Finding("visits", "v1", "s1", CHANGED, commit))
    assert report.findings[0].problem == "changed after the customer signed it"
    with i18n.using("zh_CN"):
        lines = report.lines()
    assert lines[0] == "已按封签和历史中的 7 个提交核对 2 次已签字回访和 3 次已签字巡检"
    assert lines[1] == "回访 v1：在客户签字后被更改（提交 aaaaaaaaaa，赵工，2026-03-01 09:00）"
    assert lines[-1] == "已签字记录有 1 个问题。"


def test_where_a_warranty_period_came_from() -> None:
    with i18n.using("zh_CN"):
        assert warranty_source("asset's own period + 6 months extension") == (
            "资产自身的保修期 + 延保 6 个月"
        )
        assert warranty_source("Huawei default") == "Huawei 默认值"
        assert warranty_source("Cisco C9300*") == "Cisco C9300*"
    assert warranty_source("general default") == "general default"


def test_field_problems_keep_their_field_and_value() -> None:
    problem = FieldProblem("amount", "-1", N_("must be 0 or more"))
    assert str(problem) == "amount: '-1' must be 0 or more"

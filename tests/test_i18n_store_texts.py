"""The store's and the console's own words in Chinese (issue 16): a damaged file's problem,
the warnings the store prints, a busy database, a deleted record's label, a bad credentials
reference and a missing port, with no English middle; the English sentences byte for byte
as they were.

Real databases on the real command line (in this process, with a Chinese locale).
"""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from assettrack import i18n
from assettrack.console import CISCO_IOS, ConsoleSession
from assettrack.console.credentials import resolve_credentials
from assettrack.console.errors import ConsoleError, CredentialsError
from assettrack.i18n.click_texts import speak_to_click
from assettrack.i18n.errors import error_text
from assettrack.store.errors import StoreLockedError
from assettrack.store.lock import busy_message
from assettrack.store.store import Store
from tests.cli_inprocess import Cli

CHINESE = {"LANG": "zh_CN.UTF-8", "LC_ALL": "", "LANGUAGE": "", "LC_MESSAGES": ""}


@pytest.fixture(autouse=True)
def english_after():
    yield
    i18n.set_language("en")
    speak_to_click("en")


def database(home: Path) -> tuple[Path, Cli, Cli]:
    db = home / "db"
    chinese, english = Cli(home), Cli(home)
    chinese.env.update(CHINESE)
    assert english("--db", db, "init").returncode == 0
    added = english("--db", db, "customer", "add", "--name", "华能电厂", "--code", "HN")
    assert added.returncode == 0, added.stderr
    return db, chinese, english


def test_a_damaged_file_is_said_in_chinese_with_no_english_middle(tmp_path: Path) -> None:
    db, chinese, english = database(tmp_path)
    (db / "catalog.json").write_text("garbage\n", encoding="utf-8")
    said = chinese("--db", db, "customer", "list")
    assert said.returncode == 1
    assert said.stderr.startswith(
        f"错误：数据库文件 {db / 'catalog.json'} 已损坏：不是有效的 JSON（"
    )
    assert "not valid JSON" not in said.stderr
    assert "该文件未被改动" in said.stderr
    english_said = english("--db", db, "customer", "list")
    assert english_said.stderr.startswith(
        f"error: database file {db / 'catalog.json'} is damaged: not valid JSON ("
    )
    assert english_said.stderr.rstrip("\n").endswith(
        "). It was left untouched; restore it from a backup or move it aside to continue "
        "without it."
    )
    assert (db / "catalog.json").read_text(encoding="utf-8") == "garbage\n"  # nothing lost


def test_a_document_set_aside_is_a_chinese_warning(tmp_path: Path) -> None:
    db, chinese, _english = database(tmp_path)
    catalog = orjson.loads((db / "catalog.json").read_bytes())
    (customer_id,) = catalog["customers"]
    catalog["customers"][customer_id]["name"] = 42  # a damaged document, set aside when read
    (db / "catalog.json").write_bytes(orjson.dumps(catalog))
    said = chinese("--db", db, "customer", "list")
    assert said.returncode == 0, said.stderr
    (warning,) = [line for line in said.stderr.splitlines() if customer_id in line]
    assert warning.startswith("警告：catalog.json：损坏的 客户 ")
    assert "已移入隔离区 quarantine/" in warning and "数据库的其余部分照常使用" in warning
    assert "warning" not in warning and "set aside" not in warning


def test_a_busy_database_is_said_in_chinese(tmp_path: Path) -> None:
    error = StoreLockedError(busy_message(tmp_path, 0.5))
    english = str(error)
    assert english == (
        f"database {tmp_path} is busy: another program is saving (it did not say which). "
        "Nothing was saved after waiting 0.5 s; run this again once that save has finished "
        "(an import or a merge takes a few seconds)"
    )
    i18n.set_language("zh_CN")
    assert error_text(error) == (
        f"数据库 {tmp_path} 正忙：另一个程序正在保存（未说明是哪一个）。等待 0.5 秒后仍未保存"
        "任何内容；请在那次保存完成后再运行一次（导入或合并需要几秒钟）"
    )


def test_a_deleted_records_conflict_is_labelled_in_chinese(tmp_path: Path) -> None:
    from tests.test_git_sync import Team, joined, sync

    stores = [Store.open(tmp_path / n, author=a) for n, a in (("zhang", "张工"), ("li", "李工"))]
    remote = tmp_path / "team.git"
    remote.mkdir()
    team = Team(remote, stores[0], stores[1], stores[1])
    try:
        seeded = joined(team)
        site_id, fault_id = seeded.site.id, seeded.fault.id
        fault = team.li.faults.get(site_id, fault_id)
        assert fault is not None
        fault.resolution = "更换电源模块"
        team.li.faults.save(fault)
        sync(team.li)
        team.zhang.faults.delete(team.zhang.faults.get(site_id, fault_id))  # type: ignore[arg-type]
        assert sync(team.zhang).merge.conflicts == 1
    finally:
        for store in stores:
            store.close()
    chinese, english = Cli(tmp_path), Cli(tmp_path)
    chinese.env.update(CHINESE)
    listed = chinese("--db", tmp_path / "zhang", "conflicts")
    assert listed.returncode == 0, listed.stderr
    assert "（已删除）" in listed.stdout and "(deleted)" not in listed.stdout
    assert "(deleted)" in english("--db", tmp_path / "zhang", "conflicts").stdout
    as_json = chinese("--db", tmp_path / "zhang", "conflicts", "--format", "json")
    assert '"label": "(deleted)"' in as_json.stdout  # machine-readable: English


def test_console_errors_are_said_in_chinese(tmp_path: Path) -> None:
    with pytest.raises(CredentialsError) as bad_reference:
        resolve_credentials("env:ONLY_ONE", environ={})
    missing = tmp_path / "ttyUSB9"
    with pytest.raises(ConsoleError) as no_port:
        ConsoleSession(f"{missing}", CISCO_IOS).open()
    assert str(bad_reference.value) == (
        "env:ONLY_ONE should name two or three environment variables: "
        "env:USER_VAR,PASS_VAR or env:USER_VAR,PASS_VAR,ENABLE_VAR."
    )
    english_port = str(no_port.value)
    assert english_port.startswith(f"No port at {missing}. Check that the console cable")
    i18n.set_language("zh_CN")
    assert error_text(bad_reference.value) == (
        "env:ONLY_ONE 应指定两个或三个环境变量：env:USER_VAR,PASS_VAR 或 "
        "env:USER_VAR,PASS_VAR,ENABLE_VAR。"
    )
    assert error_text(no_port.value).startswith(f"{missing} 处没有端口。请检查控制台线")
    assert str(no_port.value) == english_port  # what a record keeps stays English

"""Team sync, bundles, signed records, the store's and the console's errors and click's own
messages in Chinese (issue 16, phase three), English unchanged.

Real databases, real git repositories in shared folders, the real command line: in this
process (``Cli``) with a Chinese locale, and once as its own process as a user runs it.
The team's git history stays English whatever the language of the engineer who synced.
"""

from __future__ import annotations

import json
import shutil
from contextlib import closing
from pathlib import Path

import pytest
from dulwich.repo import Repo

from assettrack import i18n
from assettrack.console.errors import GarbageReceived, garbage_message, no_response_message
from assettrack.domain.codec import to_doc
from assettrack.domain.gate import check_document, describe
from assettrack.domain.models import Asset
from assettrack.i18n.click_texts import speak_to_click
from assettrack.i18n.errors import error_text
from assettrack.services.git_sync import BRANCH, SyncReport
from assettrack.services.sync import MergeReport, RefusedDocument, admit
from assettrack.store.database import HEADER_NAME
from assettrack.store.errors import NewerSchemaError, RejectedDocumentError
from assettrack.store.store import Store
from tests.cli_inprocess import Cli, Outcome
from tests.conftest import run_cli

CHINESE = {"LANG": "zh_CN.UTF-8", "LC_ALL": "", "LANGUAGE": "", "LC_MESSAGES": ""}


@pytest.fixture(autouse=True)
def english_after():
    yield
    i18n.set_language("en")
    speak_to_click("en")


class Engineer:
    """One engineer's database on the command line, in Chinese unless told otherwise."""

    def __init__(self, home: Path, name: str) -> None:
        self.db = home / name
        self.cli = Cli(home)
        self.english = Cli(home)
        self.cli.env.update(CHINESE)
        assert self.cli("--db", self.db, "init").returncode == 0

    def __call__(self, *args: str | Path) -> Outcome:
        return self.cli("--db", self.db, *args)

    def add_customer(self, name: str, code: str) -> None:
        added = self("customer", "add", "--name", name, "--code", code)
        assert added.returncode == 0, added.stderr


def one_error_line(outcome: Outcome) -> str:
    """What a failed command said: one line on standard error, nothing else."""
    assert outcome.returncode == 1, outcome
    assert outcome.stderr.endswith("\n") and outcome.stderr.count("\n") == 1, outcome.stderr
    return outcome.stderr.rstrip("\n")


# -- sync ---------------------------------------------------------------------------------


def test_sync_errors_are_one_chinese_line(tmp_path: Path) -> None:
    zhang = Engineer(tmp_path, "zhang")
    assert one_error_line(zhang("sync")) == (
        f"错误：数据库 {zhang.db} 尚未与团队同步：assettrack sync init REMOTE"
    )
    nowhere = tmp_path / "nowhere"
    assert one_error_line(zhang("sync", "init", nowhere)) == (
        f"错误：没有文件夹 {nowhere}：请先建立团队仓库（在服务器上 git init --bare，或一个空的"
        "共享文件夹）"
    )
    assert not (zhang.db / ".sync").exists()  # the attempt left no trace
    # A database that exchanged bundles only has a history and no remote.
    zhang.add_customer("华东医院集团", "ECH")
    assert zhang("export-bundle", tmp_path / "zhang.bundle").returncode == 0
    assert one_error_line(zhang("sync")) == (
        "错误：尚未设置团队的远程仓库：assettrack sync init REMOTE"
    )
    english = zhang.english("--db", zhang.db, "sync")
    assert english.stderr == "error: no team's remote is set: assettrack sync init REMOTE\n"


def test_a_missing_shared_folder_is_said_in_chinese_by_the_console_script(tmp_path: Path) -> None:
    li = Engineer(tmp_path, "li")
    shared = tmp_path / "team"
    shared.mkdir()
    li.add_customer("浦东机场", "PVG")
    assert li("sync", "init", shared).returncode == 0
    shutil.rmtree(shared)  # the shared folder is not connected
    said = run_cli("--db", str(li.db), "sync", env=CHINESE)
    assert said.returncode == 1 and said.stdout == ""
    assert said.stderr == (
        f"错误：无法连接团队的远程仓库 {shared}：文件夹不存在（共享文件夹连上了吗？）；本机未做"
        "任何更改\n"
    )


def test_a_sync_reports_in_chinese_and_commits_in_english(tmp_path: Path) -> None:
    shared = tmp_path / "team"
    shared.mkdir()
    zhang, li = Engineer(tmp_path, "zhang"), Engineer(tmp_path, "li")
    zhang.add_customer("华东医院集团", "ECH")
    first = zhang("sync", "init", shared)
    assert first.returncode == 0 and first.stdout == f"已推送到 {shared}\n"
    li.add_customer("浦东机场", "PVG")
    joined = li("sync", "init", shared)
    assert joined.returncode == 0, joined.stderr
    merged, pushed = joined.stdout.splitlines()
    assert merged == "已合并团队的修改：新增 1，更新 0，删除 0，冲突 0，未变 0"
    assert pushed == f"已推送到 {shared}"
    again = zhang("sync")
    assert again.stdout.startswith("已合并团队的修改：新增 1，")
    assert li("sync").stdout == f"已与 {shared} 保持一致\n"
    # The history the team shares is English, whoever synced in which language.
    with closing(Repo(str(shared))) as repo:
        head = repo[repo.refs[BRANCH]]
        messages = [w.commit.message.decode() for w in repo.get_walker(include=[head.id])]
    assert any(m.startswith("merge the team's changes: 1 added, 0 updated") for m in messages)
    assert all(m.isascii() for m in messages), messages


def test_a_sync_report_in_both_languages() -> None:
    report = SyncReport("/srv/team.git", MergeReport(added=2, merged=1, conflicts=1))
    report.merge.refused.append("visit v1: …")
    report.merged = report.pushed = True
    report.retries = 2
    english = report.lines()
    assert english == [
        "Merged the team's changes: 2 added, 0 updated, 1 merged field by field, 0 deleted, "
        "1 conflict(s), 0 unchanged, 1 refused",
        "Pushed to /srv/team.git",
        "(another engineer pushed first; merged again 2 time(s))",
    ]
    with i18n.using("zh_CN"):
        assert report.lines() == [
            "已合并团队的修改：新增 2，更新 0，逐字段合并 1，删除 0，冲突 1，未变 0，拒收 1",
            "已推送到 /srv/team.git",
            "（另一位工程师先推送了；已再次合并 2 次）",
        ]
        # The commit's summary is English in any language: the team's history.
        assert str(report.merge.summary_text()) == english[0].split(": ", 1)[1]


# -- signed records -----------------------------------------------------------------------


def _a_signed_visit(db: Path) -> tuple[Path, str]:
    for path in sorted((db / "records" / "visits").rglob("*.json")):
        for doc_id, doc in json.loads(path.read_text(encoding="utf-8"))["visits"].items():
            if (doc.get("sign_off") or {}).get("seal"):
                return path, doc_id
    raise AssertionError("the demo has no signed visit")


def test_verify_says_a_changed_signed_visit_in_chinese(tmp_path: Path, demo_source: Path) -> None:
    db = tmp_path / "db"
    shutil.copytree(demo_source, db)
    path, visit_id = _a_signed_visit(db)
    with Store.open(db):  # edited behind assettrack's back, as by hand
        data = json.loads(path.read_text(encoding="utf-8"))
        data["visits"][visit_id]["notes"] = "签字后改过"
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    cli = Cli(tmp_path)
    cli.env.update(CHINESE)
    found = cli("--db", db, "verify")
    assert found.returncode == 1
    lines = found.stdout.splitlines()
    assert f"回访 {visit_id}：在客户签字后被更改（在本机更改，尚未同步）" in lines
    assert lines[-1] == "已签字记录有 1 个问题。"
    # JSON keeps the English the tools read.
    (finding,) = json.loads(cli("--db", db, "verify", "--format", "json").stdout)["findings"]
    assert finding["problem"] == "changed after the customer signed it"


# -- bundles ------------------------------------------------------------------------------


def test_bundle_errors_are_one_chinese_line(tmp_path: Path) -> None:
    zhang, li = Engineer(tmp_path, "zhang"), Engineer(tmp_path, "li")
    garbage = tmp_path / "photo.bin"
    garbage.write_bytes(b"hello")
    assert one_error_line(li("import-bundle", garbage)) == (
        f"错误：{garbage} 不是数据包：应为 git 数据包（由 assettrack export-bundle 或 git bundle "
        "create 制作）或 assettrack JSON 数据包，但它的开头是 b'hello'；未做任何更改"
    )
    zhang.add_customer("华东医院集团", "ECH")
    bundle = tmp_path / "zhang.bundle"
    assert zhang("export-bundle", bundle).returncode == 0
    cut = tmp_path / "cut.bundle"
    cut.write_bytes(bundle.read_bytes()[:-30])  # the USB stick was pulled out
    said = one_error_line(li("import-bundle", cut))
    assert said.startswith(f"错误：{cut} 是已损坏的 git 数据包（") and said.endswith(
        "；未做任何更改"
    )
    old = tmp_path / "old.json"
    document = {"partition": "catalog.json", "table": "nope", "doc": {"id": "x1", "schema": 1}}
    old.write_text(
        json.dumps({"format": "assettrack-bundle", "version": 1, "documents": [document]})
    )
    assert one_error_line(li("import-bundle", old)) == (
        f"错误：{old}：第 0 个文档（x1）所属的表不能导入到 catalog.json（'nope'）；未导入任何内容"
    )
    assert li.english("--db", li.db, "import-bundle", old).stderr == (
        f"error: {old}: document 0 (x1) is of a table that cannot be imported into catalog.json "
        "('nope'); nothing was imported\n"
    )


def test_an_incoming_document_the_gate_refuses_is_named_in_chinese(store: Store) -> None:
    asset = Asset("s1", "switch", "Huawei", "S5735", "HW1")
    doc = {**to_doc(asset), "serial_number": {"x": 1}}
    with i18n.using("zh_CN"), pytest.raises(RefusedDocument) as caught:
        admit("assets/s1.json", "assets", doc, store.db.plan)
    assert str(caught.value) == f"资产 {asset.id}：serial_number 必须是文本（实际为 对象）"
    with pytest.raises(RefusedDocument) as english:
        admit("assets/s1.json", "assets", doc, store.db.plan)
    assert str(english.value) == f"asset {asset.id}: serial_number must be text (found an object)"
    partial = {k: v for k, v in doc.items() if k not in ("kind", "vendor")}
    with i18n.using("zh_CN"), pytest.raises(RefusedDocument) as more:
        admit("assets/s1.json", "assets", partial, store.db.plan)
    assert str(more.value) == f"资产 {asset.id}：kind 缺失（另有 2 个问题）"


# -- the store's and the console's errors -------------------------------------------------


def test_store_and_console_errors_keep_english_and_are_said_in_chinese(tmp_path: Path) -> None:
    newer = NewerSchemaError(Path("db/catalog.json"), 7, 3)
    assert str(newer) == (
        "db/catalog.json was written by a newer assettrack (schema 7; this version reads up "
        "to 3). It was left untouched; upgrade assettrack to open it."
    )
    doc = {"id": "a1", "schema": 1, "serial_number": []}
    refused = RejectedDocumentError(describe("assets", doc, check_document("assets", doc)))
    garbage = GarbageReceived(garbage_message("/dev/ttyUSB0", 9600))
    quiet = no_response_message("/dev/ttyUSB0", 9600, 2.5)
    assert "after 2.5 s" in quiet
    with i18n.using("zh_CN"):
        assert error_text(newer) == (
            "db/catalog.json 由较新版本的 assettrack 写入（数据格式版本 7；本版本最高只能读取 "
            "3）。该文件未被改动；请升级 assettrack 后再打开。"
        )
        said = error_text(refused)
        assert said.startswith("拒绝保存 资产 a1：") and said.endswith("；未保存任何内容")
        assert error_text(garbage).startswith(
            "/dev/ttyUSB0 上的设备在 9600 波特率下发来无法识别的字符：波特率可能不对。请试试 115200"
        )
        assert i18n._(quiet).startswith("/dev/ttyUSB0 上的设备 2.5 秒内没有响应")
    assert str(refused).startswith("refused to save asset a1: ")


def test_a_newer_database_is_refused_in_chinese_on_the_command_line(tmp_path: Path) -> None:
    zhang = Engineer(tmp_path, "zhang")
    header = zhang.db / HEADER_NAME
    header.write_text(json.dumps({"format": "assettrack-store", "schema": 99}))
    said = one_error_line(zhang("customer", "list"))
    assert said.startswith(f"错误：{header} 由较新版本的 assettrack 写入（数据格式版本 99；")
    assert said.endswith("该文件未被改动；请升级 assettrack 后再打开。")


# -- click's own messages -----------------------------------------------------------------


def test_clicks_own_messages_in_chinese(tmp_path: Path) -> None:
    unknown = run_cli("--db", str(tmp_path / "db"), "nosuch", env=CHINESE)
    assert unknown.returncode == 2
    assert unknown.stderr.splitlines()[1:] == [
        "运行 'python -m assettrack --help' 查看帮助。",
        "",
        "错误：没有命令 'nosuch'。",
    ]
    english = run_cli("--db", str(tmp_path / "db"), "nosuch")
    assert english.stderr.splitlines()[1:] == [
        "Try 'python -m assettrack --help' for help.",
        "",
        "Error: No such command 'nosuch'.",
    ]
    # The setting beats the locale, either way.
    chinese_setting = tmp_path / "zh.toml"
    chinese_setting.write_text('[interface]\nlanguage = "zh_CN"\n', encoding="utf-8")
    english_setting = tmp_path / "en.toml"
    english_setting.write_text('[interface]\nlanguage = "en"\n', encoding="utf-8")
    cli = Cli(tmp_path)
    cli.env.update({"LANG": "en_US.UTF-8", "ASSETTRACK_CONFIG": str(chinese_setting)})
    missing = cli("--db", tmp_path / "db", "site", "add")
    assert missing.returncode == 2 and "错误：缺少选项 '--customer'." in missing.stderr
    cli.env.update({**CHINESE, "ASSETTRACK_CONFIG": str(english_setting)})
    wrong = cli("--db", tmp_path / "db", "sync", "status", "--format", "xml")
    assert "Error: Invalid value for '--format': 'xml' is not one of 'table', 'json'." in (
        wrong.stderr
    )
    cli.env.update(CHINESE)
    cli.env["ASSETTRACK_CONFIG"] = None
    wrong = cli("--db", tmp_path / "db", "sync", "status", "--format", "xml")
    assert "错误：'--format' 的值无效：'xml' 不是可选的值（'table', 'json'）。" in wrong.stderr

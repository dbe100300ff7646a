"""The interface's language: chosen by setting, then locale, then English; catalogs compiled
at first use; dates and numbers; the command line's help in Chinese."""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path

import pytest

from assettrack import i18n
from assettrack.config import load_settings, startup_language
from assettrack.errors import AssetTrackError
from assettrack.i18n import catalogs, formats
from assettrack.i18n.click_help import wrap_cells
from assettrack.i18n.formats import cells
from tests.conftest import run_cli


@pytest.fixture(autouse=True)
def english_after():
    yield
    i18n.set_language("en")


@pytest.mark.parametrize(
    ("value", "language"),
    [
        ("zh_CN", "zh_CN"),
        ("zh-cn", "zh_CN"),
        ("zh", "zh_CN"),
        ("zh_CN.UTF-8", "zh_CN"),
        ("中文", "zh_CN"),
        ("en", "en"),
        ("en_GB.utf8", "en"),
        ("C", "en"),
        ("", None),
    ],
)
def test_language_names(value: str, language: str | None) -> None:
    assert i18n.normalize_language(value) == language


def test_an_unknown_language_is_refused_by_name() -> None:
    with pytest.raises(i18n.UnknownLanguage):
        i18n.normalize_language("fr_FR")


@pytest.mark.parametrize(
    ("env", "language"),
    [
        ({"LANG": "zh_CN.UTF-8"}, "zh_CN"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LANG": "fr_FR.UTF-8"}, "en"),  # no French catalog: English
        ({"LC_ALL": "en_US.UTF-8", "LANG": "zh_CN.UTF-8"}, "en"),
        ({"LANGUAGE": "fr:zh_CN", "LANG": "en_US.UTF-8"}, "zh_CN"),
        ({"LANGUAGE": "", "LC_MESSAGES": "zh_CN.GB18030"}, "zh_CN"),
        ({}, "en"),
    ],
)
def test_the_locale_decides_without_a_setting(env: dict[str, str], language: str) -> None:
    assert i18n.language_from_env(env) == language
    assert i18n.choose_language("", env) == language


def _settings(tmp_path: Path, text: str):
    config = tmp_path / "team.toml"
    config.write_text(text, encoding="utf-8")
    return load_settings(
        config_file=config, db_path=tmp_path / "db", env={}, user_dir=tmp_path / "none"
    )


def test_the_setting_beats_the_locale_and_reports_have_their_own(tmp_path: Path) -> None:
    settings = _settings(tmp_path, '[interface]\nlanguage = "en"\n[reports]\nlanguage = "zh-CN"\n')
    assert settings.interface_language({"LANG": "zh_CN.UTF-8"}) == "en"
    assert settings.reports_language({"LANG": "zh_CN.UTF-8"}) == "zh_CN"
    unset = _settings(tmp_path, "")
    assert unset.interface_language({"LANG": "zh_CN.UTF-8"}) == "zh_CN"
    assert unset.reports_language({"LANG": "zh_CN.UTF-8"}) == "zh_CN"  # the interface's
    assert unset.reports_language({}) == "en"


def test_a_language_assettrack_does_not_speak_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(AssetTrackError) as raised:
        _settings(tmp_path, '[interface]\nlanguage = "fr"\n')
    message = str(raised.value)
    assert "[interface] language 'fr'" in message
    assert "en, zh_CN" in message and "team.toml" in message


def test_start_up_language_reads_the_config_file_named_in_the_environment(
    tmp_path: Path,
) -> None:
    config = tmp_path / "team.toml"
    config.write_text('[interface]\nlanguage = "zh_CN"\n', encoding="utf-8")
    assert startup_language({"ASSETTRACK_CONFIG": str(config), "LANG": "C"}) == "zh_CN"
    config.write_text("[interface\n", encoding="utf-8")  # broken: the locale decides
    assert startup_language({"ASSETTRACK_CONFIG": str(config), "LANG": "zh_CN.UTF-8"}) == ("zh_CN")


def test_using_speaks_a_language_for_one_block_only() -> None:
    i18n.set_language("en")
    with i18n.using("zh_CN") as spoken:
        assert spoken == "zh_CN"
        assert i18n._("Warranty") == "保修"
    assert i18n._("Warranty") == "Warranty"
    assert i18n._("a text no catalog has") == "a text no catalog has"


# -- catalogs compiled at first use -----------------------------------------------------------


def _copy_catalog(tmp_path: Path) -> Path:
    folder = tmp_path / "locale"
    source = catalogs.po_path(catalogs.LOCALE_DIR, "zh_CN", "assettrack")
    target = catalogs.po_path(folder, "zh_CN", "assettrack")
    target.parent.mkdir(parents=True)
    shutil.copy(source, target)
    return folder


def test_a_catalog_is_compiled_once_into_the_cache(tmp_path, monkeypatch) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setattr(catalogs, "cache_folder", lambda: cache)
    folder = _copy_catalog(tmp_path)
    assert catalogs.load_translations(folder, "zh_CN", "assettrack").gettext("Sites") == "站点"
    [compiled] = cache.glob("assettrack-zh_CN-*.mo")
    compiled.write_bytes(compiled.read_bytes())  # the next load reads it, not the .po
    po = catalogs.po_path(folder, "zh_CN", "assettrack")
    po.write_text(po.read_text(encoding="utf-8").replace('"站点"', '"场地"'), encoding="utf-8")
    os.utime(po, ns=(po.stat().st_atime_ns, po.stat().st_mtime_ns + 10**9))
    # An edited catalog is compiled again: its translations are the new ones.
    assert catalogs.load_translations(folder, "zh_CN", "assettrack").gettext("Sites") == "场地"


def test_a_damaged_catalog_leaves_english_and_says_why(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(catalogs, "cache_folder", lambda: tmp_path / "cache")
    monkeypatch.setattr(catalogs, "problems", [])
    folder = _copy_catalog(tmp_path)
    catalogs.po_path(folder, "zh_CN", "assettrack").write_text('msgid "Sites"\n')
    translations = catalogs.load_translations(folder, "zh_CN", "assettrack")
    assert translations.gettext("Sites") == "Sites"
    assert len(catalogs.problems) == 1 and "could not be read" in catalogs.problems[0]


def test_an_unwritable_cache_only_means_compiling_again(tmp_path, monkeypatch) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    monkeypatch.setattr(catalogs, "cache_folder", lambda: blocked / "locale")
    folder = _copy_catalog(tmp_path)
    assert catalogs.load_translations(folder, "zh_CN", "assettrack").gettext("Sites") == "站点"


def test_plugin_catalogs_answer_what_assettrack_lacks(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(catalogs, "cache_folder", lambda: tmp_path / "cache")
    po = catalogs.po_path(tmp_path / "plugin", "zh_CN", "my_plugin")
    po.parent.mkdir(parents=True)
    po.write_text(
        'msgid ""\nmsgstr "Content-Type: text/plain; charset=utf-8\\n"\n\n'
        'msgid "Fan tray seated"\nmsgstr "风扇框已插紧"\n',
        encoding="utf-8",
    )
    try:
        i18n.add_catalogs(tmp_path / "plugin", "my_plugin")
        with i18n.using("zh_CN"):
            assert i18n._("Fan tray seated") == "风扇框已插紧"
            assert i18n._("Sites") == "站点"  # assettrack's own still first
    finally:
        i18n._extra.pop("my_plugin", None)
        i18n._translations.clear()


# -- dates and numbers ------------------------------------------------------------------------


def test_dates_and_numbers_follow_the_language() -> None:
    day = date(2026, 12, 1)
    assert formats.format_date(day, language="en") == "2026-12-01"
    assert formats.format_date(day, language="zh_CN") == "2026年12月1日"
    assert formats.format_date(day, "long", language="en") == "1 December 2026"
    assert formats.format_number(1234.5, 1, language="zh_CN") == "1,234.5"


@pytest.mark.parametrize("language", ["en", "zh_CN"])
@pytest.mark.parametrize("value", [0, 7, 1234, 1234567, -52000])
def test_whole_numbers_skip_babel_with_babels_answer(language: str, value: int) -> None:
    from babel.numbers import format_decimal

    expected = format_decimal(value, "#,##0", locale=formats.babel_locale(language))
    assert formats.format_number(value, language=language) == expected


# -- the command line's help ------------------------------------------------------------------


def test_chinese_lines_wrap_by_cells_and_keep_punctuation_attached() -> None:
    text = "每项资产的保修状态，最近到期的在前（默认：未来 90 天内到期的）。可按站点筛选。"
    lines = wrap_cells(text, 20, "  ", "  ")
    assert "".join(line.strip() for line in lines).replace(" ", "") == text.replace(" ", "")
    assert all(cells(line) <= 20 for line in lines)
    assert not any(line.strip()[0] in "，。）：" for line in lines)


def test_help_in_chinese_under_a_chinese_locale() -> None:
    env = {"LANG": "zh_CN.UTF-8", "LC_ALL": "", "LANGUAGE": "", "ASSETTRACK_CONFIG": ""}
    result = run_cli("--help", env=env)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("用法: ") and "assettrack [OPTIONS] [COMMAND] [ARGS]..." in out
    for text in ("assettrack：网络资产、保修和现场巡检。", "选项:", "命令:", "显示此帮助并退出。"):
        assert text in out, text
    assert "warranty        即将到期的保修，最早到期的在前。" in out  # a short help
    assert all(cells(line) <= 80 for line in out.splitlines())
    sub = run_cli("warranty", "--help", env=env)
    assert "未来 DAYS 天内到期的保修" in sub.stdout and "同时列出已过保的资产。" in sub.stdout
    assert all(cells(line) <= 80 for line in sub.stdout.splitlines())


def test_help_stays_english_when_the_setting_says_so(tmp_path: Path) -> None:
    config = tmp_path / "team.toml"
    config.write_text('[interface]\nlanguage = "en"\n', encoding="utf-8")
    result = run_cli(
        "warranty",
        "--help",
        env={"LANG": "zh_CN.UTF-8", "LC_ALL": "", "ASSETTRACK_CONFIG": str(config)},
    )
    assert result.stdout.startswith("Usage: ") and "warranty [OPTIONS]" in result.stdout
    assert "Warranties that expire soon, soonest first." in result.stdout


# -- spreadsheets: stable column names, Chinese titles on request --------------------------------


def test_every_column_of_every_spreadsheet_has_one_chinese_title() -> None:
    from assettrack.i18n.csv_titles import NAMES_OF_TITLES, TITLES_ZH
    from assettrack.services.asset_transfer import EXPORT_COLUMNS
    from assettrack.services.catalog_transfer import (
        CONTRACT_COLUMNS,
        CUSTOMER_COLUMNS,
        SITE_COLUMNS,
    )

    for columns in (EXPORT_COLUMNS, CUSTOMER_COLUMNS, SITE_COLUMNS, CONTRACT_COLUMNS):
        assert not [c for c in columns if c not in TITLES_ZH], columns
    assert len(NAMES_OF_TITLES) == len(TITLES_ZH)  # one name per title: read back exactly


def test_titles_replace_the_header_row_only_and_read_back() -> None:
    from assettrack.i18n.csv_titles import names_of, with_titles

    text = '\ufeffsite,serial_number,notes\r\n门诊楼机房,FOC1,"site, serial"\r\n'
    titled = with_titles(text)
    assert titled == '\ufeff站点,序列号,备注\r\n门诊楼机房,FOC1,"site, serial"\r\n'
    assert names_of(["站点", " 序列号", "plugin_column"]) == [
        "site",
        "serial_number",
        "plugin_column",
    ]


def test_export_with_chinese_headers(tmp_path: Path, demo_source: Path) -> None:
    names = run_cli("--db", str(demo_source), "export", "assets")
    titled = run_cli("--db", str(demo_source), "export", "assets", "--headers", "zh")
    assert titled.returncode == 0, titled.stderr
    assert names.stdout.splitlines()[0].startswith("id,customer,site,kind,vendor,model")
    assert titled.stdout.splitlines()[0].startswith("编号,客户,站点,类型,厂商,型号,序列号")
    assert names.stdout.splitlines()[1:] == titled.stdout.splitlines()[1:]
    refused = run_cli(
        "--db", str(demo_source), "export", "customers", "--format", "json", "--headers", "zh"
    )
    assert refused.returncode == 2 and "--headers zh is for CSV exports" in refused.stderr

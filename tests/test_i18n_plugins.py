"""A plugin ships its own catalog through the API (``assettrack.api.translator``).

A real plugin, loaded by pluggy from the plugins folder as a user's would be, keeps a
zh_CN ``.po`` beside it: its checklist item is shown in Chinese, its own messages come
through its translator in the language of the moment, and a word assettrack already
translates needs no entry of its own.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from assettrack import i18n
from assettrack.api import Readings
from assettrack.plugins.loader import load_plugins

PLUGIN = textwrap.dedent("""
    from pathlib import Path

    from assettrack.api import ChecklistItem, ItemResult, Proposal, hookimpl, translator

    ASSETTRACK_API = ">=1.2,<2"
    _ = translator("acme_fans", Path(__file__).parent / "acme_locale")
    N_ = _.N_
    STATES = {"spinning": N_("spinning")}  # a table made at import, translated when shown

    ITEM = ChecklistItem("acme_fan_tray", "Fan tray seated", "Push until it clicks.")


    @hookimpl
    def assettrack_checklist_items(asset):
        return [ITEM]


    @hookimpl
    def assettrack_autofill(item, readings):
        if item.id == ITEM.id:
            return Proposal(ItemResult.PASS, _(STATES["spinning"]), _("all fans spin"))
        return None


    def words():
        return [_("all fans spin"), _("Sites"), _("no such message")]
""")

PO = """msgid ""
msgstr ""
"Content-Type: text/plain; charset=utf-8\\n"
"Language: zh_CN\\n"
"Plural-Forms: nplurals=1; plural=0;\\n"

msgid "Fan tray seated"
msgstr "风扇托盘已插好"

msgid "Push until it clicks."
msgstr "推到咔哒一声为止。"

msgid "all fans spin"
msgstr "所有风扇都在转"

msgid "spinning"
msgstr "转动中"

msgid "Sites"
msgstr "插件自己的站点译法"
"""


@pytest.fixture(autouse=True)
def english_after():
    yield
    i18n.set_language("en")


def test_a_plugin_ships_its_catalog_through_the_api(tmp_path: Path, sample_asset) -> None:
    folder = tmp_path / "plugins"
    catalog = folder / "acme_locale" / "zh_CN" / "LC_MESSAGES"
    catalog.mkdir(parents=True)
    (catalog / "acme_fans.po").write_text(PO, encoding="utf-8")
    (folder / "acme.py").write_text(PLUGIN, encoding="utf-8")
    ext = load_plugins({"plugins": {"folder": str(folder)}}, env={}, entry_points=False)
    assert not ext.host.failures, ext.host.failures
    (module,) = [p for p in ext.host.pm.get_plugins() if getattr(p, "ITEM", None)]
    item = next(i for i in ext.checklist_for(sample_asset()) if i.id == "acme_fan_tray")

    with i18n.using("zh_CN"):
        # The app's own lookup finds the plugin's words: its item as the screens show it.
        assert (i18n._(item.label), i18n._(item.help)) == ("风扇托盘已插好", "推到咔哒一声为止。")
        _plugin, proposal = ext.propose([item], Readings(), sample_asset())[item.id]
        assert (proposal.value, proposal.note) == ("转动中", "所有风扇都在转")
        # Its own catalog first, then assettrack's, then the message as written.
        assert module.words() == ["所有风扇都在转", "插件自己的站点译法", "no such message"]
        assert i18n._("Sites") == "站点"  # assettrack's own word is not the plugin's
    with i18n.using("en"):
        assert module.words() == ["all fans spin", "Sites", "no such message"]


def test_the_first_party_plugins_get_their_translator_the_same_way() -> None:
    import assettrack_cisco_ios
    import assettrack_h3c_comware
    import assettrack_huawei_vrp

    for plugin in (assettrack_cisco_ios, assettrack_h3c_comware, assettrack_huawei_vrp):
        translate = plugin._
        assert translate.domain == plugin.__name__
        assert translate.folder == Path(plugin.__file__).resolve().parent / "locale"
        # They use 1.2's translator when it is there, and still load on 1.1 (in English).
        assert plugin.ASSETTRACK_API == ">=1.1,<2"
    with i18n.using("zh_CN"):
        assert assettrack_h3c_comware._("as the device reports it") == "以设备报告为准"
        assert assettrack_cisco_ios._("not a planned reload: check crashinfo") == (
            "不是计划内的重启：请检查 crashinfo"
        )

"""The asset table's facts made from the store's rows (tui.row_facts) come with the widths of
the shown columns, worked out over their distinct texts: they must be the widths measured
over every row, wide (CJK) texts counted two cells, and cover every shown column."""

from __future__ import annotations

from datetime import date

from assettrack.domain.models import Asset, Site
from assettrack.services.assets import AssetRegister
from assettrack.tui.asset_facts import SHOWN, FactColumns, text_width
from assettrack.tui.row_facts import facts_of_rows


def test_the_widths_are_those_of_every_row(register: AssetRegister) -> None:
    sites = [
        register.add_site(Site(customer="华东医院集团", name="门诊楼机房")),
        register.add_site(Site(customer="Acme", name="Plant B")),
    ]
    for n in range(40):
        register.store.assets.save(
            Asset(
                sites[n % 2].id,
                "router",
                ("Cisco", "华为")[n % 2],
                f"M-{n % 3}" * (1 + n % 4),
                f"SN{n:04d}" + "x" * (n % 7),
                location=("机房 3 楼 A 区", "Room 1", "")[n % 3],
                firmware=f"V{n % 5}",
                installed_on=date(2020, 1 + n % 12, 1) if n % 5 else None,
                warranty_months=(None, 12, 36)[n % 3],
            )
        )
    facts = facts_of_rows(register)
    measured = FactColumns(facts.columns)  # no widths given: measured over every row
    assert set(facts.widths) == set(SHOWN)
    assert facts.widths == {name: measured.width(name) for name in SHOWN}
    assert facts.widths["site"] == 10 and facts.widths["location"] == 14  # CJK: two cells
    assert facts.widths["serial"] == text_width(facts.columns["serial"]) == 12


def test_no_rows_have_no_width(register: AssetRegister) -> None:
    facts = facts_of_rows(register)
    assert len(facts) == 0 and facts.widths == dict.fromkeys(SHOWN, 0)


def test_a_texts_cells_are_richs_for_every_kind_of_character() -> None:
    # The width is the longest text's length or the most cells Rich gives a text (as the
    # table measures its columns), for wide, combining, zero-width and control characters,
    # and for the joined emoji Rich measures as one.
    from rich.cells import cell_len

    def measured(texts: list[str]) -> int:
        return max(max(map(len, texts)), max(map(cell_len, texts)))

    texts = [
        "Plant B",
        "门诊楼机房",
        "机房 3 楼 A 区",
        "Cafe\u0301 Lyon",  # a combining accent: no cell of its own
        "ｆｕｌｌ ｗｉｄｔｈ",
        "tab\there",
        "Ünïcödé",
        "👨\u200d👩\u200d👧 family",  # joined: one emoji
        "❤\ufe0f heart",  # a variation selector widens it
        "Zero\u200bwidth",
        "",
    ]
    for text in texts:
        assert text_width([text]) == measured([text]), text
    assert text_width(texts) == measured(texts)
    many = [f"站点 {n:04d} 数据中心" + "楼" * (n % 5) for n in range(1000)]
    assert text_width(many) == measured(many) == 26

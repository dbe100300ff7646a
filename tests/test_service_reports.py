"""Reports: the visit report and the monthly summary in Markdown, HTML and PDF (reopened)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader

from assettrack.domain.models import (
    Asset,
    ChecklistResult,
    Contract,
    Inspection,
    ItemResult,
    ParameterChange,
    Site,
)
from assettrack.services.charges import ChargeService
from assettrack.services.faults import FaultService
from assettrack.services.report_render import (
    Paragraph,
    Report,
    Section,
    Table,
    to_html,
    to_markdown,
    write_report,
)
from assettrack.services.reports import ReportService
from assettrack.services.service_config import load_service_config
from assettrack.services.visits import VisitService
from assettrack.store.store import Store

CONFIG = load_service_config({}, user_dir=Path("/nowhere"))
NOW = datetime(2026, 3, 31, 18)


@pytest.fixture
def filled(store: Store):
    site = store.sites.save(Site("华东医院集团", "门诊楼机房", address="上海市黄浦区"))
    asset = store.assets.save(
        Asset(site.id, "switch", "Huawei", "S5735", "HW-001", hostname="core-1", firmware="V200")
    )
    inspection = store.inspections.save(
        Inspection(
            site.id,
            asset.id,
            datetime(2026, 3, 2, 9, 30),
            items=[
                ChecklistResult("temp", "机房温度", ItemResult.PASS, "24", "°C"),
                ChecklistResult("fans", "风扇状态", ItemResult.FAIL, note="风扇 2 转速低"),
            ],
            hazards_found=["线缆松动"],
            hazards_removed=["线缆松动"],
            parameter_changes=[ParameterChange("ntp server", "", "10.0.0.1", "时间不同步")],
        )
    )
    fault = FaultService(store, CONFIG, "张工", clock=lambda: NOW).report(
        site.id,
        1,
        "phone",
        datetime(2026, 3, 1, 23, 30),
        asset_id=asset.id,
        symptom="核心交换机宕机",
        responded_at=datetime(2026, 3, 2, 0, 20),
        on_site_at=datetime(2026, 3, 2, 0, 50),
        resolution="更换电源模块",
    )
    visits = VisitService(store, CONFIG, "张工")
    visit = visits.record(
        site.id,
        "fault_call_out",
        datetime(2026, 3, 2, 0, 50),
        ended_at=datetime(2026, 3, 2, 11, 0),
        hazards_found=["机柜积灰 <严重>"],
        customer_opinion="服务及时，满意 & 感谢",
        feedback={"满意度": "5"},
        inspection_ids=[inspection.id],
        fault_id=fault.id,
        checks=["运行状态", "参数设置"],
    )
    visits.sign(visit, "李主任", datetime(2026, 3, 2, 11, 5))
    contract = store.contracts.save(
        Contract("华东医院集团", "HT-001", Decimal("100000"), warranty_ends_on=date(2025, 1, 1))
    )
    ChargeService(store, CONFIG, today=lambda: date(2026, 3, 5)).add(
        contract.id, site.id, "300", description="人工费"
    )
    return site, visit


def test_visit_report_markdown_and_html(store: Store, filled) -> None:
    _, visit = filled
    report = ReportService(store, CONFIG, lambda: NOW).visit_report(visit.id[:8])
    md = to_markdown(report)
    for text in ("门诊楼机房", "机房温度", "风扇 2 转速低", "线缆松动", "核心交换机宕机", "李主任"):
        assert text in md
    assert "10.0.0.1" in md and "满意度" in md and "10 h 10 min" in md
    page = to_html(report)
    assert "机柜积灰 &lt;严重&gt;" in page and "<严重>" not in page
    assert "满意 &amp; 感谢" in page
    assert '<meta charset="utf-8">' in page


def test_markdown_table_cells_are_escaped() -> None:
    report = Report("t", sections=[Section("s", [Table(("a",), (("x | y\nz",),))])])
    assert "| x \\| y z |" in to_markdown(report)


def test_visit_report_pdf_holds_the_chinese_text(store: Store, filled, tmp_path: Path) -> None:
    _, visit = filled
    report = ReportService(store, CONFIG, lambda: NOW).visit_report(visit.id)
    path = tmp_path / "visit.pdf"
    write_report(report, "pdf", path)
    text = "".join(page.extract_text() for page in PdfReader(path).pages)
    for expected in (
        "Maintenance record",
        "门诊楼机房",
        "华东医院集团",
        "机柜积灰 <严重>",
        "李主任",
    ):
        assert expected in text


def test_month_summary_in_every_format(store: Store, filled, tmp_path: Path) -> None:
    site, _ = filled
    report = ReportService(store, CONFIG, lambda: NOW).month_report(
        "门诊楼机房", date(2026, 3, 1), date(2026, 4, 1)
    )
    md = to_markdown(report)
    assert "Monthly service summary 2026-03" in md
    assert "核心交换机宕机" in md and "人工费" in md and "300.00 CNY" in md
    assert "| scheduled on-site visits | 2026-03 | 2 | 0 | missed |" in md
    path = tmp_path / "month.pdf"
    write_report(report, "pdf", path)
    text = "".join(page.extract_text() for page in PdfReader(path).pages)
    assert "核心交换机宕机" in text and "2026-03" in text
    html_path = tmp_path / "month.html"
    write_report(report, "html", html_path)
    assert "核心交换机宕机" in html_path.read_text(encoding="utf-8")
    empty = ReportService(store, CONFIG, lambda: NOW).month_report(
        site.id, date(2026, 5, 1), date(2026, 4, 1)
    )
    assert "No visits this month." in to_markdown(empty)


def test_long_text_wraps_onto_more_pages(tmp_path: Path) -> None:
    long = "设备运行正常。" * 400
    report = Report("长报告", sections=[Section("说明", [Paragraph(long)])])
    write_report(report, "pdf", tmp_path / "long.pdf")
    reader = PdfReader(tmp_path / "long.pdf")
    assert len(reader.pages) >= 2
    assert "设备运行正常" in reader.pages[-1].extract_text()

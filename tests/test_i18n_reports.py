"""Reports in the customer's language: the maintenance record form (维修保养记录单) written in
Chinese, reopened with pypdf, holds the commitment's headings; the same visit in English is
as it always was; the reports' own language setting wins over the screens'."""

from __future__ import annotations

import json
from io import BytesIO

import pytest
from pypdf import PdfReader

from assettrack import i18n
from assettrack.domain.models import ReportedVia
from assettrack.services.faults import FaultService
from assettrack.services.inspections import InspectionService
from assettrack.services.report_render import to_html, to_markdown, to_pdf
from assettrack.services.reports import ReportService
from assettrack.services.visit_record import VisitRecordService
from assettrack.testing import make_extensions
from tests.conftest import run_cli

# The commitment's words the printed form must carry (docs/glossary.md).
HEADINGS = (
    "维修保养记录单",
    "故障现象",
    "故障原因",
    "处理结果",
    "备品备件",
    "巡检",
    "隐患",
    "客户签字",
)


@pytest.fixture(autouse=True)
def english_after():
    yield
    i18n.set_language("en")


@pytest.fixture
def signed_visit(store, config, clock, site, sample_asset):
    """A scheduled visit: one switch inspected, a fault found and fixed on site with a part
    replaced, a hazard removed, signed by the customer."""
    switch = store.assets.save(
        sample_asset(site_id=site.id, serial_number="FOC2327485", hostname="core-sw1")
    )
    record = VisitRecordService(store, config, "李工", clock=clock)
    inspections = InspectionService(store, make_extensions(builtins=True), "李工", clock=clock)
    visit = record.visits.start(site.id, "scheduled")
    draft = inspections.start(switch)
    for item_id, item in inspections.checklist(switch).items():
        value = {"value": "24"} if item.kind == "value" else {"result": "pass"}
        inspections.answer(draft, switch, item_id, **value)
    inspections.complete(draft, switch)
    FaultService(store, config, "李工", clock=clock).report(
        site.id,
        2,
        ReportedVia.ON_SITE,
        clock(),
        asset_id=switch.id,
        visit_id=visit.id,
        symptom="上联口 Gi1/0/48 频繁 up/down",
        cause="光模块老化",
        result="更换光模块后恢复正常",
        spare_parts=["SFP-10G-SR"],
    )
    record.add_hazard(visit, "机柜进风口被纸箱挡住", removed=True)
    survey = record.config.survey
    visit = record.answer_survey(visit, [survey.answer(q, "5") for q in survey.questions])
    return record.sign(record.complete(visit), "王主任")


def pdf_text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)


def test_the_chinese_maintenance_record_holds_the_commitments_headings(
    store, config, clock, signed_visit
) -> None:
    report = ReportService(store, config, clock, language="zh_CN").visit_record_report(signed_visit)
    assert report.language == "zh_CN"
    text = pdf_text(to_pdf(report))
    for heading in HEADINGS:
        assert heading in text, heading
    # The visit's own data stays as typed, and the record is the customer's to sign.
    for typed in ("光模块老化", "更换光模块后恢复正常", "SFP-10G-SR", "王主任", "core-sw1"):
        assert typed in text, typed
    assert "定期上门回访" in text  # the visit kind in words
    assert "Maintenance record" not in text and "Symptom" not in text


def test_the_report_language_is_its_own(store, config, clock, signed_visit) -> None:
    i18n.set_language("zh_CN")  # the engineer reads Chinese; the customer wants English
    report = ReportService(store, config, clock, language="en").visit_record_report(signed_visit)
    markdown = to_markdown(report)
    assert markdown.startswith("# Maintenance record")
    assert "| **Symptom** | 上联口 Gi1/0/48 频繁 up/down |" in markdown
    assert "维修保养记录单" not in markdown
    assert i18n.current_language() == "zh_CN"  # the screens keep theirs
    # Without a language of its own a report speaks the screens' language of the moment.
    chinese = ReportService(store, config, clock).visit_record_report(signed_visit)
    assert chinese.title == "维修保养记录单" and chinese.language == "zh_CN"
    html = to_html(chinese)
    assert "<th>签字方</th><th>姓名</th><th>日期</th>" in html and "<h2>客户签字</h2>" in html


def test_the_english_record_is_unchanged(store, config, clock, signed_visit) -> None:
    markdown = to_markdown(ReportService(store, config, clock).visit_record_report(signed_visit))
    for line in (
        "# Maintenance record",
        "## Checks and inspections",
        "| **Symptom** | 上联口 Gi1/0/48 频繁 up/down |",
        "| **Cause** | 光模块老化 |",
        "| **Spare parts** | SFP-10G-SR |",
        "## Sign-off",
        "**Customer representative:** 王主任",
    ):
        assert line in markdown, line


def test_the_command_line_writes_a_chinese_record_on_request(tmp_path, demo_source) -> None:
    import shutil

    db = tmp_path / "db"
    shutil.copytree(demo_source, db)
    listed = run_cli("--db", str(db), "visit", "list", "--format", "json")
    assert listed.returncode == 0, listed.stderr
    visit_id = json.loads(listed.stdout)[0]["id"]
    out = tmp_path / "record.pdf"
    written = run_cli(
        "--db", str(db), "report", "visit", visit_id, "--format", "pdf", "-o", str(out),
        "--language", "zh-CN",
        env={"LANG": "C.UTF-8"},
    )  # fmt: skip
    assert written.returncode == 0, written.stderr
    assert "维修保养记录单" in pdf_text(out.read_bytes())
    refused = run_cli("--db", str(db), "report", "visit", visit_id, "--language", "fr")
    assert refused.returncode == 2
    assert "'fr' is not a language of the reports: en, zh_CN" in refused.stderr

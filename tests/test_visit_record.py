"""A visit's maintenance record: progress, the record form, completion, sign-off, amendments."""

from __future__ import annotations

from datetime import datetime

import pytest

from assettrack.domain.errors import ValidationError
from assettrack.domain.models import AssetStatus, Contact, InspectionState, ReportedVia
from assettrack.domain.survey import Survey
from assettrack.errors import AssetTrackError
from assettrack.services.faults import FaultService
from assettrack.services.inspections import InspectionService
from assettrack.services.report_render import to_markdown
from assettrack.services.reports import ReportService
from assettrack.services.visit_record import VisitIncomplete, VisitRecordService
from assettrack.testing import make_extensions


@pytest.fixture
def record(store, config, clock) -> VisitRecordService:
    return VisitRecordService(store, config, "李工", clock=clock)


@pytest.fixture
def inspections(store, clock) -> InspectionService:
    return InspectionService(store, make_extensions(builtins=True), "李工", clock=clock)


@pytest.fixture
def devices(store, site, sample_asset):
    made = [
        store.assets.save(sample_asset(site_id=site.id, serial_number=f"FOC{n}", hostname=f"sw{n}"))
        for n in range(3)
    ]
    spare = sample_asset(site_id=site.id, serial_number="SPARE1", hostname="spare")
    spare.status = AssetStatus.SPARE
    store.assets.save(spare)
    return made


def _inspect(inspections: InspectionService, asset) -> None:
    draft = inspections.start(asset)
    for item_id, item in inspections.checklist(asset).items():
        if item.kind == "value":
            inspections.answer(draft, asset, item_id, value="24")
        else:
            inspections.answer(draft, asset, item_id, result="pass")
    inspections.complete(draft, asset)


def _answer_survey(record: VisitRecordService, visit, score: str = "5"):
    survey = record.config.survey
    return record.answer_survey(visit, [survey.answer(q, score) for q in survey.questions])


def test_progress_counts_devices_in_service_and_lists_the_rest(
    record, inspections, site, devices
) -> None:
    visit = record.visits.start(site.id, "scheduled")
    assert record.progress(visit).line() == "0/3 devices inspected"
    inspections.start(devices[0])  # a draft is not done
    assert record.progress(visit).inspected == 0
    _inspect(inspections, devices[0])
    progress = record.progress(visit)
    assert progress.line() == "1/3 devices inspected"
    assert [a.hostname for a in progress.remaining] == ["sw1", "sw2"]


def test_completing_says_what_the_plan_still_asks(record, inspections, site, devices) -> None:
    visit = record.visits.start(site.id, "scheduled")
    _inspect(inspections, devices[0])
    inspections.start(devices[1])
    with pytest.raises(VisitIncomplete) as refused:
        record.complete(visit)
    missing = refused.value.missing
    assert any("2 of 3 devices not inspected (sw1, sw2)" in m for m in missing)
    assert any("inspection of sw1 is a draft" in m for m in missing)
    assert any("4 question(s) unanswered" in m for m in missing)
    assert record.store.visits.get(site.id, visit.id).completed_at is None
    # Done anyway, with the reason: the record keeps what was not done and why.
    done = record.complete(visit, anyway="sw2 locked in the customer's cabinet")
    assert done.completed_at is not None and done.ended_at is not None
    assert all(n.endswith(": sw2 locked in the customer's cabinet") for n in done.not_done)


def test_a_complete_visit_is_signed_by_the_sites_sign_off_contact(
    record, inspections, register, site, devices
) -> None:
    site.contacts = [Contact("张三", "IT"), Contact("王主任", "信息科主任", signs_off=True)]
    register.store.sites.save(site)
    visit = record.visits.start(site.id, "scheduled")
    with pytest.raises(AssetTrackError, match="complete the visit before"):
        record.sign(visit, "王主任")
    for device in devices:
        _inspect(inspections, device)
    visit = _answer_survey(record, visit)
    assert record.missing(visit) == []
    visit = record.complete(visit)
    assert record.signer(visit) == "王主任"
    signed = record.sign(visit, record.signer(visit))
    assert signed.sign_off.representative == "王主任"


def test_the_record_form_keeps_hazards_changes_and_upgrades_apart(
    record, site, devices, store
) -> None:
    visit = record.visits.start(site.id, "scheduled")
    record.add_hazard(visit, "cardboard boxes against the rack's air intake", removed=True)
    record.add_hazard(visit, "UPS battery swollen", removed=False)
    record.add_parameter_change(
        visit, "Gi1/0/24 speed", "auto", "1000 full", "duplex mismatch errors", devices[0].id
    )
    with pytest.raises(AssetTrackError, match="say why"):
        record.add_parameter_change(visit, "vlan 20 name", "", "printers", "")
    record.add_firmware_upgrade(visit, devices[1].id, "17.9.5", "fixes CSCwe12345")
    with pytest.raises(AssetTrackError, match=r"already has firmware 17\.9\.5"):
        record.add_firmware_upgrade(visit, devices[1].id, "17.9.5", "again")
    stored = store.visits.get(site.id, visit.id)
    assert stored.hazards_found == [
        "cardboard boxes against the rack's air intake",
        "UPS battery swollen",
    ]
    assert stored.hazards_removed == ["cardboard boxes against the rack's air intake"]
    assert stored.parameter_changes[0].asset_id == devices[0].id
    upgrade = stored.firmware_upgrades[0]
    assert (upgrade.old, upgrade.new) == (devices[1].firmware, "17.9.5")
    assert store.assets.get(devices[1].id).firmware == "17.9.5"  # the register follows


def test_a_wrong_survey_score_names_the_scale(record) -> None:
    survey = record.config.survey
    with pytest.raises(ValidationError, match=r"from 1 \(very dissatisfied\) … 5"):
        survey.answer(survey.questions[0], "9")
    with pytest.raises(AssetTrackError, match="needs a text"):
        Survey.from_mapping({"questions": [{"id": "x"}]})


def test_a_call_out_completes_once_its_fault_has_cause_and_result(
    record, store, config, clock, site
) -> None:
    faults = FaultService(store, config, "李工", clock=clock)
    fault = faults.report(
        site.id, 1, ReportedVia.PHONE, datetime(2026, 12, 1, 8, 0), symptom="core down"
    )
    visit = record.visits.start(site.id, "fault_call_out", fault_id=fault.id)
    assert record.missing(visit) == ["the fault it answers has no cause or result"]
    faults.update(fault, cause="PSU 1 failed", result="PSU replaced, core back up")
    assert record.missing(visit) == []


def test_a_signed_visit_is_corrected_by_an_amendment_and_the_original_kept(
    record, inspections, site, devices, store, config, clock
) -> None:
    visit = record.visits.start(site.id, "follow_up")
    _inspect(inspections, devices[0])
    record.add_hazard(visit, "loose power cable", removed=True)
    visit = record.sign(record.complete(visit), "王主任")
    with pytest.raises(AssetTrackError, match="can no longer change"):
        record.add_hazard(visit, "another", removed=False)
    amendment = record.amend(visit, "the hazard was on rack B, not rack A")
    assert amendment.id != visit.id and amendment.amends == visit.id
    assert record.amend(visit, "again").id == amendment.id  # one open correction at a time
    original_record = record.inspections_of(visit)[0]
    corrected = record.amend_inspection(amendment, original_record)
    assert corrected.state is InspectionState.DRAFT and corrected.amends == original_record.id
    inspections.answer(corrected, devices[0], "room_temperature", value="31")
    inspections.complete(store.inspections.get(site.id, corrected.id), devices[0])
    assert [i.id for i in record.inspections_of(amendment)] == [corrected.id]
    record.drop_hazard(amendment, "loose power cable")
    record.add_hazard(amendment, "loose power cable on rack B", removed=True)
    signed = record.sign(record.complete(amendment), "王主任")
    kept = store.visits.get(site.id, visit.id)
    assert kept.hazards_found == ["loose power cable"] and kept.sign_off is not None
    assert store.inspections.get(site.id, original_record.id).state is not InspectionState.DRAFT
    md = to_markdown(ReportService(store, config, clock).visit_record_report(signed))
    assert "Maintenance record (amendment)" in md and "the hazard was on rack B" in md
    assert f"visit {visit.id[:8]}, signed by 王主任" in md and "rack B" in md


def register_site_2(store, site) -> str:
    from assettrack.domain.models import Site

    return store.sites.save(Site(customer=site.customer, name="second site")).id


def test_only_an_empty_unsigned_visit_can_be_removed(
    record, inspections, site, devices, store
) -> None:
    visit = record.visits.start(site.id, "scheduled")
    record.remove(visit)
    assert store.visits.get(site.id, visit.id) is None
    visit = record.visits.start(site.id, "scheduled")
    inspections.start(devices[0])
    with pytest.raises(AssetTrackError, match="holds records"):
        record.remove(visit)
    # A photo is a record too: the visit that holds one stays.
    from PIL import Image

    from assettrack.services.attachments import AttachmentService

    photo = store.folder.parent / "dust.png"
    Image.new("RGB", (8, 8)).save(photo)
    other = record.visits.start(register_site_2(store, site), "follow_up")
    AttachmentService(store, "李工").attach(photo, "visit", other.id)
    with pytest.raises(AssetTrackError, match="holds records"):
        record.remove(other)


def test_the_record_pdf_holds_the_whole_visit(
    record, inspections, site, devices, store, config, clock
) -> None:
    from io import BytesIO

    from pypdf import PdfReader

    from assettrack.services.report_render import to_pdf

    visit = record.visits.start(site.id, "scheduled")
    for device in devices:
        _inspect(inspections, device)
    record.add_hazard(visit, "dust on the fan intake", removed=True)
    record.add_parameter_change(visit, "logging host", "", "10.0.0.9", "central syslog")
    visit = _answer_survey(record, visit, "4")
    visit = record.sign(record.complete(visit), "王主任")
    pdf = to_pdf(ReportService(store, config, clock).visit_record_report(visit))
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)
    for expected in (
        "sw0",
        "sw2",
        "dust on the fan intake",
        "10.0.0.9",
        "central syslog",
        "4 / 5",
        "王主任",
        "3 of 3",
    ):
        assert expected in text, expected


def test_the_command_line_completes_shows_amends_and_removes_visits(tmp_path) -> None:
    from tests.cli_inprocess import Cli

    cli = Cli(tmp_path)
    db = tmp_path / "db"
    assert cli("--db", db, "init").returncode == 0
    cli("--db", db, "customer", "add", "--name", "Acme")
    cli("--db", db, "site", "add", "--customer", "Acme", "--name", "HQ")
    sheet = tmp_path / "assets.csv"
    sheet.write_text(
        "customer,site,kind,vendor,model,serial_number,hostname\n"
        "Acme,HQ,switch,Cisco,C9300-48P,FOC1,core1\n",
        encoding="utf-8",
    )
    assert cli("--db", db, "import", "assets", sheet).returncode == 0
    added = cli("--db", db, "visit", "add", "--site", "HQ", "--kind", "scheduled",
                "--start", "2026-12-01 09:00", "--end", "2026-12-01 11:00")  # fmt: skip
    visit_id = added.stdout.split()[-1]

    shown = cli("--db", db, "visit", "show", visit_id)
    assert "0/1 devices inspected" in shown.stdout and "to inspect: core1" in shown.stdout
    refused = cli("--db", db, "visit", "sign", visit_id, "--by", "王主任")
    assert refused.returncode != 0
    assert "1 of 1 devices not inspected (core1)" in refused.stderr
    assert "question(s) unanswered" in refused.stderr
    signed = cli("--db", db, "visit", "sign", visit_id, "--by", "王主任", "--anyway", "paper form")
    assert signed.returncode == 0, signed.stderr
    assert "signed by 王主任" in cli("--db", db, "visit", "show", visit_id).stdout
    assert "not done: 1 of 1 devices not inspected (core1): paper form" in (
        cli("--db", db, "visit", "show", visit_id).stdout
    )

    removed = cli("--db", db, "visit", "remove", visit_id)
    assert removed.returncode != 0 and "signed visit" in removed.stderr
    amended = cli("--db", db, "visit", "amend", visit_id, "--reason", "wrong start time")
    assert amended.returncode == 0 and "sign it again" in amended.stdout

    empty = cli("--db", db, "visit", "add", "--site", "HQ", "--kind", "follow_up",
                "--start", "2026-12-02 09:00")  # fmt: skip
    empty_id = empty.stdout.split()[-1]
    assert cli("--db", db, "visit", "remove", empty_id).returncode == 0
    assert "No visit" in cli("--db", db, "visit", "show", empty_id).stderr or (
        cli("--db", db, "visit", "show", empty_id).returncode != 0
    )


def test_a_finished_visit_keeps_the_devices_it_counted(
    record, inspections, site, devices, store, sample_asset
) -> None:
    import dataclasses

    visit = record.visits.start(site.id, "follow_up")
    _inspect(inspections, devices[0])
    visit = record.complete(visit)
    assert record.progress(visit).line() == "1/3 devices inspected"
    # Afterwards the inspected unit goes for repair (a loaner stands in) and a new switch is
    # installed: the finished record still counts what it counted.
    store.assets.save(
        dataclasses.replace(store.assets.get(devices[0].id), status=AssetStatus.OUT_FOR_REPAIR)
    )
    store.assets.save(sample_asset(site_id=site.id, serial_number="NEW1", hostname="sw-new"))
    assert record.progress(visit).line() == "1/3 devices inspected"
    # While a visit runs, an inspected device that leaves service still counts.
    running = record.visits.start(site.id, "scheduled")
    _inspect(inspections, devices[1])
    store.assets.save(
        dataclasses.replace(store.assets.get(devices[1].id), status=AssetStatus.OUT_FOR_REPAIR)
    )
    names = [a.hostname for a in record.progress(running).devices]
    assert "sw1" in names and "sw-new" in names and "sw0" not in names

"""The visit frames a field day: started at a site, it takes that site's inspections and faults."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from assettrack.domain.models import ReportedVia, Site, VisitKind
from assettrack.errors import AssetTrackError
from assettrack.services.faults import FaultService
from assettrack.services.inspections import InspectionService
from assettrack.services.visits import VisitService
from assettrack.testing import make_extensions


@pytest.fixture
def visits(store, config, clock) -> VisitService:
    return VisitService(store, config, "李工", clock=clock)


@pytest.fixture
def inspections(store, clock) -> InspectionService:
    return InspectionService(store, make_extensions(builtins=True), "李工", clock=clock)


@pytest.fixture
def faults(store, config, clock) -> FaultService:
    return FaultService(store, config, "李工", clock=clock)


@pytest.fixture
def asset(store, site, sample_asset):
    return store.assets.save(sample_asset(site_id=site.id))


def test_a_started_visit_is_the_open_one_until_it_ends(visits, site) -> None:
    assert visits.open_at(site.id) is None
    started = visits.start(site.id, "scheduled")
    assert started.kind is VisitKind.SCHEDULED and started.engineer == "李工"
    assert visits.open_at(site.id).id == started.id
    with pytest.raises(AssetTrackError, match="already open"):
        visits.start(site.id, "phone_follow_up")
    started.ended_at = started.started_at + timedelta(hours=1)
    visits.save(started)
    assert visits.open_at(site.id) is None


def test_a_signed_visit_is_no_longer_open(visits, site) -> None:
    started = visits.start(site.id, VisitKind.FOLLOW_UP)
    visits.sign(started, "王主任")
    assert visits.open_at(site.id) is None


def test_a_call_out_names_the_fault_it_answers(visits, faults, site) -> None:
    with pytest.raises(AssetTrackError, match="pick the open fault"):
        visits.start(site.id, "fault_call_out")
    fault = faults.report(site.id, 2, ReportedVia.PHONE, datetime(2026, 12, 1, 8, 0))
    call_out = visits.start(site.id, "fault_call_out", fault_id=fault.id)
    assert call_out.fault_id == fault.id


def test_inspections_and_faults_at_the_site_join_its_open_visit(
    visits, inspections, faults, site, asset, store
) -> None:
    before = faults.report(site.id, 3, ReportedVia.EMAIL, datetime(2026, 12, 1, 8, 0))
    assert before.visit_id is None
    started = visits.start(site.id, "scheduled")
    record = inspections.start(asset)
    fault = faults.report(site.id, 3, ReportedVia.ON_SITE, datetime(2026, 12, 1, 10, 0))
    assert record.visit_id == started.id
    assert fault.visit_id == started.id
    assert [r.id for r in visits.inspections_of(started)] == [record.id]
    assert store.faults.get(site.id, fault.id).visit_id == started.id


def test_a_draft_begun_before_the_visit_joins_it(visits, inspections, site, asset, store) -> None:
    draft = inspections.start(asset)
    assert draft.visit_id is None
    started = visits.start(site.id, "scheduled")
    resumed = inspections.start(asset)
    assert resumed.id == draft.id and resumed.visit_id == started.id
    assert store.inspections.get(site.id, draft.id).visit_id == started.id


def test_nothing_joins_a_visit_at_another_site(
    visits, inspections, faults, register, site, asset
) -> None:
    other = register.add_site(Site(customer="华东医院集团", name="住院楼", address="上海"))
    visits.start(other.id, "scheduled")
    assert inspections.start(asset).visit_id is None
    assert faults.report(site.id, 3, ReportedVia.PHONE, datetime(2026, 12, 1)).visit_id is None


def test_an_old_visit_never_ended_is_history_not_open(visits, inspections, site, asset) -> None:
    # Visits recorded by hand before a visit could be started often have no end.
    visits.record(site.id, "scheduled", datetime(2026, 11, 3, 9, 0))
    visits.record(site.id, "scheduled", datetime(2026, 12, 20, 9, 0))  # recorded in advance
    assert visits.open_at(site.id) is None
    assert inspections.start(asset).visit_id is None
    started = visits.start(site.id, "scheduled")  # so a new one can start
    assert visits.open_at(site.id).id == started.id


def test_a_signed_visit_and_its_inspections_refuse_changes(
    visits, inspections, site, asset, store
) -> None:
    started = visits.start(site.id, "scheduled")
    draft = inspections.start(asset)
    visits.sign(started, "王主任")
    with pytest.raises(AssetTrackError, match="signed by 王主任"):
        visits.sign(started, "someone else")
    started.notes = "changed afterwards"
    with pytest.raises(AssetTrackError, match="can no longer change"):
        visits.save(started)
    assert store.visits.get(site.id, started.id).notes == ""
    with pytest.raises(AssetTrackError, match="visit signed by 王主任"):
        inspections.answer(draft, asset, "room_temperature", value="24.5")


def test_the_visit_record_holds_its_inspection_and_the_fault_found_on_site(
    visits, inspections, faults, config, clock, site, asset, store
) -> None:
    from assettrack.services.report_render import to_markdown
    from assettrack.services.reports import ReportService

    started = visits.start(site.id, "scheduled")
    record = inspections.start(asset)
    faults.report(
        site.id,
        3,
        ReportedVia.ON_SITE,
        datetime(2026, 12, 1, 10, 0),
        asset_id=asset.id,
        symptom="fan 2 noisy",
        cause="dust in the fan tray",
        result="fan tray cleaned, quiet again",
    )
    visits.sign(started, "王主任")
    md = to_markdown(ReportService(store, config, clock).visit_report(started.id))
    assert "No devices inspected" not in md
    assert asset.serial_number in md and record.visit_id == started.id
    for text in ("fan 2 noisy", "dust in the fan tray", "fan tray cleaned, quiet again", "王主任"):
        assert text in md

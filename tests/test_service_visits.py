"""Visit plan and compliance: month and quarter boundaries, phone follow-ups, overdue list."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from assettrack.domain.errors import ValidationError
from assettrack.domain.models import ReportedVia, Site, Visit, VisitKind
from assettrack.domain.visits import (
    ComplianceStatus,
    VisitPlan,
    month_compliance,
    parse_month,
    previous_month,
    quarter_bounds,
)
from assettrack.errors import AssetTrackError
from assettrack.services.faults import FaultService
from assettrack.services.service_config import load_service_config
from assettrack.services.visits import VisitService
from assettrack.store.store import Store

PLAN = VisitPlan()
SITE = "site-1"


def visit(kind: VisitKind, when: str, site: str = SITE) -> Visit:
    return Visit(site, "张工", kind, datetime.fromisoformat(when))


def status_of(compliance, key: str) -> tuple[int, ComplianceStatus]:
    (req,) = [r for r in compliance.requirements if r.key == key]
    return req.done, req.status


def test_calendar_helpers() -> None:
    assert parse_month("2026-01") == date(2026, 1, 1)
    assert previous_month(date(2026, 1, 1)) == date(2025, 12, 1)
    assert quarter_bounds(date(2026, 3, 31)) == (date(2026, 1, 1), date(2026, 3, 31))
    assert quarter_bounds(date(2026, 4, 1)) == (date(2026, 4, 1), date(2026, 6, 30))
    assert quarter_bounds(date(2026, 12, 5)) == (date(2026, 10, 1), date(2026, 12, 31))
    with pytest.raises(ValueError):
        parse_month("2026/13")


def test_two_scheduled_visits_meet_the_month() -> None:
    visits = [
        visit(VisitKind.SCHEDULED, "2026-03-02T09:00"),
        visit(VisitKind.SCHEDULED, "2026-03-16T09:00"),
    ]
    c = month_compliance(PLAN, SITE, date(2026, 3, 1), visits, today=date(2026, 4, 10))
    assert status_of(c, "scheduled") == (2, ComplianceStatus.MET)


def test_visit_counts_in_the_month_it_started() -> None:
    # Starts 31 March 23:30, ends after midnight: a March visit, and a Q1 one.
    late = Visit(
        SITE, "张工", VisitKind.FOLLOW_UP, datetime(2026, 3, 31, 23, 30), datetime(2026, 4, 1, 1)
    )
    march = month_compliance(PLAN, SITE, date(2026, 3, 1), [late], today=date(2026, 4, 2))
    april = month_compliance(PLAN, SITE, date(2026, 4, 1), [late], today=date(2026, 4, 2))
    assert status_of(march, "follow_up") == (1, ComplianceStatus.MET)
    assert status_of(march, "on_site_follow_up")[0] == 1
    assert status_of(april, "follow_up")[0] == 0
    assert status_of(april, "on_site_follow_up")[0] == 0  # a new quarter


def test_missed_once_the_month_is_over_behind_while_it_runs() -> None:
    one = [visit(VisitKind.SCHEDULED, "2026-03-02T09:00")]
    assert status_of(
        month_compliance(PLAN, SITE, date(2026, 3, 1), one, today=date(2026, 3, 31)), "scheduled"
    ) == (1, ComplianceStatus.BEHIND)  # the last day: both were due
    assert status_of(
        month_compliance(PLAN, SITE, date(2026, 3, 1), one, today=date(2026, 4, 1)), "scheduled"
    ) == (1, ComplianceStatus.MISSED)
    # Early in the month nothing is expected yet; by mid-month one visit is.
    assert status_of(
        month_compliance(PLAN, SITE, date(2026, 3, 1), [], today=date(2026, 3, 10)), "scheduled"
    ) == (0, ComplianceStatus.ON_TRACK)
    assert status_of(
        month_compliance(PLAN, SITE, date(2026, 3, 1), [], today=date(2026, 3, 16)), "scheduled"
    ) == (0, ComplianceStatus.BEHIND)
    # A future month is on track.
    assert status_of(
        month_compliance(PLAN, SITE, date(2026, 5, 1), [], today=date(2026, 3, 16)), "scheduled"
    ) == (0, ComplianceStatus.ON_TRACK)


def test_february_of_a_leap_year_ends_on_the_29th() -> None:
    visits = [
        visit(VisitKind.SCHEDULED, "2028-02-01T08:00"),
        visit(VisitKind.SCHEDULED, "2028-02-29T18:00"),
    ]
    c = month_compliance(PLAN, SITE, date(2028, 2, 1), visits, today=date(2028, 3, 1))
    assert status_of(c, "scheduled") == (2, ComplianceStatus.MET)


def test_phone_follow_up_counts_only_when_the_system_runs_well() -> None:
    phone = [visit(VisitKind.PHONE_FOLLOW_UP, "2026-03-20T10:00")]
    month = date(2026, 3, 1)
    well = month_compliance(PLAN, SITE, month, phone, today=date(2026, 4, 1))
    assert status_of(well, "follow_up") == (1, ComplianceStatus.MET)
    faulty = month_compliance(
        PLAN, SITE, month, phone, today=date(2026, 4, 1), fault_days=[date(2026, 3, 5)]
    )
    assert status_of(faulty, "follow_up") == (0, ComplianceStatus.MISSED)
    # A fault in another month does not matter.
    other = month_compliance(
        PLAN, SITE, month, phone, today=date(2026, 4, 1), fault_days=[date(2026, 4, 1)]
    )
    assert status_of(other, "follow_up")[1] is ComplianceStatus.MET
    never = VisitPlan(phone_counts="never")
    assert (
        status_of(month_compliance(never, SITE, month, phone, today=date(2026, 4, 1)), "follow_up")[
            0
        ]
        == 0
    )
    always = VisitPlan(phone_counts="always")
    assert (
        status_of(
            month_compliance(
                always, SITE, month, phone, today=date(2026, 4, 1), fault_days=[date(2026, 3, 5)]
            ),
            "follow_up",
        )[0]
        == 1
    )
    # Phone follow-ups never count toward the quarter's on-site follow-ups.
    assert status_of(well, "on_site_follow_up")[0] == 0


def test_quarter_needs_three_on_site_follow_ups() -> None:
    visits = [
        visit(VisitKind.FOLLOW_UP, "2026-01-31T23:59"),
        visit(VisitKind.FOLLOW_UP, "2026-02-15T10:00"),
        visit(VisitKind.FAULT_CALL_OUT, "2026-03-01T00:00"),
        visit(VisitKind.FOLLOW_UP, "2025-12-31T23:59"),  # last quarter
        visit(VisitKind.FOLLOW_UP, "2026-04-01T00:00"),  # next quarter
        visit(VisitKind.FOLLOW_UP, "2026-02-20T10:00", site="another"),
    ]
    c = month_compliance(PLAN, SITE, date(2026, 3, 1), visits, today=date(2026, 4, 1))
    assert status_of(c, "on_site_follow_up") == (2, ComplianceStatus.MISSED)
    counting = VisitPlan(call_outs_count=True)
    c = month_compliance(counting, SITE, date(2026, 3, 1), visits, today=date(2026, 4, 1))
    assert status_of(c, "on_site_follow_up") == (3, ComplianceStatus.MET)


def test_plan_from_mapping_and_site_override() -> None:
    plan = VisitPlan.from_mapping({"scheduled_per_month": 4, "phone_counts": "never"})
    assert plan.scheduled_per_month == 4 and plan.follow_ups_per_month == 1
    with pytest.raises(ValidationError, match="scheduled_per_month"):
        VisitPlan.from_mapping({"scheduled_per_month": -1})
    with pytest.raises(ValidationError, match="phone_counts"):
        VisitPlan.from_mapping({"phone_counts": "sometimes"})
    config = load_service_config({"visits": {"scheduled_per_month": 3}}, user_dir=Path("/nowhere"))
    assert config.visit_plan.scheduled_per_month == 3
    site = Site("客户", "机房", visit_plan={"follow_ups_per_month": 2})
    assert config.plan_for(site).scheduled_per_month == 3
    assert config.plan_for(site).follow_ups_per_month == 2
    off = month_compliance(VisitPlan(enabled=False), SITE, date(2026, 3, 1), [], date(2026, 4, 1))
    assert off.requirements == () and off.ok


def test_user_config_folder_overrides_shipped(tmp_path: Path) -> None:
    (tmp_path / "visits.toml").write_text("scheduled_per_month = 1\n")
    config = load_service_config({}, user_dir=tmp_path)
    assert config.visit_plan.scheduled_per_month == 1
    config = load_service_config({"visits": {"scheduled_per_month": 5}}, user_dir=tmp_path)
    assert config.visit_plan.scheduled_per_month == 5


# -- the service on a real store ----------------------------------------------------------


@pytest.fixture
def sites(store: Store) -> tuple[Site, Site]:
    a = store.sites.save(Site("华东医院集团", "门诊楼机房"))
    b = store.sites.save(Site("华东医院集团", "住院部机房"))
    return a, b


def test_record_visit_and_overdue_list(store: Store, config, sites) -> None:
    a, _ = sites
    service = VisitService(store, config, engineer="张工")
    for day in (3, 17):
        service.record(
            a.id, "scheduled", datetime(2026, 11, day, 9), ended_at=datetime(2026, 11, day, 11)
        )
    service.record(a.id, VisitKind.PHONE_FOLLOW_UP, datetime(2026, 11, 20, 15))
    for month in (10, 11, 12):
        service.record(a.id, "follow_up", datetime(2026, month, 1, 9))
    service.record(a.id, "scheduled", datetime(2026, 12, 1, 9))
    today = date(2026, 12, 1)
    # Site A is fine in November and on track in December; B has done nothing.
    overdue = service.overdue(today)
    assert {r.site.name for r in overdue} == {"住院部机房"}
    assert {(r.requirement.key, r.requirement.status) for r in overdue} == {
        ("scheduled", ComplianceStatus.MISSED),
        ("follow_up", ComplianceStatus.MISSED),
        ("on_site_follow_up", ComplianceStatus.BEHIND),
    }
    # The quarter's requirement is listed once, with its last month asked for.
    rows = service.compliance_rows(today, site="门诊楼机房")
    assert [r.requirement.key for r in rows].count("on_site_follow_up") == 1
    assert all(not r.requirement.overdue for r in rows)
    # A fault in November: the phone follow-up no longer stands in, A's follow-up is still met
    # by the on-site one of 1 November.
    FaultService(store, config).report(a.id, 2, ReportedVia.PHONE, datetime(2026, 11, 25, 8))
    assert service.compliance(a, date(2026, 11, 1), today).ok


def test_record_visit_validation_and_inspection_link(store: Store, config, sites) -> None:
    a, b = sites
    service = VisitService(store, config, engineer="张工")
    with pytest.raises(ValidationError, match="before the start"):
        service.record(a.id, "scheduled", datetime(2026, 3, 2, 9), ended_at=datetime(2026, 3, 2, 8))
    with pytest.raises(AssetTrackError, match="visit kind"):
        service.record(a.id, "social", datetime(2026, 3, 2, 9))
    with pytest.raises(ValidationError, match="engineer"):
        VisitService(store, config).record(a.id, "scheduled", datetime(2026, 3, 2, 9))
    with pytest.raises(ValidationError, match="on site"):
        service.record(a.id, "phone_follow_up", datetime(2026, 3, 2, 9), hazards_removed=["x"])
    from assettrack.domain.models import Inspection

    inspection = store.inspections.save(Inspection(a.id, "asset-1", datetime(2026, 3, 2, 9, 30)))
    foreign = store.inspections.save(Inspection(b.id, "asset-2", datetime(2026, 3, 2, 9, 30)))
    with pytest.raises(AssetTrackError, match="another site"):
        service.record(a.id, "scheduled", datetime(2026, 3, 2, 9), inspection_ids=[foreign.id])
    v = service.record(
        a.id,
        "scheduled",
        datetime(2026, 3, 2, 9),
        hazards_removed=["机柜积灰"],
        feedback={"satisfaction": "5"},
        inspection_ids=[inspection.id[:8]],
    )
    assert v.hazards_found == ["机柜积灰"]
    assert [i.id for i in service.inspections_of(v)] == [inspection.id]
    signed = service.sign(service.find(v.id[:8]), "李主任", datetime(2026, 3, 2, 12))
    assert store.visits.get(a.id, v.id).sign_off.representative == "李主任"  # type: ignore[union-attr]
    assert signed.revision == 2

"""A site's visit plan and when its next visit is due: the rule, and its agreement with the
monthly compliance the Visits screen shows."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from assettrack.domain.errors import ValidationError
from assettrack.domain.models import Site, Visit, VisitKind
from assettrack.domain.visits import (
    ComplianceStatus,
    Requirement,
    VisitPlan,
    deadline_of,
    month_compliance,
    month_end,
    next_visit_due,
    quarter_bounds,
)
from assettrack.services.service_config import load_service_config
from assettrack.services.visits import VisitService
from assettrack.store.store import Store

SITE = "site-1"
DEFAULT = VisitPlan()
# Follow-ups on 20 January and 20 February: two of Q1's three, so the quarter is not behind
# before its last day.
TWO_FOLLOW_UPS = ("2026-01-20", "2026-02-20")


def visits(kind: VisitKind, *days: str, site: str = SITE) -> list[Visit]:
    return [Visit(site, "张工", kind, datetime.fromisoformat(f"{d}T10:00")) for d in days]


def follow_ups(*days: str) -> list[Visit]:
    return visits(VisitKind.FOLLOW_UP, *days)


def scheduled(*days: str) -> list[Visit]:
    return visits(VisitKind.SCHEDULED, *days)


def plan(**keys: object) -> VisitPlan:
    return VisitPlan.from_mapping(keys)


# -- the plan's new keys --------------------------------------------------------------------


def test_shipped_default_has_no_weekdays_and_no_engineer(tmp_path: Path) -> None:
    config = load_service_config({}, user_dir=tmp_path / "none")
    assert config.visit_plan.preferred_weekdays == ()
    assert config.visit_plan.engineer == ""


def test_weekdays_and_engineer_are_parsed() -> None:
    parsed = plan(preferred_weekdays=["Thu", "monday", "thu"], engineer="  王工 ")
    assert parsed.preferred_weekdays == ("mon", "thu")  # week order, once each
    assert parsed.engineer == "王工"
    assert plan(preferred_weekdays="fri; tue").preferred_weekdays == ("tue", "fri")
    assert plan(preferred_weekdays="周四、星期一，礼拜天").preferred_weekdays == (
        "mon",
        "thu",
        "sun",
    )
    assert plan(preferred_weekdays=[]).preferred_weekdays == ()


@pytest.mark.parametrize(
    ("keys", "field"),
    [
        ({"preferred_weekdays": ["mon", "someday"]}, "preferred_weekdays"),
        ({"preferred_weekdays": 3}, "preferred_weekdays"),
        ({"preferred_weekdays": [1]}, "preferred_weekdays"),
        ({"engineer": 7}, "engineer"),
        ({"engineer": "x" * 121}, "engineer"),
    ],
)
def test_bad_weekdays_or_engineer_are_refused(keys: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as raised:
        VisitPlan.from_mapping(keys, source="visit plan of site A")
    assert [p.field for p in raised.value.problems] == [field]


def test_a_sites_own_keys_go_over_the_default(tmp_path: Path) -> None:
    config = load_service_config(
        {"visits": {"engineer": "李工", "preferred_weekdays": ["tue"]}}, user_dir=tmp_path
    )
    own = Site("客户", "机房", visit_plan={"scheduled_per_month": 1, "engineer": "王工"})
    mine = config.plan_for(own)
    assert (mine.scheduled_per_month, mine.engineer, mine.preferred_weekdays) == (
        1,
        "王工",
        ("tue",),
    )
    assert config.plan_for(Site("客户", "其他")).engineer == "李工"


# -- the deadline is where compliance turns behind --------------------------------------------


@pytest.mark.parametrize("required", [1, 2, 3, 5, 31, 40, 100])
@pytest.mark.parametrize(
    ("start", "end"),
    [
        (date(2026, 2, 1), date(2026, 2, 28)),
        (date(2026, 3, 1), date(2026, 3, 31)),
        (date(2026, 4, 1), date(2026, 4, 30)),
        quarter_bounds(date(2026, 1, 1)),  # 90 days
        quarter_bounds(date(2026, 7, 1)),  # 92 days
    ],
)
def test_deadline_is_the_first_day_compliance_calls_behind(
    required: int, start: date, end: date
) -> None:
    from assettrack.domain.visits import _status

    for done in range(required):
        deadline = deadline_of(
            Requirement("k", "k", "p", start, end, required, done, 0, ComplianceStatus.ON_TRACK)
        )
        assert deadline is not None and start <= deadline <= end
        day = start
        while day <= end:
            behind = _status(required, done, start, end, day)[1] is ComplianceStatus.BEHIND
            assert behind == (day >= deadline), (required, done, day, deadline)
            day += timedelta(days=1)


# -- next_visit_due, plan by plan -------------------------------------------------------------


def test_default_plan_two_scheduled_visits_spread_through_the_month() -> None:
    done = follow_ups(*TWO_FOLLOW_UPS)
    first = next_visit_due(DEFAULT, SITE, done, date(2026, 3, 10))
    assert first is not None
    assert (first.on, first.deadline, first.key, first.overdue) == (
        date(2026, 3, 16),  # 2 x 16 // 31 = 1: one visit by mid-month
        date(2026, 3, 16),
        "scheduled",
        False,
    )
    assert first.requirement.period == "2026-03"
    # On the day itself, without the visit, it is overdue: the Visits screen says "behind".
    late = next_visit_due(DEFAULT, SITE, done, date(2026, 3, 16))
    assert late is not None and late.overdue and late.on == date(2026, 3, 16)
    # One visit made: the second by the end of the month.
    second = next_visit_due(DEFAULT, SITE, [*done, *scheduled("2026-03-05")], date(2026, 3, 17))
    assert second is not None
    assert (second.on, second.key, second.overdue) == (date(2026, 3, 31), "scheduled", False)


def test_one_scheduled_visit_a_month() -> None:
    due = next_visit_due(
        plan(scheduled_per_month=1), SITE, follow_ups(*TWO_FOLLOW_UPS), date(2026, 3, 10)
    )
    assert due is not None
    # The scheduled visit and the monthly follow-up are both due on the 31st: the plan's order.
    assert (due.on, due.key, due.overdue) == (date(2026, 3, 31), "scheduled", False)


@pytest.mark.parametrize(
    "keys",
    [
        {"enabled": False},
        {"scheduled_per_month": 0, "follow_ups_per_month": 0, "on_site_follow_ups_per_quarter": 0},
    ],
)
def test_a_plan_asking_for_nothing_has_no_due_date(keys: dict[str, object]) -> None:
    assert next_visit_due(plan(**keys), SITE, [], date(2026, 3, 10)) is None


def test_quarter_short_of_on_site_follow_ups_is_overdue_first() -> None:
    # No follow-up this quarter: the first of three fell due on day 30 of Q1 (30 January).
    due = next_visit_due(DEFAULT, SITE, scheduled("2026-03-02"), date(2026, 3, 10))
    assert due is not None
    assert (due.key, due.deadline, due.on, due.overdue) == (
        "on_site_follow_up",
        date(2026, 1, 30),
        date(2026, 1, 30),  # the day it fell due, not moved
        True,
    )
    assert due.requirement.period == "2026-Q1"
    # One follow-up: the second fell due on day 60 (1 March); still overdue.
    one = next_visit_due(DEFAULT, SITE, follow_ups("2026-01-20"), date(2026, 3, 10))
    assert one is not None and (one.key, one.deadline, one.overdue) == (
        "on_site_follow_up",
        date(2026, 3, 1),
        True,
    )
    compliance = month_compliance(DEFAULT, SITE, date(2026, 3, 1), [], date(2026, 3, 10))
    assert [r.key for r in compliance.overdue] == ["on_site_follow_up"]


def test_met_this_month_looks_to_the_next() -> None:
    done = [*follow_ups(*TWO_FOLLOW_UPS, "2026-03-03"), *scheduled("2026-03-02", "2026-03-12")]
    due = next_visit_due(DEFAULT, SITE, done, date(2026, 3, 20))
    assert due is not None
    assert (due.on, due.key, due.overdue) == (date(2026, 4, 15), "scheduled", False)
    assert due.requirement.period == "2026-04"


@pytest.mark.parametrize(
    ("weekdays", "today", "expected"),
    [
        (["mon"], date(2026, 3, 10), date(2026, 3, 16)),  # the deadline is a Monday
        (["thu"], date(2026, 3, 10), date(2026, 3, 12)),  # the Thursday before it
        (["fri", "sat"], date(2026, 3, 10), date(2026, 3, 14)),  # the latest of them
        (["thu"], date(2026, 3, 12), date(2026, 3, 12)),  # today is that Thursday
        (["thu"], date(2026, 3, 13), date(2026, 3, 16)),  # it has passed: the deadline
    ],
)
def test_preferred_weekdays_move_the_day_back_not_into_the_past(
    weekdays: list[str], today: date, expected: date
) -> None:
    due = next_visit_due(
        plan(preferred_weekdays=weekdays), SITE, follow_ups(*TWO_FOLLOW_UPS), today
    )
    assert due is not None
    assert (due.on, due.deadline, due.overdue) == (expected, date(2026, 3, 16), False)


def test_preferred_weekdays_do_not_move_an_overdue_visit() -> None:
    due = next_visit_due(
        plan(preferred_weekdays=["thu"]), SITE, follow_ups(*TWO_FOLLOW_UPS), date(2026, 3, 20)
    )
    assert due is not None and due.overdue
    assert due.on == due.deadline == date(2026, 3, 16)


def test_preferred_weekday_stays_within_the_period_the_visit_counts_for() -> None:
    many = plan(scheduled_per_month=31, preferred_weekdays=["mon"])
    done = [*follow_ups(*TWO_FOLLOW_UPS, "2026-03-03")]
    done += scheduled(*(f"2026-03-{d:02}" for d in range(1, 32)))
    due = next_visit_due(many, SITE, done, date(2026, 3, 31))
    assert due is not None
    # 1 April is a Wednesday; the Monday before (30 March) would count for March.
    assert (due.on, due.key) == (date(2026, 4, 1), "scheduled")
    # Next month's preferred weekday is used when it falls in that month.
    fewer = plan(preferred_weekdays=["thu"])
    done = [*follow_ups(*TWO_FOLLOW_UPS, "2026-03-03"), *scheduled("2026-03-02", "2026-03-12")]
    later = next_visit_due(fewer, SITE, done, date(2026, 3, 20))
    assert later is not None and later.on == date(2026, 4, 9)  # Thursday before the 15th


def test_another_sites_visits_do_not_count() -> None:
    theirs = visits(VisitKind.SCHEDULED, "2026-03-02", "2026-03-05", site="site-2")
    due = next_visit_due(DEFAULT, SITE, [*follow_ups(*TWO_FOLLOW_UPS), *theirs], date(2026, 3, 10))
    assert due is not None and due.on == date(2026, 3, 16)


def test_overdue_is_exactly_behind_on_the_visits_screen() -> None:
    # Random plans and visits: the site is overdue exactly when this month's compliance is not
    # ok, and then due on the earliest deadline among the overdue requirements.
    rng = random.Random(10)
    kinds = list(VisitKind)
    for _ in range(400):
        p = VisitPlan(
            scheduled_per_month=rng.choice([0, 1, 2, 3, 4]),
            follow_ups_per_month=rng.choice([0, 1, 2]),
            on_site_follow_ups_per_quarter=rng.choice([0, 1, 3, 6]),
            phone_counts=rng.choice(["when_no_faults", "always", "never"]),
            call_outs_count=rng.random() < 0.5,
            preferred_weekdays=tuple(sorted(rng.sample(["mon", "wed", "sat"], rng.randint(0, 2)))),
        )
        today = date(2026, 1, 1) + timedelta(days=rng.randrange(365))
        q_start = quarter_bounds(today)[0]
        span = (month_end(today.replace(day=1)) - q_start).days + 1
        made = [
            Visit(
                SITE,
                "张工",
                rng.choice(kinds),
                datetime.combine(
                    q_start + timedelta(days=rng.randrange(span)), datetime.min.time()
                ),
            )
            for _ in range(rng.randrange(8))
        ]
        faults = [q_start + timedelta(days=rng.randrange(span)) for _ in range(rng.randrange(2))]
        compliance = month_compliance(p, SITE, today, made, today, fault_days=faults)
        due = next_visit_due(p, SITE, made, today, fault_days=faults)
        if not compliance.requirements:
            assert due is None
            continue
        assert due is not None
        assert due.overdue == (not compliance.ok), (p, today, made)
        if due.overdue:
            deadlines = [deadline_of(r) for r in compliance.overdue]
            assert due.on == due.deadline == min(d for d in deadlines if d) <= today
        else:
            assert today <= due.on <= due.deadline


# -- the service gathers the visits ---------------------------------------------------------


def test_service_next_due_and_the_row_that_shows_it(tmp_path: Path) -> None:
    config = load_service_config({}, user_dir=tmp_path / "none")
    with Store.open(tmp_path / "db", author="test") as store:
        site = store.sites.save(
            Site("客户", "机房", visit_plan={"engineer": "王工", "preferred_weekdays": ["thu"]})
        )
        service = VisitService(store, config, "张工")
        for day in TWO_FOLLOW_UPS:
            service.record(site.id, "follow_up", datetime.fromisoformat(f"{day}T09:00"))
        due = service.next_due(site, date(2026, 3, 10))
        assert due is not None and (due.on, due.key) == (date(2026, 3, 12), "scheduled")
        rows = service.compliance_rows(date(2026, 3, 10))
        shown = [r for r in rows if r.next_visit is not None]
        assert [(r.month, r.requirement.key, r.next_visit) for r in shown] == [
            (date(2026, 3, 1), "scheduled", due)
        ]
        assert {r.engineer for r in rows} == {"王工"}


# -- a plan that starts on the day its site was added --------------------------------------

ADDED = date(2026, 12, 4)
NEW_SITE = VisitPlan(starts_on=ADDED)


def test_a_new_site_owes_nothing_before_it_was_added() -> None:
    assert month_compliance(NEW_SITE, SITE, date(2026, 9, 1), [], ADDED).requirements == ()
    # November owes no monthly visits; its quarter only what falls from 4 December on.
    november = month_compliance(NEW_SITE, SITE, date(2026, 11, 1), [], ADDED).requirements
    assert [(r.key, r.starts_on, r.required) for r in november] == [("on_site_follow_up", ADDED, 1)]


def test_the_first_period_owes_its_share_from_the_day_the_site_was_added() -> None:
    december = month_compliance(NEW_SITE, SITE, date(2026, 12, 1), [], ADDED)
    owed = {r.key: (r.starts_on, r.required, r.status) for r in december.requirements}
    assert owed == {
        # 28 of December's 31 days: 2 scheduled visits and 1 follow-up still owed in full.
        "scheduled": (ADDED, 2, ComplianceStatus.ON_TRACK),
        "follow_up": (ADDED, 1, ComplianceStatus.ON_TRACK),
        # 28 of the quarter's 92 days: one of its three on-site follow-ups.
        "on_site_follow_up": (ADDED, 1, ComplianceStatus.ON_TRACK),
    }
    due = next_visit_due(NEW_SITE, SITE, [], ADDED)
    assert due is not None and not due.overdue and due.on >= ADDED


def test_a_new_site_falls_behind_only_on_its_own_schedule() -> None:
    # Two scheduled visits over 4-31 December (28 days): the first is owed once 14 days have
    # begun, on the 17th; the quarter's one follow-up only on the 31st.
    assert not next_visit_due(NEW_SITE, SITE, [], date(2026, 12, 16)).overdue
    late = next_visit_due(NEW_SITE, SITE, [], date(2026, 12, 17))
    assert late.overdue and late.deadline == date(2026, 12, 17)
    assert late.key == "scheduled"


def test_a_plan_start_is_read_from_a_site_and_checked() -> None:
    assert VisitPlan.from_mapping({"starts_on": "2026-12-04"}).starts_on == ADDED
    with pytest.raises(ValidationError, match="starts_on"):
        VisitPlan.from_mapping({"starts_on": "4 December"})


def test_a_site_added_today_has_its_plan_start(tmp_path: Path) -> None:
    from assettrack.domain.warranty import WarrantyRules
    from assettrack.services.assets import AssetRegister
    from assettrack.services.customers import CustomerBase

    with Store.open(tmp_path / "db") as store:
        base = CustomerBase(AssetRegister(store, WarrantyRules(), today=ADDED))
        base.save_customer({"name": "Contoso"})
        site = base.save_site({"customer_id": "Contoso", "name": "HQ"})
        assert site.visit_plan["starts_on"] == "2026-12-04"
        # An edit keeps it.
        edited = base.save_site({"customer_id": "Contoso", "name": "HQ 2"}, base=site)
        assert edited.visit_plan["starts_on"] == "2026-12-04"


def test_a_site_form_takes_weekdays_as_a_chinese_user_writes_them() -> None:
    from assettrack.domain.validation import build_site

    site = build_site(
        {"customer": "华为", "name": "机房", "preferred_weekdays": "周二；周四 星期六"}
    )
    assert site.visit_plan["preferred_weekdays"] == ["tue", "thu", "sat"]
    with pytest.raises(ValidationError, match="preferred_weekdays"):
        build_site({"customer": "华为", "name": "机房", "preferred_weekdays": "周八"})

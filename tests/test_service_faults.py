"""Faults: response targets across midnight and time zones, loaner rule, warranty decision."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from assettrack.domain.errors import ValidationError
from assettrack.domain.faults import (
    EXCLUSION_LABELS,
    SeverityRules,
    SlaStatus,
    elapsed,
    fault_sla,
)
from assettrack.domain.models import Asset, AssetStatus, Fault, ReportedVia, Site
from assettrack.errors import AssetTrackError
from assettrack.services.faults import FaultService
from assettrack.services.service_config import load_service_config
from assettrack.store.store import Store

CST = timezone(timedelta(hours=8))
BERLIN_WINTER = timezone(timedelta(hours=1))
RULES = load_service_config({}, user_dir=Path("/nowhere")).severity


def fault(reported: datetime, severity: int = 1, **fields) -> Fault:
    return Fault("s", severity, ReportedVia.PHONE, reported, reported, **fields)


def checks(f: Fault, now: datetime) -> dict[str, tuple[SlaStatus, timedelta | None]]:
    return {c.target: (c.status, c.took) for c in fault_sla(f, RULES, now).checks}


def test_level_one_is_on_site_within_an_hour() -> None:
    level = RULES.get(1)
    assert level.on_site_within == timedelta(hours=1)
    assert "system down" in level.description


def test_response_across_midnight_takes_fifty_minutes() -> None:
    f = fault(datetime(2026, 3, 31, 23, 30), 2, responded_at=datetime(2026, 4, 1, 0, 20))
    status, took = checks(f, datetime(2026, 4, 2))["respond"]
    assert took == timedelta(minutes=50)
    assert status is SlaStatus.MISSED  # level 2: 30 minutes
    f.severity = 3  # 2 hours
    assert checks(f, datetime(2026, 4, 2))["respond"][0] is SlaStatus.MET


def test_across_time_zones_compared_in_utc() -> None:
    # Reported in Shanghai at 09:00 (01:00 UTC); the engineer's laptop in Berlin logs 02:45.
    reported = datetime(2026, 1, 10, 9, 0, tzinfo=CST)
    on_site = datetime(2026, 1, 10, 2, 45, tzinfo=BERLIN_WINTER)  # 01:45 UTC
    f = fault(reported, 1, responded_at=reported + timedelta(minutes=5), on_site_at=on_site)
    result = checks(f, datetime(2026, 1, 11, tzinfo=UTC))
    assert result["on_site"] == (SlaStatus.MET, timedelta(minutes=45))
    # Across midnight and zones: 23:30 Shanghai, answered 00:20 UTC next day = 50 minutes later?
    # 23:30+08:00 is 15:30 UTC; 00:20 UTC next day is 8 h 50 min later.
    late = fault(
        datetime(2026, 1, 10, 23, 30, tzinfo=CST),
        responded_at=datetime(2026, 1, 11, 0, 20, tzinfo=UTC),
    )
    assert checks(late, datetime(2026, 1, 12, tzinfo=UTC))["respond"][1] == timedelta(
        hours=8, minutes=50
    )
    # A naive time beside an aware one is read in the aware one's zone.
    assert elapsed(datetime(2026, 1, 10, 9, 0, tzinfo=CST), datetime(2026, 1, 10, 9, 40)) == (
        timedelta(minutes=40)
    )


def test_pending_then_missed_without_timestamps() -> None:
    f = fault(datetime(2026, 3, 1, 10, 0))
    assert checks(f, datetime(2026, 3, 1, 10, 10))["respond"][0] is SlaStatus.PENDING
    assert checks(f, datetime(2026, 3, 1, 10, 59))["on_site"][0] is SlaStatus.PENDING
    assert checks(f, datetime(2026, 3, 1, 11, 1))["on_site"][0] is SlaStatus.MISSED
    # Exactly on the deadline is in time.
    f.on_site_at = datetime(2026, 3, 1, 11, 0)
    assert checks(f, datetime(2026, 3, 2))["on_site"][0] is SlaStatus.MET
    # Reported by someone on site: responded and attended at once.
    on_site = Fault("s", 1, ReportedVia.ON_SITE, datetime(2026, 3, 1), datetime(2026, 3, 1))
    assert fault_sla(on_site, RULES, datetime(2026, 3, 2)).met
    # A level without an on-site target.
    question = fault(datetime(2026, 3, 1), 4, responded_at=datetime(2026, 3, 1, 12))
    assert checks(question, datetime(2026, 3, 9))["on_site"][0] is SlaStatus.NO_TARGET


def test_severity_rules_are_configurable_and_checked() -> None:
    rules = SeverityRules.from_mapping(
        {"levels": {"1": {"name": "down", "respond_minutes": 5, "on_site_minutes": 30}}}
    )
    assert rules.get(1).on_site_within == timedelta(minutes=30)
    with pytest.raises(ValidationError, match="not a configured level"):
        rules.get(2)
    with pytest.raises(ValidationError, match="minutes"):
        SeverityRules.from_mapping({"levels": {"1": {"respond_minutes": -5}}})
    with pytest.raises(ValidationError, match="at least one level"):
        SeverityRules.from_mapping({})
    config = load_service_config(
        {"faults": {"levels": {"1": {"on_site_minutes": 120}}}}, user_dir=Path("/nowhere")
    )
    assert config.severity.get(1).on_site_within == timedelta(hours=2)
    assert config.severity.get(1).name == "critical"  # the rest of the level is kept


# -- the service ----------------------------------------------------------------------------


@pytest.fixture
def site(store: Store) -> Site:
    return store.sites.save(Site("华东医院集团", "门诊楼机房"))


@pytest.fixture
def asset(store: Store, site: Site) -> Asset:
    return store.assets.save(
        Asset(site.id, "switch", "Huawei", "S5735", "HW123", warranty_start=date(2025, 1, 1))
    )


def test_report_update_and_sla_missed_list(store: Store, config, site, asset) -> None:
    clock = lambda: datetime(2026, 3, 1, 12)  # noqa: E731
    service = FaultService(store, config, "张工", clock=clock)
    late = service.report(
        site.id, 1, "phone", datetime(2026, 3, 1, 8), asset_id=asset.id, symptom="核心交换机宕机"
    )
    service.update(
        late, responded_at=datetime(2026, 3, 1, 8, 5), on_site_at=datetime(2026, 3, 1, 9, 30)
    )
    good = service.report(site.id, 1, "email", datetime(2026, 3, 1, 10))
    service.update(
        good, responded_at=datetime(2026, 3, 1, 10, 1), on_site_at=datetime(2026, 3, 1, 10, 40)
    )
    missed = service.views(now=clock(), sla_missed=True)
    assert [v.fault.id for v in missed] == [late.id]
    assert missed[0].asset.serial_number == "HW123"  # type: ignore[union-attr]
    assert {v.fault.id for v in service.views(now=clock(), open_only=True)} == {late.id, good.id}
    service.update(good, resolved_at=datetime(2026, 3, 1, 11))
    assert [v.fault.id for v in service.views(now=clock(), open_only=True)] == [late.id]
    stored = store.faults.get(site.id, late.id)
    assert stored is not None and stored.on_site_at == datetime(2026, 3, 1, 9, 30)
    assert service.find(late.id[:8]).id == late.id


def test_timestamps_checked_and_object_restored(store: Store, config, site) -> None:
    service = FaultService(store, config, "张工")
    f = service.report(site.id, 2, "fax", datetime(2026, 3, 1, 8))
    with pytest.raises(ValidationError, match="before the fault was reported"):
        service.update(f, responded_at=datetime(2026, 3, 1, 7))
    assert f.responded_at is None
    with pytest.raises(ValidationError, match="before on-site"):
        service.update(
            f, on_site_at=datetime(2026, 3, 1, 9), resolved_at=datetime(2026, 3, 1, 8, 30)
        )
    with pytest.raises(ValidationError, match="not a configured level"):
        service.report(site.id, 9, "phone", datetime(2026, 3, 1, 8))
    with pytest.raises(AssetTrackError, match="way of reporting"):
        service.report(site.id, 1, "pigeon", datetime(2026, 3, 1, 8))
    with pytest.raises(AssetTrackError, match="cannot change"):
        service.update(f, site_id="elsewhere")


def test_warranty_decision_needs_an_exclusion_reason(store: Store, config, site, asset) -> None:
    service = FaultService(store, config, "张工")
    f = service.report(site.id, 2, "phone", datetime(2026, 3, 1, 8), asset_id=asset.id)
    assert service.in_warranty(f) is True  # Huawei: 36 months from 2025-01-01
    with pytest.raises(ValidationError, match="needed when the fault is not covered"):
        service.update(f, warranty_covered=False)
    with pytest.raises(ValidationError, match="not a known exclusion"):
        service.update(f, warranty_covered=False, warranty_exclusion="bad luck")
    service.update(f, warranty_covered=False, warranty_exclusion="lightning")
    assert (
        "lightning" in EXCLUSION_LABELS
        and store.faults.get(site.id, f.id).warranty_exclusion == "lightning"
    )  # type: ignore[union-attr]
    with pytest.raises(ValidationError, match="contradicts"):
        service.update(f, warranty_covered=True)
    service.update(f, warranty_covered=True, warranty_exclusion="", repair_action="replace")
    with pytest.raises(ValidationError, match="repair_action"):
        service.update(f, repair_action="pray")


def test_loaner_shows_on_the_asset_until_the_unit_returns(
    store: Store, config, site, asset
) -> None:
    service = FaultService(store, config, "张工")
    f = service.report(site.id, 1, "phone", datetime(2026, 3, 1, 8), asset_id=asset.id)
    service.update(
        f,
        loaner_serial="LOAN-01",
        sent_for_repair_at=datetime(2026, 3, 1, 12),
        escalation_rma="RMA-9",
    )
    assert store.assets.get(asset.id).status is AssetStatus.LOANER_IN_PLACE  # type: ignore[union-attr]
    # A second fault on the same unit, sent away without a loaner, returning first.
    g = service.report(site.id, 3, "phone", datetime(2026, 3, 2, 8), asset_id=asset.id)
    service.update(g, sent_for_repair_at=datetime(2026, 3, 2, 9))
    service.return_unit(g, datetime(2026, 3, 3, 9))
    assert store.assets.get(asset.id).status is AssetStatus.LOANER_IN_PLACE  # type: ignore[union-attr]
    service.return_unit(f, datetime(2026, 3, 10, 9))
    assert store.assets.get(asset.id).status is AssetStatus.IN_SERVICE  # type: ignore[union-attr]
    with pytest.raises(AssetTrackError, match="no unit away"):
        service.return_unit(f)
    # Without a loaner, the unit is just out for repair.
    h = service.report(site.id, 3, "phone", datetime(2026, 3, 11, 8), asset_id=asset.id)
    service.update(h, sent_for_repair_at=datetime(2026, 3, 11, 9))
    assert store.assets.get(asset.id).status is AssetStatus.OUT_FOR_REPAIR  # type: ignore[union-attr]
    with pytest.raises(ValidationError, match="asset"):
        service.report(site.id, 3, "phone", datetime(2026, 3, 11, 8), loaner_serial="L2")


def test_known_problem_offered_for_a_similar_fault(store: Store, config, site, asset) -> None:
    service = FaultService(store, config, "张工")
    service.known_problems.add(
        "光模块老化", "端口频繁 up/down，CRC 错误增长", "更换光模块并清洁光纤接头", vendor="Huawei"
    )
    service.known_problems.add("风扇告警", "风扇转速低告警", "更换风扇模块")
    f = service.report(
        site.id,
        2,
        "phone",
        datetime(2026, 3, 1, 8),
        asset_id=asset.id,
        symptom="上联端口 up/down 反复，CRC 错误",
    )
    offered = service.suggestions(f)
    assert [m.problem.title for m in offered] == ["光模块老化"]
    service.update(f, resolution="更换光模块", cause="光模块老化")
    added = service.known_problems.from_fault(store.faults.get(site.id, f.id))  # type: ignore[arg-type]
    assert added.vendor == "Huawei" and added.source_fault_id == f.id

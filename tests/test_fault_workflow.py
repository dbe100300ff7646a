"""A fault start to finish on the command line: `fault show` (table and JSON), the list's
filters, resolution targets at risk or missed, escalation proposed, time changes kept, and
faults stored before these fields existed still read."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from assettrack.domain.errors import ValidationError
from assettrack.domain.faults import SeverityRules, SlaStatus, escalation_proposed, fault_sla
from assettrack.domain.models import Asset, Fault, ReportedVia, Site
from assettrack.errors import AssetTrackError
from assettrack.services.faults import FaultService, TimeAlreadySet
from assettrack.services.service_config import load_service_config
from assettrack.store.store import Store
from tests.cli_inprocess import Cli

# --today is 2026-12-01: the listings judge open faults at 23:59:59 that day.
NOW = datetime(2026, 12, 1, 23, 59, 59)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    folder = tmp_path / "db"
    with Store.open(folder, author="张工") as store:
        first = store.sites.save(Site("华东医院集团", "门诊楼机房"))
        store.sites.save(Site("华东医院集团", "住院部机房"))
        store.assets.save(Asset(first.id, "switch", "Huawei", "S5735", "HW-9"))
    return folder


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    runner = Cli(tmp_path)
    settings = tmp_path / "team.toml"
    settings.write_text('[engineer]\nname = "张工"\n', encoding="utf-8")
    runner.env["ASSETTRACK_CONFIG"] = str(settings)
    return runner


def add(cli: Cli, db: Path, *args: str) -> str:
    out = cli.ok("--db", db, "fault", "add", *args)
    return out.split()[1]


def listed(cli: Cli, db: Path, *args: str) -> list[dict]:
    return json.loads(cli.ok("--db", db, "faults", "--format", "json", *args))


# -- the targets ----------------------------------------------------------------------------


def test_shipped_targets_give_level_one_four_hours_and_warn_at_75_percent(config) -> None:
    rules = config.severity
    assert rules.get(1).on_site_within == timedelta(hours=1)
    assert rules.get(1).resolve_within == timedelta(hours=4)
    assert [rules.get(n).resolve_within for n in (2, 3, 4)] == [
        timedelta(hours=24),
        timedelta(days=3),
        timedelta(days=7),
    ]
    assert rules.at_risk == 0.75
    with pytest.raises(AssetTrackError, match="level 1 needs a target"):
        load_service_config(
            {"faults": {"levels": {"1": {"resolve_minutes": 0}}}}, user_dir=Path("/nowhere")
        )
    with pytest.raises(ValidationError, match="percentage"):
        SeverityRules.from_mapping({"levels": {"1": {}}, "at_risk_percent": 100})


def test_resolution_at_risk_then_missed_then_escalation_proposed(config) -> None:
    reported = datetime(2026, 3, 1, 8, 0)
    fault = Fault(
        "s",
        1,
        ReportedVia.PHONE,
        reported,
        reported,
        responded_at=reported + timedelta(minutes=5),
        on_site_at=reported + timedelta(minutes=50),
    )
    rules = config.severity
    early = fault_sla(fault, rules, reported + timedelta(hours=2))
    assert early.resolution.status is SlaStatus.PENDING and not early.at_risk
    risky = fault_sla(fault, rules, reported + timedelta(hours=3))  # 75 % of 4 h
    assert risky.resolution.at_risk and risky.at_risk and not risky.any_missed
    assert not escalation_proposed(fault, risky)
    late = fault_sla(fault, rules, reported + timedelta(hours=4, minutes=1))
    assert late.resolution.status is SlaStatus.MISSED and late.any_missed
    assert not late.missed  # the response targets were met
    assert escalation_proposed(fault, late)
    fault.escalation_case = "TAC 69-1234"
    assert not escalation_proposed(fault, late)  # taken to the manufacturer
    fault.escalation_case, fault.resolved_at = "", reported + timedelta(hours=5)
    assert not escalation_proposed(fault, fault_sla(fault, rules, reported + timedelta(hours=6)))


# -- times: never re-stamped silently, every change kept -----------------------------------


def test_a_recorded_time_is_replaced_only_when_asked_and_the_change_is_kept(
    store: Store, config
) -> None:
    site = store.sites.save(Site("华东医院集团", "门诊楼机房"))
    clock = iter(datetime(2026, 3, 1, 8, m) for m in range(1, 60))
    service = FaultService(store, config, "张工", clock=lambda: next(clock))
    fault = service.report(site.id, 1, "phone", datetime(2026, 3, 1, 8, 0))
    service.stamp(fault, "responded_at", datetime(2026, 3, 1, 8, 15))
    with pytest.raises(TimeAlreadySet, match="responded is already recorded: 2026-03-01 08:15"):
        service.stamp(fault, "responded_at")
    assert fault.responded_at == datetime(2026, 3, 1, 8, 15)
    service.stamp(fault, "responded_at", datetime(2026, 3, 1, 8, 12), replace=True)
    stored = store.faults.get(site.id, fault.id)
    assert stored is not None and stored.responded_at == datetime(2026, 3, 1, 8, 12)
    first, correction = stored.time_changes
    assert (first.old, first.new) == (None, datetime(2026, 3, 1, 8, 15))
    assert (correction.name, correction.old, correction.new, correction.by) == (
        "responded_at",
        datetime(2026, 3, 1, 8, 15),
        datetime(2026, 3, 1, 8, 12),
        "张工",
    )
    assert correction.at is not None and correction.at > first.at  # type: ignore[operator]
    # A refused change leaves no line.
    with pytest.raises(ValidationError):
        service.update(fault, responded_at=datetime(2026, 3, 1, 7, 0))
    assert len(store.faults.get(site.id, fault.id).time_changes) == 2  # type: ignore[union-attr]


def test_a_resolved_fault_becomes_a_known_problem_once(store: Store, config) -> None:
    site = store.sites.save(Site("华东医院集团", "门诊楼机房"))
    service = FaultService(store, config, "张工")
    fault = service.report(site.id, 2, "phone", datetime(2026, 3, 1, 8), symptom="PoE 端口供电中断")
    service.update(fault, resolution="重启 PoE 模块", cause="PoE 模块过热")
    with pytest.raises(AssetTrackError, match="only a resolved fault"):
        service.make_known_problem(fault)
    service.update(fault, resolved_at=datetime(2026, 3, 1, 12))
    problem = service.make_known_problem(fault)
    assert problem.source_fault_id == fault.id and problem.cause == "PoE 模块过热"
    assert service.known_problem(fault) == problem  # the fault names it
    with pytest.raises(AssetTrackError, match="already the known problem"):
        service.make_known_problem(fault)


# -- faults stored before -------------------------------------------------------------------


def test_a_fault_stored_without_the_new_fields_still_reads(db: Path, cli: Cli) -> None:
    fault_id = add(cli, db, "--site", "门诊楼机房", "--severity", "2", "--via", "fax",
                   "--reported", "2026-11-20 10:00", "--symptom", "旧记录")  # fmt: skip
    (path,) = (db / "records" / "faults").rglob("*.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    doc = data["faults"][fault_id]
    for new in ("escalation_case", "loaner_out_at", "loaner_returned_at", "time_changes"):
        del doc[new]
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    shown = json.loads(cli.ok("--db", db, "fault", "show", fault_id[:8], "--format", "json"))
    assert shown["symptom"] == "旧记录" and shown["time_changes"] == []
    assert shown["escalation_case"] == "" and shown["loaner_out_at"] == ""
    cli.ok("--db", db, "fault", "update", fault_id[:8], "--responded", "2026-11-20 10:20")
    shown = json.loads(cli.ok("--db", db, "fault", "show", fault_id[:8], "--format", "json"))
    assert [c["new"] for c in shown["time_changes"]] == ["2026-11-20T10:20"]


# -- the command line -----------------------------------------------------------------------


def test_fault_show_prints_every_field_table_and_json(db: Path, cli: Cli) -> None:
    problem = cli.ok("--db", db, "known-problems", "add", "--title", "光模块老化",
                     "--symptom", "端口 up/down CRC 错误", "--solution", "更换光模块")  # fmt: skip
    problem_id = problem.split()[-1]
    added = cli.ok("--db", db, "fault", "add", "--site", "门诊楼机房", "--severity", "1",
                   "--via", "phone", "--reported", "2026-11-30 09:00", "--asset", "HW-9",
                   "--symptom", "上联端口 up/down，CRC 错误")  # fmt: skip
    fault_id = added.split()[1]
    assert f"known problem {problem_id[:8]}" in added  # the id to attach it by
    updated = cli.ok(
        "--db", db, "fault", "update", fault_id[:8],
        "--responded", "2026-11-30 09:10", "--on-site", "2026-11-30 09:55",
        "--cause", "光模块老化", "--result", "上联中断 2 小时", "--diagnosis", "CRC 持续增长",
        "--resolution", "更换光模块", "--spare-part", "SFP-10G-LR",
        "--loaner", "LOAN-7", "--loaner-out", "2026-11-30 10:00",
        "--rma", "RMA-88", "--case", "CASE-5", "--sent-for-repair", "2026-11-30 11:00",
        "--not-covered", "--exclusion", "moved_while_running", "--action", "repair",
        "--known-problem", problem_id[:8],
    )  # fmt: skip
    assert "HW-9: loaner_in_place" in updated
    corrected = cli.ok("--db", db, "fault", "update", fault_id[:8], "--on-site", "2026-11-30 09:50")
    assert "on site: 2026-11-30 09:55 -> 2026-11-30 09:50 (by 张工)" in corrected
    cli.ok("--db", db, "fault", "update", fault_id[:8], "--resolved", "2026-11-30 12:30",
           "--loaner-back", "2026-12-01 09:00", "--returned", "2026-12-01 09:00")  # fmt: skip

    record = json.loads(cli.ok("--db", db, "fault", "show", fault_id, "--format", "json"))
    assert {
        k: record[k]
        for k in (
            "site", "asset", "severity", "level", "via", "engineer", "reported_at",
            "responded_at", "on_site_at", "resolved_at", "respond", "on_site", "resolve",
            "symptom", "cause", "result", "diagnosis", "resolution", "spare_parts",
            "known_problem_id", "known_problem", "loaner", "loaner_out_at",
            "loaner_returned_at", "rma", "escalation_case", "sent_for_repair_at",
            "unit_returned_at", "escalation_proposed", "warranty", "warranty_covered",
            "warranty_exclusion", "warranty_exclusion_label", "repair_action",
        )
    } == {
        "site": "门诊楼机房", "asset": "HW-9", "severity": 1, "level": "critical",
        "via": "phone", "engineer": "张工", "reported_at": "2026-11-30T09:00",
        "responded_at": "2026-11-30T09:10", "on_site_at": "2026-11-30T09:50",
        "resolved_at": "2026-11-30T12:30", "respond": "met", "on_site": "met",
        "resolve": "met", "symptom": "上联端口 up/down，CRC 错误", "cause": "光模块老化",
        "result": "上联中断 2 小时", "diagnosis": "CRC 持续增长", "resolution": "更换光模块",
        "spare_parts": ["SFP-10G-LR"], "known_problem_id": problem_id,
        "known_problem": "光模块老化", "loaner": "LOAN-7",
        "loaner_out_at": "2026-11-30T10:00", "loaner_returned_at": "2026-12-01T09:00",
        "rma": "RMA-88", "escalation_case": "CASE-5",
        "sent_for_repair_at": "2026-11-30T11:00", "unit_returned_at": "2026-12-01T09:00",
        "escalation_proposed": False, "warranty": "billable", "warranty_covered": False,
        "warranty_exclusion": "moved_while_running",
        "warranty_exclusion_label": "moved while running", "repair_action": "repair",
    }  # fmt: skip
    targets = {t["target"]: t for t in record["targets"]}
    assert targets["respond"]["took"] == "10m" and targets["respond"]["within"] == "15m"
    assert targets["on_site"]["took"] == "50m" and targets["on_site"]["within"] == "1h00"
    assert targets["resolve"]["took"] == "3h30" and targets["resolve"]["within"] == "4h00"
    correction = next(c for c in record["time_changes"] if c["old"] == "2026-11-30T09:55")
    assert correction == {
        "time": "on_site_at",
        "old": "2026-11-30T09:55",
        "new": "2026-11-30T09:50",
        "by": "张工",
        "at": correction["at"],
    } and correction["at"].startswith("20")

    page = cli.ok("--db", db, "fault", "show", fault_id[:8])
    for line in (
        "Severity        1 critical: system down",
        "On site         2026-11-30 09:50  in 50m    target 1h00: met",
        "Resolved        2026-11-30 12:30  in 3h30   target 4h00: met",
        "Cause           光模块老化",
        "Result          上联中断 2 小时",
        "Spare parts     SFP-10G-LR",
        f"Known problem   光模块老化 ({problem_id[:8]})",
        "Loaner          LOAN-7",
        "Loaner out      2026-11-30 10:00",
        "RMA             RMA-88",
        "Case            CASE-5",
        "Warranty        not covered: moved while running (moved_while_running), billable; "
        "action repair",
        "张工  on site: 2026-11-30 09:55 -> 2026-11-30 09:50",
    ):
        assert line in page, line
    # The list names the known problem by its title and carries the new fields too.
    (row,) = listed(cli, db)
    assert row["known_problem"] == "光模块老化" and row["rma"] == "RMA-88"
    assert row["time_changes"] == record["time_changes"]
    assert "光模块老化" in cli.ok("--db", db, "faults")


def test_fault_show_proposes_escalation_once_the_resolution_target_passes(
    db: Path, cli: Cli
) -> None:
    fault_id = add(cli, db, "--site", "门诊楼机房", "--severity", "1", "--via", "phone",
                   "--reported", "2026-12-01 08:00", "--responded", "2026-12-01 08:05",
                   "--on-site", "2026-12-01 08:40", "--symptom", "核心交换机宕机")  # fmt: skip
    page = cli.ok("--db", db, "fault", "show", fault_id[:8])
    assert "ESCALATION PROPOSED: the 4h00 resolution target passed at 2026-12-01 12:00" in page
    assert "Resolved        -" in page and "target 4h00: missed, due 2026-12-01 12:00" in page
    assert json.loads(cli.ok("--db", db, "fault", "show", fault_id, "--format", "json"))[
        "escalation_proposed"
    ]
    cli.ok("--db", db, "fault", "update", fault_id[:8], "--case", "TAC-1")
    assert "ESCALATION PROPOSED" not in cli.ok("--db", db, "fault", "show", fault_id[:8])
    missing = cli("--db", db, "fault", "show", "nonexistent")
    assert missing.returncode == 1 and "no fault with id" in missing.stderr


def test_faults_filters_and_targets_at_risk_or_missed(db: Path, cli: Cli) -> None:
    # At 23:59:59: 3h30 of the 4 h fix used (at risk), but responded and on site in time.
    risky = add(cli, db, "--site", "门诊楼机房", "--severity", "1", "--via", "phone",
                "--reported", "2026-12-01 20:30", "--responded", "2026-12-01 20:35",
                "--on-site", "2026-12-01 21:10", "--symptom", "risky fix")  # fmt: skip
    # Level 2 from yesterday morning, still open: its 24 h fix is missed.
    missed = add(cli, db, "--site", "住院部机房", "--severity", "2", "--via", "email",
                 "--reported", "2026-11-30 08:00", "--responded", "2026-11-30 08:10",
                 "--on-site", "2026-11-30 10:00", "--symptom", "late fix")  # fmt: skip
    # Level 3 this morning: well within its targets.
    calm = add(cli, db, "--site", "门诊楼机房", "--severity", "3", "--via", "phone",
               "--reported", "2026-12-01 09:00", "--responded", "2026-12-01 09:30",
               "--symptom", "calm")  # fmt: skip
    # Resolved in time.
    done = add(cli, db, "--site", "住院部机房", "--severity", "3", "--via", "fax",
               "--reported", "2026-11-20 09:00", "--responded", "2026-11-20 09:30",
               "--on-site", "2026-11-20 15:00", "--resolved", "2026-11-20 16:00",
               "--symptom", "done")  # fmt: skip

    def ids(*args: str) -> set[str]:
        return {r["id"] for r in listed(cli, db, *args)}

    assert ids() == {risky, missed, calm, done}
    assert ids("--sla-missed") == {missed}
    assert ids("--at-risk") == {risky}
    assert ids("--sla-missed", "--at-risk") == {risky, missed}
    (row,) = listed(cli, db, "--at-risk")
    assert row["at_risk"] == ["resolve"] and row["resolve"] == "pending"
    assert ids("--severity", "3") == {calm, done}
    assert ids("--severity", "1", "--severity", "2") == {risky, missed}
    assert ids("--status", "open") == ids("--open") == {risky, missed, calm}
    assert ids("--status", "resolved") == {done}
    assert ids("--site", "住院部机房") == {missed, done}
    assert ids("--site", "住院部机房", "--status", "open", "--severity", "2") == {missed}
    table = cli.ok("--db", db, "faults", "--at-risk")
    assert "risky fix" in table and "at risk" in table and "calm" not in table
    empty = cli.ok("--db", db, "faults", "--at-risk", "--severity", "3")
    assert "No faults missed or are close to missing their targets." in empty
    bad = cli("--db", db, "faults", "--status", "closed")
    assert bad.returncode == 2


def test_a_resolved_fault_made_a_known_problem_from_the_command_line(db: Path, cli: Cli) -> None:
    open_id = add(cli, db, "--site", "门诊楼机房", "--severity", "3", "--via", "phone",
                  "--reported", "2026-11-30 09:00", "--symptom", "PoE 供电中断",
                  "--resolution", "重启 PoE 模块")  # fmt: skip
    refused = cli("--db", db, "known-problems", "from-fault", open_id[:8])
    assert refused.returncode == 1 and "only a resolved fault" in refused.stderr
    cli.ok("--db", db, "fault", "update", open_id[:8], "--resolved", "2026-11-30 15:00")
    made = cli.ok("--db", db, "known-problems", "from-fault", open_id[:8], "--title", "PoE 掉电")
    record = json.loads(cli.ok("--db", db, "fault", "show", open_id[:8], "--format", "json"))
    assert record["known_problem"] == "PoE 掉电"
    assert record["made_into_known_problem"] == made.split()[-1]
    again = cli("--db", db, "known-problems", "from-fault", open_id[:8])
    assert again.returncode == 1 and "already the known problem 'PoE 掉电'" in again.stderr


def test_a_fault_of_a_level_no_longer_configured_still_lists(cli: Cli, db: Path) -> None:
    # Settings changed, or another laptop's levels came in a bundle: the list goes on.
    with Store.open(db) as store:
        site = store.sites.list()[0]
        reported = datetime(2026, 11, 30, 9, 0)
        store.faults.save(Fault(site.id, 9, ReportedVia.PHONE, reported, reported))
    [row] = listed(cli, db)
    assert row["severity"] == 9
    shown = cli.ok("--db", db, "fault", "show", row["id"][:8])
    assert "level 9 (not configured)" in shown

"""The Sites screen, the Visits screen and `visits --overdue` name the same sites overdue and
the same next-visit dates, on a real database of sites with plans of their own."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest

from assettrack.domain.models import Fault, ReportedVia, Site, VisitKind
from assettrack.services.assets import AssetRegister
from assettrack.services.service_config import load_service_config
from assettrack.services.visits import VisitService
from assettrack.store.store import Store
from assettrack.tui.app import make_app
from assettrack.tui.screens.sites import COLUMNS as SITE_COLUMNS
from assettrack.tui.screens.sites import SitesScreen
from assettrack.tui.screens.visits import VisitsScreen
from assettrack.tui.widgets.fast_table import FastTable
from tests.conftest import run_cli

TODAY = date(2026, 12, 17)  # a Thursday, past mid-month
CUSTOMER = "华东医院集团"

# Each site: its own plan keys, its visits (kind, day) and fault days. December has 31 days,
# Q4 92: two scheduled visits are due by the 16th and the 31st; three follow-ups a quarter by
# 31 October, 30 November and 31 December.
NOTHING = {"scheduled_per_month": 0, "follow_ups_per_month": 0, "on_site_follow_ups_per_quarter": 0}
QUARTER_OK = [(VisitKind.FOLLOW_UP, "2026-10-20"), (VisitKind.FOLLOW_UP, "2026-11-20")]
SITES: dict[str, tuple[dict[str, object], list[tuple[VisitKind, str]], list[str]]] = {
    # On track: one scheduled visit, the second due by month end.
    "A 门诊楼": ({}, [*QUARTER_OK, (VisitKind.SCHEDULED, "2026-12-03")], []),
    # No scheduled visit by the 16th: overdue since then.
    "B 住院部": ({}, QUARTER_OK, []),
    # One scheduled visit a month, on Mondays: the Monday before the 31st.
    "C 急诊楼": (
        {"scheduled_per_month": 1, "preferred_weekdays": ["mon"], "engineer": "王工"},
        QUARTER_OK,
        [],
    ),
    # December's scheduled visits made, but no follow-up this quarter: overdue since 31 Oct.
    "D 数据中心": (
        {"engineer": "李工"},
        [(VisitKind.SCHEDULED, "2026-12-02"), (VisitKind.SCHEDULED, "2026-12-09")],
        [],
    ),
    # No plan at all.
    "E 仓库": (NOTHING, [], []),
    # Everything met this month: next due in January (the 16th).
    "F 科研楼": (
        {},
        [
            *QUARTER_OK,
            (VisitKind.FOLLOW_UP, "2026-12-04"),
            (VisitKind.SCHEDULED, "2026-12-01"),
            (VisitKind.SCHEDULED, "2026-12-10"),
        ],
        [],
    ),
    # Two follow-ups a month; the phone follow-up does not count, a fault was reported this
    # month: none done, the first was due by the 16th.
    "G 行政楼": (
        {"follow_ups_per_month": 2},
        [
            *QUARTER_OK,
            (VisitKind.SCHEDULED, "2026-12-02"),
            (VisitKind.PHONE_FOLLOW_UP, "2026-12-08"),
        ],
        ["2026-12-05"],
    ),
}
EXPECTED = {
    "A 门诊楼": "2026-12-31",
    "B 住院部": "2026-12-16 overdue",
    "C 急诊楼": "2026-12-28",
    "D 数据中心": "2026-10-31 overdue",
    "E 仓库": "no plan",
    "F 科研楼": "2027-01-16",
    "G 行政楼": "2026-12-16 overdue",
}


@pytest.fixture
def database(tmp_path: Path, extensions, settings, monkeypatch) -> Path:
    # No user config folder: the shipped visit plan is the default for every site.
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    folder = tmp_path / "db"
    with Store.open(folder, author="test") as store:
        service = VisitService(store, load_service_config({}), "张工")
        for name, (plan, visits, faults) in SITES.items():
            site = store.sites.save(Site(CUSTOMER, name, visit_plan=plan))
            for kind, day in visits:
                service.record(site.id, kind, datetime.fromisoformat(f"{day}T09:00"))
            for day in faults:
                at = datetime.fromisoformat(f"{day}T08:00")
                store.faults.save(Fault(site.id, 2, ReportedVia.PHONE, at, at))
    return folder


def texts(app) -> list[list[str]]:
    rows = app.screen.query_one(FastTable).rows
    return [[c if isinstance(c, str) else c.plain for c in row.cells] for row in rows]


async def read_screens(database: Path, extensions, settings, tmp_path: Path):
    with Store.open(database, author="test") as store:
        register = AssetRegister(
            store, extensions.warranty_rules(settings.warranty), extensions.asset_kinds()
        )
        app = make_app(register, extensions, TODAY, export_folder=tmp_path / "exports")
        async with app.run_test(size=(160, 40)) as pilot:
            await pilot.press("f2")
            await pilot.pause()
            assert isinstance(app.screen, SitesScreen)
            due = [column.key for column in SITE_COLUMNS].index("due")
            sites = {row[1]: row[due] for row in texts(app)}
            await pilot.press("f5")
            await pilot.pause()
            assert isinstance(app.screen, VisitsScreen)
            visits = texts(app)
    return sites, visits


async def test_sites_and_visits_screens_and_the_command_agree(
    database: Path, extensions, settings, tmp_path: Path
) -> None:
    sites, visit_rows = await read_screens(database, extensions, settings, tmp_path)
    assert sites == EXPECTED

    # The Visits screen (this month): behind rows, and the one row per site showing its next
    # visit, which is the Sites screen's date.
    behind = {row[1] for row in visit_rows if row[5] in ("behind", "missed")}
    overdue_on_sites = {name for name, due in sites.items() if due.endswith("overdue")}
    assert behind == overdue_on_sites == {"B 住院部", "D 数据中心", "G 行政楼"}
    next_visits = {row[1]: row[6] for row in visit_rows if row[6]}
    assert len(next_visits) == sum(1 for row in visit_rows if row[6])  # one row per site
    assert next_visits == {name: due for name, due in sites.items() if due != "no plan"}
    # The row showing it is the requirement calling for the visit.
    callers = {(row[1], row[3]) for row in visit_rows if row[6]}
    assert ("D 数据中心", "on-site follow-ups this quarter") in callers
    assert ("F 科研楼", "scheduled on-site visits") in callers
    engineers = {row[1]: row[7] for row in visit_rows}
    assert (engineers["C 急诊楼"], engineers["D 数据中心"], engineers["A 门诊楼"]) == (
        "王工",
        "李工",
        "",
    )

    # The command line, as a script reads it.
    env = {"ASSETTRACK_TODAY": TODAY.isoformat(), "XDG_CONFIG_HOME": str(tmp_path / "config")}
    listed = run_cli(
        "--db", str(database), "visits", "--overdue", "--month", "2026-12", "--format", "json",
        env=env,
    )  # fmt: skip
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)
    assert {r["site"] for r in rows} == overdue_on_sites
    assert {r["site"]: f"{r['next_visit']} overdue" for r in rows if r["next_visit"]} == {
        name: sites[name] for name in overdue_on_sites
    }
    everything = run_cli(
        "--db", str(database), "visits", "--month", "2026-12", "--format", "json", env=env
    )
    assert everything.returncode == 0, everything.stderr
    dates = {r["site"]: r["next_visit"] for r in json.loads(everything.stdout) if r["next_visit"]}
    assert dates == {
        name: due.removesuffix(" overdue") for name, due in sites.items() if due != "no plan"
    }
    assert {r["site"]: r["engineer"] for r in json.loads(everything.stdout)}["C 急诊楼"] == "王工"

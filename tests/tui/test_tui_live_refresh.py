"""The app holds no lock while it is open: the command line writes meanwhile, and the app
notices (it polls the database for others' saves) and redraws the screen it shows."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from assettrack.commands.context import Context
from assettrack.tui.app import POLL_SECONDS
from assettrack.tui.launch import open_tui
from assettrack.tui.widgets.fast_table import FastTable
from tests.conftest import run_cli
from tests.tui.conftest import wait_until_loaded

SIZE = (120, 40)


def cli(db_path: Path, *args: str):
    result = run_cli("--db", str(db_path), *args)
    assert result.returncode == 0, result.stderr  # never refused: the app holds no lock
    return result


def cells(app) -> list[tuple[str, ...]]:
    return [
        tuple(c if isinstance(c, str) else c.plain for c in row.cells)
        for row in app.screen.query_one(FastTable).rows
    ]


async def until(pilot, condition: Callable[[], bool], polls: int = 3) -> None:
    """Wait for the app's own poll (a few of its periods at most), then check once more."""
    for _ in range(int(polls * POLL_SECONDS / 0.1)):
        if condition():
            return
        await pilot.pause(0.1)
    assert condition()


async def test_a_fault_and_a_visit_saved_by_the_command_line_show_in_the_open_app(
    context: Context, db_path: Path, tmp_path: Path
) -> None:
    with open_tui(context, db_path, cache_folder=tmp_path / "cache") as app:
        async with app.run_test(size=SIZE) as pilot:
            await wait_until_loaded(app, pilot)
            await pilot.press("f6")
            await pilot.pause()
            assert not any("核心交换机端口闪断" in row for row in cells(app))
            cli(
                db_path, "fault", "add", "--site", "外滩分行", "--severity", "2", "--via",
                "phone", "--reported", "2026-11-30 09:00", "--symptom", "核心交换机端口闪断",
            )  # fmt: skip
            await until(pilot, lambda: any("核心交换机端口闪断" in row for row in cells(app)))

            await pilot.press("f5")
            await pilot.pause()

            def scheduled_done() -> str:
                (row,) = [
                    r for r in cells(app) if r[1] == "外滩分行" and "cheduled" in r[3]
                ]  # fmt: skip
                return row[4]

            before = scheduled_done()
            added = cli(
                db_path, "visit", "add", "--site", "外滩分行", "--kind", "scheduled",
                "--start", "2026-12-01 09:00", "--end", "2026-12-01 11:00",
            )  # fmt: skip
            visit_id = added.stdout.split()[-1]
            cli(db_path, "visit", "sign", visit_id, "--by", "李娜", "--anyway", "paper record")
            await until(pilot, lambda: scheduled_done() != before)
            assert int(scheduled_done().split("/")[0]) == int(before.split("/")[0]) + 1
            # The app's own view of the visit has the customer's sign-off.
            site = app.context.register.find_site("外滩分行")
            visit = app.context.register.store.visits.get(site.id, visit_id)
            assert visit is not None and visit.sign_off is not None
            assert visit.sign_off.representative == "李娜"

            # And the app saves too, while the command line is not running: no lock held.
            cli(db_path, "fault", "add", "--site", "外滩分行", "--severity", "3", "--via",
                "email", "--reported", "2026-11-30 10:00", "--symptom", "风扇告警")  # fmt: skip
            app.context.register.store.visits.save(visit)


async def test_the_app_refreshes_only_when_another_process_wrote(
    context: Context, db_path: Path, tmp_path: Path
) -> None:
    with open_tui(context, db_path, cache_folder=tmp_path / "cache") as app:
        async with app.run_test(size=SIZE) as pilot:
            await wait_until_loaded(app, pilot)
            assert app.poll_store() is False  # nothing saved anywhere
            register = app.context.register
            target = register.find_site("浦东数据中心")
            # Not one already there (the order of assets follows the files on disk): moving
            # it there would change nothing, and nothing would be news.
            asset = next(a for a in register.store.assets.all() if a.site_id != target.id)
            asset.notes = "saved by the app itself"
            register.store.assets.save(asset)
            assert app.poll_store() is False  # its own save is not news
            moved_by_cli = cli(
                db_path, "asset", "move", asset.serial_number, "--to", "浦东数据中心"
            )
            assert moved_by_cli.stdout.startswith("Moved")
            assert app.poll_store() is True
            moved = register.store.assets.get(asset.id)
            assert moved is not None and moved.notes == "saved by the app itself"
            assert register.site(moved.site_id).name == "浦东数据中心"


async def test_a_damaged_document_found_while_the_app_runs_is_shown_not_printed(
    context: Context, db_path: Path, tmp_path: Path, capfd
) -> None:
    import orjson

    path = sorted((db_path / "assets").glob("*.json"))[0]
    data = orjson.loads(path.read_bytes())
    bad_id = next(iter(data["assets"]))
    data["assets"][bad_id]["installed_on"] = "9999-01-01"
    path.write_bytes(orjson.dumps(data))
    with open_tui(context, db_path, cache_folder=tmp_path / "cache") as app:
        async with app.run_test(size=SIZE) as pilot:
            await wait_until_loaded(app, pilot)
            for _ in range(100):  # the notice follows the load's end: a busy machine lags
                if any(bad_id in n.message for n in app._notifications):
                    break
                await pilot.pause(0.05)
            assert any(bad_id in n.message for n in app._notifications)
            assert app.context.register.store.assets.get(bad_id) is None
    assert bad_id not in capfd.readouterr().err

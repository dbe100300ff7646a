"""Every plugin failure is visible, by plugin, hook and reason, in each of four places:
``assettrack plugins``, the app's notices, ``inspect``'s output (text and JSON), and the
maintenance record's console reads. Real plugins, loaded by pluggy from a plugins folder,
make every hook fail: one raises in each, one returns or registers the wrong type in each,
one registers a driver wrongly and one whose match raises."""

from __future__ import annotations

import json
import textwrap
from datetime import datetime
from pathlib import Path

import pytest
from textual.widgets import RichLog

from assettrack.config import load_settings
from assettrack.domain.models import Asset, ConsoleSettings, InspectionState, Site
from assettrack.plugins import hookspecs
from assettrack.plugins.failure_log import FILE_NAME, FailureLog
from assettrack.plugins.loader import load_plugins
from assettrack.services.assets import AssetRegister
from assettrack.store.store import Store
from assettrack.tui.app import make_app
from assettrack.tui.screens.asset_detail import AssetDetailScreen
from assettrack.tui.screens.inspection import InspectionScreen
from assettrack.tui.screens.modals import SignOffModal
from tests.cli_inprocess import Cli
from tests.conftest import TODAY

START_UP = (
    "assettrack_register_drivers",
    "assettrack_asset_kinds",
    "assettrack_warranty_rules",
    "assettrack_vendor_aliases",
    "assettrack_register_exporters",
)
PER_ASSET = ("assettrack_checklist_items", "assettrack_autofill")
LIFECYCLE = ("assettrack_inspection_completed", "assettrack_inspection_signed")
HOOKS = START_UP + PER_ASSET + LIFECYCLE
assert sorted(HOOKS) == sorted(h for h in dir(hookspecs) if h.startswith("assettrack_"))

ARGUMENTS = {
    **dict.fromkeys(START_UP, "register"),
    "assettrack_checklist_items": "asset",
    "assettrack_autofill": "item, readings, asset",
    **dict.fromkeys(LIFECYCLE, "inspection, asset"),
}
RAISING = "from assettrack.api import hookimpl\n\nASSETTRACK_API = '>=1.1,<2'\n" + "".join(
    textwrap.dedent(f"""

    @hookimpl
    def {hook}({ARGUMENTS[hook]}):
        raise RuntimeError("raising broke in {hook}")
    """)
    for hook in HOOKS
)

WRONG_TYPES = textwrap.dedent("""
    from assettrack.api import hookimpl

    ASSETTRACK_API = ">=1.1,<2"


    @hookimpl
    def assettrack_register_drivers(register):
        register({"name": "a dict is no driver"})


    @hookimpl
    def assettrack_asset_kinds(register):
        register("wireless_controller")


    @hookimpl
    def assettrack_warranty_rules(register):
        register({"vendor": "Acme", "months": 24})


    @hookimpl
    def assettrack_vendor_aliases(register):
        register(("Acme", "ACME"))


    @hookimpl
    def assettrack_register_exporters(register):
        register(lambda views, today: "")


    @hookimpl
    def assettrack_checklist_items(asset):
        return "not a list"


    @hookimpl
    def assettrack_autofill(item, readings):
        return "pass"


    @hookimpl
    def assettrack_inspection_completed(inspection):
        return "done"


    @hookimpl
    def assettrack_inspection_signed(inspection):
        return 1
""")

DRIVERS = textwrap.dedent("""
    from assettrack.api import CISCO_IOS, DeviceDriver, Readings, hookimpl

    ASSETTRACK_API = ">=1.1,<2"


    def fragile_match(asset):
        return 1 // 0


    @hookimpl
    def assettrack_register_drivers(register):
        register(DeviceDriver("misregistered", lambda asset: 100, {"prompt": "#"},
                              ("show version",), lambda outputs: Readings()))
        register(DeviceDriver("fragile", fragile_match, CISCO_IOS, (), lambda o: Readings()))
""")

# (plugin, hook, what the reason says) for every failure the four places must show.
EXPECTED = {
    **{("raising", hook): f"RuntimeError: raising broke in {hook}" for hook in HOOKS},
    (
        "wrong_types",
        "assettrack_register_drivers",
    ): "TypeError: register() takes a DeviceDriver, got dict",
    ("wrong_types", "assettrack_asset_kinds"): "TypeError: register() takes a AssetKind, got str",
    (
        "wrong_types",
        "assettrack_warranty_rules",
    ): "TypeError: register() takes a VendorRule, got dict",
    (
        "wrong_types",
        "assettrack_vendor_aliases",
    ): "TypeError: register() takes a VendorNames, got tuple",
    (
        "wrong_types",
        "assettrack_register_exporters",
    ): "TypeError: register() takes a Exporter, got function",
    (
        "wrong_types",
        "assettrack_checklist_items",
    ): "TypeError: expected a list of ChecklistItem, got str",
    ("wrong_types", "assettrack_autofill"): "TypeError: expected a Proposal or None, got str",
    ("wrong_types", "assettrack_inspection_completed"): "TypeError: expected None (what this hook "
    "returns is not used), got str",
    ("wrong_types", "assettrack_inspection_signed"): "TypeError: expected None (what this hook "
    "returns is not used), got int",
    (
        "drivers",
        "assettrack_register_drivers",
    ): "TypeError: driver misregistered: console must be a ConsoleProfile, got dict",
    ("drivers", "fragile.match"): "ZeroDivisionError: integer division or modulo by zero",
}
# What a console read meets: everything but the lifecycle hooks, called after it.
DURING_A_READ = {key: why for key, why in EXPECTED.items() if key[1] not in LIFECYCLE}


def line(plugin: str, hook: str) -> str:
    return f"plugin '{plugin}' failed in {hook}: "


def shown(lines: list[str] | str, expected: dict[tuple[str, str], str]) -> dict:
    """The expected failures missing from ``lines`` (empty: all shown)."""
    text = lines if isinstance(lines, str) else "\n".join(lines)
    return {key: why for key, why in expected.items() if line(*key) + why not in text}


@pytest.fixture
def setup(tmp_path: Path, simulated_console):
    folder = tmp_path / "plugins"
    folder.mkdir()
    for name, source in (("raising", RAISING), ("wrong_types", WRONG_TYPES), ("drivers", DRIVERS)):
        (folder / f"{name}.py").write_text(source, encoding="utf-8")
    config = tmp_path / "settings.toml"
    config.write_text(f'[plugins]\nfolder = "{folder.as_posix()}"\n', encoding="utf-8")
    db = tmp_path / "db"
    url = simulated_console("cisco")
    with Store.open(db, author="test") as store:
        site = store.sites.save(Site(customer="华东医院集团", name="门诊楼机房"))
        asset = store.assets.save(
            Asset(site.id, "switch", "Cisco", "C9300-48P", "FOC2327485", hostname="core-1",
                  console=ConsoleSettings(port=url))
        )  # fmt: skip
    cli = Cli(tmp_path)
    cli.env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    return cli, config, db, asset


def test_the_hooks_of_real_plugins_fail_in_every_way(setup) -> None:
    _, config, _, _ = setup
    ext = load_plugins(load_settings(config_file=config, env={}).raw)
    assert {"raising", "wrong_types", "drivers"} <= set(ext.host.infos)
    assert "fragile" in ext.drivers and "misregistered" not in ext.drivers


async def test_every_hook_failure_is_visible_in_four_places(setup, tmp_path: Path) -> None:
    cli, config, db, asset = setup

    # 3. inspect: its text output and its JSON name each failure of the read.
    text = cli.ok("--config", config, "--db", db, "inspect", asset.serial_number,
                  "--idle-timeout", "1")  # fmt: skip
    assert "Read with driver cisco_ios" in text
    assert shown([ln.removeprefix("plugin failure: ") for ln in text.splitlines()],
                 DURING_A_READ) == {}  # fmt: skip
    args = ("--config", config, "--db", db, "inspect", asset.serial_number, "--idle-timeout", "1")
    report = json.loads(cli.ok(*args, "--format", "json"))
    assert report["driver"] == "cisco_ios"  # the broken drivers chose nothing
    assert shown(report["plugin_failures"], DURING_A_READ) == {}

    # 4. The record keeps them with its read (its transcript section), one line per kind.
    with Store.open(db, read_only=True) as store:
        record = store.inspections.get(asset.site_id, report["inspection"])
    kept = record.reads[-1].plugin_failures
    assert shown(kept, DURING_A_READ) == {}
    assert len(kept) == len(set(kept)) == len(DURING_A_READ)

    # 2. The app: a notice per kind, as it loads, opens the inspection, reads, completes
    # and signs; the failures it meets go to the same log as the command line's.
    settings = load_settings(config_file=config, db_path=db, env={}, user_dir=tmp_path / "u")
    log = FailureLog(tmp_path / "cache" / "assettrack" / FILE_NAME)
    extensions = load_plugins(settings.raw, failure_log=log)
    with Store.open(db, author="test") as store:
        register = AssetRegister(
            store, extensions.warranty_rules(settings.warranty), extensions.asset_kinds()
        )
        app = make_app(register, extensions, TODAY, engineer="李工", idle_timeout=1.0,
                       clock=lambda: datetime(2026, 12, 1, 9))  # fmt: skip
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            app.push_screen(AssetDetailScreen(app.context, store.assets.get(asset.id)))
            await pilot.pause()
            await pilot.press("i")
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, InspectionScreen)
            await pilot.press("r")
            await app.workers.wait_for_complete()
            await pilot.pause()
            # The screen lists the read's failures with its log, as the record keeps them.
            shown_log = "\n".join(str(ln.text) for ln in screen.query_one(RichLog).lines)
            assert shown(shown_log, DURING_A_READ) == {}
            for entry in screen.inspection.items:
                if entry.result is None:
                    await pilot.press("n")
                else:
                    await pilot.press("down")
            await pilot.press("c")
            await pilot.pause()
            assert screen.inspection.state is InspectionState.COMPLETE
            await pilot.press("s")
            await pilot.pause()
            assert isinstance(app.screen, SignOffModal)
            await pilot.press(*"Wang", "enter")
            await pilot.pause()
            notices = [str(n.message) for n in app._notifications]
            titles = {n.title for n in app._notifications if "failed in" in str(n.message)}
    assert shown(notices, EXPECTED) == {}
    assert titles == {"Plugin failure"}
    # Once per kind: autofill failed for every item, and is told once per plugin.
    assert sum(line("raising", "assettrack_autofill") in n for n in notices) == 1
    assert "(assettrack plugins --traceback shows more)" in notices[0]

    # 1. assettrack plugins: start-up failures met again, the others read from the log.
    listing = cli.ok("--config", config, "plugins")
    assert shown(listing, EXPECTED) == {}
    assert "raising  [folder]  ERROR" in listing.splitlines()
    assert "failures while working" in listing
    with_tracebacks = cli.ok("--config", config, "plugins", "--traceback")
    assert 'raise RuntimeError("raising broke in assettrack_checklist_items")' in with_tracebacks
    assert "1 // 0" in with_tracebacks
    listed = json.loads(cli.ok("--config", config, "plugins", "--format", "json"))
    by_plugin = {p["name"]: p for p in listed["plugins"]}
    its_start_up = {k: v for k, v in EXPECTED.items() if k[0] == "wrong_types" and k[1] in START_UP}
    assert shown(by_plugin["wrong_types"]["errors"], its_start_up) == {}
    working = {(f["plugin"], f["hook"]): f["error"] for f in listed["failures_while_working"]}
    assert {k for k in EXPECTED if k[1] not in START_UP} <= set(working)
    # Forgotten when asked, after the plugin is fixed.
    cleared = cli.ok("--config", config, "plugins", "--clear-failures")
    assert "failures while working" not in cleared

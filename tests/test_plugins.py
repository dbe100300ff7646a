from __future__ import annotations

import inspect
import json
import os
import subprocess
import sys
import textwrap
import time
from datetime import datetime
from pathlib import Path

from assettrack import hookimpl
from assettrack.api import (
    AssetKind,
    ChecklistItem,
    DeviceDriver,
    Exporter,
    ItemResult,
    Proposal,
    Readings,
    VendorRule,
)
from assettrack.domain.models import InspectionState
from assettrack.domain.warranty import WarrantyRules
from assettrack.plugins import hookspecs
from assettrack.plugins.builtin.generic_driver import GENERIC_PROFILE
from assettrack.plugins.host import PluginHost
from assettrack.plugins.loader import DEFAULT_PLUGINS, load_plugins
from assettrack.services.inspections import InspectionService
from assettrack.testing import make_extensions
from tests.conftest import run_cli

ROOT = Path(__file__).resolve().parent.parent
HOOKS = sorted(n for n in dir(hookspecs) if n.startswith("assettrack_"))


def test_builtins_are_registered_through_the_hooks() -> None:
    ext = load_plugins({}, env={}, entry_points=False)
    names = [n.rsplit(".", 1)[-1] for n in DEFAULT_PLUGINS]
    assert [i.name for i in ext.host.infos.values()][: len(names)] == names
    assert all(ext.host.infos[n].source == "built-in" for n in names)
    assert ext.asset_kinds() == ("router", "switch", "firewall", "gateway")
    assert {"csv", "json"} <= set(ext.exporters)
    assert "generic" in ext.drivers
    assert ext.host.failures == []


def test_builtins_can_be_blocked_by_name() -> None:
    ext = load_plugins(
        {}, env={"ASSETTRACK_DISABLE_PLUGINS": "exporters, generic_driver"}, entry_points=False
    )
    assert "csv" not in ext.exporters and "generic" not in ext.drivers
    assert ext.host.infos["exporters"].blocked
    ext = load_plugins({"plugins": {"disabled": ["kinds"]}}, env={}, entry_points=False)
    assert ext.asset_kinds() == ()


# -- isolation ---------------------------------------------------------------------------

ITEM = ChecklistItem("good_item", "Good item")


class GoodPlugin:
    @hookimpl
    def assettrack_checklist_items(self, asset):
        return [ITEM]

    @hookimpl
    def assettrack_register_exporters(self, register):
        register(Exporter("good", "good", "txt", lambda views, today: "ok"))


class RaisingPlugin:
    @hookimpl
    def assettrack_checklist_items(self, asset):
        raise RuntimeError("database of checklists unreachable")

    @hookimpl
    def assettrack_register_exporters(self, register):
        register(Exporter("half", "registered before the crash", "txt", lambda v, t: ""))
        raise KeyError("boom")


class WrongTypePlugin:
    @hookimpl
    def assettrack_checklist_items(self, asset):
        return "not a list"

    @hookimpl
    def assettrack_register_drivers(self, register):
        register({"name": "a dict is not a driver"})

    @hookimpl
    def assettrack_autofill(self, item):
        return "pass"


class SlowPlugin:
    @hookimpl
    def assettrack_checklist_items(self, asset):
        time.sleep(5)
        return [ChecklistItem("slow", "Too late")]


class MisspeltPlugin:
    @hookimpl
    def assettrack_checklist_item(self, asset):  # missing "s"
        return [ChecklistItem("typo", "Never seen")]


def test_a_raising_plugin_is_named_and_the_others_keep_working(sample_asset) -> None:
    ext = make_extensions(GoodPlugin(), RaisingPlugin())
    assert ext.checklist_for(sample_asset()) == [ITEM]
    assert set(ext.exporters) == {"good"}  # nothing from the plugin that failed half-way
    failures = {(f.plugin, f.stage): f.error for f in ext.host.failures}
    assert failures[("RaisingPlugin", "assettrack_checklist_items")] == (
        "RuntimeError: database of checklists unreachable"
    )
    assert ("RaisingPlugin", "assettrack_register_exporters") in failures


def test_wrong_return_types_are_refused(sample_asset) -> None:
    ext = make_extensions(GoodPlugin(), WrongTypePlugin())
    assert ext.checklist_for(sample_asset()) == [ITEM]
    assert ext.drivers == {}
    assert ext.propose([ITEM], Readings(), sample_asset()) == {}
    errors = [str(f) for f in ext.host.failures_of("WrongTypePlugin")]
    assert any("expected a list of ChecklistItem, got str" in e for e in errors)
    assert any("register() takes a DeviceDriver, got dict" in e for e in errors)
    assert any("expected a Proposal or None, got str" in e for e in errors)


def test_a_slow_plugin_is_abandoned_after_its_deadline(sample_asset) -> None:
    host = PluginHost(deadline_seconds=0.3)
    host.register(GoodPlugin(), "GoodPlugin")
    host.register(SlowPlugin(), "SlowPlugin")
    from assettrack.plugins.extensions import Extensions

    ext = Extensions(host)
    assert ext.checklist_for(sample_asset()) == [ITEM]
    (failure,) = host.failures
    assert (failure.plugin, failure.error) == ("SlowPlugin", "did not return within 0.3 s")


def test_a_misspelt_hook_refuses_the_plugin() -> None:
    ext = make_extensions(GoodPlugin(), MisspeltPlugin())
    (failure,) = ext.host.failures
    assert failure.plugin == "MisspeltPlugin" and failure.stage == "register"
    assert "assettrack_checklist_item" in failure.error
    assert "MisspeltPlugin" not in ext.host.infos


def test_duplicate_names_and_ids_are_reported(sample_asset) -> None:
    class Twin:
        @hookimpl
        def assettrack_checklist_items(self, asset):
            return [ChecklistItem("good_item", "Same id")]

        @hookimpl
        def assettrack_asset_kinds(self, register):
            register(AssetKind("router"))

    ext = make_extensions(GoodPlugin(), Twin(), builtins=True)
    assert [i for i in ext.checklist_for(sample_asset()) if i.id == "good_item"] == [ITEM]
    errors = [str(f) for f in ext.host.failures_of("Twin")]
    assert any("'good_item' is already used" in e for e in errors)
    assert any("'router' is already registered" in e for e in errors)


def test_a_driver_whose_match_raises_is_skipped(sample_asset) -> None:
    def bad_match(asset):
        raise ZeroDivisionError("oops")

    class Drivers:
        @hookimpl
        def assettrack_register_drivers(self, register):
            register(DeviceDriver("broken", bad_match, GENERIC_PROFILE, (), lambda o: Readings()))
            register(
                DeviceDriver(
                    "acme",
                    lambda a: 50 if a.vendor == "Acme" else 0,
                    GENERIC_PROFILE,
                    (),
                    lambda o: Readings(),
                )
            )

    ext = make_extensions(Drivers(), builtins=True)
    assert ext.driver_for(sample_asset(vendor="Acme")).name == "acme"
    assert ext.driver_for(sample_asset(vendor="Cisco")).name == "generic"
    assert ext.driver_for(sample_asset(), name="acme").name == "acme"
    assert any(f.stage == "broken.match" and f.plugin == "Drivers" for f in ext.host.failures)


def test_later_plugins_refine_autofill(sample_asset) -> None:
    class Refine:
        @hookimpl
        def assettrack_autofill(self, item, readings):
            if item.id == "cpu":
                return Proposal(ItemResult.PASS, "fine", "vendor knows better")
            return None

    ext = make_extensions(Refine(), builtins=True)
    items = {i.id: i for i in ext.checklist_for(sample_asset())}
    readings = Readings(
        cpu_percent=95,
        memory_used_percent=91,
        fans={"Fan1": "ok", "Fan2": "failed"},
        temperatures={"inlet": 41, "cpu": 58},
        alarms=[],
        os_version="17.9.4a",
    )
    proposals = ext.propose(items.values(), readings, sample_asset())
    assert proposals["cpu"] == ("Refine", Proposal(ItemResult.PASS, "fine", "vendor knows better"))
    plugin, memory = proposals["memory"]
    assert (plugin, memory.result, memory.value) == ("autofill", ItemResult.FAIL, "91")
    assert proposals["fans"][1].result is ItemResult.FAIL and "Fan2" in proposals["fans"][1].note
    assert proposals["device_temperature"][1].result is ItemResult.PASS
    assert proposals["device_temperature"][1].value == "58"
    assert proposals["alarms"][1].result is ItemResult.PASS
    assert proposals["firmware"][1].value == "17.9.4a"
    assert "room_temperature" not in proposals  # measured by the engineer, not the device


def test_warranty_rules_from_plugins(sample_asset, settings) -> None:
    class Acme:
        @hookimpl
        def assettrack_warranty_rules(self, register):
            register(VendorRule("Acme", months=24))
            register(VendorRule("Cisco", months=99))

    rules = make_extensions(Acme()).warranty_rules(settings.warranty)
    assert rules.period_for("acme", "x")[0] == 24
    assert rules.period_for("Cisco", "WS-C2960X")[0] == 99  # a plugin beats the shipped file
    users = WarrantyRules.from_mapping({"vendors": {"cisco": {"name": "Cisco", "months": 12}}})
    rules = make_extensions(Acme()).warranty_rules(users)
    assert rules.period_for("Cisco", "WS-C2960X")[0] == 12  # the user's warranty.toml wins


def test_vendor_names_from_a_folder_plugin(tmp_path: Path, settings) -> None:
    folder = tmp_path / "plugins"
    folder.mkdir()
    (folder / "acme_names.py").write_text(
        textwrap.dedent("""
        from assettrack.api import ModelRule, VendorNames, VendorRule, hookimpl

        @hookimpl
        def assettrack_vendor_aliases(register):
            register(VendorNames("Acme", aliases=("艾克米", "Acme Networks")))
            register(VendorNames("HUAWEI", aliases=("华为终端",)))  # adds to Huawei
            register(VendorNames("Acme", aliases=("思科",)))  # vendors.toml's already

        @hookimpl
        def assettrack_warranty_rules(register):
            register(VendorRule("艾克米", months=24, models=(ModelRule("AX-9*", 60),)))
            register(VendorRule("华为", months=99, models=(ModelRule("AR6*", 48),)))
    """),
        encoding="utf-8",
    )
    (folder / "wrong_names.py").write_text(
        "from assettrack.api import hookimpl\n\n"
        "@hookimpl\n"
        "def assettrack_vendor_aliases(register):\n"
        "    register({'Acme': ['ACME']})\n",
        encoding="utf-8",
    )
    ext = load_plugins({"plugins": {"folder": str(folder)}}, env={}, entry_points=False)
    assert ext.host.infos["acme_names"].hooks == [
        "assettrack_vendor_aliases",
        "assettrack_warranty_rules",
    ]
    names = ext.vendor_aliases(settings.vendors)
    assert names.resolve("Acme Networks Co., Ltd.") == "Acme"  # vendors.toml's suffixes apply
    assert names.resolve("华为终端") == "Huawei"
    assert names.resolve("思科") == "Cisco"  # the configured table wins
    rules = ext.warranty_rules(settings.warranty)
    assert rules.period_for("艾克米", "AX-9000") == (60, "Acme AX-9*")
    assert rules.period_for("ACME", "AX-1") == (24, "Acme default")
    # The plugin's Huawei rule, given under 华为, fills in the configured Huawei rule's gaps.
    assert rules.period_for("华为终端", "AR6280") == (48, "Huawei AR6*")
    assert rules.period_for("华为", "S5735") == (99, "Huawei default")  # over the shipped file
    (failure,) = ext.host.failures
    assert (failure.plugin, failure.stage) == ("wrong_names", "assettrack_vendor_aliases")
    assert "takes a VendorNames, got dict" in failure.error


def test_lifecycle_hook_failure_loses_no_record(store, sample_asset) -> None:
    class Angry:
        @hookimpl
        def assettrack_inspection_completed(self, inspection, asset):
            raise RuntimeError("mail server down")

        @hookimpl
        def assettrack_inspection_signed(self, inspection, asset):
            raise RuntimeError("printer on fire")

    seen = []

    class Listener:
        @hookimpl
        def assettrack_inspection_signed(self, inspection):
            seen.append(inspection.sign_off.representative)

    ext = make_extensions(Angry(), Listener(), builtins=True)
    asset = store.assets.save(sample_asset())
    service = InspectionService(store, ext, engineer="李工", clock=lambda: datetime(2026, 12, 1, 9))
    inspection = service.start(asset)
    for entry in inspection.items:
        service.answer(inspection, asset, entry.item_id, result=ItemResult.PASS)
    service.complete(inspection, asset)
    service.sign(inspection, asset, "王经理")
    saved = store.inspections.get(asset.site_id, inspection.id)
    assert saved.state is InspectionState.SIGNED and saved.sign_off.representative == "王经理"
    assert seen == ["王经理"]
    assert {f.error for f in ext.host.failures} == {
        "RuntimeError: mail server down",
        "RuntimeError: printer on fire",
    }


# -- discovery ---------------------------------------------------------------------------


def test_folder_plugins_load_and_broken_ones_are_reported(tmp_path: Path) -> None:
    folder = tmp_path / "plugins"
    folder.mkdir()
    (folder / "extra_kind.py").write_text(
        textwrap.dedent("""
        from assettrack.api import AssetKind, hookimpl
        __version__ = "1.2"

        @hookimpl
        def assettrack_asset_kinds(register):
            register(AssetKind("wireless_controller", "Wireless controller"))
    """)
    )
    (folder / "syntax_error.py").write_text("def oops(:\n")
    (folder / "missing_dep.py").write_text("import no_such_module_anywhere\n")
    ext = load_plugins({"plugins": {"folder": str(folder)}}, env={}, entry_points=False)
    assert "wireless_controller" in ext.asset_kinds()
    assert ext.host.infos["extra_kind"].source == "folder"
    assert ext.host.infos["extra_kind"].version == "1.2"
    errors = {f.plugin: f.error for f in ext.host.failures}
    assert errors["syntax_error"].startswith("SyntaxError")
    assert "no_such_module_anywhere" in errors["missing_dep"]


def make_installed_plugin(site: Path, module_source: str, name: str = "acmeplug") -> None:
    """A real installed distribution: a module plus its dist-info with an entry point."""
    (site / f"{name}.py").write_text(textwrap.dedent(module_source))
    info = site / f"{name}-2.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 2.0\n")
    (info / "entry_points.txt").write_text(f"[assettrack]\n{name} = {name}\n")


def test_entry_point_plugins_are_listed_by_the_cli(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    make_installed_plugin(
        site,
        """
        from assettrack.api import Exporter, hookimpl

        @hookimpl
        def assettrack_register_exporters(register):
            register(Exporter("serials", "serial numbers", "txt", lambda views, today:
                              "".join(v.asset.serial_number + "\\n" for v in views)))
    """,
    )
    make_installed_plugin(site, "raise RuntimeError('broken at import')\n", name="brokenplug")
    env = {"PYTHONPATH": os.pathsep.join([str(site), str(ROOT)])}
    db = tmp_path / "db"
    assert run_cli("--db", str(db), "demo", "--no-tui", env=env).returncode == 0
    listing = run_cli("--db", str(db), "plugins", "--format", "json", env=env)
    assert listing.returncode == 0, listing.stderr
    plugins = {p["name"]: p for p in json.loads(listing.stdout)["plugins"]}
    assert plugins["acmeplug"]["source"] == "entry point"
    assert plugins["acmeplug"]["version"] == "2.0"
    assert plugins["acmeplug"]["hooks"] == ["assettrack_register_exporters"]
    assert "broken at import" in plugins["brokenplug"]["errors"][0]
    exported = run_cli("--db", str(db), "export", "assets", "--format", "serials", env=env)
    assert exported.returncode == 0 and len(exported.stdout.splitlines()) == 200
    blocked = run_cli(
        "--db",
        str(db),
        "export",
        "assets",
        "--format",
        "serials",
        env={
            **env,
            "ASSETTRACK_DISABLE_PLUGINS": os.environ["ASSETTRACK_DISABLE_PLUGINS"] + ",acmeplug",
        },
    )
    assert blocked.returncode == 2 and "not an export format" in blocked.stderr


# -- for plugin authors ------------------------------------------------------------------


def test_every_hook_is_documented_in_the_guide() -> None:
    guide = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
    missing = [h for h in HOOKS if f"### {h}" not in guide]
    assert not missing, f"hooks missing from docs/plugins.md: {missing}"
    assert len(HOOKS) >= 8


def test_every_hook_has_a_docstring() -> None:
    assert all(inspect.getdoc(getattr(hookspecs, h)) for h in HOOKS)


def test_the_template_plugin_passes_its_own_tests(tmp_path: Path) -> None:
    """Copy the template as an author would and run its tests with the shipped fixtures."""
    import shutil

    copy = tmp_path / "my-plugin"
    shutil.copytree(ROOT / "plugins" / "_template", copy)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=copy,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(copy)},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "6 passed" in result.stdout


def test_core_modules_never_import_textual() -> None:
    code = textwrap.dedent("""
        import sys
        import assettrack.api, assettrack.cli, assettrack.config, assettrack.testing
        import assettrack.console.session, assettrack.plugins.loader
        import assettrack.services.assets, assettrack.services.inspections
        import assettrack.services.asset_transfer, assettrack.store.store
        assettrack.plugins.loader.load_plugins({})
        bad = sorted(m for m in sys.modules if m == "textual" or m.startswith("textual."))
        print(bad)
    """)
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"

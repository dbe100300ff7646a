"""assettrack's own tests run with third-party plugins blocked, whatever is installed: a
plugin installed beside assettrack changes no test's outcome (tests/conftest.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from assettrack.plugins.host import DISABLE_ENV
from assettrack.plugins.loader import load_plugins
from tests.conftest import ROOT, first_party_plugins, run_cli, third_party_plugins

INTRUDER = """
from assettrack.api import AssetKind, ChecklistItem, Exporter, hookimpl

ASSETTRACK_API = ">=1.1,<2"


@hookimpl
def assettrack_checklist_items(asset):
    return [ChecklistItem("intruder_item", "An item no test of assettrack expects")]


@hookimpl
def assettrack_asset_kinds(register):
    register(AssetKind("intruder_kind"))


@hookimpl
def assettrack_register_exporters(register):
    register(Exporter("intruder", "not assettrack's", "txt", lambda views, today: ""))
"""


def install_intruder(site: Path) -> dict[str, str]:
    """A real installed distribution with an entry point (found on PYTHONPATH)."""
    site.mkdir()
    (site / "intruder.py").write_text(textwrap.dedent(INTRUDER), encoding="utf-8")
    info = site / "intruder-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: intruder\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[assettrack]\nintruder = intruder\n")
    return {"PYTHONPATH": os.pathsep.join([str(site), str(ROOT)])}


def test_this_repository_s_plugins_are_first_party_and_nothing_else_loads() -> None:
    assert {"cisco_ios", "huawei_vrp"} <= first_party_plugins()
    blocked = set(os.environ[DISABLE_ENV].split(","))
    assert set(third_party_plugins()) <= blocked
    assert not first_party_plugins() & blocked
    # Whatever a caller passes as env, the process's list holds.
    ext = load_plugins({}, env={})
    loaded = {name for name, info in ext.host.infos.items() if not info.blocked}
    assert {"cisco_ios", "huawei_vrp"} <= loaded
    assert not loaded & set(third_party_plugins())


def test_a_plugin_installed_beside_assettrack_changes_none_of_its_tests(tmp_path: Path) -> None:
    env = install_intruder(tmp_path / "site")
    # Outside the tests it is a working plugin: listed, its export format offered.
    plain = {**env, DISABLE_ENV: ""}
    listed = run_cli("plugins", "--format", "json", env={**plain, "XDG_CACHE_HOME": str(tmp_path)})
    assert listed.returncode == 0, listed.stderr
    assert "intruder" in json.loads(listed.stdout)["exporters"]
    # assettrack's own tests, in a fresh pytest with the intruder installed: the TUI snapshot
    # of the inspection screen (it would list the intruder's item), the command line in a
    # child process and in this one, and the app's plugins.
    child_env = {k: v for k, v in os.environ.items() if k != DISABLE_ENV}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/tui/test_tui_snapshots.py::test_screen[inspection-80x24]",
            "tests/test_third_party_isolation.py::test_this_repository_s_plugins_are_first_party_and_nothing_else_loads",
            "tests/test_plugins.py::test_builtins_are_registered_through_the_hooks",
        ],
        cwd=ROOT,
        env={**child_env, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "3 passed" in result.stdout

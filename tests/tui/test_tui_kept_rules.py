"""A start with no row snapshot works out its end dates with the warranty rules the last start
kept (plugins' included), so it paints before loading the plugins; the plugins' own rules
are compared behind the paint and replace the rows if they differ.

Real parts: a demo database on disk, the real plugins, the app as the command line opens it
(``open_tui``) driven by Textual's Pilot, and fresh processes where imports are counted.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from assettrack.commands.context import Context
from assettrack.domain.models import Asset, Site
from assettrack.domain.warranty import WarrantyRules
from assettrack.services.assets import AssetRegister
from assettrack.store.store import Store
from assettrack.tui import kept_rules
from assettrack.tui.asset_facts import FactColumns
from assettrack.tui.launch import open_tui
from assettrack.tui.row_facts import facts_of_rows
from assettrack.tui.row_snapshot import snapshot_path
from tests.conftest import TODAY
from tests.tui.conftest import wait_until_loaded

SIZE = (120, 40)


def the_stores_facts(db_path: Path, rules: WarrantyRules) -> FactColumns:
    with Store.open(db_path, read_only=True) as store:
        return facts_of_rows(AssetRegister(store, rules))


async def start_until_loaded(context: Context, db_path: Path, cache: Path) -> list:
    """Open the app, wait for the store behind the paint; the facts painted first and the
    table's facts once loaded."""
    with open_tui(context, db_path, cache_folder=cache) as app:
        painted = app.context.first_rows
        async with app.run_test(size=SIZE) as pilot:
            await wait_until_loaded(app, pilot)
            return [painted, app.get_screen("assets").all_rows.facts]


@pytest.mark.parametrize(
    ("no_fork", "plugins_first"),
    [(True, ["plugins first", "plugins behind"]), (False, ["plugins behind"] * 2)],
    ids=["no fork", "forked"],
)
def test_a_start_with_no_snapshot_paints_before_loading_the_plugins_once_rules_are_kept(
    tmp_path, db_path, settings, extensions, no_fork, plugins_first
) -> None:
    # Fresh processes, as the command line runs them. Where no child can be forked, the
    # first start (empty cache) loads the plugins before its paint, as their rules are
    # known only then, and keeps them; with the row snapshot gone (another program changed
    # the catalog, say), the next start paints with the kept rules and loads the plugins
    # behind the paint. A forked child reads the rows (and loads the plugins if it must)
    # while the app is imported: this process loads them behind the paint both times.
    # Every start paints the end dates the plugins' rules give.
    cache = tmp_path / "cache"
    script = f"""
import asyncio, os, sys
from datetime import date
from pathlib import Path
from assettrack.commands.context import Context
from assettrack.config import load_settings
from assettrack.tui.launch import open_tui
from assettrack.tui.widgets.fast_table import FastTable
db = Path({str(db_path)!r})
context = Context(None, db, date.fromisoformat({TODAY.isoformat()!r}))
context._settings = load_settings(db_path=db, env={{}}, user_dir=Path({str(tmp_path / "none")!r}))
at_first_row = []
draw = FastTable.render_line
def drawing(self, y):
    if self.rows and not at_first_row:
        at_first_row.append("pluggy" in sys.modules)
    return draw(self, y)
FastTable.render_line = drawing
if {no_fork!r}:
    def no_fork():
        raise OSError("no fork here")  # as where a process cannot be forked
    os.fork = no_fork
async def start():
    with open_tui(context, db, cache_folder=Path({str(cache)!r})) as app:
        ends = sorted(f"{{f.id}}={{f.ends}}" for f in app.context.first_rows)
        async with app.run_test(size=(120, 40)) as pilot:
            for _ in range(100):
                await pilot.pause(0.02)
                if app.context.ready:
                    break
    print("plugins first" if at_first_row[0] else "plugins behind")
    print(*ends)
asyncio.run(start())
"""
    expected = the_stores_facts(db_path, extensions.warranty_rules(settings.warranty))
    columns = expected.columns
    ends = sorted(f"{key}={end}" for key, end in zip(columns["id"], columns["ends"], strict=True))
    said = []
    for _ in range(2):
        out = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
        )
        assert out.returncode == 0, out.stderr
        how, painted = out.stdout.splitlines()
        said.append(how)
        assert painted.split() == ends  # the plugins' end dates, both times
        snapshot_path(cache, db_path).unlink()  # as after a catalog change
    assert said == plugins_first


async def test_rules_kept_that_the_plugins_no_longer_give_are_replaced_behind_the_paint(
    context, db_path, tmp_path, settings, extensions
) -> None:
    # Kept rules the plugins no longer give (a plugin edited in place keeps its install's
    # stamps): the first paint uses them, the load behind it finds the plugins' own,
    # replaces the rows and keeps those rules instead.
    cache = tmp_path / "cache"
    rules = extensions.warranty_rules(settings.warranty)
    key = kept_rules.rules_key(settings.warranty, settings.raw)
    assert key is not None
    path = kept_rules.rules_path(cache)
    old = WarrantyRules(default_months=7)
    kept_rules.save(path, key, old)
    assert kept_rules.load(path, key) == old

    painted, shown = await start_until_loaded(context, db_path, cache)
    assert painted == the_stores_facts(db_path, old)  # painted with the kept rules
    expected = the_stores_facts(db_path, rules)
    assert expected != painted  # (the demo's end dates differ under them)
    assert shown == expected  # replaced by the plugins' rules' rows
    assert kept_rules.load(path, key).plain() == rules.plain()
    # ...and the snapshot left is the table shown.
    with open_tui(context, db_path, cache_folder=cache) as app:
        assert app.context.first_rows == expected


def test_kept_rules_hold_while_what_they_depend_on_is_unchanged(
    tmp_path, settings, monkeypatch
) -> None:
    path = kept_rules.rules_path(tmp_path / "cache")
    folder = tmp_path / "plugins"
    raw = {**settings.raw, "plugins": {"folder": str(folder)}}
    key = kept_rules.rules_key(settings.warranty, raw)
    rules = WarrantyRules.from_mapping({"default_months": 30, "vendors": {"Acme": {"months": 5}}})
    kept_rules.save(path, key, rules)
    assert kept_rules.load(path, key) == rules
    assert kept_rules.rules_key(settings.warranty, raw) == key  # worked out again, the same

    other_rules = WarrantyRules.from_mapping({"default_months": 24})
    blocked = {**raw, "plugins": {"folder": str(folder), "disabled": ["huawei-vrp"]}}
    changed = [
        kept_rules.rules_key(other_rules, raw),  # other configured rules
        kept_rules.rules_key(settings.warranty, blocked),  # a plugin blocked
    ]
    folder.mkdir()
    (folder / "my_rules.py").write_text("# a plugin of one's own\n")
    changed.append(kept_rules.rules_key(settings.warranty, raw))  # a file in the folder
    monkeypatch.setenv("ASSETTRACK_DISABLE_PLUGINS", "h3c-comware")
    changed.append(kept_rules.rules_key(settings.warranty, raw))
    for other in changed:
        assert other != key
        assert kept_rules.load(path, other) is None

    # Damaged or foreign files are no kept rules, and no error either.
    whole = path.read_bytes()
    damaged = bytearray(whole)
    damaged[-3] ^= 0xFF
    for junk in (b"", b"junk", whole[:-1], bytes(damaged), whole.replace(b" 1 ", b" 2 ", 1)):
        path.write_bytes(junk)
        assert kept_rules.load(path, key) is None
    path.unlink()
    assert kept_rules.load(path, key) is None


# A plugin whose words come with it: its catalog is added as it is imported (an installed
# plugin's ``locale`` folder is added by assettrack once the plugins load).
UPS_PLUGIN = """
from pathlib import Path

from assettrack.api import AssetKind, hookimpl
from assettrack.i18n import add_catalogs

ASSETTRACK_API = ">=1.2,<2"
add_catalogs(Path(__file__).parent / "locale", "acme_ups")


@hookimpl
def assettrack_asset_kinds(register):
    register(AssetKind("ups", "UPS"))
"""

UPS_PO = """msgid ""
msgstr ""
"Content-Type: text/plain; charset=utf-8\\n"
"Language: zh_CN\\n"

msgid "ups"
msgstr "不间断电源"
"""


@pytest.mark.parametrize("snapshot", ["warm", "no snapshot"])
def test_a_plugins_kind_painted_before_its_catalog_loaded_is_said_in_it_once_loaded(
    tmp_path, settings, snapshot
) -> None:
    # A plugin's kind is said through the plugin's own catalog, which is there only once
    # the plugins load, behind the paint: the table says it so then, though its facts
    # are the same. In fresh processes, in Chinese, with the plugin in the plugins folder.
    user_dir, folder = tmp_path / "user", tmp_path / "plugins"
    (folder / "locale" / "zh_CN" / "LC_MESSAGES").mkdir(parents=True)
    (folder / "acme_ups.py").write_text(UPS_PLUGIN, encoding="utf-8")
    (folder / "locale" / "zh_CN" / "LC_MESSAGES" / "acme_ups.po").write_text(
        UPS_PO, encoding="utf-8"
    )
    user_dir.mkdir()
    (user_dir / "settings.toml").write_text(
        f'[interface]\nlanguage = "zh_CN"\n[plugins]\nfolder = {str(folder)!r}\n',
        encoding="utf-8",
    )
    db = tmp_path / "db"
    with Store.open(db, author="test") as store:
        register = AssetRegister(store, settings.warranty, ("switch", "ups"))
        site = register.add_site(Site("华东医院集团", "机房 1"))
        store.assets.add_many([Asset(site.id, "ups", "APC", "SRT3000", "UPS-1")])
    script = f"""
import asyncio
from datetime import date
from pathlib import Path
from assettrack.commands.context import Context
from assettrack.tui.launch import open_tui
from assettrack.tui.widgets.fast_table import FastTable
db = Path({str(db)!r})
context = Context(None, db, date.fromisoformat({TODAY.isoformat()!r}))
from assettrack.config import load_settings
context._settings = load_settings(db_path=db, env={{}}, user_dir=Path({str(user_dir)!r}))
from assettrack.i18n import set_language
set_language("zh_CN")
async def start():
    with open_tui(context, db, cache_folder=Path({str(tmp_path / "cache")!r})) as app:
        async with app.run_test(size=(120, 40)) as pilot:
            table = app.screen.query_one(FastTable)
            painted = table.rows[0].cells[1]
            for _ in range(100):
                await pilot.pause(0.02)
                if app.context.ready:
                    break
            await pilot.pause()
            print(painted, table.rows[0].cells[1])
asyncio.run(start())
"""
    runs = []
    for _ in range(2):  # the first leaves the snapshot and the rules
        if snapshot == "no snapshot":
            for path in (tmp_path / "cache").glob("asset-rows-*.bin"):
                path.unlink()
        out = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
        )
        assert out.returncode == 0, out.stderr
        runs.append(out.stdout.split())
    assert runs[1][1] == "不间断电源"  # said in the plugin's catalog once it loaded
    assert runs[1][0] == "ups"  # (painted before it was there)

"""Driver profiles as data: what a mapping reads from rows, a bad profile named by file, key
and problem without harming the others, and the profiles reaching the plugin host (drivers,
checklists, autofill, ``assettrack plugins``) through the real pluggy hook."""

from __future__ import annotations

import json
import re
import sys
import tomllib
from pathlib import Path

import pytest

from assettrack.domain.models import Asset, ItemResult
from assettrack.domain.readings import Readings
from assettrack.plugins.loader import load_plugins
from assettrack.profiles.catalog import CONSOLES, SHIPPED, load_catalog
from assettrack.profiles.driver_profile import ProfileError, load_driver_profile
from assettrack.profiles.mapping import (
    MappingProblem,
    amount,
    duration_seconds,
    number,
    readings_map,
)
from assettrack.testing import read_console
from tests.conftest import run_cli

# A complete small profile: a regular expression for one command, a TextFSM template file
# for another (written beside it by the fixture).
GOOD = """\
[driver]
name = "acme_os"
vendor = "Acme"
description = "Acme OS routers"

[match]
vendors = ["Acme", "Acme Networks"]
exclude_models = ["AX-1*"]

[console]
prompts = ['^acme[>#]\\s*$']
paging_off = ["no page"]
errors = ['^% Bad command']

[[commands]]
command = "show system"
regex = '^(?P<key>[A-Za-z ]+?)\\s*:\\s*(?P<value>.*)$'
[commands.readings]
hostname = { field = "value", when = { key = "Name" } }
serial_number = { field = "value", when = { key = "Serial" } }
uptime_seconds = { field = "value", when = { key = "Up time" } }
cpu_percent = { field = "value", when = { key = "CPU" } }

[[commands]]
command = "show environment"
textfsm = "templates/acme_env.textfsm"
[commands.readings]
temperatures = { name = "{kind} {name}", value = "value", when = { kind = "Temp" } }
fans = { name = "name", state = "value", when = { kind = "Fan" } }
power_supplies = { name = "name", state = "value", when = { kind = "PSU" } }

[[checklist]]
id = "acme_power"
label = "Both power supplies working"
reading = "power_supplies"
rule = "redundant"

[[checklist]]
id = "acme_mode"
label = "Operating mode"
kind = "choice"
choices = ["normal", "maintenance"]
passing = ["normal"]
reading = "extra.mode"
"""

TEMPLATE = """\
Value KIND (Temp|Fan|PSU)
Value NAME (\\S+)
Value VALUE (\\S+)

Start
  ^${KIND}\\s+${NAME}\\s+${VALUE} -> Record
"""

SYSTEM = "Name   : edge-9\nSerial : AX9-0042\nUp time: 3 days, 4 hours\nCPU    : 17%\n"
ENVIRONMENT = "Temp board 41C\nFan fan1 ok\nFan fan2 stalled\nPSU psu1 ok\nPSU psu2 absent\n"


def write_profile(folder: Path, text: str = GOOD, name: str = "acme.toml") -> Path:
    (folder / "templates").mkdir(parents=True, exist_ok=True)
    (folder / "templates" / "acme_env.textfsm").write_text(TEMPLATE)
    path = folder / name
    path.write_text(text)
    return path


def asset(**fields) -> Asset:
    values = dict(
        site_id="s", kind="router", vendor="Acme", model="AX-9100", serial_number="AX9-0042"
    )
    values.update(fields)
    return Asset(**values)


# -- reading rows ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("7 weeks, 3 days, 5 hours and 12 minutes", ((7 * 7 + 3) * 24 + 5) * 3600 + 720),
        ("214 day(s), 7 hour(s), 42 minute(s), 5 second(s)", ((214 * 24 + 7) * 60 + 42) * 60 + 5),
        ("61 days, 4:17:52", (61 * 24 + 4) * 3600 + 17 * 60 + 52),
        ("9w2d 04:17", (9 * 7 + 2) * 86400 + 4 * 3600 + 17 * 60),
        ("38 days,  6 hours,  52 minutes", ((38 * 24 + 6) * 60 + 52) * 60),
        ("127 days", 127 * 86400),
        ("no figure here", None),
    ],
)
def test_uptimes_in_every_vendors_words(text, seconds):
    assert duration_seconds(text) == seconds


def test_numbers_and_sizes():
    assert number("45 degrees C / 113 degrees F") == 45
    assert number("1,983,264") == 1983264
    assert amount("3976952k") == 3976952 * 1024
    assert amount("335,544,320") == 335544320
    assert amount("15929.7") == 15929.7


def test_a_mapping_fills_the_standard_readings():
    mapping = readings_map(
        {
            "hostname": "name",
            "model": {"field": "descr", "pattern": r"^(?:.*\[(\S+)\]|(\S+))"},
            "memory_used_percent": {"free": "free", "total": "total"},
            "cpu_percent": {"idle": "idle"},
            "temperatures": {"name": "Slot {slot} {sensor}", "value": "temp"},
            "power_supplies": {"name": "psu", "state": "state", "ok": ["ok"]},
            "interfaces_down": {
                "name": "port",
                "when": {"status": "down"},
                "unless": {"reason": "admin.*"},
            },
            "extra": {"versions": {"field": "version", "all": True}},
        }
    )
    rows = [
        {
            "name": "r1",
            "descr": "JNP204 [MX204]",
            "free": "25%",
            "total": "100",
            "idle": "81.5",
            "slot": "1",
            "sensor": "Inlet",
            "temp": "31 C",
            "psu": "PS1",
            "state": "OK",
            "port": "xe-0",
            "status": "down",
            "reason": "",
            "version": "1.0",
        },
        {
            "name": "",
            "descr": "",
            "free": "",
            "total": "",
            "idle": "",
            "slot": "2",
            "sensor": "Inlet",
            "temp": "n/a",
            "psu": "PS2",
            "state": "Not present",
            "port": "xe-1",
            "status": "down",
            "reason": "admin down",
            "version": ["2.0", ""],
        },
    ]
    readings = mapping.evaluate(rows)
    assert readings.hostname == "r1" and readings.model == "MX204"
    assert readings.memory_used_percent == 75.0 and readings.cpu_percent == 18.5
    assert readings.temperatures == {"Slot 1 Inlet": 31.0}  # "n/a" is no temperature
    assert readings.power_supplies == {"PS1": "ok"}
    assert readings.extra == {"empty_power_bays": ["PS2"], "versions": ["1.0", "2.0"]}
    assert readings.interfaces_down == ["xe-0"]
    assert mapping.evaluate([]).interfaces_down is None  # no rows: not read, not "none down"


@pytest.mark.parametrize(
    ("table", "key", "problem"),
    [
        ({"cpu": "x"}, "cpu", "not a standard reading"),
        ({"fans": {"name": "n"}}, "fans.state", "missing"),
        ({"fans": {"name": "n", "state": "s", "colour": "x"}}, "fans.colour", "unknown key"),
        (
            {"alarms": {"text": "t", "when": {"level": "("}}},
            "alarms.when.level",
            "not a regular expression",
        ),
        ({"cpu_percent": {"used": "u"}}, "cpu_percent", "idle = ..."),
        ({"uptime_seconds": {"field": "u", "unit": "fortnights"}}, "uptime_seconds.unit", "one of"),
    ],
)
def test_a_wrong_mapping_says_where(table, key, problem):
    with pytest.raises(MappingProblem) as error:
        readings_map(table)
    assert error.value.key == key and problem in error.value.problem


# -- loading --------------------------------------------------------------------------------


def test_a_good_profile_is_a_driver(tmp_path):
    profile = load_driver_profile(write_profile(tmp_path))
    driver = profile.driver()
    assert driver.name == "acme_os" and driver.commands == ("show system", "show environment")
    assert driver.console.paging_off_commands == ("no page",)
    readings = driver.parse({"show system": SYSTEM, "show environment": ENVIRONMENT})
    assert readings == Readings(
        hostname="edge-9",
        vendor="Acme",
        serial_number="AX9-0042",
        uptime_seconds=(3 * 24 + 4) * 3600,
        cpu_percent=17.0,
        temperatures={"Temp board": 41.0},
        fans={"fan1": "ok", "fan2": "failed"},
        power_supplies={"psu1": "ok"},
        extra={"empty_power_bays": ["psu2"]},
    )
    assert driver.match(asset()) == 50
    assert driver.match(asset(vendor="acme networks, inc.")) == 50
    assert driver.match(asset(model="AX-1000")) == 0  # excluded
    assert driver.match(asset(vendor="Cisco")) == 0


def test_parse_never_raises(tmp_path):
    driver = load_driver_profile(write_profile(tmp_path)).driver()
    readings = driver.parse({"show system": SYSTEM, "show environment": "Temp board\n@@@"})
    assert readings.hostname == "edge-9"  # the good command still counts
    assert readings.temperatures == {}
    assert driver.parse({"show system": 42}).hostname is None  # not text: skipped
    assert driver.parse("not a mapping").extra["parse_errors"]  # type: ignore[arg-type]


BAD = [
    ("[driver]\nname='Acme OS'\n", "driver.name", "not a driver name"),
    (GOOD.replace('vendor = "Acme"\n', "", 1), "driver.vendor", "missing"),
    (GOOD.replace("[match]", "[matches]"), "matches", "unknown key"),
    (
        GOOD.replace("prompts = ['^acme[>#]\\s*$']", "prompts = ['^acme[>#']"),
        "console.prompts[0]",
        "not a regular expression",
    ),
    (
        GOOD.replace('textfsm = "templates/acme_env.textfsm"', 'textfsm = "templates/nope.fsm"'),
        'commands[1] ("show environment").textfsm',
        "no template file 'nope.fsm'",
    ),
    (
        GOOD.replace(
            'value = "value", when = { kind = "Temp" }',
            'value = "celsius", when = { kind = "Temp" }',
        ),
        'commands[1] ("show environment").readings.temperatures',
        "no field 'celsius' (its fields: kind, name, value)",
    ),
    (
        GOOD.replace("regex = '^(?P<key>[A-Za-z ]+?)\\s*:\\s*(?P<value>.*)$'", "regex = '^x$'"),
        'commands[0] ("show system").regex',
        "(?P<field>...)",
    ),
    (GOOD.replace('id = "acme_power"', 'id = "fans"'), "checklist[0].id", "built-in item"),
    (
        GOOD.replace('reading = "extra.mode"', 'reading = "colour"'),
        "checklist[1].reading",
        "names no standard reading",
    ),
    (
        GOOD.replace('passing = ["normal"]', 'passing = ["good"]'),
        "checklist[1].passing",
        "among the choices",
    ),
    (GOOD + "\n[config]\nsaved = 'show saved'\n", "config.running", "missing"),
    ("[driver\n", "", "not valid TOML"),
]


@pytest.mark.parametrize(("text", "key", "problem"), BAD)
def test_a_bad_profile_names_file_key_and_problem(tmp_path, text, key, problem):
    path = write_profile(tmp_path, text)
    with pytest.raises(ProfileError) as error:
        load_driver_profile(path)
    assert error.value.source == str(path)
    assert error.value.key == key
    assert problem in error.value.problem
    assert str(error.value).startswith(f"{path}: ")


def test_ntc_templates_are_found_by_platform_and_command(tmp_path):
    text = GOOD.replace('vendor = "Acme"\n', 'vendor = "Acme"\nplatform = "arista_eos"\n', 1)
    ntc = text + '\n[[commands]]\ncommand = "sh ver"\n[commands.readings]\nmodel = "model"\n'
    profile = load_driver_profile(write_profile(tmp_path, ntc))
    assert profile.commands[-1].parser.template == "arista_eos_show_version.textfsm"
    missing = text + '\n[[commands]]\ncommand = "show bogus"\n[commands.readings]\nmodel = "m"\n'
    with pytest.raises(ProfileError, match="ntc-templates has no template for 'show bogus'"):
        load_driver_profile(write_profile(tmp_path, missing))
    platform = ntc.replace('platform = "arista_eos"', 'platform = "acme_os"')
    with pytest.raises(ProfileError, match="knows no platform 'acme_os'"):
        load_driver_profile(write_profile(tmp_path, platform))


def test_every_shipped_profile_loads():
    names = sorted(p.stem for p in SHIPPED.glob("*.toml"))
    catalog = load_catalog([SHIPPED])
    assert catalog.errors == ()
    assert sorted(p.name for p in catalog.profiles) == names


# -- through the plugin host ----------------------------------------------------------------


def profiles_from(monkeypatch, folder: Path):
    """Plugins loaded as the app loads them, with ``folder`` among the profile folders."""
    monkeypatch.setenv("ASSETTRACK_PROFILES", str(folder))
    return load_plugins({}, {}, entry_points=False)


def test_a_bad_profile_is_refused_alone(tmp_path, monkeypatch):
    write_profile(tmp_path)
    write_profile(
        tmp_path,
        GOOD.replace('name = "acme_os"', 'name = "acme_two"').replace(
            'id = "acme_power"', 'id = "fans"'
        ),
        "broken.toml",
    )
    (tmp_path / "garbage.toml").write_text("this is [ not toml")
    ext = profiles_from(monkeypatch, tmp_path)
    assert "acme_os" in ext.drivers and "arista_eos" in ext.drivers  # the others load
    assert "acme_two" not in ext.drivers
    (failure,) = [f for f in ext.host.failures if f.plugin == "profile_drivers"]
    assert f"{tmp_path / 'broken.toml'}: checklist[0].id: 'fans' is a built-in" in failure.error
    assert f"{tmp_path / 'garbage.toml'}: not valid TOML" in failure.error


def test_profiles_give_checklists_and_proposals(tmp_path, monkeypatch):
    write_profile(tmp_path)
    ext = profiles_from(monkeypatch, tmp_path)
    items = {i.id: i for i in ext.checklist_for(asset())}
    assert {"acme_power", "acme_mode", "fans"} <= set(items)
    assert "acme_power" not in {i.id for i in ext.checklist_for(asset(vendor="Cisco"))}
    assert ext.driver_for(asset()).name == "acme_os"
    readings = Readings(
        power_supplies={"psu1": "ok"}, extra={"empty_power_bays": ["psu2"], "mode": "Maintenance"}
    )
    proposals = ext.propose([items["acme_power"], items["acme_mode"]], readings, asset())
    assert proposals["acme_power"][1].result is ItemResult.FAIL
    assert "psu2" in proposals["acme_power"][1].note
    assert proposals["acme_mode"][1].result is ItemResult.FAIL
    assert proposals["acme_mode"][1].value == "maintenance"


def test_a_users_profile_replaces_the_shipped_one_of_the_same_name(tmp_path, monkeypatch):
    shipped = (SHIPPED / "fortinet.toml").read_text()
    (tmp_path / "fortinet.toml").write_text(
        shipped.replace('description = "Fortinet FortiGate', 'description = "Our FortiGate')
    )
    (tmp_path / "templates").symlink_to(SHIPPED / "templates")
    ext = profiles_from(monkeypatch, tmp_path)
    assert ext.drivers["fortinet"].description.startswith("Our FortiGate")
    assert not [f for f in ext.host.failures if f.plugin == "profile_drivers"]


def test_assettrack_plugins_lists_profile_drivers_and_refusals(tmp_path):
    write_profile(tmp_path)
    (tmp_path / "broken.toml").write_text("[driver]\nname = 'x y'\n")
    env = {"ASSETTRACK_PROFILES": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "cfg")}
    result = run_cli("plugins", "--format", "json", env=env)
    assert result.returncode == 0, result.stderr
    listed = json.loads(result.stdout)
    assert {
        "acme_os",
        "arista_eos",
        "cisco_nxos",
        "fortinet",
        "juniper_junos",
        "paloalto_panos",
        "aruba_aoss",
    } <= set(listed["drivers"])
    (row,) = [p for p in listed["plugins"] if p["name"] == "profile_drivers"]
    assert any(
        f"{tmp_path / 'broken.toml'}: driver.name: 'x y' is not a driver name" in e
        for e in row["errors"]
    )
    text = run_cli("plugins", env=env).stdout
    assert "broken.toml: driver.name" in text and "acme_os" in text


# -- the guide ------------------------------------------------------------------------------


def test_the_guide_shows_the_shipped_example_as_it_is():
    guide = (Path(__file__).parents[1] / "docs" / "profiles.md").read_text(encoding="utf-8")
    driver, console = re.findall(r"```toml\n(.*?)```", guide, re.S)[:2]
    assert tomllib.loads(driver) == tomllib.loads((SHIPPED / "aruba_aoss.toml").read_text())
    shipped_console = (CONSOLES / "aruba_aoss" / "console.toml").read_text()
    assert tomllib.loads(console) == tomllib.loads(shipped_console)


def test_the_guides_test_reads_the_example(
    plugin_host, sample_asset, console_from_profile, monkeypatch
):
    monkeypatch.setenv("SW_USER", "manager")
    monkeypatch.setenv("SW_PASS", "Aruba-Lab-6")
    transport = "tcp" if sys.platform == "win32" else "pty"
    console = console_from_profile(CONSOLES / "aruba_aoss" / "console.toml", transport)
    ext = plugin_host(builtins=True)
    switch = sample_asset(vendor="HPE", model="JL256A", serial_number=console.profile.serial)
    result = read_console(ext, switch, console, credentials_ref="env:SW_USER,SW_PASS")
    assert result.driver == "aruba_aoss"
    assert result.readings.serial_number == "SG07KQN2FX"
    assert result.readings.cpu_percent == 4.0
    assert result.problems == []


def test_a_stacks_busiest_member_and_every_sensor_of_a_name_count():
    mapping = readings_map(
        {
            "cpu_percent": "cpu",
            "memory_used_percent": {"free": "free", "total": "total"},
            "temperatures": {"name": "{card} {sensor}", "value": "temp"},
        }
    )
    rows = [
        {
            "cpu": "5",
            "free": "216,978,364",
            "total": "338,285,056",
            "card": "LC 4",
            "sensor": "Board",
            "temp": "49.0",
        },
        {
            "cpu": "25",
            "free": "233,762,648",
            "total": "338,285,056",
            "card": "LC 4",
            "sensor": "Board",
            "temp": "45.0",
        },
        {"cpu": "", "free": "", "total": "", "card": "LC 4", "sensor": "Board", "temp": "n/a"},
    ]
    readings = mapping.evaluate(rows)
    assert readings.cpu_percent == 25.0  # member 2's, not the first row's
    assert readings.memory_used_percent == 35.9  # member 1 has the least memory free
    assert readings.temperatures == {"LC 4 Board": 49.0, "LC 4 Board (2)": 45.0}

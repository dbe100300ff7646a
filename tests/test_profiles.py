"""Every shipped driver profile, end to end: its simulated console served by ``assettrack sim
--profile`` (a real pty or TCP port), read by ``assettrack inspect`` (a real process, the
profile registered through the plugin hook), every reading checked field by field."""

from __future__ import annotations

import importlib
import json
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from assettrack.domain.models import Asset, Site
from assettrack.profiles.catalog import CONSOLES, SHIPPED
from assettrack.profiles.driver_profile import load_driver_profile
from assettrack.services.assets import AssetRegister
from assettrack.store.store import Store
from assettrack.testing import preset, read_console
from tests.conftest import run_cli
from tests.ctrl_c import ctrl_c_works

HAS_PTY = sys.platform != "win32"


# What each simulated device must read as, reading by reading.
EXPECTED: dict[str, dict[str, Any]] = {
    "arista_eos": {
        "asset": {
            "vendor": "Arista Networks",
            "model": "DCS-7050SX3-48YC8-R",
            "serial_number": "JPE20381245",
            "kind": "switch",
        },
        "credentials": ("admin", "Arista-Lab-1"),
        "readings": {
            "hostname": "leaf-a1",
            "vendor": "Arista",
            "model": "DCS-7050SX3-48YC8-R",
            "serial_number": "JPE20381245",
            "os_version": "4.29.5M",
            "uptime_seconds": ((7 * 7 + 3) * 24 + 5) * 3600 + 12 * 60,
            "cpu_percent": 12.2,
            "memory_used_percent": 36.6,
            "temperatures": {
                "Cpu temp sensor": 52.0,
                "Switch chip temp sensor": 61.5,
                "Back-panel temp sensor": 34.0,
                "Front-panel temp sensor": 27.0,
            },
            "fans": {
                "Fan 1/1": "ok",
                "Fan 2/1": "ok",
                "Fan 3/1": "failed",
                "Fan 4/1": "ok",
                "Fan PowerSupply1/1": "ok",
                "Fan PowerSupply2/1": "ok",
            },
            "power_supplies": {"PowerSupply1": "ok", "PowerSupply2": "failed"},
            "alarms": [
                "Mar 14 08:48:03: %ENVIRONMENT-3-POWER_LOSS: Power supply 2 has lost power "
                "or is not functioning correctly",
                "Mar 14 09:02:51: %ENVIRONMENT-2-FAN_FAILED: Fan 3/1 has failed",
            ],
            "interfaces_down": ["Et3"],
            "extra": {
                "ambient_temperature": 27.0,
                "cooling_status": "Ok",
                "hardware_version": "11.02",
                "system_mac": "444c.a8e1.2f00",
                "reload_cause": "The system rebooted due to a Power Loss",
                "config_saved": True,
            },
        },
        "items": {
            "arista_redundant_power": "fail",
            "arista_ambient_temperature": "pass",
            "arista_reload_cause": "pass",
            "fans": "fail",
            "power_supplies": "fail",
            "cpu": "pass",
            "memory": "pass",
            "alarms": "fail",
        },
    },
    "aruba_aoss": {
        "asset": {
            "vendor": "HPE",
            "model": "JL256A",
            "serial_number": "SG07KQN2FX",
            "kind": "switch",
        },
        "credentials": ("manager", "Aruba-Lab-6"),
        "readings": {
            "hostname": "acc-sw-3f",
            "vendor": "HPE Aruba",
            "model": "2930F-48G-PoE+-4SFP+",
            "serial_number": "SG07KQN2FX",
            "os_version": "WC.16.11.0021",
            "uptime_seconds": 127 * 86400,
            "cpu_percent": 4.0,
            "memory_used_percent": 35.0,
            "interfaces_down": ["3"],
            "extra": {
                "rom_version": "WC.16.01.0010",
                "location": "Floor 3 comms room",
                "product_number": "JL256A",
            },
        },
        "items": {
            "aruba_cpu_load": "pass",
            "aruba_rom_version": "pass",
            "cpu": "pass",
            "memory": "pass",
            "interfaces": "fail",
        },
    },
    "cisco_nxos": {
        "asset": {
            "vendor": "Cisco",
            "model": "N9K-C93180YC-EX",
            "serial_number": "FDO21460QLM",
            "kind": "switch",
        },
        "credentials": ("admin", "Nexus-Lab-2"),
        "readings": {
            "hostname": "n9k-core1",
            "vendor": "Cisco",
            "model": "N9K-C93180YC-EX",
            "serial_number": "FDO21460QLM",
            "os_version": "9.3(10)",
            "uptime_seconds": ((214 * 24 + 7) * 60 + 42) * 60 + 5,
            "cpu_percent": 8.5,
            "memory_used_percent": 40.3,
            "temperatures": {
                "Module 1 FRONT": 29.0,
                "Module 1 BACK": 36.0,
                "Module 1 CPU": 47.0,
                "Module 1 Homewood": 62.0,
            },
            "fans": {
                "Fan1(sys_fan1)": "ok",
                "Fan2(sys_fan2)": "ok",
                "Fan3(sys_fan3)": "ok",
                "Fan4(sys_fan4)": "ok",
                "Fan_in_PS1": "ok",
                "Fan_in_PS2": "failed",
            },
            "power_supplies": {"Power Supply 1": "ok", "Power Supply 2": "failed"},
            "alarms": [
                "2025 Mar 14 08:41:17: %PLATFORM-2-PS_FAIL: Power supply 2 failed or "
                "shut down (Serial number ART2145F2LA)"
            ],
            "interfaces_down": ["Eth1/3"],
            "extra": {
                "reset_reason": "Reset Requested by CLI command reload",
                "bios_version": "07.69",
                "boot_image": "bootflash:///nxos.9.3.10.bin",
                "config_saved": True,
            },
        },
        "items": {
            "nxos_redundant_power": "fail",
            "nxos_reset_reason": "pass",
            "fans": "fail",
            "power_supplies": "fail",
            "cpu": "pass",
            "memory": "pass",
            "device_temperature": "fail",
            "alarms": "fail",
            "interfaces": "fail",
        },
    },
    "fortinet": {
        "asset": {
            "vendor": "Fortinet",
            "model": "FortiGate-100F",
            "serial_number": "FG100FTK22034117",
            "kind": "firewall",
        },
        "credentials": ("admin", "Forti-Lab-4"),
        "readings": {
            "hostname": "fgt-branch-7",
            "vendor": "Fortinet",
            "model": "FortiGate-100F",
            "serial_number": "FG100FTK22034117",
            "os_version": "7.2.8",
            "uptime_seconds": ((38 * 24 + 6) * 60 + 52) * 60,
            "cpu_percent": 11.0,
            "memory_used_percent": 41.6,
            "temperatures": {"DTS CPU0": 54.0, "DTS CPU1": 53.0, "TD1": 41.0, "TD2": 44.0},
            "fans": {"FAN1": "ok", "FAN2": "ok", "FAN3": "failed"},
            "power_supplies": {"PS1 Status": "ok", "PS2 Status": "ok"},
            "interfaces_down": ["dmz", "wan2"],
            "extra": {
                "firmware": "FortiGate-100F v7.2.8,build1639,240313 (GA.M)",
                "last_reboot_reason": "power cycle",
                "ha_mode": "standalone",
            },
        },
        "items": {
            "fortinet_redundant_power": "pass",
            "fortinet_reboot_reason": "pass",
            "fans": "fail",
            "power_supplies": "pass",
            "cpu": "pass",
            "memory": "pass",
            "device_temperature": "pass",
            "interfaces": "fail",
        },
    },
    "juniper_junos": {
        "asset": {
            "vendor": "Juniper Networks",
            "model": "SRX345-DUAL-AC",
            "serial_number": "CX4018AF0527",
            "kind": "firewall",
        },
        "credentials": ("admin", "Junos-Lab-3"),
        "readings": {
            "hostname": "srx-edge-1",
            "vendor": "Juniper",
            "model": "SRX345-DUAL-AC",
            "serial_number": "CX4018AF0527",
            "os_version": "21.4R3-S5.4",
            "uptime_seconds": (((52 * 24 + 5) * 60) + 11) * 60 + 16,
            "cpu_percent": 23.0,
            "memory_used_percent": 53.0,
            "temperatures": {"Routing Engine": 47.0, "Routing Engine CPU": 58.0},
            "fans": {
                "SRX345 Chassis fan 0": "ok",
                "SRX345 Chassis fan 1": "ok",
                "SRX345 Chassis fan 2": "ok",
            },
            "power_supplies": {"Power Supply 0": "ok", "Power Supply 1": "failed"},
            "alarms": [
                "2025-03-14 08:51:20 UTC Major: Power Supply 1 Not OK",
                "2025-01-21 04:22:07 UTC Minor: Rescue configuration is not set",
            ],
            "interfaces_down": ["ge-0/0/2"],
            "extra": {
                "last_reboot_reason": "0x1:power cycle/failure",
                "routing_engine_model": "RE-SRX345-DUAL-AC",
            },
        },
        "items": {
            "junos_redundant_power": "fail",
            "junos_re_temperature": "pass",
            "junos_reboot_reason": "pass",
            "fans": "pass",
            "power_supplies": "fail",
            "cpu": "pass",
            "memory": "pass",
            "alarms": "fail",
            "interfaces": "fail",
        },
    },
    "paloalto_panos": {
        "asset": {
            "vendor": "Palo Alto Networks",
            "model": "PA-3220",
            "serial_number": "013201028814",
            "kind": "firewall",
        },
        "credentials": ("admin", "Panos-Lab-5"),
        "readings": {
            "hostname": "pa-dc-fw1",
            "vendor": "Palo Alto Networks",
            "model": "PA-3220",
            "serial_number": "013201028814",
            "os_version": "10.2.9-h1",
            "uptime_seconds": ((61 * 24 + 4) * 60 + 17) * 60 + 52,
            "cpu_percent": 16.9,
            "memory_used_percent": 65.8,
            "temperatures": {
                "Temperature near Cavium core": 44.3,
                "Temperature near Switch core": 51.8,
                "Temperature @ 3.3V power": 38.0,
                "Temperature near front panel": 29.5,
            },
            "fans": {
                "Fan #1 RPM": "ok",
                "Fan #2 RPM": "ok",
                "Fan #3 RPM": "ok",
                "Fan #4 RPM": "ok",
            },
            "power_supplies": {"Power Supply #1 (left)": "ok", "Power Supply #2 (right)": "failed"},
            "alarms": ["Power Supplies: Power Supply #2 (right) in alarm"],
            "interfaces_down": ["ethernet1/3"],
            "extra": {"operational_mode": "normal", "family": "3200"},
        },
        "items": {
            "panos_redundant_power": "fail",
            "panos_operational_mode": "pass",
            "fans": "pass",
            "power_supplies": "fail",
            "cpu": "pass",
            "memory": "pass",
            "alarms": "fail",
            "interfaces": "fail",
        },
    },
    # Written from the docs alone, as an integrator would; five outputs are real device output.
    "mikrotik_routeros": {
        "asset": {
            "vendor": "MikroTik",
            "model": "RouterBOARD 750UP r2",
            "serial_number": "8B0208F4D5F9",
            "kind": "router",
        },
        "credentials": ("admin", "Mt-Lab-750"),
        "readings": {
            "hostname": "Mikrotik-Device_Name",
            "vendor": "MikroTik",
            "model": "RouterBOARD 750UP r2",
            "serial_number": "8B0208F4D5F9",
            "os_version": "6.48.6",
            "uptime_seconds": (((6 * 7 + 5) * 24 + 11) * 60 + 55) * 60 + 45,
            "cpu_percent": 1.0,
            "memory_used_percent": 37.2,
            "temperatures": {"temperature": 44.0},
            "alarms": [],
            "interfaces_down": ["ether1", "ether3 UniFi1"],
            "extra": {
                "boot_firmware": "3.41 (RouterOS offers 6.48.6)",
                "current_firmware": "3.41",
                "upgrade_firmware": "6.48.6",
                "board_name": "hEX PoE lite",
                "architecture": "mipsbe",
                "bad_blocks_percent": 0.0,
            },
        },
        "items": {
            "mikrotik_firmware": "pass",
            "mikrotik_bad_blocks": "pass",
            "device_temperature": "pass",
            "cpu": "pass",
            "memory": "pass",
            "alarms": "pass",
            "interfaces": "fail",
        },
    },
}


@pytest.fixture(scope="module")
def database(tmp_path_factory) -> Path:
    """An empty database with one asset per shipped profile."""
    folder = tmp_path_factory.mktemp("profiles") / "db"
    with Store.open(folder) as store:
        register = AssetRegister(store, _no_rules())
        site = register.add_site(Site(customer="Profiles Lab", name="Rack 1"))
        for name, expected in EXPECTED.items():
            store.assets.save(Asset(site_id=site.id, hostname=name, **expected["asset"]))
    return folder


def _no_rules():
    from assettrack.config import load_settings

    return load_settings(env={}, user_dir=Path("/nonexistent-user-config")).warranty


def serve(console: Path, transport: str) -> tuple[subprocess.Popen[str], str]:
    where = ["--pty"] if transport == "pty" else ["--tcp", "0"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "assettrack", "sim", "--profile", str(console), *where],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=ctrl_c_works,  # stop() ends it with Ctrl-C
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if " on: " not in line:
        proc.kill()
        raise AssertionError(f"sim did not start: {line}{proc.communicate()[1]}")
    return proc, line.rsplit(" ", 1)[-1].strip()


def stop(proc: subprocess.Popen[str]) -> None:
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    for stream in (proc.stdout, proc.stderr):
        if stream is not None:
            stream.close()


@pytest.mark.parametrize("platform", sorted(EXPECTED))
def test_a_shipped_profile_reads_its_simulated_device(database, platform):
    expected = EXPECTED[platform]
    transport = "pty" if HAS_PTY and sorted(EXPECTED).index(platform) % 2 == 0 else "tcp"
    proc, url = serve(CONSOLES / platform / "console.toml", transport)
    user, password = expected["credentials"]
    try:
        result = run_cli(
            "--db",
            str(database),
            "inspect",
            platform,
            "--port",
            url,
            "--idle-timeout",
            "2",
            "--credentials",
            "env:PROFILE_USER,PROFILE_PASS",
            "--format",
            "json",
            env={"PROFILE_USER": user, "PROFILE_PASS": password},
        )
    finally:
        stop(proc)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["driver"] == platform
    assert report["problems"] == []
    readings = report["readings"]
    wrong = {
        key: (readings.get(key), want)
        for key, want in expected["readings"].items()
        if readings.get(key) != want
    }
    assert not wrong, f"{platform}: read (got, expected): {wrong}"
    unexpected = {
        k: v
        for k, v in readings.items()
        if v not in (None, [], {}) and k not in expected["readings"]
    }
    assert not unexpected, f"{platform}: readings the test does not expect: {unexpected}"
    results = {i["item_id"]: i["result"] for i in report["items"]}
    assert {k: results.get(k) for k in expected["items"]} == expected["items"]


def test_every_shipped_profile_has_its_simulated_device():
    shipped = sorted(p.stem for p in SHIPPED.glob("*.toml"))
    assert shipped == sorted(EXPECTED)
    assert len(shipped) >= 5
    for name in shipped:
        profile = load_driver_profile(SHIPPED / f"{name}.toml")
        assert profile.name == name
        assert (CONSOLES / name / "console.toml").is_file()


def test_the_mikrotik_profile_reads_routeros_7_health_as_a_table():
    # RouterOS 7 prints /system health as a table (written here in its layout); 6 as
    # "name: value" lines, which the simulated hEX above answers with.
    driver = load_driver_profile(SHIPPED / "mikrotik_routeros.toml").driver()
    health = (
        "Columns: NAME, VALUE, TYPE\n"
        "#  NAME                VALUE  TYPE\n"
        "0  cpu-temperature     52     C   \n"
        "1  board-temperature1  38     C   \n"
        "2  fan1-speed          4950   RPM \n"
        "3  fan1-state          ok         \n"
        "4  fan2-state          fail       \n"
        "5  psu1-state          ok         \n"
        "6  psu2-state          fail       \n"
    )
    readings = driver.parse({"/system health print": health})
    assert readings.temperatures == {"cpu-temperature": 52.0, "board-temperature1": 38.0}
    assert readings.fans == {"fan1": "ok", "fan2": "failed"}
    assert readings.power_supplies == {"psu1": "ok", "psu2": "failed"}


def test_the_mikrotik_configuration_is_kept_with_its_secrets_masked(database):
    proc, url = serve(CONSOLES / "mikrotik_routeros" / "console.toml", "tcp")
    try:
        result = run_cli(
            "--db",
            str(database),
            "inspect",
            "mikrotik_routeros",
            "--port",
            url,
            "--credentials",
            "env:PROFILE_USER,PROFILE_PASS",
            "--format",
            "json",
            env={"PROFILE_USER": "admin", "PROFILE_PASS": "Mt-Lab-750"},
        )
    finally:
        stop(proc)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["configuration"]["command"] == "/export"
    secret = "Br4nch-0ffice-2024"
    assert secret in (CONSOLES / "mikrotik_routeros" / "outputs" / "export.txt").read_text()
    kept = [p for p in database.rglob("*") if p.is_file() and secret.encode() in p.read_bytes()]
    assert kept == [] and secret not in result.stdout


# -- the first-party plugins' consoles, as data -------------------------------------------

FIRST_PARTY = {
    "cisco_ios": ("cisco", "Cisco", ("admin", "Cisco-Lab-3")),
    "huawei_vrp": ("huawei", "Huawei", ("admin", "Huawei-Lab-4")),
}


@pytest.mark.parametrize("variant", ["", "failed_fan", "hot_sensor"])
@pytest.mark.parametrize("driver", sorted(FIRST_PARTY))
def test_a_first_party_console_as_data_reads_as_the_built_in_simulator(
    driver, variant, plugin_host, sample_asset, simulated_console, console_from_profile, monkeypatch
):
    # The Cisco and Huawei plugins' tests read these consoles: each must answer every command
    # as the built-in simulator's device does, so the readings are the ones it gives.
    vendor, vendor_name, (user, password) = FIRST_PARTY[driver]
    monkeypatch.setenv("LAB_USER", user)
    monkeypatch.setenv("LAB_PASS", password)
    state = preset(vendor, **({variant: True} if variant else {}))
    ext = plugin_host(importlib.import_module(f"assettrack_{driver}"), builtins=True)
    asset = sample_asset(vendor=vendor_name, model=state.model, serial_number=state.serial)
    reads = [
        read_console(ext, asset, url, credentials_ref="env:LAB_USER,LAB_PASS")
        for url in (
            simulated_console(vendor, state=state, login=(user, password)),
            console_from_profile("_".join(filter(None, (driver, variant)))),
        )
    ]
    built_in, as_data = reads
    assert as_data.driver == built_in.driver == driver
    assert as_data.problems == built_in.problems == []
    assert as_data.outputs == built_in.outputs
    assert as_data.readings == built_in.readings


def test_a_shipped_console_is_served_by_name_and_an_unknown_name_lists_them(
    console_from_profile,
):
    console = console_from_profile("cisco_ios_failed_fan")
    assert console.profile.name == "cisco_ios_failed_fan"
    assert console.profile.serial == "FCW2123L0AB"
    with pytest.raises(FileNotFoundError, match=r"shipped: .*huawei_vrp_hot_sensor"):
        console_from_profile("no_such_console")

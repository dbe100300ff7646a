"""Tests of the example plugin, using the fixtures assettrack gives plugin authors."""

from __future__ import annotations

from datetime import date

import assettrack_example as plugin
from assettrack_example import VENDOR

from assettrack.api import ItemResult, Readings, validate_readings
from assettrack.testing import WarrantyRules, warranty_end


def test_loads_with_this_api(plugin_host) -> None:
    info = plugin_host(plugin).host.infos["assettrack_example"]
    assert info.api == plugin.ASSETTRACK_API and info.warnings == [] and not info.refused


def test_items_only_for_example_devices(plugin_host, sample_asset) -> None:
    ext = plugin_host(plugin)
    assert [i.id for i in ext.checklist_for(sample_asset(vendor="Example Networks"))] == [
        "example_filter",
        "example_psu_redundancy",
    ]
    assert ext.checklist_for(sample_asset(vendor="Cisco")) == []
    assert ext.host.failures == []


def test_autofill_counts_power_supplies(plugin_host, sample_asset) -> None:
    ext = plugin_host(plugin)
    readings = Readings(power_supplies={"PSU1": "ok"})
    (_, proposal) = ext.propose([plugin.PSU_ITEM], readings, sample_asset())[plugin.PSU_ITEM.id]
    assert (proposal.result, proposal.value) == (ItemResult.FAIL, "1")


def test_warranty_rule(plugin_host, sample_asset) -> None:
    ext = plugin_host(plugin)
    asset = sample_asset(vendor="Example Networks", model="EX-9100", installed_on=date(2024, 1, 1))
    assert warranty_end(ext, asset, date(2025, 1, 1)) == date(2029, 1, 1)
    # A user's warranty.toml that states the model wins over the plugin.
    users = WarrantyRules.from_mapping(
        {"vendors": {"ex": {"name": VENDOR, "models": [{"pattern": "EX-9*", "months": 36}]}}}
    )
    assert warranty_end(ext, asset, date(2025, 1, 1), users) == date(2027, 1, 1)


def test_records_survive_in_a_real_store(assettrack_store, sample_asset) -> None:
    asset = assettrack_store.assets.save(sample_asset(vendor="Example Networks"))
    assert assettrack_store.assets.get(asset.id).vendor == "Example Networks"


def test_the_driver_parses_each_command_and_names_stack_members(plugin_host, sample_asset):
    ext = plugin_host(plugin, builtins=True)
    assert ext.driver_for(sample_asset(vendor="Example Networks")).name == "example_os"
    readings = plugin.parse(
        {
            "show system": "Model: EX-9100\r\nSerial: EXN0001\r\nVersion: 4.2.1\r\n"
            "Uptime: 3 days, 4 hours\r\n",
            "show fans": "Unit  Fan  State\n  1     1    ok\n  2     1    failed\n",
        }
    )
    assert (readings.model, readings.serial_number, readings.os_version) == (
        "EX-9100",
        "EXN0001",
        "4.2.1",
    )
    assert readings.uptime_seconds == 3 * 86400 + 4 * 3600
    assert readings.fans == {"Unit 1 Fan 1": "ok", "Unit 2 Fan 1": "failed"}
    assert validate_readings(readings) == []
    # A command the device refused, or output a parser chokes on, costs only its readings.
    partial = plugin.parse({"show system": "Model: EX-9100", "show fans": None})
    assert partial.model == "EX-9100" and partial.fans == {}

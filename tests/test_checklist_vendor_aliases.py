"""Vendor names reach the checklist: an asset typed with an alias of its vendor (瞻博 for
Juniper, a plugin's own 艾克米 for Acme) gets the vendor's checklist items and proposals, as
it gets the vendor's driver, while its record keeps the vendor as typed."""

from __future__ import annotations

from pathlib import Path

from assettrack.api import (
    Asset,
    ChecklistItem,
    ItemResult,
    Proposal,
    Readings,
    VendorNames,
    hookimpl,
)
from assettrack.config import load_settings
from assettrack.profiles.catalog import CONSOLES
from assettrack.testing import read_console

JUNOS_ITEMS = {"junos_redundant_power", "junos_re_temperature", "junos_reboot_reason"}


def shipped_names():
    """The shipped vendors.toml's names (瞻博 is Juniper), no user's settings."""
    return load_settings(env={}, user_dir=Path("/nonexistent-user-config")).warranty


class Acme:
    """A plugin that knows its vendor only by name, and registers an alias of it."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    @hookimpl
    def assettrack_vendor_aliases(self, register):
        register(VendorNames("Acme", aliases=("艾克米", "Acme Networks")))

    @hookimpl
    def assettrack_checklist_items(self, asset: Asset):
        self.seen.append(asset.vendor)
        return [ChecklistItem("acme_filter", "Dust filter clean")] if asset.vendor == "Acme" else []

    @hookimpl
    def assettrack_autofill(self, item: ChecklistItem, readings: Readings, asset: Asset):
        if item.id == "acme_filter" and asset.vendor == "Acme":
            return Proposal(ItemResult.PASS, "clean", "Acme's own rule")
        return None


def test_an_alias_gets_the_profiles_checklist_as_it_gets_its_driver(plugin_host, sample_asset):
    ext = plugin_host(builtins=True)
    ext.warranty_rules(shipped_names())
    typed = sample_asset(vendor="瞻博", model="SRX345-DUAL-AC")
    assert ext.driver_for(typed).name == "juniper_junos"
    assert {item.id for item in ext.checklist_for(typed)} >= JUNOS_ITEMS
    assert typed.vendor == "瞻博"  # the asset itself is not changed
    # Without the alias table the vendor stays as typed: neither the driver nor the items.
    bare = plugin_host(builtins=True)
    assert not JUNOS_ITEMS & {item.id for item in bare.checklist_for(typed)}
    assert bare.driver_for(typed).name == "generic"


def test_a_plugins_own_alias_reaches_its_checklist_and_autofill(plugin_host, sample_asset):
    acme = Acme()
    ext = plugin_host(acme, builtins=True)
    ext.warranty_rules(shipped_names())
    asset = sample_asset(vendor="艾克米", model="AX-100")
    items = ext.checklist_for(asset)
    assert "acme_filter" in {item.id for item in items}
    assert acme.seen == ["Acme"]
    proposals = ext.propose(items, Readings(), asset)
    assert proposals["acme_filter"][1].note == "Acme's own rule"
    assert "acme_filter" not in {i.id for i in ext.checklist_for(sample_asset(vendor="Cisco"))}
    assert ext.host.failures == []


def test_an_asset_typed_with_an_alias_is_read_and_judged_on_the_junos_items(
    plugin_host, sample_asset, console_from_profile, monkeypatch
):
    """The shipped Junos console read as the asset 瞻博 SRX345: the driver, the items and
    their proposals all come from the Junos profile."""
    monkeypatch.setenv("JUNOS_USER", "admin")
    monkeypatch.setenv("JUNOS_PASS", "Junos-Lab-3")
    console = console_from_profile(CONSOLES / "juniper_junos" / "console.toml", "tcp")
    ext = plugin_host(builtins=True)
    ext.warranty_rules(shipped_names())
    asset = sample_asset(
        vendor="瞻博", model="SRX345-DUAL-AC", serial_number=console.profile.serial
    )
    result = read_console(ext, asset, console, credentials_ref="env:JUNOS_USER,JUNOS_PASS")
    assert result.driver == "juniper_junos" and result.problems == []
    items = ext.checklist_for(asset)
    proposed = {k: p.result for k, (_, p) in ext.propose(items, result.readings, asset).items()}
    # The simulated SRX has lost a power supply; it reboots after a power cycle.
    assert proposed["junos_redundant_power"] is ItemResult.FAIL
    assert proposed["junos_re_temperature"] is ItemResult.PASS
    assert proposed["junos_reboot_reason"] is ItemResult.PASS

"""Simulated consoles for the demo: each demo asset answers like its own device.

A simulator is started on a local TCP port the first time an asset's console is read, with
the asset's hostname, model and serial number, so a new user can walk through an inspection
with no hardware. A few assets have a failed fan or a hot sensor, to show what a fault
looks like in the maintenance record.
"""

from __future__ import annotations

import dataclasses
import threading
import zlib

from assettrack.console.simulator import DeviceState, TcpSimulator, preset
from assettrack.console.simulator.sim_profile import SimProfile
from assettrack.domain.models import Asset

# The simulated console each demo vendor gets: Huawei VRP, H3C Comware; the rest answer
# like Cisco IOS.
CONSOLE_OF_VENDOR = {"huawei": "huawei", "h3c": "h3c"}
# Vendors whose driver is a profile shipped with assettrack: their assets answer with that
# profile's simulated console, as their own unit (hostname, serial number, model).
PROFILE_OF_VENDOR = {
    "juniper": "juniper_junos",
    "fortinet": "fortinet",
    "arista": "arista_eos",
    "palo alto networks": "paloalto_panos",
}


class DemoConsoles:
    def __init__(self) -> None:
        self._running: dict[str, TcpSimulator] = {}
        self._lock = threading.Lock()

    def url_for(self, asset: Asset) -> str:
        with self._lock:
            simulator = self._running.get(asset.id)
            if simulator is None:
                simulator = TcpSimulator(self.device_for(asset)).start()
                self._running[asset.id] = simulator
            return simulator.url

    @staticmethod
    def device_for(asset: Asset) -> DeviceState | SimProfile:
        """What answers on the asset's console: a shipped profile's device, else a state."""
        profile = PROFILE_OF_VENDOR.get(asset.vendor.strip().casefold())
        if profile is None:
            return DemoConsoles.state_for(asset)
        from assettrack.profiles.catalog import shipped_console

        return shipped_console(profile).as_unit(
            hostname=(asset.hostname or "").replace(" ", "-"),
            serial=asset.serial_number,
            model=asset.model,
            login=False,
        )

    @staticmethod
    def state_for(asset: Asset) -> DeviceState:
        vendor = CONSOLE_OF_VENDOR.get(asset.vendor.strip().casefold(), "cisco")
        luck = zlib.crc32(asset.serial_number.encode()) % 10
        state = preset(vendor, failed_fan=luck == 3, hot_sensor=luck == 7)
        return dataclasses.replace(
            state,
            hostname=(asset.hostname or state.hostname).replace(" ", "-"),
            serial=asset.serial_number,
            model=asset.model,
        )

    def close(self) -> None:
        with self._lock:
            for simulator in self._running.values():
                simulator.stop()
            self._running.clear()

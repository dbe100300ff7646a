"""A realistic simulated device console (Cisco IOS, Huawei VRP, H3C Comware) for tests,
demos and plugins.

    with PtySimulator("cisco", login=("admin", "secret")) as sim:
        session = ConsoleSession(sim.url, CISCO_IOS)
"""

from assettrack.console.simulator.cisco import CiscoConsole
from assettrack.console.simulator.comware import ComwareConsole
from assettrack.console.simulator.engine import FAULTS, DeviceConsole, SimOptions
from assettrack.console.simulator.huawei import HuaweiConsole
from assettrack.console.simulator.state import (
    Alarm,
    DeviceState,
    Interface,
    PowerSupply,
    cisco_state,
    h3c_state,
    huawei_state,
    preset,
    with_failed_fan,
    with_hot_sensor,
    with_unsaved_change,
)
from assettrack.console.simulator.transport import (
    CONSOLES,
    PtySimulator,
    Simulator,
    TcpSimulator,
)

__all__ = [
    "CONSOLES",
    "FAULTS",
    "Alarm",
    "CiscoConsole",
    "ComwareConsole",
    "DeviceConsole",
    "DeviceState",
    "HuaweiConsole",
    "Interface",
    "PowerSupply",
    "PtySimulator",
    "SimOptions",
    "Simulator",
    "TcpSimulator",
    "cisco_state",
    "h3c_state",
    "huawei_state",
    "preset",
    "with_failed_fan",
    "with_hot_sensor",
    "with_unsaved_change",
]

"""The state a simulated device reports: what its status commands print is built from this."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta


@dataclass
class Interface:
    name: str
    up: bool = True
    admin_up: bool = True
    ip: str | None = None


@dataclass
class PowerSupply:
    name: str  # the slot as the vendor names it: "1A" (Cisco), "PWR1" (Huawei)
    model: str = ""
    serial: str = ""
    present: bool = True
    ok: bool = True
    watts: int = 350


@dataclass
class Alarm:
    time: datetime
    severity: str  # "critical" | "major" | "minor" | "warning" | "info"
    facility: str  # Cisco-style source, e.g. "ENVMON"
    mnemonic: str  # e.g. "FAN_FAILED"
    text: str


SEVERITY_NUMBER = {"critical": 2, "major": 3, "minor": 4, "warning": 4, "info": 5}


@dataclass
class DeviceState:
    vendor: str  # "cisco" | "huawei" | "h3c"
    model: str
    hostname: str
    serial: str
    version: str  # "16.9.5" (Cisco IOS), "V200R011C10SPC600" (Huawei VRP)
    software_image: str  # "CAT3K_CAA-UNIVERSALK9-M" (Cisco), "5.170" (the VRP release)
    uptime: timedelta
    cpu_percent: int
    memory_percent: int
    memory_total: int  # bytes
    temperatures: dict[str, int]  # sensor -> degrees Celsius
    # sensor -> (warning, critical) in degrees Celsius; others use DEFAULT_LIMITS
    temperature_limits: dict[str, tuple[int, int]] = field(default_factory=dict)
    fans: dict[str, str] = field(default_factory=dict)  # name -> "ok" | "failed"
    power_supplies: list[PowerSupply] = field(default_factory=list)
    interfaces: list[Interface] = field(default_factory=list)
    alarms: list[Alarm] = field(default_factory=list)
    mac: str = "00:a3:d1:5c:42:80"
    clock: datetime = datetime(2025, 3, 14, 9, 30, 0)
    # Configuration lines beyond the built-in ones (in the vendor's syntax), saved and in use.
    config_lines: list[str] = field(default_factory=list)
    # Lines in use but not saved: the running configuration differs from the saved one.
    unsaved_lines: list[str] = field(default_factory=list)

    def limits(self, sensor: str) -> tuple[int, int]:
        return self.temperature_limits.get(sensor, DEFAULT_LIMITS)

    def temperature_state(self, sensor: str) -> str:
        """ "ok", "warning" or "critical" for one sensor."""
        warning, critical = self.limits(sensor)
        value = self.temperatures[sensor]
        if value >= critical:
            return "critical"
        return "warning" if value >= warning else "ok"

    @property
    def boot_time(self) -> datetime:
        return self.clock - self.uptime


DEFAULT_LIMITS = (68, 78)


def cisco_state(**changes: object) -> DeviceState:
    """A healthy Catalyst access switch running IOS XE."""
    clock = datetime(2025, 3, 14, 9, 30, 0)
    interfaces = [Interface("Vlan1", ip="10.20.0.2")]
    interfaces += [
        Interface(f"GigabitEthernet1/0/{n}", up=n % 5 != 0, admin_up=n != 24) for n in range(1, 25)
    ]
    interfaces += [Interface("GigabitEthernet0/0", ip="192.168.0.2")]
    state = DeviceState(
        vendor="cisco",
        model="WS-C3850-24T",
        hostname="Router",
        serial="FCW2123L0AB",
        version="16.9.5",
        software_image="CAT3K_CAA-UNIVERSALK9-M",
        uptime=timedelta(days=61, hours=4, minutes=17),
        cpu_percent=7,
        memory_percent=26,
        memory_total=919638648,
        temperatures={"Inlet": 31, "Hotspot": 45},
        temperature_limits={"Inlet": (46, 56), "Hotspot": (105, 125)},
        fans={"FAN 1": "ok", "FAN 2": "ok", "FAN 3": "ok"},
        power_supplies=[
            PowerSupply("1A", "PWR-C1-350WAC", "DCB2137H0XY", watts=350),
            PowerSupply("1B", present=False),
        ],
        interfaces=interfaces,
        alarms=[
            Alarm(
                clock - timedelta(days=2, hours=3),
                "info",
                "LINK",
                "UPDOWN",
                "Interface GigabitEthernet1/0/5, changed state to down",
            ),
            Alarm(
                clock - timedelta(hours=5),
                "info",
                "SYS",
                "CONFIG_I",
                "Configured from console by admin on console",
            ),
        ],
        clock=clock,
    )
    return replace(state, **changes)  # type: ignore[arg-type]


def huawei_state(**changes: object) -> DeviceState:
    """A healthy Huawei campus switch running VRP V200."""
    clock = datetime(2025, 3, 14, 9, 30, 0)
    interfaces = [
        Interface(f"GigabitEthernet0/0/{n}", up=n % 4 != 0, admin_up=n != 24) for n in range(1, 25)
    ]
    interfaces += [Interface(f"XGigabitEthernet0/0/{n}", up=n == 1) for n in range(1, 5)]
    interfaces += [
        Interface("MEth0/0/1", ip="192.168.1.253"),
        Interface("NULL0"),
        Interface("Vlanif1", ip="10.30.0.2"),
    ]
    state = DeviceState(
        vendor="huawei",
        model="S5720-28X-SI-AC",
        hostname="HUAWEI",
        serial="2102351931P0C3000154",
        version="V200R011C10SPC600",
        software_image="5.170",
        uptime=timedelta(days=23, hours=6, minutes=41),
        cpu_percent=12,
        memory_percent=41,
        memory_total=473956352,
        temperatures={"1": 39, "2": 44},
        fans={"FAN1": "ok"},
        power_supplies=[
            PowerSupply("PWR1", "PAC150S12-R", "2102311DYJ10H9000213", watts=150),
            PowerSupply("PWR2", present=False),
        ],
        interfaces=interfaces,
        alarms=[],
        mac="4c:1f:cc:7a:33:10",
        clock=clock,
    )
    return replace(state, **changes)  # type: ignore[arg-type]


def h3c_state(**changes: object) -> DeviceState:
    """A healthy H3C data-centre access switch running Comware 7."""
    clock = datetime(2025, 3, 14, 9, 30, 0)
    interfaces = [
        Interface(f"Ten-GigabitEthernet1/0/{n}", up=n % 6 != 0, admin_up=n != 24)
        for n in range(1, 25)
    ]
    interfaces += [Interface(f"FortyGigE1/0/{n}", up=n == 25) for n in (25, 26)]
    interfaces += [
        Interface("M-GigabitEthernet0/0/0", ip="192.168.0.233"),
        Interface("NULL0"),
        Interface("Vlan-interface1", ip="10.40.0.2"),
    ]
    state = DeviceState(
        vendor="h3c",
        model="S6520X-30QC-EI",
        hostname="H3C",
        serial="219801A2AE8204Q00012",
        version="7.1.070",
        software_image="6616P01",  # the release
        uptime=timedelta(days=41, hours=2, minutes=11),
        cpu_percent=9,
        memory_percent=38,
        memory_total=2038095872,
        temperatures={"hotspot 1": 43, "hotspot 2": 36, "inflow 1": 29},
        temperature_limits={"hotspot 1": (80, 96), "hotspot 2": (80, 96), "inflow 1": (55, 65)},
        fans={"Fan 1": "ok", "Fan 2": "ok"},
        power_supplies=[
            PowerSupply("1", "PSR250-12A1", "210231A6X5H203000456", watts=62),
            PowerSupply("2", present=False),
        ],
        interfaces=interfaces,
        alarms=[],
        mac="70:f9:6d:3a:1b:00",
        clock=clock,
    )
    return replace(state, **changes)  # type: ignore[arg-type]


# A change made on the device and not saved, in each vendor's syntax: a new log server.
UNSAVED_CHANGE = {
    "cisco": "logging host 10.8.0.9",
    "huawei": "info-center loghost 10.8.0.9",
    "h3c": " info-center loghost 10.8.0.9",
}


def with_unsaved_change(state: DeviceState) -> DeviceState:
    """The same device with a change in its running configuration that was never saved."""
    return replace(state, unsaved_lines=[*state.unsaved_lines, UNSAVED_CHANGE[state.vendor]])


def with_failed_fan(state: DeviceState) -> DeviceState:
    """The same device with its first fan failed and the alarm it raises."""
    fans = dict(state.fans)
    first = next(iter(fans))
    fans[first] = "failed"
    alarm = Alarm(
        state.clock - timedelta(minutes=42),
        "major",
        "ENVMON",
        "FAN_FAILED",
        f"{first} had a rotation error reported.",
    )
    return replace(state, fans=fans, alarms=[*state.alarms, alarm])


def with_hot_sensor(state: DeviceState) -> DeviceState:
    """The same device with its first sensor above the critical limit, and the alarm."""
    temperatures = dict(state.temperatures)
    sensor = next(iter(temperatures))
    critical = state.limits(sensor)[1]
    temperatures[sensor] = critical + 3
    alarm = Alarm(
        state.clock - timedelta(minutes=7),
        "critical",
        "ENVMON",
        "TEMP_CRITICAL",
        f"Temperature sensor {sensor} is {critical + 3} Celsius, above the "
        f"critical limit of {critical} Celsius.",
    )
    return replace(state, temperatures=temperatures, alarms=[*state.alarms, alarm])


def preset(
    vendor: str, *, failed_fan: bool = False, hot_sensor: bool = False, unsaved: bool = False
) -> DeviceState:
    """A ready device of one vendor, optionally with a failed fan, a hot sensor or a
    configuration change not saved."""
    makers = {"cisco": cisco_state, "huawei": huawei_state, "h3c": h3c_state}
    if vendor not in makers:
        raise ValueError(f"no simulated {vendor!r} device; choose one of {', '.join(makers)}")
    state = makers[vendor]()
    if failed_fan:
        state = with_failed_fan(state)
    if hot_sensor:
        state = with_hot_sensor(state)
    if unsaved:
        state = with_unsaved_change(state)
    return state

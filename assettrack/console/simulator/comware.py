"""An H3C Comware 7 console (S6520X data-centre access switch) with the status commands an
inspection runs.

``display device manuinfo``, ``display clock`` and ``display interface brief`` follow the
shapes the ntc-templates TextFSM templates parse (the clock in Comware 7's form, with
milliseconds); the others follow the layouts of Comware 7's command references.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from assettrack.console.simulator.engine import (
    Command,
    CommandError,
    DeviceConsole,
    Logout,
)

_RULE = "-" * 70

# The short names "display interface brief" prints.
_SHORT_NAMES = (
    ("Ten-GigabitEthernet", "XGE"),
    ("FortyGigE", "FGE"),
    ("M-GigabitEthernet", "MGE"),
    ("GigabitEthernet", "GE"),
    ("Vlan-interface", "Vlan"),
)
_COPYRIGHT = (
    "*" * 78,
    "* Copyright (c) 2004-2022 New H3C Technologies Co., Ltd. All rights reserved.*",
    "* Without the owner's prior written consent,                                 *",
    "* no decompiling or reverse-engineering shall be allowed.                    *",
    "*" * 78,
)


def comware_uptime(uptime: timedelta) -> str:
    """Comware names every unit, zeros included: "5 weeks, 6 days, 2 hours, 11 minutes"."""
    minutes = int(uptime.total_seconds()) // 60
    weeks, minutes = divmod(minutes, 7 * 24 * 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    units = [(weeks, "week"), (days, "day"), (hours, "hour"), (minutes, "minute")]
    return ", ".join(f"{n} {unit}{'s' if n != 1 else ''}" for n, unit in units)


def short_name(name: str) -> str:
    for long, short in _SHORT_NAMES:
        if name.startswith(long):
            return short + name[len(long) :]
    return name


class ComwareConsole(DeviceConsole):
    vendor = "h3c"
    username_prompt = "login: "
    password_prompt = "Password: "
    paging_marker = "  ---- More ----"
    paging_erase = "\x1b[16D" + " " * 16 + "\x1b[16D"
    blank_before_prompt = True

    def prompt(self) -> str:
        name = self.state.hostname
        return f"[{name}]" if self.mode == "system" else f"<{name}>"

    def banner(self) -> str:
        return "\r\n" + "\r\n".join(_COPYRIGHT) + "\r\n\r\n"

    def login_failed_text(self) -> str:
        return "\r\nLogin failed: authentication failed.\r\n\r\n"

    def logout_text(self) -> str:
        return "\r\nLine con0 is available.\r\n\r\n\r\nPress ENTER to get started.\r\n"

    def error_lines(self, kind: str, column: int, line: str) -> list[str]:
        message = {
            "invalid": " % Unrecognized command found at '^' position.",
            "incomplete": " % Incomplete command found at '^' position.",
            "ambiguous": " % Ambiguous command found at '^' position.",
            "parameter": " % Wrong parameter found at '^' position.",
        }[kind]
        return [" " * column + "^", message]

    def build_commands(self) -> list[Command]:
        show = [
            (("display", "version"), self.display_version),
            (("display", "device", "manuinfo"), self.display_manuinfo),
            (("display", "clock"), self.display_clock),
            (("display", "fan"), self.display_fan),
            (("display", "power"), self.display_power),
            (("display", "cpu-usage"), self.display_cpu),
            (("display", "memory"), self.display_memory),
            (("display", "environment"), self.display_environment),
            (("display", "interface", "brief"), self.display_interface_brief),
            (("display", "current-configuration"), self.display_current_configuration),
            (("display", "saved-configuration"), self.display_saved_configuration),
        ]
        commands = [Command(words, _no_args(handler)) for words, handler in show]
        commands += [
            Command(("screen-length", "disable"), self._screen_length_disable),
            Command(("undo", "screen-length", "disable"), self._screen_length_enable),
            Command(("system-view",), self._system_view),
            Command(("quit",), self._quit),
            Command(("return",), self._return, "system"),
        ]
        return commands

    # -- mode and terminal commands -------------------------------------------------------

    def _screen_length_disable(self, args: list[str]) -> list[str]:
        if self.options.refuse_paging_off and self.mode == "user":
            raise CommandError("invalid", 0)
        self.screen_length = 0
        return []  # Comware 7 says nothing when it takes it

    def _screen_length_enable(self, args: list[str]) -> list[str]:
        self.screen_length = self.options.screen_length
        return []

    def _system_view(self, args: list[str]) -> list[str]:
        self.mode = "system"
        return ["System View: return to User View with Ctrl+Z."]

    def _quit(self, args: list[str]) -> list[str]:
        if self.mode == "system":
            self.mode = "user"
            return []
        raise Logout()

    def _return(self, args: list[str]) -> list[str]:
        self.mode = "user"
        return []

    # -- status commands ------------------------------------------------------------------

    def display_version(self) -> list[str]:
        s = self.state
        release = s.software_image
        image = f"{s.model.split('-')[0].lower()}-cmw710"
        member_uptime = comware_uptime(s.uptime - timedelta(minutes=1)).replace(", ", ",")
        return [
            f"H3C Comware Software, Version {s.version}, Release {release}",
            "Copyright (c) 2004-2022 New H3C Technologies Co., Ltd. All rights reserved.",
            f"H3C {s.model} uptime is {comware_uptime(s.uptime)}",
            "Last reboot reason : Cold reboot",
            "",
            f"Boot image: flash:/{image}-boot-r{release.lower()}.bin",
            f"Boot image version: {s.version}, Release {release}",
            "  Compiled Jan 14 2022 11:00:00",
            f"System image: flash:/{image}-system-r{release.lower()}.bin",
            f"System image version: {s.version}, Release {release}",
            "  Compiled Jan 14 2022 11:00:00",
            "",
            "",
            "Slot 1:",
            f"Uptime is {member_uptime}",
            f"{s.model} with 2 Processors",
            f"BOARD TYPE:         {s.model}",
            "DRAM:               2048M bytes",
            "FLASH:              512M bytes",
            "PCB 1 Version:      VER.B",
            "Bootrom Version:    142",
            "CPLD 1 Version:     002",
            f"Release Version:    H3C {s.model}-{release}",
            "Patch Version  :    None",
            "Reboot Cause  :     ColdReboot",
            "[SubSlot 0] 24SFP Plus+2QSFP Plus",
        ]

    def display_manuinfo(self) -> list[str]:
        s = self.state
        made = (s.clock - timedelta(days=700)).date()
        mac = "-".join(s.mac.replace(":", "")[i : i + 4] for i in (0, 4, 8)).upper()
        lines = [
            "Slot 1 CPU 0:",
            f"DEVICE_NAME          : {s.model}",
            f"DEVICE_SERIAL_NUMBER : {s.serial}",
            f"MAC_ADDRESS          : {mac}",
            f"MANUFACTURING_DATE   : {made}",
            "VENDOR_NAME          : H3C",
        ]
        for psu in s.power_supplies:
            if psu.present:
                lines += [
                    f"Power {psu.name}:",
                    f"DEVICE_NAME          : {psu.model}",
                    f"DEVICE_SERIAL_NUMBER : {psu.serial}",
                    f"MANUFACTURING_DATE   : {made}",
                    "VENDOR_NAME          : H3C",
                ]
        for index, _ in enumerate(s.fans, start=1):
            lines += [
                f"Fan {index}:",
                "DEVICE_NAME          : LSWM1FANSCB",
                f"DEVICE_SERIAL_NUMBER : 210231A1Y8H20100{index:04d}",
                f"MANUFACTURING_DATE   : {made}",
                "VENDOR_NAME          : H3C",
            ]
        return lines

    def display_clock(self) -> list[str]:
        t = self.state.clock
        return [f"{t:%H:%M:%S}.{t.microsecond // 1000:03d} UTC {t:%a %m/%d/%Y}"]

    def display_fan(self) -> list[str]:
        lines = [" Slot 1:"]
        for index, status in enumerate(self.state.fans.values(), start=1):
            lines += [
                f" Fan Frame ID: {index}",
                f" State    : {'Normal' if status == 'ok' else 'Fault'}",
                " Airflow Direction: Port-to-power",
            ]
        return lines

    def display_power(self) -> list[str]:
        lines = [
            " Slot 1:",
            " PowerID State    Mode   Current(A)  Voltage(V)  Power(W)   FanDirection",
        ]
        for psu in self.state.power_supplies:
            if not psu.present:
                lines.append(
                    f" {psu.name:<8}{'Absent':<9}{'--':<7}{'--':<12}{'--':<12}{'--':<11}--"
                )
                continue
            state = "Normal" if psu.ok else "Fault"
            watts = str(psu.watts) if psu.ok else "0"
            lines.append(
                f" {psu.name:<8}{state:<9}{'AC':<7}{'--':<12}{'--':<12}{watts:<11}Port-to-power"
            )
        return lines

    def display_cpu(self) -> list[str]:
        cpu = self.state.cpu_percent
        return [
            "Slot 1 CPU 0 CPU usage:",
            f"      {cpu:>3}% in last 5 seconds",
            f"      {cpu + 1:>3}% in last 1 minute",
            f"      {cpu:>3}% in last 5 minutes",
        ]

    def display_memory(self) -> list[str]:
        total = self.state.memory_total // 1024
        used = total * self.state.memory_percent // 100
        free = total - used
        buffers, cached = 2332, 285116
        ratio = 100.0 * free / total
        return [
            "Memory statistics are measured in KB:",
            "Slot 1:",
            "             Total      Used      Free    Shared   Buffers    Cached   FreeRatio",
            f"Mem:    {total:>10}{used:>10}{free:>10}{0:>10}{buffers:>10}{cached:>10}"
            f"{ratio:>11.1f}%",
            f"-/+ Buffers/Cache:{used - buffers - cached:>10}{free + buffers + cached:>10}",
            f"Swap:   {0:>10}{0:>10}{0:>10}",
        ]

    def display_environment(self) -> list[str]:
        s = self.state
        lines = [
            " System temperature information (degree centigrade):",
            " " + _RULE,
            " Slot  Sensor    Temperature  Lower  Warning  Alarm  Shutdown",
        ]
        for name, value in s.temperatures.items():
            warning, alarm = s.limits(name)
            lines.append(f" {'1':<6}{name:<11}{value:<12}{0:<7}{warning:<9}{alarm:<7}NA")
        return lines

    def display_interface_brief(self) -> list[str]:
        routed = [i for i in self.state.interfaces if i.ip or i.name == "NULL0"]
        bridged = [i for i in self.state.interfaces if i not in routed]
        lines = [
            "Brief information on interfaces in route mode:",
            "Link: ADM - administratively down; Stby - standby",
            "Protocol: (s) - spoofing",
            "Interface            Link Protocol Primary IP      Description",
        ]
        for itf in routed:
            link = "UP" if itf.up and itf.admin_up else ("ADM" if not itf.admin_up else "DOWN")
            protocol = "UP(s)" if itf.name == "NULL0" else ("UP" if link == "UP" else "DOWN")
            lines.append(
                f"{short_name(itf.name):<21}{link:<5}{protocol:<9}{itf.ip or '--':<16}".rstrip()
            )
        lines += [
            "",
            "Brief information on interfaces in bridge mode:",
            "Link: ADM - administratively down; Stby - standby",
            "Speed: (a) - auto",
            "Duplex: (a)/A - auto; H - half; F - full",
            "Type: A - access; T - trunk; H - hybrid",
            "Interface            Link Speed   Duplex Type PVID Description",
        ]
        for itf in bridged:
            if not itf.admin_up:
                link, speed, duplex = "ADM", "auto", "A"
            elif itf.up:
                link = "UP"
                speed = "40G" if itf.name.startswith("Forty") else "10G(a)"
                duplex = "F(a)"
            else:
                link, speed, duplex = "DOWN", "auto", "A"
            lines.append(f"{short_name(itf.name):<21}{link:<5}{speed:<8}{duplex:<7}{'A':<5}1")
        return lines

    def display_current_configuration(self) -> list[str]:
        return self._configuration(saved=False)

    def display_saved_configuration(self) -> list[str]:
        return self._configuration(saved=True)

    def _configuration(self, *, saved: bool) -> list[str]:
        """The configuration as saved or in use: unsaved lines make them differ."""
        s = self.state
        user = self.options.login[0] if self.options.login else "admin"
        lines = [
            "#",
            f" version {s.version}, Release {s.software_image}",
            "#",
            f" sysname {s.hostname}",
            "#",
            " clock timezone Beijing add 08:00:00",
            " clock protocol ntp",
            "#",
            " irf mac-address persistent timer",
            " irf auto-update enable",
            " undo irf link-delay",
            " irf member 1 priority 1",
            "#",
            " lldp global enable",
            "#",
            " password-recovery enable",
            "#",
            "vlan 1",
            "#",
        ]
        for itf in s.interfaces:
            lines.append(f"interface {itf.name}")
            if itf.ip:
                lines.append(f" ip address {itf.ip} 255.255.255.0")
            elif itf.name != "NULL0":
                lines.append(" port link-mode bridge")
            if not itf.admin_up:
                lines.append(" shutdown")
            lines.append("#")
        lines += [
            " scheduler logfile size 16",
            "#",
            "line class aux",
            " user-role network-admin",
            "#",
            "line aux 0",
            " authentication-mode scheme",
            " user-role network-operator",
            "#",
            "line vty 0 63",
            " authentication-mode scheme",
            " user-role network-operator",
            "#",
            " info-center timestamp loghost iso",
            *s.config_lines,
            *([] if saved else s.unsaved_lines),
            "#",
            " snmp-agent",
            " snmp-agent local-engineid 800063A28070F96D3A1B0000000001",
            " snmp-agent community read simple h3cPublic",
            " snmp-agent community write cipher $c$3$kSOd9Wy3Ly5wzlXh52xRy+rjwKrqs5m2",
            " snmp-agent sys-info version v2c v3",
            "#",
            " ssh server enable",
            "#",
            "radius scheme system",
            " user-name-format without-domain",
            "#",
            "domain system",
            "#",
            " domain default enable system",
            "#",
            "user-group system",
            "#",
            f"local-user {user} class manage",
            " password hash $h$6$Yr7tZMNvsiXzQcTy$7v4KBWZsyq1a1gGe5q5SGmrb+u2WbUxBQVzVdxJ0LbX+"
            "V0jlYtpg7qAXFQYXLx3rFY9gPTf/0Ue/uMhGQ2Ha2Q==",
            " service-type ssh terminal",
            " authorization-attribute user-role network-admin",
            " authorization-attribute user-role network-operator",
            "#",
            "return",
        ]
        return lines


def _no_args(handler: Callable[[], list[str]]) -> Callable[[list[str]], list[str]]:
    return lambda args: handler()

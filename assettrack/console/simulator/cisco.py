"""A Cisco IOS XE console (Catalyst access switch) with the status commands an inspection runs.

Output shapes follow the real device closely enough for the ntc-templates TextFSM templates.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from assettrack.console.simulator.engine import (
    Command,
    CommandError,
    DeviceConsole,
    Logout,
)
from assettrack.console.simulator.state import SEVERITY_NUMBER


def cisco_uptime(uptime: timedelta) -> str:
    minutes = int(uptime.total_seconds()) // 60
    years, minutes = divmod(minutes, 365 * 24 * 60)
    weeks, minutes = divmod(minutes, 7 * 24 * 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = [(years, "year"), (weeks, "week"), (days, "day"), (hours, "hour")]
    text = [f"{n} {unit}{'s' if n != 1 else ''}" for n, unit in parts if n]
    text.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    return ", ".join(text)


class CiscoConsole(DeviceConsole):
    vendor = "cisco"
    username_prompt = "Username: "
    password_prompt = "Password: "
    paging_marker = " --More-- "
    paging_erase = "\b" * 10 + " " * 10 + "\b" * 10

    def prompt(self) -> str:
        return self.state.hostname + ("#" if self.mode == "privileged" else ">")

    def banner(self) -> str:
        text = "\r\n\r\n*** Authorised access only. Activity may be monitored. ***\r\n"
        if self.options.login:
            text += "\r\nUser Access Verification\r\n\r\n"
        return text

    def login_failed_text(self) -> str:
        return "\r\n% Login invalid\r\n\r\n"

    def logout_text(self) -> str:
        return (
            f"\r\n\r\n{self.state.hostname} con0 is now available\r\n\r\n\r\n\r\n"
            "Press RETURN to get started.\r\n\r\n"
        )

    def error_lines(self, kind: str, column: int, line: str) -> list[str]:
        if kind == "ambiguous":
            return [f'% Ambiguous command:  "{line.strip()}"']
        if kind == "incomplete":
            return ["% Incomplete command.", ""]
        if len(line.split()) == 1 and column == len(self.prompt()) + line.index(line.strip()):
            return ["% Unknown command or computer name, or unable to find computer address"]
        return [" " * column + "^", "% Invalid input detected at '^' marker.", ""]

    def build_commands(self) -> list[Command]:
        return [
            Command(("enable",), self._enable),
            Command(("disable",), self._disable, "privileged"),
            Command(("exit",), self._logout),
            Command(("logout",), self._logout),
            Command(("quit",), self._logout),
            Command(("terminal", "length"), self._terminal_length, args=True),
            Command(("terminal", "width"), self._terminal_width, args=True),
            Command(("show", "version"), lambda a: self.show_version()),
            Command(("show", "inventory"), lambda a: self.show_inventory()),
            Command(("show", "environment"), lambda a: self.show_environment_all()),
            Command(("show", "environment", "all"), lambda a: self.show_environment_all()),
            Command(("show", "environment", "fan"), lambda a: self.show_fans()),
            Command(("show", "environment", "temperature"), lambda a: self.show_temperature()),
            Command(("show", "environment", "power"), lambda a: self.show_power(), args=True),
            Command(("show", "processes", "cpu"), lambda a: self.show_cpu()),
            Command(("show", "processes", "cpu", "sorted"), lambda a: self.show_cpu()),
            Command(("show", "processes", "memory"), lambda a: self.show_memory()),
            Command(("show", "processes", "memory", "sorted"), lambda a: self.show_memory()),
            Command(("show", "ip", "interface", "brief"), lambda a: self.show_ip_int_brief()),
            Command(("show", "logging"), lambda a: self.show_logging()),
            Command(("show", "clock"), lambda a: [self._clock()]),
            Command(("show", "running-config"), lambda a: self.show_running(), "privileged"),
            Command(("show", "startup-config"), lambda a: self.show_startup(), "privileged"),
        ]

    # -- mode and terminal commands -------------------------------------------------------

    def _enable(self, args: list[str]) -> list[str]:
        secret = self.options.enable_secret
        if secret is None:
            self.mode = "privileged"
            return []
        for _ in range(3):
            self.write(self.password_prompt)
            if self.readline(echo=False) == secret:
                self.mode = "privileged"
                return []
        return ["% Bad secrets", ""]

    def _disable(self, args: list[str]) -> list[str]:
        self.mode = "user"
        return []

    def _logout(self, args: list[str]) -> list[str]:
        raise Logout()

    def _terminal_length(self, args: list[str]) -> list[str]:
        if self.options.refuse_paging_off and self.mode == "user":
            raise CommandError("invalid", 0)
        self.screen_length = _number(args, 2, 0, 512)
        return []

    def _terminal_width(self, args: list[str]) -> list[str]:
        if self.options.refuse_paging_off and self.mode == "user":
            raise CommandError("invalid", 0)
        _number(args, 2, 0, 512)
        return []

    # -- status commands ------------------------------------------------------------------

    def show_version(self) -> list[str]:
        s = self.state
        train = ".".join(f"{int(p):02d}" if i else p for i, p in enumerate(s.version.split(".")))
        boot = s.boot_time
        return [
            f"Cisco IOS XE Software, Version {train}",
            f"Cisco IOS Software [Fuji], Catalyst L3 Switch Software ({s.software_image}), "
            f"Version {s.version}, RELEASE SOFTWARE (fc2)",
            "Technical Support: http://www.cisco.com/techsupport",
            "Copyright (c) 1986-2020 by Cisco Systems, Inc.",
            "Compiled Thu 30-Jan-20 18:48 by mcpre",
            "",
            "",
            "Cisco IOS-XE software, Copyright (c) 2005-2020 by cisco Systems, Inc.",
            "All rights reserved.  Certain components of Cisco IOS-XE software are",
            'licensed under the GNU General Public License ("GPL") Version 2.0.',
            "",
            "",
            "ROM: IOS-XE ROMMON",
            "BOOTLDR: CAT3K_CAA Boot Loader (CAT3K_CAA-HBOOT-M) Version 4.313, RELEASE "
            "SOFTWARE (P)",
            "",
            f"{s.hostname} uptime is {cisco_uptime(s.uptime)}",
            f"Uptime for this control processor is {cisco_uptime(s.uptime)}",
            "System returned to ROM by Power Failure",
            f"System restarted at {boot:%H:%M:%S} UTC {boot:%a %b} {boot.day} {boot.year}",
            'System image file is "flash:packages.conf"',
            "Last reload reason: Power Failure",
            "",
            "",
            "This product contains cryptographic features and is subject to United",
            "States and local country laws governing import, export, transfer and",
            "use. Delivery of Cisco cryptographic products does not imply",
            "third-party authority to import, export, distribute or use encryption.",
            "",
            "",
            "Technology Package License Information: ",
            "",
            "------------------------------------------------------------------------------",
            "Technology-package                   Technology-package",
            "Current             Type             Next reboot  ",
            "------------------------------------------------------------------------------",
            "ipbasek9            Smart License    ipbasek9",
            "",
            "",
            f"cisco {s.model} (MIPS) processor (revision AB0) with 795338K/6147K bytes of memory.",
            f"Processor board ID {s.serial}",
            "2 Virtual Ethernet interfaces",
            f"{sum(1 for i in s.interfaces if i.name.startswith('Gig'))} Gigabit Ethernet "
            "interfaces",
            "2048K bytes of non-volatile configuration memory.",
            "4194304K bytes of physical memory.",
            "250456K bytes of Crash Files at crashinfo:.",
            "1609272K bytes of Flash at flash:.",
            "",
            f"Base Ethernet MAC Address          : {s.mac}",
            "Motherboard Assembly Number        : 73-15800-08",
            f"Motherboard Serial Number          : FOC{s.serial[3:]}",
            "Model Revision Number              : AB0",
            "Motherboard Revision Number        : A0",
            f"Model Number                       : {s.model}",
            f"System Serial Number               : {s.serial}",
            "",
            "",
            "Switch Ports Model              SW Version        SW Image              Mode   ",
            "------ ----- -----              ----------        ----------            ----   ",
            f"*    1 {len(s.interfaces) - 2:<5} {s.model:<18} {s.version:<17} "
            f"{s.software_image.removesuffix('-M'):<21} INSTALL",
            "",
            "",
            "Configuration register is 0x102",
            "",
        ]

    def show_inventory(self) -> list[str]:
        s = self.state
        lines = [
            'NAME: "c38xx Stack", DESCR: "c38xx Stack"',
            f"PID: {s.model:<18}, VID: V07  , SN: {s.serial}",
            "",
            f'NAME: "Switch 1", DESCR: "{s.model}"',
            f"PID: {s.model:<18}, VID: V07  , SN: {s.serial}",
            "",
        ]
        for psu in s.power_supplies:
            if not psu.present:
                continue
            name = f"Switch {psu.name[0]} - Power Supply {psu.name[1:]}"
            lines += [
                f'NAME: "{name}", DESCR: "{name}"',
                f"PID: {psu.model:<18}, VID: V02  , SN: {psu.serial}",
                "",
            ]
        return lines

    def show_fans(self) -> list[str]:
        lines = [
            f"Switch 1 {name} is {'OK' if status == 'ok' else 'FAULTY'}"
            for name, status in self.state.fans.items()
        ]
        return [*lines, "FAN PS-1 is OK", "FAN PS-2 is NOT PRESENT"]

    def show_temperature(self) -> list[str]:
        s = self.state
        states = [s.temperature_state(name) for name in s.temperatures]
        worst = "CRITICAL" if "critical" in states else "WARNING" if "warning" in states else "OK"
        lines = [f"Switch 1: SYSTEM TEMPERATURE is {worst}"]
        colour = {"ok": "GREEN", "warning": "YELLOW", "critical": "RED"}
        for index, (name, value) in enumerate(s.temperatures.items()):
            yellow, red = s.limits(name)
            if index:
                lines.append("")
            lines += [
                f"{name} Temperature Value: {value} Degree Celsius",
                f"Temperature State: {colour[s.temperature_state(name)]}",
                f"Yellow Threshold : {yellow} Degree Celsius",
                f"Red Threshold    : {red} Degree Celsius",
            ]
        return lines

    def show_power(self) -> list[str]:
        lines = [
            "SW  PID                 Serial#     Status           Sys Pwr  PoE Pwr  Watts",
            "--  ------------------  ----------  ---------------  -------  -------  -----",
        ]
        for psu in self.state.power_supplies:
            if not psu.present:
                lines.append(f"{psu.name:<3} Not Present")
                continue
            status, good = ("OK", "Good") if psu.ok else ("No Input Power", "Bad")
            lines.append(
                f"{psu.name:<3} {psu.model:<19} {psu.serial:<11} {status:<16} "
                f"{good:<8} {good:<8} {psu.watts}"
            )
        return lines

    def show_environment_all(self) -> list[str]:
        return [*self.show_fans(), *self.show_temperature(), *self.show_power()]

    def show_cpu(self) -> list[str]:
        cpu = self.state.cpu_percent
        lines = [
            f"CPU utilization for five seconds: {cpu}%/0%; one minute: {max(cpu - 1, 0)}%; "
            f"five minutes: {max(cpu - 1, 0)}%",
            " PID Runtime(ms)     Invoked      uSecs   5Sec   1Min   5Min TTY Process ",
        ]
        processes = [
            (1, 0, 6, 0, "Chunk Manager"),
            (2, 2345, 1812231, 1, "Load Meter"),
            (3, 0, 1, 0, "PKI Trustpool"),
            (4, 91234, 10543, 8653, "Check heaps"),
            (5, 0, 1, 0, "Pool Manager"),
            (6, 12, 4, 3000, "DiscardQ Background Mgr"),
            (7, 0, 2, 0, "Timers"),
            (8, 45, 1234, 36, "WATCH_AFS"),
            (84, 998811, 2233445, 447, "IOSD ipc task"),
            (92, 23311, 88122, 264, "ARP Input"),
        ]
        for pid, runtime, invoked, usecs, name in processes:
            share = cpu * 0.4 if name == "IOSD ipc task" else 0.0
            lines.append(
                f"{pid:>4}{runtime:>12}{invoked:>12}{usecs:>11}{share:>6.2f}%"
                f"{share:>6.2f}%{share:>6.2f}%{0:>4} {name:<16} "
            )
        return lines

    def show_memory(self) -> list[str]:
        total = self.state.memory_total
        used = total * self.state.memory_percent // 100
        return [
            f"Processor Pool Total: {total:>10} Used: {used:>10} Free: {total - used:>10}",
            " lsmpi_io Pool Total:    6295128 Used:    6294296 Free:        832",
            "",
            " PID TTY  Allocated      Freed    Holding    Getbufs    Retbufs Process",
            "   0   0  209299480   13474544  178205704          0          0 *Init*          ",
            "  78   0 2569666688    1554280   27061536          0          0 IOSD ipc task   ",
            "   0   0  607956496  428619384    6374592   17503559          0 *Dead*          ",
            "   1   0    1583728       3472    1613672          0          0 Chunk Manager   ",
            "   0   0          0          0     657856          0          0 *MallocLite*    ",
            "  10   0 4096314696 4096430632     215576 3914231834 3914277834 Pool Manager    ",
            f"{used:>43} Total",
        ]

    def show_ip_int_brief(self) -> list[str]:
        lines = ["Interface              IP-Address      OK? Method Status                Protocol"]
        for itf in self.state.interfaces:
            ip = itf.ip or "unassigned"
            method = "manual" if itf.ip else "unset"
            if not itf.admin_up:
                status, proto = "administratively down", "down"
            else:
                status = proto = "up" if itf.up else "down"
            lines.append(f"{itf.name:<23}{ip:<16}YES {method:<7}{status:<22}{proto:<8}")
        return lines

    def show_logging(self) -> list[str]:
        alarms = sorted(self.state.alarms, key=lambda a: a.time)
        count = len(alarms)
        lines = [
            "Syslog logging: enabled (0 messages dropped, 0 messages rate-limited, 0 flushes, "
            "0 overruns, xml disabled, filtering disabled)",
            "",
            "No Active Message Discriminator.",
            "",
            "",
            "",
            "No Inactive Message Discriminator.",
            "",
            "",
            f"    Console logging: level debugging, {count} messages logged, xml disabled,",
            "                     filtering disabled",
            "    Monitor logging: level debugging, 0 messages logged, xml disabled,",
            "                     filtering disabled",
            f"    Buffer logging:  level debugging, {count} messages logged, xml disabled,",
            "                    filtering disabled",
            "    Exception Logging: size (4096 bytes)",
            "    Count and timestamp logging messages: disabled",
            "    Persistent logging: disabled",
            "",
            "No active filter modules.",
            "",
            f"    Trap logging: level informational, {count} message lines logged",
            "        Logging Source-Interface:       VRF Name:",
            "",
            "Log Buffer (8192 bytes):",
            "",
        ]
        for alarm in alarms:
            t = alarm.time
            lines.append(
                f"{t:%b} {t.day:>2} {t:%H:%M:%S}.{t.microsecond // 1000:03d}: "
                f"%{alarm.facility}-{SEVERITY_NUMBER.get(alarm.severity, 5)}-{alarm.mnemonic}: "
                f"{alarm.text}"
            )
        return lines

    def show_running(self) -> list[str]:
        body = self._configuration(saved=False)
        size = sum(len(line) + 1 for line in body)
        return ["Building configuration...", "", f"Current configuration : {size} bytes", *body, ""]

    def show_startup(self) -> list[str]:
        body = self._configuration(saved=True)
        size = sum(len(line) + 1 for line in body)
        return [f"Using {size} out of 2097152 bytes", *body, ""]

    def _configuration(self, *, saved: bool) -> list[str]:
        """The configuration as saved (startup) or in use (running): unsaved lines differ."""
        s = self.state
        user = self.options.login[0] if self.options.login else "admin"
        saved_at = s.clock - timedelta(hours=5, minutes=12)
        changed_at = s.clock - timedelta(minutes=20) if s.unsaved_lines else saved_at
        lines = [
            "!",
            f"! Last configuration change at {_stamp(saved_at if saved else changed_at)} by {user}",
            f"! NVRAM config last updated at {_stamp(saved_at)} by {user}",
            "!",
            f"version {'.'.join(s.version.split('.')[:2])}",
            "no service pad",
            "service password-encryption",
            "!",
            f"hostname {s.hostname}",
            "!",
            "enable secret 5 $1$mERr$hx5rVt7rPNoS4wqbXKX7m0",
            "!",
            f"username {user} privilege 15 password 7 0822455D0A16",
            "!",
            "no ip domain lookup",
            "!",
        ]
        for itf in s.interfaces:
            lines += [f"interface {itf.name}"]
            lines += [f" ip address {itf.ip} 255.255.255.0"] if itf.ip else [" no ip address"]
            lines += [" shutdown"] if not itf.admin_up else []
            lines += ["!"]
        lines += [
            "snmp-server community n3tw0rkRO RO",
            "tacacs-server key 7 13061E010803",
            *s.config_lines,
            *([] if saved else s.unsaved_lines),
            "!",
            "line con 0",
            " exec-timeout 15 0",
            " login local",
            "line vty 0 4",
            " password 7 045802150C2E",
            " login",
            "!",
            "end",
        ]
        return lines

    def _clock(self) -> str:
        t = self.state.clock
        return f"*{t:%H:%M:%S}.000 UTC {t:%a %b} {t.day} {t.year}"


def _stamp(t: datetime) -> str:
    return f"{t:%H:%M:%S} UTC {t:%a %b} {t.day} {t.year}"


def _number(args: list[str], position: int, low: int, high: int) -> int:
    if not args:
        raise CommandError("incomplete", position)
    if len(args) > 1:
        raise CommandError("invalid", position + 1)
    try:
        value = int(args[0])
    except ValueError:
        raise CommandError("invalid", position) from None
    if not low <= value <= high:
        raise CommandError("invalid", position)
    return value

"""A Huawei VRP console (S-series campus switch) with the status commands an inspection runs.

``display version``, ``display device`` and ``display interface brief`` follow the shapes the
ntc-templates TextFSM templates parse; the others follow the device's own layout.
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

_RULE = "-" * 79


def huawei_uptime(uptime: timedelta) -> str:
    minutes = int(uptime.total_seconds()) // 60
    weeks, minutes = divmod(minutes, 7 * 24 * 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    units = [(weeks, "week"), (days, "day"), (hours, "hour"), (minutes, "minute")]
    return ", ".join(f"{n} {unit}{'s' if n > 1 else ''}" for n, unit in units)


class HuaweiConsole(DeviceConsole):
    vendor = "huawei"
    username_prompt = "Username:"
    password_prompt = "Password:"
    paging_marker = "  ---- More ----"
    paging_erase = "\x1b[16D" + " " * 16 + "\x1b[16D"
    blank_before_prompt = True

    def prompt(self) -> str:
        name = self.state.hostname
        return f"[{name}]" if self.mode == "system" else f"<{name}>"

    def banner(self) -> str:
        text = "\r\n\r\n"
        if self.options.login:
            text += "Login authentication\r\n\r\n\r\n"
        return text

    def login_ok_text(self) -> str:
        t = self.state.clock
        return (
            "Info: The max number of VTY users is 10, and the number\r\n"
            "      of current VTY users on line is 0.\r\n"
            f"      The current login time is {t:%Y-%m-%d %H:%M:%S}.\r\n"
        )

    def login_failed_text(self) -> str:
        return "Error: Local authentication is rejected.\r\n\r\n"

    def logout_text(self) -> str:
        return "\r\n  Configuration console exit, please press any key to log on\r\n\r\n"

    def error_lines(self, kind: str, column: int, line: str) -> list[str]:
        caret = " " * column + "^"
        message = {
            "invalid": "Error: Unrecognized command found at '^' position.",
            "incomplete": "Error:Incomplete command found at '^' position.",
            "ambiguous": "Error:Ambiguous command found at '^' position.",
            "parameter": "Error: Wrong parameter found at '^' position.",
        }[kind]
        return [caret, message]

    def build_commands(self) -> list[Command]:
        show = [
            (("display", "version"), self.display_version),
            (("display", "device"), self.display_device),
            (("display", "esn"), self.display_esn),
            (("display", "elabel", "brief"), self.display_elabel_brief),
            (("display", "temperature"), self.display_temperature),
            (("display", "temperature", "all"), self.display_temperature),
            (("display", "fan"), self.display_fan),
            (("display", "power"), self.display_power),
            (("display", "cpu-usage"), self.display_cpu),
            (("display", "memory-usage"), self.display_memory),
            (("display", "interface", "brief"), self.display_interface_brief),
            (("display", "alarm", "active"), self.display_alarm_active),
            (("display", "trapbuffer"), self.display_trapbuffer),
            (("display", "current-configuration"), self.display_current_configuration),
            (("display", "saved-configuration"), self.display_saved_configuration),
            (("display", "clock"), self.display_clock),
        ]
        commands = [Command(words, _no_args(handler)) for words, handler in show]
        commands += [
            Command(("screen-length",), self._screen_length, args=True),
            Command(("system-view",), self._system_view),
            Command(("quit",), self._quit),
            Command(("return",), self._return, "system"),
        ]
        return commands

    # -- mode and terminal commands -------------------------------------------------------

    def _screen_length(self, args: list[str]) -> list[str]:
        if self.options.refuse_paging_off and self.mode == "user":
            raise CommandError("invalid", 0)
        if not args:
            raise CommandError("incomplete", 1)
        try:
            length = int(args[0])
        except ValueError:
            raise CommandError("parameter", 1) from None
        if len(args) < 2:
            raise CommandError("incomplete", 2)
        if args[1].lower() != "temporary"[: len(args[1])] or len(args) > 2:
            raise CommandError("invalid", 2)
        self.screen_length = length
        return ["Info: The configuration takes effect on the current user terminal interface only."]

    def _system_view(self, args: list[str]) -> list[str]:
        self.mode = "system"
        return ["Enter system view, return user view with Ctrl+Z."]

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
        series = s.model.split("-")[0]
        return [
            "Huawei Versatile Routing Platform Software",
            f"VRP (R) software, Version {s.software_image} ({series} {s.version})",
            "Copyright (C) 2000-2018 HUAWEI TECH Co., Ltd.",
            f"HUAWEI {s.model} Routing Switch uptime is {huawei_uptime(s.uptime)}",
            "",
            f"ES5D2S28S000 0(Master) : uptime is {huawei_uptime(s.uptime - timedelta(minutes=1))}",
            "DDR             Memory Size : 512   M bytes",
            "FLASH Total     Memory Size : 512   M bytes",
            "FLASH Available Memory Size : 281   M bytes",
            "Pcb           Version   : VER.B",
            "BootROM       Version   : 020b.0001",
            "BootLoad      Version   : 020b.0001",
            "CPLD          Version   : 0106",
            f"Software      Version   : VRP (R) Software, Version {s.software_image} ({s.version})",
            "FLASH         Version   : 0000.0000",
        ]

    def display_device(self) -> list[str]:
        s = self.state
        row = "{:<5}{:<5}{:<23}{:<10}{:<9}{:<13}{:<10}{:<10}"
        lines = [
            f"{s.model}'s Device status:",
            row.format("Slot", "Sub", "Type", "Online", "Power", "Register", "Alarm", "Primary"),
            _RULE,
        ]
        board_alarm = "Normal"
        if any(s.temperature_state(n) != "ok" for n in s.temperatures):
            board_alarm = "Abnormal"
        lines.append(
            row.format("0", "-", s.model, "Present", "PowerOn", "Registered", board_alarm, "Master")
        )
        for psu in s.power_supplies:
            if psu.present:
                alarm = "Normal" if psu.ok else "Abnormal"
                power = "PowerOn" if psu.ok else "PowerOff"
                lines.append(
                    row.format("", psu.name, "POWER", "Present", power, "Registered", alarm, "NA")
                )
        for name, status in s.fans.items():
            alarm = "Normal" if status == "ok" else "Abnormal"
            lines.append(
                row.format("", name, "FAN", "Present", "PowerOn", "Registered", alarm, "NA")
            )
        return [line.rstrip() for line in lines]

    def display_esn(self) -> list[str]:
        return [f"ESN of slot 0: {self.state.serial}"]

    def display_elabel_brief(self) -> list[str]:
        s = self.state
        row = "{:<12}{:<20}{:<24}{}"
        lines = [
            row.format("Slot", "BoardType", "BarCode", "Description"),
            _RULE,
            row.format("0", s.model, s.serial, f"{s.model} Mainboard"),
        ]
        for psu in s.power_supplies:
            if psu.present:
                lines.append(row.format(psu.name, psu.model, psu.serial, "Power Module"))
        return lines

    def display_temperature(self) -> list[str]:
        s = self.state
        lines = [
            _RULE,
            "Slot  Card   Sensor Status   Current(C) Lower(C)  Lower       Upper(C)  Upper",
            "                                                  Resume(C)             Resume(C)",
            _RULE,
        ]
        for name, value in s.temperatures.items():
            upper = s.limits(name)[0]
            status = "NORMAL" if s.temperature_state(name) == "ok" else "ABNORMAL"
            lines.append(
                f"{'0':<6}{'NA':<7}{name:<7}{status:<9}{value:<11}{0:<10}"
                f"{4:<12}{upper:<10}{upper - 5}"
            )
        return lines

    def display_fan(self) -> list[str]:
        lines = [
            _RULE,
            " Slot  FanID  FanNum  Present  Register  Speed  Mode     Status    Airflow",
            _RULE,
        ]
        for index, status in enumerate(self.state.fans.values(), start=1):
            ok = status == "ok"
            speed = "50%" if ok else "0%"
            state = "Normal" if ok else "Abnormal"
            lines.append(
                f" {'0':<6}{index:<7}{f'[{index}-{index}]':<8}{'YES':<9}{'YES':<10}"
                f"{speed:<7}{'AUTO':<9}{state:<10}Side-to-Back"
            )
        return lines

    def display_power(self) -> list[str]:
        lines = [
            "-" * 60,
            " Slot    PowerID  Online   Mode   State      Power(W)",
            "-" * 60,
        ]
        for psu in self.state.power_supplies:
            if not psu.present:
                lines.append(f" {'0':<8}{psu.name:<9}{'Absent':<9}{'-':<7}{'-':<11}-")
                continue
            state = "Supply" if psu.ok else "NotSupply"
            watts = f"{psu.watts:.2f}" if psu.ok else "0.00"
            lines.append(f" {'0':<8}{psu.name:<9}{'Present':<9}{'AC':<7}{state:<11}{watts}")
        return lines

    def display_cpu(self) -> list[str]:
        cpu = self.state.cpu_percent
        t = self.state.clock
        return [
            " CPU Usage Stat. Cycle: 60 (Second)",
            f" CPU Usage            : {cpu}% Max: {min(cpu * 3, 100)}%",
            f" CPU Usage Stat. Time : {t:%Y-%m-%d  %H:%M:%S}",
            f" CPU utilization for five seconds: {cpu}%: one minute: {cpu}%: five minutes: "
            f"{max(cpu - 1, 0)}%",
            f" Max CPU Usage Stat. Time : {t - timedelta(hours=6):%Y-%m-%d %H:%M:%S}.",
            "",
            " TaskName        CPU  Runtime(CPU Tick High/Tick Low)  Task Explanation",
            f" VIDL          {100 - cpu:>3}%         0/ 5a6c6a8e       DOPRA IDLE",
            f" OS            {max(cpu - 4, 0):>3}%         0/  8a1f2c0       Operation System",
            "  FTS            2%         0/  3b2f911       FTS",
            "  AGNT           1%         0/  1f00a23       AGNT",
            "  VPR            1%         0/   9c3b1e       VP Receive",
        ]

    def display_memory(self) -> list[str]:
        total = self.state.memory_total
        used = total * self.state.memory_percent // 100
        t = self.state.clock
        return [
            f" Memory utilization statistics at {t:%Y-%m-%d %H:%M:%S}+00:00",
            f" System Total Memory Is: {total} bytes",
            f" Total Memory Used Is: {used} bytes",
            f" Memory Using Percentage Is: {self.state.memory_percent}%",
        ]

    def display_interface_brief(self) -> list[str]:
        lines = [
            "PHY: Physical",
            "*down: administratively down",
            "^down: standby",
            "(l): loopback",
            "(s): spoofing",
            "(E): E-Trunk down",
            "(b): BFD down",
            "(B): Bit-error-detection down",
            "(e): ETHOAM down",
            "(d): Dampening Suppressed",
            "InUti/OutUti: input utility/output utility",
            "Interface                   PHY   Protocol  InUti OutUti   inErrors  outErrors",
        ]
        for itf in self.state.interfaces:
            if not itf.admin_up:
                phy, proto = "*down", "down"
            else:
                phy = proto = "up" if itf.up else "down"
            if itf.name == "NULL0":
                proto = "up(s)"
            uti = "0.01%" if itf.up and itf.admin_up else "0%"
            lines.append(f"{itf.name:<28}{phy:<6}{proto:<9}{uti:>6}{uti:>7}{0:>11}{0:>11}")
        return lines

    def display_alarm_active(self) -> list[str]:
        lines = [_RULE, "Index  Level     Date       Time      Info", _RULE]
        level = {"critical": "Critical", "major": "Major", "minor": "Minor", "warning": "Warning"}
        index = 0
        for alarm in sorted(self.state.alarms, key=lambda a: a.time):
            if alarm.severity not in level:
                continue  # informational events are not alarms
            index += 1
            t = alarm.time
            lines.append(f"{index:<7}{level[alarm.severity]:<10}{t:%Y-%m-%d %H:%M:%S} {alarm.text}")
        if not index:
            lines.append("No alarm found.")
        return [*lines, _RULE]

    def display_trapbuffer(self) -> list[str]:
        alarms = sorted(self.state.alarms, key=lambda a: a.time, reverse=True)
        lines = [
            "Trapping buffer configuration and contents : enabled",
            "Allowed max buffer size : 1024",
            "Actual buffer size : 256",
            "Channel number : 3 , Channel name : trapbuffer",
            "Dropped messages : 0",
            "Overwritten messages : 0",
            f"Current messages : {len(alarms)}",
            "",
        ]
        for alarm in alarms:
            t = alarm.time
            lines.append(
                f"#{t:%b %d %Y %H:%M:%S} {self.state.hostname} "
                f"{alarm.facility}/{SEVERITY_LEVEL.get(alarm.severity, 5)}/"
                f"{alarm.mnemonic}:{alarm.text}"
            )
        return lines

    def display_current_configuration(self) -> list[str]:
        return self._configuration(saved=False)

    def display_saved_configuration(self) -> list[str]:
        return self._configuration(saved=True)

    def _configuration(self, *, saved: bool) -> list[str]:
        """The configuration as saved or in use: unsaved lines make them differ."""
        s = self.state
        user = self.options.login[0] if self.options.login else "admin"
        saved_at = s.clock - timedelta(hours=5, minutes=12)
        changed_at = s.clock - timedelta(minutes=20) if s.unsaved_lines else saved_at
        lines = [
            "!Software Version " + s.version,
            f"!Last configuration was {'saved' if saved else 'updated'} at "
            f"{saved_at if saved else changed_at:%Y-%m-%d %H:%M:%S}+00:00",
            "#",
            f" sysname {s.hostname}",
            "#",
            "aaa",
            " authentication-scheme default",
            " authorization-scheme default",
            " accounting-scheme default",
            " domain default",
            f" local-user {user} password irreversible-cipher "
            "%^%#x*Yq8?S-W~;T1$D.b&'I<f\\vN!D@1~r^B]w4Vc/%^%#",
            f" local-user {user} privilege level 15",
            f" local-user {user} service-type terminal ssh",
            "#",
        ]
        for itf in s.interfaces:
            lines.append(f"interface {itf.name}")
            if itf.ip:
                lines.append(f" ip address {itf.ip} 255.255.255.0")
            if not itf.admin_up:
                lines.append(" shutdown")
            lines.append("#")
        lines += [
            "snmp-agent",
            'snmp-agent community read cipher %^%#u$Z=P"gj`3k-vT2u[QCyG1Zb%^%#',
            "snmp-agent sys-info version v2c v3",
            "#",
            *s.config_lines,
            *([] if saved else s.unsaved_lines),
            "#",
            "user-interface con 0",
            " authentication-mode aaa",
            "user-interface vty 0 4",
            " authentication-mode aaa",
            "#",
            "return",
        ]
        return lines

    def display_clock(self) -> list[str]:
        t = self.state.clock
        return [f"{t:%Y-%m-%d %H:%M:%S}+00:00", f"{t:%A}", "Time Zone(DefaultZoneName) : UTC"]


SEVERITY_LEVEL = {"critical": 1, "major": 2, "minor": 3, "warning": 4, "info": 6}


def _no_args(handler: Callable[[], list[str]]) -> Callable[[list[str]], list[str]]:
    return lambda args: handler()

"""What a device driver tells the console layer about its console.

A plugin API will wrap :class:`ConsoleProfile`; the two built-in profiles cover Cisco IOS and
Huawei VRP and double as examples for plugin authors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assettrack.console.prompts import angle_prompt, bracket_prompt, exec_prompts

_FRAMING = re.compile(r"^([5-8])([NEOMS])(1|1\.5|2)$")


def framing_parts(framing: str) -> tuple[str, str, str]:
    """``"8N1"`` -> ("8", "N", "1"); a ValueError saying why for anything else."""
    match = _FRAMING.match(framing.strip().upper())
    if not match:
        raise ValueError(
            f"{framing!r} is not a line framing; write data bits, parity and stop bits, "
            "e.g. 8N1 or 7E1"
        )
    bits, parity, stop = match.groups()
    return bits, parity, stop


def parse_framing(framing: str) -> tuple[int, str, float]:
    """``"8N1"`` -> (bytesize, parity, stopbits) as pyserial wants them."""
    bits, parity, stop = framing_parts(framing)
    # Here, not above: every command loads the plugins, whose profiles are made (and their
    # framing checked, framing_parts) when this module is imported; few open a console.
    import serial

    parities = {
        "N": serial.PARITY_NONE,
        "E": serial.PARITY_EVEN,
        "O": serial.PARITY_ODD,
        "M": serial.PARITY_MARK,
        "S": serial.PARITY_SPACE,
    }
    stop_bits = {
        "1": serial.STOPBITS_ONE,
        "1.5": serial.STOPBITS_ONE_POINT_FIVE,
        "2": serial.STOPBITS_TWO,
    }
    return int(bits), parities[parity], stop_bits[stop]


@dataclass(frozen=True)
class ConsoleProfile:
    """Console facts of one device family. Patterns are regular expressions."""

    name: str
    # Prompts are matched against the last line of what was received, nothing else.
    prompt_patterns: tuple[str, ...]
    baud: int = 9600
    framing: str = "8N1"
    privileged_prompt_pattern: str | None = None
    login_prompt: str = r"(?i)(username|login)\s*:\s*$"
    password_prompt: str = r"(?i)password\s*:\s*$"
    # Messages that explain a refused login; a re-asked login prompt is a refusal anyway.
    login_failure_patterns: tuple[str, ...] = ()
    enable_command: str | None = None
    enable_password_prompt: str | None = None
    paging_off_commands: tuple[str, ...] = ()
    paging_marker: str | None = None
    # Answer sent to a paging marker: a space shows the next page.
    paging_answer: str = " "
    # The vendor's "invalid command" markers, matched per line of a command's output.
    error_patterns: tuple[str, ...] = ()
    line_ending: str = "\r"
    encoding: str = "utf-8"
    # Devices echo what is typed; the echo tells a fresh prompt from a stale one.
    echo: bool = True

    def __post_init__(self) -> None:
        framing_parts(self.framing)
        for pattern in self._all_patterns():
            re.compile(pattern)

    def _all_patterns(self) -> list[str]:
        optional = [self.privileged_prompt_pattern, self.enable_password_prompt, self.paging_marker]
        return [
            *self.prompt_patterns,
            self.login_prompt,
            self.password_prompt,
            *self.login_failure_patterns,
            *self.error_patterns,
            *(p for p in optional if p),
        ]


_USER, _PRIVILEGED = exec_prompts()

CISCO_IOS = ConsoleProfile(
    name="cisco_ios",
    prompt_patterns=(_USER, _PRIVILEGED),
    privileged_prompt_pattern=_PRIVILEGED,
    login_failure_patterns=(
        r"^% Login invalid",
        r"^% Authentication failed",
        r"^% Bad passwords",
        r"^% Bad secrets",
        r"^% Access denied",
    ),
    enable_command="enable",
    enable_password_prompt=r"(?i)password\s*:\s*$",
    paging_off_commands=("terminal length 0", "terminal width 511"),
    paging_marker=r" ?--More-- ?",
    error_patterns=(
        r"^% Invalid input detected",
        r"^% Unknown command",
        r"^% Incomplete command",
        r"^% Ambiguous command",
    ),
)

HUAWEI_VRP = ConsoleProfile(
    name="huawei_vrp",
    prompt_patterns=(angle_prompt(), bracket_prompt()),
    login_failure_patterns=(r"^Error: .*(authenticat|password)",),
    paging_off_commands=("screen-length 0 temporary",),
    paging_marker=r"[ \t]*---- More ----",
    error_patterns=(
        r"^Error: ?Unrecognized command",
        r"^Error: ?Incomplete command",
        r"^Error: ?Ambiguous command",
        r"^Error: ?Wrong parameter",
        r"^Error: ?Too many parameters",
    ),
)

PROFILES: dict[str, ConsoleProfile] = {p.name: p for p in (CISCO_IOS, HUAWEI_VRP)}

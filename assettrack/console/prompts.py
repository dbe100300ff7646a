"""Prompt patterns most network consoles share, for console profiles.

Prompts are matched against the last line received, nothing else (see ``ConsoleProfile``):
each pattern is anchored at both ends of that line, trailing spaces allowed.
"""

from __future__ import annotations

PROMPT_NAME = r"[\w.\-@/:]{1,63}"
"""A device name as it appears in a prompt: letters, digits and ``. - @ / :``, 1-63 long."""

ANGLE_NAME = r"[\w.\-@/:~]{1,63}"
"""The name inside ``<...>`` (Huawei VRP, H3C Comware user view); ``~`` allowed."""

BRACKET_NAME = r"[\w.\-@/:~*]{1,80}"
"""The view inside ``[...]`` (system view): the name, ``~`` or ``*`` (VRP 8's uncommitted
changes), a ``-`` and the sub-view (``[HUAWEI-GigabitEthernet0/0/1]``)."""


def exec_prompts(name: str = PROMPT_NAME) -> tuple[str, str]:
    """Cisco-style prompts ``(user, privileged)``: ``name>`` and ``name#`` or
    ``name(config-if)#``. Many vendors copy them (Ruijie, Arista, Dell OS)."""
    return rf"^{name}>\s*$", rf"^{name}(\(config[\w.\-@/:+]{{0,32}}\))?#\s*$"


def angle_prompt(name: str = ANGLE_NAME) -> str:
    """``<name>``: the user view of Huawei VRP and H3C Comware."""
    return rf"^<{name}>\s*$"


def bracket_prompt(name: str = BRACKET_NAME) -> str:
    """``[name]``: the system view of Huawei VRP and H3C Comware (``[~name]``, ``[*name]``,
    ``[name-GigabitEthernet1/0/1]`` too)."""
    return rf"^\[{name}\]\s*$"

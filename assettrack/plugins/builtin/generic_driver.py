"""The fallback console driver: any device with a CLI prompt.

It matches every asset with the lowest score, so a vendor driver always wins. It runs no
commands: waking the console proves the cable and line speed, and the transcript is kept for
the record (the reader takes the hostname from the prompt for every driver).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from assettrack.console.profile import ConsoleProfile
from assettrack.domain.models import Asset
from assettrack.domain.readings import Readings
from assettrack.plugins.hookspecs import hookimpl
from assettrack.plugins.types import DeviceDriver

GENERIC_PROFILE = ConsoleProfile(
    name="generic",
    prompt_patterns=(
        r"^[\w.\-@/:~]{1,63}(\([\w.\-]{1,32}\))?[>#$%]\s*$",
        r"^<[\w.\-@/:~]{1,63}>\s*$",
        r"^\[[\w.\-@/:~*]{1,80}\]\s*$",
    ),
    paging_marker=r"(--More--|---- More ----)",
    error_patterns=(r"^% ?(Invalid|Unknown|Incomplete)", r"^Error: ?Unrecognized command"),
)


def _match(asset: Asset) -> int:
    return 1


def _parse(outputs: Mapping[str, str]) -> Readings:
    return Readings()


GENERIC_DRIVER = DeviceDriver(
    name="generic",
    match=_match,
    console=GENERIC_PROFILE,
    commands=(),
    parse=_parse,
    description="Any device with a command prompt: checks the console, keeps the transcript.",
)


@hookimpl
def assettrack_register_drivers(register: Callable[[DeviceDriver], None]) -> None:
    register(GENERIC_DRIVER)

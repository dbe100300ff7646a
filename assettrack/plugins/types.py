"""What plugins hand to assettrack through the ``register`` callbacks.

These are public: plugin authors import them from ``assettrack.api``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from assettrack.console.profile import ConsoleProfile
from assettrack.domain.models import Asset
from assettrack.domain.readings import Readings

if TYPE_CHECKING:
    from assettrack.services.assets import AssetView


@dataclass(frozen=True)
class ConfigCommands:
    """The commands that print a device's configuration, for capture and diff.

    ``running`` prints the configuration in use (``show running-config``,
    ``display current-configuration``); ``saved`` the one the device boots with
    (``show startup-config``, ``display saved-configuration``): when the two differ, the
    record is flagged "running configuration not saved". ``ignore`` are regular expressions
    of lines that change without a change of configuration (a header with the time or the
    size): they are left out of the comparison and of the diff.
    """

    running: str
    saved: str | None = None
    ignore: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for pattern in self.ignore:
            re.compile(pattern)


@dataclass(frozen=True)
class DeviceDriver:
    """How to read one device family's status over its console.

    ``match`` scores an asset: 0 means "not mine"; the highest score wins, so a driver for
    one model (score 100) beats its vendor's driver (50), which beats the generic one (1).
    ``commands`` are run in order once the console is ready; ``parse`` turns their outputs
    (command -> text) into standard :class:`Readings`. A parse failure must leave a reading
    empty, never raise: assettrack keeps the raw output either way.
    """

    name: str
    match: Callable[[Asset], int]
    console: ConsoleProfile
    commands: Sequence[str]
    parse: Callable[[Mapping[str, str]], Readings]
    description: str = ""
    # The whole read (wake, login, every command, parse) must finish within this time.
    deadline_seconds: float = 120.0
    # How the device prints its configuration (None: the read captures no configuration).
    config: ConfigCommands | None = None
    # Secrets this family prints beyond the built-in ones (Cisco ``secret 5``, ``password 7``,
    # SNMP communities, Huawei/H3C ``cipher``...): regular expressions, matched per line,
    # ignoring case; the named group ``v`` (else the whole match) is masked in the stored
    # configuration, its diff and the transcript.
    secret_patterns: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for pattern in self.secret_patterns:
            re.compile(pattern)  # a mistyped pattern fails where the driver is made


@dataclass(frozen=True)
class Exporter:
    """An export format for ``assettrack export assets --format NAME`` and the TUI."""

    name: str
    description: str
    extension: str
    render: Callable[[Sequence[AssetView], date], str]


@dataclass(frozen=True)
class AssetKind:
    """A kind of equipment, e.g. ``wireless_controller`` labelled "Wireless controller"."""

    name: str
    label: str = ""
    aliases: tuple[str, ...] = field(default_factory=tuple)

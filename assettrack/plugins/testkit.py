"""What a plugin's tests need beyond the fixtures: a console read as ``assettrack inspect``
does it, the register's checks, warranty answers. Re-exported by ``assettrack.testing``.

Every helper runs assettrack's real code (no stand-ins), so a test that passes here passes
in the app.
"""

from __future__ import annotations

from datetime import date

from assettrack.domain.models import Asset
from assettrack.domain.readings import Readings
from assettrack.domain.warranty import WarrantyRules, WarrantyStatus, warranty_status
from assettrack.plugins.extensions import Extensions
from assettrack.services.console_reader import ConsoleReader, ReadOptions, ReadResult
from assettrack.services.inspections import firmware_change
from assettrack.services.inspections import serial_mismatch as _serial_mismatch

__all__ = [
    "ReadResult",
    "WarrantyRules",
    "WarrantyStatus",
    "firmware_flag",
    "read_console",
    "serial_mismatch",
    "warranty_end",
    "warranty_status",
]


def read_console(
    extensions: Extensions,
    asset: Asset,
    port: str,
    *,
    driver: str | None = None,
    idle_timeout: float = 1.0,
    baud: int | None = None,
    credentials_ref: str | None = None,
) -> ReadResult:
    """Read ``asset``'s console at ``port`` (e.g. the URL ``simulated_console`` returns) as
    ``assettrack inspect`` does: the driver the loaded plugins choose (or ``driver``), wake,
    log in, paging off, every command, parse.

    Returns a ``ReadResult``: ``driver`` (its name), ``readings`` (``Readings``),
    ``outputs`` (command -> output), ``transcript`` (passwords redacted), ``problems``
    (commands the device refused, parse failures), ``plugin_failures`` (plugin failures met
    during the read, one line each), ``seconds``, ``port``. A console that fails raises
    the ``ConsoleError`` the engineer would see (its ``transcript`` attached).
    """
    options = ReadOptions(
        port=port,
        driver=driver,
        baud=baud,
        credentials_ref=credentials_ref,
        idle_timeout=idle_timeout,
    )
    return ConsoleReader(extensions).read(asset, options)


def serial_mismatch(asset: Asset, readings: Readings) -> str | None:
    """The flag an inspection raises when the serial number read differs from the asset's
    (a swapped unit?), or None when they agree or nothing was read."""
    return _serial_mismatch(asset, readings)


def firmware_flag(asset: Asset, readings: Readings) -> str | None:
    """The flag an inspection raises when the firmware read differs from the register's
    (the same version written another way is no change), or None."""
    found = firmware_change(asset, readings)
    return found[1] if found else None


def warranty_end(
    extensions: Extensions,
    asset: Asset,
    today: date,
    configured: WarrantyRules | None = None,
) -> date | None:
    """The asset's warranty end date with the loaded plugins' rules under ``configured``
    (a user's warranty.toml; none by default), as the asset list shows it."""
    rules = extensions.warranty_rules(configured or WarrantyRules())
    return warranty_status(asset, rules, today).end

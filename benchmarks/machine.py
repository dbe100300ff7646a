"""What else the machine was doing: benchmark figures on a shared machine say so."""

from __future__ import annotations

import os


def load_line() -> str:
    """The run-queue load averages against the cores, where the OS tells them."""
    try:
        one, five, _ = os.getloadavg()
    except (AttributeError, OSError):
        return "machine load: not known on this system"
    return f"machine load: {one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} cores"

"""Fixtures that start real simulators (pty and TCP on 127.0.0.1) and close everything."""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from assettrack.console import CISCO_IOS, HUAWEI_VRP, ConsoleProfile, ConsoleSession
from assettrack.console.simulator import PtySimulator, Simulator, TcpSimulator

HAS_PTY = hasattr(os, "openpty") and sys.platform != "win32"
TRANSPORTS = ["pty", "tcp"] if HAS_PTY else ["tcp"]
PROFILES = {"cisco": CISCO_IOS, "huawei": HUAWEI_VRP}
# Small limits keep the suite fast; the simulator answers in milliseconds.
IDLE = 0.3
DEADLINE = 5.0


def _open_fds() -> set[str] | None:
    """Open terminals and sockets (what a console test could leak), where the OS tells."""
    try:
        names = os.listdir("/proc/self/fd")
    except OSError:
        return None
    found = set()
    for name in names:
        try:
            target = os.readlink(f"/proc/self/fd/{name}")
        except OSError:
            continue  # closed while listing
        if target.startswith(("socket:", "/dev/pts/", "/dev/ptmx")):
            found.add(f"{name}->{target}")
    return found


@pytest.fixture(autouse=True)
def no_leaks() -> Iterator[None]:
    """Every test must stop its simulators and close its ports."""
    threads_before = set(threading.enumerate())
    fds_before = _open_fds()
    yield
    deadline = time.monotonic() + 2
    leaked = [t for t in threading.enumerate() if t not in threads_before]
    while leaked and time.monotonic() < deadline:
        time.sleep(0.01)
        leaked = [t for t in leaked if t.is_alive()]
    assert not leaked, f"threads left running: {leaked}"
    fds_after = _open_fds()
    if fds_before is not None and fds_after is not None:
        assert fds_after <= fds_before, f"left open: {sorted(fds_after - fds_before)}"


SimFactory = Callable[..., Simulator]
SessionFactory = Callable[..., ConsoleSession]


@pytest.fixture
def make_sim() -> Iterator[SimFactory]:
    started: list[Simulator] = []

    def make(transport: str = "pty", vendor: Any = "cisco", **options: Any) -> Simulator:
        cls = PtySimulator if transport == "pty" else TcpSimulator
        sim = cls(vendor, **options)
        started.append(sim)
        return sim.start()

    yield make
    for sim in started:
        sim.stop()


@pytest.fixture
def make_session() -> Iterator[SessionFactory]:
    opened: list[ConsoleSession] = []

    def make(url: str, profile: ConsoleProfile = CISCO_IOS, **options: Any) -> ConsoleSession:
        options.setdefault("idle_timeout", IDLE)
        options.setdefault("timeout", DEADLINE)
        session = ConsoleSession(url, profile, **options)
        opened.append(session)
        return session.open()

    yield make
    for session in opened:
        session.close()


@pytest.fixture(params=TRANSPORTS)
def transport(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(params=["cisco", "huawei"])
def vendor(request: pytest.FixtureRequest) -> str:
    return request.param

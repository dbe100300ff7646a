"""Console read speed: assettrack against the wire time and against Netmiko, same device.

At 9600 and 115200 baud, against the simulated Cisco IOS console paced at the line rate:

- assettrack: ``ConsoleReader.read`` with the installed ``cisco_ios`` plugin, as a field
  engineer runs it; timed from opening the port to the readings parsed (``ReadResult.seconds``:
  open, wake, login, enable, paging off, the driver's commands, close, parse).
- the wire floor: the bytes the device sent in that session x 10 bits / baud, the time a UART
  needs to deliver them (the simulator hands each byte over once its stop bit would have
  arrived). What assettrack types is not in the floor: the line is full duplex and the
  simulator does not pace what it receives. Target: assettrack within 1.2 x the wire floor
  + 100 ms.
- Netmiko 4 (``cisco_ios_serial``): the same commands from the same simulated device on a
  pseudo-terminal (the driver's nine, then the running and startup configuration, as
  assettrack reads them), parsed by the same driver; timed from ``ConnectHandler(...)``
  (open, login, session preparation) through ``enable()``, one ``send_command`` per command
  and ``disconnect()``, to the readings parsed. Target: assettrack at least 5x faster.

Every device starts idle at its login prompt (nothing waiting on the line). Each figure is
the median of ``--runs`` runs, with the fastest and slowest. Netmiko is optional:
``pip install -e '.[bench]'``.

    python benchmarks/console_bench.py [--runs N] [--tcp]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from machine import load_line  # benchmarks/, this script's folder

from assettrack.console.simulator import PtySimulator, Simulator, TcpSimulator
from assettrack.console.transcript import Transcript
from assettrack.domain.models import Asset
from assettrack.domain.readings import Readings
from assettrack.plugins.loader import load_plugins
from assettrack.plugins.types import DeviceDriver
from assettrack.services.console_reader import ConsoleReader, ReadOptions

SPEEDS = (9600, 115200)
USER, PASSWORD, ENABLE = "admin", "bench-pass", "bench-enable"
CREDENTIALS_REF = "env:BENCH_USER,BENCH_PASS,BENCH_ENABLE"
DRIVER = "cisco_ios"
WIRE_FACTOR, WIRE_SLACK = 1.2, 0.1  # assettrack target: <= 1.2 x wire time + 100 ms
SPEEDUP_TARGET = 5.0  # assettrack target: >= 5x faster than Netmiko
HAS_PTY = hasattr(os, "openpty")


@dataclass
class Run:
    seconds: float
    received: int = 0  # bytes the device sent (what the line paces)
    sent: int = 0  # bytes the client typed


@dataclass
class Figure:
    """The median of several runs, with the fastest and the slowest."""

    median: float
    low: float
    high: float
    received: int = 0
    sent: int = 0

    def spread(self) -> str:
        return f"{self.low:.2f}-{self.high:.2f}"


# -- the simulated device ---------------------------------------------------------------------


@contextlib.contextmanager
def device(baud: int, tcp: bool) -> Iterator[Simulator]:
    """A fresh simulated Cisco switch at ``baud``, idle at its login prompt."""
    cls: type[Simulator] = TcpSimulator if tcp else PtySimulator
    with cls("cisco", login=(USER, PASSWORD), enable_secret=ENABLE, baud=baud) as sim:
        if not tcp:
            _settle_pty(sim.url, baud)
        yield sim


def _settle_pty(path: str, baud: int, quiet: float = 0.15, limit: float = 5.0) -> None:
    """Set the line speed, let the banner the console prints at power-on finish, discard it.

    A pseudo-terminal starts at its default speed, so the simulator garbles what it prints
    before a client has set the speed; and bytes left waiting would count on the wire without
    being in the timed window. A real console that booted long ago is simply sitting at its
    login prompt: both sides start from that.
    """
    import fcntl
    import struct
    import termios

    fd = os.open(path, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
    try:
        attrs = termios.tcgetattr(fd)
        attrs[4] = attrs[5] = getattr(termios, f"B{baud}")
        termios.tcsetattr(fd, termios.TCSANOW, attrs)
        deadline = time.monotonic() + limit
        last, since = -1, time.monotonic()
        while time.monotonic() < deadline:
            pending = struct.unpack("i", fcntl.ioctl(fd, termios.TIOCINQ, b"\0\0\0\0"))[0]
            if pending != last:
                last, since = pending, time.monotonic()
            elif time.monotonic() - since >= quiet:
                break
            time.sleep(0.01)
        termios.tcflush(fd, termios.TCIFLUSH)
    finally:
        os.close(fd)


def check(readings: Readings, sim: Simulator, who: str) -> None:
    state = sim.state
    got = (readings.serial_number, readings.os_version, readings.cpu_percent)
    want = (state.serial, state.version, state.cpu_percent)
    if got != want:
        raise SystemExit(f"{who}: readings (serial, version, cpu) {got} should be {want}")


# -- assettrack -------------------------------------------------------------------------------


@contextlib.contextmanager
def transcripts_kept() -> Iterator[list[Transcript]]:
    """Keep each session's transcript: ``ReadResult`` gives the bytes sent and received as
    one sum, and the wire floor needs the device's share alone."""
    made: list[Transcript] = []
    original = Transcript.__init__

    def keep(self: Transcript, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        made.append(self)

    Transcript.__init__ = keep  # type: ignore[method-assign]
    try:
        yield made
    finally:
        Transcript.__init__ = original  # type: ignore[method-assign]


def measure_assettrack(reader: ConsoleReader, baud: int, tcp: bool) -> Run:
    with device(baud, tcp) as sim:
        asset = Asset(
            site_id="s",
            kind="switch",
            vendor="Cisco",
            model=sim.state.model,
            serial_number=sim.state.serial,
        )
        options = ReadOptions(
            port=sim.url, baud=baud, credentials_ref=CREDENTIALS_REF, idle_timeout=3
        )
        with transcripts_kept() as transcripts:
            result = reader.read(asset, options)
        if result.driver != DRIVER:
            raise SystemExit(f"assettrack read with driver {result.driver!r}, not {DRIVER!r}")
        if result.problems:
            raise SystemExit("assettrack: " + "; ".join(result.problems))
        check(result.readings, sim, "assettrack")
        (transcript,) = transcripts
        if transcript.bytes_sent + transcript.bytes_received != result.bytes_exchanged:
            raise SystemExit("assettrack: the kept transcript is not the read's own")
        return Run(result.seconds, transcript.bytes_received, transcript.bytes_sent)


# -- Netmiko ----------------------------------------------------------------------------------


def import_netmiko() -> ModuleType | None:
    try:
        import netmiko
    except ImportError:
        return None
    return netmiko


@contextlib.contextmanager
def pty_allowed() -> Iterator[None]:
    """Netmiko checks that a serial port is one the OS lists (``check_serial_port``, called
    from ``BaseConnection.__init__`` through its own import); a pseudo-terminal is not."""
    import netmiko.base_connection as base

    original = base.check_serial_port
    base.check_serial_port = lambda name: name
    try:
        yield
    finally:
        base.check_serial_port = original


def config_commands(driver: DeviceDriver) -> list[str]:
    config = driver.config
    return [c for c in (config.running, config.saved) if c] if config else []


def measure_netmiko(netmiko: ModuleType, driver: DeviceDriver, baud: int) -> Run:
    with device(baud, tcp=False) as sim, pty_allowed():
        started = time.perf_counter()
        connection = netmiko.ConnectHandler(
            device_type="cisco_ios_serial",
            username=USER,
            password=PASSWORD,
            secret=ENABLE,
            serial_settings={"port": sim.url, "baudrate": baud},
        )
        try:
            connection.enable()
            outputs = {command: connection.send_command(command) for command in driver.commands}
            # assettrack also reads the configuration the driver names: so does Netmiko.
            for command in config_commands(driver):
                connection.send_command(command)
        finally:
            connection.disconnect()
        readings = driver.parse(outputs)
        seconds = time.perf_counter() - started
        check(readings, sim, "Netmiko")
        return Run(seconds)


# -- the report -------------------------------------------------------------------------------


def median_run(measure: Callable[[], Run], runs: int) -> Figure:
    results = [measure() for _ in range(runs)]
    seconds = [r.seconds for r in results]
    return Figure(
        statistics.median(seconds),
        min(seconds),
        max(seconds),
        round(statistics.median(r.received for r in results)),
        round(statistics.median(r.sent for r in results)),
    )


def yes(ok: bool) -> str:
    return "yes" if ok else "NO"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--runs", type=int, default=3, help="runs per figure; the median is reported (default 3)"
    )
    parser.add_argument(
        "--tcp",
        action="store_true",
        help="serve assettrack's device on 127.0.0.1 instead of a "
        "pseudo-terminal (Netmiko's stays on a pseudo-terminal)",
    )
    args = parser.parse_args()
    runs = max(1, args.runs)
    tcp = args.tcp or not HAS_PTY

    os.environ.update(BENCH_USER=USER, BENCH_PASS=PASSWORD, BENCH_ENABLE=ENABLE)
    extensions = load_plugins({})
    if DRIVER not in extensions.drivers:
        raise SystemExit(f"the {DRIVER} plugin is not installed (pip install -e plugins/cisco_ios)")
    driver = extensions.drivers[DRIVER]
    reader = ConsoleReader(extensions)
    netmiko = import_netmiko() if HAS_PTY else None

    print(load_line())
    where = "TCP 127.0.0.1" if tcp else "a pseudo-terminal"
    print(
        f"Simulated Cisco switch, {len(driver.commands)} commands of the {DRIVER} driver "
        f"and {len(config_commands(driver))} configuration commands, assettrack over {where}, "
        f"median of {runs} run(s)"
    )
    if netmiko is not None:
        print(f"Netmiko {netmiko.__version__} (cisco_ios_serial) over a pseudo-terminal")
    print("wire floor: the bytes the device sent x 10 bits / baud (what assettrack types is not")
    print("paced and not counted); times in seconds, median (fastest-slowest)")
    header = (
        f"{'baud':>7} {'device B':>8} {'typed B':>7} {'floor s':>7} {'assettrack s':>17} "
        f"{'ratio':>6} {'≤1.2f+0.1':>9} {'netmiko s':>17} {'speed-up':>8} {'≥5x':>4}"
    )
    print(header)
    print("-" * len(header))
    verdicts: list[bool] = []
    capped: list[str] = []
    for baud in SPEEDS:
        ours = median_run(lambda b=baud: measure_assettrack(reader, b, tcp), runs)
        floor = ours.received * 10 / baud
        near_wire = ours.median <= WIRE_FACTOR * floor + WIRE_SLACK
        verdicts.append(near_wire)
        row = (
            f"{baud:>7} {ours.received:>8} {ours.sent:>7} {floor:>7.2f} "
            f"{ours.median:>5.2f} ({ours.spread():>9}) {ours.median / floor:>6.2f} "
            f"{yes(near_wire):>9}"
        )
        if netmiko is not None:
            theirs = median_run(lambda b=baud: measure_netmiko(netmiko, driver, b), runs)
            speedup = theirs.median / ours.median
            verdicts.append(speedup >= SPEEDUP_TARGET)
            if theirs.median / floor < SPEEDUP_TARGET:
                capped.append(
                    f"at {baud} baud the device's bytes alone take {floor:.2f} s of Netmiko's "
                    f"{theirs.median:.2f} s: no client can be {SPEEDUP_TARGET:g}x faster there "
                    f"(about {theirs.median / floor:.1f}x at most)"
                )
            row += (
                f" {theirs.median:>5.2f} ({theirs.spread():>9}) {speedup:>7.1f}x "
                f"{yes(speedup >= SPEEDUP_TARGET):>4}"
            )
        else:
            row += f" {'-':>17} {'-':>8} {'-':>4}"
        print(row, flush=True)
    for note in capped:
        print(f"Note: {note}.")

    if netmiko is None:
        reason = (
            "it needs a pseudo-terminal (Linux or macOS)"
            if not HAS_PTY
            else "it is not installed: pip install -e '.[bench]'"
        )
        print(f"Netmiko comparison skipped: {reason}")
        print(
            "All measured targets met (Netmiko not measured)."
            if all(verdicts)
            else "Targets NOT all met."
        )
    else:
        print("All targets met." if all(verdicts) else "Targets NOT all met.")
    print(f"At the end, {load_line()}")


if __name__ == "__main__":
    main()

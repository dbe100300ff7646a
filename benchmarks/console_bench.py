"""Console read speed: assettrack against the wire time and against Netmiko, same device.

At 9600 and 115200 baud, against the simulated Cisco IOS console paced at the line rate:

- assettrack: ``ConsoleReader.read`` with the installed ``cisco_ios`` plugin, as a field
  engineer runs it; timed from opening the port to the readings parsed (``ReadResult.seconds``:
  open, wake, login, enable, paging off, the driver's commands, close, parse).
- the wire floor: the bytes that session exchanged x 10 bits / baud. Target: assettrack within
  1.2 x the wire time + 100 ms.
- Netmiko 4 (``cisco_ios_serial``): the same commands from the same simulated device on a
  pseudo-terminal, parsed by the same driver; timed from ``ConnectHandler(...)`` (open, login,
  session preparation) through ``enable()``, one ``send_command`` per command and
  ``disconnect()``, to the readings parsed. Target: assettrack at least 5x faster.

Every device starts idle at its login prompt (nothing waiting on the line) and each figure is
the median of ``--runs`` runs. Netmiko is optional: ``pip install -e '.[bench]'``.

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

from assettrack.console.simulator import PtySimulator, Simulator, TcpSimulator
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
    bytes_exchanged: int = 0


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

def measure_assettrack(reader: ConsoleReader, baud: int, tcp: bool) -> Run:
    with device(baud, tcp) as sim:
        asset = Asset(site_id="s", kind="switch", vendor="Cisco", model=sim.state.model,
                      serial_number=sim.state.serial)
        options = ReadOptions(port=sim.url, baud=baud, credentials_ref=CREDENTIALS_REF,
                              idle_timeout=3)
        result = reader.read(asset, options)
        if result.driver != DRIVER:
            raise SystemExit(f"assettrack read with driver {result.driver!r}, not {DRIVER!r}")
        if result.problems:
            raise SystemExit("assettrack: " + "; ".join(result.problems))
        check(result.readings, sim, "assettrack")
        return Run(result.seconds, result.bytes_exchanged)


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


def measure_netmiko(netmiko: ModuleType, driver: DeviceDriver, baud: int) -> Run:
    with device(baud, tcp=False) as sim, pty_allowed():
        started = time.perf_counter()
        connection = netmiko.ConnectHandler(
            device_type="cisco_ios_serial", username=USER, password=PASSWORD, secret=ENABLE,
            serial_settings={"port": sim.url, "baudrate": baud},
        )
        try:
            connection.enable()
            outputs = {command: connection.send_command(command) for command in driver.commands}
        finally:
            connection.disconnect()
        readings = driver.parse(outputs)
        seconds = time.perf_counter() - started
        check(readings, sim, "Netmiko")
        return Run(seconds)


# -- the report -------------------------------------------------------------------------------

def median_run(measure: Callable[[], Run], runs: int) -> Run:
    results = [measure() for _ in range(runs)]
    return Run(statistics.median(r.seconds for r in results),
               round(statistics.median(r.bytes_exchanged for r in results)))


def yes(ok: bool) -> str:
    return "yes" if ok else "NO"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3,
                        help="runs per figure; the median is reported (default 3)")
    parser.add_argument("--tcp", action="store_true",
                        help="serve assettrack's device on 127.0.0.1 instead of a "
                             "pseudo-terminal (Netmiko's stays on a pseudo-terminal)")
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

    where = "TCP 127.0.0.1" if tcp else "a pseudo-terminal"
    print(f"Simulated Cisco switch, {len(driver.commands)} commands of the {DRIVER} driver, "
          f"assettrack over {where}, median of {runs} run(s)")
    if netmiko is not None:
        print(f"Netmiko {netmiko.__version__} (cisco_ios_serial) over a pseudo-terminal")
    header = (f"{'baud':>7} {'bytes':>6} {'wire s':>7} {'assettrack s':>12} {'ratio':>6} "
              f"{'≤1.2w+0.1':>9} {'netmiko s':>9} {'speed-up':>8} {'≥5x':>4}")
    print(header)
    print("-" * len(header))
    verdicts: list[bool] = []
    capped: list[str] = []
    for baud in SPEEDS:
        ours = median_run(lambda b=baud: measure_assettrack(reader, b, tcp), runs)
        wire = ours.bytes_exchanged * 10 / baud
        near_wire = ours.seconds <= WIRE_FACTOR * wire + WIRE_SLACK
        verdicts.append(near_wire)
        row = (f"{baud:>7} {ours.bytes_exchanged:>6} {wire:>7.2f} {ours.seconds:>12.2f} "
               f"{ours.seconds / wire:>6.2f} {yes(near_wire):>9}")
        if netmiko is not None:
            theirs = median_run(lambda b=baud: measure_netmiko(netmiko, driver, b), runs)
            speedup = theirs.seconds / ours.seconds
            verdicts.append(speedup >= SPEEDUP_TARGET)
            if theirs.seconds / wire < SPEEDUP_TARGET:
                capped.append(f"at {baud} baud the line alone takes {wire:.2f} s of Netmiko's "
                              f"{theirs.seconds:.2f} s: no client can be {SPEEDUP_TARGET:g}x "
                              f"faster there (about {theirs.seconds / wire:.1f}x at most)")
            row += f" {theirs.seconds:>9.2f} {speedup:>7.1f}x {yes(speedup >= SPEEDUP_TARGET):>4}"
        else:
            row += f" {'-':>9} {'-':>8} {'-':>4}"
        print(row, flush=True)
    for note in capped:
        print(f"Note: {note}.")

    if netmiko is None:
        reason = ("it needs a pseudo-terminal (Linux or macOS)" if not HAS_PTY
                  else "it is not installed: pip install -e '.[bench]'")
        print(f"Netmiko comparison skipped: {reason}")
        print("All measured targets met (Netmiko not measured)." if all(verdicts)
              else "Targets NOT all met.")
    else:
        print("All targets met." if all(verdicts) else "Targets NOT all met.")


if __name__ == "__main__":
    main()

"""Console read speed against the simulated Cisco console, next to the wire time.

For each line speed: the time from opening the port to having read every output of the
Cisco status command set (wake, login, enable, paging off included), and the time the
exchanged bytes need on the wire alone (bytes x 10 bits / baud). A ratio near 1 means the
session adds almost nothing to the line itself: no fixed sleeps.

    python benchmarks/console_bench.py [--tcp]
"""

from __future__ import annotations

import argparse
import os
import time

from assettrack.console import CISCO_IOS, ConsoleSession, Credentials
from assettrack.console.simulator import PtySimulator, Simulator, TcpSimulator

COMMANDS = (
    "show version",
    "show inventory",
    "show environment all",
    "show processes cpu | include CPU utilization",
    "show processes memory sorted",
    "show ip interface brief",
    "show logging",
)
SPEEDS = (9600, 115200)
CREDENTIALS = Credentials("admin", "bench-pass", "bench-enable")


def measure(baud: int, tcp: bool) -> tuple[int, int, float]:
    cls: type[Simulator] = TcpSimulator if tcp or not hasattr(os, "openpty") else PtySimulator
    with cls("cisco", login=("admin", "bench-pass"), enable_secret="bench-enable",
             baud=baud) as sim:
        session = ConsoleSession(sim.url, CISCO_IOS, baud=baud, idle_timeout=3, timeout=120)
        started = time.perf_counter()
        with session:
            session.wake()
            session.login(CREDENTIALS)
            session.disable_paging()
            for command in COMMANDS:
                session.run(command)
            elapsed = time.perf_counter() - started
        transcript = session.transcript
        return transcript.bytes_sent, transcript.bytes_received, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tcp", action="store_true",
                        help="serve on 127.0.0.1 instead of a pseudo-terminal")
    args = parser.parse_args()
    where = "TCP 127.0.0.1" if args.tcp else "pseudo-terminal"
    print(f"Cisco status command set ({len(COMMANDS)} commands) over a {where}")
    print(f"{'baud':>7} {'sent B':>8} {'recv B':>8} {'elapsed s':>10} {'wire s':>8} {'ratio':>6}")
    for baud in SPEEDS:
        sent, received, elapsed = measure(baud, args.tcp)
        wire = (sent + received) * 10 / baud
        print(f"{baud:>7} {sent:>8} {received:>8} {elapsed:>10.2f} {wire:>8.2f} "
              f"{elapsed / wire:>6.2f}")


if __name__ == "__main__":
    main()

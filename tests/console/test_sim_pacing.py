"""The simulator paces its output as a UART does: no byte reaches the client before its
line time (10 bits at the line speed, counted from when the line was free) has passed.

A lower bound only: a slow or busy machine makes bytes later, never earlier, so these
checks cannot fail for want of speed. The console benchmark's wire floor relies on them.
"""

from __future__ import annotations

import socket
import threading
import time

from assettrack.console.simulator.transport import _SocketChannel

BAUD = 19200  # 0.52 ms a byte; the channel hands over about 9 bytes (4.7 ms) at a time


def _arrivals(
    writes: list[bytes], gap: float = 0.0
) -> tuple[float, list[tuple[float, int]], bytes]:
    """Write each of ``writes`` through a paced channel (``gap`` seconds apart) and read
    them at the far end: when the writing began, (time, bytes so far) at each arrival, and
    everything that arrived."""
    device, client = socket.socketpair()
    stop = threading.Event()
    channel = _SocketChannel(device, BAUD, stop)
    total = sum(len(w) for w in writes)

    def write() -> None:
        for data in writes:
            channel.write(data)
            time.sleep(gap)

    started = time.monotonic()
    writer = threading.Thread(target=write)
    writer.start()
    arrivals: list[tuple[float, int]] = []
    received = bytearray()
    try:
        client.settimeout(5)
        while len(received) < total:
            chunk = client.recv(4096)
            assert chunk, "the channel closed before everything arrived"
            received += chunk
            arrivals.append((time.monotonic(), len(received)))
    finally:
        writer.join(timeout=5)
        channel.close()
        client.close()
    return started, arrivals, bytes(received)


def test_no_byte_arrives_before_its_line_time() -> None:
    reply = b"Switch#show version\r\n" + b"x" * 70 + b"\r\nSwitch#"
    started, arrivals, received = _arrivals([reply])
    assert received == reply
    for at, so_far in arrivals:
        # The bytes so far need so_far x 10 bits of line time from the start at least.
        assert at - started >= so_far * 10 / BAUD, (at - started, so_far)
    # The reply's last chunk (the prompt) above all: the whole reply's line time.
    last_at, _ = arrivals[-1]
    assert last_at - started >= len(reply) * 10 / BAUD


def test_a_byte_written_on_an_idle_line_still_takes_its_own_line_time() -> None:
    # An echo typed after a pause: the line was idle, so the byte's time starts when it is
    # written, not when the line went quiet.
    started, arrivals, received = _arrivals([b"a", b"b"], gap=0.05)
    assert received == b"ab"
    first_at, _ = arrivals[0]
    assert first_at - started >= 10 / BAUD
    last_at, _ = arrivals[-1]
    assert last_at - started >= 0.05 + 2 * 10 / BAUD

"""Where a simulated console is served: a pseudo-terminal or a TCP port on 127.0.0.1.

Each simulator runs its device in background threads, has ``start()``/``stop()`` and is a
context manager, so a test can ``with PtySimulator("cisco") as sim:`` and open ``sim.url``.
"""

from __future__ import annotations

import contextlib
import os
import select
import socket
import threading
import time
from dataclasses import replace
from types import TracebackType
from typing import Any

from assettrack.console.simulator.cisco import CiscoConsole
from assettrack.console.simulator.comware import ComwareConsole
from assettrack.console.simulator.engine import Closed, DeviceConsole, SimOptions
from assettrack.console.simulator.huawei import HuaweiConsole
from assettrack.console.simulator.sim_profile import SimProfile
from assettrack.console.simulator.state import DeviceState, preset

CONSOLES: dict[str, type[DeviceConsole]] = {
    "cisco": CiscoConsole,
    "huawei": HuaweiConsole,
    "h3c": ComwareConsole,
}
LOOPBACK = "127.0.0.1"


class _PacedChannel:
    """Output at the wire rate: 10 bits per byte (start, 8 data, stop) at ``baud``; each
    byte is handed over when its last bit would have arrived, never before."""

    def __init__(self, baud: int | None, stop: threading.Event) -> None:
        self._baud = baud
        self._stop = stop
        self._free_at = 0.0
        self._lock = threading.Lock()
        self._closed = False

    def write(self, data: bytes) -> None:
        if not self._baud:
            self._write_all(data)
            return
        # About 5 ms of line time per chunk: smooth enough, without a syscall per byte.
        step = max(1, self._baud // 10 // 200)
        for start in range(0, len(data), step):
            chunk = data[start : start + step]
            # A byte is there once its stop bit has crossed the line: each chunk waits out
            # its own line time first, so no chunk (a reply's last, with the prompt, above
            # all) reaches the client before a real UART could have delivered it.
            self._free_at = max(self._free_at, time.monotonic()) + len(chunk) * 10 / self._baud
            self._wait_until(self._free_at)
            self._write_all(chunk)

    def _wait_until(self, due: float) -> None:
        # Event.wait may wake a hair early; loop until the clock says the line is free.
        while (left := due - time.monotonic()) > 0:
            if self._stop.wait(left):
                raise Closed()

    def _write_all(self, data: bytes) -> None:
        raise NotImplementedError

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._release()

    def _release(self) -> None:
        raise NotImplementedError

    def drain(self, limit: float) -> None:
        """Wait until written bytes have reached the client, where the transport can tell."""

    def line_speed(self) -> int | None:
        return None


class _PtyChannel(_PacedChannel):
    def __init__(self, master: int, slave: int, baud: int | None, stop: threading.Event) -> None:
        super().__init__(baud, stop)
        self.master = master
        self.slave = slave

    def read(self, timeout: float) -> bytes:
        if self._closed:
            raise Closed()
        try:
            ready, _, _ = select.select([self.master], [], [], timeout)
            return os.read(self.master, 4096) if ready else b""
        except BlockingIOError:
            return b""
        except (OSError, ValueError):
            raise Closed() from None

    def _write_all(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            if self._stop.is_set() or self._closed:
                raise Closed()
            try:
                view = view[os.write(self.master, view) :]
            except BlockingIOError:
                # The other end is not reading; wait, but keep listening for stop().
                select.select([], [self.master], [], 0.05)
            except (OSError, ValueError):
                raise Closed() from None

    def _release(self) -> None:
        for fd in (self.master, self.slave):
            with contextlib.suppress(OSError):
                os.close(fd)

    def drain(self, limit: float) -> None:
        """Wait until the client has read what was written (a pty drops unread input on
        hang-up, while a pulled cable only loses the bytes still on the wire)."""
        import fcntl
        import struct
        import termios

        deadline = time.monotonic() + limit
        while time.monotonic() < deadline and not self._stop.is_set():
            try:
                pending = fcntl.ioctl(self.slave, termios.TIOCINQ, struct.pack("i", 0))
            except OSError:
                return
            if struct.unpack("i", pending)[0] == 0:
                return
            self._stop.wait(0.005)

    def line_speed(self) -> int | None:
        import termios

        try:
            speed = termios.tcgetattr(self.slave)[5]
        except (termios.error, OSError):
            return None
        return _speed_names().get(speed)


class _SocketChannel(_PacedChannel):
    def __init__(self, conn: socket.socket, baud: int | None, stop: threading.Event) -> None:
        super().__init__(baud, stop)
        self.conn = conn
        conn.setblocking(False)

    def read(self, timeout: float) -> bytes:
        if self._closed:
            raise Closed()
        try:
            ready, _, _ = select.select([self.conn], [], [], timeout)
            if not ready:
                return b""
            data = self.conn.recv(4096)
        except BlockingIOError:
            return b""
        except (OSError, ValueError):
            raise Closed() from None
        if not data:
            raise Closed()  # the client hung up
        return data

    def _write_all(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            if self._stop.is_set() or self._closed:
                raise Closed()
            try:
                view = view[self.conn.send(view) :]
            except BlockingIOError:
                select.select([], [self.conn], [], 0.05)
            except (OSError, ValueError):
                raise Closed() from None

    def _release(self) -> None:
        with contextlib.suppress(OSError):
            self.conn.shutdown(socket.SHUT_RDWR)
        self.conn.close()


def _speed_names() -> dict[int, int]:
    import termios

    names = {}
    for rate in (1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400):
        constant = getattr(termios, f"B{rate}", None)
        if constant is not None:
            names[constant] = rate
    return names


class Simulator:
    """A simulated device console served in background threads.

    ``state`` is a vendor name ("cisco"), a ``DeviceState`` of a built-in vendor, or a
    ``SimProfile`` (a console described as data, or a replayed transcript).
    """

    def __init__(
        self,
        state: DeviceState | SimProfile | str = "cisco",
        options: SimOptions | None = None,
        **option_changes: Any,
    ) -> None:
        self.state = preset(state) if isinstance(state, str) else state
        base = options or SimOptions()
        if isinstance(self.state, SimProfile):
            base = self.state.default_options(base)
        elif self.state.vendor not in CONSOLES:
            raise ValueError(f"no simulated console for vendor {self.state.vendor!r}")
        self.options = replace(base, **option_changes)
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._started = False
        self.url = ""

    def start(self) -> Simulator:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Simulator:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _console(self, channel: Any) -> DeviceConsole:
        if isinstance(self.state, SimProfile):
            return self.state.console(self.options, channel, self._stop)
        return CONSOLES[self.state.vendor](self.state, self.options, channel, self._stop)

    def _spawn(self, target: Any, name: str) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        self._threads.append(thread)
        thread.start()

    def _join(self) -> None:
        for thread in self._threads:
            thread.join(timeout=5)
        self._threads.clear()


class PtySimulator(Simulator):
    """The console on a pseudo-terminal; ``url`` is the terminal's path (POSIX only)."""

    def start(self) -> PtySimulator:
        if self._started:
            return self
        if not hasattr(os, "openpty"):
            raise RuntimeError("pseudo-terminals need Linux or macOS; use TcpSimulator here")
        import tty

        master, slave = os.openpty()
        tty.setraw(slave)  # no echo or line editing by the terminal: the device does that
        if self.options.baud:
            # A new terminal starts at 38400 baud: set the device's own speed before the
            # banner goes out, or a client at the right speed would see it garbled.
            import termios

            constant = getattr(termios, f"B{self.options.baud}", None)
            if constant is not None:
                attributes = termios.tcgetattr(slave)
                attributes[4] = attributes[5] = constant
                termios.tcsetattr(slave, termios.TCSANOW, attributes)
        os.set_blocking(master, False)
        self.url = os.ttyname(slave)
        # Keeping our slave end open lets clients come and go like on a real serial line.
        self._channel = _PtyChannel(master, slave, self.options.baud, self._stop)
        self._spawn(self._console(self._channel).serve, f"sim-pty-{self.state.vendor or 'device'}")
        self._started = True
        return self

    def stop(self) -> None:
        if not self._started:
            return
        self._stop.set()
        self._join()
        self._channel.close()
        self._started = False


class TcpSimulator(Simulator):
    """The console on a TCP port of 127.0.0.1, as a console server presents it.

    ``url`` is ``socket://127.0.0.1:PORT``; every connection gets a fresh console session.
    """

    def __init__(
        self,
        state: DeviceState | SimProfile | str = "cisco",
        options: SimOptions | None = None,
        *,
        port: int = 0,
        **option_changes: Any,
    ) -> None:
        super().__init__(state, options, **option_changes)
        self.port = port
        self._channels: list[_SocketChannel] = []
        self._lock = threading.Lock()

    def start(self) -> TcpSimulator:
        if self._started:
            return self
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            listener.bind((LOOPBACK, self.port))
        except OSError:
            listener.close()
            raise
        listener.listen(4)
        listener.setblocking(False)
        self._listener = listener
        self.port = listener.getsockname()[1]
        self.url = f"socket://{LOOPBACK}:{self.port}"
        self._spawn(self._accept_loop, f"sim-tcp-{self.port}")
        self._started = True
        return self

    def _accept_loop(self) -> None:
        while not self._stop.is_set():
            try:
                ready, _, _ = select.select([self._listener], [], [], 0.05)
                if not ready:
                    continue
                conn, _ = self._listener.accept()
            except BlockingIOError:
                continue
            except (OSError, ValueError):
                return
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            channel = _SocketChannel(conn, self.options.baud, self._stop)
            with self._lock:
                if self._stop.is_set():
                    channel.close()
                    return
                self._channels.append(channel)
                self._spawn(self._session(channel), f"sim-tcp-{self.port}-conn")

    def _session(self, channel: _SocketChannel) -> Any:
        def run() -> None:
            try:
                self._console(channel).serve()
            finally:
                channel.close()

        return run

    def stop(self) -> None:
        if not self._started:
            return
        self._stop.set()
        with self._lock:
            channels = list(self._channels)
        for channel in channels:
            channel.close()
        self._join()
        self._listener.close()
        self._started = False

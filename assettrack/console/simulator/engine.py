"""The console side of a simulated device: line editing with echo, login, paging, faults.

A vendor subclass supplies prompts, texts and the command table. The engine talks to a
``Channel`` (a pseudo-terminal or a TCP connection) and paces its output at the line speed.
"""

from __future__ import annotations

import contextlib
import random
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar, Protocol

from assettrack.console.simulator.state import DeviceState

FAULTS = ("silence", "garbage", "disconnect", "slow_login", "silent_until_enter")

# What a UART at the wrong speed tends to produce: framing errors become these bytes.
_NOISE = bytes([0x00, 0x80, 0xF8, 0xFE, 0xE0, 0x9E, 0xFC, 0xC0, 0x86, 0x1E, 0xE6, 0x98, 0xF0])


class Closed(Exception):
    """The channel closed or the simulator is stopping; unwind the session."""


class Channel(Protocol):
    def read(self, timeout: float) -> bytes:
        """Bytes received within ``timeout`` (maybe none); raises Closed at the end."""
        ...

    def write(self, data: bytes) -> None: ...

    def close(self) -> None: ...

    def drain(self, limit: float) -> None:
        """Wait up to ``limit`` seconds for written bytes to reach the other end."""
        ...

    def line_speed(self) -> int | None:
        """The speed the other end configured, when the transport can tell."""
        ...


@dataclass(frozen=True)
class SimOptions:
    """How the simulated console behaves."""

    login: tuple[str, str] | None = None  # (username, password); None: no login
    enable_secret: str | None = None  # Cisco privileged mode; None: enable needs none
    baud: int | None = None  # pace output at this line speed; None: as fast as possible
    faults: frozenset[str] = frozenset()
    slow_login_delay: float = 3.0
    refuse_paging_off: bool = False  # refuse the paging-off command in user mode
    screen_length: int = 24
    # Unsolicited log lines printed just before the first prompt, as consoles do.
    console_logs: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        unknown = set(self.faults) - set(FAULTS)
        if unknown:
            raise ValueError(f"unknown fault(s) {sorted(unknown)}; known: {', '.join(FAULTS)}")


@dataclass(frozen=True)
class Command:
    words: tuple[str, ...]
    handler: Callable[[list[str]], list[str]]
    mode: str = "user"  # the lowest mode that may run it
    args: bool = False  # takes free arguments after the keywords


class CommandError(Exception):
    """A command line the device rejects: kind is invalid, incomplete or ambiguous."""

    def __init__(self, kind: str, token: int) -> None:
        super().__init__(kind)
        self.kind = kind
        self.token = token


class Logout(Exception):
    """The user typed the vendor's logout command."""


# How far each mode reaches: a command runs in its own mode and in those above it.
MODES = {"user": 0, "privileged": 1, "system": 1, "config": 2}


class DeviceConsole:
    """One simulated console. Call :meth:`serve` in a thread; it returns when closed."""

    vendor: ClassVar[str] = ""
    username_prompt: ClassVar[str] = "Username: "
    password_prompt: ClassVar[str] = "Password: "
    paging_marker: ClassVar[str] = " --More-- "
    paging_erase: ClassVar[str] = "\b" * 10 + " " * 10 + "\b" * 10
    blank_before_prompt: ClassVar[bool] = False

    def __init__(
        self,
        state: DeviceState,
        options: SimOptions,
        channel: Channel,
        stop: threading.Event,
    ) -> None:
        self.state = state
        self.options = options
        self.channel = channel
        self.stop = stop
        self.mode = "user"
        self.logged_in = False
        self.screen_length = options.screen_length
        self._inbuf = bytearray()
        self._skip_lf = False
        self._noise = random.Random(0x5EED)
        self.commands = self.build_commands()

    # -- vendor hooks ---------------------------------------------------------------------

    def build_commands(self) -> list[Command]:
        raise NotImplementedError

    def prompt(self) -> str:
        raise NotImplementedError

    def banner(self) -> str:
        return ""

    def login_ok_text(self) -> str:
        return ""

    def login_failed_text(self) -> str:
        raise NotImplementedError

    def logout_text(self) -> str:
        return "\r\n"

    def error_lines(self, kind: str, column: int, line: str) -> list[str]:
        raise NotImplementedError

    # -- the session ----------------------------------------------------------------------

    def serve(self) -> None:
        with contextlib.suppress(Closed):
            self._serve()

    def _serve(self) -> None:
        faults = self.options.faults
        if "silence" in faults:
            while True:
                self._getch()  # a dead console: it takes input and never answers
        if "silent_until_enter" in faults:
            while self._getch() not in (0x0D, 0x0A):
                pass
            self._skip_lf = True
        if "slow_login" in faults:
            if "silent_until_enter" not in faults:
                self._getch()
            self._pause(self.options.slow_login_delay)
        while True:
            self.write(self.banner())
            if self.options.login:
                self._login()
            else:
                self.write("\r\n")
            for log_line in self.options.console_logs:
                self.write(log_line + "\r\n")
            self.logged_in = True
            self.mode = "user"
            self.screen_length = self.options.screen_length
            with contextlib.suppress(Logout):
                self._command_loop()
            self.logged_in = False
            self.write(self.logout_text())
            while self._getch() not in (0x0D, 0x0A):
                pass
            self._skip_lf = True

    def _login(self) -> None:
        assert self.options.login is not None
        user, password = self.options.login
        while True:
            self.write(self.username_prompt)
            name = self.readline(echo=True)
            if not name:
                continue
            self.write(self.password_prompt)
            secret = self.readline(echo=False)
            if name == user and secret == password:
                self.write(self.login_ok_text())
                return
            self.write(self.login_failed_text())

    def _command_loop(self) -> None:
        while True:
            self.write(self.prompt())
            line = self.readline(echo=True)
            if not line.strip():
                continue
            lines = self.execute(line)
            self.send_output(lines)
            if lines and self.blank_before_prompt:
                self.write("\r\n")

    def execute(self, line: str) -> list[str]:
        """Run one command line; returns its output lines."""
        text, filters = _split_pipes(line)
        tokens = _tokens(text)
        try:
            command, args = self._resolve([t for t, _ in tokens])
            lines = command.handler(args)
        except CommandError as err:
            offset = tokens[err.token][1] if err.token < len(tokens) else len(text.rstrip()) + 1
            # The caret stands under the word, after the prompt's last line.
            prompt_width = len(self.prompt().rsplit("\n", 1)[-1])
            return self.error_lines(err.kind, prompt_width + offset, line)
        for verb, pattern in filters:
            lines = _apply_filter(lines, verb, pattern)
        return lines

    def _resolve(self, words: list[str]) -> tuple[Command, list[str]]:
        level = MODES[self.mode]
        candidates = [
            c
            for c in self.commands
            if MODES[c.mode] <= level and (c.mode != "system" or self.mode == "system")
        ]
        for i, word in enumerate(words):
            word = word.lower()
            longer = [c for c in candidates if len(c.words) > i]
            exact = [c for c in longer if c.words[i] == word]
            matched = exact or [c for c in longer if c.words[i].startswith(word)]
            if not matched:
                takers = [c for c in candidates if len(c.words) == i and c.args]
                if takers:
                    return takers[0], words[i:]
                raise CommandError("invalid", i)
            if len({c.words[i] for c in matched}) > 1:
                raise CommandError("ambiguous", i)
            candidates = matched
        done = [c for c in candidates if len(c.words) == len(words)]
        if done:
            return done[0], []
        raise CommandError("incomplete", len(words))

    # -- output ---------------------------------------------------------------------------

    def send_output(self, lines: list[str]) -> None:
        """Write output lines, pausing at each full screen for a key, like a pager."""
        if "disconnect" in self.options.faults and self.logged_in and len(lines) >= 4:
            for line in lines[: len(lines) // 2]:
                self.write(line + "\r\n")
            self.channel.drain(2.0)
            self.channel.close()  # the cable is pulled halfway through
            raise Closed()
        per_page = self.screen_length - 1 if self.screen_length > 1 else 0
        shown = 0
        for index, line in enumerate(lines):
            self.write(line + "\r\n")
            shown += 1
            if per_page and shown >= per_page and index < len(lines) - 1:
                self.write(self.paging_marker)
                key = self._getch()
                self.write(self.paging_erase)
                if key == 0x20:
                    shown = 0
                elif key in (0x0D, 0x0A):
                    shown = per_page - 1
                    self._skip_lf = key == 0x0D
                else:
                    return  # any other key ends the output, as on the real thing

    def write(self, text: str) -> None:
        if text:
            self.write_bytes(text.encode("utf-8"))

    def write_bytes(self, data: bytes) -> None:
        if "garbage" in self.options.faults or self._speed_mismatch():
            data = bytes(self._noise.choice(_NOISE) for _ in data)
        self.channel.write(data)

    def _speed_mismatch(self) -> bool:
        if not self.options.baud:
            return False
        speed = self.channel.line_speed()
        return speed is not None and speed != self.options.baud

    # -- input ----------------------------------------------------------------------------

    def readline(self, *, echo: bool) -> str:
        """A line as typed, with echo and backspace; Enter itself echoes a new line."""
        buf = bytearray()
        while True:
            byte = self._getch()
            if self._skip_lf:
                self._skip_lf = False
                if byte == 0x0A:
                    continue
            if byte in (0x0D, 0x0A):
                self._skip_lf = byte == 0x0D
                self.write("\r\n")
                return buf.decode("utf-8", errors="replace")
            if byte in (0x08, 0x7F):
                if buf:
                    del buf[-1]
                    if echo:
                        self.write("\b \b")
                continue
            if byte < 0x20:
                continue  # other control keys do nothing here
            buf.append(byte)
            if echo:
                self.write_bytes(bytes([byte]))

    def _getch(self) -> int:
        while not self._inbuf:
            if self.stop.is_set():
                raise Closed()
            self._inbuf += self.channel.read(0.1)
        byte = self._inbuf[0]
        del self._inbuf[0]
        return byte

    def _pause(self, seconds: float) -> None:
        if self.stop.wait(seconds):
            raise Closed()


def _split_pipes(line: str) -> tuple[str, list[tuple[str, str]]]:
    parts = line.split("|")
    filters = []
    for part in parts[1:]:
        verb, _, pattern = part.strip().partition(" ")
        filters.append((verb.lower(), pattern.strip()))
    return parts[0], filters


def _tokens(text: str) -> list[tuple[str, int]]:
    tokens = []
    offset = 0
    for word in text.split():
        offset = text.index(word, offset)
        tokens.append((word, offset))
        offset += len(word)
    return tokens


def _apply_filter(lines: list[str], verb: str, pattern: str) -> list[str]:
    try:
        regex = re.compile(pattern)
    except re.error:
        regex = re.compile(re.escape(pattern))
    if "include".startswith(verb) and verb:
        return [line for line in lines if regex.search(line)]
    if "exclude".startswith(verb) and verb:
        return [line for line in lines if not regex.search(line)]
    if "begin".startswith(verb) and verb:
        for index, line in enumerate(lines):
            if regex.search(line):
                return lines[index:]
        return []
    return lines

"""A prompt-driven console session over any pyserial port or URL.

Nothing here sleeps for a fixed time: every read waits for the device's prompt (answering
paging markers on the way) under two limits, an idle timeout (no byte for N seconds) and an
overall deadline. Blocking calls are meant to run in a worker thread; this module must never
import the UI toolkit.
"""

from __future__ import annotations

import codecs
import contextlib
import errno
import re
import socket
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from types import TracebackType
from typing import Any, Literal
from urllib.parse import urlsplit

import serial

from assettrack.console.credentials import Credentials
from assettrack.console.errors import (
    COMMON_SPEEDS,
    CommandRejected,
    ConsoleError,
    Disconnected,
    GarbageReceived,
    LoginFailed,
    NoResponse,
    PortBusy,
    PortNotFound,
    PortPermissionDenied,
    Timeout,
    garbage_message,
    no_response_message,
    permission_message,
)
from assettrack.console.profile import ConsoleProfile, parse_framing
from assettrack.console.transcript import Transcript
from assettrack.domain.texts import N_

State = Literal["unknown", "prompt", "login", "password"]
PortFactory = Callable[..., Any]

# How long one port read may block: short, so idle and deadline checks stay responsive.
_POLL = 0.02
# Past this much unreadable data there is no point waiting for the idle timeout.
_GARBAGE_EARLY_BYTES = 64

_ANSI_ERASE = re.compile(r"\x1b\[\d*D *\x1b\[\d*D")
_BS_ERASE = re.compile(r"\x08+ *\x08+")
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class _Idle(Exception):
    """Internal: the idle timeout passed; the caller decides what it means."""

    def __init__(self, text: str, raw_len: int) -> None:
        super().__init__("idle")
        self.text = text
        self.raw_len = raw_len


def looks_like_garbage(text: str) -> bool:
    """Mostly undecodable or control characters: what a wrong line speed produces."""
    if not text:
        return False
    bad = sum(1 for ch in text if ch == "\ufffd" or (ch < " " and ch not in "\r\n\t\x08\x1b\x07"))
    return bad >= 4 and bad / len(text) > 0.3


def _last_line(text: str) -> str:
    line = text.rsplit("\n", 1)[-1]
    if "\r" in line:
        # A carriage return restarts the line; what follows it is what the screen shows.
        tail = line.rsplit("\r", 1)[-1]
        line = tail or line.replace("\r", "")
    return line


class ConsoleSession:
    """One console connection: wake, login, paging off, then commands.

    ``url`` is anything pyserial opens: ``/dev/ttyUSB0``, ``COM3``, a pseudo-terminal path,
    ``socket://host:port``, ``rfc2217://host:port``, ``loop://``.
    """

    def __init__(
        self,
        url: str,
        profile: ConsoleProfile,
        *,
        baud: int | None = None,
        framing: str | None = None,
        idle_timeout: float = 3.0,
        timeout: float = 30.0,
        port_factory: PortFactory = serial.serial_for_url,
    ) -> None:
        self.url = url
        self.profile = profile
        self.baud = baud or profile.baud
        self.framing = framing or profile.framing
        parse_framing(self.framing)
        self.idle_timeout = idle_timeout
        self.timeout = timeout
        self._factory = port_factory
        self._port: Any = None
        self._transcript = Transcript(profile.encoding)
        self._prompts = [re.compile(p) for p in profile.prompt_patterns]
        self._privileged = (
            re.compile(profile.privileged_prompt_pattern)
            if profile.privileged_prompt_pattern else None
        )
        self._login_re = re.compile(profile.login_prompt)
        self._password_re = re.compile(profile.password_prompt)
        self._enable_pw_re = re.compile(profile.enable_password_prompt or profile.password_prompt)
        self._failure_res = [re.compile(p, re.M) for p in profile.login_failure_patterns]
        self._error_res = [re.compile(p, re.M) for p in profile.error_patterns]
        self._marker_re = re.compile(profile.paging_marker) if profile.paging_marker else None
        self.state: State = "unknown"
        self.prompt: str | None = None
        self.privileged = False
        self.paging_disabled = False
        self.paging_answers = 0
        self._budget = timeout
        self._socket_port = False

    # -- opening and closing ------------------------------------------------------------

    def open(self) -> ConsoleSession:
        if self._port is not None:
            return self
        bytesize, parity, stopbits = parse_framing(self.framing)
        try:
            self._port = self._factory(
                self.url, baudrate=self.baud, bytesize=bytesize, parity=parity,
                stopbits=stopbits, timeout=_POLL, write_timeout=max(2.0, self.idle_timeout),
                exclusive=True,
            )
            self._socket_port = type(self._port).__module__.endswith("protocol_socket")
        except (serial.SerialException, OSError) as exc:
            raise open_error(self.url, exc) from None
        except ValueError as exc:
            raise PortNotFound(
                N_(
                    "{url!r} is not a port name or port address ({reason}). Use a port such as "
                    "/dev/ttyUSB0 or COM3, or socket://host:port for a console server.",
                    url=self.url,
                    reason=exc,
                )
            ) from None
        return self

    def close(self) -> None:
        port, self._port = self._port, None
        if port is not None:
            # A port that is already gone has nothing left to release.
            with contextlib.suppress(serial.SerialException, OSError):
                _close_quickly(port)

    def __enter__(self) -> ConsoleSession:
        return self.open()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def transcript(self) -> Transcript:
        """The exchange so far; it only hands out redacted views."""
        return self._transcript

    # -- the session steps ----------------------------------------------------------------

    def start(self, credentials: Credentials | None = None) -> None:
        """Open, wake, log in and turn paging off: the usual way into a device."""
        self.open()
        self.wake()
        self.login(credentials)
        self.disable_paging()

    def wake(
        self, *, attempts: int = 3, idle_timeout: float | None = None,
        timeout: float | None = None,
    ) -> State:
        """Press Enter until a prompt or a login prompt shows; returns which one."""
        self._require_port()
        idle, deadline = self._limits(idle_timeout, timeout)
        targets = {
            "prompt": self._prompts, "login": [self._login_re], "password": [self._password_re],
        }
        received = 0
        last_text = ""
        for _ in range(max(1, attempts)):
            self._send(self.profile.line_ending)
            try:
                kind, text = self._expect(targets, what=N_("waking the console"),
                                          idle_timeout=idle, deadline=deadline)
            except _Idle as quiet:
                received += quiet.raw_len
                last_text = quiet.text or last_text
                if quiet.raw_len and looks_like_garbage(quiet.text):
                    raise self._error(GarbageReceived,
                                      garbage_message(self.url, self.baud)) from None
                continue  # a console often needs another Enter
            self._set_state(kind, text)
            return self.state
        if not received:
            raise self._error(NoResponse,
                              no_response_message(self.url, self.baud, idle * max(1, attempts)))
        raise self._error(NoResponse, self._no_prompt_message(last_text))

    def login(
        self, credentials: Credentials | None, *, idle_timeout: float | None = None,
        timeout: float | None = None,
    ) -> None:
        """Answer the username, password and (if a secret is given) enable prompts."""
        if self.state == "unknown":
            self.wake(idle_timeout=idle_timeout, timeout=timeout)
        if credentials is not None:
            self._transcript.add_secret(credentials.password)
            self._transcript.add_secret(credentials.enable_secret)
        idle, deadline = self._limits(idle_timeout, timeout)
        targets = {
            "prompt": self._prompts, "login": [self._login_re], "password": [self._password_re],
        }
        kind: str = self.state
        text = ""
        sent_user = sent_password = False
        user = credentials.username if credentials else None
        while kind != "prompt":
            if kind == "login":
                if sent_user or sent_password:
                    raise self._error(LoginFailed, self._refused_message(user, text))
                if not user:
                    raise self._error(LoginFailed, (
                        N_(
                            "The device on {url} asks for a username, but no credentials were "
                            "given. Set a credentials reference for this asset.",
                            url=self.url,
                        )
                    ))
                self._send(user + self.profile.line_ending)
                sent_user = True
                after = user if self.profile.echo else None
            else:
                if sent_password:
                    raise self._error(LoginFailed, self._refused_message(user, text))
                if credentials is None or credentials.password is None:
                    raise self._error(LoginFailed, (
                        N_(
                            "The device on {url} asks for a password, but no credentials were "
                            "given. Set a credentials reference for this asset.",
                            url=self.url,
                        )
                    ))
                self._send(credentials.password + self.profile.line_ending, secret=True)
                sent_password = True
                after = None
            self.state = "unknown"
            kind, text = self._expect_or_fail(targets, what=N_("logging in"), after=after,
                                              idle_timeout=idle, deadline=deadline)
            self.state = kind  # type: ignore[assignment]
        if text:
            self._set_state("prompt", text)
        if (credentials and credentials.enable_secret and self.profile.enable_command
                and not self.privileged):
            self.enable(credentials.enable_secret, idle_timeout=idle_timeout,
                            timeout=timeout)

    def enable(
        self, secret: str | None, *, idle_timeout: float | None = None,
        timeout: float | None = None,
    ) -> None:
        """Enter privileged mode with the profile's enable command."""
        command = self.profile.enable_command
        if not command:
            raise ConsoleError(
                N_("The {profile} console has no privileged mode.", profile=self.profile.name)
            )
        self._transcript.add_secret(secret)
        idle, deadline = self._limits(idle_timeout, timeout)
        targets = {"prompt": self._prompts, "password": [self._enable_pw_re]}
        self._drain()
        self._send(command + self.profile.line_ending)
        kind, text = self._expect_or_fail(targets, what=N_("entering privileged mode"),
                                          after=command if self.profile.echo else None,
                                          idle_timeout=idle, deadline=deadline)
        if kind == "password":
            if not secret:
                self._leave_password_prompt(idle, deadline)
                raise self._error(LoginFailed, (
                    N_(
                        "The device on {url} asks for an enable secret, but none was given.",
                        url=self.url,
                    )
                ))
            self._send(secret + self.profile.line_ending, secret=True)
            kind, text = self._expect_or_fail(targets, what=N_("entering privileged mode"),
                                              idle_timeout=idle, deadline=deadline)
            if kind == "password":
                self._leave_password_prompt(idle, deadline)
                raise self._error(LoginFailed, (
                    N_(
                        "The device on {url} refused the enable secret. Check the secret the "
                        "credentials reference points to.",
                        url=self.url,
                    )
                ))
        self._set_state("prompt", text)
        if not self.privileged:
            raise self._error(LoginFailed, (
                N_(
                    "The device on {url} did not enter privileged mode ({said}).",
                    url=self.url,
                    said=self._device_says(text) or N_('no reason given'),
                )
            ))

    def disable_paging(self) -> bool:
        """Send the paging-off commands; a device that refuses them gets its markers answered."""
        accepted = bool(self.profile.paging_off_commands)
        for command in self.profile.paging_off_commands:
            try:
                self.run(command)
            except CommandRejected:
                accepted = False  # reads answer the paging marker instead
        self.paging_disabled = accepted
        return accepted

    def run(
        self, command: str, *, idle_timeout: float | None = None, timeout: float | None = None,
        check: bool = True,
    ) -> str:
        """Send one command and return its output, without echo, paging markers or prompt."""
        if self.state == "unknown":
            self.wake(idle_timeout=idle_timeout, timeout=timeout)
        if self.state != "prompt":
            raise self._error(LoginFailed, (
                N_(
                    "The device on {url} is waiting for a login; log in before sending "
                    "'{command}'.",
                    url=self.url,
                    command=command,
                )
            ))
        idle, deadline = self._limits(idle_timeout, timeout)
        command = command.strip()
        self._drain()
        self._send(command + self.profile.line_ending)
        echo = command if self.profile.echo and command else None
        kind, text = self._expect_or_fail({"prompt": self._prompts}, what=f"'{command}'",
                                          after=echo, idle_timeout=idle, deadline=deadline)
        self._set_state(kind, text)
        output = self._clean_output(text, echo)
        if check:
            self._check_rejected(command, output)
        return output

    # -- reading --------------------------------------------------------------------------

    def _expect(
        self,
        targets: Mapping[str, Sequence[re.Pattern[str]]],
        *,
        what: str,
        idle_timeout: float,
        deadline: float,
        after: str | None = None,
    ) -> tuple[str, str]:
        """Read until the last line matches a target; returns (target name, text read).

        With ``after``, only text after that echo counts: stale prompts from earlier
        keystrokes cannot end the read.
        """
        decoder = codecs.getincrementaldecoder(self.profile.encoding)(errors="replace")
        text = ""
        raw_len = 0
        answered = 0
        last_rx = time.monotonic()
        while True:
            data = self._read_some()
            now = time.monotonic()
            if data:
                last_rx = now
                raw_len += len(data)
                text += decoder.decode(data)
                answered = self._answer_paging(text, answered)
                start = 0
                if after is not None:
                    found = text.find(after)
                    start = found + len(after) if found >= 0 else -1
                if start >= 0:
                    line = self._clean_screen(_last_line(text[start:]))
                    for name, patterns in targets.items():
                        if any(p.search(line) for p in patterns):
                            return name, text
                if raw_len >= _GARBAGE_EARLY_BYTES and looks_like_garbage(text):
                    raise self._error(GarbageReceived, garbage_message(self.url, self.baud))
            if now - last_rx >= idle_timeout:
                raise _Idle(text, raw_len)
            if now >= deadline:
                raise self._error(Timeout, (
                    N_(
                        "The device on {url} did not finish {what} within {budget:g} s; the last "
                        "line it sent was {last!r}.",
                        url=self.url,
                        what=what,
                        budget=self._budget,
                        last=_last_line(self._clean_screen(text)).strip(),
                    )
                ))

    def _expect_or_fail(
        self, targets: Mapping[str, Sequence[re.Pattern[str]]], *, what: str,
        idle_timeout: float, deadline: float, after: str | None = None,
    ) -> tuple[str, str]:
        try:
            return self._expect(targets, what=what, idle_timeout=idle_timeout,
                                deadline=deadline, after=after)
        except _Idle as quiet:
            if quiet.raw_len and looks_like_garbage(quiet.text):
                raise self._error(GarbageReceived, garbage_message(self.url, self.baud)) from None
            if not quiet.raw_len:
                raise self._error(NoResponse, (
                    N_(
                        "The device on {url} stopped answering while {what} (nothing for {idle:g} "
                        "s). Check the cable and the line speed ({baud} baud).",
                        url=self.url,
                        what=what,
                        idle=idle_timeout,
                        baud=self.baud,
                    )
                )) from None
            raise self._error(NoResponse, self._no_prompt_message(quiet.text, what)) from None

    def _answer_paging(self, text: str, answered: int) -> int:
        if self._marker_re is None:
            return answered
        while True:
            match = self._marker_re.search(text, answered)
            if not match:
                return answered
            self._send(self.profile.paging_answer)
            self.paging_answers += 1
            answered = match.end()

    def _read_some(self) -> bytes:
        """Wait up to one poll interval for bytes, then take everything already waiting."""
        port = self._require_port()
        chunks: list[bytes] = []
        try:
            data = port.read(1)
            while data:
                self._transcript.record_received(data)
                chunks.append(data)
                waiting = port.in_waiting
                if waiting <= 0 or sum(map(len, chunks)) >= 65536:
                    break
                if self._socket_port:
                    # socket:// reports 1 for "some"; a non-blocking read takes it all.
                    port.timeout = 0
                    try:
                        data = port.read(65536)
                    finally:
                        port.timeout = _POLL
                else:
                    data = port.read(waiting)
        except (serial.SerialException, OSError) as exc:
            raise self._error(Disconnected, (
                N_(
                    "The connection to {url} was lost in the middle of a read ({reason}). Check "
                    "that the cable is still plugged in and the console server is up.",
                    url=self.url,
                    reason=exc,
                )
            )) from None
        return b"".join(chunks)

    def _drain(self) -> None:
        """Take what is already waiting (late echoes, log lines) without waiting for more."""
        port = self._require_port()
        try:
            while (waiting := port.in_waiting) > 0:
                data = port.read(waiting)
                if not data:
                    break
                self._transcript.record_received(data)
        except (serial.SerialException, OSError) as exc:
            raise self._error(Disconnected, (
                N_(
                    "The connection to {url} was lost ({reason}).",
                    url=self.url,
                    reason=exc,
                )
            )) from None

    def _send(self, text: str, *, secret: bool = False) -> None:
        port = self._require_port()
        data = text.encode(self.profile.encoding)
        self._transcript.record_sent(data, secret=secret)
        try:
            port.write(data)
        except serial.SerialTimeoutException:
            raise self._error(NoResponse, (
                N_(
                    "The port {url} does not accept data. Check the cable and that flow control "
                    "is off.",
                    url=self.url,
                )
            )) from None
        except (serial.SerialException, OSError) as exc:
            raise self._error(Disconnected, (
                N_(
                    "The connection to {url} was lost while sending ({reason}).",
                    url=self.url,
                    reason=exc,
                )
            )) from None

    def _leave_password_prompt(self, idle: float, deadline: float) -> None:
        # Best effort: empty answers use up the device's retries and bring its prompt back.
        targets = {"prompt": self._prompts, "password": [self._enable_pw_re]}
        for _ in range(3):
            try:
                self._send(self.profile.line_ending)
                kind, text = self._expect(targets, what=N_("leaving the password prompt"),
                                          idle_timeout=idle, deadline=deadline)
            except (_Idle, ConsoleError):
                return
            if kind == "prompt":
                self._set_state("prompt", text)
                return

    # -- helpers --------------------------------------------------------------------------

    def _limits(self, idle_timeout: float | None, timeout: float | None) -> tuple[float, float]:
        self._budget = self.timeout if timeout is None else timeout
        idle = self.idle_timeout if idle_timeout is None else idle_timeout
        return idle, time.monotonic() + self._budget

    def _require_port(self) -> Any:
        if self._port is None:
            raise ConsoleError(N_("The console session on {url} is not open.", url=self.url))
        return self._port

    def _set_state(self, kind: str, text: str) -> None:
        self.state = kind  # type: ignore[assignment]
        if kind == "prompt":
            self.prompt = self._clean_screen(_last_line(text)).strip()
            self.privileged = bool(self._privileged and self._privileged.search(self.prompt))

    def _error(self, cls: type[ConsoleError], message: str) -> ConsoleError:
        return cls(message, transcript=self._transcript.redacted())

    def _clean_screen(self, text: str) -> str:
        """Remove paging markers with their erase sequences, colours and stray controls."""
        if self._marker_re is not None:
            text = self._marker_re.sub("", text)
        text = _ANSI_ERASE.sub("", text)
        text = _BS_ERASE.sub("", text)
        text = _ANSI.sub("", text)
        text = text.replace("\r\n", "\n").replace("\r", "")
        while "\x08" in text:
            # A lone backspace takes back the character before it.
            text = re.sub(r"[^\n\x08]\x08|^\x08", "", text, count=0, flags=re.M)
            text = text.replace("\n\x08", "\n")
        return _CONTROL.sub("", text)

    def _clean_output(self, text: str, echo: str | None) -> str:
        if echo:
            found = text.find(echo)
            if found >= 0:
                text = text[found + len(echo):]
        body = self._clean_screen(text)
        if body.startswith("\n"):
            body = body[1:]  # the end of the echoed command line
        lines = body.split("\n")
        lines.pop()  # the prompt
        while lines and not lines[-1].strip():
            lines.pop()
        return "\n".join(lines)

    def _check_rejected(self, command: str, output: str) -> None:
        for pattern in self._error_res:
            match = pattern.search(output)
            if match:
                line_start = output.rfind("\n", 0, match.start()) + 1
                line_end = output.find("\n", match.start())
                message = output[line_start: line_end if line_end >= 0 else None].strip()
                raise CommandRejected(
                    N_(
                        "The device rejected the command '{command}': {said}",
                        command=command,
                        said=message,
                    ),
                    command=command, device_message=message,
                    transcript=self._transcript.redacted(),
                )

    def _device_says(self, text: str) -> str:
        cleaned = self._clean_screen(text)
        for pattern in self._failure_res:
            match = pattern.search(cleaned)
            if match:
                end = cleaned.find("\n", match.start())
                return cleaned[match.start(): end if end >= 0 else None].strip()
        return ""

    def _refused_message(self, user: str | None, text: str) -> str:
        said = self._device_says(text)
        who = N_(" for user '{user}'", user=user) if user else ""
        because = N_(" (the device said: {said})", said=said) if said else ""
        return (
            N_(
                "The device on {url} refused the login{who}{because}. Check the username and "
                "password the credentials reference points to.",
                url=self.url,
                who=who,
                because=because,
            )
        )

    def _no_prompt_message(self, text: str, what: str = N_("waking the console")) -> str:
        last = _last_line(self._clean_screen(text)).strip()
        return (
            N_(
                "The device on {url} answered but showed no prompt this {profile} profile "
                "recognises while {what} (last line: {last!r}). Check the device type chosen for "
                "this asset.",
                url=self.url,
                profile=self.profile.name,
                what=what,
                last=last,
            )
        )


def _close_quickly(port: Any) -> None:
    """Close a port; for socket:// skip pyserial's fixed 0.3 s pause after closing.

    pyserial 3.5 (pinned) sleeps so that a console server can accept a quick reconnect; we
    never reconnect at once, and every read through a console server would pay it.
    """
    sock = getattr(port, "_socket", None)
    if sock is not None and getattr(port, "is_open", False):
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
        sock.close()
        port._socket = None
        port.is_open = False
        return
    port.close()


def open_error(url: str, exc: BaseException) -> ConsoleError:
    """Turn pyserial's and the OS's open failures into messages an engineer can act on."""
    code = getattr(exc, "errno", None)
    text = str(exc)
    lowered = text.lower()
    if code in (errno.EACCES, errno.EPERM) or (
        "permission denied" in lowered and "access is denied" not in lowered
    ):
        return PortPermissionDenied(permission_message(url))
    if (code in (errno.EBUSY, errno.EAGAIN, errno.EWOULDBLOCK)
            or "exclusively lock" in lowered or "access is denied" in lowered
            or "resource busy" in lowered):
        return PortBusy(
            N_(
                "{url} is in use by another program (a terminal emulator or another session). "
                "Close it and try again.",
                url=url,
            )
        )
    address = _network_address(url)
    if address is not None:
        failure = _network_failure(url, address, lowered)
        if failure is not None:
            return failure
    if "connection refused" in lowered or "timed out" in lowered:
        return PortNotFound(
            N_(
                "Nothing accepted the connection to {url}. Check the console server's address, "
                "its TCP port for this line, and that the line is enabled.",
                url=url,
            )
        )
    if (code in (errno.ENOENT, errno.ENODEV, errno.ENXIO) or "no such file" in lowered
            or "cannot find" in lowered or "filenotfound" in lowered
            or "name or service not known" in lowered or "getaddrinfo" in lowered):
        return PortNotFound(
            N_(
                "No port at {url}. Check that the console cable or USB adapter is plugged in and "
                "the port name is right (for example /dev/ttyUSB0 or COM3).",
                url=url,
            )
        )
    return ConsoleError(N_("Could not open {url}: {text}", url=url, text=text))


# How the resolver says a name does not exist (glibc, macOS, Windows), also as bare errnos.
_UNRESOLVED = re.compile(
    r"name or service not known|temporary failure in name resolution|nodename nor servname"
    r"|getaddrinfo failed|no address associated|errno -[235]\]|errno 1100[14]\]"
)
_UNREACHABLE = re.compile(r"network is unreachable|no route to host|errno 10[13]\]|errno 113\]")


def _network_address(url: str) -> tuple[str, int | None] | None:
    """The host and TCP port of a console-server URL (socket://, rfc2217://), else None."""
    parts = urlsplit(url)
    if parts.scheme not in ("socket", "rfc2217"):
        return None
    try:
        port = parts.port
    except ValueError:
        port = None
    return parts.hostname or "", port


def _network_failure(
    url: str, address: tuple[str, int | None], lowered: str
) -> ConsoleError | None:
    """A network failure named by its host, not blamed on a cable."""
    host, port = address
    where = f"{host}:{port}" if port is not None else host
    if _UNRESOLVED.search(lowered):
        return PortNotFound(
            N_(
                "Cannot resolve host {host!r} ({url}): no such name is known. Check the console "
                "server's name, or give its IP address.",
                host=host,
                url=url,
            )
        )
    if "connection refused" in lowered:
        return PortNotFound(
            N_(
                "Nothing accepted the connection to {url}: nothing listens on {where}. Check the "
                "console server's address, its TCP port for this line, and that the line is "
                "enabled.",
                url=url,
                where=where,
            )
        )
    if "timed out" in lowered:
        return PortNotFound(
            N_(
                "No answer from {where} ({url}): the connection timed out. Check the address, and "
                "that no firewall blocks the port.",
                where=where,
                url=url,
            )
        )
    if _UNREACHABLE.search(lowered):
        return PortNotFound(
            N_(
                "Cannot reach {host} ({url}): no network route leads there. Check this computer's "
                "network connection (cable, Wi-Fi, VPN) and the address.",
                host=host,
                url=url,
            )
        )
    return None


def autobaud(
    url: str,
    profile: ConsoleProfile,
    *,
    speeds: Iterable[int] = COMMON_SPEEDS,
    framing: str | None = None,
    idle_timeout: float = 0.5,
    attempts: int = 2,
    port_factory: PortFactory = serial.serial_for_url,
) -> int:
    """Return the first line speed at which the device shows a clean prompt."""
    tried: list[int] = []
    transcript = ""
    for speed in speeds:
        tried.append(speed)
        session = ConsoleSession(url, profile, baud=speed, framing=framing,
                                 idle_timeout=idle_timeout,
                                 timeout=idle_timeout * (attempts + 1) + 1,
                                 port_factory=port_factory)
        try:
            with session:
                session.wake(attempts=attempts)
            return speed
        except (GarbageReceived, NoResponse, Timeout) as exc:
            transcript = exc.transcript
    raise NoResponse(
        N_(
            "No line speed gave a clean prompt on {url} (tried {speeds} baud). Check the cable "
            "and that the device is on.",
            url=url,
            speeds=', '.join(str(s) for s in tried),
        ),
        transcript=transcript,
    )

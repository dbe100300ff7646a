"""Read a device's status over its console with the driver a plugin supplies.

The steps: choose the driver, open the port with the asset's line settings (else the
driver's), wake the console, log in with the asset's credentials reference, turn paging off,
run the driver's commands, parse their outputs into standard readings. Every step has a
deadline; the (redacted) transcript is kept whatever happens.
"""

from __future__ import annotations

import importlib.util
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from assettrack.console.credentials import Credentials, PromptCallback, resolve_credentials
from assettrack.console.errors import CommandRejected, ConsoleError, LoginFailed
from assettrack.console.profile import parse_framing
from assettrack.console.session import ConsoleSession
from assettrack.console.transcript import compile_secret_patterns, redact
from assettrack.domain.models import Asset
from assettrack.domain.readings import Readings, validate_readings
from assettrack.errors import AssetTrackError
from assettrack.i18n import _
from assettrack.plugins.extensions import FALLBACK_SCORE, Extensions
from assettrack.plugins.host import START_UP_STAGES, call_with_deadline, distinct
from assettrack.plugins.types import DeviceDriver
from assettrack.services.config_capture import ConfigRead, same_configuration

# (what is happening, console text received for it or "")
ProgressCallback = Callable[[str, str], None]
PARSE_DEADLINE_SECONDS = 10.0
PROMPT_NAME = re.compile(r"^[<\[]?([\w.\-@/:~]{1,63})")
MIN_BAUD, MAX_BAUD = 50, 4_000_000  # the slowest teleprinter to the fastest USB adapters
NETWORK_SCHEMES = ("socket", "rfc2217")


class ReadCancelled(AssetTrackError):
    def __init__(self, transcript: str) -> None:
        self.transcript = transcript
        super().__init__(_("console read cancelled"))


class NoDriver(AssetTrackError):
    pass


@dataclass
class ReadResult:
    """What one console read gave: the driver's name, its ``Readings``, the ``transcript``
    (passwords redacted), each command's output (``outputs``), the ``problems`` met
    (commands refused, output the driver could not parse), and how long it took."""

    driver: str
    readings: Readings
    transcript: str
    outputs: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0
    bytes_exchanged: int = 0
    port: str = ""
    # The configuration, secrets masked (None: the driver declares none, or it was refused).
    configuration: ConfigRead | None = None
    # Plugin failures met while choosing the driver and reading (one line each: plugin,
    # hook, reason), for the record's transcript section and the command's output.
    plugin_failures: list[str] = field(default_factory=list)


@dataclass
class ReadOptions:
    port: str = ""
    driver: str | None = None
    baud: int | None = None
    framing: str | None = None
    credentials_ref: str | None = None
    idle_timeout: float = 3.0
    prompt: PromptCallback | None = None


@dataclass(frozen=True)
class ReadPlan:
    """What a read will use, every part checked before a port is opened or a record made."""

    driver: DeviceDriver
    port: str
    credentials: Credentials | None
    baud: int | None
    framing: str | None


def check_baud(baud: int | None) -> None:
    if baud is not None and not MIN_BAUD <= baud <= MAX_BAUD:
        raise AssetTrackError(
            _("{baud} is not a line speed (give {low}-{high} baud)").format(
                baud=baud, low=MIN_BAUD, high=MAX_BAUD
            )
        )


def check_port(url: str) -> None:
    """Refuse a port address that cannot name a port: an unknown scheme, a console-server
    address without a host or a TCP port. A device path (/dev/ttyUSB0, COM3) is left to
    the opening, which says whether it exists."""
    scheme, sep, _rest = url.partition("://")
    if not sep:
        return
    scheme = scheme.lower()  # as pyserial reads it
    if not re.fullmatch(r"[a-z0-9]+", scheme) or (
        importlib.util.find_spec(f"serial.urlhandler.protocol_{scheme}") is None
    ):
        raise AssetTrackError(
            _(
                "{url} is not a port address: {scheme}:// is not a kind of port (use "
                "socket://host:port or rfc2217://host:port for a console server)"
            ).format(url=repr(url), scheme=scheme)
        )
    if scheme not in NETWORK_SCHEMES:
        return
    parts = urlsplit(url)
    try:
        tcp_port = parts.port
    except ValueError:
        tcp_port = None
    if not parts.hostname or tcp_port is None or tcp_port == 0:
        raise AssetTrackError(
            _(
                "{url} is not a console-server address: write it as {scheme}://host:port, "
                "the port a number from 1 to 65535"
            ).format(url=repr(url), scheme=scheme)
        )


class ConsoleReader:
    def __init__(self, extensions: Extensions) -> None:
        self.extensions = extensions
        self._session: ConsoleSession | None = None
        self._cancelled = threading.Event()
        # Plugin failures from here on are this read's (a reader is made for each read).
        self._failures_mark = extensions.host.mark()

    def plugin_failures(self) -> list[str]:
        """Plugins that failed at start-up or since this reader was made, one line per kind:
        a driver registered wrongly explains a read as much as a parse that raised."""
        host = self.extensions.host
        started = [f for f in host.failures if f.stage in START_UP_STAGES]
        return [str(f) for f in distinct([*started, *host.failures_since(self._failures_mark)])]

    def choose_driver(self, asset: Asset, name: str | None = None) -> DeviceDriver:
        """The driver named (``name``, else the asset's), else the best match. Where the
        best is only the generic fallback but a driver takes the asset's vendor and
        declined its model, the read is refused, naming the ``--driver`` to try: the
        generic driver would read nothing and say nothing."""
        choice = self.extensions.choose_driver(asset, name)
        driver = choice.driver
        wanted = name or asset.driver
        known = ", ".join(sorted(self.extensions.drivers)) or _("none")
        if driver is None:
            raise NoDriver(
                _("no driver named {driver} (installed: {known})").format(
                    driver=repr(wanted), known=known
                )
                if wanted
                else _("no driver handles {vendor} {model} (installed: {known})").format(
                    vendor=asset.vendor, model=asset.model, known=known
                )
            )
        declined = choice.declined
        fallback = max((s.score or 0) for s in choice.scores if s.driver == driver.name)
        if not wanted and declined and fallback <= FALLBACK_SCORE:
            tries = " or ".join(f"--driver {d}" for d in declined)
            raise NoDriver(
                _(
                    "{vendor} {model}: driver {declined} reads {vendor} devices but declines "
                    "this model, and the {driver} driver would read nothing; try {tries} (in "
                    "the app: the asset's driver field), or --driver {driver} to only check "
                    "the console (inspect --explain-driver shows every driver's score)"
                ).format(
                    vendor=asset.vendor,
                    model=asset.model,
                    declined=", ".join(declined),
                    driver=driver.name,
                    tries=tries,
                )
            )
        return driver

    def cancel(self) -> None:
        """Stop a read running in another thread; it ends with ReadCancelled."""
        self._cancelled.set()
        session = self._session
        if session is not None:
            session.close()

    def prepare(self, asset: Asset, options: ReadOptions) -> ReadPlan:
        """Check everything a read needs (driver, port, line speed and framing, credentials)
        without opening anything; a bad one is an ``AssetTrackError``."""
        driver = self.choose_driver(asset, options.driver)
        port = options.port or asset.console.port
        if not port:
            raise AssetTrackError(
                _(
                    "no console port for {asset}: give one (e.g. /dev/ttyUSB0, COM3, "
                    "socket://console-server:7001)"
                ).format(asset=asset.hostname or asset.serial_number)
            )
        check_port(port)
        baud = options.baud or asset.console.baud
        check_baud(baud)
        framing = options.framing or asset.console.framing or None
        try:
            parse_framing(framing or driver.console.framing)
        except ValueError as exc:
            raise AssetTrackError(str(exc)) from None
        credentials = resolve_credentials(
            options.credentials_ref
            if options.credentials_ref is not None
            else asset.console.credentials_ref,
            prompt=options.prompt,
        )
        return ReadPlan(driver, port, credentials, baud, framing)

    def read(
        self,
        asset: Asset,
        options: ReadOptions,
        on_progress: ProgressCallback | None = None,
        plan: ReadPlan | None = None,
    ) -> ReadResult:
        """Read the asset's console (``plan``: from ``prepare``, else made here)."""
        self._cancelled.clear()
        progress = on_progress or (lambda step, text: None)
        plan = plan or self.prepare(asset, options)
        driver, port, credentials = plan.driver, plan.port, plan.credentials
        started = time.monotonic()
        session = ConsoleSession(
            port,
            driver.console,
            baud=plan.baud,
            framing=plan.framing,
            idle_timeout=options.idle_timeout,
            timeout=driver.deadline_seconds,
        )
        self._session = session
        session.transcript.add_patterns(driver.secret_patterns)
        outputs: dict[str, str] = {}
        problems: list[str] = []
        configuration: ConfigRead | None = None
        try:
            progress(
                _("opening {port} with driver {driver}").format(port=port, driver=driver.name), ""
            )
            session.start(credentials)
            progress(_("console ready"), session.prompt or "")
            for command in driver.commands:
                self._check_cancel(session)
                progress(_("running {command}").format(command=command), "")
                try:
                    outputs[command] = session.run(command)
                except CommandRejected as exc:
                    problems.append(f"{command}: {exc}")
                    continue
                progress(command, outputs[command])
            if driver.config is not None:
                self._check_cancel(session)
                configuration = self._read_config(session, driver, credentials, problems, progress)
        except (ConsoleError, OSError, TypeError, AttributeError):
            # Closing the port from another thread (cancel) surfaces as whatever the read
            # was doing at that moment; only then are these a cancellation.
            if self._cancelled.is_set():
                raise ReadCancelled(session.transcript.redacted()) from None
            raise
        finally:
            session.close()
            self._session = None
        readings = self._parse(driver, outputs, problems)
        if configuration is not None and configuration.saved is not None:
            # For the checklist's "configuration saved" items (reading extra.config_saved).
            readings.extra["config_saved"] = configuration.saved
        if not readings.hostname and session.prompt:
            name = PROMPT_NAME.match(session.prompt.strip())
            readings.hostname = name.group(1) if name else None
        transcript = session.transcript
        return ReadResult(
            driver=driver.name,
            readings=readings,
            transcript=transcript.redacted(),
            outputs=outputs,
            problems=problems,
            seconds=time.monotonic() - started,
            bytes_exchanged=transcript.bytes_sent + transcript.bytes_received,
            port=port,
            configuration=configuration,
            plugin_failures=self.plugin_failures(),
        )

    def _read_config(
        self,
        session: ConsoleSession,
        driver: DeviceDriver,
        credentials: Credentials | None,
        problems: list[str],
        progress: ProgressCallback,
    ) -> ConfigRead | None:
        """The running configuration with its secrets masked, and whether it is saved.
        Never the raw text: it leaves here redacted, or not at all."""
        config = driver.config
        assert config is not None
        if driver.console.enable_command and not session.privileged:
            # Cisco prints its configuration in privileged mode only.
            try:
                session.enable(credentials.enable_secret if credentials else None)
            except LoginFailed as exc:
                problems.append(_("configuration not read: {why}").format(why=exc))
                return None
        patterns = compile_secret_patterns(driver.secret_patterns)
        progress(_("running {command}").format(command=config.running), "")
        try:
            running = session.run(config.running)
        except CommandRejected as exc:
            problems.append(f"{config.running}: {exc}")
            return None
        text = redact(running, patterns)
        progress(config.running, text)
        saved: bool | None = None
        if config.saved:
            self._check_cancel(session)
            progress(_("running {command}").format(command=config.saved), "")
            try:
                saved = same_configuration(running, session.run(config.saved), config.ignore)
            except CommandRejected as exc:
                problems.append(f"{config.saved}: {exc}")
        return ConfigRead(config.running, text, saved, tuple(config.ignore))

    def _check_cancel(self, session: ConsoleSession) -> None:
        if self._cancelled.is_set():
            raise ReadCancelled(session.transcript.redacted())

    def _parse(
        self, driver: DeviceDriver, outputs: dict[str, str], problems: list[str]
    ) -> Readings:
        """The driver's parse, isolated: a crash or a bad result leaves readings empty."""
        try:
            readings = call_with_deadline(driver.parse, (outputs,), PARSE_DEADLINE_SECONDS)
        except Exception as exc:  # the driver's bug; the raw output is kept
            self.extensions.host.record_failure(
                self.extensions.plugin_of(driver), f"{driver.name}.parse", exc
            )
            problems.append(
                _("driver {driver} could not parse the output: {why}").format(
                    driver=driver.name, why=exc
                )
            )
            return Readings()
        wrong = validate_readings(readings)
        if wrong:
            self.extensions.host.record_failure(
                self.extensions.plugin_of(driver),
                f"{driver.name}.parse",
                TypeError("; ".join(wrong)),
            )
            problems.append(
                _("driver {driver} returned bad readings: {why}").format(
                    driver=driver.name, why="; ".join(wrong)
                )
            )
            return Readings()
        return readings

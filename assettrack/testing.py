"""Pytest fixtures for plugin authors; installed as a pytest plugin (entry point ``pytest11``).

    def test_my_checklist(plugin_host, sample_asset):
        ext = plugin_host(my_plugin)              # only my plugin (plus nothing else)
        items = ext.checklist_for(sample_asset(vendor="Example"))
        assert items[0].id == "example_filter"

Fixtures:
- ``assettrack_store``: an empty store in a temporary folder (real files, real locking).
- ``plugin_host``: ``plugin_host(*plugins, builtins=False)`` -> ``Extensions`` holding only
  the given plugin modules or objects (and the built-ins if asked); failures are in
  ``ext.host.failures``.
- ``sample_asset``: ``sample_asset(**fields)`` -> an ``Asset`` with sensible defaults.
- ``simulated_console``: ``simulated_console(vendor="cisco", **options)`` -> the URL of a
  device simulator on a local TCP port, stopped after the test.
- ``console_from_profile``: ``console_from_profile(profile, transport="tcp", **options)`` ->
  a ``SimulatedConsole`` serving any vendor's console described as data (a profile's
  ``.toml`` file, a ``SimProfile``, or the name of a console shipped with assettrack such
  as ``"cisco_ios_failed_fan"``), on a local TCP port or a pseudo-terminal.
- ``console_from_transcript``: ``console_from_transcript(transcript, transport="tcp",
  prompt=None, **options)`` -> a ``SimulatedConsole`` replaying a recorded session (a file
  ``inspect --save-transcript`` wrote, or its text).

A ``SimulatedConsole`` is the URL itself (a ``str``: give it as the port to
``read_console``, a ``ConsoleSession`` or ``assettrack inspect --port``) and also carries
``.url``, ``.transport`` (``"tcp"`` or ``"pty"``), ``.profile`` (the ``SimProfile`` being
served: its ``commands``, ``prompts``, ``hostname``...) and ``.simulator`` (``.stop()`` ends
it early, e.g. to see a read fail). Every console is stopped after the test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from assettrack.domain.models import Asset
from assettrack.plugins.extensions import Extensions
from assettrack.plugins.host import PluginHost
from assettrack.plugins.loader import DEFAULT_PLUGINS
from assettrack.store.store import Store


@pytest.fixture
def simulated_console() -> Iterator[Callable[..., str]]:
    """``simulated_console(vendor="cisco", failed_fan=False, hot_sensor=False, **options)``.

    Serves a simulated device console on 127.0.0.1 and returns its ``socket://`` URL;
    ``options`` are ``SimOptions`` fields (login, baud, faults, refuse_paging_off...).
    """
    from assettrack.console.simulator import TcpSimulator, preset

    running: list[TcpSimulator] = []

    def start(
        vendor: str = "cisco",
        *,
        failed_fan: bool = False,
        hot_sensor: bool = False,
        state: Any = None,
        **options: Any,
    ) -> str:
        device = state or preset(vendor, failed_fan=failed_fan, hot_sensor=hot_sensor)
        simulator = TcpSimulator(device, **options).start()
        running.append(simulator)
        return simulator.url

    yield start
    for simulator in running:
        simulator.stop()


class SimulatedConsole(str):
    """The URL of a running simulated console, with what serves it (see the module doc)."""

    url: str
    transport: str
    profile: Any
    simulator: Any

    def __new__(cls, simulator: Any, transport: str) -> SimulatedConsole:
        console = super().__new__(cls, simulator.url)
        console.url = simulator.url
        console.transport = transport
        console.profile = simulator.state
        console.simulator = simulator
        return console


def _serve(device: Any, transport: str, options: dict[str, Any], running: list[Any]) -> Any:
    from assettrack.console.simulator import PtySimulator, TcpSimulator

    if transport not in ("tcp", "pty"):
        raise ValueError(f"transport is 'tcp' or 'pty', not {transport!r}")
    simulator = (TcpSimulator if transport == "tcp" else PtySimulator)(device, **options)
    simulator.start()
    running.append(simulator)
    return SimulatedConsole(simulator, transport)


def _console_file(given: str | Path) -> Path:
    """A profile's path, or the console shipped under that name (``consoles/NAME``)."""
    from assettrack.profiles.catalog import CONSOLES

    path = Path(given)
    if path.exists() or path.suffix or len(path.parts) > 1:
        return path
    shipped = CONSOLES / path.name / "console.toml"
    if shipped.is_file():
        return shipped
    names = ", ".join(sorted(p.parent.name for p in CONSOLES.glob("*/console.toml")))
    raise FileNotFoundError(
        f"no profile file {given} and no shipped console of that name (shipped: {names})"
    )


@pytest.fixture
def console_from_profile() -> Iterator[Callable[..., SimulatedConsole]]:
    """``console_from_profile(profile, transport="tcp", **options)`` -> ``SimulatedConsole``.

    ``profile`` is the path of a simulated console's ``.toml`` profile, a ``SimProfile``, or
    the name of a console shipped with assettrack, as ``assettrack sim --profile NAME`` takes
    it (``"cisco_ios"``, ``"huawei_vrp_failed_fan"``, ``"juniper_junos"``...); ``options``
    are ``SimOptions`` fields (``login=(user, password)``, ``baud``,
    ``faults=frozenset({"garbage"})``...), over what the profile says.
    """
    from assettrack.console.simulator.sim_profile import SimProfile, load_sim_profile

    running: list[Any] = []

    def start(
        profile: str | Path | SimProfile, transport: str = "tcp", **options: Any
    ) -> SimulatedConsole:
        device = (
            profile if isinstance(profile, SimProfile) else load_sim_profile(_console_file(profile))
        )
        return _serve(device, transport, options, running)

    yield start
    for simulator in running:
        simulator.stop()


@pytest.fixture
def console_from_transcript() -> Iterator[Callable[..., SimulatedConsole]]:
    """``console_from_transcript(transcript, transport="tcp", prompt=None, **options)`` ->
    ``SimulatedConsole`` answering as the recorded session did.

    ``transcript`` is a file (a ``Path``, or a one-line ``str`` naming one) or the recorded
    text; ``prompt`` is a regular expression for the device's prompt when the recording does
    not end at one.
    """
    from assettrack.console.simulator.replay import load_transcript, replay_profile

    running: list[Any] = []

    def start(
        transcript: str | Path,
        transport: str = "tcp",
        prompt: str | None = None,
        **options: Any,
    ) -> SimulatedConsole:
        is_file = isinstance(transcript, Path) or (
            "\n" not in transcript and Path(transcript).is_file()
        )
        text = load_transcript(transcript) if is_file else str(transcript)
        source = str(transcript) if is_file else "transcript"
        device = replay_profile(text, prompt=prompt, source=source)
        return _serve(device, transport, options, running)

    yield start
    for simulator in running:
        simulator.stop()


def make_extensions(*plugins: object, builtins: bool = False) -> Extensions:
    host = PluginHost()
    if builtins:
        host.load_modules(DEFAULT_PLUGINS)
    for plugin in plugins:
        name = getattr(plugin, "__name__", None) or type(plugin).__name__
        host.register(plugin, name=name.rsplit(".", 1)[-1])
    return Extensions(host)


@pytest.fixture
def assettrack_store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "assettrack-db") as store:
        yield store


@pytest.fixture
def plugin_host() -> Callable[..., Extensions]:
    return make_extensions


@pytest.fixture
def sample_asset() -> Callable[..., Asset]:
    def make(**fields: Any) -> Asset:
        values: dict[str, Any] = dict(
            site_id="site-1",
            kind="router",
            vendor="Cisco",
            model="ISR4331/K9",
            serial_number="FDO2301A0B1",
            hostname="edge-1",
        )
        values.update(fields)
        return Asset(**values)

    return make


# -- helpers for plugin tests (assettrack.plugins.testkit); import them from here ----------

from assettrack.domain.readings import validate_readings as validate_readings  # noqa: E402
from assettrack.plugins.host import PluginFailure as PluginFailure  # noqa: E402
from assettrack.plugins.testkit import (  # noqa: E402
    ReadResult as ReadResult,
)
from assettrack.plugins.testkit import (  # noqa: E402
    WarrantyRules as WarrantyRules,
)
from assettrack.plugins.testkit import (  # noqa: E402
    WarrantyStatus as WarrantyStatus,
)
from assettrack.plugins.testkit import (  # noqa: E402
    firmware_flag as firmware_flag,
)
from assettrack.plugins.testkit import (  # noqa: E402
    read_console as read_console,
)
from assettrack.plugins.testkit import (  # noqa: E402
    serial_mismatch as serial_mismatch,
)
from assettrack.plugins.testkit import (  # noqa: E402
    warranty_end as warranty_end,
)
from assettrack.plugins.testkit import (  # noqa: E402
    warranty_status as warranty_status,
)


def __getattr__(name: str) -> Any:
    # ``preset`` (a simulated device's state: ``preset("cisco", failed_fan=True)``) comes
    # from the simulator, imported only when a test asks for it.
    if name == "preset":
        from assettrack.console.simulator import preset

        return preset
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


HELPERS = (
    "Extensions",
    "PluginFailure",
    "ReadResult",
    "WarrantyRules",
    "WarrantyStatus",
    "firmware_flag",
    "make_extensions",
    "preset",
    "read_console",
    "serial_mismatch",
    "validate_readings",
    "warranty_end",
    "warranty_status",
)
"""The helpers (beside the fixtures) a plugin's tests may import from here."""

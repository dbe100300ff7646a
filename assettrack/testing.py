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

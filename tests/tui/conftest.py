from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from assettrack.commands.context import Context
from assettrack.plugins.loader import load_plugins
from assettrack.services.assets import AssetRegister
from assettrack.services.demo import build_demo
from assettrack.services.demo_history import build_history
from assettrack.store.store import Store
from assettrack.tui.app import AssetTrackApp, make_app
from tests.conftest import TODAY, Clock


@pytest.fixture
def demo_store(tmp_path: Path):
    with Store.open(tmp_path / "db", author="test") as store:
        yield store


@pytest.fixture
def extensions():
    # Real plugins, including this repository's vendor plugins, through their entry points
    # (third-party ones are blocked for every test: tests/conftest.py).
    return load_plugins({})


@pytest.fixture
def demo_register(demo_store, extensions, settings) -> AssetRegister:
    register = AssetRegister(
        demo_store, extensions.warranty_rules(settings.warranty), extensions.asset_kinds()
    )
    build_demo(register, TODAY)
    build_history(register, TODAY)
    return register


@pytest.fixture
def app_factory(demo_register, extensions, tmp_path) -> Callable[..., AssetTrackApp]:
    def make(**options) -> AssetTrackApp:
        options = {"idle_timeout": 1.0, **options}
        return make_app(
            demo_register,
            extensions,
            TODAY,
            engineer="李工",
            export_folder=tmp_path / "exports",
            clock=Clock(),
            **options,
        )

    return make


@pytest.fixture
def db_path(tmp_path: Path, settings, extensions) -> Path:
    """A demo database on disk, closed (the app takes the writer lock itself)."""
    folder = tmp_path / "db"
    with Store.open(folder, author="test") as store:
        register = AssetRegister(
            store, extensions.warranty_rules(settings.warranty), extensions.asset_kinds()
        )
        build_demo(register, TODAY)
    return folder


def context_for(db_path: Path, settings, extensions) -> Context:
    """The command line's context for ``db_path``, with this test's settings and plugins."""
    context = Context(None, db_path, TODAY)
    context._settings = settings
    context._extensions = extensions
    return context


@pytest.fixture
def context(db_path: Path, settings, extensions) -> Context:
    return context_for(db_path, settings, extensions)


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return tmp_path / "cache"


async def wait_until_loaded(app: AssetTrackApp, pilot) -> None:
    """Wait for the store loaded behind the first paint and the asset table filled from it."""
    for _ in range(200):
        await pilot.pause(0.02)
        if app.context.ready and app.get_screen("assets").loaded_generation >= 0:
            await pilot.pause()
            return
    raise AssertionError("the store never finished loading")

from __future__ import annotations

import importlib.metadata
import os
import subprocess
import sys
import tomllib
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from assettrack.config import load_settings
from assettrack.domain.models import Site
from assettrack.plugins.host import DISABLE_ENV, ENTRY_POINT_GROUP
from assettrack.plugins.loader import plugins_folder
from assettrack.services.assets import AssetRegister
from assettrack.store.store import Store

TODAY = date(2026, 12, 1)
ROOT = Path(__file__).resolve().parent.parent


class Clock:
    """A clock that ticks one minute per reading, from 09:00 on the tests' day."""

    def __init__(self) -> None:
        self.now = datetime(TODAY.year, TODAY.month, TODAY.day, 9, 0)

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def config():
    """The shipped service settings only (visit plan, fault levels, caps, survey)."""
    from assettrack.services.service_config import load_service_config

    return load_service_config({}, user_dir=Path("/nowhere"))


def first_party_plugins() -> set[str]:
    """The entry-point names of this repository's own plugins (plugins/*/pyproject.toml)."""
    names: set[str] = set()
    for pyproject in (ROOT / "plugins").glob("*/pyproject.toml"):
        project = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("project", {})
        names |= set(project.get("entry-points", {}).get(ENTRY_POINT_GROUP, {}))
    return names


def third_party_plugins() -> list[str]:
    """Every plugin installed here that is not this repository's: entry points of other
    distributions, and loose files in the user's plugins folder."""
    installed = {ep.name for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)}
    loose = {p.stem for p in plugins_folder({}).glob("*.py")}
    return sorted((installed - first_party_plugins()) | loose)


# assettrack's own tests run with the built-ins and this repository's plugins only, whatever
# else is installed: the loader honours the process's ASSETTRACK_DISABLE_PLUGINS in every
# call (a caller's env only adds to it), the command line in this process and in child
# processes (which inherit it) and the app alike.
os.environ[DISABLE_ENV] = ",".join(
    n for n in [*os.environ.get(DISABLE_ENV, "").split(","), *third_party_plugins()] if n
)


@pytest.fixture
def settings(tmp_path: Path):
    # An empty user config folder, so the shipped defaults are what the tests see.
    return load_settings(db_path=tmp_path / "db", env={}, user_dir=tmp_path / "no-user-config")


@pytest.fixture
def store(tmp_path: Path):
    with Store.open(tmp_path / "db") as opened:
        yield opened


@pytest.fixture
def register(store: Store, settings) -> AssetRegister:
    return AssetRegister(store, settings.warranty)


@pytest.fixture
def site(register: AssetRegister) -> Site:
    return register.add_site(Site(customer="华东医院集团", name="门诊楼机房", address="上海"))


# The suite speaks English whatever the machine's locale (a zh_CN machine would otherwise
# turn every asserted English line Chinese); tests of the Chinese interface set their own.
for _name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
    os.environ.pop(_name, None)
os.environ["LANG"] = "C.UTF-8"


def run_cli(
    *args: str, env: dict[str, str] | None = None, input: str | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the real console script in a child process, as a user or a script would."""
    full_env = {**os.environ, "ASSETTRACK_TODAY": TODAY.isoformat(), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "assettrack", *args],
        capture_output=True,
        text=True,
        env=full_env,
        input=input,
        cwd=cwd,
        timeout=120,
    )


# Files of the store's own housekeeping (the writer lock, the change marker), not data.
HOUSEKEEPING = (".writer.", ".changes", ".redo.")  # bookkeeping: all it holds is in the files


@pytest.fixture(scope="session")
def demo_source(tmp_path_factory) -> Path:
    """A demo database built once; tests that change it work on a copy (``shutil.copytree``)."""
    folder = tmp_path_factory.mktemp("demo-source") / "db"
    result = run_cli("--db", str(folder), "demo", "--no-tui")
    assert result.returncode == 0, result.stderr
    return folder


def data_files(folder: Path) -> dict[str, bytes]:
    """Every file of a database but the housekeeping, to tell that nothing changed."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file()
        and not p.name.startswith(HOUSEKEEPING)
        and ".index" not in p.parts
        and ".retired" not in p.parts  # old versions that saves left until a checkpoint
        and ".spares" not in p.parts  # what saves write into: old versions, or a failed one
    }

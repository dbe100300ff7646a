from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from assettrack.config import load_settings
from assettrack.domain.models import Site
from assettrack.services.assets import AssetRegister
from assettrack.store.store import Store

TODAY = date(2026, 12, 1)


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
HOUSEKEEPING = (".writer.", ".changes")


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
        if p.is_file() and not p.name.startswith(HOUSEKEEPING)
    }

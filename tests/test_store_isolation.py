"""Changes across several files are all or nothing, and no reader ever sees one half done.

A writer that is still at work, or was killed half-way, leaves a journal: readers serve what
the journal's documents were before it, and the next writer undoes the change.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest

from assettrack.domain.models import Asset, Site
from assettrack.services.sync import export_bundle
from assettrack.store.database import RETIRED_FOLDER
from assettrack.store.redo_log import LOG_NAME
from assettrack.store.store import Store
from tests.conftest import data_files as all_files
from tests.conftest import run_cli


def data_files(folder: Path) -> dict[str, bytes]:
    """The data files: the redo log is housekeeping (what it holds is in the files too), and
    so are the old versions that saves retire until a checkpoint deletes them."""
    return {
        k: v
        for k, v in all_files(folder).items()
        if k != LOG_NAME and not k.startswith(f"{RETIRED_FOLDER}/")
    }


# Holds the bare OS lock: a writer that is alive, so readers may not undo anyone's change.
LOCK_HOLDER = """
import sys
from filelock import FileLock
with FileLock(sys.argv[1], preserve_lock_file=True):
    print("ready", flush=True)
    sys.stdin.readline()
"""

# Saves assets into several site files inside one change, then waits to be killed.
HALF_IMPORT = """
import sys
from pathlib import Path
from assettrack.domain.models import Asset
from assettrack.store.store import Store
with Store.open(Path(sys.argv[1])) as store, store.transaction("import"):
    store.assets.add_many(
        Asset(site_id=s.id, kind="switch", vendor="Huawei", model="S5735",
              serial_number=f"HALF-{n}") for n, s in enumerate(store.sites.list())
    )
    print("ready", flush=True)
    sys.stdin.readline()
"""

# Merges a bundle inside a change it does not finish, then waits to be killed.
HALF_MERGE = """
import sys
from pathlib import Path
from assettrack.services.sync import import_bundle
from assettrack.store.store import Store
with Store.open(Path(sys.argv[1])) as store, store.transaction("import-bundle"):
    print(import_bundle(store, Path(sys.argv[2])).summary(), file=sys.stderr)
    print("ready", flush=True)
    sys.stdin.readline()
"""


@pytest.fixture
def db(demo_source: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "db"
    shutil.copytree(demo_source, folder)
    return folder


def start(code: str, *args: str) -> subprocess.Popen[str]:
    child = subprocess.Popen(
        [sys.executable, "-c", code, *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None and child.stdout.readline().strip() == "ready"
    return child


def kill(child: subprocess.Popen[str]) -> None:
    os.kill(child.pid, signal.SIGKILL)
    child.communicate(timeout=30)


def serials(folder: Path) -> set[str]:
    result = run_cli("--db", str(folder), "export", "assets", "--format", "json")
    assert result.returncode == 0, result.stderr
    return {a["serial_number"] for a in json.loads(result.stdout)["assets"]}


def test_a_reader_during_a_live_change_sees_none_of_it(db: Path, tmp_path: Path) -> None:
    before = serials(db)
    writer = start(HALF_IMPORT, str(db))
    try:
        assert list(db.glob(".journal-*")), "the change is under way"
        assert serials(db) == before
        warranty = run_cli("--db", str(db), "warranty", "--within", "100000", "--format", "json")
        assert "HALF-" not in warranty.stdout
        bundle = run_cli("--db", str(db), "export-bundle", str(tmp_path / "b.json"))
        assert bundle.returncode == 0, bundle.stderr
        assert b"HALF-" not in (tmp_path / "b.json").read_bytes()  # not carried elsewhere
    finally:
        writer.communicate("\n", timeout=30)
    assert len(serials(db) - before) == 8  # the change finished: now it shows, all of it


def test_a_killed_writers_change_is_hidden_then_undone(db: Path) -> None:
    before_files, before = data_files(db), serials(db)
    kill(start(HALF_IMPORT, str(db)))
    # While a live process holds the lock, readers cannot undo the change: they hide it.
    holder = start(LOCK_HOLDER, str(db / ".writer.lock"))
    try:
        assert serials(db) == before
        assert list(db.glob(".journal-*"))
    finally:
        holder.communicate("\n", timeout=30)
    # The next writer undoes it: the files are as they were, no journal, no new file left.
    with Store.open(db) as store:
        assert store.db.rolled_back == 8
    assert not list(db.glob(".journal-*"))
    assert data_files(db) == before_files


def test_import_assets_killed_at_random_moments_is_all_or_nothing(db: Path, tmp_path: Path) -> None:
    sites = ["外滩分行", "浦东数据中心", "门诊楼机房", "Hamburg Hub", "Head Office"]

    def importer(attempt: int) -> subprocess.Popen[bytes]:
        csv = tmp_path / f"big{attempt}.csv"
        rows = [f"{sites[n % 5]},switch,Huawei,S5735,BIG{attempt}-{n:04d}" for n in range(2000)]
        csv.write_text("site,kind,vendor,model,serial_number\n" + "\n".join(rows) + "\n")
        return subprocess.Popen(
            [sys.executable, "-m", "assettrack", "--db", str(db), "import", "assets", str(csv)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**os.environ, "ASSETTRACK_TODAY": "2026-12-01"},
        )

    # One import left to finish tells how long an import takes on this machine.
    started = time.perf_counter()
    assert importer(0).wait(timeout=120) == 0
    duration = time.perf_counter() - started
    before = serials(db)
    rng = random.Random(11)
    for attempt in range(1, 6):
        child = importer(attempt)
        time.sleep(rng.uniform(0.5, 1.0) * duration)
        os.kill(child.pid, signal.SIGKILL)
        child.communicate(timeout=30)
        mine = {s for s in serials(db) - before if s.startswith(f"BIG{attempt}-")}
        assert len(mine) in (0, 2000), f"attempt {attempt}: {len(mine)} of 2000 assets seen"
        before |= mine
    assert not list(db.glob(".journal-*"))
    assert not [p for p in db.rglob("*") if ".tmp-" in p.name]


def test_bundle_import_is_all_or_nothing_after_a_kill(db: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    assert run_cli("--db", str(empty), "init").returncode == 0
    assert run_cli("--db", str(db), "export-bundle", str(tmp_path / "all.json")).returncode == 0
    before = data_files(empty)
    kill(start(HALF_MERGE, str(empty), str(tmp_path / "all.json")))
    assert serials(empty) == set()  # the reader may undo it (the lock is free): it did
    assert data_files(empty) == before
    assert not list(empty.glob(".journal-*"))
    # And once not killed, the same bundle brings everything.
    done = run_cli("--db", str(empty), "import-bundle", str(tmp_path / "all.json"))
    assert done.returncode == 0 and serials(empty) == serials(db)


FULL_DISK = """
import resource, signal, sys
from pathlib import Path
from assettrack.services.sync import import_bundle
from assettrack.store.errors import StoreWriteError
from assettrack.store.store import Store

signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the kernel fails the write with EFBIG
with Store.open(Path(sys.argv[1])) as store:
    resource.setrlimit(resource.RLIMIT_FSIZE, (48_000, 48_000))
    try:
        import_bundle(store, Path(sys.argv[2]))
    except StoreWriteError as exc:
        print(exc)
        print("assets in memory:", len(store.assets))
        sys.exit(3)
print("imported?!")
"""


def test_bundle_import_on_a_full_disk_is_undone_and_says_so(tmp_path: Path) -> None:
    with Store.open(tmp_path / "source") as source:
        sites = [source.sites.save(Site("Contoso", f"Branch {n}")) for n in range(10)]
        source.assets.add_many(
            Asset(sites[n % 10].id if n < 50 else sites[9].id, "switch", "Huawei", "S5735",
                  f"SN{n:04d}", notes="机房" * 20)
            for n in range(300)
        )  # fmt: skip
        export_bundle(source, tmp_path / "bundle.json")
    assert run_cli("--db", str(tmp_path / "target"), "init").returncode == 0
    before = data_files(tmp_path / "target")
    child = subprocess.run(
        [sys.executable, "-c", FULL_DISK, str(tmp_path / "target"), str(tmp_path / "bundle.json")],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert child.returncode == 3, child.stdout + child.stderr
    assert "disk is full" in child.stdout and "was undone" in child.stdout
    assert "assets in memory: 0" in child.stdout
    assert data_files(tmp_path / "target") == before
    assert not list((tmp_path / "target").glob(".journal-*"))


def test_a_damaged_journal_is_reported_and_kept(db: Path) -> None:
    kill(start(HALF_IMPORT, str(db)))
    (journal,) = db.glob(".journal-*")
    lines = journal.read_bytes().split(b"\n")
    lines.insert(2, b"{not json")
    journal.write_bytes(b"\n".join(lines))
    seen: list[str] = []
    with Store.open(db, report=seen.append) as store:
        assert all(not a.serial_number.startswith("HALF-") for a in store.assets.all())
    assert any("damaged" in line and journal.name in line for line in seen)
    assert not journal.exists() and (db / "quarantine" / journal.name).exists()
    assert orjson.loads((db / "assettrack.json").read_bytes())["format"] == "assettrack-store"


def test_the_crash_bench_short_run_finds_nothing_wrong() -> None:
    """benchmarks/crash_bench.py with 10 kills (``make stress`` runs 200)."""
    bench = Path(__file__).resolve().parent.parent / "benchmarks" / "crash_bench.py"
    result = subprocess.run(
        [sys.executable, str(bench), "--kills", "10", "--seed", "7"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    for figure in ("unreadable databases", "lost committed documents", "partial reads",
                   "orphan files after the next open"):  # fmt: skip
        assert f"{figure}:" in result.stdout
        line = next(x for x in result.stdout.splitlines() if x.startswith(figure))
        assert line.split()[-1] == "0", line


def test_import_creating_sites_killed_at_random_moments_is_all_or_nothing(
    db: Path, tmp_path: Path
) -> None:
    """The customers and sites an import creates are part of its one change."""

    def importer(attempt: int) -> subprocess.Popen[bytes]:
        csv = tmp_path / f"new{attempt}.csv"
        rows = [
            f"New customer {attempt},New site {attempt}-{n % 5},switch,Huawei,S5735,"
            f"NEW{attempt}-{n:04d}"
            for n in range(2000)
        ]
        csv.write_text("customer,site,kind,vendor,model,serial_number\n" + "\n".join(rows) + "\n")
        command = ["import", "assets", str(csv), "--create-sites"]
        return subprocess.Popen(
            [sys.executable, "-m", "assettrack", "--db", str(db), *command],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**os.environ, "ASSETTRACK_TODAY": "2026-12-01"},
        )

    def sites_of(attempt: int) -> int:
        listed = run_cli("--db", str(db), "site", "list", "--format", "json")
        assert listed.returncode == 0, listed.stderr
        return sum(s["name"].startswith(f"New site {attempt}-") for s in json.loads(listed.stdout))

    started = time.perf_counter()
    assert importer(0).wait(timeout=120) == 0
    duration = time.perf_counter() - started
    assert sites_of(0) == 5
    rng = random.Random(5)
    for attempt in range(1, 5):
        child = importer(attempt)
        time.sleep(rng.uniform(0.3, 1.0) * duration)
        os.kill(child.pid, signal.SIGKILL)
        child.communicate(timeout=30)
        assets = {s for s in serials(db) if s.startswith(f"NEW{attempt}-")}
        assert (sites_of(attempt), len(assets)) in ((0, 0), (5, 2000)), f"attempt {attempt}"

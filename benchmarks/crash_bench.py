"""Crash bench: kill -9 writing commands at random moments, then check what is left.

Each round starts one real command on a database and kills it (SIGKILL) at a random moment
within the time the command takes when left alone, then opens the database:

- import assets: a 2,000-row CSV into five sites (one change over five files);
- import-bundle: another laptop's bundle of 600 assets and 120 faults (one merge over
  dozens of files);
- fault add: one record;
- demo --fresh: rebuilding a demo database in its own folder.

After every kill it counts:

- unreadable databases: the database (or the demo folder) cannot be opened, or the next
  ``demo`` refuses its folder;
- lost committed documents: a document of a command that had finished (exit 0) is missing;
- partial reads: a reader sees part of a killed change (some of an import's 2,000 assets,
  some of a bundle's documents) - read while another process holds the writer lock, so the
  reader must hide the change rather than undo it; and again after the next writer undid it;
- orphan files after the next open: temporary files, journals or leftover build folders that
  are still there once a writer (or the next ``demo``) has opened the database.

It also counts the kills that landed between a save's frame in the redo log and the rename of
its file (``store.redo_log``): the next opening writes that save from the log.

All four must be 0. The bench exits 1 otherwise.

    python benchmarks/crash_bench.py [--kills N] [--seed N]

``make stress`` runs it with 200 kills (a few minutes); the test suite runs 10.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assettrack.domain.codec import to_doc  # noqa: E402
from assettrack.domain.models import Asset, Fault, ReportedVia  # noqa: E402
from assettrack.store.redo_log import LOG_NAME  # noqa: E402
from assettrack.store.store import Store  # noqa: E402

TODAY = "2026-12-01"
SITES = ("外滩分行", "浦东数据中心", "门诊楼机房", "Hamburg Hub", "Head Office")
COMMANDS = ("import assets", "import-bundle", "fault add", "demo --fresh")
RESET_EVERY = 25  # rounds before the database is put back as it began, so it stays small


@dataclass
class Figures:
    kills: Counter[str] = field(default_factory=Counter)
    finished: Counter[str] = field(default_factory=Counter)  # ended before the kill landed
    mid_change: int = 0  # kills that left a journal: landed inside a change
    replayed: int = 0  # kills after a save's frame was logged, before its file was in place
    unreadable: int = 0
    lost: int = 0
    partial: int = 0
    orphans: int = 0
    problems: list[str] = field(default_factory=list)

    def fail(self, kind: str, what: str) -> None:
        setattr(self, kind, getattr(self, kind) + 1)
        self.problems.append(f"{kind}: {what}")


def run(args: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "assettrack", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "ASSETTRACK_TODAY": TODAY},
        cwd=cwd,
        timeout=300,
    )


def start(args: list[str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "assettrack", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "ASSETTRACK_TODAY": TODAY},
    )


# -- inputs ---------------------------------------------------------------------------------


def write_csv(path: Path, prefix: str) -> None:
    rows = [f"{SITES[n % 5]},switch,Huawei,S5735,{prefix}-{n:04d}" for n in range(2000)]
    path.write_text("site,kind,vendor,model,serial_number\n" + "\n".join(rows) + "\n")


def write_bundle(path: Path, site_ids: list[str], prefix: str) -> set[str]:
    """Another laptop's new documents, all ids fresh; returns their ids."""
    stamp = {"revs": [os.urandom(6).hex()], "by": "bench", "at": f"{TODAY}T09:00:00"}
    entries, ids = [], set()
    for n in range(600):
        site = site_ids[n % len(site_ids)]
        asset = Asset(site, "router", "Cisco", "ISR4331", f"{prefix}-{n:04d}", revision=1)
        entries.append(
            {"partition": f"assets/{site}.json", "table": "assets",
             "doc": {**to_doc(asset), "_sync": stamp}}
        )  # fmt: skip
        ids.add(asset.id)
    for n in range(120):
        site = site_ids[n % len(site_ids)]
        when = datetime(2026, 1 + n % 11, 3, 9) + timedelta(minutes=n)
        fault = Fault(site, 2, ReportedVia.PHONE, when, when, symptom=f"{prefix} {n}", revision=1)
        entries.append(
            {"partition": f"records/faults/{site}/{when:%Y-%m}.json", "table": "faults",
             "doc": {**to_doc(fault), "_sync": stamp}}
        )  # fmt: skip
        ids.add(fault.id)
    path.write_bytes(
        orjson.dumps({"format": "assettrack-bundle", "version": 1, "documents": entries})
    )
    return ids


# -- what a database holds ------------------------------------------------------------------


@dataclass
class Seen:
    ids: set[str]
    serials: set[str]


def read(folder: Path) -> Seen:
    """Everything a reader sees: asset ids and serials, fault ids."""
    with Store.open(folder, read_only=True, report=None) as store:
        assets = store.assets.all()
        faults = [f.id for f in store.faults.iter_all()]
    return Seen({a.id for a in assets} | set(faults), {a.serial_number for a in assets})


def leftovers(folder: Path) -> list[str]:
    return [
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if ".tmp-" in p.name or p.name.startswith((".journal-", ".insert-"))
    ]


def hold_lock(folder: Path) -> subprocess.Popen[str]:
    """A live process holding the writer lock: readers cannot undo a change, only hide it."""
    code = (
        "import sys\nfrom filelock import FileLock\n"
        "with FileLock(sys.argv[1], preserve_lock_file=True):\n"
        "    print('ready', flush=True)\n    sys.stdin.readline()\n"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", code, str(folder / ".writer.lock")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None and child.stdout.readline().strip() == "ready"
    return child


# -- the bench ------------------------------------------------------------------------------


class Bench:
    def __init__(self, work: Path, rng: random.Random) -> None:
        self.work = work
        self.rng = rng
        self.pristine = work / "pristine"
        self.db = work / "db"
        self.demo = work / "demo"
        self.figures = Figures()
        self.durations: dict[str, float] = {}
        self.committed: set[str] = set()  # ids of documents of finished commands
        self.committed_serials: set[str] = set()
        self.round = 0

    def prepare(self) -> None:
        made = run(["--db", str(self.pristine), "demo", "--no-tui"])
        assert made.returncode == 0, made.stderr
        with Store.open(self.pristine, read_only=True, report=None) as store:
            self.site_ids = [s.id for s in store.sites.list()]
        self.reset()
        assert run(["--db", str(self.demo), "demo", "--no-tui"]).returncode == 0
        self.demo_assets = len(read(self.demo).serials)
        for command in COMMANDS:  # left alone once: how long each takes here
            t0 = time.perf_counter()
            process, _ = self.launch(command, "CAL")
            _, err = process.communicate(timeout=300)
            assert process.returncode == 0, (command, err)
            self.durations[command] = time.perf_counter() - t0
        self.reset()

    def reset(self) -> None:
        shutil.rmtree(self.db, ignore_errors=True)
        shutil.copytree(self.pristine, self.db)
        self.committed = read(self.db).ids
        self.committed_serials = set()

    def launch(self, command: str, prefix: str) -> tuple[subprocess.Popen[str], set[str]]:
        """Start ``command``; the ids (or serials) of what it writes, where known ahead."""
        if command == "import assets":
            csv = self.work / f"{prefix}.csv"
            write_csv(csv, prefix)
            expected = {f"{prefix}-{n:04d}" for n in range(2000)}
            return start(["--db", str(self.db), "import", "assets", str(csv)]), expected
        if command == "import-bundle":
            bundle = self.work / f"{prefix}.json"
            expected = write_bundle(bundle, self.site_ids, prefix)
            return start(["--db", str(self.db), "import-bundle", str(bundle)]), expected
        if command == "fault add":
            site = ["--site", SITES[0], "--severity", "2", "--via", "phone"]
            when = ["--reported", f"{TODAY} 08:00", "--symptom", prefix]
            return start(["--db", str(self.db), "fault", "add", *site, *when]), set()
        return start(["--db", str(self.demo), "demo", "--fresh", "--no-tui"]), set()

    def one_round(self) -> None:
        self.round += 1
        if self.round % RESET_EVERY == 0:
            self.reset()
        command = self.rng.choice(COMMANDS)
        prefix = f"K{self.round:04d}"
        before = read(self.db)
        process, expected = self.launch(command, prefix)
        time.sleep(self.rng.uniform(0.2, 1.05) * self.durations[command])
        os.kill(process.pid, signal.SIGKILL)
        out, _ = process.communicate(timeout=60)
        self.figures.kills[command] += 1
        finished = process.returncode == 0
        if finished:
            self.figures.finished[command] += 1
        if command == "demo --fresh":
            self.check_demo()
        else:
            self.check_database(command, prefix, before, expected, finished, out)

    def check_database(
        self,
        command: str,
        prefix: str,
        before: Seen,
        expected: set[str],
        finished: bool,
        out: str,
    ) -> None:
        self.figures.mid_change += bool([p for p in leftovers(self.db) if ".journal-" in p])
        # 1. A reader while a live process holds the lock: the change is hidden, not undone.
        holder = hold_lock(self.db)
        try:
            hidden = self.safe_read(command)
        finally:
            holder.communicate("\n", timeout=30)
        # 2. The next writer opens the database (and undoes a killed change).
        try:
            notices: list[str] = []
            Store.open(self.db, report=notices.append).close()
            self.figures.replayed += any(LOG_NAME in n for n in notices)
        except Exception as exc:
            self.figures.fail("unreadable", f"{command}: {exc}")
            return
        after = self.safe_read(command)
        if hidden is None or after is None:
            return
        for what, seen in (("while locked", hidden), ("after the next open", after)):
            self.check_all_or_nothing(command, prefix, before, seen, expected, what)
        if finished:
            if command == "import assets":
                self.committed_serials |= expected
            elif command == "import-bundle":
                self.committed |= expected
            elif out.startswith("Fault "):
                self.committed.add(out.split()[1])
        lost = (self.committed - after.ids) | (self.committed_serials - after.serials)
        if lost:
            self.figures.fail("lost", f"{command}: {len(lost)} committed document(s) missing")
        orphans = leftovers(self.db)
        if orphans:
            self.figures.fail("orphans", f"{command}: {orphans}")

    def check_all_or_nothing(
        self, command: str, prefix: str, before: Seen, seen: Seen, expected: set[str], what: str
    ) -> None:
        if command == "import assets":
            got = {s for s in seen.serials if s.startswith(prefix + "-")}
        elif command == "import-bundle":
            got = expected & seen.ids
        else:
            return  # one document in one file: saved whole or not at all by atomic_write
        if got and got != expected:
            self.figures.fail("partial", f"{command} {what}: {len(got)} of {len(expected)}")

    def safe_read(self, command: str) -> Seen | None:
        try:
            return read(self.db)
        except Exception as exc:
            self.figures.fail("unreadable", f"{command}: {exc}")
            return None

    def check_demo(self) -> None:
        # The next demo: it must accept its folder (rebuild or keep it) and the folder open.
        again = run(["--db", str(self.demo), "demo", "--no-tui"])
        if again.returncode != 0:
            self.figures.fail("unreadable", f"demo refused its folder: {again.stderr.strip()}")
            return
        try:
            count = len(read(self.demo).serials)
        except Exception as exc:
            self.figures.fail("unreadable", f"demo: {exc}")
            return
        if count != self.demo_assets:
            self.figures.fail("partial", f"demo: {count} of {self.demo_assets} assets")
        siblings = [p.name for p in self.work.iterdir() if p.name.startswith(".demo")]
        orphans = siblings + leftovers(self.demo)
        if orphans:
            self.figures.fail("orphans", f"demo: {orphans}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=200, help="rounds, one kill each")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="assettrack-crash-") as tmp:
        bench = Bench(Path(tmp), random.Random(args.seed))
        bench.prepare()
        for _ in range(args.kills):
            bench.one_round()
    f = bench.figures
    took = time.perf_counter() - started
    print(f"kills: {sum(f.kills.values())} in {took:.0f} s (seed {args.seed})")
    for command in COMMANDS:
        print(
            f"  {command:15} {f.kills[command]:4} killed, {f.finished[command]:3} had finished "
            f"(alone it takes {bench.durations[command]:.2f} s)"
        )
    print(f"  kills that landed inside a multi-file change: {f.mid_change}")
    print(f"  kills between a save's redo log frame and its rename (replayed): {f.replayed}")
    print(f"unreadable databases:              {f.unreadable}")
    print(f"lost committed documents:          {f.lost}")
    print(f"partial reads:                     {f.partial}")
    print(f"orphan files after the next open:  {f.orphans}")
    for problem in f.problems[:20]:
        print(f"  {problem}")
    bad = f.unreadable + f.lost + f.partial + f.orphans
    print("all zero" if not bad else "FAILED")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

"""Sync crash bench: kill -9 ``assettrack sync`` at random moments, then check what is left.

The team: engineer B has pushed hundreds of documents to the team's remote (a bare folder):
new sites, assets on a dozen sites, faults and visits over many months (one merge over a
few hundred partition files), and new firmware on assets both had. Engineer A's database
joined the team before that and has local changes not yet synced: new assets and faults,
and new locations on assets (some of them the ones B changed). A third database, C, has
data of its own and has never synced.

Each round puts the remote, A, B and C back as they were, starts one real command and kills
it (SIGKILL) at a random moment within the time it takes when left alone:

- ``sync`` on A, at any moment;
- ``sync`` on A, aimed at its push (after the merge is written, before the command ends);
- ``sync init REMOTE`` on C, joining the remote with data.

Where each kill landed is read from what it left (before the merge, inside the merge's
transaction, merge written but not recorded, in the push, pushed, finished). Then it counts:

- unreadable databases: A (or C) cannot be opened, or read, after the kill;
- lost documents: a document A had before the sync, or one of its local changes (a new
  document, a new location), is missing - read while another live process holds the writer
  lock (a reader must hide a killed change, not undo it) and again after the next writer
  opened the database;
- half-merged databases: some of B's incoming documents and changes are there, not all
  (the merge is all or nothing), in either of those two reads;
- damaged history or remote: dulwich cannot open A's history (``.sync/git``) or the remote,
  ``main`` does not resolve, or an object of a commit reachable from ``main`` (a commit, a
  tree, a file) is missing or unreadable;
- failed follow-ups: the next ``sync`` (``sync init`` for C) fails, A then lacks B's
  documents, B's ``sync`` fails, or A and B do not hold the same documents afterwards (nor
  the same head as the remote);
- spurious conflicts: A and B never change the same field, so any conflict is a merge made
  twice or half;
- orphan files: journals, temporary files, ``merging.json`` or ``git.new`` still in A's
  folder after the follow-up sync.

All must be 0; the bench exits 1 otherwise. Temporary pack files that a push killed in
flight leaves in the remote's ``objects/pack`` are counted apart (git gc removes them; they
are not data).

    python benchmarks/sync_crash_bench.py [--kills N] [--seed N] [--incoming N]

``make stress`` runs 60 kills (a few minutes on two cores); the test suite runs 7 with a
smaller team (tests/test_git_sync_crash.py).
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
from contextlib import closing
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from crash_bench import hold_lock, leftovers  # noqa: E402
from dulwich.objects import Commit, Tree  # noqa: E402
from dulwich.repo import Repo  # noqa: E402

from assettrack.domain.codec import to_doc  # noqa: E402
from assettrack.domain.models import (  # noqa: E402
    Asset,
    Fault,
    ReportedVia,
    Site,
    Visit,
    VisitKind,
)
from assettrack.services.git_sync import BRANCH, SyncPaths, init_sync, sync  # noqa: E402
from assettrack.services.sync import list_conflicts  # noqa: E402
from assettrack.store.store import Store  # noqa: E402

TODAY = "2026-12-01"
KINDS = ("sync", "sync (push)", "sync init")
WEIGHTS = (6, 2, 2)
LANDINGS = (
    "before the merge",
    "inside the merge",
    "merge written, not recorded",
    "in the push",
    "pushed, not finished",
    "finished",
)


@dataclass
class Figures:
    kills: Counter[str] = field(default_factory=Counter)
    landed: Counter[str] = field(default_factory=Counter)
    unreadable: int = 0
    lost: int = 0
    half_merged: int = 0
    damaged: int = 0
    follow_up: int = 0
    conflicts: int = 0
    orphans: int = 0
    remote_temp_files: int = 0  # not counted as a failure (see the module)
    problems: list[str] = field(default_factory=list)

    def fail(self, kind: str, what: str) -> None:
        setattr(self, kind, getattr(self, kind) + 1)
        self.problems.append(f"{kind}: {what}")

    def bad(self) -> int:
        return (
            self.unreadable
            + self.lost
            + self.half_merged
            + self.damaged
            + self.follow_up
            + self.conflicts
            + self.orphans
        )


# -- what a database holds ------------------------------------------------------------------


@dataclass(frozen=True)
class Expect:
    """Documents by id, and field values a change made: ``(id, field) -> value``."""

    ids: frozenset[str]
    values: dict[tuple[str, str], Any]

    def found(self, docs: dict[str, dict[str, Any]]) -> int:
        """How many of the documents and values are there."""
        have = sum(1 for i in self.ids if i in docs)
        return have + sum(
            1 for (i, name), value in self.values.items() if docs.get(i, {}).get(name) == value
        )

    @property
    def size(self) -> int:
        return len(self.ids) + len(self.values)


def documents(folder: Path) -> dict[str, dict[str, Any]]:
    """Every site, asset, fault and visit a reader sees: id -> document."""
    with Store.open(folder, read_only=True, report=None) as store:
        items: list[Any] = [*store.sites.list(), *store.assets.all()]
        items += [*store.faults.iter_all(), *store.visits.iter_all()]
    return {item.id: to_doc(item) for item in items}


def expect_all(docs: dict[str, dict[str, Any]]) -> Expect:
    return Expect(frozenset(docs), {})


# -- the team ---------------------------------------------------------------------------------


def _when(n: int) -> datetime:
    """The n-th record of a site (site ``n % 12``) in one of 24 months: one merge touches
    a partition file for most of its records."""
    month = n // 12 % 24
    return datetime(2025 + month // 12, 1 + month % 12, 1 + n % 27, 9) + timedelta(minutes=n)


class Team:
    """The remote and the three databases, built once and put back before every round."""

    def __init__(self, work: Path, incoming: int) -> None:
        self.work = work
        self.remote = work / "team.git"
        self.a, self.b, self.c = work / "a", work / "b", work / "c"
        self.saved = work / "saved"
        self.incoming = incoming

    def build(self, rng: random.Random) -> None:
        self.remote.mkdir()
        # The team's start: B's sites and assets, which A then joins.
        with Store.open(self.b, author="B") as b:
            sites = [b.sites.save(Site(f"客户 {n // 3}", f"机房 {n}")) for n in range(6)]
            base = [
                Asset(sites[n % 6].id, "switch", "Huawei", "S5735", f"BASE-{n:03d}")
                for n in range(60)
            ]
            b.assets.add_many(base)
            b.faults.add_many(
                Fault(sites[n % 6].id, 2, ReportedVia.PHONE, _when(n), _when(n), symptom=f"b{n}")
                for n in range(12)
            )
            init_sync(b, str(self.remote))
        with Store.open(self.a, author="A") as a:
            init_sync(a, str(self.remote))
            # A's local changes, not synced.
            mine = [
                Asset(sites[n % 6].id, "router", "Cisco", "ISR4331", f"A-{n:03d}")
                for n in range(30)
            ]
            a.assets.add_many(mine)
            faults = [
                Fault(sites[n % 6].id, 3, ReportedVia.EMAIL, _when(n), _when(n), symptom=f"a{n}")
                for n in range(10)
            ]
            a.faults.add_many(faults)
            moved = base[0:20]  # B changes the firmware of 10..29: 10 assets changed on both
            for asset in moved:
                current = a.assets.get(asset.id)
                assert current is not None
                current.location = f"A-rack-{asset.serial_number}"
                a.assets.save(current)
            self.a_changes = Expect(
                frozenset([x.id for x in mine] + [f.id for f in faults]),
                {(x.id, "location"): f"A-rack-{x.serial_number}" for x in moved},
            )
        # B's changes, pushed: new sites, assets on many sites, faults and visits over months.
        with Store.open(self.b, author="B") as b:
            more = [b.sites.save(Site(f"客户 {n // 3}", f"新机房 {n}")) for n in range(6, 12)]
            every = sites + more
            n_assets = self.incoming // 2
            n_records = self.incoming - n_assets
            new_assets = [
                Asset(every[n % 12].id, "firewall", "H3C", "F1000", f"B-{n:04d}")
                for n in range(n_assets)
            ]
            b.assets.add_many(new_assets)
            faults = [
                Fault(every[n % 12].id, 1 + n % 3, ReportedVia.PHONE, _when(n), _when(n))
                for n in range(n_records // 2)
            ]
            b.faults.add_many(faults)
            visits = [
                Visit(every[n % 12].id, "B", VisitKind.SCHEDULED, _when(n + 5))
                for n in range(n_records - n_records // 2)
            ]
            b.visits.add_many(visits)
            upgraded = base[10:30]
            for asset in upgraded:
                current = b.assets.get(asset.id)
                assert current is not None
                current.firmware = f"B-fw-{asset.serial_number}"
                b.assets.save(current)
            report = sync(b)
            assert report.pushed, report.lines()
            incoming = [*more, *new_assets, *faults, *visits]
            self.b_changes = Expect(
                frozenset(x.id for x in incoming),
                {(x.id, "firmware"): f"B-fw-{x.serial_number}" for x in upgraded},
            )
        # C: data of its own, never synced.
        with Store.open(self.c, author="C") as c:
            own = c.sites.save(Site("客户 C", "C 机房"))
            c.assets.add_many(
                Asset(own.id, "gateway", "Fortinet", "FG100F", f"C-{n:03d}") for n in range(30)
            )
        self.a_before = expect_all(documents(self.a))
        self.c_before = expect_all(documents(self.c))
        self.remote_docs = expect_all(documents(self.b))  # what C gets by joining
        self.saved.mkdir()
        for folder in (self.remote, self.a, self.b, self.c):
            shutil.copytree(folder, self.saved / folder.name, symlinks=True)

    def restore(self) -> None:
        for folder in (self.remote, self.a, self.b, self.c):
            shutil.rmtree(folder)
            shutil.copytree(self.saved / folder.name, folder, symlinks=True)


# -- commands ---------------------------------------------------------------------------------


def environment(work: Path) -> dict[str, str]:
    """The user's own settings stay out: engineer names come from the databases."""
    return {
        **os.environ,
        "ASSETTRACK_TODAY": TODAY,
        "XDG_CONFIG_HOME": str(work / "config-home"),
        "XDG_DATA_HOME": str(work / "data-home"),
        "XDG_CACHE_HOME": str(work / "cache-home"),  # crash reports of failed follow-ups
    }


def command(team: Team, kind: str) -> list[str]:
    if kind == "sync init":
        return ["--db", str(team.c), "sync", "init", str(team.remote)]
    return ["--db", str(team.a), "sync"]


def start(args: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "assettrack", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "assettrack", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )


PHASES_CHILD = """
import sys, time
from pathlib import Path
from assettrack.services.git_sync import sync
from assettrack.store.store import Store
def told(step):
    print(step, time.perf_counter() - started, flush=True)
started = time.perf_counter()
with Store.open(Path(sys.argv[1]), report=None) as store:
    sync(store, progress=told)
print("end", time.perf_counter() - started, flush=True)
"""


def phases(team: Team, env: dict[str, str]) -> dict[str, float]:
    """When a sync of A reaches each step, from the start of the process (left alone)."""
    t0 = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", PHASES_CHILD, str(team.a)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert child.stdout is not None
    seen = {}
    for line in child.stdout:
        seen[line.split()[0]] = time.perf_counter() - t0
    _, err = child.communicate(timeout=600)
    assert child.returncode == 0, err
    return seen


# -- checks -----------------------------------------------------------------------------------


def check_repository(path: Path, *, must_have_main: bool) -> str | None:
    """What is wrong with a repository: None when dulwich opens it, ``main`` resolves and
    every object of every commit reachable from it is there and readable."""
    try:
        with closing(Repo(str(path))) as repo:
            try:
                head = repo.refs[BRANCH]
            except KeyError:
                return "main does not resolve" if must_have_main else None
            store = repo.object_store
            seen: set[bytes] = set()
            commits = [head]
            while commits:
                sha = commits.pop()
                if sha in seen:
                    continue
                seen.add(sha)
                commit = store[sha]
                if not isinstance(commit, Commit):
                    return f"{sha.decode()} is not a commit"
                commits.extend(commit.parents)
                trees = [commit.tree]
                while trees:
                    tree_id = trees.pop()
                    if tree_id in seen:
                        continue
                    seen.add(tree_id)
                    tree = store[tree_id]
                    if not isinstance(tree, Tree):
                        return f"{tree_id.decode()} is not a tree"
                    for entry in tree.iteritems():
                        if entry.mode & 0o040000:
                            trees.append(entry.sha)
                        elif entry.sha not in seen:
                            seen.add(entry.sha)
                            store[entry.sha].as_raw_string()  # present and inflates
    except Exception as exc:  # what the next sync would meet: any failure counts
        return f"{type(exc).__name__}: {exc}"
    return None


def main_of(path: Path) -> bytes | None:
    try:
        with closing(Repo(str(path))) as repo:
            return repo.refs[BRANCH]
    except Exception:
        return None


class Bench:
    def __init__(self, work: Path, rng: random.Random, incoming: int) -> None:
        self.work = work
        self.rng = rng
        self.team = Team(work, incoming)
        self.env = environment(work)
        self.figures = Figures()
        self.durations: dict[str, float] = {}
        self.steps: dict[str, float] = {}
        self.round = 0

    def prepare(self) -> None:
        self.team.build(self.rng)
        for kind in ("sync", "sync init"):  # left alone once: how long each takes here
            t0 = time.perf_counter()
            done = run(command(self.team, kind), self.env)
            assert done.returncode == 0, (kind, done.stderr)
            self.durations[kind] = time.perf_counter() - t0
            self.team.restore()
        self.steps = phases(self.team, self.env)
        self.team.restore()
        # Aimed at the push: it starts when the merge is recorded (``merging.json`` goes)
        # and lasts until the command ends.
        self.push_time = self.steps["end"] - self.steps["push"]

    def one_round(self) -> None:
        self.round += 1
        team = self.team
        kind = self.rng.choices(KINDS, WEIGHTS)[0]
        folder = team.c if kind == "sync init" else team.a
        remote_before = main_of(team.remote)
        history_before = main_of(SyncPaths(folder).git)
        process = start(command(team, kind), self.env)
        if kind == "sync (push)":
            self.wait_for_push(process, SyncPaths(folder).merging)
            time.sleep(self.rng.uniform(0, 1.2) * self.push_time)
        else:
            time.sleep(self.rng.uniform(0.2, 1.05) * self.durations[kind])
        os.kill(process.pid, signal.SIGKILL)
        process.communicate(timeout=60)
        self.figures.kills[kind] += 1
        landed = self.landing(folder, process.returncode == 0, remote_before, history_before)
        self.figures.landed[landed] += 1
        self.check(kind, folder, landed)
        team.restore()

    def wait_for_push(self, process: subprocess.Popen[str], merging: Path) -> None:
        """Until the merge is recorded: its note came and went (or the command ended)."""
        deadline = time.perf_counter() + 5 * self.durations["sync"]
        seen = False
        while process.poll() is None and time.perf_counter() < deadline:
            there = merging.exists()
            if seen and not there:
                return
            seen |= there
            time.sleep(0.001)

    def landing(
        self, folder: Path, finished: bool, remote_before: bytes | None, before: bytes | None
    ) -> str:
        """Where the kill landed, from what it left (read before anything repairs it)."""
        if finished:
            return "finished"
        paths = SyncPaths(folder)
        remote, head = main_of(self.team.remote), main_of(paths.git)
        if remote != remote_before and remote == head:
            return "pushed, not finished"
        if any(".journal-" in p for p in leftovers(folder)):
            return "inside the merge"
        if paths.merging.exists():
            try:
                incoming = self.team.b_changes if folder == self.team.a else self.team.remote_docs
                merged = incoming.found(documents(folder)) == incoming.size
            except Exception:
                merged = False
            return "merge written, not recorded" if merged else "before the merge"
        if head is not None and head != before:
            with closing(Repo(str(paths.git))) as repo:
                if len(repo[head].parents) == 2 or head == main_of(self.team.remote):
                    return "in the push"
        return "before the merge"

    def check(self, kind: str, folder: Path, landed: str) -> None:
        team, f = self.team, self.figures
        own = team.a_changes if folder == team.a else Expect(frozenset(), {})
        before = team.a_before if folder == team.a else team.c_before
        incoming = team.b_changes if folder == team.a else team.remote_docs
        label = f"round {self.round} {kind} ({landed})"
        # 1. A reader while a live process holds the writer lock: a killed merge is hidden.
        holder = hold_lock(folder)
        try:
            hidden = self.read(folder, label)
        finally:
            holder.communicate("\n", timeout=30)
        # 2. The next writer opens the database (and undoes a killed merge).
        try:
            Store.open(folder, report=None).close()
        except Exception as exc:
            f.fail("unreadable", f"{label}: {exc}")
            return
        after = self.read(folder, label)
        if hidden is None or after is None:
            return
        for what, docs in (("while locked", hidden), ("after the next open", after)):
            for expected, name in ((before, "had before"), (own, "local change")):
                missing = expected.size - expected.found(docs)
                if missing:
                    f.fail("lost", f"{label} {what}: {missing} document(s) it {name} missing")
            got = incoming.found(docs)
            if got not in (0, incoming.size):
                f.fail("half_merged", f"{label} {what}: {got} of {incoming.size} incoming")
        # 3. The history and the remote.
        for path, must in ((SyncPaths(folder).git, folder == team.a), (team.remote, True)):
            if path.exists() or must:
                wrong = check_repository(path, must_have_main=must)
                if wrong:
                    f.fail("damaged", f"{label}: {path.name}: {wrong}")
        temp = [p.name for p in (team.remote / "objects" / "pack").glob("tmp*")]
        f.remote_temp_files += len(temp)
        # 4. The follow-up sync, then B's, and both hold the same.
        self.follow_up(kind, folder, label, before, own, incoming)

    def follow_up(
        self, kind: str, folder: Path, label: str, before: Expect, own: Expect, incoming: Expect
    ) -> None:
        team, f = self.team, self.figures
        again = run(command(team, kind), self.env)
        if again.returncode != 0:
            f.fail("follow_up", f"{label}: the next sync failed: {again.stderr.strip()[-300:]}")
            return
        docs = self.read(folder, label)
        if docs is None:
            return
        for expected, name in ((before, "had before"), (own, "local change"), (incoming, "of B's")):
            missing = expected.size - expected.found(docs)
            if missing:
                f.fail("follow_up", f"{label}: after the next sync {missing} {name} missing")
        b_sync = run(["--db", str(team.b), "sync"], self.env)
        if b_sync.returncode != 0:
            f.fail("follow_up", f"{label}: B's sync failed: {b_sync.stderr.strip()[-300:]}")
            return
        b_docs = self.read(team.b, label)
        if b_docs is not None and b_docs != docs:
            differ = {k for k in set(docs) | set(b_docs) if docs.get(k) != b_docs.get(k)}
            f.fail("follow_up", f"{label}: A and B differ on {len(differ)} document(s)")
        heads = {
            main_of(team.remote),
            main_of(SyncPaths(folder).git),
            main_of(SyncPaths(team.b).git),
        }
        if len(heads) != 1:
            f.fail("follow_up", f"{label}: the remote, A and B are at {len(heads)} heads")
        for path in (folder, team.b):
            with Store.open(path, read_only=True, report=None) as store:
                waiting = len(list_conflicts(store))
            if waiting:
                f.fail("conflicts", f"{label}: {waiting} conflict(s) in {path.name}")
        paths = SyncPaths(folder)
        stray = leftovers(folder)
        stray += [p.name for p in (paths.merging, paths.root / "git.new") if p.exists()]
        if stray:
            f.fail("orphans", f"{label}: {stray}")

    def read(self, folder: Path, label: str) -> dict[str, dict[str, Any]] | None:
        try:
            return documents(folder)
        except Exception as exc:
            self.figures.fail("unreadable", f"{label}: {exc}")
            return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=60, help="rounds, one kill each")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--incoming", type=int, default=600, help="documents B pushed (half assets)"
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="assettrack-sync-crash-") as tmp:
        bench = Bench(Path(tmp), random.Random(args.seed), args.incoming)
        bench.prepare()
        for _ in range(args.kills):
            bench.one_round()
    f = bench.figures
    took = time.perf_counter() - started
    team = bench.team
    print(
        f"sync kills: {sum(f.kills.values())} in {took:.0f} s (seed {args.seed}); B pushed "
        f"{team.b_changes.size} documents and changes, A had {team.a_changes.size} local changes"
    )
    for kind in KINDS:
        alone = bench.durations[kind.split(" (")[0]]
        print(f"  {kind:12} {f.kills[kind]:4} killed (alone it takes {alone:.2f} s)")
    print(f"  aimed at the push: up to {1.2 * bench.push_time:.3f} s after the merge was recorded")
    print("  where the kills landed:")
    for landing in LANDINGS:
        print(f"    {landing:30} {f.landed[landing]:4}")
    print(f"unreadable databases:              {f.unreadable}")
    print(f"lost documents:                    {f.lost}")
    print(f"half-merged databases:             {f.half_merged}")
    print(f"damaged history or remote:         {f.damaged}")
    print(f"failed follow-up syncs:            {f.follow_up}")
    print(f"spurious conflicts:                {f.conflicts}")
    print(f"orphan files after the follow-up:  {f.orphans}")
    print(f"(temporary pack files left in the remote by killed pushes: {f.remote_temp_files})")
    for problem in f.problems[:20]:
        print(f"  {problem}")
    print("all zero" if not f.bad() else "FAILED")
    return 1 if f.bad() else 0


if __name__ == "__main__":
    sys.exit(main())

"""Sync benchmark: team sync on git at 10,000 and 50,000 assets (records x10).

For each size (``--assets``, by default 10,000 then 50,000) engineer A's database is built
with the benchmarks' fleet builder (``bench_data.py``: 50 assets a site, 10 maintenance
records an asset of about 4.5 KB each, over four years), and the team's remote is a bare
folder on this machine. Each measured operation runs in a process of its own, as the
command does:

1. **first push**: ``sync init`` of A's database to the empty remote: its whole history made
   (every data file read in canonical form and stored as a blob) and pushed.
2. **first clone**: ``sync init`` of an empty database joining that remote: everything
   fetched, then merged into the database in one transaction. Stopped after
   ``--clone-timeout`` seconds or past ``--memory-limit`` GB of resident memory (so a
   shared machine never runs out), saying how far it got.
3. **sync after one visit** (a visit with 3 inspections and 1 fault at one site): the engineer
   who made it (commit, fetch, push) and a teammate (fetch, merge, commit), ``--runs`` times
   each; medians. Target: at most 1 s plus transfer. The teammate's database is a copy of
   A's folder with its history (another laptop with the same data), synced once before the
   runs so its file cache is warm, as a daily user's is.
4. **a month of a 20-engineer team**: ``--month-visits`` visits (default 400: 20 engineers x
   20 working days, a visit a day), taken in turn on the two laptops and each synced at once,
   so nearly every sync merges the other's push, as in a busy team. Then the remote's growth:
   the month's new objects packed by dulwich (its gc and repack store every object whole,
   zlib-compressed: the growth a dulwich gc adds), the same with dulwich's deltas between the
   month's own objects, and - only if git is installed - ``git gc`` of a copy of the remote
   before and after the month (git's deltas against everything).

**Transfer** is the time spent inside dulwich's client calls: ``client.fetch`` (the
remote's refs, negotiation, pack made by the remote, sent, and written and indexed into
``.sync/git``) and ``client.send_pack`` (pack made here, sent, stored by the remote, branch
moved). It is measured by timing ``git_sync._fetch`` and ``git_sync._push`` in the measured
process. On a local folder there is no network, so transfer is pack work and disk; over a
network it grows with latency and bandwidth, the rest does not. *Snapshot* is the time
spent reading the database's files into a tree (``git_sync._snapshot``: a stat of every data
file, and the canonical form of those that changed); *sync* is ``git_sync.sync`` (or
``init_sync``) from call to return; *command* adds the interpreter's start and opening the
store, as ``assettrack sync`` does. Peak memory is the process's own high-water mark.

    python benchmarks/sync_bench.py [--assets N ...] [--runs N] [--month-visits N]
        [--clone-timeout S] [--memory-limit GB] [--work FOLDER]

``--work FOLDER`` keeps the built databases there and reuses them on the next run (a 50k
fleet takes minutes to build). On two cores the whole run at both sizes takes about an hour;
``--assets 2000 --month-visits 40`` checks the script in a few minutes.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import closing
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from bench_data import build_ours, fleet_of, folder_size, make_record  # noqa: E402
from store_bench import peak_memory_mb  # noqa: E402

TARGET_S = 1.0  # an incremental sync after one visit: at most this plus transfer
ENGINEERS = 20
MONTH_VISITS = ENGINEERS * 20  # 20 engineers, 20 working days, a visit a day


# -- measured in a child process ------------------------------------------------------------


def instrument() -> dict[str, float]:
    """Time spent in the transfer and the snapshots of every sync this process runs."""
    from assettrack.services import git_sync

    spent = {"transfer": 0.0, "snapshot": 0.0}
    for name, bucket in (("_fetch", "transfer"), ("_push", "transfer"), ("_snapshot", "snapshot")):
        original = getattr(git_sync, name)

        def timed(*args: Any, _original: Callable = original, _bucket: str = bucket, **kw: Any):
            t0 = time.perf_counter()
            try:
                return _original(*args, **kw)
            finally:
                spent[_bucket] += time.perf_counter() - t0

        setattr(git_sync, name, timed)
    return spent


def record_visit(store: Any, rng: random.Random, engineer: str, when: datetime) -> None:
    """One visit at a random site: 3 of its assets inspected, 1 fault found."""
    from assettrack.domain.models import Fault, ReportedVia, Visit, VisitKind

    sites = store.sites.list()
    site = sites[rng.randrange(len(sites))]
    assets = rng.sample(store.assets.by_site(site.id), 3)
    visit = store.visits.save(Visit(site.id, engineer, VisitKind.SCHEDULED, when))
    for n, asset in enumerate(assets):
        store.inspections.save(make_record(asset, when + timedelta(minutes=20 * n), rng, visit.id))
    store.faults.save(
        Fault(
            site.id,
            3,
            ReportedVia.ON_SITE,
            when + timedelta(hours=1),
            when + timedelta(hours=1),
            asset_id=assets[0].id,
            symptom="风扇告警 fan alarm",
        )
    )


def child(op: str, args: list[str]) -> dict[str, Any]:
    from assettrack.services.git_sync import init_sync, sync
    from assettrack.store.store import Store

    spent = instrument()
    t0 = time.perf_counter()
    figures: dict[str, Any] = {}
    if op == "month":
        return month(Path(args[0]), Path(args[1]), int(args[2]), int(args[3]), spent)
    with Store.open(Path(args[0]), author="A" if op != "visit" else "B", report=None) as store:
        figures["open"] = time.perf_counter() - t0
        if op == "visit":  # recorded first, not counted in the command's time
            when = datetime(2026, 11, 2, 9) + timedelta(days=int(args[1]))
            record_visit(store, random.Random(int(args[1])), "B", when)
        t1 = time.perf_counter()
        figures["not_counted"] = t1 - t0 - figures["open"]

        def told(step: str) -> None:  # where a process stopped from outside had got to
            print(f"step:{step} {time.perf_counter() - t1:.1f}", file=sys.stderr, flush=True)

        if op == "init":
            report = init_sync(store, args[1], progress=told)
        else:
            report = sync(store, progress=told)
        figures["sync"] = time.perf_counter() - t1
    figures.update(spent)
    figures["peak_mb"] = peak_memory_mb()
    figures["said"] = report.lines()
    figures["refused"] = len(report.merge.refused)
    figures["added"] = report.merge.added
    return figures


def month(a: Path, b: Path, visits: int, seed: int, spent: dict[str, float]) -> dict[str, Any]:
    """Visits taken in turn on two laptops, each synced at once; every sync timed."""
    from assettrack.services.git_sync import sync
    from assettrack.store.store import Store

    rng = random.Random(seed)
    stores = [Store.open(a, author="A", report=None), Store.open(b, author="B", report=None)]
    times, transfers, merges = [], [], 0
    try:
        for n in range(visits):
            store = stores[n % 2]
            engineer = f"工程师 {n % ENGINEERS + 1:02d}"
            day = datetime(2026, 12, 1, 8) + timedelta(days=n * 28 // visits, minutes=n)
            record_visit(store, rng, engineer, day)
            before = spent["transfer"]
            t0 = time.perf_counter()
            report = sync(store)
            times.append(time.perf_counter() - t0)
            transfers.append(spent["transfer"] - before)
            merges += report.merged
    finally:
        for store in stores:
            store.close()
    return {"times": times, "transfers": transfers, "merges": merges, "peak_mb": peak_memory_mb()}


def rss_gb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 2**20
    except OSError:
        pass
    return 0.0


def run_child(
    op: str, *args: str | Path, timeout: float | None = None, memory_gb: float | None = None
) -> dict[str, Any]:
    """One operation in a fresh process; its figures, and the command's whole time. Stopped
    (SIGKILL) past ``timeout`` seconds or ``memory_gb`` of resident memory, where it says so."""
    t0 = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        child_process = subprocess.Popen(
            [sys.executable, __file__, "--child", op, *map(str, args)],
            stdout=out,
            stderr=err,
            text=True,
        )
        stopped, peak = "", 0.0
        while child_process.poll() is None:
            peak = max(peak, rss_gb(child_process.pid))
            if memory_gb and peak > memory_gb:
                stopped = f"past the {memory_gb:g} GB limit"
            elif timeout and time.perf_counter() - t0 > timeout:
                stopped = f"at the {timeout:.0f} s limit"
            if stopped:
                child_process.kill()
                child_process.wait()
                break
            time.sleep(0.2)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if stopped:
        steps = [line.split()[0][5:] for line in stderr.splitlines() if line.startswith("step:")]
        reached = f", in its {steps[-1]}" if steps else ""
        took = time.perf_counter() - t0
        return {"stopped": f"stopped {stopped}: {took:.0f} s{reached}, {peak:.1f} GB"}
    if child_process.returncode != 0:
        last = (stderr.strip().splitlines() or [f"exit status {child_process.returncode}"])[-1]
        raise SystemExit(f"{op} failed: {last}")
    figures = json.loads(stdout.strip().splitlines()[-1])
    figures["command"] = time.perf_counter() - t0 - figures.get("not_counted", 0.0)
    return figures


# -- the parent: sizes, steps, table ---------------------------------------------------------


def git_gc_size(remote: Path, scratch: Path) -> int | None:
    """The remote's size after ``git gc`` of a copy (None: git is not installed)."""
    git = shutil.which("git")
    if git is None:
        return None
    shutil.rmtree(scratch, ignore_errors=True)
    shutil.copytree(remote, scratch)
    subprocess.run(
        [git, "-C", str(scratch), "gc", "--prune=now", "--quiet"], check=True, timeout=3600
    )
    size = folder_size(scratch / "objects")
    shutil.rmtree(scratch)
    return size


def month_packs(remote: Path, old: bytes, new: bytes, scratch: Path) -> dict[str, int]:
    """The month's new objects (reachable from the new head, not the old) packed by dulwich,
    whole and with deltas between them: bytes of .pack and .idx."""
    from dulwich.object_store import MissingObjectFinder
    from dulwich.pack import write_pack
    from dulwich.repo import Repo

    sizes = {}
    with closing(Repo(str(remote))) as repo:
        store = repo.object_store
        found = list(MissingObjectFinder(store, haves=[old], wants=[new]))
        objects = [(store[oid], path) for oid, path in found]
        sizes["objects"] = len(objects)
        for name, deltify in (("whole", False), ("deltas", True)):
            base = scratch / f"month-{name}"
            write_pack(str(base), objects, repo.object_format, deltify=deltify)
            sizes[name] = sum(p.stat().st_size for p in scratch.glob(f"month-{name}.*"))
    return sizes


def head_of(repo_path: Path) -> bytes:
    from dulwich.repo import Repo

    with closing(Repo(str(repo_path))) as repo:
        return repo.refs[b"refs/heads/main"]


def commits_between(repo_path: Path, old: bytes, new: bytes) -> tuple[int, int]:
    """Commits the month made, and how many of them are merges."""
    from dulwich.repo import Repo

    with closing(Repo(str(repo_path))) as repo:
        walked = [w.commit for w in repo.get_walker(include=[new], exclude=[old])]
    return len(walked), sum(1 for c in walked if len(c.parents) > 1)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def measure(n: int, work: Path, args: argparse.Namespace, keep: bool) -> dict[str, Any]:
    fleet = fleet_of(n)
    print(f"\n== {fleet.label()} ==", flush=True)
    root = work / f"{n}"
    built = root / "fleet"
    if not (keep and (built / ".built").exists()):
        shutil.rmtree(built, ignore_errors=True)
        t0 = time.perf_counter()
        build_ours(built, fleet)
        (built / ".built").touch()
        print(f"built in {time.perf_counter() - t0:.0f} s", flush=True)
    a, b, c, remote = root / "a", root / "b", root / "c", root / "team.git"
    for folder in (a, b, c, remote):
        shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(built, a)
    remote.mkdir()
    out: dict[str, Any] = {"label": fleet.label(), "data_mb": folder_size(built) / 1e6}
    out["files"] = sum(1 for p in built.rglob("*.json") if p.name != "assettrack.json")

    out["push"] = run_child("init", a, remote, memory_gb=args.memory_limit)
    print(f"first push: {out['push']}", flush=True)
    out["remote_mb"] = folder_size(remote) / 1e6
    out["clone"] = run_child(
        "init", c, remote, timeout=args.clone_timeout, memory_gb=args.memory_limit
    )
    print(f"first clone: {out['clone']}", flush=True)
    shutil.rmtree(c, ignore_errors=True)

    # The teammate: another laptop with the same data and history, its cache warmed.
    shutil.copytree(a, b)
    run_child("sync", b)
    run_child("sync", a)
    out["visit"], out["receive"] = [], []
    for k in range(args.runs):
        out["visit"].append(run_child("visit", b, str(k)))
        out["receive"].append(run_child("sync", a))
        print(f"after one visit {k + 1}: {out['visit'][-1]} / {out['receive'][-1]}", flush=True)

    old = head_of(remote)
    before_git = git_gc_size(remote, root / "gc-scratch")
    out["month"] = run_child("month", a, b, args.month_visits, 7, memory_gb=args.memory_limit)
    new = head_of(remote)
    out["commits"] = commits_between(remote, old, new)
    out["pack_files"] = {
        name: len(list((path / "objects" / "pack").glob("*.pack")))
        for name, path in (("remote", remote), ("laptop", a / ".sync" / "git"))
    }
    out["packs"] = month_packs(remote, old, new, root)
    after_git = git_gc_size(remote, root / "gc-scratch")
    out["git_gc"] = None if before_git is None else (before_git, after_git)
    if not keep:
        shutil.rmtree(root, ignore_errors=True)
    return out


def seconds(figures: dict[str, Any], key: str) -> str:
    return figures["stopped"] if "stopped" in figures else f"{figures[key]:.2f} s"


COLUMNS = ("command", "sync", "transfer", "snapshot")


def row(name: str, f: dict[str, Any]) -> None:
    if "stopped" in f:
        print(f"{name:44} {f['stopped']}")
        return
    cells = "".join(f"{f[h]:>8.2f} s" for h in COLUMNS)
    print(f"{name:44}{cells}{f['peak_mb']:>6.0f} MB")


def grown(size: float, visits: int) -> str:
    """Growth by ``visits`` simulated visits, a visit and a month of the team's."""
    month = size * MONTH_VISITS / visits
    return f"{size / visits / 1e3:,.1f} KB a visit, {month / 1e6:,.1f} MB a month"


def report(results: list[dict[str, Any]], args: argparse.Namespace) -> None:
    for r in results:
        push, clone = r["push"], r["clone"]
        print(f"\n{r['label']}: {r['data_mb']:,.0f} MB in {r['files']:,} data files")
        print(f"{'operation':44}" + "".join(f"{h:>10}" for h in COLUMNS) + f"{'peak':>9}")
        row("first push (sync init, empty remote)", push)
        row("first clone (sync init, empty database)", clone)
        if "stopped" not in clone:
            print(f"{'':44} {clone['added']:,} documents merged, {clone['refused']} refused")
        for name, runs in (("after a visit: its engineer", r["visit"]),
                           ("after a visit: a teammate", r["receive"])):  # fmt: skip
            med = {k: median([x[k] for x in runs]) for k in (*COLUMNS, "peak_mb")}
            row(f"{name} (median of {len(runs)})", med)
            rest = med["sync"] - med["transfer"]
            print(
                f"{'':44} sync without transfer {rest:.2f} s: {rest / TARGET_S:.2f}x the "
                f"{TARGET_S:.0f} s target ({'met' if rest <= TARGET_S else 'MISSED'}); whole "
                f"command {med['command']:.2f} s"
            )
        m = r["month"]
        commits, merges = r["commits"]
        tenth = max(1, len(m["times"]) // 10)
        print(
            f"{args.month_visits} visits on two laptops, each synced at once: {commits} commits "
            f"({merges} merges); sync median {median(m['times']):.2f} s (transfer "
            f"{median(m['transfers']):.2f} s), slowest {max(m['times']):.2f} s\n"
            f"  median of the first {tenth} syncs {median(m['times'][:tenth]):.2f} s (transfer "
            f"{median(m['transfers'][:tenth]):.2f} s), of the last {tenth} "
            f"{median(m['times'][-tenth:]):.2f} s (transfer "
            f"{median(m['transfers'][-tenth:]):.2f} s); pack files at the end: "
            f"{r['pack_files']['remote']} in the remote, {r['pack_files']['laptop']} on a laptop"
        )
        packs = r["packs"]
        visits = args.month_visits or 1
        print(
            f"  remote after the first push: {r['remote_mb']:,.0f} MB (one pack, as pushed)\n"
            f"  growth (a month: {MONTH_VISITS} visits), dulwich pack of the "
            f"{packs['objects']:,} new objects: whole (what dulwich's gc adds) "
            f"{grown(packs['whole'], visits)}; with deltas among them "
            f"{grown(packs['deltas'], visits)}"
        )
        if r["git_gc"] is None:
            print("  git gc: git is not installed here; not measured")
        else:
            before, after = r["git_gc"]
            print(
                f"  git gc of a copy (git's deltas against everything): {before / 1e6:,.1f} MB "
                f"before, {after / 1e6:,.1f} MB after: {grown(after - before, visits)}; "
                f"{after / before:.3f}x the size before"
            )
    if len(results) > 1:
        first, last = results[0], results[-1]
        scale = last["files"] / first["files"]
        print(f"\nfrom {first['label']} to {last['label']} ({scale:.1f}x the files):")
        for name, key in (("first push", "push"), ("first clone", "clone")):
            f0, f1 = first[key], last[key]
            if "stopped" in f0 or "stopped" in f1:
                print(f"  {name}: {seconds(f0, 'sync')} -> {seconds(f1, 'sync')}")
            else:
                ratio = f1["sync"] / f0["sync"]
                print(f"  {name}: {f0['sync']:.1f} s -> {f1['sync']:.1f} s ({ratio:.1f}x)")
        for name, key in (("sync after a visit (teammate)", "receive"),):
            t0 = median([x["sync"] for x in first[key]])
            t1 = median([x["sync"] for x in last[key]])
            print(f"  {name}: {t0:.2f} s -> {t1:.2f} s ({t1 / t0:.1f}x)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assets", type=int, nargs="+", default=[10_000, 50_000])
    parser.add_argument("--runs", type=int, default=3, help="syncs after one visit, each side")
    parser.add_argument(
        "--month-visits", type=int, default=MONTH_VISITS, help="visits simulated (a month: 400)"
    )
    parser.add_argument("--clone-timeout", type=float, default=1800, help="seconds")
    parser.add_argument("--memory-limit", type=float, default=12, help="GB for each process")
    parser.add_argument("--work", type=Path, help="keep (and reuse) the databases here")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child[0], args.child[1:])))
        return
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="assettrack-sync-bench-") as tmp:
        work = args.work or Path(tmp)
        results = [measure(n, work, args, keep=args.work is not None) for n in args.assets]
    report(results, args)
    print(f"\n(whole run {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()

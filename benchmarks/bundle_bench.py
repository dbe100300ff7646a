"""Bundle bench: git bundles against the old JSON ones, on the demo database and a larger one.

For each database (the demo's 200 assets, then the same with ``--extra`` more assets spread
over its sites) it measures, with real stores and real files in a temporary folder:

- export: the first git export (the history is made and everything committed), a second with
  nothing changed, and the JSON export;
- import into an empty database: git and JSON;
- import of the same bundle again: git ("Up to date") and JSON (everything unchanged);
- one asset changed on the first laptop: export and import of the git bundle (the whole
  history in the file, one document merged) and of the JSON bundle.

Each figure is the median of ``--runs`` runs. The sizes are the files' sizes in bytes.

    python benchmarks/bundle_bench.py [--runs N] [--extra N]
"""

from __future__ import annotations

import argparse
import dataclasses
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assettrack.domain.models import Asset  # noqa: E402
from assettrack.services.git_bundle import export_git_bundle, import_git_bundle  # noqa: E402
from assettrack.services.sync import export_bundle, import_bundle  # noqa: E402
from assettrack.store.store import Store  # noqa: E402

TODAY = "2026-12-01"


def demo(folder: Path, extra: int) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "assettrack", "--db", str(folder), "--today", TODAY, "demo",
         "--no-tui"],
        capture_output=True, text=True,
    )  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"the demo database could not be made: {done.stderr.strip()}")
    if extra:
        with Store.open(folder, author="bench") as store:
            sites = store.sites.list()
            store.assets.add_many(
                Asset(sites[n % len(sites)].id, "switch", "Huawei", "S5735", f"BENCH{n:05d}")
                for n in range(extra)
            )


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def one_run(source: Path, work: Path) -> dict[str, float]:
    """Every figure of one run, on a fresh copy of ``source``."""
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    a, b, c = work / "a", work / "b", work / "c"
    shutil.copytree(source, a)
    git_file, json_file = work / "a.bundle", work / "a.json"
    got: dict[str, float] = {}
    with Store.open(a, author="张工") as first, Store.open(b) as second, Store.open(c) as third:
        got["git export, first"] = timed(lambda: export_git_bundle(first, git_file))
        got["git export, unchanged"] = timed(lambda: export_git_bundle(first, git_file))
        got["json export"] = timed(lambda: export_bundle(first, json_file))
        got["git size"] = git_file.stat().st_size
        got["json size"] = json_file.stat().st_size
        got["git import, empty db"] = timed(lambda: import_git_bundle(second, git_file))
        got["json import, empty db"] = timed(lambda: import_bundle(third, json_file))
        got["git import, again"] = timed(lambda: import_git_bundle(second, git_file))
        got["json import, again"] = timed(lambda: import_bundle(third, json_file))
        asset = first.assets.all()[0]
        first.assets.save(dataclasses.replace(asset, location="B-07"))
        got["git export+import, one change"] = timed(
            lambda: (export_git_bundle(first, git_file), import_git_bundle(second, git_file))
        )
        got["json export+import, one change"] = timed(
            lambda: (export_bundle(first, json_file), import_bundle(third, json_file))
        )
        got["git size, two commits"] = git_file.stat().st_size
    return got


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--extra", type=int, default=2000, help="assets added to the demo")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bundle-bench-") as temp:
        root = Path(temp)
        for extra in (0, args.extra):
            source = root / f"demo-{extra}"
            demo(source, extra)
            with Store.open(source) as store:
                assets = len(store.assets)
            runs = [one_run(source, root / "work") for _ in range(args.runs)]
            print(f"\n{assets} assets (median of {args.runs} runs)")
            for name in runs[0]:
                value = statistics.median(run[name] for run in runs)
                shown = f"{value / 1000:8.1f} kB" if "size" in name else f"{value * 1000:8.0f} ms"
                print(f"  {name:34} {shown}")


if __name__ == "__main__":
    main()

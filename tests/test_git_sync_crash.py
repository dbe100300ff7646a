"""Team sync against kill -9 and a remote that vanishes mid-transfer, on real processes and
real repositories: the short run of benchmarks/sync_crash_bench.py, what a killed sync
leaves behind, and a git:// server behind a proxy that cuts the connection partway through
the pack."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import closing, suppress
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from dulwich.client import get_transport_and_path
from dulwich.objects import Blob
from dulwich.repo import Repo
from dulwich.server import DictBackend, TCPGitServer

from assettrack.domain.models import Asset, Fault, ReportedVia, Site
from assettrack.services import git_snapshot
from assettrack.services.git_sync import BRANCH, SyncPaths, init_sync, sync
from assettrack.store.store import Store
from tests.conftest import TODAY

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "benchmarks" / "sync_crash_bench.py"
FIGURES = (
    "unreadable databases",
    "lost documents",
    "half-merged databases",
    "damaged history or remote",
    "failed follow-up syncs",
    "spurious conflicts",
    "orphan files after the follow-up",
)


def test_the_sync_crash_bench_short_run_finds_nothing_wrong() -> None:
    """benchmarks/sync_crash_bench.py with 7 kills of sync and sync init (``make stress``
    runs 60), on a smaller team's merge."""
    result = subprocess.run(
        [sys.executable, str(BENCH), "--kills", "7", "--seed", "14", "--incoming", "200"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert "sync kills: 7" in result.stdout, result.stdout + result.stderr
    for figure in FIGURES:
        line = next(x for x in result.stdout.splitlines() if x.startswith(f"{figure}:"))
        assert line.split()[-1] == "0", result.stdout
    assert result.returncode == 0, result.stdout + result.stderr


# -- what a killed sync leaves ---------------------------------------------------------------


def cli(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    home = folder.parent / "home"
    env = {
        **os.environ,
        "ASSETTRACK_TODAY": TODAY.isoformat(),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CACHE_HOME": str(home / "cache"),
    }
    env.pop("ASSETTRACK_DB", None)
    return subprocess.run(
        [sys.executable, "-m", "assettrack", "--db", str(folder), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_what_a_sync_killed_while_writing_its_history_leaves_does_not_stop_the_next(
    tmp_path: Path,
) -> None:
    """A kill while dulwich writes an object leaves ``<object>.lock`` beside it (its file
    never renamed into place), and a kill in ``atomic_write`` leaves ``.sync``'s temporary
    file. Nothing else writes ``.sync`` while a sync holds ``sync.lock``: the next sync
    must clear both and go on, not stop on the lock of the very object it writes again."""
    remote = tmp_path / "team.git"
    remote.mkdir()
    with Store.open(tmp_path / "a", author="张工") as a:
        site = a.sites.save(Site("华东医院集团", "门诊楼机房"))
        a.assets.save(Asset(site.id, "switch", "Huawei", "S5735", "HW1"))
        init_sync(a, str(remote))
        added = a.assets.save(Asset(site.id, "switch", "Huawei", "S5735", "HW2"))
        # The blob the next commit writes: the asset file as the history holds it.
        partition = f"assets/{site.id}.json"
        data = git_snapshot.canonical(a.db, partition)
        assert data is not None
        blob = Blob.from_string(data).id.decode()
    paths = SyncPaths(tmp_path / "a")
    lock = paths.git / "objects" / blob[:2] / f"{blob[2:]}.lock"
    lock.parent.mkdir(exist_ok=True)
    lock.write_bytes(b"x\x01 cut short")
    temp = paths.root / ".snapshot.json.tmp-999999-0badc0de"
    temp.write_bytes(b'{"files": {')
    unfinished = paths.git / "objects" / "pack" / "tmpk1ll3d.pack"  # a pack never indexed
    unfinished.write_bytes(b"PACK\x00\x00\x00\x02")
    done = cli(tmp_path / "a", "sync")
    assert done.returncode == 0, done.stderr
    assert "Pushed to" in done.stdout
    assert not lock.exists() and not temp.exists() and not unfinished.exists()
    with closing(Repo(str(remote))) as repo:
        files = {
            e.path.decode(): e.sha.decode()
            for e in repo.object_store.iter_tree_contents(repo[repo.refs[BRANCH]].tree)
        }
    assert files[partition] == blob  # the very object whose write was cut short
    with Store.open(tmp_path / "b", author="李工") as b:
        init_sync(b, str(remote))
        assert b.assets.get(added.id) is not None


def test_a_push_killed_while_it_moved_the_remote_branch_does_not_stop_the_team(
    tmp_path: Path,
) -> None:
    """A push to a shared folder moves ``refs/heads/main`` through ``main.lock``; a kill at
    that moment leaves the lock, and every engineer's push then met it. A live push holds
    it for milliseconds: one left for an hour is a killed push's, and the next sync goes on
    (never an 'unexpected' error)."""
    remote = tmp_path / "team.git"
    remote.mkdir()
    with Store.open(tmp_path / "a", author="张工") as a:
        site = a.sites.save(Site("华东医院集团", "门诊楼机房"))
        init_sync(a, str(remote))
        added = a.assets.save(Asset(site.id, "switch", "Huawei", "S5735", "HW1"))
    lock = remote / "refs" / "heads" / "main.lock"
    lock.write_bytes(b"")
    an_hour_ago = time.time() - 3600
    os.utime(lock, (an_hour_ago, an_hour_ago))
    done = cli(tmp_path / "a", "sync")
    assert "unexpected" not in done.stderr, done.stderr
    assert done.returncode == 0, done.stderr
    assert not lock.exists()
    with Store.open(tmp_path / "b", author="李工") as b:
        init_sync(b, str(remote))
        assert b.assets.get(added.id) is not None


def test_a_push_killed_while_it_indexed_its_pack_does_not_stop_the_next_push(
    tmp_path: Path,
) -> None:
    """A push moves its pack into the shared folder, then writes the pack's index through
    ``pack-<sha>.idx.lock``. Killed in between, the lock stays; and as a pack is named by its
    content, the next push of the same objects met the same lock, every time: a killed
    push's lock, unchanged while watched, is removed."""
    remote = tmp_path / "team.git"
    remote.mkdir()
    with Store.open(tmp_path / "a", author="张工") as a:
        site = a.sites.save(Site("华东医院集团", "门诊楼机房"))
        init_sync(a, str(remote))
        added = a.assets.save(Asset(site.id, "switch", "Huawei", "S5735", "HW1"))
    lock = remote / "objects" / "pack" / f"pack-{'0' * 40}.idx.lock"
    lock.parent.mkdir(parents=True, exist_ok=True)
    lock.write_bytes(b"cut short")
    done = cli(tmp_path / "a", "sync")
    assert done.returncode == 0, done.stderr
    assert not lock.exists()
    with Store.open(tmp_path / "b", author="李工") as b:
        init_sync(b, str(remote))
        assert b.assets.get(added.id) is not None


# -- the remote vanishing mid-fetch ----------------------------------------------------------


class CuttingProxy:
    """A TCP proxy on 127.0.0.1 in front of a git:// server: with ``limit`` set, it closes
    both sides once that many bytes came from the server on a connection, as a server that
    goes away (or a network that drops) partway through the pack."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.limit: int | None = None
        self.last = 0  # bytes the server sent on the last connection
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return  # closed
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        server = socket.create_connection(self.upstream)
        limit, sent = self.limit, 0
        threading.Thread(target=self._pump, args=(client, server), daemon=True).start()
        try:
            while True:
                chunk = server.recv(65536)
                if not chunk:
                    break
                if limit is not None and sent + len(chunk) >= limit:
                    client.sendall(chunk[: limit - sent])
                    sent = limit
                    break
                client.sendall(chunk)
                sent += len(chunk)
                self.last = sent
        except OSError:
            pass
        finally:
            self.last = sent
            for end in (client, server):
                with suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)
                end.close()

    @staticmethod
    def _pump(source: socket.socket, target: socket.socket) -> None:
        try:
            while chunk := source.recv(65536):
                target.sendall(chunk)
        except OSError:
            pass

    def close(self) -> None:
        self.listener.close()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[CuttingProxy, str]]:
    """A bare repository served over git:// on 127.0.0.1, behind the cutting proxy."""
    remote = tmp_path / "team.git"
    Repo.init_bare(str(remote), mkdir=True, default_branch=b"main").close()
    backend = Repo(str(remote))
    server = TCPGitServer(DictBackend({b"/team.git": backend}), "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    proxy = CuttingProxy(("127.0.0.1", server.server_address[1]))
    try:
        yield proxy, f"git://127.0.0.1:{proxy.port}/team.git"
    finally:
        proxy.close()
        server.shutdown()
        server.server_close()
        backend.close()


def state(folder: Path) -> dict[str, bytes]:
    """Every file of the database and its history (objects, refs, notes), by content; the
    locks, whose presence changes nothing, left out."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.endswith(".lock")
    }


def fetch_size(proxy: CuttingProxy, history: Path, url: str, scratch: Path) -> int:
    """Bytes the server sends for this history's next fetch, on a copy of it."""
    shutil.copytree(history, scratch)
    with closing(Repo(str(scratch))) as repo:
        client, path = get_transport_and_path(url)
        client.fetch(path, repo)
    return proxy.last


def test_the_remote_vanishing_mid_fetch_is_one_line_changes_nothing_and_the_next_sync_works(
    served: tuple[CuttingProxy, str], tmp_path: Path
) -> None:
    proxy, url = served
    zhang, li = tmp_path / "zhang", tmp_path / "li"
    with Store.open(zhang, author="张工") as z:
        sites = [z.sites.save(Site("华东医院集团", f"机房 {n}")) for n in range(4)]
        assert init_sync(z, url).pushed
    with Store.open(li, author="李工") as store:
        init_sync(store, url)
        mine = store.assets.save(Asset(sites[0].id, "router", "Cisco", "ISR4331", "LI-1"))
    # Zhang pushes a few hundred documents: the pack Li's next fetch brings is large.
    with Store.open(zhang, author="张工") as z:
        theirs = z.assets.add_many(
            Asset(sites[n % 4].id, "switch", "Huawei", "S5735", f"ZH-{n:03d}") for n in range(300)
        )
        when = datetime(2026, 3, 1, 9)
        z.faults.add_many(
            Fault(sites[n % 4].id, 2, ReportedVia.PHONE, when + timedelta(days=n), when)
            for n in range(60)
        )
        assert sync(z).pushed
    history = SyncPaths(li).git
    total = fetch_size(proxy, history, url, tmp_path / "scratch.git")
    assert total > 10_000  # a pack worth cutting
    for fraction in (0.2, 0.5, 0.9):
        proxy.limit = int(total * fraction)
        before = state(li)
        cut = cli(li, "sync")
        assert cut.returncode == 1, cut.stdout + cut.stderr
        said = f"error: the connection to the team's remote {url} was cut during the transfer ("
        assert cut.stderr.startswith(said), cut.stderr
        assert cut.stderr.count("\n") == 1 and "nothing was changed here" in cut.stderr
        assert state(li) == before, f"cut after {proxy.limit} of {total} bytes"
    # The remote back: the next sync merges Zhang's documents and pushes Li's asset.
    proxy.limit = None
    done = cli(li, "sync")
    assert done.returncode == 0, done.stderr
    assert "Pushed to" in done.stdout
    with Store.open(li, read_only=True) as store:
        assert all(store.assets.get(a.id) is not None for a in theirs)
    with Store.open(zhang, author="张工") as z:
        sync(z)
        assert z.assets.get(mine.id) is not None

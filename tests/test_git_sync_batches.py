"""What keeps sync fast and bounded at 50,000 assets, checked on small real databases: the
merge read in batches of files, the objects moved by tree diffs, packs rolled up, and the
snapshot cache tied to its history. Real stores, real git repositories (dulwich)."""

from __future__ import annotations

import dataclasses
import os
import shutil
import time
from contextlib import closing
from datetime import datetime
from pathlib import Path

import orjson
import pytest
from dulwich.index import commit_tree
from dulwich.object_store import tree_lookup_path
from dulwich.repo import Repo

from assettrack.domain.models import Asset, Fault, ReportedVia, Site, Visit
from assettrack.services import git_merge_plan, git_objects, git_snapshot
from assettrack.services.git_merge_plan import plan_merge
from assettrack.services.git_sync import BRANCH, SyncPaths, init_sync, sync
from assettrack.services.sync import MergeReport, raw_documents
from assettrack.store.store import Store
from tests.test_git_sync import Team, data_files, edit_asset, seed, team  # noqa: F401
from tests.test_seals import commit_by_hand, record, signed  # noqa: F401


def documents(store: Store) -> dict[tuple[str, str], dict]:
    return {(d.table, d.doc["id"]): d.doc for d in raw_documents(store.db)}


def groups_of(store: Store) -> list[list[str]]:
    """The batches a first clone of the database's own history would read."""
    with closing(Repo(str(SyncPaths(store.folder).git))) as repo:
        head = repo.refs[BRANCH]
        plan = plan_merge(repo, store.db.plan, (None, None, head), [], MergeReport())
        return plan.groups


def test_a_clone_in_batches_refuses_an_inspection_its_incoming_signed_visit_seals(
    store: Store,
    signed: Visit,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A signed visit and its inspections are in different files, so in different batches
    when batches are small: the seal must still reach the inspection's batch."""
    monkeypatch.setattr(git_merge_plan, "BATCH_BYTES", 1)  # a batch a file
    remote = tmp_path / "team.git"
    remote.mkdir()
    init_sync(store, str(remote))
    inspection_id = next(iter(signed.sign_off.records))
    inspection = store.inspections.get(signed.site_id, inspection_id)
    partition = store.inspections.partition_of(inspection)
    commit_by_hand(remote, partition, "inspections", inspection_id, notes="checked again")
    with Store.open(tmp_path / "li", author="李工") as li:
        report = init_sync(li, str(remote))
        assert [r.split(":")[0] for r in report.merge.refused] == [f"inspection {inspection_id}"]
        assert li.inspections.get(signed.site_id, inspection_id) is None  # kept out
        assert li.visits.get(signed.site_id, signed.id).sign_off.seal == signed.sign_off.seal
        groups = groups_of(li)
        visit_file = li.visits.partition_of(signed)
        (holding_visit,) = [g for g in groups if visit_file in g]
        assert partition not in holding_visit and len(groups) > 3


def test_a_document_moved_between_files_is_merged_whole_when_read_in_batches(
    team: Team,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(git_merge_plan, "BATCH_BYTES", 1)
    seeded = seed(team.zhang)
    other = team.zhang.sites.save(Site("华东医院集团", "住院楼机房"))
    for n in range(6):  # more files, so more batches
        team.zhang.assets.save(Asset(other.id, "router", "Cisco", "ISR4331", f"FDO{n}"))
    init_sync(team.zhang, str(team.remote))
    init_sync(team.li, str(team.remote))
    assert documents(team.li) == documents(team.zhang)
    # Zhang moves the switch to the other building; Li upgrades its firmware meanwhile.
    edit_asset(team.zhang, seeded.asset.id, site_id=other.id, location="B-02")
    sync(team.zhang)
    assert_tree_is_whole(team.zhang)
    edit_asset(team.li, seeded.asset.id, firmware="V200R022")
    report = sync(team.li)
    assert_tree_is_whole(team.li)
    assert (report.merge.merged, report.merge.conflicts, report.merge.refused) == (1, 0, [])
    moved = team.li.assets.get(seeded.asset.id)
    assert (moved.site_id, moved.location, moved.firmware) == (other.id, "B-02", "V200R022")
    assert [a.id for a in team.li.assets.by_site(seeded.site.id)] == []
    sync(team.zhang)
    assert documents(team.zhang) == documents(team.li)
    # The two site files share the moved switch: read in the same batch.
    old, new = f"assets/{seeded.site.id}.json", f"assets/{other.id}.json"
    with closing(Repo(str(SyncPaths(team.li.folder).git))) as repo:
        commits = [w.commit for w in repo.get_walker(include=[repo.refs[BRANCH]])]
        move = next(c for c in commits if c.author.startswith("张工".encode()) and c.parents)
        plan = plan_merge(
            repo, team.li.db.plan, (move.parents[0], move.parents[0], move.id), [], MergeReport()
        )
    (together,) = [g for g in plan.groups if old in g]
    assert new in together


def assert_tree_is_whole(store: Store) -> None:
    """The tree a sync edited in place (along the changed paths) is the one a rebuild from
    every file would make."""
    paths = SyncPaths(store.folder)
    files = orjson.loads(paths.snapshot.read_bytes())["files"]
    with closing(Repo(str(paths.git))) as repo:
        entries = [
            (name.encode(), blob.encode(), 0o100644)
            for name, (*_stamp, blob) in files.items()
            if blob is not None
        ]
        assert repo[repo.refs[BRANCH]].tree == commit_tree(repo.object_store, entries)


def objects_reachable(folder: Path) -> int:
    """Every object the branch reaches, each read whole: how many."""
    with closing(Repo(str(folder))) as repo:
        store = repo.object_store
        todo, seen = [repo.refs[BRANCH]], set()
        while todo:
            sha = todo.pop()
            if sha in seen:
                continue
            seen.add(sha)
            obj = store[sha]
            if obj.type_name == b"commit":
                todo += [*obj.parents, obj.tree]
            elif obj.type_name == b"tree":
                todo += [entry.sha for entry in obj.iteritems()]
        return len(seen)


def packs_in(folder: Path) -> int:
    return len(list((folder / "objects" / "pack").glob("*.pack")))


def test_packs_are_rolled_up_and_every_object_stays_readable(
    team: Team,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(git_objects, "PACKS_KEPT", 4)
    seeded = seed(team.zhang)
    init_sync(team.zhang, str(team.remote))
    init_sync(team.li, str(team.remote))
    # A reader that opened the shared folder before the roll-ups (another engineer's fetch).
    early = Repo(str(team.remote))
    try:
        early_head = early.refs[BRANCH]
        assert early[early_head].tree in early.object_store
        most = 0
        for n in range(14):
            edit_asset(team.zhang, seeded.asset.id, location=f"A-{n:02d}")
            sync(team.zhang)
            sync(team.li)
            most = max(most, packs_in(team.remote))
        # Every push added a pack; past four, the small ones were rolled into one.
        assert most <= 6, most
        assert packs_in(SyncPaths(team.li.folder).git) <= 6
        for folder in (team.remote, SyncPaths(team.zhang.folder).git):
            assert objects_reachable(folder) > 14 * 3
        assert objects_reachable(SyncPaths(team.li.folder).git) == objects_reachable(team.remote)
        # The early reader's packs are gone; it looks again and finds every object.
        walked = [w.commit.id for w in early.get_walker(include=[early.refs[BRANCH]])]
        assert early_head in walked and len(walked) >= 15
    finally:
        early.close()
    assert team.li.assets.get(seeded.asset.id).location == "A-13"
    assert documents(team.li) == documents(team.zhang)


def test_the_snapshot_cache_is_not_trusted_by_another_history(team: Team) -> None:  # noqa: F811
    """A history made again (deleted, then ``sync init`` once more) starts its cache afresh:
    the old cache names blobs the new history never held."""
    seed(team.zhang)
    init_sync(team.zhang, str(team.remote))
    paths = SyncPaths(team.zhang.folder)
    before = orjson.loads(paths.snapshot.read_bytes())
    with closing(Repo(str(paths.git))) as repo:
        assert before["history"] == repo.get_config().get((b"assettrack",), b"history").decode()
    shutil.rmtree(paths.git)
    fresh = tmp_remote = team.remote.parent / "fresh.git"
    tmp_remote.mkdir()
    report = init_sync(team.zhang, str(fresh))
    assert report.pushed
    after = orjson.loads(paths.snapshot.read_bytes())
    assert after["history"] != before["history"] and after["files"] == before["files"]
    assert objects_reachable(fresh) == objects_reachable(paths.git) > len(after["files"])
    # Li clones the fresh remote and gets every file, byte for byte as Zhang's.
    init_sync(team.li, str(fresh))
    zhang_files = {k: v for k, v in data_files(team.zhang.folder).items() if k in after["files"]}
    assert {k: orjson.loads(v) for k, v in zhang_files.items()} == {
        k: orjson.loads(v) for k, v in data_files(team.li.folder).items() if k in after["files"]
    }


def test_an_unchanged_database_reuses_its_tree_and_writes_nothing(team: Team) -> None:  # noqa: F811
    seeded = seed(team.zhang)
    init_sync(team.zhang, str(team.remote))
    paths = SyncPaths(team.zhang.folder)
    cache = paths.snapshot.stat()
    assert not sync(team.zhang).committed
    assert paths.snapshot.stat().st_mtime_ns == cache.st_mtime_ns  # nothing to note
    edit_asset(team.zhang, seeded.asset.id, location="C-03")
    assert sync(team.zhang).committed
    assert paths.snapshot.stat().st_mtime_ns != cache.st_mtime_ns
    asset = dataclasses.replace(team.zhang.assets.get(seeded.asset.id))
    assert asset.location == "C-03"


def test_many_new_blobs_stream_into_one_pack(
    team: Team,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A first commit of a large fleet: its blobs go into one pack as they are read, the
    count filled in at the end, and every one reads back."""
    monkeypatch.setattr(git_snapshot, "PACKED_FROM", 3)
    for n in range(8):
        site = team.zhang.sites.save(Site("华东医院集团", f"机房 {n}"))
        team.zhang.assets.save(Asset(site.id, "switch", "Huawei", "S5735", f"HW{n}"))
    init_sync(team.zhang, str(team.remote))
    paths = SyncPaths(team.zhang.folder)
    files = orjson.loads(paths.snapshot.read_bytes())["files"]
    with closing(Repo(str(paths.git))) as repo:
        store = repo.object_store
        loose = [store[sha].type_name for sha in store._iter_loose_objects()]
        assert b"blob" not in loose  # the trees and the commit only
        (pack,) = store.packs
        assert len(pack) == len(files) > 3
        pack.check()  # its checksum and every object's
    init_sync(team.li, str(team.remote))
    assert documents(team.li) == documents(team.zhang)


def age_folders(folder: Path, seconds: int = 60) -> None:
    """Date the data folders back, as if their last change were long ago."""
    past = time.time_ns() - seconds * 1_000_000_000
    for top in ("assets", "records", "attachments"):
        for sub in [folder / top, *(p for p in (folder / top).rglob("*") if p.is_dir())]:
            if sub.is_dir():
                os.utime(sub, ns=(past, past))


def remote_asset(remote: Path, site_id: str, asset_id: str) -> dict:
    with closing(Repo(str(remote))) as repo:
        tree = repo[repo.refs[BRANCH]].tree
        _mode, blob = tree_lookup_path(repo.__getitem__, tree, f"assets/{site_id}.json".encode())
        return orjson.loads(repo[blob].as_raw_string())["assets"][asset_id]


def test_a_folder_changed_twice_within_its_clock_tick_is_listed_again(team: Team) -> None:  # noqa: F811
    """A folder recorded within two seconds of its last change could change again in the
    same tick of its clock unseen: it is listed again next time, whatever its stat says."""
    seeded = seed(team.zhang)
    init_sync(team.zhang, str(team.remote))
    assets = team.zhang.folder / "assets"
    edit_asset(team.zhang, seeded.asset.id, location="B-01")
    assert sync(team.zhang).pushed
    recorded = orjson.loads(SyncPaths(team.zhang.folder).snapshot.read_bytes())["folders"]
    mtime, _inode, settled, _subs = recorded["assets"]
    assert settled == 0  # just changed
    edit_asset(team.zhang, seeded.asset.id, location="B-02")
    os.utime(assets, ns=(mtime, mtime))  # the second save within the same tick
    assert sync(team.zhang).pushed
    assert remote_asset(team.remote, seeded.site.id, seeded.asset.id)["location"] == "B-02"


def test_settled_folders_are_not_listed_and_every_change_is_still_found(team: Team) -> None:  # noqa: F811
    seeded = seed(team.zhang)
    init_sync(team.zhang, str(team.remote))
    age_folders(team.zhang.folder)
    assert not sync(team.zhang).committed  # the folders recorded as settled
    paths = SyncPaths(team.zhang.folder)
    recorded = orjson.loads(paths.snapshot.read_bytes())
    assert all(stamp[2] == 1 for stamp in recorded["folders"].values())
    # A save in a settled folder, a record at a new site (a new folder under settled ones).
    edit_asset(team.zhang, seeded.asset.id, firmware="V200R023")
    other = team.zhang.sites.save(Site("华东医院集团", "住院楼机房"))
    fault = team.zhang.faults.save(
        Fault(other.id, 2, ReportedVia.PHONE, datetime(2026, 4, 1, 8), datetime(2026, 4, 1, 8))
    )
    assert sync(team.zhang).pushed
    assert_tree_is_whole(team.zhang)
    init_sync(team.li, str(team.remote))
    assert team.li.assets.get(seeded.asset.id).firmware == "V200R023"
    assert team.li.faults.get(other.id, fault.id) is not None
    assert documents(team.li) == documents(team.zhang)

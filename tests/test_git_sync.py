"""Team sync on git, against real git repositories (dulwich, no mock): a bare remote folder,
two engineers' databases and a team lead's, each a real Store."""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import orjson
import pytest
from dulwich.index import commit_tree
from dulwich.objects import Blob, Commit
from dulwich.repo import Repo

from assettrack.domain.models import (
    Asset,
    ConsoleSettings,
    Fault,
    ReportedVia,
    Site,
    Visit,
    VisitKind,
)
from assettrack.services import git_sync
from assettrack.services.git_sync import (
    BRANCH,
    RemoteUnreachable,
    SyncPaths,
    init_sync,
    sync,
    sync_status,
    tracked_path,
)
from assettrack.services.sync import list_conflicts, resolve_conflict
from assettrack.store.attachment_files import content_path, store_content
from assettrack.store.store import Store
from tests.cli_inprocess import Cli


@dataclass
class Team:
    remote: Path
    zhang: Store  # field engineer
    li: Store  # field engineer
    lead: Store  # team lead


@pytest.fixture
def team(tmp_path: Path) -> Iterator[Team]:
    remote = tmp_path / "team.git"
    remote.mkdir()  # an empty shared folder: the first sync init makes it a bare repository
    stores = [
        Store.open(tmp_path / "zhang", author="张工"),
        Store.open(tmp_path / "li", author="李工"),
        Store.open(tmp_path / "lead", author="王经理"),
    ]
    yield Team(remote, *stores)
    for store in stores:
        store.close()


@dataclass(frozen=True)
class Seeded:
    site: Site
    asset: Asset
    visit: Visit
    fault: Fault


def seed(store: Store) -> Seeded:
    site = store.sites.save(Site("华东医院集团", "门诊楼机房"))
    asset = store.assets.save(Asset(site.id, "switch", "Huawei", "S5735", "HW1", location="A-01"))
    visit = store.visits.save(Visit(site.id, "张工", VisitKind.SCHEDULED, datetime(2026, 3, 2, 9)))
    fault = store.faults.save(
        Fault(site.id, 1, ReportedVia.PHONE, datetime(2026, 3, 3, 8), datetime(2026, 3, 3, 8))
    )
    return Seeded(site, asset, visit, fault)


def joined(team: Team) -> Seeded:
    """Zhang starts the team's remote with his data; Li joins with an empty database."""
    seeded = seed(team.zhang)
    init_sync(team.zhang, str(team.remote))
    init_sync(team.li, str(team.remote))
    return seeded


def edit_asset(store: Store, asset_id: str, **changes: object) -> None:
    asset = store.assets.get(asset_id)
    assert asset is not None
    store.assets.save(dataclasses.replace(asset, **changes))  # type: ignore[arg-type]


def remote_head(remote: Path) -> Commit:
    with closing(Repo(str(remote))) as repo:
        return repo[repo.refs[BRANCH]]  # type: ignore[return-value]


def data_files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
        and not p.name.startswith((".writer", ".redo."))
        and ".sync" not in p.parts
        and ".retired" not in p.parts  # old versions that saves left until a checkpoint
        and ".spares" not in p.parts  # what saves write into: old versions, or a failed one
    }


# -- joining ------------------------------------------------------------------------------


def test_an_empty_remote_gets_the_history_and_the_team_joins_it(team: Team) -> None:
    seeded = seed(team.zhang)
    first = init_sync(team.zhang, str(team.remote))
    assert first.pushed and not first.merged
    assert remote_head(team.remote).author.startswith("张工".encode())
    # An empty database is filled from the remote, with nothing to push back.
    second = init_sync(team.li, str(team.remote))
    assert (second.merge.added, second.merge.conflicts, second.pushed) == (4, 0, False)
    assert team.li.assets.get(seeded.asset.id).location == "A-01"  # type: ignore[union-attr]
    assert team.li.faults.get(seeded.site.id, seeded.fault.id) is not None
    # The lead had a site of his own: joining merges it in and pushes it.
    own = team.lead.sites.save(Site("浦东机场", "T2 机房"))
    third = init_sync(team.lead, str(team.remote))
    assert third.merge.added == 4 and third.pushed
    sync(team.zhang)
    assert team.zhang.sites.get(own.id) is not None
    status = sync_status(team.zhang)
    assert (status.ahead, status.behind, status.unsynced_files, status.conflicts) == (0, 0, 0, 0)
    assert status.remote == str(team.remote.absolute()) and status.last_sync
    # Joining is once: another remote is refused, the same one is a sync.
    with pytest.raises(git_sync.SyncError, match="already syncs with"):
        init_sync(team.zhang, str(team.remote.parent / "other.git"))
    assert not init_sync(team.zhang, str(team.remote)).pushed


def test_only_the_data_files_are_committed_and_attached_files_travel(
    team: Team, tmp_path: Path
) -> None:
    seeded = seed(team.zhang)
    photo = tmp_path / "rack.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0 a photo of the rack")
    stored = store_content(team.zhang.folder, photo)
    folder = team.zhang.folder
    junk = [
        "quarantine/assets.x.json",
        "inbox/dropped.jpg",
        "backups/catalog.20260101T000000.json",
        "notes.txt",
        f"assets/.{seeded.site.id}.json.tmp-1-abcd",
        f"attachments/{stored.sha256[:2]}/.incoming.tmp-1-abcd",
        "records/visits/readme.md",
    ]
    for name in junk:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(b"{}")
    init_sync(team.zhang, str(team.remote))
    with closing(Repo(str(team.remote))) as repo:
        tree = repo[repo.refs[BRANCH]].tree
        committed = {e.path.decode() for e in repo.object_store.iter_tree_contents(tree)}
    assert committed == {
        "catalog.json",
        f"assets/{seeded.site.id}.json",
        f"records/visits/{seeded.site.id}/2026-03.json",
        f"records/faults/{seeded.site.id}/2026-03.json",
        f"attachments/{stored.sha256[:2]}/{stored.sha256}",
    }
    assert all(tracked_path(p) for p in committed)
    for name in [*junk, ".changes", ".writer.lock", ".journal-abc.jsonl", ".sync/git/HEAD"]:
        assert not tracked_path(name), name
    init_sync(team.li, str(team.remote))
    assert content_path(team.li.folder, stored.sha256).read_bytes() == photo.read_bytes()


# -- merging ------------------------------------------------------------------------------


def test_location_on_one_laptop_and_firmware_on_the_other_both_survive(team: Team) -> None:
    seeded = joined(team)
    asset_id = seeded.asset.id
    edit_asset(team.zhang, asset_id, location="B-07", console=ConsoleSettings(port="COM3"))
    edit_asset(team.li, asset_id, firmware="V200R022C00", console=ConsoleSettings(baud=115200))
    assert sync(team.zhang).pushed
    report = sync(team.li)
    assert (report.merge.merged, report.merge.conflicts, report.pushed) == (1, 0, True)
    sync(team.zhang)
    for store in (team.zhang, team.li):
        asset = store.assets.get(asset_id)
        assert asset is not None
        assert (asset.location, asset.firmware) == ("B-07", "V200R022C00")
        assert (asset.console.port, asset.console.baud) == ("COM3", 115200)  # key by key
        assert list_conflicts(store) == []
    # The team lead, joining later, sees the same.
    init_sync(team.lead, str(team.remote))
    assert team.lead.assets.get(asset_id).firmware == "V200R022C00"  # type: ignore[union-attr]


def test_the_same_field_changed_on_both_is_a_conflict_resolved_as_any_other(team: Team) -> None:
    seeded = joined(team)
    asset_id = seeded.asset.id
    edit_asset(team.zhang, asset_id, location="B-07")
    edit_asset(team.li, asset_id, location="C-12", firmware="V200R022C00")
    sync(team.zhang)
    report = sync(team.li)
    assert report.merge.conflicts == 1
    (conflict,) = list_conflicts(team.li)
    assert conflict.fields == ("location",)
    assert (conflict.local_by, conflict.theirs_by) == ("李工", "张工")
    assert conflict.theirs["location"] == "B-07"
    assert conflict.theirs["firmware"] == "V200R022C00"  # only the location waits
    assert team.li.assets.get(asset_id).location == "C-12"  # type: ignore[union-attr]
    # Syncing again does not pile the same conflict up.
    sync(team.li)
    assert len(list_conflicts(team.li)) == 1
    resolve_conflict(team.li, conflict.id[:8], "theirs")
    assert list_conflicts(team.li) == []
    sync(team.li)
    sync(team.zhang)
    for store in (team.zhang, team.li):
        asset = store.assets.get(asset_id)
        assert (asset.location, asset.firmware) == ("B-07", "V200R022C00")  # type: ignore[union-attr]
        assert list_conflicts(store) == []


def test_a_deletion_against_an_edit_is_a_conflict_not_a_loss(team: Team) -> None:
    seeded = joined(team)
    site_id, fault_id = seeded.site.id, seeded.fault.id
    team.zhang.faults.delete(team.zhang.faults.get(site_id, fault_id))  # type: ignore[arg-type]
    fault = team.li.faults.get(site_id, fault_id)
    assert fault is not None
    fault.resolution = "更换电源模块"
    team.li.faults.save(fault)
    sync(team.zhang)
    assert sync(team.li).merge.conflicts == 1
    (conflict,) = list_conflicts(team.li)
    assert conflict.theirs.get("_deleted") is True
    assert team.li.faults.get(site_id, fault_id).resolution == "更换电源模块"  # type: ignore[union-attr]
    resolve_conflict(team.li, conflict.id, "local")
    sync(team.li)
    sync(team.zhang)
    assert team.zhang.faults.get(site_id, fault_id).resolution == "更换电源模块"  # type: ignore[union-attr]
    # Deleted on one side and untouched on the other, it ends deleted everywhere.
    team.zhang.visits.delete(team.zhang.visits.get(site_id, seeded.visit.id))  # type: ignore[arg-type]
    sync(team.zhang)
    assert sync(team.li).merge.deleted == 1
    assert team.li.visits.get(site_id, seeded.visit.id) is None


def test_a_push_that_lost_the_race_is_merged_and_pushed_again(team: Team) -> None:
    seeded = joined(team)
    edit_asset(team.zhang, seeded.asset.id, location="B-07")
    visit = team.li.visits.save(
        Visit(seeded.site.id, "李工", VisitKind.FOLLOW_UP, datetime(2026, 3, 9, 14))
    )
    steps: list[str] = []

    def li_pushes_first(step: str) -> None:
        steps.append(step)
        if step == "push" and steps.count("push") == 1:
            assert sync(team.li).pushed  # between Zhang's fetch and his push

    report = sync(team.zhang, progress=li_pushes_first)
    assert report.retries == 1 and report.pushed
    assert steps == ["fetch", "push", "fetch", "merge", "push"]
    assert team.zhang.visits.get(seeded.site.id, visit.id) is not None
    sync(team.li)
    assert team.li.assets.get(seeded.asset.id).location == "B-07"  # type: ignore[union-attr]
    assert len(remote_head(team.remote).parents) == 2  # Zhang's merge of Li's push


# -- what must never happen ---------------------------------------------------------------


def test_an_unreachable_remote_is_one_line_and_changes_nothing(team: Team, tmp_path) -> None:
    seeded = joined(team)
    edit_asset(team.zhang, seeded.asset.id, location="B-07")
    before = data_files(team.zhang.folder)
    git = SyncPaths(team.zhang.folder).git
    refs_before = {p.name: p.read_bytes() for p in (git / "refs").rglob("*") if p.is_file()}
    team.remote.rename(tmp_path / "moved.git")  # the shared folder is not mounted
    with pytest.raises(RemoteUnreachable) as caught:
        sync(team.zhang)
    message = str(caught.value)
    assert "\n" not in message and str(team.remote) in message and "nothing was changed" in message
    assert data_files(team.zhang.folder) == before
    assert {p.name: p.read_bytes() for p in (git / "refs").rglob("*") if p.is_file()} == (
        refs_before
    )
    # A server that does not answer: the lead's attempt to join leaves no trace.
    lead_before = data_files(team.lead.folder)
    with pytest.raises(RemoteUnreachable, match="cannot reach the team's remote git://"):
        init_sync(team.lead, "git://127.0.0.1:9/team.git")
    assert not SyncPaths(team.lead.folder).root.exists()
    assert data_files(team.lead.folder) == lead_before
    with pytest.raises(git_sync.SyncError, match="no folder"):
        init_sync(team.lead, str(tmp_path / "typo.git"))
    # Back online, the edit made offline goes out.
    (tmp_path / "moved.git").rename(team.remote)
    assert sync(team.zhang).pushed


def test_a_bad_document_pushed_by_hand_is_refused_by_id_and_kept_out(team: Team) -> None:
    seeded = joined(team)
    partition = f"assets/{seeded.site.id}.json"
    with closing(Repo(str(team.remote))) as repo:
        head = repo[repo.refs[BRANCH]]
        files = {
            e.path: e.sha
            for e in repo.object_store.iter_tree_contents(head.tree)  # type: ignore[attr-defined]
        }
        tables = orjson.loads(repo[files[partition.encode()]].as_raw_string())
        tables["assets"][seeded.asset.id]["serial_number"] = {"oops": 1}
        tables["assets"][seeded.asset.id]["_sync"]["revs"].append("byhand1")
        new_asset = {**tables["assets"][seeded.asset.id], "id": "bad-asset", "serial_number": "X"}
        new_asset["warranty_months"] = "many"
        tables["assets"]["bad-asset"] = new_asset
        good = {**tables["assets"][seeded.asset.id], "id": "good-asset", "serial_number": "HW2"}
        tables["assets"]["good-asset"] = good
        tables["assets"]["misfiled"] = {**good, "id": "misfiled", "site_id": "another-site"}
        blobs = [Blob.from_string(orjson.dumps(tables)), Blob.from_string(b"by hand\n")]
        for blob in blobs:
            repo.object_store.add_object(blob)
        files[partition.encode()] = blobs[0].id
        files[b"notes.txt"] = blobs[1].id
        commit = Commit()
        commit.tree = commit_tree(repo.object_store, [(p, s, 0o100644) for p, s in files.items()])
        commit.parents = [head.id]
        commit.author = commit.committer = b"someone <someone@example.com>"
        commit.author_time = commit.commit_time = int(time.time())
        commit.author_timezone = commit.commit_timezone = 0
        commit.message = b"edited by hand\n"
        repo.object_store.add_object(commit)
        repo.refs[BRANCH] = commit.id
    report = sync(team.li)
    refused = " | ".join(report.merge.refused)
    assert len(report.merge.refused) == 3
    assert f"asset {seeded.asset.id}: serial_number" in refused and "bad-asset" in refused
    assert f"asset misfiled: its site is another-site but it is filed in {partition}" in refused
    assert report.ignored == ["notes.txt is not a file of an assettrack database; left out"]
    assert report.merge.added == 1  # the good document of the same commit comes in
    assert team.li.assets.get(seeded.asset.id).serial_number == "HW1"  # type: ignore[union-attr]
    assert team.li.assets.get("bad-asset") is None
    assert team.li.assets.get("good-asset") is not None
    # Li's merge, pushed, leaves the bad copies out of the team's head; Zhang keeps his.
    sync(team.zhang)
    assert team.zhang.assets.get(seeded.asset.id).serial_number == "HW1"  # type: ignore[union-attr]
    assert team.zhang.assets.get("bad-asset") is None


def test_a_sync_cut_short_after_writing_the_merge_is_recorded_by_the_next(
    team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    seeded = joined(team)
    edit_asset(team.zhang, seeded.asset.id, location="B-07")
    edit_asset(team.li, seeded.asset.id, firmware="V200R022C00")
    sync(team.zhang)
    paths = SyncPaths(team.li.folder)

    def killed(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt  # as a kill right after the database write

    monkeypatch.setattr(git_sync, "_record_merge", killed)
    with pytest.raises(KeyboardInterrupt):
        sync(team.li)
    monkeypatch.undo()
    assert paths.merging.exists()
    merged = team.li.assets.get(seeded.asset.id)
    assert (merged.location, merged.firmware) == ("B-07", "V200R022C00")  # type: ignore[union-attr]
    report = sync(team.li)
    assert not paths.merging.exists() and report.pushed
    assert report.merge.merged == 0 and list_conflicts(team.li) == []  # not merged twice
    head = remote_head(team.remote)
    assert len(head.parents) == 2 and b"completed after an interruption" in head.message
    sync(team.zhang)
    assert team.zhang.assets.get(seeded.asset.id).firmware == "V200R022C00"  # type: ignore[union-attr]


# -- transports and the command line ------------------------------------------------------


def test_a_remote_served_over_git_protocol_on_this_machine(team: Team) -> None:
    from dulwich.server import DictBackend, TCPGitServer

    Repo.init_bare(str(team.remote), default_branch=b"main").close()
    backend_repo = Repo(str(team.remote))
    server = TCPGitServer(DictBackend({b"/team.git": backend_repo}), "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"git://127.0.0.1:{server.server_address[1]}/team.git"
        seeded = seed(team.zhang)
        assert init_sync(team.zhang, url).pushed
        init_sync(team.li, url)
        edit_asset(team.li, seeded.asset.id, location="C-12")
        assert sync(team.li).pushed
        sync(team.zhang)
        assert team.zhang.assets.get(seeded.asset.id).location == "C-12"  # type: ignore[union-attr]
    finally:
        server.shutdown()
        server.server_close()
        backend_repo.close()


def test_sync_on_the_command_line(team: Team, tmp_path: Path) -> None:
    cli = Cli(tmp_path)
    config = tmp_path / "settings.toml"
    config.write_text('[engineer]\nname = "赵工"\nemail = "zhao@example.com"\n', encoding="utf-8")
    zhao = tmp_path / "zhao"
    with Store.open(zhao, author="赵工") as store:
        seeded = seed(store)
    out = cli.ok("--db", zhao, "--config", config, "sync", "init", team.remote)
    assert "Pushed to" in out
    assert remote_head(team.remote).author == "赵工 <zhao@example.com>".encode()
    other = tmp_path / "other"
    assert "4 added" in cli.ok("--db", other, "--config", config, "sync", "init", team.remote)
    with Store.open(other, author="钱工") as store:
        edit_asset(store, seeded.asset.id, location="D-01")
    status = cli.ok("--db", other, "sync", "status")
    assert "Local:      1 file(s) changed since the last sync" in status
    assert "Pushed to" in cli.ok("--db", other, "--config", config, "sync")
    assert "location" not in cli.ok("--db", zhao, "sync")
    assert '"ahead": 0' in cli.ok("--db", zhao, "sync", "status", "--format", "json")
    team.remote.rename(tmp_path / "away.git")
    offline = cli("--db", zhao, "sync")
    assert offline.returncode == 1
    assert offline.stderr.startswith("error: cannot reach the team's remote")
    assert offline.stderr.count("\n") == 1
    never = cli("--db", tmp_path / "new", "sync")
    assert never.returncode == 1 and "assettrack sync init REMOTE" in never.stderr


async def test_the_app_syncs_on_ctrl_g_and_says_when_it_last_did(team: Team, settings) -> None:
    from assettrack.plugins.loader import load_plugins
    from assettrack.services.assets import AssetRegister
    from assettrack.tui.app import make_app
    from tests.conftest import TODAY

    seeded = joined(team)
    edit_asset(team.zhang, seeded.asset.id, location="B-07")
    sync(team.zhang)
    edit_asset(team.li, seeded.asset.id, location="C-12")  # the same field: a conflict
    extensions = load_plugins({})
    register = AssetRegister(
        team.li, extensions.warranty_rules(settings.warranty), extensions.asset_kinds()
    )
    app = make_app(register, extensions, TODAY, engineer="李工")
    async with app.run_test(size=(120, 40)) as pilot:
        assert "· last sync " in app.sub_title
        await pilot.press("ctrl+g")
        await app.workers.wait_for_complete()
        await pilot.pause()
        said = [str(n.message) for n in app._notifications]
        assert any("Merged the team's changes" in line for line in said), said
        assert any("1 record(s) changed differently on two laptops: F7" in s for s in said)
        await pilot.press("f7")
        await pilot.pause()
        assert len(app.screen.conflicts) == 1  # type: ignore[attr-defined]
    assert len(list_conflicts(team.li)) == 1


# -- history ------------------------------------------------------------------------------


def test_history_says_who_changed_which_field_and_when(team: Team, tmp_path: Path) -> None:
    seeded = joined(team)
    asset_id = seeded.asset.id
    edit_asset(team.zhang, asset_id, location="B-07")
    edit_asset(team.li, asset_id, firmware="V200R022C00", console=ConsoleSettings(port="COM3"))
    sync(team.zhang)
    sync(team.li)  # merged field by field
    edit_asset(team.li, asset_id, location="C-12")
    sync(team.li)
    history = git_sync.document_history(team.li, "HW1")  # found by its serial number
    assert (
        [(e.by, e.what) for e in history]
        == [
            ("李工", "changed"),
            ("李工", "merged"),  # a version neither side had: Zhang's location with Li's firmware
            *[(e.by, "changed") for e in history[2:4]],  # made at the same time on two laptops
            ("张工", "created"),
        ]
    )
    latest, merge, *edits, created = history
    assert [(c.field, c.before, c.after) for c in latest.changes] == [("location", "B-07", "C-12")]
    assert [(c.field, c.after) for c in merge.changes] == [("location", "B-07")]
    by = {e.by: {(c.field, c.after) for c in e.changes} for e in edits}
    assert by == {
        "张工": {("location", "B-07")},
        "李工": {("firmware", "V200R022C00"), ("console.port", "COM3")},
    }
    assert created.changes == () and created.table == "assets" and created.doc_id == asset_id
    # A record by the start of its id; on the command line too.
    fault_history = git_sync.document_history(team.zhang, seeded.fault.id[:8])
    assert [e.what for e in fault_history] == ["created"]
    out = Cli(tmp_path).ok("--db", team.li.folder, "history", asset_id)
    assert "location: 'B-07' -> 'C-12'" in out and "张工  created asset" in out


# -- the merge shared with bundles --------------------------------------------------------


def test_a_bundle_bringing_a_resolution_made_elsewhere_settles_the_conflict_here(
    tmp_path: Path,
) -> None:
    from assettrack.services.sync import export_bundle, import_bundle

    with Store.open(tmp_path / "a", author="张工") as a, Store.open(tmp_path / "b") as b:
        seeded = seed(a)

        def carry(source: Store, target: Store) -> None:
            export_bundle(source, tmp_path / "bundle.json")
            import_bundle(target, tmp_path / "bundle.json")

        carry(a, b)
        edit_asset(a, seeded.asset.id, location="B-07")
        edit_asset(b, seeded.asset.id, location="C-12")
        carry(a, b)
        carry(b, a)
        assert len(list_conflicts(a)) == len(list_conflicts(b)) == 1
        resolve_conflict(b, list_conflicts(b)[0].id, "theirs")
        carry(b, a)
        assert list_conflicts(a) == []  # the resolution descends from both copies
        assert a.assets.get(seeded.asset.id).location == "B-07"  # type: ignore[union-attr]

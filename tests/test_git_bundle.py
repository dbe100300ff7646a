"""Git bundles for sneakernet, with real stores in temporary folders, real bundle files and a
real bare remote folder: three engineers' laptops (Zhao's is never online) and the team
lead's exchange changes on a USB stick, merged by the same rules as ``sync``."""

from __future__ import annotations

import hashlib
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import orjson
import pytest
from dulwich import porcelain
from dulwich.bundle import create_bundle_from_repo, write_bundle
from dulwich.index import commit_tree
from dulwich.objects import Blob, Commit
from dulwich.pack import (
    REF_DELTA,
    create_delta,
    write_pack_header,
    write_pack_object,
    write_pack_objects,
)
from dulwich.repo import Repo

from assettrack.errors import AssetTrackError
from assettrack.services import git_sync
from assettrack.services.git_bundle import (
    bundle_kind,
    export_git_bundle,
    import_git_bundle,
)
from assettrack.services.git_sync import (
    BRANCH,
    SyncError,
    SyncPaths,
    document_history,
    init_sync,
    sync,
)
from assettrack.services.sync import export_bundle, list_conflicts, resolve_conflict
from assettrack.store.attachment_files import content_path, store_content
from assettrack.store.store import Store
from tests.cli_inprocess import Cli
from tests.conftest import data_files
from tests.test_git_sync import Seeded, edit_asset, seed


@dataclass
class Laptops:
    remote: Path  # the team's bare repository (a shared folder)
    stick: Path  # the USB stick
    lead: Store  # team lead
    zhang: Store  # field engineers
    li: Store
    zhao: Store  # never online: bundles only


@pytest.fixture
def laptops(tmp_path: Path) -> Iterator[Laptops]:
    (tmp_path / "team.git").mkdir()
    (tmp_path / "stick").mkdir()
    stores = [
        Store.open(tmp_path / "lead", author="王经理"),
        Store.open(tmp_path / "zhang", author="张工"),
        Store.open(tmp_path / "li", author="李工"),
        Store.open(tmp_path / "zhao", author="赵工"),
    ]
    yield Laptops(tmp_path / "team.git", tmp_path / "stick", *stores)
    for store in stores:
        store.close()


def carry(source: Store, target: Store, file: Path) -> git_sync.SyncReport:
    """Export a git bundle on one laptop and import it on another."""
    export_git_bundle(source, file)
    return import_git_bundle(target, file)


def head(store: Store) -> bytes | None:
    with closing(Repo(str(SyncPaths(store.folder).git))) as repo:
        return git_sync._ref(repo, BRANCH)


def remote_of(store: Store) -> str:
    with closing(Repo(str(SyncPaths(store.folder).git))) as repo:
        return git_sync._remote_url(repo)


def unchanged_view(folder: Path) -> dict[str, bytes]:
    """Every file of a database and its history but the sync lock (taken by every try)."""
    return {k: v for k, v in data_files(folder).items() if not k.endswith("sync.lock")}


def site_fault(store: Store, seeded: Seeded):
    return store.faults.get(seeded.site.id, seeded.fault.id)


# -- the team on a USB stick --------------------------------------------------------------


def test_three_laptops_and_the_lead_merge_through_git_bundles(laptops: Laptops) -> None:
    lap, stick = laptops, laptops.stick
    seeded = seed(lap.lead)
    asset_id = seeded.asset.id
    for store in (lap.lead, lap.zhang, lap.li):  # two engineers sync at the office
        init_sync(store, str(lap.remote))
    # Zhao is never online: the lead's bundle starts his history, the same history.
    first = carry(lap.lead, lap.zhao, stick / "lead.bundle")
    assert (first.merge.added, first.merged) == (4, True)
    assert head(lap.zhao) == head(lap.lead) and remote_of(lap.zhao) == ""

    # On site, offline: each changes the same switch and fault.
    edit_asset(lap.zhang, asset_id, location="B-07")
    fault = site_fault(lap.zhang, seeded)
    fault.resolution = "更换电源模块"
    lap.zhang.faults.save(fault)
    edit_asset(lap.li, asset_id, firmware="V200R022C00")
    edit_asset(lap.zhao, asset_id, location="C-12")  # the field Zhang changed too
    lap.zhao.faults.delete(site_fault(lap.zhao, seeded))  # against Zhang's edit

    # The lead imports the three bundles.
    by_zhang = carry(lap.zhang, lap.lead, stick / "zhang.bundle")
    assert (by_zhang.merge.updated, by_zhang.merge.conflicts) == (2, 0)
    by_li = carry(lap.li, lap.lead, stick / "li.bundle")
    assert (by_li.merge.merged, by_li.merge.conflicts) == (1, 0)  # field by field
    by_zhao = carry(lap.zhao, lap.lead, stick / "zhao.bundle")
    assert by_zhao.merge.conflicts == 2
    asset = lap.lead.assets.get(asset_id)
    assert asset is not None
    assert (asset.location, asset.firmware) == ("B-07", "V200R022C00")  # both survive
    conflicts = {c.table: c for c in list_conflicts(lap.lead)}
    assert set(conflicts) == {"assets", "faults"}
    assert conflicts["assets"].fields == ("location",)
    assert (conflicts["assets"].theirs["location"], conflicts["assets"].theirs_by) == (
        "C-12",
        "赵工",
    )
    assert conflicts["faults"].theirs.get("_deleted") is True  # a deletion against an edit
    assert site_fault(lap.lead, seeded).resolution == "更换电源模块"
    with closing(Repo(str(SyncPaths(lap.lead.folder).git))) as repo:
        merge = repo[git_sync._ref(repo, BRANCH)]
        assert len(merge.parents) == 2 and merge.author.startswith("王经理".encode())
        assert b"merge the changes in zhao.bundle: " in merge.message

    # The lead decides, and one bundle brings every laptop to the same data.
    resolve_conflict(lap.lead, conflicts["assets"].id, "theirs")
    resolve_conflict(lap.lead, conflicts["faults"].id, "local")
    export_git_bundle(lap.lead, stick / "team.bundle")
    for store in (lap.zhang, lap.li, lap.zhao):
        assert import_git_bundle(store, stick / "team.bundle").merged
        assert head(store) == head(lap.lead)
        asset = store.assets.get(asset_id)
        assert asset is not None
        assert (asset.location, asset.firmware) == ("C-12", "V200R022C00")
        assert site_fault(store, seeded).resolution == "更换电源模块"
        assert list_conflicts(store) == []

    # The history on the lead's laptop says who changed what.
    changes = {
        (e.by, c.field, c.after)
        for e in document_history(lap.lead, "HW1")
        if e.what == "changed"
        for c in e.changes
    }
    assert {
        ("张工", "location", "B-07"),
        ("李工", "firmware", "V200R022C00"),
        ("赵工", "location", "C-12"),
    } <= changes
    fault_history = document_history(lap.lead, seeded.fault.id)
    assert ("赵工", "deleted") in {(e.by, e.what) for e in fault_history}


def crafted_bundle(store: Store, file: Path, edit: Callable[[dict[bytes, bytes]], None]) -> None:
    """A bundle made by hand: one commit on top of ``store``'s history, its files (path ->
    content) changed by ``edit``, written by dulwich as git would."""
    copy = file.with_suffix(".git")
    shutil.copytree(SyncPaths(store.folder).git, copy)
    with closing(Repo(str(copy))) as repo:
        parent = repo[repo.refs[BRANCH]]
        files = {
            e.path: repo[e.sha].as_raw_string()
            for e in repo.object_store.iter_tree_contents(parent.tree)  # type: ignore[attr-defined]
        }
        edit(files)
        entries = []
        for path, content in files.items():
            blob = Blob.from_string(content)
            repo.object_store.add_object(blob)
            entries.append((path, blob.id, 0o100644))
        commit = Commit()
        commit.tree = commit_tree(repo.object_store, entries)
        commit.parents = [parent.id]
        commit.author = commit.committer = b"someone <someone@example.com>"
        commit.author_time = commit.commit_time = int(time.time())
        commit.author_timezone = commit.commit_timezone = 0
        commit.message = b"edited by hand\n"
        repo.object_store.add_object(commit)
        repo.refs[BRANCH] = commit.id
        bundle = create_bundle_from_repo(repo, refs=[BRANCH])
        buffer = BytesIO()
        write_bundle(buffer, bundle)
        bundle.close()
    file.write_bytes(buffer.getvalue())


def test_a_document_the_gate_refuses_is_kept_out_by_id_and_the_rest_merges(
    laptops: Laptops,
) -> None:
    seeded = seed(laptops.lead)
    carry(laptops.lead, laptops.zhang, laptops.stick / "lead.bundle")
    partition = f"assets/{seeded.site.id}.json"
    forged = "0" * 64  # an attached file that is not the content its name says

    def by_hand(files: dict[bytes, bytes]) -> None:
        tables = orjson.loads(files[partition.encode()])
        mine = tables["assets"][seeded.asset.id]
        mine["serial_number"] = {"oops": 1}
        mine["_sync"]["revs"].append("byhand1")
        tables["assets"]["bad-asset"] = {**mine, "id": "bad-asset", "serial_number": "X"}
        tables["assets"]["bad-asset"]["warranty_months"] = "many"
        good = {**mine, "id": "good-asset", "serial_number": "HW2"}
        tables["assets"]["good-asset"] = good
        tables["assets"]["misfiled"] = {**good, "id": "misfiled", "site_id": "another-site"}
        files[partition.encode()] = orjson.dumps(tables)
        files[b"notes.txt"] = b"by hand\n"
        files[f"attachments/00/{forged}".encode()] = b"not that content"

    crafted_bundle(laptops.lead, laptops.stick / "crafted.bundle", by_hand)
    report = import_git_bundle(laptops.zhang, laptops.stick / "crafted.bundle")
    refused = " | ".join(report.merge.refused)
    assert len(report.merge.refused) == 4, refused
    assert f"asset {seeded.asset.id}: serial_number" in refused and "bad-asset" in refused
    assert f"asset misfiled: its site is another-site but it is filed in {partition}" in refused
    assert f"attachments/00/{forged}: its content is not the one it is named by" in refused
    assert report.ignored == ["notes.txt is not a file of an assettrack database; left out"]
    assert report.merge.added == 1  # the good document of the same commit comes in
    zhang = laptops.zhang
    assert zhang.assets.get(seeded.asset.id).serial_number == "HW1"  # type: ignore[union-attr]
    assert zhang.assets.get("bad-asset") is None and zhang.assets.get("misfiled") is None
    assert zhang.assets.get("good-asset") is not None
    assert not (zhang.folder / "attachments" / "00").exists()

    def only_bad(files: dict[bytes, bytes]) -> None:
        tables = orjson.loads(files[partition.encode()])
        tables["assets"][seeded.asset.id]["installed_on"] = "2023-02-30"
        files[partition.encode()] = orjson.dumps(tables)

    crafted_bundle(laptops.lead, laptops.stick / "bad.bundle", only_bad)
    nothing = import_git_bundle(zhang, laptops.stick / "bad.bundle")
    assert nothing.lines() == [
        f"Nothing merged from {laptops.stick / 'bad.bundle'}: what it brings was kept out"
    ]
    assert f"asset {seeded.asset.id}: installed_on" in nothing.merge.refused[0]


def test_a_bundle_from_a_newer_assettrack_is_refused_whole(laptops: Laptops) -> None:
    seeded = seed(laptops.lead)
    carry(laptops.lead, laptops.zhang, laptops.stick / "lead.bundle")
    partition = f"assets/{seeded.site.id}.json".encode()

    def newer(files: dict[bytes, bytes]) -> None:
        tables = orjson.loads(files[partition])
        tables["assets"][seeded.asset.id]["schema"] = 99
        tables["assets"][seeded.asset.id]["_sync"]["revs"].append("newer1")
        files[partition] = orjson.dumps(tables)

    crafted_bundle(laptops.lead, laptops.stick / "newer.bundle", newer)
    before, was = unchanged_view(laptops.zhang.folder), head(laptops.zhang)
    with pytest.raises(SyncError) as caught:
        import_git_bundle(laptops.zhang, laptops.stick / "newer.bundle")
    assert str(caught.value) == (
        "the changes in newer.bundle hold documents of schema 99 (this version reads up to "
        f"{laptops.zhang.db.plan.current}): upgrade assettrack to merge them; nothing was changed"
    )
    assert head(laptops.zhang) == was
    after = unchanged_view(laptops.zhang.folder)
    assert {k: v for k, v in after.items() if "/git/" not in k} == {
        k: v for k, v in before.items() if "/git/" not in k
    }  # the history keeps the bundle's objects, and no branch names them


def test_attached_files_travel_in_a_git_bundle(laptops: Laptops, tmp_path: Path) -> None:
    seed(laptops.zhao)
    photo = tmp_path / "rack.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0 a photo of the rack")
    stored = store_content(laptops.zhao.folder, photo)
    carry(laptops.zhao, laptops.lead, laptops.stick / "zhao.bundle")
    assert content_path(laptops.lead.folder, stored.sha256).read_bytes() == photo.read_bytes()


# -- what is not a bundle, or not one for this database -----------------------------------


def test_an_old_json_bundle_is_still_read(laptops: Laptops, tmp_path: Path) -> None:
    seeded = seed(laptops.zhao)
    cli = Cli(tmp_path)
    old = laptops.stick / "old.bundle"
    laptops.zhao.close()  # the command line opens it now
    out = cli.ok("--db", laptops.zhao.folder, "export-bundle", "--format", "json", old)
    assert out.startswith("Exported 4 document(s)") and bundle_kind(old) == "json"
    named = laptops.stick / "laptop.json"
    cli.ok("--db", laptops.zhao.folder, "export-bundle", named)  # a .json name: the old format
    assert orjson.loads(named.read_bytes())["format"] == "assettrack-bundle"
    laptops.lead.close()
    imported = cli.ok("--db", laptops.lead.folder, "import-bundle", old)
    assert imported.startswith(f"Imported {old}: 4 added")
    with Store.open(laptops.lead.folder) as lead:
        assert lead.assets.get(seeded.asset.id) is not None
        assert not SyncPaths(lead.folder).root.exists()  # the old way keeps no history


def test_a_damaged_or_foreign_file_changes_nothing_and_says_why(
    laptops: Laptops, tmp_path: Path
) -> None:
    seed(laptops.lead)
    good = laptops.stick / "lead.bundle"
    export_git_bundle(laptops.lead, good)
    data = good.read_bytes()
    flipped = bytearray(data)
    flipped[len(data) // 2] ^= 0xFF
    header_end = data.index(b"\n\n") + 2
    files = {
        "empty.bundle": (b"", "is not a bundle: expected a git bundle"),
        "photo.bundle": (b"\xff\xd8\xff\xe0 a photo", "is not a bundle: expected a git bundle"),
        "cut.bundle": (data[: len(data) // 2], "is a damaged git bundle (its"),
        "flipped.bundle": (bytes(flipped), "is a damaged git bundle"),
        "header.bundle": (data[:header_end], "is a damaged git bundle"),
        "master.bundle": (
            data[:header_end].replace(b"refs/heads/main", b"refs/heads/x").replace(b"HEAD", b"X")
            + data[header_end:],
            "holds no branch main (its branches: X, refs/heads/x)",
        ),
    }
    # A bundle whose data lacks the files of its commit.
    with closing(Repo(str(SyncPaths(laptops.lead.folder).git))) as repo:
        commit = repo[repo.refs[BRANCH]]
        tree = repo[commit.tree]  # type: ignore[attr-defined]
        pack = BytesIO()
        write_pack_objects(pack.write, [(commit, None), (tree, None)], repo.object_format)
    files["lacking.bundle"] = (
        b"# v2 git bundle\n" + commit.id + b" refs/heads/main\n\n" + pack.getvalue(),
        "is a damaged git bundle (object ",
    )
    lacking = {e.sha.decode()[:10] for e in tree.iteritems()}  # type: ignore[attr-defined]
    # One whose files come as changes to a version no laptop has (git's thin data).
    with closing(Repo(str(SyncPaths(laptops.lead.folder).git))) as repo:
        blobs = [repo[e.sha] for e in tree.iteritems()]  # type: ignore[attr-defined]
        unknown = Blob.from_string(b"a version no laptop has\n")
        pack = BytesIO()
        write_pack_header(pack.write, 2 + len(blobs))
        for obj in (commit, tree, *blobs[1:]):
            write_pack_object(pack.write, obj.type_num, [obj.as_raw_string()], repo.object_format)
        change = list(create_delta(unknown.as_raw_string(), blobs[0].as_raw_string()))
        write_pack_object(
            pack.write, REF_DELTA, (unknown.sha().digest(), change), repo.object_format
        )
    files["thin.bundle"] = (
        b"# v2 git bundle\n" + commit.id + b" refs/heads/main\n\n"
        + pack.getvalue() + hashlib.sha1(pack.getvalue()).digest(),
        f"is a damaged git bundle (its data builds on objects not here ({unknown.id.decode()[:10]}",
    )  # fmt: skip
    seed(laptops.zhang)  # a database with data and no history yet
    init_sync(laptops.li, str(laptops.remote))  # and one that syncs (empty)
    cli = Cli(tmp_path)
    for store in (laptops.zhang, laptops.li):
        store.close()
    for name, (content, said) in files.items():
        path = laptops.stick / name
        path.write_bytes(content)
        for folder in (laptops.zhang.folder, laptops.li.folder):
            before = unchanged_view(folder)
            result = cli("--db", folder, "import-bundle", path)
            assert result.returncode == 1, (name, result.stdout)
            assert result.stderr.startswith(f"error: {path} {said}"), (name, result.stderr)
            assert result.stderr.count("\n") == 1 and "nothing was changed" in result.stderr
            assert unchanged_view(folder) == before, name
            if name == "lacking.bundle":  # it names one of the files it lacks
                assert result.stderr.split("(object ")[1][:10] in lacking
    assert not SyncPaths(laptops.zhang.folder).root.exists()
    with pytest.raises(AssetTrackError, match="cannot read bundle"):
        bundle_kind(laptops.stick / "missing.bundle")


def test_a_bundle_building_on_history_not_here_says_so(laptops: Laptops, tmp_path: Path) -> None:
    seeded = seed(laptops.lead)
    carry(laptops.lead, laptops.zhang, laptops.stick / "full.bundle")
    first = head(laptops.lead)
    edit_asset(laptops.lead, seeded.asset.id, location="B-07")
    export_git_bundle(laptops.lead, laptops.stick / "full.bundle")  # commits the edit
    # What git bundle create main ^FIRST makes: only the commits after FIRST.
    with closing(Repo(str(SyncPaths(laptops.lead.folder).git))) as repo:
        bundle = create_bundle_from_repo(repo, refs=[BRANCH], prerequisites=[first])
        buffer = BytesIO()
        write_bundle(buffer, bundle)
        bundle.close()
    later = laptops.stick / "later.bundle"
    later.write_bytes(buffer.getvalue())
    before = unchanged_view(laptops.li.folder)
    with pytest.raises(SyncError, match="builds on history this database does not have") as caught:
        import_git_bundle(laptops.li, later)
    assert first is not None and first.decode()[:10] in str(caught.value)
    assert unchanged_view(laptops.li.folder) == before
    assert not SyncPaths(laptops.li.folder).root.exists()
    # Zhang holds that history: the same bundle merges.
    assert import_git_bundle(laptops.zhang, later).merge.updated == 1
    assert laptops.zhang.assets.get(seeded.asset.id).location == "B-07"  # type: ignore[union-attr]


# -- again, with the team's remote, and what a crash leaves --------------------------------


def test_a_bundle_imported_twice_is_a_no_op_and_the_next_sync_pushes_it(
    laptops: Laptops,
) -> None:
    lap = laptops
    seeded = seed(lap.lead)
    init_sync(lap.lead, str(lap.remote))
    init_sync(lap.zhang, str(lap.remote))
    carry(lap.lead, lap.zhao, lap.stick / "lead.bundle")
    edit_asset(lap.zhao, seeded.asset.id, location="C-12")
    export_git_bundle(lap.zhao, lap.stick / "zhao.bundle")
    zhao_head = head(lap.zhao)
    assert import_git_bundle(lap.lead, lap.stick / "zhao.bundle").merge.updated == 1
    merged_head, files = head(lap.lead), unchanged_view(lap.lead.folder)
    again = import_git_bundle(lap.lead, lap.stick / "zhao.bundle")
    assert not again.merged and again.lines() == [
        f"Up to date: everything in {lap.stick / 'zhao.bundle'} is here already"
    ]
    assert head(lap.lead) == merged_head
    assert {k: v for k, v in unchanged_view(lap.lead.folder).items() if ".sync" not in k} == {
        k: v for k, v in files.items() if ".sync" not in k
    }
    # The next sync pushes the merged history: Zhao's own commit is in the team's.
    assert sync(lap.lead).pushed
    with closing(Repo(str(lap.remote))) as remote:
        team_head = remote.refs[BRANCH]
        assert team_head == head(lap.lead)
        assert zhao_head in {w.commit.id for w in remote.get_walker(include=[team_head])}
    sync(lap.zhang)
    assert lap.zhang.assets.get(seeded.asset.id).location == "C-12"  # type: ignore[union-attr]
    # Zhao, online at last, joins the team with the history his bundles made.
    edit_asset(lap.zhao, seeded.asset.id, firmware="V200R022C00")
    joined = init_sync(lap.zhao, str(lap.remote))
    assert joined.pushed and joined.merge.conflicts == 0
    assert remote_of(lap.zhao) == str(lap.remote.absolute())
    sync(lap.lead)
    asset = lap.lead.assets.get(seeded.asset.id)
    assert (asset.location, asset.firmware) == ("C-12", "V200R022C00")  # type: ignore[union-attr]


def test_an_import_cut_short_after_the_write_is_recorded_by_the_next(
    laptops: Laptops, monkeypatch: pytest.MonkeyPatch
) -> None:
    seeded = seed(laptops.lead)
    carry(laptops.lead, laptops.zhang, laptops.stick / "lead.bundle")
    edit_asset(laptops.lead, seeded.asset.id, location="B-07")
    edit_asset(laptops.zhang, seeded.asset.id, firmware="V200R022C00")
    export_git_bundle(laptops.lead, laptops.stick / "lead.bundle")

    def killed(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt  # as a kill right after the database write

    monkeypatch.setattr(git_sync, "_record_merge", killed)
    with pytest.raises(KeyboardInterrupt):
        import_git_bundle(laptops.zhang, laptops.stick / "lead.bundle")
    monkeypatch.undo()
    paths = SyncPaths(laptops.zhang.folder)
    assert paths.merging.exists()
    merged = laptops.zhang.assets.get(seeded.asset.id)
    assert (merged.location, merged.firmware) == ("B-07", "V200R022C00")  # type: ignore[union-attr]
    again = import_git_bundle(laptops.zhang, laptops.stick / "lead.bundle")
    assert not again.merged and not paths.merging.exists()
    with closing(Repo(str(paths.git))) as repo:
        commit = repo[repo.refs[BRANCH]]
        assert len(commit.parents) == 2 and b"completed after an interruption" in commit.message


def test_a_bundle_waits_for_a_sync_of_the_same_database(laptops: Laptops) -> None:
    seed(laptops.lead)
    export_git_bundle(laptops.lead, laptops.stick / "lead.bundle")
    paths = SyncPaths(laptops.zhang.folder)
    with git_sync._one_sync(paths):
        with pytest.raises(SyncError, match=r"another sync of the database .* is running"):
            import_git_bundle(laptops.zhang, laptops.stick / "lead.bundle")
        with pytest.raises(SyncError, match=r"another sync of the database .* is running"):
            export_git_bundle(laptops.zhang, laptops.stick / "zhang.bundle")
    assert len(laptops.zhang.assets) == 0


# -- the command line ---------------------------------------------------------------------


def test_bundles_on_the_command_line(laptops: Laptops, tmp_path: Path) -> None:
    cli = Cli(tmp_path)
    config = tmp_path / "settings.toml"
    config.write_text('[engineer]\nname = "赵工"\nemail = "zhao@example.com"\n', encoding="utf-8")
    seeded = seed(laptops.lead)
    export_git_bundle(laptops.lead, laptops.stick / "lead.bundle")
    for store in (laptops.lead, laptops.zhao):
        store.close()
    zhao, lead = laptops.zhao.folder, laptops.lead.folder
    bundle = laptops.stick / "lead.bundle"
    assert cli.ok("--db", zhao, "import-bundle", bundle).startswith(f"Merged {bundle}: 4 added")
    with Store.open(zhao, author="赵工") as store:
        edit_asset(store, seeded.asset.id, location="C-12")
    mine = laptops.stick / "zhao.bundle"
    out = cli.ok("--db", zhao, "--config", config, "export-bundle", mine).splitlines()
    assert out[0] == "Committed this database's changes as 赵工"
    assert out[1].startswith(f"Wrote {mine}: a git bundle of branch main, ")
    assert f"head {head_of(zhao).decode()[:10]} (2 commit(s))" in out[1]
    assert mine.read_bytes().startswith(b"# v2 git bundle\n")
    with closing(Repo(str(SyncPaths(zhao).git))) as repo:
        assert repo[repo.refs[BRANCH]].author == "赵工 <zhao@example.com>".encode()
    # git reads it as any bundle: cloned, its work tree holds the database's data files.
    with closing(porcelain.clone(str(mine), str(tmp_path / "clone"))):
        assert (tmp_path / "clone" / "catalog.json").is_file()
    merged = cli("--db", lead, "import-bundle", mine)
    assert merged.returncode == 0 and merged.stdout.startswith(f"Merged {mine}: 0 added, 1 updated")
    assert "Up to date" in cli.ok("--db", lead, "import-bundle", mine)
    assert "C-12" in cli.ok("--db", lead, "history", "HW1")
    # The same field changed on both laptops: the conflict is said, and waits.
    with Store.open(lead, author="王经理") as store:
        edit_asset(store, seeded.asset.id, location="D-01")
    with Store.open(zhao, author="赵工") as store:
        edit_asset(store, seeded.asset.id, location="E-02")
    cli.ok("--db", zhao, "export-bundle", mine)
    conflicted = cli("--db", lead, "import-bundle", mine)
    assert conflicted.returncode == 0
    assert "1 record(s) were changed differently on two laptops" in conflicted.stderr
    assert "location: local 'D-01' | theirs 'E-02'" in cli.ok("--db", lead, "conflicts")
    helped = cli.ok("export-bundle", "--help")
    assert "git (the default)" in helped and "--format [git|json]" in helped
    assert "git bundle" in cli.ok("import-bundle", "--help")
    status = cli.ok("--db", zhao, "sync", "status")
    assert "Remote:     none (bundles only so far" in status
    nowhere = cli("--db", tmp_path / "nowhere", "export-bundle", laptops.stick / "n.bundle")
    assert nowhere.returncode == 1 and "no assettrack database at" in nowhere.stderr
    assert not (tmp_path / "nowhere").exists()


def head_of(folder: Path) -> bytes:
    with closing(Repo(str(SyncPaths(folder).git))) as repo:
        return repo.refs[BRANCH]


def test_an_empty_database_has_nothing_to_export(laptops: Laptops) -> None:
    with pytest.raises(SyncError, match="holds no data yet: nothing to export"):
        export_git_bundle(laptops.li, laptops.stick / "li.bundle")
    assert not (laptops.stick / "li.bundle").exists()
    assert not SyncPaths(laptops.li.folder).git.exists()  # no history of nothing is kept
    # An old JSON bundle of the same is still written, as before.
    assert export_bundle(laptops.li, laptops.stick / "li.json") == 0

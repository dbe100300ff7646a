"""The ``.changes`` file: an open app notices what other writers saved, and only that.

Two stores open on one folder stand for the app and the command line (each ``Database`` is
a writer of its own); the live-refresh tests of the app do the same across processes.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import orjson
import pytest

from assettrack.domain.models import Site
from assettrack.store import change_marks
from assettrack.store.database import CHANGES_NAME
from assettrack.store.store import Store

ENTRY = re.compile(rb"[0-9a-f]{12} [0-9]{19}")


def lines(folder: Path) -> list[bytes]:
    return (folder / CHANGES_NAME).read_bytes().splitlines()


def add_site(store: Store, name: str) -> None:
    store.sites.save(Site("Harbour Clinic", name))


def test_another_writers_save_is_seen_once_and_ones_own_saves_are_not(tmp_path: Path) -> None:
    with Store.open(tmp_path) as app, Store.open(tmp_path) as cli:
        assert not app.db.changed_elsewhere()
        add_site(cli, "Server room")
        assert app.db.changed_elsewhere()
        assert not app.db.changed_elsewhere()  # seen: not again
        add_site(app, "Lab")
        assert not app.db.changed_elsewhere()  # the app's own save
        assert cli.db.changed_elsewhere()  # which the other writer sees


def test_a_save_made_elsewhere_just_before_ones_own_is_still_seen(tmp_path: Path) -> None:
    """The app's own save comes after the other's, before the app asked: the other's save
    is not hidden by it."""
    with Store.open(tmp_path) as app, Store.open(tmp_path) as cli:
        add_site(cli, "Server room")
        add_site(app, "Lab")
        assert app.db.changed_elsewhere()
        app.refresh()
        assert sorted(s.name for s in app.sites.list()) == ["Lab", "Server room"]


def test_each_write_appends_one_entry_and_the_file_is_never_rewritten(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        add_site(store, "Server room")
        first = lines(tmp_path)
        inode = (tmp_path / CHANGES_NAME).stat().st_ino
        add_site(store, "Lab")
        second = lines(tmp_path)
    assert len(second) == len(first) + 1 and second[: len(first)] == first
    assert all(ENTRY.fullmatch(line) for line in second), second
    assert second[-1].split()[0] == second[-2].split()[0]  # one writer, one token
    assert (tmp_path / CHANGES_NAME).stat().st_ino == inode


def test_an_earlier_versions_note_counts_as_a_change_and_gives_way_to_lines(
    tmp_path: Path,
) -> None:
    with Store.open(tmp_path) as app:
        (tmp_path / CHANGES_NAME).write_bytes(
            orjson.dumps({"writes": [["0123456789ab", 1796000000000000000]]})
        )
        assert app.db.changed_elsewhere()
        with Store.open(tmp_path) as cli:
            add_site(cli, "Server room")
        written = lines(tmp_path)
        assert len(written) == 1 and ENTRY.fullmatch(written[0])
        assert app.db.changed_elsewhere()


def test_the_file_is_cut_back_to_its_last_entries_and_a_save_before_the_cut_is_seen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    limit = 40 * 33  # forty entries
    monkeypatch.setattr(change_marks, "LIMIT", limit)
    with Store.open(tmp_path) as app, Store.open(tmp_path) as cli:
        for n in range(60):
            add_site(cli, f"Room {n}")
        before = lines(tmp_path)
        assert len(before) == 60
        cli.db.checkpoint()
        after = lines(tmp_path)
        assert after == before[-change_marks.KEPT :]
        assert app.db.changed_elsewhere()
        app.refresh()
        assert len(app.sites.list()) == 60


def test_a_long_running_writer_cuts_the_file_back_between_checkpoints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(change_marks, "LIMIT", 40 * 33)
    monkeypatch.setattr(change_marks, "CHECK_EVERY", 10)
    with Store.open(tmp_path) as store:
        sizes = []
        for n in range(100):
            add_site(store, f"Room {n}")
            sizes.append((tmp_path / CHANGES_NAME).stat().st_size)
    assert max(sizes) <= 40 * 33 + 10 * 33
    assert all(ENTRY.fullmatch(line) for line in lines(tmp_path))


def test_damaged_content_counts_as_a_change_and_the_checkpoint_leaves_only_entries(
    tmp_path: Path,
) -> None:
    with Store.open(tmp_path) as app, Store.open(tmp_path) as cli:
        add_site(cli, "Server room")
        assert app.db.changed_elsewhere()
        with (tmp_path / CHANGES_NAME).open("ab") as changes:
            changes.write(b"\x00\x00 not an entry\n")
        assert app.db.changed_elsewhere()
        add_site(cli, "Lab")
        cli.db.checkpoint()
        kept = lines(tmp_path)
        assert len(kept) == 2 and all(ENTRY.fullmatch(line) for line in kept)
        assert app.db.changed_elsewhere()
        assert not app.db.changed_elsewhere()


def test_a_forked_process_is_another_writer(tmp_path: Path) -> None:
    """A fork's saves are the parent's to notice (a token of its own), through a descriptor
    of its own; the parent's descriptor goes on working."""
    with Store.open(tmp_path) as store:
        add_site(store, "Server room")  # the parent's descriptor is open now
        assert not store.db.changed_elsewhere()
        child = os.fork()
        if child == 0:  # pragma: no cover - the child's code, checked by the parent
            code = 1
            try:
                add_site(store, "Lab")
                code = 0
            finally:
                os._exit(code)
        _, status = os.waitpid(child, 0)
        assert os.waitstatus_to_exitcode(status) == 0
        assert store.db.changed_elsewhere()
        add_site(store, "Store room")
        tokens = [line.split()[0] for line in lines(tmp_path)]
    assert len(tokens) == 3 and tokens[0] == tokens[2] != tokens[1]

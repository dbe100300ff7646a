"""A save writes into the file's spare and exchanges the two (``store.spare_files``): no file
is made or deleted once the spare is there, a file with no spare takes a blank made ready at
a checkpoint, a reader never takes in a version half written, and the spares kept are
bounded."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from assettrack.domain.models import Asset, Site
from assettrack.store import file_swap, spare_files
from assettrack.store.database import Database
from assettrack.store.file_reads import read_file_bytes
from assettrack.store.file_swap import can_exchange
from assettrack.store.spare_files import BLANK_PREFIX, SPARES_FOLDER, Spares
from assettrack.store.store import Store

exchanging = pytest.mark.skipif(not can_exchange(), reason="files cannot be exchanged here")


@exchanging
def test_a_save_swaps_the_file_with_its_spare(tmp_path: Path) -> None:
    folder = tmp_path / "db"
    with Store.open(folder) as store:
        site = store.sites.save(Site("Harbour Clinic", "Server room"))
        asset = store.assets.save(Asset(site.id, "router", "Cisco", "ISR4331", "FGL1"))
        asset.firmware = "17.1"
        store.assets.save(asset)  # a new file took its spare; this save makes one
        data = folder / store.assets.partition_of(site.id)
        spare = Spares(folder).path_of(store.assets.partition_of(site.id))
        for firmware in ("17.3", "17.6", "17.9"):
            before = (os.stat(data).st_ino, os.stat(spare).st_ino)
            asset.firmware = firmware
            store.assets.save(asset)
            # The new content went into the spare, now the data file; the old version is
            # the spare: no file made, none deleted.
            assert (os.stat(spare).st_ino, os.stat(data).st_ino) == before
        assert store.assets.get(asset.id).firmware == "17.9"
    with Store.open(folder, read_only=True) as store:
        assert store.assets.get(asset.id).firmware == "17.9"


@exchanging
def test_a_reader_never_takes_in_a_version_half_written(tmp_path: Path) -> None:
    """A reader that opened the version a save swapped out may be reading it when the next
    save writes into it: it must read again, never return a mix (1 MB versions, so that a
    read and a write overlap often)."""
    size = 1 << 20

    def version(n: int) -> bytes:
        return (b"%07d\n" % n) * (size // 8)  # of one length: only the time tells them apart

    db = Database(tmp_path / "db", author="test").open()
    name = "catalog.json"
    with db.writing():
        db.save_file(name, version(0))
    saved = [0]
    stop = threading.Event()

    def saves() -> None:
        for n in range(1, 400):
            with db.writing():
                db.save_file(name, version(n))
            saved.append(n)
            if stop.is_set():
                return

    writer = threading.Thread(target=saves)
    writer.start()
    reads = 0
    try:
        while writer.is_alive():
            raw, _seen = read_file_bytes(tmp_path / "db" / name)
            assert raw is not None
            number = int(raw[:7])
            assert raw == version(number), f"read {reads}: a mix of versions around {number}"
            reads += 1
    finally:
        stop.set()
        writer.join()
        db.close()
    assert reads > 50 and len(saved) > 50


@exchanging
def test_the_spares_kept_are_those_used_last(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(spare_files, "KEEP", 3)
    folder = tmp_path / "db"
    with Store.open(folder) as store:
        sites = [store.sites.save(Site("Harbour Clinic", f"Room {n}")) for n in range(5)]
        for site in sites:
            store.assets.save(Asset(site.id, "switch", "Huawei", "S5735", f"HW{site.name}"))
        for site in sites[:2]:  # used again last
            store.assets.save(Asset(site.id, "switch", "Huawei", "S5735", f"HX{site.name}"))
        store.db.checkpoint()
        kept = sorted(p.name for p in (folder / SPARES_FOLDER).iterdir())
    spares = [name for name in kept if not name.startswith(BLANK_PREFIX)]
    assert len(spares) == 3
    assert {f"assets~{site.id}.json" for site in sites[:2]} <= set(spares)
    assert len(kept) - len(spares) == spare_files.BLANKS  # blanks are not spares


def blanks_in(folder: Path) -> dict[int, str]:
    """The blanks in a database's spares folder, by inode."""
    found = (folder / SPARES_FOLDER).glob(BLANK_PREFIX + "*")
    return {path.stat().st_ino: path.name for path in found}


@exchanging
def test_a_file_with_no_spare_takes_a_blank_made_at_the_checkpoint(
    tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setattr(spare_files, "BLANKS", 4)
    folder = tmp_path / "db"
    with Store.open(folder) as store:
        store.sites.save(Site("Harbour Clinic", "Server room"))  # a new file: no spare
        other = store.sites.save(Site("Harbour Clinic", "Lab"))  # it has one now
        store.db.checkpoint()
        blanks = blanks_in(folder)
        assert len(blanks) == 4
        # A new site's asset file: the blank, renamed to the spare, became the data file.
        asset = store.assets.save(Asset(other.id, "router", "Cisco", "ISR4331", "FGL1"))
        data = folder / store.assets.partition_of(other.id)
        assert os.stat(data).st_ino in blanks
        # The next save of that file has no spare (the blank went into place): another blank.
        asset.firmware = "17.9"
        store.assets.save(asset)
        spare = Spares(folder).path_of(store.assets.partition_of(other.id))
        assert os.stat(spare).st_ino in blanks
        left = blanks_in(folder)
        assert len(left) == 2 and set(left) < set(blanks)
        # The sites' file has its spare: no blank taken.
        store.sites.save(Site("Harbour Clinic", "Roof"))
        assert blanks_in(folder) == left
        store.db.checkpoint()
        assert len(blanks_in(folder)) == 4  # made again, off the saves' way
    with Store.open(folder, read_only=True) as store:
        assert store.assets.get(asset.id).firmware == "17.9"


@exchanging
def test_blanks_another_process_made_are_taken_once_none_are_left(
    tmp_path: Path, monkeypatch
) -> None:
    """An app open all day listed no blanks at its first save; a command's checkpoint makes
    some: the app's next save that needs one takes one of those, rather than make a file."""
    monkeypatch.setattr(spare_files, "BLANKS", 3)
    folder = tmp_path / "db"
    with Store.open(folder) as app:
        app.sites.save(Site("Harbour Clinic", "Server room"))  # no blanks yet: none listed
        with Store.open(folder) as command:
            command.sites.save(Site("Harbour Clinic", "Lab"))
            command.db.checkpoint()
        made = blanks_in(folder)
        assert len(made) == 3
        monkeypatch.setattr(spare_files, "RELIST_AFTER", 0.0)
        lab = next(site for site in app.sites.list() if site.name == "Lab")
        app.assets.save(Asset(lab.id, "router", "Cisco", "ISR4331", "FGL1"))
        data = folder / app.assets.partition_of(lab.id)
        assert os.stat(data).st_ino in made
        assert len(blanks_in(folder)) == 2


@exchanging
def test_blanks_another_process_took_are_passed_over(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(spare_files, "BLANKS", 2)
    folder = tmp_path / "db"
    with Store.open(folder) as first:
        site = first.sites.save(Site("Harbour Clinic", "Server room"))
        first.db.checkpoint()
        # This process learns of the two blanks at its first save that needs one...
        first.assets.save(Asset(site.id, "router", "Cisco", "ISR4331", "FGL1"))
        with Store.open(folder) as second:
            # ...and another process's saves take what is left, that one included.
            for room in ("Lab", "Roof"):
                other = second.sites.save(Site("Harbour Clinic", room))
                second.assets.save(Asset(other.id, "switch", "Huawei", "S5735", room))
            assert not blanks_in(folder)
            cellar = first.sites.save(Site("Harbour Clinic", "Cellar"))
            asset = first.assets.save(Asset(cellar.id, "switch", "Huawei", "S5735", "HW9"))
    with Store.open(folder, read_only=True) as store:
        assert store.assets.get(asset.id).serial_number == "HW9"
        assert len(store.assets) == 4


def test_where_files_cannot_be_exchanged_a_save_renames_a_new_file(
    tmp_path: Path, monkeypatch
) -> None:
    # As on a system without renameat2, or a file system that refuses the exchange.
    monkeypatch.setattr(file_swap, "_tried", True)
    monkeypatch.setattr(file_swap, "_exchange", None)
    folder = tmp_path / "db"
    with Store.open(folder) as store:
        site = store.sites.save(Site("Harbour Clinic", "Server room"))
        asset = store.assets.save(Asset(site.id, "router", "Cisco", "ISR4331", "FGL1"))
        data = folder / store.assets.partition_of(site.id)
        for firmware in ("17.3", "17.6", "17.9"):
            before = os.stat(data).st_ino
            asset.firmware = firmware
            store.assets.save(asset)
            assert os.stat(data).st_ino != before  # a new file renamed over the old one
    assert not (folder / SPARES_FOLDER).exists()
    leftovers = [p for p in folder.rglob("*") if p.is_file() and ".tmp-" in p.name]
    assert not leftovers
    with Store.open(folder, read_only=True) as store:
        assert store.assets.get(asset.id).firmware == "17.9"


@exchanging
def test_a_link_in_place_of_a_spare_is_never_followed(tmp_path: Path) -> None:
    folder = tmp_path / "db"
    with Store.open(folder) as store:
        site = store.sites.save(Site("Harbour Clinic", "Server room"))
        asset = store.assets.save(Asset(site.id, "router", "Cisco", "ISR4331", "FGL1"))
        catalog = (folder / "catalog.json").read_bytes()
        spare = Spares(folder).path_of(store.assets.partition_of(site.id))
        spare.parent.mkdir(exist_ok=True)
        spare.symlink_to(folder / "catalog.json")
        asset.firmware = "17.9"
        store.assets.save(asset)
        assert (folder / "catalog.json").read_bytes() == catalog
        assert not spare.is_symlink()
    with Store.open(folder, read_only=True) as store:
        assert store.assets.get(asset.id).firmware == "17.9"
        assert store.sites.get(site.id) is not None

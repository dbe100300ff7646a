"""One gate for every document that enters the store; tolerant reading of what is on disk.

A bad document in a bundle (or from any other way in) is refused with its id and field and
nothing is written; a damaged document already on disk is set aside into ``quarantine/`` and
the rest of the database keeps working.
"""

from __future__ import annotations

import json
import shutil
from datetime import date, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest

from assettrack.domain.models import Asset, Inspection
from assettrack.store.errors import RejectedDocumentError, StoreWriteError
from assettrack.store.store import Store
from tests.conftest import run_cli

# Files the store writes for itself on every save: not part of the data.
HOUSEKEEPING = (".writer.", ".changes")


@pytest.fixture(scope="module")
def demo_source(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("gate") / "db"
    result = run_cli("--db", str(folder), "demo", "--no-tui")
    assert result.returncode == 0, result.stderr
    return folder


@pytest.fixture
def db(demo_source: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "db"
    shutil.copytree(demo_source, folder)
    return folder


def data_files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file() and not p.name.startswith(HOUSEKEEPING)
    }


def first_asset(folder: Path) -> tuple[Path, dict[str, Any]]:
    path = sorted((folder / "assets").glob("*.json"))[0]
    doc = next(iter(orjson.loads(path.read_bytes())["assets"].values()))
    return path, doc


def write_bundle(path: Path, entries: list[dict[str, Any]]) -> Path:
    path.write_bytes(
        orjson.dumps({"format": "assettrack-bundle", "version": 1, "documents": entries})
    )
    return path


def cli(folder: Path, *args: str):
    return run_cli("--db", str(folder), *args)


def assert_database_works(folder: Path) -> None:
    for command in (("export", "assets"), ("warranty",), ("visits",), ("faults",)):
        result = cli(folder, *command)
        assert result.returncode == 0, (command, result.stderr)
    added = cli(
        folder, "fault", "add", "--site", "外滩分行", "--severity", "2", "--via", "phone",
        "--reported", "2026-11-30 09:00", "--symptom", "链路中断",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr


# -- refused on the way in --------------------------------------------------------------

BAD_ASSETS = [
    ("no serial, no model", lambda doc: {"id": "x", "schema": 1}, "x", "is missing"),
    ("year 9999", lambda doc: {**doc, "installed_on": "9999-01-01"}, None, "installed_on"),
    ("schema true", lambda doc: {**doc, "schema": True}, None, "schema"),
    ("a wrong date", lambda doc: {**doc, "warranty_end": "31/12/2027"}, None, "warranty_end"),
    ("serial as object", lambda doc: {**doc, "serial_number": {"a": 1}}, None, "serial_number"),
    ("an unknown status", lambda doc: {**doc, "status": "stolen"}, None, "status"),
    ("a site id naming a path", lambda doc: {**doc, "site_id": "../x"}, None, "site_id"),
]


@pytest.mark.parametrize(
    ("bad", "expected_id", "field"),
    [pytest.param(make, doc_id, field, id=label) for label, make, doc_id, field in BAD_ASSETS],
)
def test_bundle_with_a_bad_asset_is_refused_and_the_site_file_is_byte_identical(
    db: Path, tmp_path: Path, bad, expected_id: str | None, field: str
) -> None:
    path, doc = first_asset(db)
    partition = path.relative_to(db).as_posix()
    good = {**doc, "id": "new-asset-1", "serial_number": "NEW0001", "_sync": {"revs": ["r1"]}}
    broken = bad(dict(doc, id="bad-asset-1"))
    bundle = write_bundle(
        tmp_path / "bad.json",
        [
            {"partition": partition, "table": "assets", "doc": good},
            {"partition": partition, "table": "assets", "doc": broken},
        ],
    )
    before = data_files(db)
    result = cli(db, "import-bundle", str(bundle))
    assert result.returncode == 1
    assert f"asset {expected_id or 'bad-asset-1'}" in result.stderr and field in result.stderr
    assert "nothing was imported" in result.stderr and "Traceback" not in result.stderr
    assert data_files(db) == before  # the good document was not written either
    assert_database_works(db)


def test_bundle_forging_a_conflict_is_refused_and_conflicts_still_runs(
    db: Path, tmp_path: Path
) -> None:
    forged = {"id": "c1", "schema": 1, "table": "assets", "doc_id": "nope", "theirs": 5}
    bundle = write_bundle(
        tmp_path / "forged.json",
        [{"partition": "catalog.json", "table": "conflicts", "doc": forged}],
    )
    before = data_files(db)
    result = cli(db, "import-bundle", str(bundle))
    assert result.returncode == 1 and "conflicts" in result.stderr
    assert data_files(db) == before
    listed = cli(db, "conflicts")
    assert listed.returncode == 0 and "No conflicts." in listed.stdout


def test_bundle_with_a_document_twice_or_in_the_wrong_file_is_refused(
    db: Path, tmp_path: Path
) -> None:
    path, doc = first_asset(db)
    partition = path.relative_to(db).as_posix()
    before = data_files(db)
    twice = write_bundle(
        tmp_path / "twice.json",
        [{"partition": partition, "table": "assets", "doc": doc}] * 2,
    )
    assert "appears twice" in cli(db, "import-bundle", str(twice)).stderr
    elsewhere = write_bundle(
        tmp_path / "elsewhere.json", [{"partition": "catalog.json", "table": "assets", "doc": doc}]
    )
    assert "cannot be imported into catalog.json" in cli(db, "import-bundle", str(elsewhere)).stderr
    assert data_files(db) == before


def test_a_good_bundle_still_merges(db: Path, tmp_path: Path) -> None:
    exported = cli(db, "export-bundle", str(tmp_path / "all.json"))
    assert exported.returncode == 0, exported.stderr
    again = cli(db, "import-bundle", str(tmp_path / "all.json"))
    assert again.returncode == 0 and "0 added" in again.stdout


def test_every_way_in_passes_the_gate(tmp_path: Path) -> None:
    """Forms, CSV rows, commands and plugins all end in the repositories' saves."""
    with Store.open(tmp_path / "db") as store:
        good = Asset("site-1", "router", "Cisco", "ISR4331", "FDO1")
        store.assets.save(good)
        before = data_files(tmp_path / "db")
        future = Asset(
            "site-1", "router", "Cisco", "ISR4331", "FDO2", installed_on=date(9999, 1, 1)
        )
        with pytest.raises(RejectedDocumentError, match=f"asset {future.id}: installed_on"):
            store.assets.save(future)
        wrong_type = Asset("site-1", "router", "Cisco", "ISR4331", {"serial": 1})  # type: ignore[arg-type]
        with pytest.raises(RejectedDocumentError, match="serial_number must be text"):
            store.assets.add_many([Asset("site-1", "router", "Cisco", "ISR", "OK1"), wrong_type])
        reading = Inspection(
            "site-1", good.id, datetime(2026, 3, 1), readings={"temp": float("nan")}
        )
        with pytest.raises(RejectedDocumentError, match="readings"):
            store.inspections.save(reading)
        assert len(store.assets) == 1 and future.revision == 0
    assert data_files(tmp_path / "db") == before


# -- tolerant reading ----------------------------------------------------------------------


def damage_one_asset(folder: Path) -> tuple[Path, str, dict[str, Any]]:
    path, doc = first_asset(folder)
    data = orjson.loads(path.read_bytes())
    data["assets"][doc["id"]]["serial_number"] = {"oops": True}
    path.write_bytes(orjson.dumps(data))
    return path, doc["id"], data["assets"][doc["id"]]


def test_a_damaged_document_on_disk_is_set_aside_and_the_rest_works(db: Path) -> None:
    total = len(json.loads(cli(db, "export", "assets", "--format", "json").stdout)["assets"])
    path, bad_id, bad_doc = damage_one_asset(db)
    damaged_file = path.read_bytes()
    for command in (
        ("export", "assets", "--format", "json"),
        ("warranty",),
        ("visits",),
        ("faults",),
    ):
        result = cli(db, *command)
        assert result.returncode == 0, (command, result.stderr)
        warnings = result.stderr.splitlines()
        assert len(warnings) == 1 and warnings[0].startswith("warning:"), result.stderr
        assert bad_id in warnings[0] and "serial_number" in warnings[0]
        assert "quarantine/" in warnings[0]
    assets = json.loads(cli(db, "export", "assets", "--format", "json").stdout)["assets"]
    assert len(assets) == total - 1 and bad_id not in {a["id"] for a in assets}
    assert path.read_bytes() == damaged_file  # readers leave the file as it is
    (copy,) = (db / "quarantine").iterdir()
    kept = orjson.loads(copy.read_bytes())
    assert kept["source"] == path.relative_to(db).as_posix() and kept["id"] == bad_id
    assert "serial_number" in kept["reason"] and kept["document"] == bad_doc


def test_a_writer_sets_a_damaged_document_aside_before_rewriting_its_file(db: Path) -> None:
    path, bad_id, bad_doc = damage_one_asset(db)
    seen: list[str] = []
    with Store.open(db, report=seen.append) as store:
        assert store.assets.get(bad_id) is None and len(seen) == 1
        other = next(a for a in store.assets.all() if f"{a.site_id}.json" == path.name)
        other.notes = "checked"
        store.assets.save(other)
    saved = orjson.loads(path.read_bytes())["assets"]
    assert bad_id not in saved and saved[other.id]["notes"] == "checked"
    (copy,) = (db / "quarantine").iterdir()
    assert orjson.loads(copy.read_bytes())["document"] == bad_doc


def test_a_file_whose_damaged_document_cannot_be_set_aside_is_never_rewritten(db: Path) -> None:
    path, bad_id, _ = damage_one_asset(db)
    (db / "quarantine").write_text("a file where the folder should be")  # the copy must fail
    damaged_file = path.read_bytes()
    with Store.open(db, report=lambda line: None) as store:
        (found,) = store.db.set_aside
        assert found.copy is None and found.doc_id == bad_id
        other = next(a for a in store.assets.all() if f"{a.site_id}.json" == path.name)
        other.notes = "checked"
        with pytest.raises(StoreWriteError, match="could not be copied"):
            store.assets.save(other)
    assert path.read_bytes() == damaged_file


def test_a_forged_conflict_on_disk_is_set_aside_and_conflicts_runs(db: Path) -> None:
    catalog = db / "catalog.json"
    data = orjson.loads(catalog.read_bytes())
    data["conflicts"] = {"c1": {"id": "c1", "schema": 1, "table": "assets", "theirs": "x"}}
    catalog.write_bytes(orjson.dumps(data))
    result = cli(db, "conflicts")
    assert result.returncode == 0 and "No conflicts." in result.stdout
    assert "warning:" in result.stderr and "c1" in result.stderr
    assert_database_works(db)


def test_many_damaged_documents_give_a_few_lines_and_a_count(db: Path) -> None:
    path, _ = first_asset(db)
    data = orjson.loads(path.read_bytes())
    for doc in list(data["assets"].values())[:8]:
        doc["warranty_months"] = "a year"
    path.write_bytes(orjson.dumps(data))
    result = cli(db, "export", "assets")
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 6 and all(line.startswith("warning:") for line in lines)
    assert "3 more warning(s)" in lines[-1] and "quarantine" in lines[-1]
    assert len(list((db / "quarantine").iterdir())) == 8

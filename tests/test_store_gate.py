"""One gate for every document that enters the store; tolerant reading of what is on disk.

A bad document in a bundle (or from any other way in) is refused with its id and field and
nothing is written; a damaged document already on disk is set aside into ``quarantine/`` and
the rest of the database keeps working.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import tempfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st

from assettrack.config import load_settings
from assettrack.domain.codec import from_doc, to_doc
from assettrack.domain.faults import SlaStatus, fault_sla
from assettrack.domain.gate import check_document
from assettrack.domain.models import Asset, Fault, Inspection, ReportedVia
from assettrack.domain.warranty import warranty_status
from assettrack.services.service_config import load_service_config
from assettrack.store.database import RETIRED_FOLDER
from assettrack.store.errors import RejectedDocumentError, StoreWriteError
from assettrack.store.redo_log import LOG_NAME
from assettrack.store.store import Store
from tests.conftest import data_files as all_files
from tests.conftest import run_cli


def data_files(folder: Path) -> dict[str, bytes]:
    """The data files: the redo log is housekeeping (what it holds is in the files too), and
    so are the old versions that saves retire until a checkpoint deletes them."""
    return {
        k: v
        for k, v in all_files(folder).items()
        if k != LOG_NAME and not k.startswith(f"{RETIRED_FOLDER}/")
    }


# Files the store writes for itself on every save: not part of the data.


@pytest.fixture
def db(demo_source: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "db"
    shutil.copytree(demo_source, folder)
    return folder


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
        folder,
        "fault",
        "add",
        "--site",
        "外滩分行",
        "--severity",
        "2",
        "--via",
        "phone",
        "--reported",
        "2026-11-30 09:00",
        "--symptom",
        "链路中断",
    )
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


# -- whatever the gate lets in can be used -------------------------------------------------

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**15), 10**15)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
    | st.sampled_from(
        [
            "2026-01-31",
            "2026-02-30",
            "1969-12-31",
            "2200-12-31",
            "9999-12-31",
            "2026-03-01T09:00",
            "2026-03-01T09:00:00+08:00",
            "0001-01-01T00:00",
            "in_service",
            "phone",
            "1e400",
            "NaN",
            "12.50",
            "-3",
            "../x",
            "a" * 200,
        ]
    ),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)
# Values of the right type, across their whole range: most documents made of them get in.
PLAUSIBLE = (
    st.dates(date(1970, 1, 1), date(2200, 12, 31)).map(date.isoformat)
    | st.datetimes(datetime(1970, 1, 1), datetime(2200, 12, 31, 23, 59)).map(datetime.isoformat)
    | st.integers(-5, 700)
    | st.booleans()
    | st.none()
    | st.text(max_size=30)
    | st.sampled_from(["in_service", "spare", "retired", "phone", "email", "on_site"])
    | st.lists(st.text(max_size=8), max_size=3)
)
SETTINGS = load_settings(env={}, user_dir=Path(tempfile.gettempdir()) / "assettrack-no-user-dir")
NOW = datetime(2026, 12, 1, 12)
GOOD_ASSET = to_doc(Asset("site-1", "router", "Cisco", "ISR4331", "FDO1", revision=1))
GOOD_FAULT = to_doc(Fault("site-1", 2, ReportedVia.PHONE, NOW, NOW, revision=1))


@hyp_settings(max_examples=300, deadline=None)
@given(
    changes=st.dictionaries(
        st.sampled_from([f.name for f in dataclasses.fields(Asset)] + ["console"]),
        JSON | PLAUSIBLE,
        max_size=3,
    )
)
def test_an_asset_the_gate_lets_in_decodes_and_its_warranty_can_be_worked_out(changes) -> None:
    doc = {**GOOD_ASSET, **changes}
    if check_document("assets", doc):
        return  # refused, with its field named
    asset = from_doc(Asset, doc)
    warranty_status(asset, SETTINGS.warranty, NOW.date())
    assert check_document("assets", to_doc(asset)) == []
    orjson.dumps(to_doc(asset))


@hyp_settings(max_examples=300, deadline=None)
@given(
    changes=st.dictionaries(
        st.sampled_from([f.name for f in dataclasses.fields(Fault)]), JSON | PLAUSIBLE, max_size=3
    )
)
def test_a_fault_the_gate_lets_in_decodes_and_its_targets_can_be_checked(changes) -> None:
    doc = {**GOOD_FAULT, **changes}
    if check_document("faults", doc):
        return
    fault = from_doc(Fault, doc)
    levels = load_service_config(SETTINGS.raw).severity
    sla = fault_sla(fault, levels, NOW)
    if fault.severity not in levels.levels:
        # Levels are configuration, not shape: a level not configured has no targets.
        assert {check.status for check in (*sla.checks, sla.resolution)} == {SlaStatus.NO_TARGET}
    assert check_document("faults", to_doc(fault)) == []

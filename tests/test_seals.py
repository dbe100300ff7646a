"""Signed records are tamper-evident: the seal taken at signing, ``verify`` against it and
against the sync history, the seal and commit on the printed record, and a customer's copy
checked by its seal. Real stores, real git repositories (dulwich), the real CLI."""

from __future__ import annotations

import json
import time
from contextlib import closing
from datetime import datetime
from pathlib import Path

import orjson
import pytest
from dulwich.index import commit_tree
from dulwich.objects import Blob, Commit
from dulwich.repo import Repo

from assettrack.domain.models import Contact, Visit
from assettrack.domain.seal import content_seal, recorded_seal, refused_change
from assettrack.services.git_sync import BRANCH, init_sync, sync
from assettrack.services.inspections import InspectionService
from assettrack.services.report_render import to_markdown
from assettrack.services.reports import ReportService
from assettrack.services.seals import find_seal, seal_state, verify
from assettrack.services.visit_record import VisitRecordService
from assettrack.store.store import Store
from assettrack.testing import make_extensions
from tests.cli_inprocess import Cli


@pytest.fixture
def record(store, config, clock) -> VisitRecordService:
    return VisitRecordService(store, config, "李工", clock=clock)


@pytest.fixture
def signed(store, clock, record, register, site, sample_asset) -> Visit:
    """A scheduled visit with two devices inspected, completed and signed by the customer."""
    site.contacts = [Contact("王主任", "信息科主任", signs_off=True)]
    register.store.sites.save(site)
    inspections = InspectionService(store, make_extensions(builtins=True), "李工", clock=clock)
    visit = record.visits.start(site.id, "scheduled")
    for n in range(2):
        asset = store.assets.save(
            sample_asset(site_id=site.id, serial_number=f"FOC{n}", hostname=f"sw{n}")
        )
        draft = inspections.start(asset)
        for item_id, item in inspections.checklist(asset).items():
            if item.kind == "value":
                inspections.answer(draft, asset, item_id, value="24")
            else:
                inspections.answer(draft, asset, item_id, result="pass")
        inspections.complete(draft, asset)
    survey = record.config.survey
    visit = record.answer_survey(visit, [survey.answer(q, "5") for q in survey.questions])
    return record.sign(record.complete(visit), "王主任")


def _file_of(store: Store, table: str, doc_id: str) -> Path:
    for name in store.db.partition_names(f"records/{table}"):
        path = store.folder / name
        if doc_id in json.loads(path.read_text(encoding="utf-8")).get(table, {}):
            return path
    raise AssertionError(f"{table} {doc_id} is in no file")


def tamper(store: Store, table: str, doc_id: str, **fields: object) -> None:
    """Change a stored document behind assettrack's back: the file edited by hand."""
    path = _file_of(store, table, doc_id)
    data = json.loads(path.read_text(encoding="utf-8"))
    data[table][doc_id].update(fields)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    store.db.refresh()


def test_signing_seals_the_visit_and_its_inspections(store: Store, signed: Visit) -> None:
    raw = json.loads(_file_of(store, "visits", signed.id).read_text(encoding="utf-8"))
    doc = raw["visits"][signed.id]
    assert recorded_seal(doc).startswith("sha256:") and len(recorded_seal(doc)) == 71
    assert content_seal(doc) == recorded_seal(doc)  # recomputed from the stored copy alone
    sealed = doc["sign_off"]["records"]
    assert len(sealed) == 2
    for inspection_id, seal in sealed.items():
        stored = json.loads(_file_of(store, "inspections", inspection_id).read_text())
        assert content_seal(stored["inspections"][inspection_id]) == seal
    report = verify(store)
    assert report.intact and (report.visits, report.inspections) == (1, 2)
    assert report.commits is None  # this database keeps no sync history


def test_a_seal_ignores_bookkeeping_and_fields_added_later_but_not_content() -> None:
    doc = {"id": "v1", "notes": "ok", "sign_off": {"representative": "王主任", "seal": ""}}
    seal = content_seal(doc)
    same = {**doc, "revision": 9, "schema": 7, "_sync": {"revs": ["a"]}, "added_later": ""}
    assert content_seal(same) == seal
    assert content_seal({**doc, "notes": "ok."}) != seal
    signer = {**doc, "sign_off": {"representative": "王主任 ", "seal": ""}}
    assert content_seal(signer) != seal


def test_a_record_changed_behind_assettracks_back_is_reported_with_the_fields(
    store: Store, signed: Visit
) -> None:
    tamper(store, "visits", signed.id, customer_opinion="非常满意")
    inspection_id = next(iter(signed.sign_off.records))
    tamper(store, "inspections", inspection_id, notes="added after signing")
    report = verify(store)
    assert not report.intact
    said = "\n".join(report.lines())
    assert f"visit {signed.id}: changed after the customer signed it" in said
    assert f"inspection {inspection_id}: changed after its visit {signed.id} was signed" in said
    assert "changed on this computer, not synced" in said
    # A customer's copy, checked by the seal printed on it: it no longer matches.
    (match,) = find_seal(store, signed.sign_off.seal[:23])
    assert match.doc_id == signed.id and not match.current


def test_a_removed_inspection_breaks_its_visits_seal(store: Store, signed: Visit) -> None:
    inspection_id = next(iter(signed.sign_off.records))
    path = _file_of(store, "inspections", inspection_id)
    data = json.loads(path.read_text(encoding="utf-8"))
    del data["inspections"][inspection_id]
    path.write_text(json.dumps(data), encoding="utf-8")
    store.db.refresh()
    said = "\n".join(verify(store).lines())
    assert f"inspection {inspection_id}: missing: it was part of visit {signed.id}" in said


def test_the_history_names_the_commit_that_changed_a_signed_record(
    store: Store, signed: Visit, tmp_path: Path
) -> None:
    remote = tmp_path / "team.git"
    remote.mkdir()
    init_sync(store, str(remote))
    assert verify(store).intact and verify(store).commits == 1
    tamper(store, "visits", signed.id, customer_opinion="非常满意")
    sync(store)  # the edited file is committed by this laptop's next sync
    report = verify(store)
    (finding,) = report.findings
    assert finding.commit is not None and finding.commit.by == (store.db.author or "assettrack")
    assert [(c.field, c.before, c.after) for c in finding.changes] == [
        ("customer_opinion", signed.customer_opinion, "非常满意")
    ]
    # Taking the seal again over the changed content does not hide it: the history holds
    # the seal the customer signed.
    doc = json.loads(_file_of(store, "visits", signed.id).read_text())["visits"][signed.id]
    doc["sign_off"]["seal"] = content_seal(doc)
    tamper(store, "visits", signed.id, sign_off=doc["sign_off"])
    sync(store)
    report = verify(store)
    problems = [f.problem for f in report.findings]
    assert "sealed again after a change: its seal is not the one signed" in problems


def test_the_printed_record_carries_the_seal_and_its_commit(
    store: Store, signed: Visit, config, clock, tmp_path: Path
) -> None:
    reports = ReportService(store, config, clock=clock)
    text = to_markdown(reports.visit_record_report(signed))
    assert f"Seal {signed.sign_off.seal} · not in the team's history yet" in text
    remote = tmp_path / "team.git"
    remote.mkdir()
    init_sync(store, str(remote))
    state = seal_state(store, "visits", signed)
    assert state.intact and state.commit is not None
    text = to_markdown(reports.visit_record_report(signed))
    assert f"commit {state.commit.id[:10]} by {state.commit.by}" in text
    assert f"assettrack verify --seal {signed.sign_off.seal[:23]}" in text


def test_an_incoming_copy_of_a_signed_record_is_refused(store: Store, signed: Visit) -> None:
    raw = json.loads(_file_of(store, "visits", signed.id).read_text())["visits"][signed.id]
    assert refused_change("visits", raw, raw) == ""  # the same record: welcome
    changed = {**raw, "customer_opinion": "非常满意"}
    assert "changed after signing" in refused_change("visits", changed, raw)
    resealed = orjson.loads(orjson.dumps(changed))
    resealed["sign_off"]["seal"] = content_seal(resealed)
    assert "signed here" in refused_change("visits", resealed, raw)
    assert "not deleted" in refused_change("visits", {"id": raw["id"], "_deleted": True}, raw)
    inspection_id, sealed = next(iter(signed.sign_off.records.items()))
    path = _file_of(store, "inspections", inspection_id)
    inspection = json.loads(path.read_text())["inspections"][inspection_id]
    edited = {**inspection, "notes": "later"}
    assert "its visit is signed here" in refused_change("inspections", edited, None, sealed)
    assert refused_change("inspections", inspection, None, sealed) == ""


def test_verify_on_the_command_line(store: Store, signed: Visit, tmp_path: Path) -> None:
    cli = Cli(tmp_path)
    db = str(store.folder)
    store.close()
    said = cli.ok("--db", db, "verify")
    assert "Checked 1 signed visit(s) and 2 signed inspection(s)" in said
    copy = cli.ok("--db", db, "verify", "--seal", signed.sign_off.seal[7:23])
    assert "signed by 王主任" in copy and "still matches" in copy
    with Store.open(Path(db)) as reopened:
        tamper(reopened, "visits", signed.id, notes="edited by hand")
    broken = cli("--db", db, "verify", "--format", "json")
    assert broken.returncode == 1
    found = json.loads(broken.stdout)
    assert not found["intact"]
    (finding,) = found["findings"]
    assert (finding["id"], finding["commit"]) == (signed.id, None)  # not synced: no commit
    unknown = cli("--db", db, "verify", "--seal", "sha256:0000")
    assert unknown.returncode == 1 and "No signed record here" in unknown.stdout


def test_records_signed_before_seals_are_counted_not_failed(store: Store, site) -> None:
    from assettrack.domain.models import SignOff, VisitKind

    old = Visit(site.id, "李工", VisitKind.SCHEDULED, datetime(2025, 3, 2, 9))
    old.sign_off = SignOff("王主任", datetime(2025, 3, 2, 17))
    store.visits.save(old)
    report = verify(store)
    assert report.intact and report.unsealed == 1
    assert "signed before seals were kept" in "\n".join(report.lines())


def commit_by_hand(remote: Path, partition: str, table: str, doc_id: str, **fields: object) -> str:
    """Someone with write access to the team's repository changes a record with git alone,
    as a newer revision of it (so a plain merge would take it)."""
    with closing(Repo(str(remote))) as repo:
        head = repo[repo.refs[BRANCH]]
        files = {e.path: e.sha for e in repo.object_store.iter_tree_contents(head.tree)}
        tables = orjson.loads(repo[files[partition.encode()]].as_raw_string())
        tables[table][doc_id].update(fields)
        tables[table][doc_id]["_sync"]["revs"].append("byhand1")
        blob = Blob.from_string(orjson.dumps(tables))
        repo.object_store.add_object(blob)
        files[partition.encode()] = blob.id
        commit = Commit()
        commit.tree = commit_tree(repo.object_store, [(p, s, 0o100644) for p, s in files.items()])
        commit.parents = [head.id]
        commit.author = commit.committer = b"mallory <mallory@example.com>"
        commit.author_time = commit.commit_time = int(time.time())
        commit.author_timezone = commit.commit_timezone = 0
        commit.message = b"tidy the records\n"
        repo.object_store.add_object(commit)
        repo.refs[BRANCH] = commit.id
        return commit.id.decode()


def test_a_signed_record_tampered_with_in_the_remote_is_kept_out_and_reported(
    store: Store, signed: Visit, tmp_path: Path
) -> None:
    remote = tmp_path / "team.git"
    remote.mkdir()
    init_sync(store, str(remote))
    with Store.open(tmp_path / "li", author="李工") as li:
        init_sync(li, str(remote))
        assert li.visits.get(signed.site_id, signed.id).sign_off.seal == signed.sign_off.seal
        partition = li.visits.partition_of(signed)
        inspection_id = next(iter(signed.sign_off.records))
        inspection = li.inspections.get(signed.site_id, inspection_id)
        tampered = commit_by_hand(remote, partition, "visits", signed.id, notes="all fine")
        report = sync(li)
        (refused,) = report.merge.refused
        assert refused.startswith(f"visit {signed.id}: its content is not the content")
        assert li.visits.get(signed.site_id, signed.id).notes == signed.notes
        found = verify(li)
        (finding,) = found.findings
        assert (finding.doc_id, finding.commit.id, finding.commit.by) == (
            signed.id,
            tampered,
            "mallory",
        )
        assert [(c.field, c.after) for c in finding.changes] == [("notes", "all fine")]
        # The seal taken again by hand, on an inspection of the signed visit this time.
        commit_by_hand(
            remote,
            li.inspections.partition_of(inspection),
            "inspections",
            inspection_id,
            notes="checked again",
        )
        report = sync(li)
        assert [r.split(":")[0] for r in report.merge.refused] == [f"inspection {inspection_id}"]
        assert "its visit is signed here" in report.merge.refused[0]
        assert li.inspections.get(signed.site_id, inspection_id).notes == inspection.notes
    assert verify(store).intact  # nothing of it reached the laptop that signed
    sync(store)
    assert store.visits.get(signed.site_id, signed.id).notes == signed.notes

"""Evidence attachments: real files into a real database folder, the inbox, refusals, the
gate, bundles, the command line and photos in the PDF record (reopened with pypdf)."""

from __future__ import annotations

import io
import json
import os
import re
import time
from datetime import datetime
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from assettrack.domain.attachments import MAX_SIZE, Attachment, AttachmentTarget
from assettrack.domain.codec import to_doc
from assettrack.domain.gate import check_document
from assettrack.domain.models import (
    ChecklistResult,
    Fault,
    Inspection,
    InspectionState,
    ItemResult,
    ReportedVia,
    SignOff,
    Site,
    Visit,
    VisitKind,
)
from assettrack.errors import AssetTrackError
from assettrack.services.attachments import AttachmentService, evidence_blocks
from assettrack.services.report_render import (
    Images,
    Report,
    Section,
    Table,
    to_html,
    to_markdown,
    to_pdf,
)
from assettrack.services.sync import export_bundle, import_bundle
from assettrack.store.attachment_files import content_path, store_content
from assettrack.store.durable import TEMP_MARK
from assettrack.store.errors import RejectedDocumentError
from assettrack.store.store import Store
from tests.cli_inprocess import Cli

NOW = datetime(2026, 3, 2, 10, 30)


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        self.now = self.now.replace(minute=(self.now.minute + 1) % 60)
        return self.now


def photo(path: Path, color: str = "orange", size: tuple[int, int] = (64, 48)) -> Path:
    """A real image file (JPEG or PNG by the name), made with Pillow."""
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, color).save(path)
    return path


def settled(path: Path) -> Path:
    """As if copied in a minute ago: the inbox takes only files left alone for a while."""
    old = time.time() - 60
    os.utime(path, (old, old))
    return path


@pytest.fixture
def records(store: Store):
    site = store.sites.save(Site("华东医院集团", "门诊楼机房"))
    fault = store.faults.save(
        Fault(site.id, 2, ReportedVia.PHONE, NOW, NOW, symptom="PSU burnt, smell of smoke")
    )
    visit = store.visits.save(Visit(site.id, "李工", VisitKind.SCHEDULED, NOW))
    inspection = store.inspections.save(
        Inspection(
            site.id,
            "asset-1",
            NOW,
            visit_id=visit.id,
            items=[
                ChecklistResult("dust", "Dust level", ItemResult.FAIL, "heavy"),
                ChecklistResult("rodents", "No signs of rodents or liquid"),
            ],
        )
    )
    return site, fault, visit, inspection


@pytest.fixture
def service(store: Store) -> AttachmentService:
    return AttachmentService(store, "李工", clock=Clock())


# -- attaching ------------------------------------------------------------------------------


def test_a_photo_is_kept_once_in_the_database_folder_and_listed(store, records, service, tmp_path):
    _, fault, visit, _ = records
    jpeg = photo(tmp_path / "camera" / "psu.jpg")
    attachment = service.attach(jpeg, "fault", fault.id[:8], caption="burnt PSU")

    assert attachment.name == "psu.jpg" and attachment.media_type == "image/jpeg"
    assert attachment.size == jpeg.stat().st_size and attachment.added_by == "李工"
    assert (attachment.target, attachment.target_id) == (AttachmentTarget.FAULT, fault.id)
    kept = service.path_of(attachment)
    assert kept == store.folder / "attachments" / attachment.sha256[:2] / attachment.sha256
    assert kept.read_bytes() == jpeg.read_bytes() and service.is_image(attachment)
    # No temporary file is left behind.
    assert not [p for p in (store.folder / "attachments").rglob("*") if TEMP_MARK in p.name]

    # The same content under another name, on the visit: one file kept, two attachments.
    copy = tmp_path / "IMG_0042"
    copy.write_bytes(jpeg.read_bytes())
    on_visit = service.attach(copy, AttachmentTarget.VISIT, visit.id)
    assert on_visit.sha256 == attachment.sha256 and on_visit.media_type == "image/jpeg"
    assert len([p for p in (store.folder / "attachments").rglob("*") if p.is_file()]) == 1

    # The same content on the same fault again: the earlier attachment, not a second one.
    again, new = service.attach_once(jpeg, "fault", fault.id)
    assert not new and again.id == attachment.id
    assert [a.id for a in service.for_target("fault", fault.id)] == [attachment.id]

    # Listed oldest first, with size and time; the document reads back from a new store.
    pdf = tmp_path / "RMA form.pdf"
    pdf.write_bytes(b"%PDF-1.4\n% a vendor's RMA form\n")
    form = service.attach(pdf, "fault", fault.id)
    with Store.open(store.folder) as other:
        found = AttachmentService(other).for_target("fault", fault.id)
    assert [a.name for a in found] == ["psu.jpg", "RMA form.pdf"]
    assert found[1].media_type == "application/pdf" and not service.is_image(form)


def test_a_photo_attached_to_a_checklist_item(records, service, tmp_path):
    _, fault, _, inspection = records
    dust = service.attach(photo(tmp_path / "dust.png"), "inspection", inspection.id, item_id="dust")
    assert dust.item_id == "dust" and dust.media_type == "image/png"
    assert service.for_target("inspection", inspection.id, item_id="dust") == [dust]
    assert service.for_target("inspection", inspection.id, item_id="rodents") == []

    with pytest.raises(AssetTrackError, match="has no checklist item 'fans'"):
        service.attach(tmp_path / "dust.png", "inspection", inspection.id, item_id="fans")
    with pytest.raises(AssetTrackError, match="only with an inspection"):
        service.attach(tmp_path / "dust.png", "fault", fault.id, item_id="dust")
    with pytest.raises(AssetTrackError, match="no fault with id 'nonexistent'"):
        service.attach(tmp_path / "dust.png", "fault", "nonexistent")


def test_files_that_cannot_be_attached_say_why_and_nothing_is_kept(
    store, records, service, tmp_path
):
    _, fault, _, _ = records
    folder = tmp_path / "photos"
    folder.mkdir()
    empty = tmp_path / "empty.jpg"
    empty.touch()
    big = tmp_path / "photo.jpg"
    with big.open("wb") as out:  # sparse: 63.2 MB on paper, nothing on the disk
        out.truncate(int(63.2 * 1024 * 1024))
    cases = {
        tmp_path / "missing.jpg": f"{tmp_path / 'missing.jpg'}: no such file",
        folder: f"{folder} is a folder; attach the files in it one by one",
        empty: "empty.jpg is empty; there is nothing to attach",
        big: "photo.jpg is 63.2 MB; attachments are limited to 50 MB",
    }
    if hasattr(os, "mkfifo"):
        fifo = tmp_path / "pipe"
        os.mkfifo(fifo)
        cases[fifo] = f"{fifo} is not a regular file"
    for path, message in cases.items():
        with pytest.raises(AssetTrackError) as refused:
            service.attach(path, "fault", fault.id)
        assert str(refused.value) == message
    assert service.for_target("fault", fault.id) == []
    assert not (store.folder / "attachments").exists() or not [
        p for p in (store.folder / "attachments").rglob("*") if p.is_file()
    ]


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads every file")
def test_an_unreadable_file_says_so(records, service, tmp_path):
    _, fault, _, _ = records
    locked = photo(tmp_path / "locked.jpg")
    locked.chmod(0)
    with pytest.raises(AssetTrackError, match=r"cannot read .*locked\.jpg: permission denied"):
        service.attach(locked, "fault", fault.id)


def test_the_size_limit_is_the_exact_byte_count(records, service, tmp_path):
    _, fault, _, _ = records
    edge = tmp_path / "scan.tif"
    with edge.open("wb") as out:
        out.truncate(MAX_SIZE)
    assert service.attach(edge, "fault", fault.id).size == MAX_SIZE
    with edge.open("ab") as out:
        out.write(b"x")
    with pytest.raises(AssetTrackError, match=r"scan\.tif is 50\.0 MB; attachments are limited"):
        service.attach(edge, "fault", fault.id)


def test_a_signed_visit_or_inspection_takes_no_more_files(store, records, service, tmp_path):
    _, _, visit, inspection = records
    jpeg = photo(tmp_path / "after.jpg")
    # Attached before the signature: still there afterwards.
    before = service.attach(jpeg, "visit", visit.id)

    visit.sign_off = SignOff("张伟", datetime(2026, 3, 2, 17, 5))
    store.visits.save(visit)
    with pytest.raises(AssetTrackError) as refused:
        service.attach(photo(tmp_path / "late.jpg", "blue"), "visit", visit.id)
    assert str(refused.value) == (
        "this visit was signed by 张伟 on 2026-03-02 17:05 and can no longer change; "
        "nothing was attached"
    )
    # Its inspection, unsigned itself, belongs to the signed visit.
    with pytest.raises(AssetTrackError, match="belongs to a visit signed by 张伟 on 2026-03-02"):
        service.attach(jpeg, "inspection", inspection.id, item_id="dust")

    inspection.visit_id = None
    inspection.state = InspectionState.SIGNED
    inspection.sign_off = SignOff("王芳", datetime(2026, 3, 3, 9, 0))
    store.inspections.save(inspection)
    with pytest.raises(AssetTrackError, match="this inspection was signed by 王芳 on 2026-03-03"):
        service.attach(jpeg, "inspection", inspection.id)
    assert service.for_target("visit", visit.id) == [before]


# -- the inbox ------------------------------------------------------------------------------


def test_the_inbox_takes_complete_files_and_leaves_the_rest(store, records, service):
    _, fault, _, _ = records
    inbox = service.inbox_folder()
    assert inbox == store.folder / "inbox" and inbox.is_dir()
    ready = settled(photo(inbox / "rodent damage.jpg"))
    form = inbox / "rma.pdf"
    form.write_bytes(b"%PDF-1.4 RMA")
    settled(form)
    copying = photo(inbox / "still copying.jpg", "green")  # changed just now
    hidden = settled(photo(inbox / ".thumbnail.jpg", "red"))
    partial = inbox / "video.mp4.part"
    partial.write_bytes(b"half")
    settled(partial)
    (inbox / "a folder").mkdir()

    taken = service.scan_inbox("fault", fault.id)

    assert sorted(a.name for a in taken) == ["rma.pdf", "rodent damage.jpg"]
    assert not ready.exists() and not form.exists()
    assert copying.exists() and hidden.exists() and partial.exists()
    assert sorted(a.name for a in service.for_target("fault", fault.id)) == [
        "rma.pdf",
        "rodent damage.jpg",
    ]
    # Once it has settled, the next scan takes the copied file.
    settled(copying)
    assert [a.name for a in service.scan_inbox("fault", fault.id)] == ["still copying.jpg"]


def test_a_file_the_inbox_cannot_take_stays_there_with_the_reason(records, service):
    _, fault, _, _ = records
    inbox = service.inbox_folder()
    empty = inbox / "blank.jpg"
    empty.touch()
    settled(empty)
    good = settled(photo(inbox / "fan.jpg"))
    problems: list[str] = []
    taken = service.scan_inbox("fault", fault.id, problems=problems)
    assert [a.name for a in taken] == ["fan.jpg"] and not good.exists()
    assert problems == ["blank.jpg is empty; there is nothing to attach"] and empty.exists()
    # Without a list to collect them, the problem is raised.
    with pytest.raises(AssetTrackError, match=r"blank\.jpg is empty"):
        service.scan_inbox("fault", fault.id)


def test_the_inbox_loses_nothing_and_attaches_once_through_a_crash(store, records, service):
    _, fault, _, _ = records
    inbox = service.inbox_folder()
    first = settled(photo(inbox / "first.jpg"))
    # A crash after the content was stored, before its document was saved.
    stored = store_content(store.folder, first)
    assert content_path(store.folder, stored.sha256).is_file() and first.exists()
    (taken,) = service.scan_inbox("fault", fault.id)
    assert taken.sha256 == stored.sha256 and not first.exists()

    # A crash after the document was saved, before the file left the inbox.
    second = settled(photo(inbox / "second.jpg", "purple"))
    saved = service.attach(second, "fault", fault.id)
    assert second.exists()
    (again,) = service.scan_inbox("fault", fault.id)
    assert again.id == saved.id and not second.exists()

    # The same photo dropped in once more is not attached twice either.
    photo(inbox / "first again.jpg")
    settled(inbox / "first again.jpg")
    (same,) = service.scan_inbox("fault", fault.id)
    assert same.id == taken.id
    assert sorted(a.name for a in service.for_target("fault", fault.id)) == [
        "first.jpg",
        "second.jpg",
    ]


def test_the_inbox_refuses_a_signed_visit_before_taking_anything(store, records, service):
    _, _, visit, _ = records
    waiting = settled(photo(service.inbox_folder() / "late.jpg"))
    visit.sign_off = SignOff("张伟", datetime(2026, 3, 2, 17, 5))
    store.visits.save(visit)
    with pytest.raises(AssetTrackError, match="signed by 张伟"):
        service.scan_inbox("visit", visit.id)
    assert waiting.exists()


# -- files not on this computer, the gate, bundles, the folder's upkeep -----------------------


def test_an_attachment_whose_file_is_not_here_still_lists_and_reports(records, service, tmp_path):
    _, fault, _, _ = records
    gone = service.attach(photo(tmp_path / "psu.jpg"), "fault", fault.id, caption="burnt PSU")
    kept = service.attach(photo(tmp_path / "label.png", "white"), "fault", fault.id)
    service.path_of(gone).unlink()

    (missing, here) = service.listed(service.for_target("fault", fault.id))
    assert not missing.on_disk and missing.row()["file"] == "file not on this computer"
    assert here.on_disk and here.row()["on_this_computer"] is True

    images, table = evidence_blocks(service, "fault", fault.id)
    assert isinstance(images, Images) and isinstance(table, Table)
    assert [path for path, _ in images.rows] == [service.path_of(kept)]
    assert table.headers == ("File", "Size", "Added", "By")
    assert table.rows[0][0] == "psu.jpg — burnt PSU (file not on this computer)"
    pdf = PdfReader(
        io.BytesIO(to_pdf(Report("Fault", sections=[Section("Evidence", [images, table])])))
    )
    assert "not on this computer" in pdf.pages[0].extract_text()


def test_nothing_attached_gives_no_report_blocks(records, service):
    _, fault, _, _ = records
    assert evidence_blocks(service, "fault", fault.id) == []


def test_the_gate_refuses_a_bad_attachment_document(store, records):
    site, fault, _, _ = records
    good = Attachment(
        site.id,
        "a" * 64,
        "psu.jpg",
        1234,
        "image/jpeg",
        NOW,
        "李工",
        AttachmentTarget.FAULT,
        fault.id,
    )
    good.revision = 1
    assert check_document("attachments", to_doc(good)) == []
    for changes, field in (
        ({"sha256": "A" * 64}, "sha256"),
        ({"sha256": "abc"}, "sha256"),
        ({"name": "../../etc/passwd"}, "name"),
        ({"name": "C:\\photos\\psu.jpg"}, "name"),
        ({"name": ""}, "name"),
        ({"size": 0}, "size"),
        ({"size": MAX_SIZE + 1}, "size"),
        ({"target": "asset"}, "target"),
        ({"target_id": "../x"}, "target_id"),
    ):
        problems = check_document("attachments", {**to_doc(good), **changes})
        assert [p.field for p in problems] == [field], changes
    bad = Attachment(
        site.id, "../../x", "psu.jpg", 1, "image/jpeg", NOW, "", AttachmentTarget.FAULT, fault.id
    )
    with pytest.raises(RejectedDocumentError, match="sha256 must be 64 lowercase hex digits"):
        store.attachments.save(bad)


def test_a_bundle_carries_the_documents_and_the_other_laptop_says_the_file_is_not_here(
    store, records, service, tmp_path
):
    _, fault, _, _ = records
    service.attach(photo(tmp_path / "psu.jpg"), "fault", fault.id)
    bundle = tmp_path / "laptop-a.bundle"
    export_bundle(store, bundle)
    with Store.open(tmp_path / "laptop-b") as other:
        report = import_bundle(other, bundle)
        assert report.added >= 3  # the site, the records and the attachment
        theirs = AttachmentService(other)
        (listed,) = theirs.listed(theirs.for_target("fault", fault.id))
    assert listed.attachment.name == "psu.jpg" and not listed.on_disk


def test_opening_clears_a_dead_copy_but_never_the_inbox(store, records, service, tmp_path):
    folder = store.folder
    service.attach(photo(tmp_path / "psu.jpg"), "fault", records[1].id)
    dead = folder / "attachments" / f".incoming{TEMP_MARK}999999999-abcd1234"
    dead.write_bytes(b"half a photo")
    live = folder / "attachments" / f".incoming{TEMP_MARK}{os.getpid()}-abcd1234"
    live.write_bytes(b"a photo being copied now")
    dropped = service.inbox_folder() / f".draft{TEMP_MARK}999999999-ab"
    dropped.write_bytes(b"the user's own file")
    store.close()
    with Store.open(folder):
        pass
    assert not dead.exists() and live.exists() and dropped.exists()


# -- photos in the report ---------------------------------------------------------------------

MM = 72 / 25.4  # points


def placed_images(page) -> list[tuple[float, float]]:
    """The size each image is drawn at on the page, in points (from the content stream)."""
    data = page.get_contents().get_data().decode("latin-1")
    found = re.findall(r"([\d.]+) 0 0 ([\d.]+) [\d.-]+ [\d.-]+ cm\s*/\S+ Do", data)
    return [(float(w), float(h)) for w, h in found]


def test_photos_go_into_the_pdf_scaled_and_an_unreadable_one_is_a_line(tmp_path):
    wide = photo(tmp_path / "rack.jpg", "navy", (3000, 1000))
    tall = photo(tmp_path / "label.png", "yellow", (400, 2400))
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff not really a JPEG")
    report = Report(
        "Maintenance record",
        sections=[
            Section(
                "Evidence",
                [
                    Images(
                        (
                            (wide, "Dust on the intake 机柜"),
                            (tall, "Rodent damage on the cable"),
                            (broken, "Burnt PSU"),
                            (tmp_path / "gone.jpg", "Vendor label"),
                        )
                    )
                ],
            )
        ],
    )
    reader = PdfReader(io.BytesIO(to_pdf(report)))
    pages = list(reader.pages)
    text = "\n".join(p.extract_text() for p in pages)
    assert sum(len(p.images) for p in pages) == 2
    assert "Dust on the intake 机柜" in text and "Rodent damage on the cable" in text
    assert "Burnt PSU (image could not be read:" in text
    assert "Vendor label (image could not be read: file not on this computer)" in text
    # Scaled to the page, the aspect kept: the wide photo to the text width (A4 less the
    # margins), the tall one to 90 mm; a 12-megapixel photo is stored at most 1600 pixels.
    (wide_size, tall_size) = [size for page in pages for size in placed_images(page)]
    text_width = float(pages[0].mediabox.width) - 36 * MM
    assert wide_size == pytest.approx((text_width, text_width / 3), abs=0.5)
    assert tall_size == pytest.approx((90 * MM / 6, 90 * MM), abs=0.5)
    for page in pages:
        for image in page.images:
            assert max(image.image.size) <= 1600

    markdown = to_markdown(report)
    assert f"![Dust on the intake 机柜]({wide.as_uri()})" in markdown
    html = to_html(report)
    assert f'<figure><img src="{wide.as_uri()}" alt="Dust on the intake 机柜">' in html
    assert "<figcaption>Rodent damage on the cable</figcaption>" in html


def test_the_photos_of_a_fault_reach_its_pdf(records, service, tmp_path):
    _, fault, _, _ = records
    service.attach(photo(tmp_path / "psu.jpg", "black"), "fault", fault.id, caption="burnt PSU")
    service.attach(tmp_path / "psu.jpg", "fault", fault.id)  # once only
    notes = tmp_path / "notes.txt"
    notes.write_text("smell of smoke at 09:10", "utf-8")
    service.attach(notes, "fault", fault.id)
    report = Report(
        "Fault", sections=[Section("Evidence", evidence_blocks(service, "fault", fault.id))]
    )
    (page,) = PdfReader(io.BytesIO(to_pdf(report))).pages
    assert len(page.images) >= 1
    text = page.extract_text()
    assert "burnt PSU" in text and "notes.txt" in text and "李工" in text


# -- the command line -------------------------------------------------------------------------


def test_attach_and_list_from_the_command_line(tmp_path):
    folder = tmp_path / "db"
    with Store.open(folder) as store:
        site = store.sites.save(Site("华东医院集团", "门诊楼机房"))
        fault = store.faults.save(Fault(site.id, 2, ReportedVia.PHONE, NOW, NOW))
        inspection = store.inspections.save(
            Inspection(site.id, "asset-1", NOW, items=[ChecklistResult("dust", "Dust level")])
        )
    cli = Cli(tmp_path)
    config = tmp_path / "config-home" / "assettrack" / "settings.toml"
    config.parent.mkdir(parents=True)
    config.write_text('[engineer]\nname = "李工"\n', "utf-8")
    jpeg = photo(tmp_path / "psu.jpg")
    form = tmp_path / "rma.pdf"
    form.write_bytes(b"%PDF-1.4 RMA form")

    out = cli.ok("--db", folder, "attach", jpeg, form, "--fault", fault.id[:8], "--caption", "PSU")
    first, second = out.splitlines()
    size = f"{jpeg.stat().st_size} bytes"
    assert first.startswith(f"psu.jpg  {size}  ") and len(first.split()[-1]) == 12
    assert second.startswith("rma.pdf  17 bytes  ")
    again = cli.ok("--db", folder, "attach", jpeg, "--fault", fault.id)
    assert again.strip().endswith("(already attached)")
    cli.ok("--db", folder, "attach", jpeg, "--inspection", inspection.id, "--item", "dust")

    listed = json.loads(cli.ok("--db", folder, "attachments", "--fault", fault.id, "--json"))
    assert [(r["name"], r["caption"], r["by"]) for r in listed] == [
        ("psu.jpg", "PSU", "李工"),
        ("rma.pdf", "PSU", "李工"),
    ]
    assert all(r["on_this_computer"] for r in listed)
    table = cli.ok("--db", folder, "attachments", "--inspection", inspection.id)
    assert "psu.jpg" in table and "dust" in table and "here" in table

    # The file gone from this computer: listed all the same, saying so.
    (folder / "attachments" / listed[1]["sha256"][:2] / listed[1]["sha256"]).unlink()
    table = cli.ok("--db", folder, "attachments", "--fault", fault.id)
    assert "file not on this computer" in table

    # One file refused: none attached, one line saying why.
    before = cli.ok("--db", folder, "attachments", "--fault", fault.id, "--json")
    refused = cli("--db", folder, "attach", jpeg, tmp_path / "nope.jpg", "--fault", fault.id)
    assert refused.returncode == 1
    assert refused.stderr.strip() == f"error: {tmp_path / 'nope.jpg'}: no such file"
    assert cli.ok("--db", folder, "attachments", "--fault", fault.id, "--json") == before

    # Mistyped commands.
    assert cli("--db", folder, "attach", jpeg).returncode == 2
    assert cli("--db", folder, "attach", jpeg, "--fault", "x", "--visit", "y").returncode == 2
    assert cli("--db", folder, "attach", jpeg, "--fault", fault.id, "--item", "d").returncode == 2
    missing = cli("--db", folder, "attachments", "--fault", "feedbeef")
    assert missing.returncode == 1 and "no fault with id 'feedbeef'" in missing.stderr


def test_attach_takes_the_inbox_from_the_command_line(tmp_path):
    folder = tmp_path / "db"
    with Store.open(folder) as store:
        site = store.sites.save(Site("华东医院集团", "门诊楼机房"))
        visit = store.visits.save(Visit(site.id, "李工", VisitKind.SCHEDULED, NOW))
    cli = Cli(tmp_path)
    assert "No files waiting in the inbox folder" in cli.ok(
        "--db", folder, "attach", "--inbox", "--visit", visit.id
    )
    settled(photo(folder / "inbox" / "cabinet.jpg"))
    empty = folder / "inbox" / "empty.png"
    empty.touch()
    settled(empty)
    outcome = cli("--db", folder, "attach", "--inbox", "--visit", visit.id)
    assert outcome.returncode == 1 and outcome.stdout.startswith("cabinet.jpg  ")
    assert "left in the inbox: empty.png is empty" in outcome.stderr
    assert not (folder / "inbox" / "cabinet.jpg").exists() and empty.exists()

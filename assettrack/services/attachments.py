"""Evidence: photos and documents attached to a visit, a fault or an inspection's item.

A photo of a dusty fan or of rodent damage, a vendor's RMA form: attached by path or by
dropping it into the database's inbox folder. The file is kept once per content in the
database folder (``store.attachment_files``); the attachment document says what it belongs
to, who added it and when. A signed visit or inspection is the customer's record: nothing
more is attached to it. Team sync and git bundles carry the files; an old JSON bundle carries
only the documents, and another computer then lists the attachment as "file not on this
computer" until its file is there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from assettrack.domain.attachments import (
    Attachment,
    AttachmentTarget,
    human_size,
    media_type_of,
)
from assettrack.domain.attachments import is_image as is_image_type
from assettrack.domain.models import Fault, Inspection, Visit
from assettrack.errors import AssetTrackError
from assettrack.i18n import N_, _
from assettrack.i18n.errors import error_text
from assettrack.services.report_render import Block, Images, Table
from assettrack.services.service_common import find_record, parse_choice, short
from assettrack.store.attachment_files import (
    AttachmentFileError,
    content_path,
    ensure_inbox,
    inbox_path,
    is_present,
    remove_from_inbox,
    store_content,
    waiting_files,
)
from assettrack.store.errors import ReadOnlyStoreError
from assettrack.store.store import Store

Target = Visit | Fault | Inspection
NOT_HERE = N_("file not on this computer")  # as data (JSON, CSV); shown through _
TIME_FORMAT = "%Y-%m-%d %H:%M"


@dataclass(frozen=True)
class Listed:
    """One attachment as a listing shows it."""

    attachment: Attachment
    on_disk: bool
    item_label: str = ""

    @property
    def size(self) -> str:
        return human_size(self.attachment.size)

    @property
    def added(self) -> str:
        return f"{self.attachment.added_at:{TIME_FORMAT}}"

    def row(self) -> dict[str, Any]:
        a = self.attachment
        return {
            "name": a.name,
            "size": self.size,
            "bytes": a.size,
            "added": self.added,
            "by": a.added_by,
            "item": a.item_id,
            "item_label": self.item_label,
            "caption": a.caption,
            "media_type": a.media_type,
            "sha256": a.sha256,
            "id": a.id,
            "on_this_computer": self.on_disk,
            "file": "here" if self.on_disk else NOT_HERE,
        }


class AttachmentService:
    def __init__(
        self, store: Store, engineer: str = "", clock: Callable[[], datetime] = datetime.now
    ) -> None:
        self.store = store
        self.engineer = engineer
        self.clock = clock

    @property
    def folder(self) -> Path:
        return self.store.folder

    # -- what an attachment belongs to ------------------------------------------------------

    def find_target(self, target: AttachmentTarget | str, target_id: str) -> Target:
        """The visit, fault or inspection by id or unique id prefix."""
        kind = self._kind(target)
        repo: Any = {
            AttachmentTarget.VISIT: self.store.visits,
            AttachmentTarget.FAULT: self.store.faults,
            AttachmentTarget.INSPECTION: self.store.inspections,
        }[kind]
        found: Target = find_record(repo, target_id, kind.value)
        return found

    @staticmethod
    def _kind(target: AttachmentTarget | str) -> AttachmentTarget:
        return parse_choice(AttachmentTarget, target, N_("something files attach to"))

    def check_target(
        self, target: AttachmentTarget | str, target_id: str, item_id: str = ""
    ) -> Target:
        """The target, if files may still be attached to it (and to its item); else why not."""
        return self._open_target(target, target_id, item_id)[1]

    def _open_target(
        self, target: AttachmentTarget | str, target_id: str, item_id: str
    ) -> tuple[AttachmentTarget, Target]:
        """The target, if files may still be attached to it (and to its item)."""
        if self.store.db.read_only:
            raise ReadOnlyStoreError(self.folder)
        kind = self._kind(target)
        record = self.find_target(kind, target_id)
        self._require_unsigned(kind, record)
        if item_id:
            if not isinstance(record, Inspection):
                raise AssetTrackError(_("a checklist item can be given only with an inspection"))
            if not any(e.item_id == item_id for e in record.items):
                raise AssetTrackError(
                    _("inspection {id} has no checklist item {item}").format(
                        id=short(record.id), item=repr(item_id)
                    )
                )
        return kind, record

    def _require_unsigned(self, kind: AttachmentTarget, record: Target) -> None:
        # A signed record is the customer's: what they signed stays as it was.
        signed = getattr(record, "sign_off", None)
        if signed is not None:
            raise AssetTrackError(
                _(
                    "this {what} was signed by {signer} on {moment} and can no longer change; "
                    "nothing was attached"
                ).format(
                    what=_(kind.value),
                    signer=signed.representative,
                    moment=f"{signed.signed_at:{TIME_FORMAT}}",
                )
            )
        visit_id = record.visit_id if isinstance(record, Inspection) else None
        visit = self.store.visits.get(record.site_id, visit_id) if visit_id else None
        if visit is not None and visit.sign_off is not None:
            raise AssetTrackError(
                _(
                    "this inspection belongs to a visit signed by {signer} on {moment} and can "
                    "no longer change; nothing was attached"
                ).format(
                    signer=visit.sign_off.representative,
                    moment=f"{visit.sign_off.signed_at:{TIME_FORMAT}}",
                )
            )

    # -- attaching -------------------------------------------------------------------------

    def attach(
        self,
        path: Path | str,
        target: AttachmentTarget | str,
        target_id: str,
        *,
        item_id: str = "",
        caption: str = "",
    ) -> Attachment:
        """Keep the file and attach it; the same content on the same target (and item) is
        attached once: the earlier attachment is returned."""
        return self.attach_once(path, target, target_id, item_id=item_id, caption=caption)[0]

    def attach_once(
        self,
        path: Path | str,
        target: AttachmentTarget | str,
        target_id: str,
        *,
        item_id: str = "",
        caption: str = "",
    ) -> tuple[Attachment, bool]:
        """As ``attach``; also whether it was attached now (False: it already was)."""
        kind, record = self._open_target(target, target_id, item_id)
        return self._attach(Path(path), kind, record, item_id, caption)

    def _attach(
        self, path: Path, kind: AttachmentTarget, record: Target, item_id: str, caption: str
    ) -> tuple[Attachment, bool]:
        # The content first: a document never names a file that is not kept.
        content = store_content(self.folder, path)
        db = self.store.db
        # Under the writer lock from the look for the same file to the save, so two programs
        # taking the same file from the inbox attach it once.
        with db.writing():
            db.refresh()
            for known in self.for_record(kind, record, item_id):
                if known.sha256 == content.sha256:
                    return known, False
            attachment = Attachment(
                site_id=record.site_id,
                sha256=content.sha256,
                name=path.name,
                size=content.size,
                media_type=media_type_of(path.name, content.head),
                added_at=self.clock(),
                added_by=self.engineer,
                target=kind,
                target_id=record.id,
                item_id=item_id,
                caption=caption.strip(),
            )
            self.store.attachments.save(attachment)
        return attachment, True

    def check_file(self, path: Path | str) -> None:
        """Refuse, before anything is attached, a file that cannot be (missing, a folder,
        empty, too big)."""
        from assettrack.store.attachment_files import check_source

        check_source(Path(path))

    # -- the watched folder ----------------------------------------------------------------

    def inbox_folder(self) -> Path:
        """Where files dropped to be attached wait (made if missing, so it can be found)."""
        if self.store.db.read_only:
            return inbox_path(self.folder)
        try:
            return ensure_inbox(self.folder)
        except AttachmentFileError:
            return inbox_path(self.folder)

    def scan_inbox(
        self,
        target: AttachmentTarget | str,
        target_id: str,
        *,
        item_id: str = "",
        problems: list[str] | None = None,
    ) -> list[Attachment]:
        """Attach every complete file waiting in the inbox, oldest first.

        Each file leaves the inbox only once its content and its document are saved: after
        a crash between the two, the next scan attaches it (once). A file that cannot be
        attached stays, and why is added to ``problems`` (raised, without a list).
        """
        kind, record = self._open_target(target, target_id, item_id)
        taken = []
        for path in waiting_files(ensure_inbox(self.folder)):
            try:
                attachment, _ = self._attach(path, kind, record, item_id, "")
            except AttachmentFileError as exc:
                if problems is None:
                    raise
                problems.append(error_text(exc))  # said to the engineer, in their language
                continue
            remove_from_inbox(path)
            taken.append(attachment)
        return taken

    # -- reading ---------------------------------------------------------------------------

    def for_target(
        self, target: AttachmentTarget | str, target_id: str, item_id: str | None = None
    ) -> list[Attachment]:
        """The target's attachments, oldest first (``item_id``: only that item's)."""
        kind = self._kind(target)
        return self.for_record(kind, self.find_target(kind, target_id), item_id)

    def for_record(
        self, target: AttachmentTarget | str, record: Target, item_id: str | None = None
    ) -> list[Attachment]:
        """As ``for_target``, for a record in hand (no look-up by id)."""
        kind = self._kind(target)
        found = [
            a
            for a in self.store.attachments.for_site(record.site_id)
            if a.target is kind
            and a.target_id == record.id
            and (item_id is None or a.item_id == item_id)
        ]
        return sorted(found, key=lambda a: a.added_at)

    def listed(self, attachments: list[Attachment], record: Target | None = None) -> list[Listed]:
        labels = {}
        if isinstance(record, Inspection):
            labels = {e.item_id: e.label for e in record.items}
        return [Listed(a, self.is_on_disk(a), labels.get(a.item_id, "")) for a in attachments]

    def path_of(self, attachment: Attachment) -> Path:
        return content_path(self.folder, attachment.sha256)

    def is_on_disk(self, attachment: Attachment) -> bool:
        return is_present(self.folder, attachment.sha256)

    @staticmethod
    def is_image(attachment: Attachment) -> bool:
        return is_image_type(attachment)


def describe(attachment: Attachment) -> str:
    """``photo.jpg (1.2 MB)``."""
    return f"{attachment.name} ({human_size(attachment.size)})"


def evidence_blocks(
    service: AttachmentService, target: AttachmentTarget | str, target_id: str
) -> list[Block]:
    """The target's photos (on this computer) and a list of all its files, for a report;
    [] when nothing is attached."""
    record = service.find_target(target, target_id)
    listed = service.listed(service.for_record(target, record), record)
    if not listed:
        return []
    blocks: list[Block] = []
    photos = tuple(
        (service.path_of(entry.attachment), _caption(entry))
        for entry in listed
        if entry.on_disk and service.is_image(entry.attachment)
    )
    if photos:
        blocks.append(Images(photos))
    rows = tuple(
        (
            _file_cell(entry),
            entry.size,
            entry.added,
            entry.attachment.added_by,
        )
        for entry in listed
    )
    blocks.append(Table((_("File"), _("Size"), _("Added"), _("By")), rows))
    return blocks


def _caption(entry: Listed) -> str:
    a = entry.attachment
    where = f"{entry.item_label}: " if entry.item_label else ""
    said = f"{a.caption} " if a.caption else ""
    return f"{where}{said}({a.name}, {entry.added})"


def _file_cell(entry: Listed) -> str:
    a = entry.attachment
    text = a.name
    if entry.item_label:
        text += f" · {entry.item_label}"
    if a.caption:
        text += f" — {a.caption}"
    if not entry.on_disk:
        text += f" ({_(NOT_HERE)})"
    return text

"""Evidence attached to a visit, a fault or an inspection's checklist item.

A photo of a dusty fan, rodent damage or a burnt power supply, a vendor's RMA form: the file
itself is kept once per content (by its SHA-256) in the database folder; this document says
what it is, where it belongs, who added it and when. Pure domain: no files are read here.
"""

from __future__ import annotations

import mimetypes
import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from assettrack.domain.models import SCHEMA_VERSION, new_id
from assettrack.domain.texts import N_

MAX_SIZE = 50 * 1024 * 1024  # a phone's photo is a few MB; a video is not evidence we keep
MAX_SIZE_SHOWN = "50 MB"
SHA256 = re.compile(r"[0-9a-f]{64}")
MAX_NAME = 255  # what a file system allows in one name
# Image types the PDF record can embed (through Pillow), by media type.
IMAGE_TYPES = frozenset(
    {"image/jpeg", "image/png", "image/gif", "image/bmp", "image/tiff", "image/webp"}
)
# Leading bytes of those images: a photo named IMG_0042 with no extension is still one.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"BM", "image/bmp"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    (b"%PDF-", "application/pdf"),
)


class AttachmentTarget(StrEnum):
    VISIT = "visit"
    FAULT = "fault"
    INSPECTION = "inspection"


@dataclass
class Attachment:
    site_id: str
    sha256: str  # of the content: names the file kept in the database folder
    name: str  # the original file name, without folders
    size: int  # bytes
    media_type: str
    added_at: datetime
    added_by: str  # the engineer
    target: AttachmentTarget
    target_id: str
    item_id: str = ""  # the checklist item, when attached to an inspection's item
    caption: str = ""
    id: str = field(default_factory=new_id)
    schema: int = SCHEMA_VERSION
    revision: int = 0


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot be an attachment's file name (it must name no folder)."""
    if not name.strip():
        return N_("is empty")
    if len(name) > MAX_NAME:
        return N_("is longer than {limit} characters", limit=MAX_NAME)
    if "/" in name or "\\" in name or "\x00" in name:
        return N_("must be a file name without folders")
    if name in (".", ".."):
        return N_("is not a file name")
    return None


def media_type_of(name: str, head: bytes = b"") -> str:
    """The media type by the content's first bytes, else by the name's extension."""
    for signature, kind in _SIGNATURES:
        if head.startswith(signature):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    guessed, _ = mimetypes.guess_type(name, strict=False)
    return guessed or "application/octet-stream"


def is_image(attachment: Attachment) -> bool:
    return attachment.media_type in IMAGE_TYPES


def human_size(size: int) -> str:
    """``63.2 MB``, ``812 KB``, ``120 bytes``: what a person reads in a listing."""
    if size < 1024:
        return f"{size} byte" + ("" if size == 1 else "s")
    value = float(size)
    for unit in ("KB", "MB", "GB"):
        value /= 1024
        # Rounded as shown: 1,048,575 bytes is "1.0 MB", not "1024 KB".
        if round(value) < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if value >= 99.95 else f"{value:.1f} {unit}"
    raise AssertionError("unreachable")

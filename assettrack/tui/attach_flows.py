"""Attaching evidence from any screen: a photo or a document by its path, or every file the
engineer dropped into the database's inbox folder (the path left empty)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from textual.app import App

from assettrack.domain.attachments import Attachment, AttachmentTarget
from assettrack.domain.models import Inspection
from assettrack.errors import AssetTrackError
from assettrack.i18n import _
from assettrack.i18n.errors import error_text
from assettrack.services.attachments import AttachmentService, describe
from assettrack.tui.context import TuiContext
from assettrack.tui.screens.form_modal import Field, FormModal

Done = Callable[[], None]
QUOTES = ("'", '"')


def typed_path(text: str) -> Path:
    """The path as typed, pasted or dropped onto the terminal: terminals quote it, escape its
    spaces or give it as a file:// address."""
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in QUOTES:
        text = text[1:-1]
    elif text.startswith("file://"):
        text = unquote(urlparse(text).path)
    path = Path(text).expanduser()
    if not path.exists() and "\\" in text:
        unescaped = Path(text.replace("\\ ", " ").replace("\\'", "'")).expanduser()
        if unescaped.exists():
            return unescaped
    return path


def attach_file(
    app: App[Any],
    context: TuiContext,
    target: AttachmentTarget | str,
    target_id: str,
    *,
    item_id: str = "",
    done: Done,
) -> None:
    """Ask for a file (or take the inbox's), attach it, say what was attached, then ``done``."""
    service = context.attachments
    if service is None:
        app.notify(_("Attachments are not available here"), severity="error")
        return
    try:
        record = service.check_target(target, target_id, item_id)
    except AssetTrackError as exc:
        app.notify(error_text(exc), severity="warning", timeout=8)
        return
    kind = AttachmentTarget(target)
    inbox = service.inbox_folder()
    title = {
        AttachmentTarget.VISIT: _("Attach a photo or file to the visit"),
        AttachmentTarget.FAULT: _("Attach a photo or file to the fault"),
        AttachmentTarget.INSPECTION: _("Attach a photo or file to the inspection"),
    }[kind]
    if item_id and isinstance(record, Inspection):
        label = next((e.label for e in record.items if e.item_id == item_id), item_id)
        title = _("Attach a photo or file to “{item}”").format(item=_(label))
    intro = _(
        "Type or paste the file's path (up to 50 MB). Or drop files into\n"
        "{inbox}\nand leave the path empty to attach every file there."
    ).format(inbox=inbox)
    fields = [
        Field("path", _("File"), placeholder=_("e.g. ~/Pictures/dust.jpg")),
        Field("caption", _("Caption"), placeholder=_("what it shows (optional)")),
    ]

    def submit(values: dict[str, str]) -> tuple[str, list[str]]:
        return _attach(service, kind, record.id, item_id, values)

    def finished(result: tuple[str, list[str]] | None) -> None:
        if result is None:
            return
        said, problems = result
        app.notify(said)
        for problem in problems:
            app.notify(
                _("Left in the inbox: {problem}").format(problem=problem),
                severity="warning",
                timeout=10,
            )
        done()

    app.push_screen(FormModal(title, fields, submit, intro=intro), finished)


def _attach(
    service: AttachmentService,
    kind: AttachmentTarget,
    target_id: str,
    item_id: str,
    values: dict[str, str],
) -> tuple[str, list[str]]:
    """What the dialog saves (what to say, and the inbox's files left behind); an
    ``AssetTrackError`` keeps it open, saying why."""
    if values["path"].strip():
        path = typed_path(values["path"])
        attachment, new = service.attach_once(
            path, kind, target_id, item_id=item_id, caption=values["caption"]
        )
        if not new:
            return _("{file} was already attached").format(file=describe(attachment)), []
        return _("Attached {file}").format(file=describe(attachment)), []
    problems: list[str] = []
    taken = service.scan_inbox(kind, target_id, item_id=item_id, problems=problems)
    if not taken and problems:
        raise AssetTrackError(problems[0])
    if not taken:
        raise AssetTrackError(
            _(
                "Give a file's path, or drop files into {inbox} (none is waiting there; a file "
                "copied in the last seconds is taken next time)"
            ).format(inbox=service.inbox_folder())
        )
    return _said(taken), problems


def _said(taken: list[Attachment]) -> str:
    if len(taken) == 1:
        return _("Attached {file}").format(file=describe(taken[0]))
    files = ", ".join(describe(a) for a in taken)
    return _("Attached {count} files: {files}").format(count=len(taken), files=files)

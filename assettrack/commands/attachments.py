"""Evidence: attach photos and documents to a visit, a fault or an inspection's item; list them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from assettrack.commands.common import emit, open_store
from assettrack.i18n import N_, _

TARGET_OPTIONS = ("visit", "fault", "inspection")
TARGET_WORDS = {"visit": N_("visit"), "fault": N_("fault"), "inspection": N_("inspection")}
LIST_COLUMNS = ("name", "size", "added", "by", "item", "file")


def target_options(command: Any) -> Any:
    """--visit / --fault / --inspection ID: exactly one is given."""
    for name in reversed(TARGET_OPTIONS):
        command = click.option(
            f"--{name}", f"{name}_id", metavar="ID", help=f"The {name} (id or id prefix)."
        )(command)
    return command


def chosen_target(
    visit_id: str | None, fault_id: str | None, inspection_id: str | None
) -> tuple[str, str]:
    given = [
        (name, value)
        for name, value in zip(TARGET_OPTIONS, (visit_id, fault_id, inspection_id), strict=True)
        if value is not None
    ]
    if len(given) != 1:
        raise click.UsageError(_("give exactly one of --visit ID, --fault ID or --inspection ID"))
    return given[0]


@click.command(name="attach")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@target_options
@click.option(
    "--item",
    "item_id",
    default="",
    metavar="ITEM_ID",
    help="With --inspection: the checklist item.",
)
@click.option("--caption", default="", help="What the file shows (for every file given).")
@click.option("--inbox", is_flag=True, help="Also take the files dropped into the inbox folder.")
@click.pass_obj
def attach_command(
    context: Any,
    files: tuple[Path, ...],
    visit_id: str | None,
    fault_id: str | None,
    inspection_id: str | None,
    item_id: str,
    caption: str,
    inbox: bool,
) -> None:
    """Attach FILE... (photos, forms: up to 50 MB each) to a visit, a fault or an
    inspection's checklist item; each content is kept once in the database folder."""
    from assettrack.services.attachments import AttachmentService

    target, target_id = chosen_target(visit_id, fault_id, inspection_id)
    if item_id and target != "inspection":
        raise click.UsageError(_("--item goes with --inspection"))
    if not files and not inbox:
        raise click.UsageError(_("give FILE... to attach, or --inbox"))
    with open_store(context) as store:
        service = AttachmentService(store, context.settings.engineer)
        for path in files:
            service.check_file(path)  # all refused before any is attached
        for path in files:
            attachment, new = service.attach_once(
                path, target, target_id, item_id=item_id, caption=caption
            )
            _print_stored(attachment, new)
        if inbox:
            _take_inbox(service, target, target_id, item_id)


def _print_stored(attachment: Any, new: bool) -> None:
    from assettrack.domain.attachments import human_size

    line = f"{attachment.name}  {human_size(attachment.size)}  {attachment.sha256[:12]}"
    click.echo(line if new else _("{line}  (already attached)").format(line=line))


def _take_inbox(service: Any, target: str, target_id: str, item_id: str) -> None:
    problems: list[str] = []
    taken = service.scan_inbox(target, target_id, item_id=item_id, problems=problems)
    for attachment in taken:
        _print_stored(attachment, True)
    if not taken and not problems:
        click.echo(
            _("No files waiting in the inbox folder {inbox_folder}").format(
                inbox_folder=service.inbox_folder()
            )
        )
    for problem in problems:
        click.echo(_("left in the inbox: {problem}").format(problem=problem), err=True)
    if problems:
        raise SystemExit(1)


@click.command(name="attachments")
@target_options
@click.option("--json", "as_json", is_flag=True, help="As JSON, with every field.")
@click.pass_obj
def attachments_command(
    context: Any,
    visit_id: str | None,
    fault_id: str | None,
    inspection_id: str | None,
    as_json: bool,
) -> None:
    """The files attached to a visit, a fault or an inspection: name, size, when, by whom,
    the checklist item, and whether the file is on this computer."""
    from assettrack.services.attachments import AttachmentService

    target, target_id = chosen_target(visit_id, fault_id, inspection_id)
    with open_store(context, read_only=True) as store:
        service = AttachmentService(store)
        record = service.find_target(target, target_id)
        listed = service.listed(service.for_record(target, record), record)
    emit(
        [entry.row() for entry in listed],
        LIST_COLUMNS,
        "json" if as_json else "table",
        _("No files attached to this {target}.").format(target=_(TARGET_WORDS[target])),
    )

"""Team sync on git: ``sync init REMOTE``, ``sync``, ``sync status``, ``history``."""

from __future__ import annotations

import json
from typing import Any

import click

from assettrack.commands.common import open_store
from assettrack.i18n import _
from assettrack.i18n.formats import cells
from assettrack.i18n.terms import HISTORY_CHANGES, RECORD_KINDS, term


def email_of(context: Any) -> str:
    """The engineer's email from the settings, for commits (may be empty)."""
    engineer = context.settings.raw.get("engineer", {})
    return str(engineer.get("email", "") or "") if isinstance(engineer, dict) else ""


def tell(report: Any) -> None:
    """What a sync or a bundle import merged, refused and left waiting."""
    for line in report.lines():
        click.echo(line)
    for line in report.merge.refused:
        click.echo(_("warning: refused {what}").format(what=line), err=True)
    for line in report.ignored:
        click.echo(_("warning: {failure}").format(failure=line), err=True)
    if report.merge.conflicts:
        count = report.merge.conflicts
        click.echo(
            _(
                "{count} record(s) were changed differently on two laptops: see "
                "'assettrack conflicts' (or F7 in the app) and resolve them"
            ).format(count=count),
            err=True,
        )


@click.group(name="sync", invoke_without_command=True)
@click.pass_context
def sync_group(ctx: click.Context) -> None:
    """Sync this database with the team's git repository: commit local changes (with the
    engineer's name), fetch the team's, merge them record by record and field by field,
    push. Offline, it says so in one line and changes nothing."""
    if ctx.invoked_subcommand is not None:
        return
    from assettrack.services.git_sync import sync

    with open_store(ctx.obj) as store:
        report = sync(store, email=email_of(ctx.obj))
    tell(report)


@sync_group.command(name="init")
@click.argument("remote")
@click.pass_obj
def sync_init(context: Any, remote: str) -> None:
    """Sync with REMOTE: a bare git repository's folder (a shared folder; an empty folder
    is made one) or URL (ssh://, https://, git://, user@host:path). An empty remote gets
    this database's history; one with data is joined and merged. Credentials are git's own
    (ssh keys, credential helpers): assettrack stores none."""
    from assettrack.services.git_sync import init_sync

    with open_store(context) as store:
        report = init_sync(store, remote, email=email_of(context))
    tell(report)


@sync_group.command(name="status")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@click.pass_obj
def sync_status_command(context: Any, fmt: str) -> None:
    """Commits not yet pushed or merged (as of the last fetch), local changes since the
    last sync, conflicts waiting, and when the last sync ran. Needs no network."""
    from assettrack.services.git_sync import sync_status

    with open_store(context, read_only=True) as store:
        status = sync_status(store)
    if fmt == "json":
        click.echo(json.dumps(status.__dict__, ensure_ascii=False, indent=2))
        return
    remote = status.remote or _(
        "none (bundles only so far: assettrack sync init REMOTE joins a team)"
    )
    waiting = ": assettrack conflicts" if status.conflicts else ""
    rows = (
        (_("Remote:"), remote),
        (_("Last sync:"), status.last_sync or _("never")),
        (_("Ahead:"), _("{count} commit(s) here not yet pushed").format(count=status.ahead)),
        (_("Behind:"), _("{count} commit(s) fetched, not yet merged").format(count=status.behind)),
        (
            _("Local:"),
            _("{count} file(s) changed since the last sync").format(count=status.unsynced_files),
        ),
        (_("Conflicts:"), _("{count} waiting").format(count=status.conflicts) + waiting),
    )
    width = max(cells(label) for label, _value in rows) + 2
    for label, value in rows:
        click.echo(label + " " * (width - cells(label)) + value)


@click.command(name="history")
@click.argument("ref", metavar="ASSET|RECORD")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@click.pass_obj
def history_command(context: Any, ref: str, fmt: str) -> None:
    """Who changed an asset or a record, when, and each field's change, newest first, from
    the team's sync history. ASSET: id, serial number or hostname; RECORD: its id (or the
    start of it). Changes not synced yet are not in it."""
    from assettrack.services.git_sync import document_history

    with open_store(context, read_only=True) as store:
        entries = document_history(store, ref)
    if fmt == "json":
        rows = [
            {
                "commit": e.commit,
                "at": e.at.isoformat(),
                "by": e.by,
                "table": e.table,
                "id": e.doc_id,
                "what": e.what,
                "changes": [
                    {"field": c.field, "before": c.before, "after": c.after} for c in e.changes
                ],
            }
            for e in entries
        ]
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not entries:
        click.echo(_("No synced history of {ref}.").format(ref=repr(ref)))
        return
    for e in entries:
        what = e.table[:-1] if e.table.endswith("s") else e.table
        done = _("{change} {what}").format(
            change=term(HISTORY_CHANGES, e.what), what=term(RECORD_KINDS, what)
        )
        click.echo(f"{e.at:%Y-%m-%d %H:%M %z}  {e.by}  {done} {e.doc_id[:8]}  ({e.commit[:7]})")
        for change in e.changes:
            click.echo(f"    {change.field}: {_shown(change.before)} -> {_shown(change.after)}")


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else repr(value)
    return text if len(text) <= 80 else text[:77] + "..."

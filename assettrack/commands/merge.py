"""Merging another laptop's data (git bundles, or the old JSON ones), and the conflicts it
leaves for a person."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from assettrack.commands.common import (
    open_store,
)
from assettrack.commands.sync import email_of, tell
from assettrack.i18n import _
from assettrack.i18n.errors import translated
from assettrack.i18n.formats import cells, format_number
from assettrack.i18n.terms import TABLES, term
from assettrack.services.service_common import short


@click.command(name="export-bundle")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["git", "json"]),
    default=None,
    help="git (the default): a git bundle of this database's history; json: the old "
    "one-file format, for a laptop with an older assettrack. A FILE named *.json is written "
    "as json unless --format says otherwise.",
)
@click.pass_obj
def export_bundle_command(context: Any, file: Path, fmt: str | None) -> None:
    """Write this database to FILE, for another laptop to merge with import-bundle: a laptop
    that is never online exchanges changes on a USB stick, by the same rules as sync.

    The default is a git bundle: this database's changes are committed first (as by sync,
    with your [engineer] name as author), then FILE holds the history branch main, whole.
    git itself reads it (git clone FILE, git bundle verify FILE). A database that does not
    sync with a team yet gets its history kept in its .sync folder, and can join a team
    later with sync init."""
    if (fmt or ("json" if file.suffix.lower() == ".json" else "git")) == "json":
        from assettrack.services.sync import export_bundle

        with open_store(context, read_only=True) as store:
            count = export_bundle(store, file)
        click.echo(_("Exported {count} document(s) to {file}").format(count=count, file=file))
        return
    from assettrack.commands.database import require_database
    from assettrack.services.git_bundle import export_git_bundle

    require_database(context)  # a bundle of no database is a typo, not a new database
    with open_store(context) as store:
        done = export_git_bundle(store, file, email=email_of(context))
    if done.committed:
        click.echo(
            _("Committed this database's changes as {author}").format(
                author=store.db.author or "assettrack"
            )
        )
    click.echo(
        _(
            "Wrote {file}: a git bundle of branch main, {size}, head {head} ({count} commit(s))"
        ).format(file=file, size=_size(done.size), head=done.head[:10], count=done.commits)
    )


def _size(count: int) -> str:
    if count < 1000:
        return _("{count} bytes").format(count=count)
    if count < 1_000_000:
        return _("{size} kB").format(size=format_number(count / 1000, 1))
    return _("{size} MB").format(size=format_number(count / 1_000_000, 1))


@click.command(name="import-bundle")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.pass_obj
def import_bundle_command(context: Any, file: Path) -> None:
    """Merge another laptop's bundle (git or the old JSON; told apart by its first bytes).

    A git bundle is merged exactly as sync merges the team's changes: record by record and
    field by field, each record checked as a typed one would be (a bad one is refused by id
    and kept out), attached files checked by their hash, all or nothing, and a merge commit
    in this database's history (made if it has none). The same field changed on both
    laptops, or a deletion against an edit, waits in 'assettrack conflicts' (F7). Importing
    a bundle again changes nothing ("Up to date"). A database that syncs with a team pushes
    what came in at its next sync. A bundle that builds on history this database lacks is
    refused, and says so.

    An old JSON bundle: newer copies are taken, edits made on both laptops are kept side by
    side as conflicts; nothing is lost."""
    from assettrack.services.git_bundle import bundle_kind

    if bundle_kind(file) == "git":
        from assettrack.services.git_bundle import import_git_bundle

        with open_store(context) as store:
            report = import_git_bundle(store, file, email=email_of(context))
        tell(report)
        return
    from assettrack.services.sync import import_bundle

    with open_store(context) as store:
        merged = import_bundle(store, file)
    click.echo(_("Imported {file}: {summary}").format(file=file, summary=merged.summary()))
    if merged.conflicts:
        click.echo(
            _(
                "{count} record(s) were changed on both laptops: see 'assettrack conflicts' "
                "and resolve them"
            ).format(count=merged.conflicts),
            err=True,
        )


@click.group(name="conflicts", invoke_without_command=True)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@click.pass_context
def conflicts_group(ctx: click.Context, fmt: str) -> None:
    """Records changed on two laptops, waiting for a choice."""
    if ctx.invoked_subcommand is not None:
        return
    from assettrack.services.sync import list_conflicts

    with open_store(ctx.obj, read_only=True) as store:
        conflicts = list_conflicts(store)
    if fmt == "json":
        click.echo(
            json.dumps(
                [
                    {
                        "id": c.id,
                        "table": c.table,
                        "doc_id": c.doc_id,
                        "label": c.label,
                        "fields": list(c.fields),
                        "local_by": c.local_by,
                        "local_at": c.local_at,
                        "theirs_by": c.theirs_by,
                        "theirs_at": c.theirs_at,
                        "local": {k: (c.local or {}).get(k) for k in c.fields},
                        "theirs": {k: c.theirs.get(k) for k in c.fields},
                    }
                    for c in conflicts
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    if not conflicts:
        click.echo(_("No conflicts."))
        return
    local, theirs = _("local:"), _("theirs:")
    width = max(cells(local), cells(theirs)) + 1
    for c in conflicts:
        click.echo(
            f"{short(c.id)}  {term(TABLES, c.table)} {short(c.doc_id)} {translated(c.label)}"
        )
        for label, by, at in ((local, c.local_by, c.local_at), (theirs, c.theirs_by, c.theirs_at)):
            said = _("{who} at {moment}").format(who=by or "?", moment=at or "?")
            click.echo(f"    {label}{' ' * (width - cells(label))}{said}")
        for name in c.fields:
            mine = (c.local or {}).get(name)
            click.echo(
                "    "
                + _("{field}: local {mine} | theirs {theirs}").format(
                    field=name, mine=repr(mine), theirs=repr(c.theirs.get(name))
                )
            )
    click.echo(
        _("{count} conflict(s): assettrack conflicts resolve ID --keep local|theirs").format(
            count=len(conflicts)
        )
    )


@conflicts_group.command(name="resolve")
@click.argument("conflict_ref", metavar="ID")
@click.option("--keep", required=True, type=click.Choice(["local", "theirs"]))
@click.pass_obj
def conflicts_resolve(context: Any, conflict_ref: str, keep: str) -> None:
    """Keep the local copy or theirs; the other laptop takes the choice at its next import."""
    from assettrack.services.sync import resolve_conflict

    with open_store(context) as store:
        conflict = resolve_conflict(store, conflict_ref, keep)
    said = _("Kept local copy of {what} {id} {label}")
    if keep != "local":
        said = _("Kept theirs copy of {what} {id} {label}")
    what = term(TABLES, conflict.table)
    click.echo(said.format(what=what, id=short(conflict.doc_id), label=translated(conflict.label)))

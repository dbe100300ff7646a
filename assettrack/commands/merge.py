"""Merging another laptop's data, and the conflicts it leaves for a person."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from assettrack.commands.common import (
    open_store,
)
from assettrack.services.service_common import short


@click.command(name="export-bundle")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.pass_obj
def export_bundle_command(context: Any, file: Path) -> None:
    """Write every record of this database to FILE, for another laptop to import."""
    from assettrack.services.sync import export_bundle

    with open_store(context, read_only=True) as store:
        count = export_bundle(store, file)
    click.echo(f"Exported {count} document(s) to {file}")


@click.command(name="import-bundle")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.pass_obj
def import_bundle_command(context: Any, file: Path) -> None:
    """Merge another laptop's bundle: newer copies are taken, edits made on both sides are
    kept side by side as conflicts (see 'assettrack conflicts'); nothing is lost."""
    from assettrack.services.sync import import_bundle

    with open_store(context) as store:
        report = import_bundle(store, file)
    click.echo(f"Imported {file}: {report.summary()}")
    if report.conflicts:
        click.echo(
            f"{report.conflicts} record(s) were changed on both laptops: "
            "see 'assettrack conflicts' and resolve them",
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
        click.echo("No conflicts.")
        return
    for c in conflicts:
        click.echo(f"{short(c.id)}  {c.table} {short(c.doc_id)} {c.label}")
        click.echo(f"    local:  {c.local_by or '?'} at {c.local_at or '?'}")
        click.echo(f"    theirs: {c.theirs_by or '?'} at {c.theirs_at or '?'}")
        for name in c.fields:
            mine = (c.local or {}).get(name)
            click.echo(f"    {name}: local {mine!r} | theirs {c.theirs.get(name)!r}")
    click.echo(f"{len(conflicts)} conflict(s): assettrack conflicts resolve ID --keep local|theirs")


@conflicts_group.command(name="resolve")
@click.argument("conflict_ref", metavar="ID")
@click.option("--keep", required=True, type=click.Choice(["local", "theirs"]))
@click.pass_obj
def conflicts_resolve(context: Any, conflict_ref: str, keep: str) -> None:
    """Keep the local copy or theirs; the other laptop takes the choice at its next import."""
    from assettrack.services.sync import resolve_conflict

    with open_store(context) as store:
        conflict = resolve_conflict(store, conflict_ref, keep)
    click.echo(f"Kept {keep} copy of {conflict.table} {short(conflict.doc_id)} {conflict.label}")

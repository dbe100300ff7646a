"""``assettrack verify``: signed maintenance records against their seals and the history."""

from __future__ import annotations

import json
from typing import Any

import click

from assettrack.commands.common import open_store
from assettrack.i18n import _
from assettrack.i18n.terms import record_kind


@click.command(name="verify")
@click.option(
    "--seal",
    "printed",
    metavar="SEAL",
    help="Check a customer's copy: the seal printed on it (or its first digits).",
)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@click.pass_obj
def verify_command(context: Any, printed: str | None, fmt: str) -> None:
    """Check every signed visit and inspection against the seal taken when the customer
    signed it, and every version of them in the team's sync history. A record changed
    after signing is reported with the commit that changed it (who, when) and the fields
    changed. Exits 1 when any signed record is not as signed."""
    from assettrack.services.seals import find_seal, verify

    with open_store(context, read_only=True) as store:
        if printed is not None:
            _check_copy(find_seal(store, printed), printed, fmt)
            return
        report = verify(store)
    if fmt == "json":
        click.echo(json.dumps(_as_json(report), ensure_ascii=False, indent=2))
    else:
        for line in report.lines():
            click.echo(line)
    if not report.intact:
        raise SystemExit(1)


def _check_copy(matches: list[Any], printed: str, fmt: str) -> None:
    if fmt == "json":
        click.echo(json.dumps([m.__dict__ for m in matches], ensure_ascii=False, indent=2))
    elif not matches:
        click.echo(_("No signed record here has the seal {seal}.").format(seal=printed))
    for match in matches if fmt != "json" else []:
        state = (
            _("the stored record still matches it")
            if match.current
            else _("the stored record has CHANGED since: run assettrack verify")
        )
        click.echo(
            _("{what} {id} at site {site}, signed by {signer} on {moment}: {state}").format(
                what=record_kind(match.table),
                id=match.doc_id,
                site=match.site_id,
                signer=match.signed_by,
                moment=match.signed_at[:16].replace("T", " "),
                state=state,
            )
        )
    if len(matches) != 1 or not matches[0].current:
        raise SystemExit(1)


def _as_json(report: Any) -> dict[str, Any]:
    return {
        "visits": report.visits,
        "inspections": report.inspections,
        "unsealed": report.unsealed,
        "commits": report.commits,
        "intact": report.intact,
        "findings": [
            {
                "table": f.table,
                "id": f.doc_id,
                "site_id": f.site_id,
                "problem": f.problem,
                "commit": f.commit.id if f.commit else None,
                "by": f.commit.by if f.commit else None,
                "at": f.commit.at.isoformat() if f.commit else None,
                "changes": [
                    {"field": c.field, "before": c.before, "after": c.after} for c in f.changes
                ],
            }
            for f in report.findings
        ],
    }

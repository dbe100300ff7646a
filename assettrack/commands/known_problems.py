"""The base of known problems and their solutions."""

from __future__ import annotations

from typing import Any

import click

from assettrack.commands.common import (
    FORMATS,
    emit,
    open_store,
    service_config,
)
from assettrack.i18n import _


@click.group(name="known-problems")
def known_group() -> None:
    """The base of known problems and their solutions."""


@known_group.command(name="search")
@click.argument("text")
@click.option("--limit", type=click.IntRange(min=1), default=10, show_default=True)
@click.option("--format", "fmt", type=FORMATS, default="table")
@click.pass_obj
def known_search(context: Any, text: str, limit: int, fmt: str) -> None:
    """Known problems most like TEXT, best first."""
    from assettrack.services.known_problems import KnownProblemService

    with open_store(context, read_only=True) as store:
        matches = KnownProblemService(store, service_config(context)).search(text, limit=limit)
    emit(
        [
            {
                "score": f"{m.score:.2f}",
                "title": m.problem.title,
                "symptom": m.problem.symptom,
                "solution": m.problem.solution,
                "vendor": m.problem.vendor,
                "id": m.problem.id,
            }
            for m in matches
        ],
        ("score", "title", "symptom", "solution"),
        fmt,
        _("No known problem matches."),
    )


@known_group.command(name="add")
@click.option("--title", required=True)
@click.option("--symptom", required=True)
@click.option("--solution", required=True)
@click.option("--cause", default="")
@click.option("--vendor", default="")
@click.option("--model", default="")
@click.option("--tag", "tags", multiple=True)
@click.pass_obj
def known_add(context: Any, **values: Any) -> None:
    """Add a known problem."""
    from assettrack.services.known_problems import KnownProblemService

    with open_store(context) as store:
        service = KnownProblemService(store, service_config(context), context.settings.engineer)
        problem = service.add(
            values["title"],
            values["symptom"],
            values["solution"],
            cause=values["cause"],
            vendor=values["vendor"],
            model=values["model"],
            tags=values["tags"],
        )
    click.echo(_("Added known problem {id}").format(id=problem.id))


@known_group.command(name="from-fault")
@click.argument("fault_ref", metavar="FAULT")
@click.option("--title", default="")
@click.pass_obj
def known_from_fault(context: Any, fault_ref: str, title: str) -> None:
    """Add a resolved fault's symptom and resolution as a known problem (the fault names it
    unless it already names the one applied)."""
    from assettrack.services.faults import FaultService

    with open_store(context) as store:
        service = FaultService(store, service_config(context), context.settings.engineer)
        problem = service.make_known_problem(service.find(fault_ref), title)
    click.echo(_("Added known problem {id}").format(id=problem.id))


# -- charges ------------------------------------------------------------------------------

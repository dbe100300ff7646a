"""Visit reports and monthly service summaries (Markdown, HTML, PDF), in the reports'
language: ``--language``, else ``[reports] language``, else the interface's."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from assettrack.commands.common import (
    now_of,
    open_store,
    service_config,
)
from assettrack.i18n import LANGUAGES, UnknownLanguage, _, normalize_language
from assettrack.i18n.errors import error_text

REPORT_FORMATS = click.Choice(["md", "html", "pdf"])


def _language(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    try:
        return normalize_language(value) if value else None
    except UnknownLanguage:
        raise click.BadParameter(
            _("{value!r} is not a language of the reports: {known}").format(
                value=value, known=", ".join(LANGUAGES)
            )
        ) from None


language_option = click.option(
    "--language",
    metavar="LANG",
    callback=_language,
    help="The report's language: en or zh_CN (default: [reports] language, else the interface's).",
)


def report_language(context: Any, chosen: str | None) -> str:
    return chosen or context.settings.reports_language()


@click.group(name="report")
def report_group() -> None:
    """Visit reports (the maintenance record form) and monthly summaries."""


def _write_report(report: Any, fmt: str, output: Path | None) -> None:
    from assettrack.services.report_render import to_html, to_markdown, write_report

    if output is None:
        if fmt == "pdf":
            raise click.UsageError(_("a PDF needs a file: give -o FILE"))
        sys.stdout.write(to_markdown(report) if fmt == "md" else to_html(report))
        return
    write_report(report, fmt, output)  # whole or not at all; a failure is one line
    click.echo(_("Wrote {path}").format(path=output), err=True)


@report_group.command(name="visit")
@click.argument("visit_ref", metavar="VISIT")
@click.option("--format", "fmt", type=REPORT_FORMATS, default="md", show_default=True)
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False))
@language_option
@click.pass_obj
def report_visit(
    context: Any, visit_ref: str, fmt: str, output: Path | None, language: str | None
) -> None:
    """The maintenance record of a visit, for the customer to sign."""
    from assettrack.services.reports import ReportService

    with open_store(context, read_only=True) as store:
        report = ReportService(
            store,
            service_config(context),
            lambda: now_of(context),
            language=report_language(context, language),
        ).visit_report(visit_ref)
    _write_report(report, fmt, output)


@report_group.command(name="month")
@click.argument("site")
@click.argument("month", metavar="YYYY-MM")
@click.option("--format", "fmt", type=REPORT_FORMATS, default="md", show_default=True)
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False))
@language_option
@click.pass_obj
def report_month(
    context: Any, site: str, month: str, fmt: str, output: Path | None, language: str | None
) -> None:
    """A site's monthly service summary: visit plan, visits, faults, charges."""
    from assettrack.domain.visits import parse_month
    from assettrack.services.reports import ReportService

    try:
        first = parse_month(month)
    except ValueError as exc:
        raise click.BadParameter(error_text(exc), param_hint="MONTH") from None
    with open_store(context, read_only=True) as store:
        service = ReportService(
            store,
            service_config(context),
            lambda: now_of(context),
            language=report_language(context, language),
        )
        report = service.month_report(site, first, context.today)
    _write_report(report, fmt, output)


# -- merging laptops ----------------------------------------------------------------------

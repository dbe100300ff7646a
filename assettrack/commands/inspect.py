"""`assettrack inspect`: read an asset's status over its console into a draft record."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from assettrack.commands.context import Context, pass_context
from assettrack.commands.database import require_database
from assettrack.i18n import _
from assettrack.services.console_reader import MAX_BAUD, MIN_BAUD
from assettrack.store.store import Store

if TYPE_CHECKING:
    from assettrack.domain.models import Asset, Inspection
    from assettrack.services.inspections import InspectionService


@click.command()
@click.argument("asset_ref", metavar="ASSET")
@click.option(
    "--port",
    help="Console port or URL (default: the asset's console port), "
    "e.g. /dev/ttyUSB0, COM3, socket://console-server:7001.",
)
@click.option("--driver", help="Use this driver instead of the best match.")
@click.option(
    "--baud",
    type=click.IntRange(MIN_BAUD, MAX_BAUD),
    help="Line speed (default: the asset's, else the driver's).",
)
@click.option("--autobaud", is_flag=True, help="Try the common line speeds first.")
@click.option(
    "--credentials",
    "credentials_ref",
    metavar="REF",
    help="env:USER_VAR,PASS_VAR | keyring:service/user | prompt (default: the asset's).",
)
@click.option(
    "--idle-timeout",
    type=click.FloatRange(min=0.1),
    default=3.0,
    show_default=True,
    help="Seconds of silence before the console counts as not answering.",
)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option(
    "--save-transcript",
    "transcript_file",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Also write what the device sent (passwords masked) to FILE; "
    "`assettrack sim --replay FILE` serves it again.",
)
@click.option(
    "--explain-driver",
    is_flag=True,
    help="Print every driver's score for ASSET and why the chosen one won; read nothing.",
)
@pass_context
def inspect(
    context: Context,
    asset_ref: str,
    port: str | None,
    driver: str | None,
    baud: int | None,
    autobaud: bool,
    credentials_ref: str | None,
    idle_timeout: float,
    fmt: str,
    transcript_file: Path | None,
    explain_driver: bool,
) -> None:
    """Read ASSET's status over its console into its maintenance record (draft)."""
    from assettrack.console.errors import ConsoleError
    from assettrack.console.session import autobaud as find_speed
    from assettrack.services.console_reader import ConsoleReader, ReadOptions

    def ask(label: str, secret: bool) -> str:
        return click.prompt(label, hide_input=secret, err=True)

    def show_progress(step: str, text: str) -> None:
        if fmt == "text" and not text:
            click.echo(f"… {step}", err=True)

    # The store is open only to find the asset: a console read can take minutes (300 baud),
    # and the database must not stay locked for it.
    with Store.open(require_database(context), read_only=True) as store:
        asset = context.register(store).find_asset(asset_ref)
    if explain_driver:
        _explain_driver(context, asset, driver, fmt)
        return
    reader = ConsoleReader(context.extensions)
    options = ReadOptions(
        port=port or "",
        driver=driver,
        baud=baud,
        credentials_ref=credentials_ref,
        idle_timeout=idle_timeout,
        prompt=ask,
    )
    # Every argument is checked (and a prompted login asked for) before anything is made.
    plan = reader.prepare(asset, options)
    if transcript_file is not None and not transcript_file.parent.resolve().is_dir():
        raise click.BadParameter(
            _("the folder {parent} does not exist").format(parent=transcript_file.parent),
            param_hint="--save-transcript",
        )
    try:
        if autobaud:
            speed = find_speed(plan.port, plan.driver.console, idle_timeout=min(idle_timeout, 1.0))
            click.echo(_("… line speed {speed} baud").format(speed=speed), err=True)
            plan = dataclasses.replace(plan, baud=speed)
        result = reader.read(asset, options, on_progress=show_progress, plan=plan)
    except ConsoleError as exc:
        # What the device did say is kept with the draft, beside any earlier good read.
        with _draft(context, asset) as (service, draft, _store):
            service.record_failed_read(
                draft,
                str(exc),
                exc.transcript,
                driver=plan.driver.name,
                port=plan.port,
                plugin_failures=reader.plugin_failures(),
            )
        _save_transcript(transcript_file, exc.transcript)
        raise
    _save_transcript(transcript_file, result.transcript)
    with _draft(context, asset) as (service, draft, found):
        inspection = service.apply_readings(
            draft,
            found,
            result.readings,
            result.transcript,
            driver=result.driver,
            port=result.port,
            configuration=result.configuration,
            plugin_failures=result.plugin_failures,
        )
    _print_inspection(inspection, result, fmt)


def _explain_driver(context: Context, asset: Asset, name: str | None, fmt: str) -> None:
    """Every driver's score for the asset, and why the chosen one won (or why none did)."""
    from assettrack.plugins.extensions import FALLBACK_SCORE
    from assettrack.services.console_reader import ConsoleReader, NoDriver

    ext = context.extensions
    choice = ext.choose_driver(asset, name)
    try:
        chosen = ConsoleReader(ext).choose_driver(asset, name).name
        verdict = f"chosen: {chosen} — {choice.reason}"
    except NoDriver as exc:
        chosen, verdict = None, f"no read: {exc}"
    resolved = ext.vendor_of(asset.vendor)
    if fmt == "json":
        click.echo(
            json.dumps(
                {
                    "asset": asset.id,
                    "vendor": asset.vendor,
                    "vendor_resolved": resolved,
                    "model": asset.model,
                    "chosen": chosen,
                    "reason": choice.reason if chosen else verdict.removeprefix("no read: "),
                    "drivers": [dataclasses.asdict(s) for s in choice.scores],
                    "plugin_failures": [str(f) for f in ext.host.failures],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    vendor = asset.vendor if resolved == asset.vendor else f"{asset.vendor} (→ {resolved})"
    click.echo(
        _("Drivers for {device}: {vendor} {model}").format(
            device=asset.hostname or asset.serial_number, vendor=vendor, model=asset.model
        )
    )
    width = max((len(s.driver) for s in choice.scores), default=6)
    for score in sorted(choice.scores, key=lambda s: -(s.score if s.score is not None else -1)):
        shown = "error" if score.score is None else str(score.score)
        what = "fallback" if score.score is not None and 0 < score.score <= FALLBACK_SCORE else ""
        note = "; ".join(filter(None, (what, score.note)))
        line = f"  {score.driver:{width}}  {shown:>5}  plugin {score.plugin}"
        click.echo(f"{line}  ({note})" if note else line)
    click.echo(verdict)
    for failure in ext.host.failures:
        click.echo(_("plugin failure: {failure}").format(failure=failure))


def _save_transcript(path: Path | None, transcript: str) -> None:
    if path is not None:
        from assettrack.files import write_user_file

        write_user_file(path, transcript.encode("utf-8"))


@contextmanager
def _draft(context: Context, asset: Asset) -> Iterator[tuple[InspectionService, Inspection, Asset]]:
    """One short write: the asset's draft (resumed or started), the store open only now."""
    from assettrack.services.inspections import InspectionService

    with Store.open(context.settings.db_path, author=context.settings.engineer) as store:
        found = context.register(store).find_asset(asset.id)  # as it is now, not minutes ago
        service = InspectionService(store, context.extensions, context.settings.engineer)
        yield service, service.start(found), found


def _configuration(inspection: Any) -> dict[str, Any] | None:
    from assettrack.services.config_capture import diff_counts, summary

    shot = inspection.configuration
    if shot is None:
        return None
    added, removed = diff_counts(shot.config_diff)
    return {
        "command": shot.command,
        "saved": shot.saved,
        "compared_with": shot.compared_with,
        "lines_added": added,
        "lines_removed": removed,
        "summary": summary(shot),
        "diff": shot.config_diff,
    }


def _print_inspection(inspection: Any, result: Any, fmt: str) -> None:
    from assettrack.domain.codec import to_doc
    from assettrack.services.config_capture import summary

    if fmt == "json":
        click.echo(
            json.dumps(
                {
                    "inspection": inspection.id,
                    "state": inspection.state.value,
                    "driver": result.driver,
                    "seconds": round(result.seconds, 3),
                    "readings": to_doc(result.readings),
                    "flags": inspection.flags,
                    "problems": result.problems,
                    "plugin_failures": _plugin_failures(inspection),
                    "items": [to_doc(i) for i in inspection.items],
                    "configuration": _configuration(inspection) if result.configuration else None,
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    r = result.readings
    click.echo(
        _("Read with driver {driver} in {seconds:.1f} s (maintenance record {id}, {state})").format(
            driver=result.driver,
            seconds=result.seconds,
            id=inspection.id,
            state=inspection.state.value,
        )
    )
    rows = [
        ("hostname", r.hostname),
        ("model", r.model),
        ("serial", r.serial_number),
        ("version", r.os_version),
        ("uptime", r.uptime_seconds and f"{r.uptime_seconds} s"),
        ("cpu", r.cpu_percent is not None and f"{r.cpu_percent:g} %"),
        ("memory", r.memory_used_percent is not None and f"{r.memory_used_percent:g} %"),
        ("temperatures", ", ".join(f"{k} {v:g} °C" for k, v in r.temperatures.items())),
        ("fans", ", ".join(f"{k} {v}" for k, v in r.fans.items())),
        ("power", ", ".join(f"{k} {v}" for k, v in r.power_supplies.items())),
        ("alarms", "; ".join(r.alarms or [])),
        ("interfaces down", ", ".join(r.interfaces_down or [])),
    ]
    for label, value in rows:
        if value:
            click.echo(f"  {label:16} {value}")
    filled = [i for i in inspection.items if i.filled_from.startswith("readings")]
    click.echo(_("Checklist items filled from the readings: {count}").format(count=len(filled)))
    for item in filled:
        # A value with no verdict (result None) is left for the engineer to judge.
        verdict = item.result.value if item.result else "?"
        click.echo(f"  [{verdict:4}] {item.label}: {item.value} {item.note}".rstrip())
    if result.configuration is not None and inspection.configuration is not None:
        click.echo(_("Configuration: {summary}").format(summary=summary(inspection.configuration)))
        for line in inspection.configuration.config_diff.splitlines()[2:]:
            click.echo(f"  {line}")
    for flag in inspection.flags:
        click.echo(_("WARNING: {flag}").format(flag=flag))
    for problem in result.problems:
        click.echo(_("note: {problem}").format(problem=problem))
    for failure in _plugin_failures(inspection):
        click.echo(_("plugin failure: {failure}").format(failure=failure))


def _plugin_failures(inspection: Any) -> list[str]:
    """The plugin failures kept with the record's latest read."""
    return list(inspection.reads[-1].plugin_failures) if inspection.reads else []

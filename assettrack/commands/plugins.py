"""`assettrack plugins`: every plugin with its hooks, its API declaration and its failures.

Failures at start-up (import, API version, the register hooks) are met again here; failures
of the hooks called while working (checklist, autofill, a driver's match or parse, the
lifecycle hooks) happen in the app or in ``inspect`` and are read back from the failure log.
"""

from __future__ import annotations

import json
from collections import Counter

import click

from assettrack.commands.context import Context, pass_context
from assettrack.i18n import _


@click.command(name="plugins")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@click.option("--traceback", "show_tracebacks", is_flag=True, help="Show each error's traceback.")
@click.option(
    "--clear-failures",
    is_flag=True,
    help="Forget the failures met while working (after fixing or removing the plugin).",
)
@pass_context
def list_plugins(context: Context, fmt: str, show_tracebacks: bool, clear_failures: bool) -> None:
    """List every plugin: name, version, source, the API it declares, hooks, failures."""
    from assettrack.plugins.failure_log import FailureLog
    from assettrack.plugins.version import API_VERSION

    ext = context.extensions
    host = ext.host
    log = host.log or FailureLog()
    if clear_failures:
        log.clear()
    logged = log.read()
    rows = []
    for info in host.infos.values():
        rows.append(
            {
                "name": info.name,
                "version": info.version,
                "source": info.source,
                "blocked": info.blocked,
                "refused": info.refused,
                "api": info.api,
                "hooks": info.hooks,
                "warnings": list(info.warnings),
                "errors": [str(f) for f in host.failures_of(info.name)],
            }
        )
    known = {r["name"] for r in rows}
    for failure in host.failures:  # plugins that never got as far as registering
        if failure.plugin not in known:
            known.add(failure.plugin)
            rows.append(
                {
                    "name": failure.plugin,
                    "version": "",
                    "source": "?",
                    "blocked": False,
                    "refused": False,
                    "api": "",
                    "hooks": [],
                    "warnings": [],
                    "errors": [str(f) for f in host.failures_of(failure.plugin)],
                }
            )
    # Failures met while working: one line per kind, how often and when last.
    counts = Counter(entry.failure.kind for entry in logged)
    latest = {entry.failure.kind: entry for entry in logged}
    recent = sorted(latest.values(), key=lambda entry: entry.at)
    if fmt == "json":
        click.echo(
            json.dumps(
                {
                    "api_version": API_VERSION,
                    "plugins": rows,
                    "failures_while_working": [
                        {
                            "plugin": entry.failure.plugin,
                            "hook": entry.failure.stage,
                            "error": entry.failure.error,
                            "message": str(entry.failure),
                            "last": entry.at.isoformat(timespec="seconds"),
                            "times": counts[entry.failure.kind],
                            **({"traceback": entry.failure.details} if show_tracebacks else {}),
                        }
                        for entry in recent
                    ],
                    "drivers": sorted(ext.drivers),
                    "exporters": sorted(ext.exporters),
                    "kinds": sorted(ext.kinds),
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    failed_while_working = {entry.failure.plugin for entry in recent}
    click.echo(_("assettrack plugin API {api_version}").format(api_version=API_VERSION))
    for row in rows:
        if row["blocked"]:
            state = "blocked"
        elif row["refused"]:
            state = "REFUSED"
        elif row["errors"]:
            state = "ERROR"
        elif row["name"] in failed_while_working:
            state = "FAILED while working"
        elif row["warnings"]:
            state = "ok, with a warning"
        else:
            state = "ok"
        version = f" {row['version']}" if row["version"] else ""
        click.echo(f"{row['name']}{version}  [{row['source']}]  {state}")
        if row["api"]:
            click.echo(_("    api: {api}").format(api=row["api"]))
        hooks = ", ".join(h.removeprefix("assettrack_") for h in row["hooks"])
        if hooks:
            click.echo(_("    hooks: {hooks}").format(hooks=hooks))
        for warning in row["warnings"]:
            click.echo(_("    warning: {warning}").format(warning=warning))
        for error in row["errors"]:
            click.echo(_("    error: {error}").format(error=error))
    if show_tracebacks:
        for failure in host.failures:
            if failure.details:
                click.echo(f"\n--- {failure.plugin} ({failure.stage})\n{failure.details}")
    if recent:
        click.echo(_("failures while working (the app, inspect; --clear-failures forgets them):"))
        for entry in recent:
            times = counts[entry.failure.kind]
            seen = f"{times} times, last" if times > 1 else "at"
            click.echo(f"  {entry.failure} ({seen} {entry.at:%Y-%m-%d %H:%M})")
            if show_tracebacks and entry.failure.details:
                click.echo(entry.failure.details.rstrip("\n"))
    click.echo(_("drivers: {names}").format(names=", ".join(sorted(ext.drivers))))
    click.echo(_("export formats: {names}").format(names=", ".join(sorted(ext.exporters))))
    click.echo(_("asset kinds: {names}").format(names=", ".join(ext.kinds)))

"""`assettrack plugins`: every plugin with its hooks and errors."""

from __future__ import annotations

import json

import click

from assettrack.commands.context import Context, pass_context


@click.command(name="plugins")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@click.option("--traceback", "show_tracebacks", is_flag=True, help="Show each error's traceback.")
@pass_context
def list_plugins(context: Context, fmt: str, show_tracebacks: bool) -> None:
    """List every plugin: name, version, source, hooks implemented, and its errors."""
    ext = context.extensions
    host = ext.host
    rows = []
    for info in host.infos.values():
        rows.append(
            {
                "name": info.name,
                "version": info.version,
                "source": info.source,
                "blocked": info.blocked,
                "hooks": info.hooks,
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
                    "hooks": [],
                    "errors": [str(f) for f in host.failures_of(failure.plugin)],
                }
            )
    if fmt == "json":
        click.echo(
            json.dumps(
                {
                    "plugins": rows,
                    "drivers": sorted(ext.drivers),
                    "exporters": sorted(ext.exporters),
                    "kinds": sorted(ext.kinds),
                },
                indent=2,
            )
        )
        return
    for row in rows:
        state = "blocked" if row["blocked"] else ("ERROR" if row["errors"] else "ok")
        version = f" {row['version']}" if row["version"] else ""
        click.echo(f"{row['name']}{version}  [{row['source']}]  {state}")
        hooks = ", ".join(h.removeprefix("assettrack_") for h in row["hooks"])
        if hooks:
            click.echo(f"    hooks: {hooks}")
        for error in row["errors"]:
            click.echo(f"    error: {error}")
    if show_tracebacks:
        for failure in host.failures:
            click.echo(f"\n--- {failure.plugin} ({failure.stage})\n{failure.details}")
    click.echo(f"drivers: {', '.join(sorted(ext.drivers))}")
    click.echo(f"export formats: {', '.join(sorted(ext.exporters))}")
    click.echo(f"asset kinds: {', '.join(ext.kinds)}")

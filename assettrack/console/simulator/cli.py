"""``assettrack sim``: serve a simulated device console until Ctrl-C."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

import click

from assettrack.console.simulator.engine import SimOptions
from assettrack.console.simulator.state import preset
from assettrack.console.simulator.transport import PtySimulator, Simulator, TcpSimulator

_FAULT_NAMES = ("silence", "garbage", "disconnect", "slow-login", "silent-until-enter")


def _login(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[str, str] | None:
    if value is None:
        return None
    user, sep, password = value.partition(":")
    if not sep or not user or not password:
        raise click.BadParameter("write it as USER:PASS, e.g. admin:secret")
    return user, password


@click.command("sim")
@click.option(
    "--vendor",
    type=click.Choice(["cisco", "huawei", "h3c"]),
    default="cisco",
    show_default=True,
    help="Which device console to simulate.",
)
@click.option(
    "--profile",
    "profile_file",
    type=click.Path(path_type=Path),
    metavar="FILE.toml|NAME",
    help="Serve the console this profile describes (any vendor, as data); NAME: "
    "one shipped with assettrack (arista_eos, cisco_nxos, fortinet, "
    "juniper_junos, paloalto_panos).",
)
@click.option(
    "--replay",
    "replay_file",
    type=click.Path(path_type=Path),
    metavar="TRANSCRIPT",
    help="Serve a recorded session again (inspect --save-transcript writes one).",
)
@click.option(
    "--prompt",
    "prompt_pattern",
    metavar="REGEX",
    help="--replay: the device's prompt, when the recording's last line is not one.",
)
@click.option(
    "--pty",
    "transport",
    flag_value="pty",
    help="Serve on a pseudo-terminal (the default on Linux and macOS).",
)
@click.option(
    "--tcp",
    "tcp_port",
    type=click.IntRange(0, 65535),
    metavar="PORT",
    help="Serve on 127.0.0.1:PORT like a console server (0 picks a free port).",
)
@click.option(
    "--baud",
    type=click.IntRange(min=50),
    metavar="N",
    help="Pace output at this line speed; on a pty, a client at another speed "
    "sees garbage, as on a real line.",
)
@click.option(
    "--login",
    "login",
    callback=_login,
    metavar="USER:PASS",
    help="Ask for this username and password.",
)
@click.option("--enable-secret", metavar="SECRET", help="Cisco: secret for privileged mode.")
@click.option(
    "--fault",
    "faults",
    type=click.Choice(_FAULT_NAMES),
    multiple=True,
    help="Misbehave on purpose; repeat for several.",
)
@click.option(
    "--slow-login-delay",
    type=click.FloatRange(min=0),
    default=3.0,
    show_default=True,
    metavar="SECONDS",
    help="Delay for --fault slow-login.",
)
@click.option("--failed-fan", is_flag=True, help="Report the first fan as failed.")
@click.option("--hot-sensor", is_flag=True, help="Report a sensor above its critical limit.")
@click.option(
    "--refuse-paging-off", is_flag=True, help="Refuse the paging-off command in user mode."
)
def sim_command(
    vendor: str,
    transport: str | None,
    tcp_port: int | None,
    baud: int | None,
    login: tuple[str, str] | None,
    enable_secret: str | None,
    faults: tuple[str, ...],
    slow_login_delay: float,
    failed_fan: bool,
    hot_sensor: bool,
    refuse_paging_off: bool,
    profile_file: Path | None,
    replay_file: Path | None,
    prompt_pattern: str | None,
) -> None:
    """Serve a simulated Cisco, Huawei or H3C console until Ctrl-C, or any vendor's
    described as data (--profile FILE.toml), or a session recorded on site (--replay FILE)."""
    if transport == "pty" and tcp_port is not None:
        raise click.UsageError("choose either --pty or --tcp PORT")
    options = SimOptions(
        login=login,
        enable_secret=enable_secret,
        baud=baud,
        faults=frozenset(f.replace("-", "_") for f in faults),
        slow_login_delay=slow_login_delay,
        refuse_paging_off=refuse_paging_off,
    )
    device, what = _device(
        vendor,
        profile_file,
        replay_file,
        prompt_pattern,
        failed_fan=failed_fan,
        hot_sensor=hot_sensor,
    )
    simulator: Simulator
    if tcp_port is not None or not hasattr(os, "openpty"):
        simulator = TcpSimulator(device, options, port=tcp_port or 0)
    else:
        simulator = PtySimulator(device, options)
    try:
        simulator.start()
    except OSError as exc:
        raise click.ClickException(f"could not start the simulator: {exc}") from None
    speed = f" at {baud} baud" if baud else ""
    # Ctrl-C may come as soon as the address is out, before the wait: caught from there on,
    # or the simulator's threads would keep the process alive.
    try:
        click.echo(f"Simulated {what}{speed} on: {simulator.url}")
        click.echo("Press Ctrl-C to stop.")
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        simulator.stop()


def _device(
    vendor: str,
    profile_file: Path | None,
    replay_file: Path | None,
    prompt: str | None,
    *,
    failed_fan: bool,
    hot_sensor: bool,
) -> tuple[Any, str]:
    """What to serve, and how to name it: a vendor's console, a profile or a recording."""
    ctx = click.get_current_context()
    vendor_given = ctx.get_parameter_source("vendor") is click.core.ParameterSource.COMMANDLINE
    chosen = [
        o
        for o, given in (
            ("--vendor", vendor_given),
            ("--profile", profile_file),
            ("--replay", replay_file),
        )
        if given
    ]
    if len(chosen) > 1:
        raise click.UsageError(f"choose one of {' or '.join(chosen)}")
    if prompt and not replay_file:
        raise click.UsageError("--prompt goes with --replay")
    if (profile_file or replay_file) and (failed_fan or hot_sensor):
        raise click.UsageError(
            "--failed-fan and --hot-sensor go with --vendor; a profile "
            "or a recording says what the device reports"
        )
    if profile_file is not None:
        from assettrack.console.simulator.sim_profile import SimProfileError, load_sim_profile

        try:
            profile = load_sim_profile(_shipped_console(profile_file))
        except SimProfileError as exc:
            raise click.ClickException(str(exc)) from None
        return profile, f"{profile.vendor or profile.name} console ({profile_file.name})"
    if replay_file is not None:
        from assettrack.console.simulator.replay import (
            ReplayError,
            load_transcript,
            replay_profile,
        )

        try:
            profile = replay_profile(
                load_transcript(replay_file),
                name=replay_file.stem,
                prompt=prompt,
                source=str(replay_file),
            )
        except ReplayError as exc:
            raise click.ClickException(str(exc)) from None
        return profile, (f"console replaying {replay_file.name} ({len(profile.commands)} commands)")
    return preset(vendor, failed_fan=failed_fan, hot_sensor=hot_sensor), f"{vendor} console"


def _shipped_console(given: Path) -> Path:
    """A profile's path, or the console shipped under that name."""
    if given.exists() or given.suffix or len(given.parts) > 1:
        return given
    from assettrack.profiles.catalog import CONSOLES

    shipped = CONSOLES / given.name / "console.toml"
    if shipped.is_file():
        return shipped
    names = ", ".join(sorted(p.parent.name for p in CONSOLES.glob("*/console.toml")))
    raise click.ClickException(
        f"no profile file {given} and no shipped console of that name (shipped: {names})"
    )


def main(argv: list[str] | None = None) -> int:
    """Run the command on ``argv``; returns the exit code."""
    try:
        sim_command.main(args=argv, prog_name="assettrack sim", standalone_mode=False)
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.exceptions.Abort:
        return 1
    return 0

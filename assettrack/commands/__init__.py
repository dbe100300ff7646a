"""Command line for service records: visits, faults, known problems, charges, reports and
merging another laptop's data.

The commands receive the root group's context object (``assettrack.cli.Context``) through
``click.pass_obj``; ``register_commands(cli)`` adds them to the root group.
"""

from __future__ import annotations

import click

from assettrack.commands.charges import charge_group, charges_command
from assettrack.commands.faults import fault_group, faults_command
from assettrack.commands.known_problems import known_group
from assettrack.commands.merge import conflicts_group, export_bundle_command, import_bundle_command
from assettrack.commands.reports import report_group
from assettrack.commands.visits import visit_group, visits_command

COMMANDS: tuple[click.Command, ...] = (
    visits_command,
    visit_group,
    faults_command,
    fault_group,
    known_group,
    charges_command,
    charge_group,
    report_group,
    export_bundle_command,
    import_bundle_command,
    conflicts_group,
)


def register_commands(group: click.Group) -> None:
    """Add the service-record commands to the root command group."""
    for command in COMMANDS:
        if command.name not in group.commands:
            group.add_command(command)

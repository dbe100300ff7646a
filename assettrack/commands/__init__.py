"""Sub-commands of ``assettrack``, each in the module named here and imported on first use.

The commands receive the root group's context object (``assettrack.commands.context.Context``)
through ``pass_context``.
"""

from __future__ import annotations

COMMANDS: dict[str, str] = {
    "demo": "assettrack.commands.demo:demo",
    "init": "assettrack.commands.init:init_command",
    "customer": "assettrack.commands.customers:customer_group",
    "site": "assettrack.commands.sites:site_group",
    "contract": "assettrack.commands.contracts:contract_group",
    "contracts": "assettrack.commands.contracts:contracts_command",
    "asset": "assettrack.commands.assets:asset_group",
    "warranty": "assettrack.commands.assets:warranty",
    "import": "assettrack.commands.assets:import_group",
    "export": "assettrack.commands.assets:export_group",
    "inspect": "assettrack.commands.inspect:inspect",
    "plugins": "assettrack.commands.plugins:list_plugins",
    "config": "assettrack.commands.settings:show_config",
    "sim": "assettrack.console.simulator.cli:sim_command",
    "visits": "assettrack.commands.visits:visits_command",
    "visit": "assettrack.commands.visits:visit_group",
    "faults": "assettrack.commands.faults:faults_command",
    "fault": "assettrack.commands.faults:fault_group",
    "known-problems": "assettrack.commands.known_problems:known_group",
    "charges": "assettrack.commands.charges:charges_command",
    "charge": "assettrack.commands.charges:charge_group",
    "report": "assettrack.commands.reports:report_group",
    "export-bundle": "assettrack.commands.merge:export_bundle_command",
    "import-bundle": "assettrack.commands.merge:import_bundle_command",
    "conflicts": "assettrack.commands.merge:conflicts_group",
    "sync": "assettrack.commands.sync:sync_group",
    "history": "assettrack.commands.sync:history_command",
    "verify": "assettrack.commands.verify:verify_command",
    "attach": "assettrack.commands.attachments:attach_command",
    "attachments": "assettrack.commands.attachments:attachments_command",
}

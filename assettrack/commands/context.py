"""What every command shares: the day, the settings and the plugins, each made on first use."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from assettrack.config import Settings, load_settings
from assettrack.i18n import _

if TYPE_CHECKING:
    from assettrack.domain.warranty import WarrantyRules
    from assettrack.plugins.extensions import Extensions
    from assettrack.services.assets import AssetRegister
    from assettrack.store.store import Store


@dataclass
class Context:
    config_file: Path | None
    db_option: Path | None
    today: date
    _settings: Settings | None = field(default=None, init=False)
    _extensions: Extensions | None = field(default=None, init=False)
    # Plugins refused at load are named on standard error; not while the app owns the screen
    # (it shows them as notices).
    tell_refusals: bool = field(default=True, init=False)

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = load_settings(config_file=self.config_file, db_path=self.db_option)
            # Now with --config: the language may differ from the one chosen at start-up.
            from assettrack.i18n import set_language

            set_language(self._settings.interface_language())
        return self._settings

    @property
    def extensions(self) -> Extensions:
        if self._extensions is None:
            from assettrack.plugins.failure_log import FailureLog
            from assettrack.plugins.loader import load_plugins

            self._extensions = load_plugins(self.settings.raw, failure_log=FailureLog())
            from assettrack.i18n import add_plugin_catalogs

            add_plugin_catalogs(self._extensions.host.pm.get_plugins())
            if self.tell_refusals:
                # refusals, not failures: reading those would collect every driver now
                for failure in self._extensions.host.refusals:
                    click.echo(_("warning: {failure}").format(failure=failure), err=True)
        return self._extensions

    @property
    def warranty_rules(self) -> WarrantyRules:
        """The configured rules with the plugins' vendor periods: every warranty answer's."""
        return self.extensions.warranty_rules(self.settings.warranty)

    def register(self, store: Store) -> AssetRegister:
        from assettrack.services.assets import AssetRegister

        return AssetRegister(
            store, self.warranty_rules, self.extensions.asset_kinds(), today=self.today
        )


pass_context = click.make_pass_decorator(Context)

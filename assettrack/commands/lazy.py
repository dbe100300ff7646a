"""A command group that imports each sub-command's module only when that command runs.

Starting the TUI (no sub-command) then pays for none of them: the service-record commands,
the simulator and the exporters together take longer to import than Textual itself.

It also speaks the user's language: before the command line is read (so ``--help`` and
its errors are translated too) the language is chosen from the settings files and the
locale (``config.startup_language``), and every command it hands out writes its help
through the catalog (``i18n.click_help``).
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

import click

from assettrack.i18n.click_help import TranslatingContext, translate_command


class LazyGroup(click.Group):
    context_class = TranslatingContext

    def __init__(self, *args: Any, lazy_commands: Mapping[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # name -> "package.module:attribute"
        self.lazy_commands = dict(lazy_commands)

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        if parent is None:
            from assettrack.config import startup_language
            from assettrack.i18n import set_language

            set_language(startup_language())
        translate_command(self)
        return super().make_context(info_name, args, parent, **extra)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy_commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.lazy_commands:
            module_name, attribute = self.lazy_commands[cmd_name].split(":")
            command = getattr(importlib.import_module(module_name), attribute)
            if not isinstance(command, click.Command):
                raise TypeError(f"{self.lazy_commands[cmd_name]} is not a click command")
            self.add_command(command, cmd_name)
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            translate_command(command)
        return command

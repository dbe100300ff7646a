"""The configuration a read captured: what changed since the asset's last inspection (the
diff, added lines green, removed red), whether it is saved, then the whole configuration.
Secrets were masked before it was stored; nothing here can show one."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Static

from assettrack.domain.models import ConfigSnapshot
from assettrack.i18n import N_, _
from assettrack.services.config_capture import diff_label, summary
from assettrack.tui.widgets.footer import Footer

STYLES = {"+": "green", "-": "red", "@": "cyan"}


def config_text(shot: ConfigSnapshot) -> Text:
    """The diff, then the configuration, as one styled text."""
    saved = {
        True: _("saved (the device boots with it)"),
        False: _("NOT SAVED: a reboot loses the changes"),
        None: _("not known whether saved"),
    }[shot.saved]
    line = summary(shot)
    text = Text.assemble(
        (line[:1].upper() + line[1:], "bold"),
        "\n",
        _("read {moment} with `{command}`; ").format(
            moment=f"{shot.read_at:%Y-%m-%d %H:%M}", command=shot.command
        ),
        (saved, "bold red" if shot.saved is False else ""),
        _("; secrets masked as ******\n\n"),
    )
    if shot.config_diff:
        text.append(_("— what changed —") + "\n", style="dim")
        for line in shot.config_diff.splitlines():
            style = "dim" if line.startswith(("---", "+++")) else STYLES.get(line[:1], "")
            text.append(diff_label(line) + "\n", style=style)
        text.append("\n")
    text.append(_("— the configuration —") + "\n", style="dim")
    text.append(shot.config_text.rstrip() + "\n")
    return text


class ConfigScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "app.pop_screen", N_("Back"))]

    def __init__(self, shot: ConfigSnapshot, title: str) -> None:
        super().__init__()
        self.shot = shot
        self.heading = title

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="config"):
            yield Static(config_text(self.shot), id="config-text")
        yield Footer()

    def on_mount(self) -> None:
        self.title = self.heading
        self.set_focus(self.query_one("#config"))

"""Textual's own texts that the app shows, marked for the catalog.

Textual writes them in English; the footer (``widgets.footer``) and the app's command
palette (``AssetTrackApp.get_system_commands``) translate them through the catalog, so they
are listed here for extraction. Keep in step with the pinned Textual.
"""

from assettrack.i18n import N_

TEXTUAL_TEXTS = (
    N_("palette"),
    N_("Open the command palette"),
    N_("Theme"),
    N_("Change the current theme"),
    N_("Quit"),
    N_("Quit the application as soon as possible"),
    N_("Keys"),
    N_("Hide the keys and widget help panel"),
    N_("Show help for the focused widget and a summary of available keys"),
    N_("Minimize"),
    N_("Minimize the widget and restore to normal size"),
    N_("Maximize"),
    N_("Maximize the focused widget"),
    N_("Screenshot"),
    N_("Save an SVG 'screenshot' of the current screen"),
)

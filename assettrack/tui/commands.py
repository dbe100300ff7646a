"""Command palette entries for the main actions, and the interface's language."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from assettrack.i18n import LANGUAGES, N_, _


class MainActions(Provider):
    # Marked here, translated when the palette asks: a language switch changes them too.
    ACTIONS: tuple[tuple[str, str, str], ...] = (
        (N_("Go to sites"), "sites", N_("Customers, sites and visits due")),
        (N_("Go to assets"), "assets", N_("Every asset, filter and sort")),
        (N_("Warranty review"), "warranty", N_("Expired and expiring warranties")),
        (
            N_("Visits and compliance"),
            "visits",
            N_("Visit plan per site and month; record a visit"),
        ),
        (
            N_("Faults and response times"),
            "faults",
            N_("Faults against their severity's targets"),
        ),
        (N_("Merge conflicts"), "conflicts", N_("Records edited on two laptops")),
        (N_("Sync with the team"), "sync", N_("Commit, fetch, merge and push (ctrl+g)")),
        (
            N_("Contracts and charges"),
            "charges",
            N_("Labour charged after warranty against the cap"),
        ),
        (N_("Known problems"), "known_problems", N_("Search past problems and their solutions")),
        (N_("New asset"), "new_asset", N_("Add an asset to the register")),
        (N_("New customer"), "new_customer", N_("Add a customer")),
        (N_("New site"), "new_site", N_("Add a site of a customer")),
        (N_("New contract"), "new_contract", N_("Add a customer's contract")),
        (
            N_("Getting started"),
            "getting_started",
            N_("Add by hand, import a spreadsheet, the demo"),
        ),
        (N_("Toggle light / dark theme"), "toggle_theme", N_("Switch the colour theme")),
        (N_("Help: every key"), "help", N_("List the keys of every screen")),
    )

    def entries(self) -> list[tuple[str, str, str]]:
        """(name, action, help) in the current language, the language switches last."""
        found = [(_(name), action, _(help_text)) for name, action, help_text in self.ACTIONS]
        for code, own_name in LANGUAGES.items():
            found.append(
                (
                    # Both words, so either language's reader finds it: "Language / 语言".
                    _("Language / 语言: {name}").format(name=own_name),
                    f"language({code!r})",
                    _("Every screen in {name}, at once").format(name=own_name),
                )
            )
        return found

    async def discover(self) -> Hits:
        for name, action, help_text in self.entries():
            yield DiscoveryHit(name, partial(self.app.run_action, action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, action, help_text in self.entries():
            score = matcher.match(name)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(name),
                    partial(self.app.run_action, action),
                    help=help_text,
                )

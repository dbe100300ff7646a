"""Command palette entries for the main actions."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider


class MainActions(Provider):
    ACTIONS: tuple[tuple[str, str, str], ...] = (
        ("Go to sites", "sites", "Customers, sites and visits due"),
        ("Go to assets", "assets", "Every asset, filter and sort"),
        ("Warranty review", "warranty", "Expired and expiring warranties"),
        ("Visits and compliance", "visits", "Visit plan per site and month; record a visit"),
        ("Faults and response times", "faults", "Faults against their severity's targets"),
        ("Merge conflicts", "conflicts", "Records edited on two laptops"),
        ("Sync with the team", "sync", "Commit, fetch, merge and push (ctrl+g)"),
        ("Contracts and charges", "charges", "Labour charged after warranty against the cap"),
        ("Known problems", "known_problems", "Search past problems and their solutions"),
        ("New asset", "new_asset", "Add an asset to the register"),
        ("New customer", "new_customer", "Add a customer"),
        ("New site", "new_site", "Add a site of a customer"),
        ("New contract", "new_contract", "Add a customer's contract"),
        ("Getting started", "getting_started", "Add by hand, import a spreadsheet, the demo"),
        ("Toggle light / dark theme", "toggle_theme", "Switch the colour theme"),
        ("Help: every key", "help", "List the keys of every screen"),
    )

    async def discover(self) -> Hits:
        for name, action, help_text in self.ACTIONS:
            yield DiscoveryHit(name, partial(self.app.run_action, action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, action, help_text in self.ACTIONS:
            score = matcher.match(name)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(name),
                    partial(self.app.run_action, action),
                    help=help_text,
                )

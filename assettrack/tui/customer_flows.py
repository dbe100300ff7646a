"""The steps of building the customer base from the screens: which form follows which.

A site needs a customer and an asset needs a site, so asking for one when its parent is
missing asks for the parent first. Each step ends by calling ``then`` with what was saved
(None if the user cancelled). The services are imported on first use: the asset screen
imports this module, and nothing of the store may slow the first paint.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from assettrack.i18n import _
from assettrack.i18n.errors import error_text

if TYPE_CHECKING:
    from textual.app import App

    from assettrack.domain.models import Contract, Customer, Site
    from assettrack.tui.context import TuiContext

Then = Callable[[Any], None]


def _nothing(_value: Any) -> None:
    pass


@dataclass(frozen=True)
class Progress:
    """How far the customer base has come, for the getting-started guidance."""

    customers: int
    sites: int
    assets: int

    @property
    def empty(self) -> bool:
        return not (self.customers or self.sites or self.assets)


def progress(context: TuiContext) -> Progress:
    register = context.register
    return Progress(
        len(register.store.customers.list()), len(register.sites()), len(register.store.assets)
    )


def add_customer(app: App[Any], context: TuiContext, then: Then = _nothing) -> None:
    from assettrack.tui.screens.customer_form import customer_form

    app.push_screen(customer_form(context), then)


def edit_customer(
    app: App[Any], context: TuiContext, customer: Customer, then: Then = _nothing
) -> None:
    from assettrack.tui.screens.customer_form import customer_form

    app.push_screen(customer_form(context, customer), then)


def add_site(
    app: App[Any], context: TuiContext, then: Then = _nothing, *, customer_id: str | None = None
) -> None:
    """The site form; with no customer yet, the customer form first."""
    from assettrack.services.customers import CustomerBase
    from assettrack.tui.screens.site_form import site_form

    if customer_id is None and not CustomerBase(context.register).customers():

        def customer_saved(customer: Customer | None) -> None:
            if customer is None:
                then(None)
            else:
                app.push_screen(site_form(context, customer_id=customer.id), then)

        add_customer(app, context, customer_saved)
        return
    app.push_screen(site_form(context, customer_id=customer_id), then)


def edit_site(app: App[Any], context: TuiContext, site: Site, then: Then = _nothing) -> None:
    from assettrack.tui.screens.site_form import site_form

    app.push_screen(site_form(context, site), then)


def remove_site(app: App[Any], context: TuiContext, site: Site, then: Then = _nothing) -> None:
    """Ask, then remove; a refusal (assets or records still there) is shown, not toasted."""
    from assettrack.services.customers import CustomerBase, StillInUse
    from assettrack.tui.screens.dialogs import ConfirmModal, MessageModal

    def answered(yes: bool | None) -> None:
        if not yes:
            then(None)
            return
        try:
            removed = CustomerBase(context.register).remove_site(site.id)
        except StillInUse as exc:
            app.push_screen(MessageModal(_("The site stays"), error_text(exc), error=True))
            then(None)
            return
        app.notify(
            _("Removed site {customer} / {site}").format(
                customer=removed.customer, site=removed.name
            )
        )
        then(removed)

    app.push_screen(
        ConfirmModal(
            _("Remove the site {site}?").format(site=site.name),
            _(
                "{customer} / {site} goes from the register. A site with assets or records is kept."
            ).format(customer=site.customer, site=site.name),
            yes=_("Remove"),
            no=_("Keep"),
        ),
        answered,
    )


def remove_customer(
    app: App[Any], context: TuiContext, customer: Customer, then: Then = _nothing
) -> None:
    """Ask, then remove; a customer with sites or contracts is kept, and told why."""
    from assettrack.services.customers import CustomerBase, StillInUse
    from assettrack.tui.screens.dialogs import ConfirmModal, MessageModal

    def answered(yes: bool | None) -> None:
        if not yes:
            then(None)
            return
        try:
            removed = CustomerBase(context.register).remove_customer(customer.id)
        except StillInUse as exc:
            app.push_screen(MessageModal(_("The customer stays"), error_text(exc), error=True))
            then(None)
            return
        app.notify(_("Removed customer {customer}").format(customer=removed.name))
        then(removed)

    app.push_screen(
        ConfirmModal(
            _("Remove the customer {customer}?").format(customer=customer.name),
            _(
                "{customer} goes from the register. A customer with sites or contracts is kept."
            ).format(customer=customer.name),
            yes=_("Remove"),
            no=_("Keep"),
        ),
        answered,
    )


def add_asset(
    app: App[Any], context: TuiContext, then: Then = _nothing, *, site: Site | None = None
) -> None:
    from assettrack.tui.screens.asset_form import AssetFormScreen

    sites = context.register.sites()
    if site is None and len(sites) == 1:
        site = sites[0]
    app.push_screen(AssetFormScreen(context, site=site), then)


def add_contract(app: App[Any], context: TuiContext, then: Then = _nothing) -> None:
    from assettrack.tui.screens.contract_form import contract_form

    app.push_screen(contract_form(context), then)


def edit_contract(
    app: App[Any], context: TuiContext, contract: Contract, then: Then = _nothing
) -> None:
    from assettrack.tui.screens.contract_form import contract_form

    app.push_screen(contract_form(context, contract), then)


def start_by_hand(app: App[Any], context: TuiContext, then: Then = _nothing) -> None:
    """From wherever the user got to: a customer, then its site, then (if they wish) its
    first asset. ``then`` gets the new asset's id, or None."""
    from assettrack.tui.screens.dialogs import ConfirmModal

    def site_saved(site: Site | None) -> None:
        if site is None:
            then(None)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                add_asset(app, context, then, site=site)
            else:
                then(None)

        app.push_screen(
            ConfirmModal(
                _("Site saved"),
                _("Add the first asset of {customer} / {site} now?").format(
                    customer=site.customer, site=site.name
                ),
                yes=_("Add an asset"),
                no=_("Later"),
            ),
            answered,
        )

    now = progress(context)
    if now.sites:
        add_asset(app, context, then)
    else:
        add_site(app, context, site_saved)

"""The customer base from the screens: first start, customers, sites, contracts.

Real parts throughout: a TinyDB folder in tmp_path, the real plugins, the app as the
command line opens it (``open_tui``) or as ``make_app`` builds it, driven by Pilot.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Checkbox, Input, Select, SelectionList, Static

from assettrack.commands.context import Context
from assettrack.domain.models import Asset, Contract, Customer, Site
from assettrack.services.assets import AssetRegister
from assettrack.services.customers import CustomerBase
from assettrack.store.database import HEADER_NAME
from assettrack.store.store import Store
from assettrack.tui.app import make_app
from assettrack.tui.launch import open_tui
from assettrack.tui.screens.asset_form import AssetFormScreen
from assettrack.tui.screens.assets import AssetsScreen
from assettrack.tui.screens.charges import ChargesScreen
from assettrack.tui.screens.dialogs import ConfirmModal, MessageModal
from assettrack.tui.screens.first_start import FirstStartScreen, GettingStarted
from assettrack.tui.screens.import_sheet import ImportScreen
from assettrack.tui.screens.record_form import RecordForm
from assettrack.tui.screens.sites import SitesScreen
from assettrack.tui.widgets.fast_table import FastTable
from tests.conftest import TODAY
from tests.tui.conftest import context_for

SIZE = (120, 40)


async def wait_for(pilot, condition: Callable[[], Any], what: str) -> None:
    for _ in range(300):
        await pilot.pause(0.02)
        if condition():
            return
    raise AssertionError(f"never happened: {what}")


def fill(screen, values: dict[str, Any]) -> None:
    """Set form boxes by field name; contacts as ``contacts-2-mobile``."""
    for name, value in values.items():
        widget = screen.query_one(f"#field-{name}")
        if isinstance(widget, SelectionList):
            for item in value:
                widget.select(item)
        else:
            widget.value = value


def errors(screen) -> dict[str, str]:
    return {e.id: str(e.render()) for e in screen.query(".form-error.shown")}


def keys(table: FastTable) -> list[str]:
    return [row.key for row in table.rows]


# -- from nothing to a customer base, as a new user does it ---------------------------------


@pytest.fixture
def new_folder(tmp_path: Path) -> Path:
    return tmp_path / "office" / "assettrack-db"  # neither folder exists yet


@pytest.fixture
def context(new_folder: Path, settings, extensions) -> Context:
    return context_for(new_folder, settings, extensions)


async def test_from_nothing_to_customer_site_contract_and_asset(
    context, new_folder, tmp_path, settings, extensions
) -> None:
    with open_tui(context, new_folder, cache_folder=tmp_path / "cache") as app:
        assert (new_folder / HEADER_NAME).exists()  # made, with the writer lock held
        async with app.run_test(size=SIZE) as pilot:
            # Pushed is not yet mounted: under load the guide's widgets come a frame later.
            await wait_for(
                pilot,
                lambda: (
                    isinstance(app.screen, FirstStartScreen)
                    and bool(app.screen.query("GettingStarted .guide-progress"))
                ),
                "first start",
            )
            progress = app.screen.query_one(GettingStarted).query_one(".guide-progress")
            await wait_for(pilot, lambda: str(progress.render()), "progress shown")
            assert "0 customer(s) · 0 site(s) · 0 asset(s)" in str(progress.render())

            # By hand: the customer form first, its first field ready to type in.
            await pilot.press("c")
            await wait_for(pilot, lambda: isinstance(app.screen, RecordForm), "customer form")
            form = app.screen
            assert form.title == "New customer"
            assert app.focused is form.query_one("#field-name", Input)
            await pilot.press(*"Acme Hospitals")
            fill(
                form,
                {
                    "code": "acme",
                    "contacts-1-name": "Wang Wei",
                    "contacts-1-mobile": "138 0013 8000",
                    "contacts-1-email": "wang@acme.example",
                },
            )
            await pilot.press("ctrl+s")

            # The site form follows, for that customer.
            await wait_for(pilot, lambda: app.screen.title == "New site", "site form")
            form = app.screen
            customer = CustomerBase(app.context.register).customers()[0]
            assert form.query_one("#field-customer_id", Select).value == customer.id
            assert app.focused is form.query_one("#field-customer_id")
            fill(
                form,
                {
                    "name": "Main server room",
                    "address": "1 Harbour Road",
                    "directions": "north gate, 3rd floor",
                    "contacts-1-name": "Li Na",
                    "contacts-1-role": "IT manager",
                    "contacts-1-mobile": "139 1111 2222",
                    "contacts-1-phone": "021 6321 5678",
                    "contacts-1-email": "li.na@acme.example",
                    "contacts-2-name": "Zhao Qiang",
                    "contacts-2-role": "duty engineer",
                    "contacts-2-mobile": "+86 137 3333 4444",
                    "contacts-2-email": "zhao@acme.example",
                    "scheduled_per_month": "1",
                    "preferred_weekdays": "tue;thu",
                    "engineer": "Li Gong",
                },
            )
            form.query_one("#field-contacts-2-signs_off", Checkbox).value = True
            await pilot.press("ctrl+s")

            # Offered the first asset; yes opens the asset form for that site.
            await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), "asset offer")
            await pilot.press("enter")
            await wait_for(pilot, lambda: isinstance(app.screen, AssetFormScreen), "asset form")
            form = app.screen
            site = app.context.register.sites()[0]
            assert form.query_one("#field-site_id", Select).value == site.id
            fill(
                form,
                {
                    "kind": "switch",
                    "vendor": "Cisco",
                    "model": "C9300-48P",
                    "serial_number": "FOC2611X0AB",
                    "installed_on": "2026-03-01",
                },
            )
            await pilot.press("ctrl+s")

            # The guidance has done its job: the asset list shows the new asset.
            await wait_for(pilot, lambda: isinstance(app.screen, AssetsScreen), "assets")
            assets = app.screen
            assert assets.query_one(FastTable).display
            assert not assets.query_one(GettingStarted).display
            asset = app.context.register.store.assets.all()[0]
            assert keys(assets.query_one(FastTable)) == [asset.id]

            await pilot.press("f2")
            await wait_for(pilot, lambda: isinstance(app.screen, SitesScreen), "sites")
            assert keys(app.screen.query_one(FastTable)) == [site.id]
            assert not app.screen.query_one(GettingStarted).display

            # A contract on F8 for the customer's site.
            await pilot.press("f8")
            await wait_for(pilot, lambda: isinstance(app.screen, ChargesScreen), "contracts")
            await pilot.press("n")
            await wait_for(pilot, lambda: app.screen.title == "New contract", "contract form")
            form = app.screen
            assert app.focused is form.query_one("#field-number", Input)
            assert form.query_one("#field-customer_id", Select).value == customer.id
            fill(
                form,
                {
                    "number": "HT-2026-001",
                    "value": "1,200,000",
                    "starts_on": "2026-01-01",
                    "service_years": "3",
                    "warranty_ends_on": "2027-12-31",
                    "site_ids": [site.id],
                    "cap_percents": "2;5",
                    "notes": "signed by the director",
                },
            )
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: isinstance(app.screen, ChargesScreen), "contracts")
            contract = app.context.register.store.contracts.list()[0]
            assert keys(app.screen.query_one(FastTable)) == [contract.id]

    # Everything is on disk, as typed.
    with Store.open(new_folder, read_only=True) as store:
        [saved_customer] = store.customers.list()
        assert (saved_customer.name, saved_customer.code) == ("Acme Hospitals", "ACME")
        [person] = saved_customer.contacts
        assert (person.name, person.mobile, person.email) == (
            "Wang Wei",
            "138 0013 8000",
            "wang@acme.example",
        )
        [saved_site] = store.sites.list()
        assert isinstance(saved_site, Site)
        assert saved_site.customer_id == saved_customer.id
        assert saved_site.customer == "Acme Hospitals"
        assert (saved_site.name, saved_site.address, saved_site.directions) == (
            "Main server room",
            "1 Harbour Road",
            "north gate, 3rd floor",
        )
        first, second = saved_site.contacts
        assert (first.name, first.role, first.mobile, first.phone, first.email) == (
            "Li Na",
            "IT manager",
            "139 1111 2222",
            "021 6321 5678",
            "li.na@acme.example",
        )
        assert not first.signs_off
        assert (second.name, second.mobile, second.signs_off) == (
            "Zhao Qiang",
            "+86 137 3333 4444",
            True,
        )
        assert saved_site.visit_plan == {
            "scheduled_per_month": 1,
            "preferred_weekdays": ["tue", "thu"],
            "engineer": "Li Gong",
            "starts_on": TODAY.isoformat(),  # owed from the day the site was added
        }
        [saved_asset] = store.assets.all()
        assert isinstance(saved_asset, Asset)
        assert saved_asset.site_id == saved_site.id
        assert (saved_asset.vendor, saved_asset.serial_number) == ("Cisco", "FOC2611X0AB")
        [saved_contract] = store.contracts.list()
        assert isinstance(saved_contract, Contract)
        assert saved_contract.customer_id == saved_customer.id
        assert saved_contract.number == "HT-2026-001"
        assert saved_contract.value == Decimal("1200000")
        assert saved_contract.site_ids == [saved_site.id]
        assert str(saved_contract.ends_on) == "2028-12-31"  # three years from the start
        assert str(saved_contract.warranty_ends_on) == "2027-12-31"
        assert saved_contract.warranty_months is None  # per vendor
        assert saved_contract.cap_percents == [Decimal(2), Decimal(5)]


async def test_a_new_folder_paints_before_its_store_loads(
    context, new_folder, tmp_path, monkeypatch
) -> None:
    # Nothing to snapshot in a folder just made: no snapshot is read, nothing is loaded
    # before the first paint, and the store loads behind the getting-started screen.
    def no_snapshot(*args: object, **kwargs: object) -> None:
        raise AssertionError("a snapshot was read for a new database")

    monkeypatch.setattr("assettrack.tui.launch.RowSnapshot.load", no_snapshot)
    with open_tui(context, new_folder, cache_folder=tmp_path / "cache") as app:
        assert app.context.first_rows == [] and not app.context.ready
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, lambda: app.context.ready, "the store loaded after the paint")
            await wait_for(pilot, lambda: isinstance(app.screen, FirstStartScreen), "first start")


@pytest.fixture
def empty_db(new_folder: Path) -> Path:
    with Store.open(new_folder):
        pass  # made, and left empty
    return new_folder


async def test_an_empty_database_opens_on_getting_started_and_esc_leaves_guidance(
    context, empty_db, tmp_path
) -> None:
    with open_tui(context, empty_db, cache_folder=tmp_path / "cache") as app:
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, FirstStartScreen), "first start")
            await pilot.press("escape")
            await wait_for(pilot, lambda: isinstance(app.screen, AssetsScreen), "assets")
            # No empty table: the same guidance, ready to use.
            assert app.screen.query_one(GettingStarted).display
            assert not app.screen.query_one(FastTable).display
            assert app.focused is app.screen.query_one("#by-hand")
            await pilot.press("f2")
            await wait_for(pilot, lambda: isinstance(app.screen, SitesScreen), "sites")
            assert app.screen.query_one(GettingStarted).display
            assert not app.screen.query_one(FastTable).display
            # The demo is explained, never loaded into this database.
            await pilot.press("tab", "tab", "enter")
            await wait_for(pilot, lambda: isinstance(app.screen, MessageModal), "demo note")
            assert "assettrack demo" in app.screen.text
    with Store.open(empty_db, read_only=True) as store:
        assert not store.customers.list() and not store.sites.list() and not len(store.assets)


async def test_getting_started_counts_what_the_command_line_adds_meanwhile(
    context, empty_db, tmp_path
) -> None:
    with open_tui(context, empty_db, cache_folder=tmp_path / "cache") as app:
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, FirstStartScreen), "first start")
            await wait_for(pilot, lambda: app.context.ready, "the store loaded")
            progress = app.screen.query_one(".guide-progress", Static)
            assert "0 customer(s) · 0 site(s)" in str(progress.render())
            with Store.open(empty_db) as other:  # another process's saves, as a command's
                other.customers.save(Customer("Harbour Clinic", code="HBC"))
                other.sites.save(Site("Harbour Clinic", "Server room"))
            await wait_for(
                pilot,
                lambda: "1 customer(s) · 1 site(s)" in str(progress.render()),
                "the counts after the app's poll",
            )
            assert isinstance(app.screen, FirstStartScreen)


# -- the forms: problems beside their fields -------------------------------------------------


@pytest.fixture
def empty_register(store: Store, settings, extensions) -> AssetRegister:
    return AssetRegister(
        store, extensions.warranty_rules(settings.warranty), extensions.asset_kinds()
    )


@pytest.fixture
def make_empty_app(empty_register, extensions, tmp_path):
    def make():
        return make_app(empty_register, extensions, TODAY, export_folder=tmp_path / "exports")

    return make


async def open_form(pilot, action: str, title: str) -> RecordForm:
    await pilot.app.run_action(action)
    await wait_for(pilot, lambda: pilot.app.screen.title == title, title)
    return pilot.app.screen


async def test_customer_form_problems_beside_fields(make_empty_app, empty_register) -> None:
    app = make_empty_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, FirstStartScreen), "first start")
        form = await open_form(pilot, "new_customer", "New customer")
        fill(
            form,
            {
                "code": "has space",
                "contacts-1-name": "Wang Wei",
                "contacts-2-name": "Li Na",
                "contacts-2-mobile": "call the desk",
            },
        )
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form  # kept open
        shown = errors(form)
        assert set(shown) == {"error-name", "error-code", "error-contacts-2"}
        assert "is required" in shown["error-name"]
        assert "Mobile: is not a phone number" in shown["error-contacts-2"]
        assert app.focused is form.query_one("#field-name")  # the first field with a problem
        assert form.query_one("#field-contacts-2-mobile").has_class("-invalid")

        fill(form, {"name": "Acme", "code": "ACME", "contacts-2-mobile": "139 1111 2222"})
        # A third person: a block of their own, ready to type in.
        form.query_one("#add-contact").press()
        await wait_for(pilot, lambda: form.query("#field-contacts-3-name"), "third contact")
        await pilot.pause()
        assert app.focused is form.query_one("#field-contacts-3-name")
        await pilot.press(*"Zhao Qiang")
        # Only one person signs: ticking the third unticks the first.
        form.query_one("#field-contacts-1-signs_off", Checkbox).value = True
        await pilot.pause()
        form.query_one("#field-contacts-3-signs_off", Checkbox).value = True
        await pilot.pause()
        assert not form.query_one("#field-contacts-1-signs_off", Checkbox).value
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is not form, "form closed")
    [customer] = empty_register.store.customers.list()
    assert [(c.name, c.signs_off) for c in customer.contacts] == [
        ("Wang Wei", False),
        ("Li Na", False),
        ("Zhao Qiang", True),
    ]


async def test_site_form_duplicate_name_and_bad_phone(make_empty_app, empty_register) -> None:
    customers = CustomerBase(empty_register)
    acme = customers.save_customer({"name": "Acme"})
    customers.save_site({"customer_id": acme.id, "name": "Server room"})
    app = make_empty_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f2")
        await wait_for(pilot, lambda: isinstance(app.screen, SitesScreen), "sites")
        await pilot.press("n")
        await wait_for(pilot, lambda: app.screen.title == "New site", "site form")
        form = app.screen
        assert form.query_one("#field-customer_id", Select).value == acme.id  # the only one
        fill(form, {"name": " server  ROOM ", "scheduled_per_month": "many"})
        await pilot.press("ctrl+s")
        await pilot.pause()
        shown = errors(form)
        assert set(shown) == {"error-scheduled_per_month"}  # the form's own checks come first
        fill(form, {"scheduled_per_month": "", "contacts-1-name": "Li", "contacts-1-phone": "ab"})
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert set(errors(form)) == {"error-contacts-1"}
        assert app.focused is form.query_one("#field-contacts-1-phone")
        fill(form, {"contacts-1-phone": "021 1234 5678"})
        await pilot.press("ctrl+s")
        await pilot.pause()
        shown = errors(form)
        assert set(shown) == {"error-name"}
        assert "is already a site of Acme" in shown["error-name"]
        assert app.focused is form.query_one("#field-name")
        assert len(empty_register.sites()) == 1


async def test_contract_form_dates_and_value(make_empty_app, empty_register) -> None:
    acme = CustomerBase(empty_register).save_customer({"name": "Acme"})
    app = make_empty_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f8")
        await wait_for(pilot, lambda: isinstance(app.screen, ChargesScreen), "contracts")
        await pilot.press("n")
        await wait_for(pilot, lambda: app.screen.title == "New contract", "contract form")
        form = app.screen
        fill(
            form,
            {
                "number": "C-1",
                "value": "-5",
                "starts_on": "2026-06-01",
                "ends_on": "2026-05-31",
                "cap_percents": "2;150",
            },
        )
        await pilot.press("ctrl+s")
        await pilot.pause()
        shown = errors(form)
        assert set(shown) == {"error-value", "error-ends_on", "error-cap_percents"}
        assert "must be zero or a positive amount" in shown["error-value"]
        assert "is before the start 2026-06-01" in shown["error-ends_on"]
        assert "150: is larger than 100" in shown["error-cap_percents"]
        assert app.focused is form.query_one("#field-value")  # earliest of the three
        assert form.query_one("#field-customer_id", Select).value == acme.id
        fill(form, {"value": "10000", "ends_on": "2029-05-31", "cap_percents": ""})
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ChargesScreen), "saved")
        [contract] = empty_register.store.contracts.list()
        assert keys(app.screen.query_one(FastTable)) == [contract.id]

        # Enter on the row edits it; the form shows what was saved.
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen.title == "Edit contract", "edit form")
        assert app.screen.query_one("#field-ends_on", Input).value == "2029-05-31"
        assert app.screen.query_one("#field-warranty_months", Input).value == ""
        assert app.screen.query_one("#field-warranty_months", Input).placeholder == "per vendor"


async def test_renewals_list_contracts_ending_soon(make_empty_app, empty_register) -> None:
    customers = CustomerBase(empty_register)
    acme = customers.save_customer({"name": "Acme"})
    soon = customers.save_contract(
        {"customer_id": acme.id, "number": "SOON", "value": "1", "ends_on": "2027-01-15"}
    )
    later = customers.save_contract(
        {"customer_id": acme.id, "number": "LATER", "value": "1", "ends_on": "2027-05-01"}
    )
    customers.save_contract({"customer_id": acme.id, "number": "OPEN", "value": "1"})
    app = make_empty_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f8")
        await wait_for(pilot, lambda: isinstance(app.screen, ChargesScreen), "contracts")
        table = app.screen.query_one(FastTable)
        assert len(table.rows) == 3
        await pilot.press("r")  # within 90 days of 1 Dec 2026
        assert keys(table) == [soon.id]
        assert "ending within 90 days" in str(app.screen.query_one("#charges-summary").render())
        await pilot.press("w")  # 180 days
        assert keys(table) == [soon.id, later.id]
        await pilot.press("r")
        assert len(table.rows) == 3


async def test_sites_keys_and_a_refused_removal(make_empty_app, empty_register) -> None:
    customers = CustomerBase(empty_register)
    acme = customers.save_customer({"name": "Acme", "code": "ACME"})
    busy = customers.save_site({"customer_id": acme.id, "name": "Busy room"})
    idle = customers.save_site({"customer_id": acme.id, "name": "Idle room"})
    for serial in ("SN0001", "SN0002"):
        empty_register.save_asset(
            {
                "site_id": busy.id,
                "kind": "switch",
                "vendor": "Cisco",
                "model": "X",
                "serial_number": serial,
            }
        )
    app = make_empty_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f2")
        await wait_for(pilot, lambda: isinstance(app.screen, SitesScreen), "sites")
        sites = app.screen
        table = sites.query_one(FastTable)
        table.move_to_key(busy.id)
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), "confirm")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, MessageModal), "refusal")
        assert "still has 2 asset(s)" in app.screen.text
        assert "move them to another site" in app.screen.text
        await pilot.press("enter")
        assert empty_register.site(busy.id) is not None

        table.move_to_key(idle.id)
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), "confirm")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is sites, "back")
        assert empty_register.site(idle.id) is None
        assert keys(table) == [busy.id]

        # e edits the site, C its customer; both open with the saved values.
        await pilot.press("e")
        await wait_for(pilot, lambda: app.screen.title == "Edit site", "site form")
        assert app.screen.query_one("#field-name", Input).value == "Busy room"
        fill(app.screen, {"address": "2 Quay Street"})
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is sites, "back")
        assert empty_register.site(busy.id).address == "2 Quay Street"
        await pilot.press("C")
        await wait_for(pilot, lambda: app.screen.title == "Edit customer", "customer form")
        fill(app.screen, {"name": "Acme Group"})
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is sites, "back")
        assert empty_register.site(busy.id).customer == "Acme Group"  # kept in step


async def test_a_customer_without_sites_has_a_row_to_add_edit_or_remove(
    make_empty_app, empty_register
) -> None:
    customers = CustomerBase(empty_register)
    acme = customers.save_customer({"name": "Acme"})
    customers.save_site({"customer_id": acme.id, "name": "Server room"})
    lone = customers.save_customer({"name": "Contoso", "code": "CT"})
    gone = customers.save_customer({"name": "Fabrikam"})
    app = make_empty_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f2")
        await wait_for(pilot, lambda: isinstance(app.screen, SitesScreen), "sites")
        sites = app.screen
        table = sites.query_one(FastTable)
        site_id = empty_register.sites()[0].id
        assert keys(table) == [site_id, f"customer:{lone.id}", f"customer:{gone.id}"]
        # n on a customer's row: its first site, the customer already chosen.
        table.move_to_key(f"customer:{lone.id}")
        await pilot.press("n")
        await wait_for(pilot, lambda: app.screen.title == "New site", "site form")
        assert app.screen.query_one("#field-customer_id", Select).value == lone.id
        fill(app.screen, {"name": "Head office"})
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is sites, "back")
        assert [s.name for s in customers.sites_of(lone.id)] == ["Head office"]
        assert f"customer:{lone.id}" not in keys(table)
        # d on a customer's row removes the customer (a tombstone).
        table.move_to_key(f"customer:{gone.id}")
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), "confirm")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is sites, "back")
        assert customers.customer(gone.id) is None
        assert f"customer:{gone.id}" not in keys(table)


async def test_new_site_without_customers_asks_for_the_customer_first(
    make_empty_app, empty_register
) -> None:
    app = make_empty_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, FirstStartScreen), "first start")
        await pilot.press("escape", "f2")
        await wait_for(pilot, lambda: isinstance(app.screen, SitesScreen), "sites")
        await pilot.press("n")
        await wait_for(pilot, lambda: app.screen.title == "New customer", "customer form")
        fill(app.screen, {"name": "Acme"})
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen.title == "New site", "site form")
        fill(app.screen, {"name": "Server room"})
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, SitesScreen), "sites")
        [site] = empty_register.sites()
        assert keys(app.screen.query_one(FastTable)) == [site.id]
        # Sites but no assets: the next step is named.
        assert app.screen.query_one("#sites-next").display


# -- importing a spreadsheet -----------------------------------------------------------------


async def test_import_assets_with_their_sites(make_empty_app, empty_register, tmp_path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "customer,site,kind,vendor,model,serial_number\n"
        "Acme,Server room,switch,Cisco,C9300,FOC0001\n"
        "Acme,Server room,toaster,Cisco,C9300,FOC0002\n"
        "Acme,Server room,switch,Cisco,C9300,FOC0001\n",
        encoding="utf-8",
    )
    good = tmp_path / "good.csv"
    good.write_text(
        "customer,site,kind,vendor,model,serial_number\n"
        "Acme,Server room,switch,Cisco,C9300,FOC0001\n"
        "Acme,Lab,router,Huawei,AR6280,2102001\n",
        encoding="utf-8",
    )
    app = make_empty_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, FirstStartScreen), "first start")
        first_start = app.screen
        await pilot.press("i")
        await wait_for(pilot, lambda: isinstance(app.screen, ImportScreen), "import")
        dialog = app.screen
        assert app.focused is dialog.query_one("#import-path")
        await pilot.press("enter")
        assert "give the path" in str(dialog.query_one("#import-result").render())

        dialog.query_one("#import-path", Input).value = str(bad)
        await pilot.press("enter")
        lines = str(dialog.query_one("#import-result").render()).splitlines()
        assert lines[0] == "Nothing imported: 2 problem(s) to fix"
        assert lines[1].startswith("⚠ line 3, column kind: 'toaster'")
        assert lines[2].startswith("⚠ line 4, column serial_number")
        assert not len(empty_register.store.assets)  # all or nothing

        dialog.query_one("#import-path", Input).value = str(good)
        await pilot.press("enter")
        assert "Imported 2 asset(s), 2 new site(s) and 1 new customer(s)" in str(
            dialog.query_one("#import-result").render()
        )
        await pilot.press("escape")
        # With assets there, the guidance steps aside for the asset list.
        await wait_for(pilot, lambda: isinstance(app.screen, AssetsScreen), "assets")
        assert first_start not in app.screen_stack
        assert len(app.screen.query_one(FastTable).rows) == 2
    assert {s.name for s in empty_register.sites()} == {"Server room", "Lab"}


async def test_import_sites_of_known_customers(make_empty_app, empty_register, tmp_path) -> None:
    CustomerBase(empty_register).save_customer({"name": "Acme", "code": "ACME"})
    sheet = tmp_path / "sites.csv"
    sheet.write_text(
        "customer,name,address,contacts\n"
        "ACME,Server room,1 Harbour Road,Li Na | IT manager | 139 1111 2222 || | signs\n"
        "Nobody,Lab,,\n",
        encoding="utf-8",
    )
    app = make_empty_app()
    async with app.run_test(size=SIZE) as pilot:
        # A customer but no assets: no welcome screen, the guidance in place of the table.
        await pilot.pause()
        assert isinstance(app.screen, AssetsScreen)
        assert "1 customer(s) · 0 site(s) · 0 asset(s)" in str(
            app.screen.query_one(".guide-progress").render()
        )
        assert str(app.screen.query_one("#by-hand").label) == "Add a site"
        await pilot.press("tab", "enter")  # the import button
        await wait_for(pilot, lambda: isinstance(app.screen, ImportScreen), "import")
        dialog = app.screen
        dialog.query_one("#import-kind", Select).value = "sites"
        dialog.query_one("#import-path", Input).value = str(sheet)
        await pilot.press("enter")
        lines = str(dialog.query_one("#import-result").render()).splitlines()
        assert lines[0] == "Nothing imported: 1 problem(s) to fix"
        assert lines[1].startswith("⚠ line 3, column customer: 'Nobody' is not a known customer")
        sheet.write_text(sheet.read_text(encoding="utf-8").replace("Nobody", "Acme"))
        await pilot.press("enter")
        assert "Imported sites: 2 added, 0 updated" in str(
            dialog.query_one("#import-result").render()
        )
    server_room = empty_register.find_site("Server room")
    assert server_room is not None and server_room.customer == "Acme"
    [li] = server_room.contacts
    assert (li.role, li.mobile, li.signs_off) == ("IT manager", "139 1111 2222", True)


async def test_text_typed_after_enter_lands_in_the_next_box(make_empty_app) -> None:
    """Keys queued behind an Enter or a Tab (a paste, a fast typist) go to the next field."""
    from textual import events

    app = make_empty_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, FirstStartScreen), "first start")
        form = await open_form(pilot, "new_customer", "New customer")
        # Posted at once, with no pause in between: the way a paste arrives.
        for key, char in [("A", "A"), ("enter", "\r"), ("E", "E"), ("tab", "\t"), ("X", "X")]:
            app.post_message(events.Key(key, char))
        await pilot.pause(0.2)
        assert form.query_one("#field-name", Input).value == "A"
        assert form.query_one("#field-name_en", Input).value == "E"
        assert form.query_one("#field-code", Input).value == "X"

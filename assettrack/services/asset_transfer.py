"""Import assets from CSV (all or nothing) and export them as CSV or JSON.

Cells are formula-safe both ways (see ``csv_rows``). An import may also create the customers
and sites its rows name (``create_sites``): they are checked together with the assets, and
written before them, so a bad row still writes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import orjson

from assettrack.domain.asset_fields import ASSET_FIELDS
from assettrack.domain.codec import to_doc
from assettrack.domain.errors import ValidationError
from assettrack.domain.models import Asset, Customer, Site
from assettrack.domain.validation import (
    asset_values,
    build_asset,
    build_customer,
    build_site,
)
from assettrack.domain.warranty import WarrantyStatus
from assettrack.i18n import N_, _
from assettrack.i18n.errors import translated
from assettrack.services.assets import AssetRegister, AssetView, serial_key
from assettrack.services.csv_rows import (
    ImportRejected,
    RowProblem,
    read_rows,
    read_text,
    row_problems,
    write_csv,
)
from assettrack.services.csv_rows import (
    neutralise as neutralise,  # re-exported: it lived here first
)
from assettrack.services.customers import CustomerBase

CSV_COLUMNS: tuple[str, ...] = ("site", *(f for f in ASSET_FIELDS if f != "site_id"))
REQUIRED_COLUMNS = ("site", "kind", "vendor", "model", "serial_number")
EXPORT_COLUMNS: tuple[str, ...] = (
    "id",
    "customer",
    *CSV_COLUMNS,
    "vendor_resolved",  # the vendor the typed one names (华为 -> Huawei); ignored on import
    "warranty_status",
    "warranty_ends",
    "warranty_days_left",
)
CREATE_SITES_HINT = N_(
    "import with --create-sites to create the sites and customers the file names"
)


@dataclass
class AssetImport:
    """What an import adds: new customers, then new sites, then the assets."""

    assets: list[Asset]
    customers: list[Customer] = field(default_factory=list)
    sites: list[Site] = field(default_factory=list)


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


class _SiteFinder:
    """Each row's site: by id, by name within the row's customer, or by a unique name.

    With ``create`` a site (and customer) not found is planned instead, once per name.
    """

    def __init__(self, register: AssetRegister, create: bool) -> None:
        self.register = register
        self.base = CustomerBase(register)
        self.create = create
        self.new_customers: dict[str, Customer] = {}
        self.new_sites: dict[tuple[str, str], Site] = {}
        self._customers: dict[str, Customer | None] = {}
        # Sites of a customer by name; legacy sites have only the customer's name.
        self._by_customer: dict[tuple[str, str], list[Site]] = {}
        for site in register.sites():
            for owner in {site.customer_id or "", _fold(site.customer)} - {""}:
                self._by_customer.setdefault((owner, _fold(site.name)), []).append(site)

    def customer(self, key: str) -> Customer | None:
        if key not in self._customers:
            self._customers[key] = self.base.find_customer(key)
        return self._customers[key]

    def site_for(
        self, line: int, values: Mapping[str, str]
    ) -> tuple[Site | None, list[RowProblem]]:
        site_key, customer_key = values.get("site", ""), values.get("customer", "")
        if not site_key:
            return None, [RowProblem(line, "site", "", _("is required"))]
        by_id = self.register.site(site_key)
        if by_id is not None:
            return by_id, []
        if not customer_key:
            return self._site_by_name(line, site_key)
        customer = self.customer(customer_key)
        owners = {_fold(customer_key)} | (
            {customer.id, _fold(customer.name)} if customer else set()
        )
        found = {s.id: s for o in owners for s in self._by_customer.get((o, _fold(site_key)), [])}
        if len(found) == 1:
            return next(iter(found.values())), []
        owner = customer or self.new_customers.get(_fold(customer_key))
        planned = self.new_sites.get((owner.id, _fold(site_key))) if owner else None
        if planned is not None:
            return planned, []
        if self.create:
            return self._plan(line, customer_key, owner, site_key)
        if customer is None:
            return None, [
                RowProblem(
                    line,
                    "customer",
                    customer_key,
                    _("is not a known customer id, code or name ({hint})").format(
                        hint=_(CREATE_SITES_HINT)
                    ),
                )
            ]
        return None, [
            RowProblem(
                line,
                "site",
                site_key,
                _("is not a site of {customer} ({hint})").format(
                    customer=customer.name, hint=_(CREATE_SITES_HINT)
                ),
            )
        ]

    def _site_by_name(self, line: int, site_key: str) -> tuple[Site | None, list[RowProblem]]:
        site = self.register.find_site(site_key)
        if site is not None:
            return site, []
        planned = [s for s in self.new_sites.values() if _fold(s.name) == _fold(site_key)]
        if len(planned) == 1:
            return planned[0], []
        if self.create:
            return None, [
                RowProblem(
                    line,
                    "customer",
                    "",
                    _("is required to create the site {site}").format(site=repr(site_key)),
                )
            ]
        return None, [
            RowProblem(
                line,
                "site",
                site_key,
                _("is not a known site name or id ({hint})").format(hint=_(CREATE_SITES_HINT)),
            )
        ]

    def _plan(
        self, line: int, customer_key: str, customer: Customer | None, site_key: str
    ) -> tuple[Site | None, list[RowProblem]]:
        if customer is None:
            try:
                customer = build_customer({"name": customer_key})
            except ValidationError as exc:
                return None, row_problems(line, exc.problems, {"name": "customer"})
            self.new_customers[_fold(customer_key)] = customer
        try:
            site = build_site(
                {"customer_id": customer.id, "customer": customer.name, "name": site_key}
            )
        except ValidationError as exc:
            return None, row_problems(line, exc.problems, {"name": "site"})
        site.visit_plan["starts_on"] = self.register.today.isoformat()  # as a site added by hand
        self.new_sites[(customer.id, _fold(site_key))] = site
        return site, []


def plan_assets_import(
    text: str, register: AssetRegister, source: str = "CSV", *, create_sites: bool = False
) -> AssetImport:
    """Validate every row (and the customers and sites to create); the import only if all
    rows are good."""
    table = read_rows(
        text,
        source,
        known=tuple(dict.fromkeys((*CSV_COLUMNS, *EXPORT_COLUMNS))),
        required=REQUIRED_COLUMNS,
        shown=CSV_COLUMNS,
    )
    problems = list(table.problems)
    sites = _SiteFinder(register, create_sites)
    assets: list[Asset] = []
    taken = register.serials()
    seen_in_file: dict[tuple[str, str], int] = {}
    for line, values in table.rows:
        site, site_problems = sites.site_for(line, values)
        if site is None:
            problems.extend(site_problems)
            continue
        try:
            asset = build_asset({**values, "site_id": site.id}, kinds=register.kinds)
        except ValidationError as exc:
            problems.extend(row_problems(line, exc.problems))
            continue
        key = serial_key(asset, register.rules.vendor_of)
        if key in seen_in_file:
            problems.append(
                RowProblem(
                    line,
                    "serial_number",
                    asset.serial_number,
                    _("appears twice in the file (also line {line})").format(
                        line=seen_in_file[key]
                    ),
                )
            )
            continue
        seen_in_file[key] = line
        planned_site = register.site(site.id) is None
        problems.extend(
            RowProblem(line, p.field, p.value, translated(p.reason))
            for p in register.check_new_asset(asset, taken)
            if not (planned_site and p.field == "site")
        )
        assets.append(asset)
    if problems:
        raise ImportRejected(source, table.named(problems))
    return AssetImport(assets, list(sites.new_customers.values()), list(sites.new_sites.values()))


def parse_assets_csv(text: str, register: AssetRegister, source: str = "CSV") -> list[Asset]:
    """Validate every row; return the assets only if all rows are good."""
    return plan_assets_import(text, register, source).assets


def save_assets_import(register: AssetRegister, plan: AssetImport) -> list[Asset]:
    """The new customers, sites and assets as one change: all of them, or none even after a
    crash, and no reader sees part of it."""
    try:
        with register.store.transaction("import"):
            for customer in plan.customers:
                register.store.customers.save(customer)
            for site in plan.sites:
                register.add_site(site)
            return register.store.assets.add_many(plan.assets)
    except BaseException:
        register.refresh()  # the sites remembered above were undone on disk
        raise


def import_assets(
    register: AssetRegister,
    path: Path,
    *,
    create_sites: bool = False,
    encoding: str | None = None,
) -> tuple[AssetImport, str]:
    """Read, check and save a file; the import as saved, and the encoding it was read in
    (``encoding`` if given, else decided from the file)."""
    text, encoding = read_text(path, encoding)
    plan = plan_assets_import(text, register, source=str(path), create_sites=create_sites)
    plan.assets = save_assets_import(register, plan)
    return plan, encoding


def import_assets_file(register: AssetRegister, path: Path) -> tuple[list[Asset], str]:
    plan, encoding = import_assets(register, path)
    return plan.assets, encoding


# -- export --------------------------------------------------------------------------------


def export_row(view: AssetView) -> dict[str, str]:
    values = asset_values(view.asset)
    values.pop("site_id")
    w = view.warranty
    return {
        "id": view.asset.id,
        "customer": view.customer,
        "site": view.site_name,
        **values,
        "vendor_resolved": view.vendor_resolved or view.asset.vendor,
        "warranty_status": w.state.value,
        "warranty_ends": w.end.isoformat() if w.end else "",
        "warranty_days_left": "" if w.days_left is None else str(w.days_left),
    }


def assets_csv(views: Iterable[AssetView], *, excel_bom: bool = False) -> str:
    return write_csv((export_row(v) for v in views), EXPORT_COLUMNS, excel_bom=excel_bom)


def assets_json(views: Iterable[AssetView], today: date, *, newline: bool = False) -> str:
    """Every asset's document with its site, customer and warranty status, as JSON indented
    by two spaces (orjson, in C: the standard library's indenting encoder is pure Python,
    6 s of 50,000 assets). Held views are written from their rows, undecoded."""
    from assettrack.services.asset_export import HeldViews, held_json_assets

    if isinstance(views, HeldViews):
        payload = held_json_assets(views.register, views.rows, views.today)
    else:
        payload = [_json_asset(to_doc(view.asset), view) for view in views]
    option = orjson.OPT_INDENT_2 | (orjson.OPT_APPEND_NEWLINE if newline else 0)
    return orjson.dumps({"as_of": today.isoformat(), "assets": payload}, option=option).decode()


def _json_asset(doc: dict[str, Any], view: AssetView) -> dict[str, Any]:
    doc["site"] = view.site_name
    doc["customer"] = view.customer
    doc["vendor_resolved"] = view.vendor_resolved or view.asset.vendor
    doc["warranty_status"] = warranty_json(view.warranty)
    return doc


def warranty_json(w: WarrantyStatus) -> dict[str, Any]:
    """A warranty status as the JSON export writes it."""
    return {
        "state": w.state.value,
        "start": w.start.isoformat() if w.start else None,
        "end": w.end.isoformat() if w.end else None,
        "days_left": w.days_left,
        "band": w.band,
        "source": w.source,
    }

"""Customers, sites and contracts to and from CSV: export, edit in a spreadsheet, import.

A row whose ``id`` is a record's updates that record (only the columns the file has); a row
without ``id`` adds one. Every row is checked, against the register and against the other
rows of the file, before anything is saved: one bad row imports nothing.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

from assettrack.domain.codec import to_doc
from assettrack.domain.errors import FieldProblem, ValidationError
from assettrack.domain.models import Contract, Customer, Site
from assettrack.domain.validation import (
    PLAN_COUNTS,
    build_customer,
    build_site,
    contract_values,
    customer_values,
    site_values,
)
from assettrack.errors import AssetTrackError
from assettrack.i18n import _
from assettrack.services.assets import AssetRegister
from assettrack.services.csv_rows import (
    ImportRejected,
    RowProblem,
    read_rows,
    read_text,
    row_problems,
    write_csv,
)
from assettrack.services.customers import CustomerBase

T = TypeVar("T", Customer, Site, Contract)

CUSTOMER_COLUMNS: tuple[str, ...] = ("id", "name", "name_en", "code", "notes", "contacts")
SITE_COLUMNS: tuple[str, ...] = (
    "id",
    "customer",
    "name",
    "address",
    "directions",
    "contacts",
    *(key for key, _ in PLAN_COUNTS),
    "preferred_weekdays",
    "engineer",
)
CONTRACT_COLUMNS: tuple[str, ...] = (
    "id",
    "number",
    "customer",
    "value",
    "currency",
    "starts_on",
    "ends_on",
    "service_years",
    "warranty_months",
    "warranty_ends_on",
    "sites",
    "assets",
    "cap_percents",
    "notes",
)
# Field names of the builders that the CSV calls otherwise.
COLUMN_OF_FIELD = {"customer_id": "customer", "site_ids": "sites", "asset_ids": "assets"}


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def split_list(cell: str) -> list[str]:
    """A cell of names or serials separated by ``;`` (names may hold spaces and commas)."""
    return list(dict.fromkeys(part.strip() for part in cell.split(";") if part.strip()))


# -- the flat rows a spreadsheet shows ---------------------------------------------------


def customer_row(customer: Customer) -> dict[str, str]:
    return {"id": customer.id, **customer_values(customer)}


def site_row(site: Site) -> dict[str, str]:
    values = site_values(site)
    values.pop("customer_id")
    return {"id": site.id, "customer": site.customer, **values}


def contract_row(contract: Contract, base: CustomerBase) -> dict[str, str]:
    values = contract_values(contract)
    site_ids, asset_ids = values.pop("site_ids"), values.pop("asset_ids")
    values.pop("customer_id")
    return {
        "id": contract.id,
        **values,
        "customer": contract.customer,
        "sites": "; ".join(_site_name(base, i) for i in site_ids.split(";") if i),
        "assets": "; ".join(_asset_names(base, [i for i in asset_ids.split(";") if i])),
    }


def _site_name(base: CustomerBase, site_id: str) -> str:
    site = base.register.site(site_id)
    return site.name if site else site_id


def _asset_names(base: CustomerBase, asset_ids: list[str]) -> list[str]:
    """Serials, which people recognise; the id where a serial alone is ambiguous."""
    if not asset_ids:
        return []
    serials = Counter(_fold(a.serial_number) for a in base.store.assets.all())
    names = []
    for asset_id in asset_ids:
        asset = base.store.assets.get(asset_id)
        unique = asset is not None and serials[_fold(asset.serial_number)] == 1
        names.append(asset.serial_number if asset is not None and unique else asset_id)
    return names


def site_ids_for(base: CustomerBase, keys: list[str], customer: Customer | None) -> list[str]:
    """Site ids from ids or names; a name is looked for among the customer's sites first,
    since two customers may both have a "Head Office". A key not found stays as typed, for
    the contract check to name it."""
    ids = []
    for key in keys:
        own = [
            s
            for s in base.register.sites()
            if customer is not None and s.customer_id == customer.id and _fold(s.name) == _fold(key)
        ]
        site = own[0] if len(own) == 1 else base.register.find_site(key)
        ids.append(site.id if site is not None else key)
    return ids


# -- one kind of record: how its rows are read, checked and saved ---------------------------


@dataclass
class _Built(Generic[T]):
    line: int
    item: T
    values: dict[str, Any]  # what the service saves, references already resolved
    base: T | None


class _Kind(Generic[T]):
    name = ""  # "customer"
    columns: tuple[str, ...] = ()

    def __init__(self, base: CustomerBase) -> None:
        self.base = base

    def existing(self) -> list[T]:
        raise NotImplementedError

    def row(self, item: T) -> dict[str, str]:
        raise NotImplementedError

    def build(self, values: dict[str, str], base: T | None) -> tuple[T, dict[str, Any]]:
        """The checked record and the values to save it from; raises ValidationError."""
        raise NotImplementedError

    def unique_keys(self, item: T) -> list[tuple[str, Any]]:
        """``(column, key)`` pairs no two records may share."""
        raise NotImplementedError

    def save(self, values: dict[str, Any], base: T | None) -> T:
        raise NotImplementedError


class _Customers(_Kind[Customer]):
    name = "customer"
    columns = CUSTOMER_COLUMNS

    def existing(self) -> list[Customer]:
        return self.base.customers()

    def row(self, item: Customer) -> dict[str, str]:
        return customer_row(item)

    def build(
        self, values: dict[str, str], base: Customer | None
    ) -> tuple[Customer, dict[str, Any]]:
        customer = build_customer(values, base=base)
        problems = self.base.check_customer(customer)
        if problems:
            raise ValidationError(problems, what=_("customer"))
        return customer, values

    def unique_keys(self, item: Customer) -> list[tuple[str, Any]]:
        keys: list[tuple[str, Any]] = [("name", _fold(item.name))]
        return keys + ([("code", _fold(item.code))] if item.code else [])

    def save(self, values: dict[str, Any], base: Customer | None) -> Customer:
        return self.base.save_customer(values, base)


class _Sites(_Kind[Site]):
    name = "site"
    columns = SITE_COLUMNS

    def existing(self) -> list[Site]:
        return self.base.register.sites()

    def row(self, item: Site) -> dict[str, str]:
        return site_row(item)

    def build(self, values: dict[str, str], base: Site | None) -> tuple[Site, dict[str, Any]]:
        key = values.pop("customer", "")
        customer = self.base.find_customer(key) if key else None
        if customer is None:
            problem = FieldProblem(
                "customer_id",
                key,
                _("is not a known customer id, code or name (import the customers first)")
                if key
                else _("is required"),
            )
            try:  # the row's other problems too, so one round of fixes is enough
                build_site({**values, "customer": key or "?"})
            except ValidationError as exc:
                raise ValidationError([problem, *exc.problems], what=_("site")) from None
            raise ValidationError([problem], what=_("site"))
        resolved = {**values, "customer_id": customer.id}
        return self.base.build_site(resolved, base=base), resolved

    def unique_keys(self, item: Site) -> list[tuple[str, Any]]:
        return [("name", (item.customer_id, _fold(item.name)))]

    def save(self, values: dict[str, Any], base: Site | None) -> Site:
        return self.base.save_site(values, base)


class _Contracts(_Kind[Contract]):
    name = "contract"
    columns = CONTRACT_COLUMNS

    def existing(self) -> list[Contract]:
        return self.base.contracts()

    def row(self, item: Contract) -> dict[str, str]:
        return contract_row(item, self.base)

    def build(
        self, values: dict[str, str], base: Contract | None
    ) -> tuple[Contract, dict[str, Any]]:
        key = values.pop("customer", "")
        customer = self.base.find_customer(key) if key else None
        sites, assets = split_list(values.pop("sites", "")), split_list(values.pop("assets", ""))
        resolved: dict[str, Any] = {
            **values,
            "customer_id": customer.id if customer else key,
            "site_ids": site_ids_for(self.base, sites, customer),
            "asset_ids": assets,
        }
        try:
            return self.base.build_contract(resolved, base=base), resolved
        except ValidationError as exc:
            # The service checks references only once the fields are good: name the bad
            # ones now too, so one round of fixes is enough.
            if any(p.field in ("site_ids", "asset_ids") for p in exc.problems):
                raise
            references = self._references(resolved["site_ids"], assets)
            raise ValidationError(exc.problems + references, what=_("contract")) from None

    def _references(self, site_ids: list[str], assets: list[str]) -> list[FieldProblem]:
        register = self.base.register
        problems = [
            FieldProblem("site_ids", key, _("is not a known site id or name"))
            for key in site_ids
            if register.site(key) is None
        ]
        for key in assets:
            try:
                register.find_asset(key)
            except AssetTrackError as exc:
                # Worded as the service words it, the key shown once.
                reason = str(exc).replace(repr(key), "", 1).strip()
                problems.append(FieldProblem("asset_ids", key, reason))
        return problems

    def unique_keys(self, item: Contract) -> list[tuple[str, Any]]:
        return [("number", _fold(item.number))]

    def save(self, values: dict[str, Any], base: Contract | None) -> Contract:
        return self.base.save_contract(values, base)


KINDS: dict[str, Callable[[CustomerBase], _Kind[Any]]] = {
    "customers": _Customers,
    "sites": _Sites,
    "contracts": _Contracts,
}


def _kind(name: str, base: CustomerBase) -> _Kind[Any]:
    try:
        return KINDS[name](base)
    except KeyError:
        raise AssetTrackError(
            _("{name} is not one of {kinds}").format(name=repr(name), kinds=", ".join(KINDS))
        ) from None


# -- import --------------------------------------------------------------------------------


@dataclass
class CatalogImport:
    added: list[Any] = field(default_factory=list)
    updated: list[Any] = field(default_factory=list)


def check_catalog_csv(kind_name: str, base: CustomerBase, text: str, source: str) -> list[_Built]:
    """Every row built and checked; raises ``ImportRejected`` naming every problem."""
    kind = _kind(kind_name, base)
    table = read_rows(text, source, known=kind.columns, required=())
    problems = list(table.problems)
    current = {item.id: item for item in kind.existing()}
    built: list[_Built] = []
    id_lines: dict[str, int] = {}
    for line, cells in table.rows:
        record_id = cells.pop("id", "")
        previous = current.get(record_id) if record_id else None
        if record_id and previous is None:
            problems.append(
                RowProblem(
                    line,
                    "id",
                    record_id,
                    _("is not the id of a {what} here (leave it empty to add a new one)").format(
                        what=_(kind.name)
                    ),
                )
            )
            continue
        if record_id in id_lines:
            problems.append(
                RowProblem(
                    line,
                    "id",
                    record_id,
                    _("appears twice in the file (also line {line})").format(
                        line=id_lines[record_id]
                    ),
                )
            )
            continue
        if record_id:
            id_lines[record_id] = line
        # An update changes only the columns the file has.
        values = {**(kind.row(previous) if previous else {}), **cells}
        values.pop("id", None)
        try:
            item, resolved = kind.build(values, previous)
        except ValidationError as exc:
            problems.extend(row_problems(line, exc.problems, COLUMN_OF_FIELD))
            continue
        built.append(_Built(line, item, resolved, previous))
    problems.extend(_twice_in_file(kind, built))
    if problems:
        raise ImportRejected(source, table.named(sorted(problems, key=lambda p: p.line)))
    return built


def _twice_in_file(kind: _Kind[Any], built: list[_Built]) -> list[RowProblem]:
    problems = []
    first: dict[tuple[str, Any], _Built] = {}
    for row in built:
        for column, key in kind.unique_keys(row.item):
            other = first.setdefault((column, key), row)
            if other is not row:
                problems.append(
                    RowProblem(
                        row.line,
                        column,
                        getattr(row.item, column),
                        _("appears twice in the file (also line {line})").format(line=other.line),
                    )
                )
    return problems


def import_catalog_csv(
    kind_name: str, base: CustomerBase, text: str, source: str = "CSV"
) -> CatalogImport:
    built = check_catalog_csv(kind_name, base, text, source)
    kind = _kind(kind_name, base)
    result = CatalogImport()
    try:
        # One change: every row saved, or none even after a crash or a full disk.
        with base.store.transaction("import"):
            for row in built:
                saved = kind.save(row.values, row.base)
                (result.updated if row.base is not None else result.added).append(saved)
    except BaseException:
        base.register.refresh()  # sites remembered while saving were undone on disk
        raise
    return result


def import_catalog_file(
    kind_name: str, register: AssetRegister, path: Path, encoding: str | None = None
) -> tuple[CatalogImport, str]:
    """Read, check and save a file; what was added and updated, and the file's encoding
    (``encoding`` if given, else decided from the file)."""
    text, encoding = read_text(path, encoding)
    return import_catalog_csv(kind_name, CustomerBase(register), text, str(path)), encoding


def import_sites_file(register: AssetRegister, path: Path) -> tuple[list[Site], str]:
    done, encoding = import_catalog_file("sites", register, path)
    return done.added + done.updated, encoding


# -- export --------------------------------------------------------------------------------


def catalog_csv(kind_name: str, base: CustomerBase, *, excel_bom: bool = False) -> str:
    kind = _kind(kind_name, base)
    return write_csv((kind.row(i) for i in kind.existing()), kind.columns, excel_bom=excel_bom)


def catalog_json(kind_name: str, base: CustomerBase) -> str:
    kind = _kind(kind_name, base)
    return json.dumps(
        {kind_name: [_json_doc(kind, item) for item in kind.existing()]},
        ensure_ascii=False,
        indent=2,
    )


def _json_doc(kind: _Kind[Any], item: Any) -> Mapping[str, Any]:
    doc = to_doc(item)
    if isinstance(item, Contract):
        row = kind.row(item)
        doc["sites"], doc["assets"] = split_list(row["sites"]), split_list(row["assets"])
    return doc

"""The customer base: customers, their sites and contracts, checked against each other.

Names are unique within their parent (a customer's name and code among customers, a site's
name within its customer, a contract's number), references must exist, and nothing that
still has assets or records behind it is removed. A removal leaves a tombstone, so a merge
with another laptop does not bring the document back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from assettrack.domain.errors import FieldProblem, ValidationError
from assettrack.domain.models import Contract, Customer, Site
from assettrack.domain.validation import build_contract, build_customer, build_site
from assettrack.errors import AssetTrackError
from assettrack.i18n import _
from assettrack.services.assets import AssetRegister


class StillInUse(AssetTrackError):
    """A removal refused because assets, records or sites still depend on the document."""


@dataclass(frozen=True)
class SiteUsage:
    assets: int
    records: dict[str, int]

    @property
    def total_records(self) -> int:
        return sum(self.records.values())


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


class CustomerBase:
    def __init__(self, register: AssetRegister) -> None:
        self.register = register
        self.store = register.store

    # -- customers -------------------------------------------------------------------------

    def customers(self) -> list[Customer]:
        return sorted(self.store.customers.list(), key=lambda c: (_fold(c.name), c.id))

    def customer(self, customer_id: str) -> Customer | None:
        return self.store.customers.get(customer_id)

    def find_customer(self, key: str) -> Customer | None:
        """A customer by id, code, name or English name (ignoring case and spacing)."""
        key = key.strip()
        if not key:
            return None
        by_id = self.store.customers.get(key)
        if by_id is not None:
            return by_id
        wanted = _fold(key)
        for attribute in ("code", "name", "name_en"):
            matches = [
                c for c in self.store.customers.list() if _fold(getattr(c, attribute)) == wanted
            ]
            if len(matches) == 1:
                return matches[0]
        return None

    def require_customer(self, key: str) -> Customer:
        found = self.find_customer(key)
        if found is None:
            raise AssetTrackError(
                _(
                    "no customer with id, code or name {key} (see 'assettrack customer list')"
                ).format(key=repr(key))
            )
        return found

    def check_customer(self, customer: Customer) -> list[FieldProblem]:
        problems = []
        for other in self.store.customers.list():
            if other.id == customer.id:
                continue
            if _fold(other.name) == _fold(customer.name):
                problems.append(
                    FieldProblem(
                        "name", customer.name, _("is already the customer {id}").format(id=other.id)
                    )
                )
            if customer.code and _fold(other.code) == _fold(customer.code):
                problems.append(
                    FieldProblem(
                        "code",
                        customer.code,
                        _("is already used by customer {id}").format(id=other.id),
                    )
                )
        return problems

    def save_customer(self, values: Mapping[str, Any], base: Customer | None = None) -> Customer:
        customer = build_customer(values, base=base)
        problems = self.check_customer(customer)
        if problems:
            raise ValidationError(problems, what=_("customer"))
        self.store.customers.save(customer)
        if base is not None and base.name != customer.name:
            self._rename_customer(customer)
        return customer

    def _rename_customer(self, customer: Customer) -> None:
        for site in self.store.sites.list():
            if site.customer_id == customer.id:
                site.customer = customer.name
                self.register.add_site(site)
        for contract in self.store.contracts.list():
            if contract.customer_id == customer.id:
                contract.customer = customer.name
                self.store.contracts.save(contract)

    def remove_customer(self, key: str) -> Customer:
        customer = self.require_customer(key)
        sites = [s for s in self.register.sites() if s.customer_id == customer.id]
        contracts = [c for c in self.store.contracts.list() if c.customer_id == customer.id]
        if sites or contracts:
            raise StillInUse(
                _(
                    "customer {name} still has {sites} site(s) and {contracts} "
                    "contract(s); remove those first ('assettrack site remove', or "
                    "edit the contracts)"
                ).format(name=repr(customer.name), sites=len(sites), contracts=len(contracts))
            )
        self.store.customers.delete(customer.id)
        return customer

    # -- sites -----------------------------------------------------------------------------

    def sites_of(self, customer_id: str) -> list[Site]:
        return [s for s in self.register.sites() if s.customer_id == customer_id]

    def resolve_site_values(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """``customer_id`` may be typed as an id, a code or a name: make it the id."""
        resolved = dict(values)
        key = str(values.get("customer_id") or values.get("customer") or "").strip()
        if key:
            customer = self.find_customer(key)
            if customer is None:
                raise ValidationError(
                    [
                        FieldProblem(
                            "customer_id", key, _("is not a known customer id, code or name")
                        )
                    ],
                    what=_("site"),
                )
            resolved["customer_id"] = customer.id
            resolved["customer"] = customer.name
        return resolved

    def check_site(self, site: Site) -> list[FieldProblem]:
        for other in self.register.sites():
            if (
                other.id != site.id
                and other.customer_id == site.customer_id
                and _fold(other.name) == _fold(site.name)
            ):
                return [
                    FieldProblem(
                        "name",
                        site.name,
                        _("is already a site of {customer} ({id})").format(
                            customer=site.customer, id=other.id
                        ),
                    )
                ]
        return []

    def build_site(self, values: Mapping[str, Any], base: Site | None = None) -> Site:
        """A site checked against the customers and the other sites, not yet saved."""
        site = build_site(self.resolve_site_values(values), base=base)
        if base is None:
            # The plan runs from the day the site is added: no visits are owed before it.
            site.visit_plan.setdefault("starts_on", self.register.today.isoformat())
        problems = self.check_site(site)
        if problems:
            raise ValidationError(problems, what=_("site"))
        return site

    def save_site(self, values: Mapping[str, Any], base: Site | None = None) -> Site:
        return self.register.add_site(self.build_site(values, base=base))

    def find_site(self, key: str) -> Site:
        site = self.register.find_site(key)
        if site is None:
            raise AssetTrackError(
                _(
                    "no site with id or name {key} (a name shared by two customers "
                    "needs 'Customer / Site'; see 'assettrack site list')"
                ).format(key=repr(key))
            )
        return site

    def site_usage(self, site_id: str) -> SiteUsage:
        assets = len(self.store.assets.by_site(site_id))
        records = {
            name: len(repo.for_site(site_id))
            for name, repo in (
                ("inspections", self.store.inspections),
                ("visits", self.store.visits),
                ("faults", self.store.faults),
                ("charges", self.store.charges),
                ("attachments", self.store.attachments),
            )
        }
        return SiteUsage(assets, {k: v for k, v in records.items() if v})

    def remove_site(self, key: str) -> Site:
        site = self.find_site(key)
        usage = self.site_usage(site.id)
        if usage.assets:
            raise StillInUse(
                _(
                    "site {name} still has {assets} asset(s); move them to another "
                    "site first ('assettrack asset move ASSET --to SITE', or Site in "
                    "the asset form); to keep a closed site's history, retire its "
                    "assets and plan 0 visits"
                ).format(name=repr(site.name), assets=usage.assets)
            )
        if usage.total_records:
            counts = ", ".join(f"{n} {kind}" for kind, n in usage.records.items())
            raise StillInUse(
                _(
                    "site {name} still has records ({counts}); they are the "
                    "customer's history, so the site stays"
                ).format(name=repr(site.name), counts=counts)
            )
        contracts = [c.number for c in self.store.contracts.list() if site.id in c.site_ids]
        if contracts:
            raise StillInUse(
                _(
                    "site {name} is covered by contract(s) {names}; take it off them "
                    "first ('assettrack contract edit')"
                ).format(name=repr(site.name), names=", ".join(contracts))
            )
        self.store.sites.delete(site.id)
        self.register.forget_site(site.id)
        return site

    # -- contracts -------------------------------------------------------------------------

    def contracts(self) -> list[Contract]:
        return sorted(self.store.contracts.list(), key=lambda c: (_fold(c.customer), c.number))

    def find_contract(self, key: str) -> Contract | None:
        key = key.strip()
        by_id = self.store.contracts.get(key) if key else None
        if by_id is not None:
            return by_id
        matches = [c for c in self.store.contracts.list() if _fold(c.number) == _fold(key)]
        return matches[0] if len(matches) == 1 else None

    def require_contract(self, key: str) -> Contract:
        found = self.find_contract(key)
        if found is None:
            raise AssetTrackError(
                _("no contract with id or number {key} (see 'assettrack contract list')").format(
                    key=repr(key)
                )
            )
        return found

    def build_contract(self, values: Mapping[str, Any], base: Contract | None = None) -> Contract:
        problems: list[FieldProblem] = []
        resolved = dict(values)
        key = str(values.get("customer_id") or values.get("customer") or "").strip()
        customer = self.find_customer(key) if key else None
        if key and customer is None:
            problems.append(
                FieldProblem("customer_id", key, _("is not a known customer id, code or name"))
            )
        elif customer is not None:
            resolved["customer_id"], resolved["customer"] = customer.id, customer.name
        try:
            contract = build_contract(resolved, base=base)
        except ValidationError as exc:
            raise ValidationError(problems + exc.problems, what=_("contract")) from None
        contract.site_ids = self._site_ids(contract.site_ids, customer, problems)
        contract.asset_ids = self._asset_ids(contract.asset_ids, problems)
        for other in self.store.contracts.list():
            if other.id != contract.id and _fold(other.number) == _fold(contract.number):
                problems.append(
                    FieldProblem(
                        "number", contract.number, _("is already contract {id}").format(id=other.id)
                    )
                )
        if problems:
            raise ValidationError(problems, what=_("contract"))
        return contract

    def _site_ids(
        self, keys: list[str], customer: Customer | None, problems: list[FieldProblem]
    ) -> list[str]:
        ids = []
        for key in keys:
            site = self.register.find_site(key)
            if site is None:
                problems.append(FieldProblem("site_ids", key, _("is not a known site id or name")))
            elif customer is not None and site.customer_id not in (None, customer.id):
                problems.append(
                    FieldProblem(
                        "site_ids",
                        key,
                        _("belongs to {customer}, not {name}").format(
                            customer=site.customer, name=customer.name
                        ),
                    )
                )
            else:
                ids.append(site.id)
        return ids

    def _asset_ids(self, keys: list[str], problems: list[FieldProblem]) -> list[str]:
        ids = []
        for key in keys:
            try:
                ids.append(self.register.find_asset(key).id)
            except AssetTrackError as exc:
                problems.append(FieldProblem("asset_ids", key, str(exc).replace(repr(key), "", 1)))
        return ids

    def save_contract(self, values: Mapping[str, Any], base: Contract | None = None) -> Contract:
        return self.store.contracts.save(self.build_contract(values, base=base))

    def contracts_ending(self, today: date, within_days: int) -> list[Contract]:
        """The renewal list: contracts whose term ends in the next ``within_days`` days."""
        if within_days < 0:
            raise AssetTrackError(
                _("--ending must be 0 or more days, not {within_days}").format(
                    within_days=within_days
                )
            )
        last = today + timedelta(days=within_days)
        found = [c for c in self.store.contracts.list() if c.ends_on and today <= c.ends_on <= last]
        return sorted(found, key=lambda c: (c.ends_on, c.number))

    def covered_assets(self, contract: Contract) -> list[str]:
        """Ids of the assets a contract covers: its sites', its list, and those naming it."""
        sites = set(contract.site_ids)
        listed = set(contract.asset_ids)
        return [
            a.id
            for a in self.store.assets.all()
            if a.site_id in sites or a.id in listed or a.contract_id == contract.id
        ]

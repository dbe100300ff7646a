"""Service charges per contract, and the labour cap after warranty (rules in
``assettrack.domain.charges``).

The warranty end a contract's caps count from, the first of these that is known:
1. the contract's own ``warranty_ends_on``;
2. the warranty the contract gives, ``warranty_months`` counted from its ``starts_on`` the
   way an asset's months are (24 months from 2023-03-15 end on 2025-03-15, the last day
   covered);
3. the latest warranty end among the assets it covers (its sites' assets, its listed assets
   and those whose ``contract_id`` names it): service is billed once all are out of
   warranty. Each asset is judged with the warranty rules the service is given; the command
   line and the app both give the configured rules with the plugins' (``Context.warranty_rules``
   and the app's register), so both show the same end.
With none of them, caps cannot be computed and the service says so. The caps are the
configured ones with the contract's own ``cap_percents`` band by band.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cached_property

from assettrack.domain.charges import (
    CapLevel,
    CapRules,
    CapStatus,
    Charge,
    ChargeKind,
    cap_message,
    cap_status,
    parse_amount,
)
from assettrack.domain.models import Contract
from assettrack.domain.warranty import WarrantyRules, add_months, warranty_status
from assettrack.errors import AssetTrackError
from assettrack.i18n import N_, _
from assettrack.i18n.errors import translated
from assettrack.i18n.formats import format_date
from assettrack.services.assets import AssetRegister
from assettrack.services.customers import CustomerBase
from assettrack.services.service_common import parse_choice
from assettrack.services.service_config import ServiceConfig
from assettrack.store.store import Store


@dataclass(frozen=True)
class ContractWarranty:
    end: date | None
    source: str  # which of the module docstring's rules gave the end


@dataclass(frozen=True)
class ContractCharges:
    contract: Contract
    warranty_end: date | None
    charges: tuple[Charge, ...]
    cap: CapStatus | None  # None without a warranty end
    warranty_source: str = ""

    @property
    def total(self) -> Decimal:
        return sum((c.amount for c in self.charges), Decimal(0))

    @property
    def labour(self) -> Decimal:
        return sum((c.amount for c in self.charges if c.kind is ChargeKind.LABOUR), Decimal(0))


@dataclass(frozen=True)
class ChargeResult:
    charge: Charge
    cap: CapStatus | None
    warnings: tuple[str, ...]


def parse_charge_kind(value: str | ChargeKind) -> ChargeKind:
    return parse_choice(ChargeKind, value, N_("a kind of charge"))


class ChargeService:
    def __init__(
        self,
        store: Store,
        config: ServiceConfig,
        warranty_rules: WarrantyRules | None = None,
        engineer: str = "",
        today: Callable[[], date] = date.today,
    ) -> None:
        self.store = store
        self.config = config
        self.warranty_rules = warranty_rules or WarrantyRules()
        self.engineer = engineer
        self.today = today

    def find_contract(self, ref: str) -> Contract:
        contracts = self.store.contracts.list()
        wanted = ref.strip()
        matches = [c for c in contracts if wanted in (c.id, c.number)]
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise AssetTrackError(_("no contract with id or number {ref}").format(ref=repr(ref)))
        raise AssetTrackError(
            _("{ref} matches {count} contracts; use the contract id").format(
                ref=repr(ref), count=len(matches)
            )
        )

    @cached_property
    def _customers(self) -> CustomerBase:
        return CustomerBase(AssetRegister(self.store, self.warranty_rules))

    def warranty(self, contract: Contract) -> ContractWarranty:
        """The warranty end the caps count from, and why (see the module docstring)."""
        if contract.warranty_ends_on is not None:
            return ContractWarranty(contract.warranty_ends_on, _("the contract's warranty end"))
        if contract.warranty_months is not None and contract.starts_on is not None:
            return ContractWarranty(
                add_months(contract.starts_on, contract.warranty_months),
                _("the contract's {months} months from {start}").format(
                    months=contract.warranty_months, start=format_date(contract.starts_on)
                ),
            )
        ends = [
            end
            for asset_id in self._customers.covered_assets(contract)
            if (asset := self.store.assets.get(asset_id)) is not None
            and (end := warranty_status(asset, self.warranty_rules, self.today()).end)
        ]
        if not ends:
            return ContractWarranty(None, _("no warranty end known for the contract or its assets"))
        return ContractWarranty(
            max(ends), _("the latest of {count} covered asset(s)").format(count=len(ends))
        )

    def warranty_end(self, contract: Contract) -> date | None:
        return self.warranty(contract).end

    def caps_for(self, contract: Contract) -> CapRules:
        """The configured caps with the contract's own percents."""
        return self.config.caps.with_percents(contract.cap_percents)

    def for_contract(self, contract_id: str) -> list[Charge]:
        found = [c for c in self.store.charges.iter_all() if c.contract_id == contract_id]
        return sorted(found, key=lambda c: (c.charged_on, c.id))

    def cap(self, contract: Contract, on: date | None = None) -> CapStatus | None:
        end = self.warranty_end(contract)
        if end is None:
            return None
        charges = self.for_contract(contract.id)
        return cap_status(contract.value, end, charges, on or self.today(), self.caps_for(contract))

    def add(
        self,
        contract_ref: str,
        site_id: str,
        amount: str | Decimal,
        *,
        charged_on: date | None = None,
        kind: ChargeKind | str = ChargeKind.LABOUR,
        description: str = "",
        fault_id: str | None = None,
        visit_id: str | None = None,
        engineer: str | None = None,
    ) -> ChargeResult:
        """Save a charge and say where its contract stands against the labour cap."""
        contract = self.find_contract(contract_ref)
        if self.store.sites.get(site_id) is None:
            raise AssetTrackError(_("no site with id {id}").format(id=repr(site_id)))
        charge = Charge(
            contract_id=contract.id,
            site_id=site_id,
            charged_on=charged_on or self.today(),
            amount=parse_amount(amount),
            kind=parse_charge_kind(kind),
            description=description.strip(),
            fault_id=fault_id,
            visit_id=visit_id,
            engineer=(self.engineer if engineer is None else engineer).strip(),
        )
        warnings = []
        if fault_id:
            fault = self.store.faults.get(site_id, fault_id)
            if fault is None:
                raise AssetTrackError(_("no fault {id} at this site").format(id=fault_id))
            if fault.warranty_covered:
                warnings.append(_("the fault is covered by warranty: service should be free"))
        self.store.charges.save(charge)
        status = self.cap(contract, charge.charged_on)
        if status is None:
            warnings.append(
                _(
                    "the contract has no warranty end (set it, or the assets' warranty): "
                    "the labour cap cannot be checked"
                )
            )
        elif charge.kind is ChargeKind.LABOUR and (
            status.alert or status.level is CapLevel.IN_WARRANTY
        ):
            warnings.append(translated(cap_message(status, contract.currency)))
        return ChargeResult(charge, status, tuple(warnings))

    def summary(
        self, on: date | None = None, contract_ref: str | None = None
    ) -> list[ContractCharges]:
        contracts = (
            [self.find_contract(contract_ref)] if contract_ref else self.store.contracts.list()
        )
        all_charges: dict[str, list[Charge]] = {}
        for charge in self.store.charges.iter_all():
            all_charges.setdefault(charge.contract_id, []).append(charge)
        rows = []
        for contract in sorted(contracts, key=lambda c: (c.customer, c.number)):
            charges = sorted(all_charges.get(contract.id, []), key=lambda c: (c.charged_on, c.id))
            warranty = self.warranty(contract)
            cap = (
                cap_status(
                    contract.value,
                    warranty.end,
                    charges,
                    on or self.today(),
                    self.caps_for(contract),
                )
                if warranty.end
                else None
            )
            rows.append(
                ContractCharges(contract, warranty.end, tuple(charges), cap, warranty.source)
            )
        return rows

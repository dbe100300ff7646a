"""Service charges per contract, and the labour cap after warranty (rules in
``assettrack.domain.charges``).

A contract's warranty end is its own ``warranty_ends_on`` if set; otherwise the latest
warranty end among the contract's assets (service is billed once all of them are out of
warranty). With neither, caps cannot be computed and the service says so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from assettrack.domain.charges import (
    CapLevel,
    CapStatus,
    Charge,
    ChargeKind,
    cap_message,
    cap_status,
    money,
)
from assettrack.domain.models import Contract
from assettrack.domain.warranty import WarrantyRules, warranty_status
from assettrack.errors import AssetTrackError
from assettrack.services.service_common import parse_choice
from assettrack.services.service_config import ServiceConfig
from assettrack.store.store import Store


@dataclass(frozen=True)
class ContractCharges:
    contract: Contract
    warranty_end: date | None
    charges: tuple[Charge, ...]
    cap: CapStatus | None  # None without a warranty end

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


def parse_amount(value: str | Decimal) -> Decimal:
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        raise AssetTrackError(f"{value!r} is not an amount of money") from None
    if not amount.is_finite() or amount <= 0:
        raise AssetTrackError(f"the amount must be more than 0, not {value}")
    return money(amount)


def parse_charge_kind(value: str | ChargeKind) -> ChargeKind:
    return parse_choice(ChargeKind, value, "a kind of charge")


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
            raise AssetTrackError(f"no contract with id or number {ref!r}")
        raise AssetTrackError(f"{ref!r} matches {len(matches)} contracts; use the contract id")

    def warranty_end(self, contract: Contract) -> date | None:
        if contract.warranty_ends_on is not None:
            return contract.warranty_ends_on
        ends = [
            status.end
            for asset in self.store.assets.all()
            if asset.contract_id == contract.id
            and (status := warranty_status(asset, self.warranty_rules, self.today())).end
        ]
        return max(ends) if ends else None

    def for_contract(self, contract_id: str) -> list[Charge]:
        found = [c for c in self.store.charges.iter_all() if c.contract_id == contract_id]
        return sorted(found, key=lambda c: (c.charged_on, c.id))

    def cap(self, contract: Contract, on: date | None = None) -> CapStatus | None:
        end = self.warranty_end(contract)
        if end is None:
            return None
        charges = self.for_contract(contract.id)
        return cap_status(contract.value, end, charges, on or self.today(), self.config.caps)

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
            raise AssetTrackError(f"no site with id {site_id!r}")
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
                raise AssetTrackError(f"no fault {fault_id} at this site")
            if fault.warranty_covered:
                warnings.append("the fault is covered by warranty: service should be free")
        self.store.charges.save(charge)
        status = self.cap(contract, charge.charged_on)
        if status is None:
            warnings.append(
                "the contract has no warranty end (set it, or the assets' warranty): "
                "the labour cap cannot be checked"
            )
        elif charge.kind is ChargeKind.LABOUR and (
            status.alert or status.level is CapLevel.IN_WARRANTY
        ):
            warnings.append(cap_message(status, contract.currency))
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
            end = self.warranty_end(contract)
            cap = (
                cap_status(contract.value, end, charges, on or self.today(), self.config.caps)
                if end
                else None
            )
            rows.append(ContractCharges(contract, end, tuple(charges), cap))
        return rows

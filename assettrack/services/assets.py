"""The asset register: sites and assets with their warranty status, validated on the way in."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import compress
from typing import Any

from assettrack.bulk import bulk_build
from assettrack.domain.errors import FieldProblem, ValidationError
from assettrack.domain.models import BUILTIN_ASSET_KINDS, Asset, Site
from assettrack.domain.warranty import (
    WarrantyRules,
    WarrantyStatus,
    add_months,
    warranty_status,
)
from assettrack.errors import AssetTrackError
from assettrack.i18n import _
from assettrack.store.asset_columns import AssetRow, decode
from assettrack.store.store import Store


@dataclass(frozen=True)
class AssetView:
    """An asset with what the screens and reports show beside it."""

    asset: Asset
    site: Site | None
    warranty: WarrantyStatus
    vendor_resolved: str = ""  # the vendor the asset's vendor text names (domain.vendors)

    @property
    def site_name(self) -> str:
        return self.site.name if self.site else "?"

    @property
    def customer(self) -> str:
        return self.site.customer if self.site else "?"


class AssetRegister:
    def __init__(
        self,
        store: Store,
        rules: WarrantyRules,
        kinds: Iterable[str] = BUILTIN_ASSET_KINDS,
        *,
        today: date | None = None,
    ) -> None:
        self.store = store
        # The day new documents are dated from (a command's --today), e.g. a new site's plan.
        self.today = today or date.today()
        self.rules = rules
        self.kinds = tuple(dict.fromkeys(kinds))
        self._sites: dict[str, Site] = {s.id: s for s in store.sites.list()}

    def refresh(self) -> None:
        """Read sites again (after a merge brought in or changed some)."""
        self._sites = {s.id: s for s in self.store.sites.list()}

    # -- sites -----------------------------------------------------------------------------

    def sites(self) -> list[Site]:
        return sorted(self._sites.values(), key=lambda s: (s.customer, s.name))

    def site(self, site_id: str) -> Site | None:
        return self._sites.get(site_id)

    def find_site(self, key: str) -> Site | None:
        """A site by id, by name if that is unambiguous, or as ``Customer / Site``
        (exact, ignoring case)."""
        key = key.strip()
        if key in self._sites:
            return self._sites[key]
        wanted = key.casefold()
        matches = [s for s in self._sites.values() if s.name.casefold() == wanted]
        if not matches and "/" in key:
            customer, _, name = (part.strip().casefold() for part in key.rpartition("/"))
            matches = [
                s
                for s in self._sites.values()
                if s.name.casefold() == name and s.customer.casefold() == customer
            ]
        return matches[0] if len(matches) == 1 else None

    def forget_site(self, site_id: str) -> None:
        """The site was removed from the store (a tombstone)."""
        self._sites.pop(site_id, None)

    def add_site(self, site: Site) -> Site:
        self.store.sites.save(site)
        self._sites[site.id] = site
        return site

    # -- assets ----------------------------------------------------------------------------

    def view(self, asset: Asset, today: date) -> AssetView:
        return AssetView(
            asset,
            self._sites.get(asset.site_id),
            warranty_status(asset, self.rules, today),
            self.rules.vendor_of(asset.vendor),
        )

    def views(self, today: date, assets: Iterable[Asset] | None = None) -> list[AssetView]:
        if assets is not None:
            with bulk_build():
                return [self.view(a, today) for a in assets]
        return self.views_of(self.store.assets.rows(), today)

    def views_of(self, rows: Iterable[AssetRow], today: date) -> list[AssetView]:
        """Views of held rows (``store.assets.rows()``), each asset decoded once, its
        warranty worked out once for all the assets that share what decides it."""
        statuses = self.statuses(today)
        sites = self._sites
        vendors: dict[str, str] = {}  # a few dozen spellings among 50,000 assets
        vendor_of = self.rules.vendor_of

        def resolved(vendor: str) -> str:
            found = vendors.get(vendor)
            if found is None:
                found = vendors[vendor] = vendor_of(vendor)
            return found

        with bulk_build():
            return [
                AssetView(decode(row), sites.get(row.site_id), statuses(row), resolved(row.vendor))
                for row in rows
            ]

    def warranty_ends(self) -> Callable[[AssetRow], date | None]:
        """The last day of a held row's warranty (None: unknown), the end
        ``warranty_status`` gives the decoded asset, without decoding it or working out
        the rest of its status: the asset table and the expiry list need only this for most
        rows. The same few thousand (start, months) pairs recur across 50,000 assets."""
        known: dict[tuple[str, int], date] = {}
        period_for = self.rules.period_for

        def end_of(row: AssetRow) -> date | None:
            extension = row.warranty_extension_months or 0
            if row.warranty_end is not None:  # the asset's own end date beats the rules
                key = (row.warranty_end, extension)
            else:
                start = row.warranty_start or row.installed_on
                if start is None:
                    return None
                months = row.warranty_months
                if months is None:
                    months = period_for(row.vendor, row.model)[0]
                key = (start, months + extension)
            found = known.get(key)
            if found is None:
                found = known[key] = add_months(date.fromisoformat(key[0]), key[1])
            return found

        return end_of

    def statuses(self, today: date) -> Callable[[AssetRow], WarrantyStatus]:
        """The warranty status of a held row as of ``today``, as ``warranty_status`` gives it
        for the decoded asset. It depends only on the dates and periods keyed here (the
        vendor and model through the period the rules give them), so assets that share
        them share one (frozen) status: 50,000 assets have a few thousand."""
        known: dict[tuple[Any, ...], WarrantyStatus] = {}
        period_for = self.rules.period_for
        rules = self.rules

        def status(row: AssetRow) -> WarrantyStatus:
            key = (
                row.warranty_end,
                row.warranty_start or row.installed_on,
                row.warranty_extension_months,
                row.warranty_months,
                None
                if row.warranty_end or row.warranty_months is not None
                else period_for(row.vendor, row.model),
            )
            found = known.get(key)
            if found is None:
                found = known[key] = warranty_status(decode(row), rules, today)
            return found

        return status

    def find_asset(self, ref: str) -> Asset:
        """An asset by id, serial number or hostname (ignoring case); it must be unambiguous."""
        wanted = ref.strip().casefold()
        by_id = self.store.assets.get(ref.strip())
        if by_id is not None:
            return by_id
        matches = [
            decode(a)
            for a in self.store.assets.rows()
            if wanted in (a.serial_number.casefold(), a.hostname.casefold())
        ]
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise AssetTrackError(
                _("no asset with id, serial number or hostname {ref}").format(ref=repr(ref))
            )
        serials = ", ".join(sorted(a.serial_number for a in matches))
        raise AssetTrackError(
            _("{ref} matches {count} assets ({serials}); use the serial").format(
                ref=repr(ref), count=len(matches), serials=serials
            )
        )

    def check_new_asset(
        self, asset: Asset, taken: Mapping[tuple[str, str], str] | None = None
    ) -> list[FieldProblem]:
        """Problems that need the rest of the register: unknown site, a serial already used."""
        problems = []
        if asset.site_id not in self._sites:
            problems.append(FieldProblem("site", asset.site_id, _("is not a known site")))
        taken = self.serials() if taken is None else taken
        owner = taken.get(serial_key(asset, self.rules.vendor_of))
        if owner is not None and owner != asset.id:
            problems.append(
                FieldProblem(
                    "serial_number",
                    asset.serial_number,
                    _("is already registered for {vendor} (asset {owner})").format(
                        vendor=asset.vendor, owner=owner
                    ),
                )
            )
        return problems

    def serials(self) -> dict[tuple[str, str], str]:
        # Rows have the asset's vendor and serial number: no asset need be decoded.
        rows: Iterable[Any] = self.store.assets.rows()
        return {serial_key(a, self.rules.vendor_of): a.id for a in rows}

    def save_asset(self, values: Mapping[str, Any], base: Asset | None = None) -> Asset:
        from assettrack.domain.validation import build_asset  # a listing needs no forms

        asset = build_asset(values, kinds=self.kinds, base=base)
        problems = self.check_new_asset(asset)
        if problems:
            raise ValidationError(problems, what=_("asset"))
        return self.store.assets.save(asset)

    def set_status(self, asset: Asset, **changes: Any) -> Asset:
        return self.store.assets.save(dataclasses.replace(asset, **changes))

    def warranty_list(
        self,
        today: date,
        *,
        within_days: int | None = None,
        include_expired: bool = False,
        site: str | None = None,
        vendor: str | None = None,
        customer: str | None = None,
    ) -> list[AssetView]:
        """The team lead's expiry list, soonest first."""
        within = max(self.rules.thresholds) if within_days is None else within_days
        if within < 0:
            raise AssetTrackError(
                _("--within must be 0 or more days, not {days}").format(days=within)
            )
        first = date.min if include_expired else today
        try:
            last = today + timedelta(days=within)
        except OverflowError:
            last = date.max
        # The window by end date, over every row (most end outside it, or are unknown).
        rows = self.store.assets.rows()
        ends = list(map(self.warranty_ends(), rows))
        in_window = [end is not None and first <= end <= last for end in ends]
        sites = self._sites
        kept = []
        for row in compress(rows, in_window):
            found = sites.get(row.site_id)
            if site and not _contains(site, found.name if found else "?", row.site_id):
                continue
            if vendor and not _contains(vendor, row.vendor):
                continue
            if customer and not _contains(customer, found.customer if found else "?"):
                continue
            kept.append(row)
        # Only the assets listed are decoded.
        views = self.views_of(kept, today)
        views.sort(key=lambda v: (v.warranty.end, v.customer, v.site_name, v.asset.serial_number))
        return views


def serial_key(asset: Asset, vendor_of: Callable[[str], str] | None = None) -> tuple[str, str]:
    """What must be unique: the vendor (as ``vendor_of`` resolves it: 华为 is Huawei) and
    the serial number, ignoring case."""
    vendor = vendor_of(asset.vendor) if vendor_of else asset.vendor
    return (vendor.casefold(), asset.serial_number.casefold())


def _contains(needle: str, *haystacks: str) -> bool:
    wanted = needle.strip().casefold()
    return any(wanted in h.casefold() for h in haystacks)

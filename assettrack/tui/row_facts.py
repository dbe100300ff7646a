"""The asset table's facts straight from the store's held rows, no asset decoded.

``asset_facts.register_facts`` decodes every asset and works out its whole warranty status
to keep four strings and an end date of it; at 50,000 assets that is most of the time the
table takes to load. These are the same facts (a test compares them), made from each row's
fields and the end of its warranty (``AssetRegister.warranty_ends``), with the widths of
the columns the table shows. Nothing here imports Textual; Rich's cell measure only where
a shown column holds text that is not ASCII (``asset_facts.text_width``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from assettrack.bulk import bulk_build
from assettrack.tui.asset_facts import FIELDS, FactColumns, text_width

if TYPE_CHECKING:
    from assettrack.domain.warranty import WarrantyRules
    from assettrack.services.assets import AssetRegister
    from assettrack.services.row_columns import Columns
    from assettrack.store.asset_columns import AssetRow


def facts_of_rows(register: AssetRegister, rows: Sequence[AssetRow] | None = None) -> FactColumns:
    """The facts of the held rows (``store.assets.rows()``, or ``rows``), as
    ``asset_facts.register_facts`` gives them for the decoded assets, without decoding any.

    Made a column at a time (``services.row_columns``): each site's name and customer, each
    warranty end's text and each list of tags worked out once per distinct value, each
    column made in C; kept as columns (``FactColumns``), as the table is made from them."""
    if rows is None:
        rows = register.store.assets.rows()
    sites = {site.id: (site.name, site.customer) for site in register.sites()}
    return facts_of_held(rows, sites, register.rules)


def facts_of_held(
    rows: Sequence[AssetRow], sites: Mapping[str, tuple[str, str]], rules: WarrantyRules
) -> FactColumns:
    """The facts of ``rows`` given each site's name and customer (by id; "?" for a site not
    there) and the warranty rules: ``facts_of_rows`` without a register."""
    # Here, not above: the table's module is imported before the first paint, the store's
    # model only behind it.
    from assettrack.services.row_columns import columns_of

    return facts_of_columns(columns_of(rows), sites, rules)


def facts_of_columns(
    held: Columns, sites: Mapping[str, tuple[str, str]], rules: WarrantyRules
) -> FactColumns:
    """``facts_of_held`` of the rows' columns (``AssetRepository.recorded_columns``)."""
    # No collector walks meanwhile: keying each row's warranty makes thousands of tuples,
    # and the collections they set off walked the store's 50,000 held rows (a third of
    # this at 50,000 assets on a cold start).
    with bulk_build():
        columns, widths = facts_before_rules(held, sites)
        return with_ends(columns, widths, *ends_of_columns(held, rules))


def facts_before_rules(
    held: Columns, sites: Mapping[str, tuple[str, str]]
) -> tuple[dict[str, tuple[Any, ...]], dict[str, int]]:
    """Every fact but the ends, of the held fields ``BEFORE_RULES`` names, with the widths of
    those shown: none needs the warranty rules (which on a first start take loading the
    plugins), so the app makes them while its child works the ends out (``cold_rows``)."""
    with bulk_build():
        named = {sid: sites.get(sid, _NO_SITE) for sid in set(held["site_id"])}
        tags = {t: " ".join(t) for t in set(held["tags"])}
        inspected = {d: d or "" for d in set(held["last_inspection"])}
        site_names = {k: s[0] for k, s in named.items()}
        columns = {
            **facts_as_held(held),
            "site": _each(held["site_id"], site_names),
            "customer": _each(held["site_id"], {k: s[1] for k, s in named.items()}),
            "inspected": _each(held["last_inspection"], inspected),
            "tags": _each(held["tags"], tags),
        }
        # The shown columns' widths over their distinct texts, at hand here (the table
        # measured 50,000 texts a column: 20 ms on a cold start at 50,000 assets).
        widths = {
            "site": text_width(site_names.values()),
            "inspected": text_width(inspected.values()),
            "serial": text_width(held["serial_number"]),  # as many as the rows
            **{name: text_width(set(held[name])) for name in _FEW_DISTINCT},
        }
    return columns, widths


def ends_of_columns(held: Columns, rules: WarrantyRules) -> tuple[tuple[str, ...], int]:
    """The ends' column (each warranty's last day, ISO) and its width."""
    from assettrack.services.row_columns import ends_by_rules

    with bulk_build():
        first_at, ends = ends_by_rules(rules, held)
        iso = {at: end.isoformat() if end else "" for at, end in ends.items()}
        return _each(first_at, iso), text_width(iso.values())


def with_ends(
    columns: dict[str, tuple[Any, ...]],
    widths: dict[str, int],
    ends: tuple[str, ...],
    ends_width: int,
) -> FactColumns:
    """The facts of ``facts_before_rules``'s columns and widths, with the ends."""
    whole = {**columns, "ends": ends}
    # Every column a tuple, as the snapshot's: facts compare equal column by column.
    return FactColumns(
        {name: tuple(whole[name]) for name in FIELDS}, {**widths, "ends": ends_width}
    )


_NO_SITE = ("?", "?")

# The facts that are a held field as it is (fact: field): known before the warranty rules.
AS_HELD = {
    "id": "id",
    "kind": "kind",
    "vendor": "vendor",
    "model": "model",
    "serial": "serial_number",
    "hostname": "hostname",
    "location": "location",
    "firmware": "firmware",
    "address": "management_address",
}


# The held fields ``facts_before_rules`` makes its facts of.
BEFORE_RULES: tuple[str, ...] = (*AS_HELD.values(), "site_id", "tags", "last_inspection")


def facts_as_held(held: Columns) -> dict[str, tuple[Any, ...]]:
    """The columns of the facts that are held fields as they are (``AS_HELD``)."""
    return {fact: held[field] for fact, field in AS_HELD.items()}


# Shown columns held as they are whose values are few and shared (the store keeps one object
# for equal values), so their set is quick to make.
_FEW_DISTINCT = ("vendor", "model", "location", "firmware")


def _each(values: Iterable[Any], table: dict[Any, str]) -> tuple[str, ...]:
    return tuple(map(table.__getitem__, values))

"""The asset table's rows on a start with no snapshot, as the forked child sends them.

The child (``forked_work``) reads the rows from the store's columns file alone while it
records every asset file as it is (``AssetRepository.recorded_columns``), else through the
store, and sends them in two parts, each as ``marshal`` writes it: first the facts that are
held fields as they are (``AS_HELD``: known before the warranty rules, which on a first
start take loading the plugins), then the other facts, the shown columns' widths and the
rules the ends were worked out with. ``from_parts`` makes the facts and the rules of them
again in the app.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, NamedTuple

from assettrack.bulk import bulk_build
from assettrack.domain.warranty import WarrantyRules
from assettrack.tui.asset_facts import FIELDS, FactColumns
from assettrack.tui.row_facts import AS_HELD, facts_as_held, facts_of_columns

if TYPE_CHECKING:
    from assettrack.services.assets import AssetRegister
    from assettrack.store.database import Database
    from assettrack.store.store import Store


class StoreRows(NamedTuple):
    """The asset table's rows read from the store, the rules their ends were worked out
    with, and the store and the register if they were made for them."""

    facts: FactColumns
    rules: WarrantyRules
    store: Store | None = None
    register: AssetRegister | None = None


def site_names(db: Database) -> dict[str, tuple[str, str]]:
    """Each site's name and customer, by id, read with no store opened."""
    from assettrack.domain.models import Site
    from assettrack.store.repositories import CatalogRepository

    with bulk_build():  # as the store reads them
        sites = CatalogRepository(db, "sites", Site).list()
        return {site.id: (site.name, site.customer) for site in sites}


def read_rows(
    db: Database,
    rules_of: Callable[[], WarrantyRules],
    rows_through_store: Callable[[], StoreRows],
) -> StoreRows:
    """The rows in this process: from the columns file alone while it records every asset
    file as it is (no store opened), with the rules ``rules_of`` gives, else through the
    store."""
    from assettrack.store.repositories import AssetRepository

    held = AssetRepository.recorded_columns(db)
    if held is None:
        return rows_through_store()
    rules = rules_of()
    return StoreRows(facts_of_columns(held, site_names(db), rules), rules)


def parts(
    db: Database,
    rules_of: Callable[[], WarrantyRules],
    rows_through_store: Callable[[], StoreRows],
) -> Iterator[tuple[Any, ...]]:
    """In the forked child: the rows in two parts, as ``marshal`` writes them. First the
    columns of the facts that are held fields as they are (``AS_HELD``), sent before the
    warranty rules are known (on a first start they take the plugins' loading); then the
    other facts' columns, the widths and the rules as plain values. A document set aside
    fails the child: the app's own read then sets it aside and says so."""
    from assettrack.store.repositories import AssetRepository

    notices = len(db.notices)
    held = AssetRepository.recorded_columns(db)
    if held is not None:
        yield tuple(facts_as_held(held).values())
        rules = rules_of()
        facts = facts_of_columns(held, site_names(db), rules)
    else:  # the columns file does not record every asset file as it is
        made = rows_through_store()
        facts, rules = made.facts, made.rules
        yield tuple(facts.columns[name] for name in AS_HELD)
    if len(db.notices) != notices:
        raise RuntimeError("a damaged document: read here")
    rest = tuple(tuple(facts.columns[name]) for name in FIELDS if name not in AS_HELD)
    yield rest, facts.widths, rules.plain()


def from_parts(
    as_held: tuple[Any, ...], rest: tuple[Any, ...]
) -> tuple[FactColumns, WarrantyRules]:
    """The facts and rules of the two parts ``parts`` gave."""
    columns, widths, plain = rest
    found = dict(zip(AS_HELD, as_held, strict=True))
    found.update(zip((name for name in FIELDS if name not in AS_HELD), columns, strict=True))
    facts = FactColumns({name: found[name] for name in FIELDS}, widths)
    return facts, WarrantyRules.from_plain(plain)

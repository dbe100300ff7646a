"""The asset table's rows on a start with no snapshot, as the forked child sends them.

The child (``forked_work``) reads the rows from the store's columns file alone while it
records every asset file as it is (``AssetRepository.recorded_columns``), else through the
store, and sends them in two parts, each as ``marshal`` writes it.

- From the columns file, where the warranty rules take loading the plugins (a first start):
  first the held fields every fact but the ends is made of (``BEFORE_RULES``) and each
  site's name and customer, as soon as they are read. The app makes those facts of them
  (``take_first``) while the child loads the plugins and works the ends out: the second
  part is the ends, their width and the rules.
- Otherwise (the rules the last start kept, or through the store): the facts that are held
  fields as they are (``AS_HELD``), then the other facts, the shown columns' widths and
  the rules the ends were worked out with. The child has them before the app is ready for
  them: made there, they cost the app nothing.

``from_parts`` makes the facts and the rules of either in the app.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, NamedTuple

from assettrack.bulk import bulk_build
from assettrack.domain.warranty import WarrantyRules
from assettrack.tui.asset_facts import FIELDS, FactColumns
from assettrack.tui.row_facts import (
    AS_HELD,
    BEFORE_RULES,
    ends_of_columns,
    facts_as_held,
    facts_before_rules,
    facts_of_columns,
    with_ends,
)

if TYPE_CHECKING:
    from assettrack.services.assets import AssetRegister
    from assettrack.store.database import Database
    from assettrack.store.store import Store


# What a first part holds: the held fields of ``BEFORE_RULES``, or the facts of ``AS_HELD``
HELD, FACTS = "held", "facts"


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
    plugins_load: Callable[[], bool],
    rows_through_store: Callable[[], StoreRows],
) -> Iterator[tuple[Any, ...]]:
    """In the forked child: the rows in two parts, as ``marshal`` writes them (see above),
    each first marked with what it holds; the ends worked out with the rules ``rules_of``
    gives, which ``plugins_load`` says take loading the plugins (no rules kept). A document
    set aside fails the child: the app's own read then sets it aside and says so."""
    from assettrack.store.repositories import AssetRepository

    notices = len(db.notices)
    held = AssetRepository.recorded_columns(db)
    second: tuple[Any, ...]
    if held is not None and plugins_load():
        yield HELD, tuple(held[name] for name in BEFORE_RULES), site_names(db)
        rules = rules_of()
        ends, width = ends_of_columns(held, rules)
        second = (ends, width, rules.plain())
    else:
        if held is not None:
            yield FACTS, tuple(facts_as_held(held).values())
            rules = rules_of()
            facts = facts_of_columns(held, site_names(db), rules)
        else:  # the columns file does not record every asset file as it is
            made = rows_through_store()
            facts, rules = made.facts, made.rules
            yield FACTS, tuple(facts.columns[name] for name in AS_HELD)
        rest = tuple(tuple(facts.columns[name]) for name in FIELDS if name not in AS_HELD)
        second = (rest, facts.widths, rules.plain())
    if len(db.notices) != notices:
        raise RuntimeError("a damaged document: read here")
    yield second


def take_first(first: tuple[Any, ...]) -> tuple[str, Any]:
    """What the app makes of the first part as soon as it has it: from the held fields,
    every fact but the ends and their widths, while the child works the ends out."""
    if first[0] == HELD:
        _, columns, sites = first
        return HELD, facts_before_rules(dict(zip(BEFORE_RULES, columns, strict=True)), sites)
    return FACTS, first[1]


def from_parts(
    taken: tuple[str, Any], second: tuple[Any, ...]
) -> tuple[FactColumns, WarrantyRules]:
    """The facts and rules of the first part as ``take_first`` took it and the second."""
    kind, made = taken
    if kind == HELD:
        before, widths = made
        ends, ends_width, plain = second
        return with_ends(before, widths, ends, ends_width), WarrantyRules.from_plain(plain)
    rest, widths, plain = second
    found = dict(zip(AS_HELD, made, strict=True))
    found.update(zip((name for name in FIELDS if name not in AS_HELD), rest, strict=True))
    facts = FactColumns({name: found[name] for name in FIELDS}, widths)
    return facts, WarrantyRules.from_plain(plain)

"""The asset table's facts straight from the store's held rows, no asset decoded.

``asset_facts.register_facts`` decodes every asset and works out its whole warranty status
to keep four strings and an end date of it; at 50,000 assets that is most of the time the
table takes to load. These are the same facts (a test compares them), made from each row's
fields and the end of its warranty (``AssetRegister.warranty_ends``). Nothing here imports
Textual or Rich, so the process that makes the start-up snapshot can use it too.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from assettrack.bulk import bulk_build
from assettrack.tui.asset_facts import AssetFacts

if TYPE_CHECKING:
    from assettrack.services.assets import AssetRegister
    from assettrack.store.asset_columns import AssetRow


def facts_of_rows(
    register: AssetRegister, rows: Sequence[AssetRow] | None = None
) -> list[AssetFacts]:
    """The facts of the held rows (``store.assets.rows()``, or ``rows``), as
    ``asset_facts.register_facts`` gives them for the decoded assets, without decoding any.

    Made a column at a time (``services.row_columns``): each site's name and customer, each
    warranty end's text and each list of tags worked out once per distinct value, and the
    facts put together by ``zip`` and tuple's constructor in C."""
    # Here, not above: the table's module is imported before the first paint, the store's
    # model only behind it.
    from assettrack.services.row_columns import columns_of, warranty_ends

    if rows is None:
        rows = register.store.assets.rows()
    held = columns_of(rows)
    sites = {site.id: site for site in register.sites()}
    named = {sid: sites.get(sid) for sid in set(held["site_id"])}
    first_at, ends = warranty_ends(register, rows, held)
    iso = {at: end.isoformat() if end else "" for at, end in ends.items()}
    tags = {t: " ".join(t) for t in set(held["tags"])}
    with bulk_build():
        return list(
            map(
                _new_facts,
                zip(
                    held["id"],
                    _each(held["site_id"], {k: s.name if s else "?" for k, s in named.items()}),
                    _each(held["site_id"], {k: s.customer if s else "?" for k, s in named.items()}),
                    held["kind"],
                    held["vendor"],
                    held["model"],
                    held["serial_number"],
                    held["hostname"],
                    held["location"],
                    held["firmware"],
                    _each(first_at, iso),
                    _each(
                        held["last_inspection"], {d: d or "" for d in set(held["last_inspection"])}
                    ),
                    held["management_address"],
                    _each(held["tags"], tags),
                    strict=True,
                ),
            )
        )


def _each(values: Iterable[Any], table: dict[Any, str]) -> Iterator[str]:
    return map(table.__getitem__, values)


_new_facts = partial(tuple.__new__, AssetFacts)

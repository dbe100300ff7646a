"""The asset table's facts straight from the store's held rows, no asset decoded.

``asset_facts.register_facts`` decodes every asset and works out its whole warranty status
to keep four strings and an end date of it; at 50,000 assets that is most of the time the
table takes to load. These are the same facts (a test compares them), made from each row's
fields and the end of its warranty (``AssetRegister.warranty_ends``). Nothing here imports
Textual or Rich, so the process that makes the start-up snapshot can use it too.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from functools import partial
from typing import TYPE_CHECKING

from assettrack.bulk import bulk_build
from assettrack.tui.asset_facts import AssetFacts

if TYPE_CHECKING:
    from assettrack.services.assets import AssetRegister
    from assettrack.store.asset_columns import AssetRow


def facts_of_rows(
    register: AssetRegister, rows: Iterable[AssetRow] | None = None
) -> list[AssetFacts]:
    """The facts of the held rows (``store.assets.rows()``, or ``rows``), as
    ``asset_facts.register_facts`` gives them for the decoded assets, without decoding any:
    the warranty's end is worked out from the row (``AssetRegister.warranty_ends``)."""
    ends = register.warranty_ends()
    sites = {site.id: site for site in register.sites()}
    iso: dict[date | None, str] = {None: ""}
    facts = []
    append = facts.append
    with bulk_build():
        for row in register.store.assets.rows() if rows is None else rows:
            site = sites.get(row.site_id)
            end = ends(row)
            text = iso.get(end)
            if text is None:
                text = iso[end] = end.isoformat()  # type: ignore[union-attr]
            append(
                _new_facts(
                    (
                        row.id,
                        site.name if site else "?",
                        site.customer if site else "?",
                        row.kind,
                        row.vendor,
                        row.model,
                        row.serial_number,
                        row.hostname,
                        row.location,
                        row.firmware,
                        text,
                        row.last_inspection or "",
                        row.management_address,
                        " ".join(row.tags),
                    )
                )
            )
    return facts


_new_facts = partial(tuple.__new__, AssetFacts)

"""The open visit of a site: started, not ended and not signed.

Inspections and faults made at a site while a visit is open belong to it, so the engineer
never types a visit id. Several services ask, so the question lives here on its own.
"""

from __future__ import annotations

from assettrack.domain.models import Visit
from assettrack.store.store import Store


def is_open(visit: Visit) -> bool:
    return visit.ended_at is None and visit.sign_off is None


def open_visit(store: Store, site_id: str) -> Visit | None:
    """The site's latest open visit (None: none is open)."""
    # Every month's file: a visit left open last month is still the one running.
    found = [v for v in store.visits.for_site(site_id) if is_open(v)]
    return max(found, key=lambda v: v.started_at.isoformat()) if found else None

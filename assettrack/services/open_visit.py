"""The open visit of a site: started within the last day, not ended and not signed.

Inspections and faults made at a site while a visit is open belong to it, so the engineer
never types a visit id. Several services ask, so the question lives here on its own.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from assettrack.domain.faults import is_before
from assettrack.domain.models import Visit
from assettrack.store.store import Store

# A field day. Visits recorded before visits could be started rarely have an end: a visit
# left unended for longer is history, never the frame of today's work.
OPEN_FOR = timedelta(hours=24)


def is_open(visit: Visit, now: datetime) -> bool:
    return (
        visit.ended_at is None
        and visit.sign_off is None
        and not is_before(now, visit.started_at)  # recorded in advance: not begun
        and not is_before(visit.started_at, now - OPEN_FOR)
    )


def open_visit(store: Store, site_id: str, now: datetime) -> Visit | None:
    """The site's latest open visit (None: none is open)."""
    # This month's file and last month's: a visit begun before midnight on the 1st still runs.
    first = (now - OPEN_FOR).date()
    found = [v for v in store.visits.for_site(site_id, first, now.date()) if is_open(v, now)]
    return max(found, key=lambda v: v.started_at.isoformat()) if found else None

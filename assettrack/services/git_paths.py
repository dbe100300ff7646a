"""Which files of a database its history commits: the data files, decided by their paths."""

from __future__ import annotations

import re

from assettrack.services.sync import _safe_partition
from assettrack.store.repositories import CATALOG

RECORD_KINDS = "inspections|visits|faults|charges|attachments"
_RECORD_PATH = re.compile(rf"records/(?:{RECORD_KINDS})/[^/]+/\d{{4}}-\d{{2}}\.json")
ATTACHMENT_PATH = re.compile(r"attachments/([0-9a-f]{2})/([0-9a-f]{64})")


def tracked_path(path: str) -> bool:
    """Whether a file of the database is committed: ``catalog.json``, ``assets/<site>.json``,
    ``records/<kind>/<site>/<YYYY-MM>.json`` and attached files named by their SHA-256.
    Locks, journals, ``.changes``, temporary files, quarantine, inbox, backups and ``.sync/``
    never are."""
    if path == CATALOG:
        return True
    if path.startswith("assets/"):
        return _safe_partition(path)
    if path.startswith("records/"):
        return _safe_partition(path) and _RECORD_PATH.fullmatch(path) is not None
    found = ATTACHMENT_PATH.fullmatch(path)
    return found is not None and found[2].startswith(found[1])

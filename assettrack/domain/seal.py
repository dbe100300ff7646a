"""Seals: what a signed maintenance record held when the customer signed it.

When a visit (or an inspection on its own) is signed, the SHA-256 of its content is kept in
its sign-off: the *seal*. A signed visit's sign-off also keeps the seal of each of its
inspections, so an inspection changed, moved or removed later breaks the visit's seal too.
Anyone can recompute a seal from the stored document alone, which is what ``verify`` and a
merge do, and what a customer's printed copy (which shows the seal) is checked against.

The content is the document as stored, less what is bookkeeping rather than record (its
revision, schema number and sync stamps) and less empty values, so a field added to the
model later, empty in old records, leaves their seals valid. The seal itself is taken out
before hashing. Keys are sorted and the text is UTF-8, so every laptop computes the same
seal for the same content. Nothing here reads or writes files.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

from assettrack.domain.codec import to_doc
from assettrack.domain.models import Inspection, Visit
from assettrack.domain.texts import N_

PREFIX = "sha256:"
# Bookkeeping, not record: changed by saves, migrations and merges without changing content.
NOT_CONTENT = frozenset({"revision", "schema", "_sync", "_deleted"})
SEALED_TABLES = ("visits", "inspections")


def _content(value: Any) -> Any:
    if isinstance(value, Mapping):
        kept = {}
        for key, item in value.items():
            item = _content(item)
            if item not in (None, "", [], {}):
                kept[str(key)] = item
        return kept
    if isinstance(value, list | tuple):
        return [_content(item) for item in value]
    return value


def content_seal(doc: Mapping[str, Any]) -> str:
    """The seal of a record's document: ``sha256:`` and 64 hex digits."""
    content = {k: v for k, v in doc.items() if k not in NOT_CONTENT}
    sign_off = content.get("sign_off")
    if isinstance(sign_off, Mapping):
        content["sign_off"] = {k: v for k, v in sign_off.items() if k != "seal"}
    text = json.dumps(_content(content), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return PREFIX + hashlib.sha256(text.encode("utf-8")).hexdigest()


def recorded_seal(doc: Mapping[str, Any]) -> str:
    """The seal a signed document carries ("" when unsigned, or signed before seals)."""
    sign_off = doc.get("sign_off")
    seal = sign_off.get("seal") if isinstance(sign_off, Mapping) else None
    return seal if isinstance(seal, str) else ""


def sealed_records(doc: Mapping[str, Any]) -> dict[str, str]:
    """A signed visit's inspections and the seal each had when the visit was signed."""
    sign_off = doc.get("sign_off")
    records = sign_off.get("records") if isinstance(sign_off, Mapping) else None
    if not isinstance(records, Mapping):
        return {}
    return {str(k): v for k, v in records.items() if isinstance(v, str)}


def is_signed(doc: Mapping[str, Any]) -> bool:
    return isinstance(doc.get("sign_off"), Mapping)


def broken_seal(doc: Mapping[str, Any]) -> bool:
    """Whether a signed document's content is no longer the content it was sealed with."""
    seal = recorded_seal(doc)
    return bool(seal) and content_seal(doc) != seal


def short(seal: str) -> str:
    """A seal as people compare it by eye: the algorithm and 16 hex digits."""
    return seal[: len(PREFIX) + 16] if seal.startswith(PREFIX) else seal


def seal(record: Visit | Inspection, inspections: Iterable[Inspection] = ()) -> None:
    """Seal a record as it is signed (its sign-off set): a visit with its inspections."""
    assert record.sign_off is not None
    if isinstance(record, Visit):
        record.sign_off.records = {i.id: content_seal(to_doc(i)) for i in inspections}
    record.sign_off.seal = ""
    record.sign_off.seal = content_seal(to_doc(record))


def refused_change(
    table: str,
    incoming: Mapping[str, Any],
    local: Mapping[str, Any] | None,
    sealed_by_visit: str = "",
) -> str:
    """Why an incoming copy of a record (another laptop's, a bundle's) must not replace the
    one here: a signed record does not change. "" when it may come in.

    ``local``: this database's copy; ``sealed_by_visit``: the seal a visit signed here gives
    the record (an inspection of a signed visit)."""
    if table not in SEALED_TABLES:
        return ""
    if broken_seal(incoming):
        return N_("its content is not the content the customer signed (changed after signing)")
    deleted = bool(incoming.get("_deleted"))
    if local is not None and is_signed(local) and not local.get("_deleted"):
        if deleted:
            return N_("it is signed here: a signed record is not deleted")
        if content_seal(incoming) != content_seal(local):
            return N_("it is signed here, and the incoming copy differs from what was signed")
    if sealed_by_visit and deleted:
        return N_("its visit is signed here: a record the customer signed is not deleted")
    if sealed_by_visit and content_seal(incoming) != sealed_by_visit:
        return N_("its visit is signed here, and the incoming copy differs from what was signed")
    return ""

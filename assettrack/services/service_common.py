"""Look-ups the service-record services share: sites by name, records by id, typed times."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum
from typing import Any, TypeVar

from assettrack.domain.models import Site
from assettrack.domain.validation import FIRST_YEAR, LAST_YEAR
from assettrack.errors import AssetTrackError
from assettrack.i18n import _
from assettrack.store.repositories import RecordRepository
from assettrack.store.store import Store

T = TypeVar("T")
MIN_PREFIX = 6


def find_site(store: Store, key: str) -> Site:
    """A site by id, by name (ignoring case) or by a unique part of its name."""
    sites = store.sites.list()
    wanted = key.strip().casefold()
    for rule in (
        lambda s: s.id == key.strip(),
        lambda s: s.name.casefold() == wanted,
        lambda s: wanted in s.name.casefold() or wanted in s.customer.casefold(),
    ):
        matches = [s for s in sites if rule(s)]
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            names = ", ".join(sorted(s.name for s in matches))
            raise AssetTrackError(
                _("{key} matches {count} sites ({names}); be exact").format(
                    key=repr(key), count=len(matches), names=names
                )
            )
    raise AssetTrackError(_("no site with id or name {key}").format(key=repr(key)))


def find_record(repo: RecordRepository[T], ref: str, what: str) -> T:
    """A record by id, or by an unambiguous id prefix of at least 6 characters; ``what``
    names the record in English (the catalog has it: "visit", "maintenance record")."""
    ref = ref.strip()
    matches = [r for r in repo.iter_all() if r.id == ref]  # type: ignore[attr-defined]
    if not matches and len(ref) >= MIN_PREFIX:
        matches = [r for r in repo.iter_all() if r.id.startswith(ref)]  # type: ignore[attr-defined]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise AssetTrackError(_("no {what} with id {ref}").format(what=_(what), ref=repr(ref)))
    raise AssetTrackError(
        _("{ref} matches {count} {what}s; give more of the id").format(
            ref=repr(ref), count=len(matches), what=_(what)
        )
    )


def parse_time(value: Any, field: str = "time") -> datetime:
    """ISO date-time (``2026-03-01 09:30``, with ``+08:00`` or ``Z`` for a zone) or datetime."""
    if isinstance(value, datetime):
        return value
    text = str(value).strip()
    try:
        moment = datetime.fromisoformat(text.replace(" ", "T", 1) if " " in text else text)
    except ValueError:
        raise AssetTrackError(
            _("{field}: {text} is not a date and time like 2026-03-01 09:30 (+08:00)").format(
                field=field, text=repr(text)
            )
        ) from None
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        # Response targets and report periods add to times: year 9999 would overflow them.
        raise AssetTrackError(
            _("{field}: {text} is outside the years {first}-{last}").format(
                field=field, text=repr(text), first=FIRST_YEAR, last=LAST_YEAR
            )
        )
    return moment


def short(record_id: str) -> str:
    return record_id[:8]


E = TypeVar("E", bound=StrEnum)


def parse_choice(
    kind: type[E], value: str | E, what: str, aliases: Mapping[str, str] | None = None
) -> E:
    """An enum member from what a person typed (case, dashes and spaces forgiven); ``what``
    says what it should be, in English (the catalog has it)."""
    text = str(value).strip().lower().replace("-", "_").replace(" ", "_")
    text = (aliases or {}).get(text, text)
    try:
        return kind(text)
    except ValueError:
        known = ", ".join(k.value for k in kind)
        raise AssetTrackError(
            _("{value} is not {what} ({known})").format(
                value=repr(value), what=_(what), known=known
            )
        ) from None

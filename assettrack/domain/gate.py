"""The gate every document passes on its way into the store, and again when it is read.

A document comes from a form, a CSV row, a command, a plugin or another laptop's bundle;
whatever its way in, it must have the shape of its model before it is written: every field of
the right JSON type, dates within the years 1970-2200, amounts finite and bounded, text of a
bounded size, ids that can name a file, ``schema`` and ``revision`` whole numbers. A document
that would decode only to crash a listing later (a serial number that is an object, a date of
year 9999) is refused here, with its id and the field at fault.

The checks are planned once per model from its type hints, as the codec's decoders are, so
checking 10,000 assets as they load costs little. Nothing here reads or writes files.
"""

from __future__ import annotations

import dataclasses
import enum
import math
import re
import types
import typing
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from assettrack.domain.attachments import MAX_SIZE, SHA256, Attachment, name_problem
from assettrack.domain.charges import Charge
from assettrack.domain.codec import from_doc
from assettrack.domain.errors import FieldProblem
from assettrack.domain.known_problems import KnownProblem
from assettrack.domain.models import (
    Asset,
    Contract,
    Customer,
    Fault,
    Inspection,
    Site,
    Visit,
)
from assettrack.domain.texts import N_
from assettrack.domain.validation import FIRST_YEAR, LAST_YEAR

# The tables of the store and the model of each one's documents.
MODELS: dict[str, type] = {
    "customers": Customer,
    "sites": Site,
    "contracts": Contract,
    "known_problems": KnownProblem,
    "assets": Asset,
    "inspections": Inspection,
    "visits": Visit,
    "faults": Fault,
    "charges": Charge,
    "attachments": Attachment,
}
CONFLICTS = "conflicts"  # merge conflicts waiting for a person: a shape of their own
SYNC, DELETED = "_sync", "_deleted"

# An id names a document and, for sites, a file: letters, digits, '.', '_', '-'.
ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
ID_FIELDS = frozenset(
    {
        "id",
        "target_id",  # an attachment's visit, fault or inspection
        "site_id",
        "asset_id",
        "contract_id",
        "customer_id",
        "visit_id",
        "fault_id",
        "known_problem_id",
        "source_fault_id",
        "site_ids",
        "asset_ids",
        "doc_id",
        "amends",
        "device_ids",
    }
)
MAX_TEXT = 100_000  # characters in one text field
# A console session's whole output; a core switch's configuration and its diff.
LONG_TEXT = {"transcript": 4_000_000, "config_text": 2_000_000, "config_diff": 4_000_000}
MAX_ITEMS = 10_000  # items in one list or mapping
MAX_DEPTH = 8  # nesting of free-form values (readings, feedback)
MAX_NUMBER = 10**12  # whole numbers in general
MAX_AMOUNT = Decimal("1e13")  # money: the largest contract value a form accepts
MAX_REVISIONS = 1_000
# Whole numbers with a known range: (low, high).
INT_RANGES: dict[str, tuple[int, int]] = {
    "schema": (1, 10_000),
    "revision": (0, 10**9),
    "warranty_months": (0, 600),
    "warranty_extension_months": (0, 600),
    "service_years": (1, 30),
    "baud": (50, 4_000_000),
    "size": (1, MAX_SIZE),  # an attachment's bytes
}
# Amounts with a known range.
AMOUNT_RANGES: dict[str, tuple[Decimal, Decimal]] = {
    "value": (Decimal(0), MAX_AMOUNT),
    "cap_percents": (Decimal(0), Decimal(100)),
}

Check = Callable[[Any, str, list[FieldProblem]], None]


def check_document(table: str, doc: Any, *, decode: bool = True) -> list[FieldProblem]:
    """What is wrong with ``doc`` as a document of ``table``; empty if nothing.

    ``decode`` also builds the model from it (the codec's own view); a document read back
    from the store was built from a model, so loading skips that second pass.
    """
    problems: list[FieldProblem] = []
    if not isinstance(doc, dict):
        problems.append(FieldProblem("(document)", _preview(doc), N_("is not an object")))
        return problems
    _check_id(doc.get("id"), "id", problems, required=True)
    _check_int(doc.get("schema"), "schema", problems, required=True)
    if SYNC in doc:
        _check_sync(doc[SYNC], problems)
    if doc.get(DELETED) is not None and not isinstance(doc.get(DELETED), bool):
        problems.append(FieldProblem(DELETED, _preview(doc[DELETED]), N_("must be true or false")))
    if problems or doc.get(DELETED):
        return problems  # a tombstone keeps only its id, schema and history
    if table == CONFLICTS:
        _check_conflict(doc, problems)
        return problems
    model = MODELS.get(table)
    if model is None:
        problems.append(FieldProblem("(table)", table, N_("is not a table assettrack keeps")))
        return problems
    _plan(model)(doc, "", problems)
    if model is Site and not problems and doc.get("visit_plan"):
        _check_visit_plan(doc["visit_plan"], problems)
    if model is Attachment and not problems:
        _check_attachment(doc, problems)
    if decode and not problems:
        try:
            from_doc(model, doc)
        except (TypeError, ValueError, KeyError, AttributeError) as exc:
            problems.append(
                FieldProblem("(document)", doc.get("id"), N_("does not fit ({why})", why=exc))
            )
    return problems


def describe(table: str, doc: Any, problems: list[FieldProblem]) -> str:
    """``asset 1b2c…: serial_number must be text (found an object)``, for one-line messages."""
    singular = table[:-1] if table.endswith("s") else table
    # The record's kind as the catalog has it ("asset": i18n.terms.RECORD_KINDS), or as it is.
    what = N_(singular)
    doc_id = doc.get("id") if isinstance(doc, dict) else None
    where = N_("{kind} {id}", kind=what, id=doc_id) if isinstance(doc_id, str) and doc_id else what
    return N_("{where}: {summary}", where=where, summary=summary(problems))


def summary(problems: list[FieldProblem]) -> str:
    """The first problem, and how many more: ``serial_number must be text (found a list)``."""
    first = problems[0]
    more = (
        N_(" (and {count} more problem(s))", count=len(problems) - 1) if len(problems) > 1 else ""
    )
    shown = "" if first.value is None else N_(" (found {value})", value=first.value)
    return N_(
        "{field} {reason}{found}{more}",
        field=first.field,
        reason=first.reason,
        found=shown,
        more=more,
    )


# -- planning the checks of a model ---------------------------------------------------------

_MISSING = object()


@cache
def _plan(cls: type) -> Callable[[dict[str, Any], str, list[FieldProblem]], None]:
    """The checks of ``cls``'s fields as one generated function.

    Most fields of most documents are plain text, an id, a whole number or an absent
    optional value: the generated code passes those inline, with no call, and calls a field's
    full check only when the quick test fails. Checking 10,000 assets as they load takes a
    third of the time a loop over the fields did (dataclasses generate code the same way).
    """
    hints = typing.get_type_hints(cls)
    namespace: dict[str, Any] = {"M": _MISSING, "missing": _missing, "is_id": ID.fullmatch}
    lines = ["def check(doc, prefix, problems):", "    get = doc.get"]
    for i, f in enumerate(dataclasses.fields(cls)):
        if f.name in ("id", "schema") and prefix_checked(cls):
            continue  # checked before the model's fields, tombstones' too
        tp = hints[f.name]
        namespace[f"check_{i}"] = _checker(tp, f.name)
        quick = []
        if tp is str and f.name in ID_FIELDS:
            quick.append("(type(v) is str and is_id(v) is not None)")
        elif tp is str:
            quick.append(f"(type(v) is str and len(v) <= {LONG_TEXT.get(f.name, MAX_TEXT)})")
        elif tp is int:
            low, high = INT_RANGES.get(f.name, (-MAX_NUMBER, MAX_NUMBER))
            quick.append(f"(type(v) is int and {low} <= v <= {high})")
        if type(None) in typing.get_args(tp):
            quick.append("v is None")
        required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        absent = f"missing(prefix + {f.name!r}, problems)" if required else "pass"
        lines += [
            f"    v = get({f.name!r}, M)",
            f"    if not ({' or '.join(quick) or 'False'}):",
            "        if v is M:",
            f"            {absent}",
            "        else:",
            f"            check_{i}(v, prefix + {f.name!r}, problems)",
        ]
    exec("\n".join(lines), namespace)  # source built above from the field names
    return namespace["check"]  # type: ignore[no-any-return]


def prefix_checked(cls: type) -> bool:
    """Whether ``check_document`` checks the model's id and schema itself (documents do;
    nested parts such as a contact are checked field by field)."""
    return cls in MODELS.values()


def _missing(where: str, problems: list[FieldProblem]) -> None:
    problems.append(FieldProblem(where, None, N_("is missing")))


def _checker(tp: Any, name: str) -> Check:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        inner = _checker(args[0], name) if len(args) == 1 else _free_value
        optional = type(None) in typing.get_args(tp)

        def maybe(value: Any, where: str, problems: list[FieldProblem]) -> None:
            if value is None and optional:
                return
            inner(value, where, problems)

        return maybe
    if origin is list:
        (item,) = typing.get_args(tp)
        return _list_of(_checker(item, name))
    if origin is dict:
        _, item = typing.get_args(tp)
        return _mapping_of(_checker(item, name))
    if tp is Any:
        return _free_value
    if dataclasses.is_dataclass(tp):
        return _nested(tp)
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return _choice(tp)
    if tp is str:
        if name in ID_FIELDS:
            return lambda v, w, p: _check_id(v, w, p, required=True)
        return _text(LONG_TEXT.get(name, MAX_TEXT))
    if tp is bool:
        return _flag
    if tp is int:
        low, high = INT_RANGES.get(name, (-MAX_NUMBER, MAX_NUMBER))
        return lambda v, w, p: _check_int(v, w, p, required=True, low=low, high=high)
    if tp is datetime:
        return _moment
    if tp is date:
        return _day
    if tp is Decimal:
        low_amount, high_amount = AMOUNT_RANGES.get(name, (-MAX_AMOUNT, MAX_AMOUNT))
        return lambda v, w, p: _amount(v, w, p, low_amount, high_amount)
    return _free_value


# -- the checks ----------------------------------------------------------------------------


_KINDS = {
    dict: N_("an object"),
    list: N_("a list"),
    str: N_("text"),
    bool: N_("true/false"),
    type(None): N_("null"),
}
_NUMBER, _VALUE = N_("a number"), N_("a value")


def _kind(value: Any) -> str:
    return _KINDS.get(type(value), _NUMBER if isinstance(value, int | float) else _VALUE)


def _preview(value: Any) -> str:
    if isinstance(value, dict | list):
        return _kind(value)
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _text(limit: int) -> Check:
    def check(value: Any, where: str, problems: list[FieldProblem]) -> None:
        if type(value) is not str:
            problems.append(FieldProblem(where, _preview(value), N_("must be text")))
        elif len(value) > limit:
            problems.append(
                FieldProblem(
                    where,
                    N_("{count} characters", count=len(value)),
                    N_("is longer than {limit}", limit=f"{limit:,}"),
                )
            )

    return check


def _check_id(value: Any, where: str, problems: list[FieldProblem], *, required: bool) -> None:
    if value is None and not required:
        return
    if type(value) is not str or not ID.fullmatch(value):
        problems.append(
            FieldProblem(
                where,
                _preview(value),
                N_("is not an id (1-128 letters, digits, '.', '_' or '-', not starting with '.')"),
            )
        )


def _check_int(
    value: Any,
    where: str,
    problems: list[FieldProblem],
    *,
    required: bool,
    low: int | None = None,
    high: int | None = None,
) -> None:
    if value is None and not required:
        return
    if low is None or high is None:
        low, high = INT_RANGES.get(where, (-MAX_NUMBER, MAX_NUMBER))
    if type(value) is not int:
        problems.append(FieldProblem(where, _preview(value), N_("must be a whole number")))
    elif not low <= value <= high:
        problems.append(
            FieldProblem(where, value, N_("must be between {low} and {high}", low=low, high=high))
        )


def _flag(value: Any, where: str, problems: list[FieldProblem]) -> None:
    if type(value) is not bool:
        problems.append(FieldProblem(where, _preview(value), N_("must be true or false")))


def _year_ok(year: int) -> bool:
    return FIRST_YEAR <= year <= LAST_YEAR


def _day(value: Any, where: str, problems: list[FieldProblem]) -> None:
    if type(value) is str and len(value) == 10:
        try:
            day = date.fromisoformat(value)
        except ValueError:
            pass
        else:
            if _year_ok(day.year):
                return
            problems.append(
                FieldProblem(
                    where,
                    value,
                    N_("is outside the years {first}-{last}", first=FIRST_YEAR, last=LAST_YEAR),
                )
            )
            return
    problems.append(FieldProblem(where, _preview(value), N_("is not a date (YYYY-MM-DD)")))


def _moment(value: Any, where: str, problems: list[FieldProblem]) -> None:
    if type(value) is str and len(value) <= 40:
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            if _year_ok(moment.year):
                return
            problems.append(
                FieldProblem(
                    where,
                    value,
                    N_("is outside the years {first}-{last}", first=FIRST_YEAR, last=LAST_YEAR),
                )
            )
            return
    problems.append(FieldProblem(where, _preview(value), N_("is not a date and time (ISO 8601)")))


def _amount(
    value: Any, where: str, problems: list[FieldProblem], low: Decimal, high: Decimal
) -> None:
    # Stored as text so money never passes through float; whole numbers are read too.
    if type(value) not in (str, int) or (type(value) is str and len(value) > 40):
        problems.append(FieldProblem(where, _preview(value), N_("is not an amount")))
        return
    try:
        amount = Decimal(value)
    except InvalidOperation:
        problems.append(FieldProblem(where, _preview(value), N_("is not an amount")))
        return
    if not amount.is_finite():
        problems.append(FieldProblem(where, _preview(value), N_("is not a finite amount")))
    elif not low <= amount <= high:
        problems.append(
            FieldProblem(
                where, _preview(value), N_("must be between {low} and {high}", low=low, high=high)
            )
        )


def _choice(kind: type[enum.Enum]) -> Check:
    values = frozenset(m.value for m in kind)
    shown = ", ".join(sorted(str(v) for v in values))

    def check(value: Any, where: str, problems: list[FieldProblem]) -> None:
        if type(value) is not str or value not in values:
            problems.append(
                FieldProblem(where, _preview(value), N_("must be one of {values}", values=shown))
            )

    return check


def _list_of(item: Check) -> Check:
    def check(value: Any, where: str, problems: list[FieldProblem]) -> None:
        if type(value) is not list:
            problems.append(FieldProblem(where, _preview(value), N_("must be a list")))
        elif len(value) > MAX_ITEMS:
            problems.append(
                FieldProblem(where, len(value), N_("has more than {limit} items", limit=MAX_ITEMS))
            )
        else:
            for i, element in enumerate(value):
                item(element, f"{where}[{i}]", problems)

    return check


def _mapping_of(item: Check) -> Check:
    def check(value: Any, where: str, problems: list[FieldProblem]) -> None:
        if type(value) is not dict:
            problems.append(FieldProblem(where, _preview(value), N_("must be an object")))
        elif len(value) > MAX_ITEMS:
            problems.append(
                FieldProblem(where, len(value), N_("has more than {limit} keys", limit=MAX_ITEMS))
            )
        else:
            for key, element in value.items():
                item(element, f"{where}.{key}", problems)

    return check


def _nested(cls: type) -> Check:
    def check(value: Any, where: str, problems: list[FieldProblem]) -> None:
        if type(value) is not dict:
            problems.append(FieldProblem(where, _preview(value), N_("must be an object")))
        else:
            _plan(cls)(value, where + ".", problems)

    return check


def _free_value(value: Any, where: str, problems: list[FieldProblem]) -> None:
    """Free-form values (readings, feedback): JSON of bounded size and depth."""
    budget = [MAX_ITEMS]

    def walk(node: Any, depth: int) -> str | None:
        budget[0] -= 1
        if budget[0] < 0:
            return N_("holds more than {limit} values", limit=MAX_ITEMS)
        if depth > MAX_DEPTH:
            return N_("is nested deeper than {limit} levels", limit=MAX_DEPTH)
        if isinstance(node, str):
            return (
                N_("holds text longer than {limit}", limit=f"{MAX_TEXT:,}")
                if len(node) > MAX_TEXT
                else None
            )
        if isinstance(node, float):
            return None if math.isfinite(node) else N_("holds a number that is not finite")
        if node is None or isinstance(node, bool | int):
            return None
        children = node.values() if isinstance(node, dict) else node
        if not isinstance(node, dict | list):
            return N_("holds a value JSON cannot")
        for child in children:
            found = walk(child, depth + 1)
            if found:
                return found
        return None

    reason = walk(value, 0)
    if reason:
        problems.append(FieldProblem(where, _preview(value), reason))


def _check_sync(value: Any, problems: list[FieldProblem]) -> None:
    if type(value) is not dict:
        problems.append(FieldProblem(SYNC, _preview(value), N_("must be an object")))
        return
    revs = value.get("revs", [])
    if type(revs) is not list or len(revs) > MAX_REVISIONS:
        problems.append(FieldProblem(f"{SYNC}.revs", _preview(revs), N_("must be a list of ids")))
    else:
        for i, rev in enumerate(revs):
            _check_id(rev, f"{SYNC}.revs[{i}]", problems, required=True)
    for key in ("by", "at"):
        if key in value and (type(value[key]) is not str or len(value[key]) > 200):
            problems.append(FieldProblem(f"{SYNC}.{key}", _preview(value[key]), N_("must be text")))


def _check_visit_plan(plan: Mapping[str, Any], problems: list[FieldProblem]) -> None:
    from assettrack.domain.errors import ValidationError
    from assettrack.domain.visits import VisitPlan  # only sites with a plan of their own

    try:
        VisitPlan.from_mapping(plan)
    except ValidationError as exc:
        problems.extend(
            FieldProblem(f"visit_plan.{p.field}", _preview(p.value), p.reason) for p in exc.problems
        )


def _check_attachment(doc: dict[str, Any], problems: list[FieldProblem]) -> None:
    # The hash names the content file and the name is shown and written out: neither may
    # reach outside the attachments folder.
    if not SHA256.fullmatch(doc["sha256"]):
        problems.append(
            FieldProblem("sha256", _preview(doc["sha256"]), N_("must be 64 lowercase hex digits"))
        )
    reason = name_problem(doc["name"])
    if reason:
        problems.append(FieldProblem("name", _preview(doc["name"]), reason))
    if not 0 < len(doc["media_type"]) <= 200:
        problems.append(
            FieldProblem("media_type", _preview(doc["media_type"]), N_("must be 1-200 characters"))
        )


def _check_conflict(doc: dict[str, Any], problems: list[FieldProblem]) -> None:
    """A conflict holds the other laptop's copy of a document, itself checked by its model."""
    table = doc.get("table")
    if table not in MODELS:
        problems.append(
            FieldProblem("table", _preview(table), N_("is not a table assettrack keeps"))
        )
    _check_id(doc.get("doc_id"), "doc_id", problems, required=True)
    for key in ("partition", "local_partition"):
        if type(doc.get(key)) is not str or len(doc[key]) > 300:
            problems.append(FieldProblem(key, _preview(doc.get(key)), N_("must name a file")))
    if doc.get("local_last") is not None:
        _check_id(doc["local_last"], "local_last", problems, required=True)
    if type(doc.get("detected_at", "")) is not str:
        problems.append(
            FieldProblem("detected_at", _preview(doc["detected_at"]), N_("must be text"))
        )
    theirs = doc.get("theirs")
    if problems:
        return
    inner = check_document(str(table), theirs)
    problems.extend(FieldProblem(f"theirs.{p.field}", p.value, p.reason) for p in inner)
    if not inner and theirs.get("id") != doc.get("doc_id"):
        problems.append(FieldProblem("theirs.id", _preview(theirs.get("id")), N_("is not doc_id")))

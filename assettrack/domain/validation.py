"""Build domain objects from what people type or import, with errors that say what is wrong.

Every builder collects *all* problems before raising, so a form or a CSV row can show them
together instead of one per attempt.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from assettrack.domain.errors import FieldProblem, ValidationError
from assettrack.domain.models import (
    Asset,
    AssetStatus,
    ConsoleSettings,
    Contact,
    Contract,
    Customer,
    Site,
)
from assettrack.domain.texts import N_

_HOSTNAME = re.compile(
    r"^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$"
)
_SERIAL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{1,63}$")
_FRAMING = re.compile(r"^[5-8][NEOMS][12]$")
FIRST_YEAR, LAST_YEAR = 1970, 2200
STANDARD_BAUDS = (1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200)


REQUIRED = N_("is required")


def _longer(limit: int) -> str:
    return N_("is longer than {limit} characters", limit=limit)


class _Collector:
    def __init__(self) -> None:
        self.problems: list[FieldProblem] = []

    def add(self, name: str, value: Any, reason: str) -> None:
        self.problems.append(FieldProblem(name, value, reason))


def _text(values: Mapping[str, Any], name: str) -> str:
    value = values.get(name)
    return "" if value is None else str(value).strip()


def parse_date(name: str, value: Any, problems: _Collector) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        problems.add(name, value, N_("is not a date in the form YYYY-MM-DD"))
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError as exc:
        problems.add(name, value, N_("is not a valid date ({why})", why=str(exc)))
        return None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        # Periods and schedules add years to dates: year 9999 would overflow them later.
        problems.add(
            name, value, N_("is outside the years {first}-{last}", first=FIRST_YEAR, last=LAST_YEAR)
        )
        return None
    return day


def parse_int(name: str, value: Any, problems: _Collector, *, low: int, high: int) -> int | None:
    if value is None or value == "":
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        problems.add(name, value, N_("is not a whole number"))
        return None
    if not low <= number <= high:
        problems.add(name, value, N_("must be between {low} and {high}", low=low, high=high))
        return None
    return number


def parse_tags(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    parts = value if isinstance(value, list | tuple) else str(value).split(";")
    return sorted({str(p).strip() for p in parts if str(p).strip()})


def is_valid_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
        return True
    except ValueError:
        # "999.1.1.1" is a mistyped IP address, not a host name.
        return not re.fullmatch(r"[\d.]+", text) and bool(_HOSTNAME.match(text))


def build_asset(
    values: Mapping[str, Any], *, kinds: Iterable[str], base: Asset | None = None
) -> Asset:
    """An Asset from flat field values (strings as typed or imported).

    ``base`` keeps the id, revision and history of an asset being edited.
    """
    p = _Collector()
    kinds = tuple(kinds)
    site_id = _text(values, "site_id")
    if not site_id:
        p.add("site_id", site_id, REQUIRED)
    kind = _text(values, "kind").lower()
    if kind not in kinds:
        p.add(
            "kind",
            values.get("kind"),
            N_("is not a known kind (known: {kinds})", kinds=", ".join(kinds)),
        )
    vendor = _text(values, "vendor")
    if not vendor:
        p.add("vendor", vendor, REQUIRED)
    model = _text(values, "model")
    if not model:
        p.add("model", model, REQUIRED)
    serial = _text(values, "serial_number")
    if not _SERIAL.match(serial):
        p.add(
            "serial_number",
            serial,
            N_("must be 2-64 letters, digits or . _ / - (no spaces)") if serial else REQUIRED,
        )
    address = _text(values, "management_address")
    if address and not is_valid_address(address):
        p.add("management_address", address, N_("is neither an IP address nor a host name"))
    hostname = _text(values, "hostname")
    installed_on = parse_date("installed_on", values.get("installed_on"), p)
    warranty_start = parse_date("warranty_start", values.get("warranty_start"), p)
    warranty_end = parse_date("warranty_end", values.get("warranty_end"), p)
    start = warranty_start or installed_on
    if warranty_end and start and warranty_end < start:
        p.add(
            "warranty_end",
            values.get("warranty_end"),
            N_("is before the warranty start {start}", start=start),
        )
    months = parse_int("warranty_months", values.get("warranty_months"), p, low=0, high=600)
    extension = parse_int(
        "warranty_extension_months", values.get("warranty_extension_months"), p, low=0, high=600
    )
    baud = parse_int("console_baud", values.get("console_baud"), p, low=50, high=4_000_000)
    if baud is not None and baud not in STANDARD_BAUDS:
        p.add(
            "console_baud",
            baud,
            N_("is not a standard speed ({speeds})", speeds=", ".join(map(str, STANDARD_BAUDS))),
        )
    framing = _text(values, "console_framing").upper()
    if framing and not _FRAMING.match(framing):
        p.add(
            "console_framing",
            framing,
            N_("must look like 8N1 (data bits, parity N/E/O, stop bits)"),
        )
    status_text = _text(values, "status") or AssetStatus.IN_SERVICE.value
    try:
        status = AssetStatus(status_text.lower().replace(" ", "_"))
    except ValueError:
        status = AssetStatus.IN_SERVICE
        p.add(
            "status",
            status_text,
            N_("must be one of {values}", values=", ".join(s.value for s in AssetStatus)),
        )
    if p.problems:
        raise ValidationError(p.problems, what=N_("asset"))

    asset = Asset(
        site_id=site_id,
        kind=kind,
        vendor=vendor,
        model=model,
        serial_number=serial,
        hostname=hostname,
        management_address=address,
        location=_text(values, "location"),
        firmware=_text(values, "firmware"),
        installed_on=installed_on,
        warranty_start=warranty_start,
        warranty_months=months,
        warranty_end=warranty_end,
        warranty_extension_months=extension or 0,
        contract_id=_text(values, "contract_id") or None,
        console=ConsoleSettings(
            port=_text(values, "console_port"),
            baud=baud,
            framing=framing,
            credentials_ref=_text(values, "console_credentials_ref"),
        ),
        driver=_text(values, "driver") or None,
        status=status,
        tags=parse_tags(values.get("tags")),
        notes=_text(values, "notes"),
    )
    if base is not None:
        asset.id = base.id
        asset.revision = base.revision
        asset.last_inspection = base.last_inspection
    return asset


def asset_values(asset: Asset) -> dict[str, str]:
    """The flat, editable view of an asset: the inverse of ``build_asset``."""

    def show(value: Any) -> str:
        return "" if value is None else str(value)

    return {
        "site_id": asset.site_id,
        "kind": asset.kind,
        "vendor": asset.vendor,
        "model": asset.model,
        "serial_number": asset.serial_number,
        "hostname": asset.hostname,
        "management_address": asset.management_address,
        "location": asset.location,
        "firmware": asset.firmware,
        "installed_on": show(asset.installed_on),
        "warranty_start": show(asset.warranty_start),
        "warranty_months": show(asset.warranty_months),
        "warranty_end": show(asset.warranty_end),
        "warranty_extension_months": show(asset.warranty_extension_months or ""),
        "contract_id": show(asset.contract_id),
        "console_port": asset.console.port,
        "console_baud": show(asset.console.baud),
        "console_framing": asset.console.framing,
        "console_credentials_ref": asset.console.credentials_ref,
        "driver": show(asset.driver),
        "status": asset.status.value,
        "tags": ";".join(asset.tags),
        "notes": asset.notes,
    }


# -- customers, sites, contracts -----------------------------------------------------------

MAX_NAME = 120
MAX_TEXT = 4000
# Digits with the separators people write: +86 21 5080-1234, (021) 6321 5678, ext. 12 / 转 12.
_PHONE = re.compile(r"^\+?[\d\s().\-/]{3,30}(\s*(ext\.?|x|转)\s*\d{1,6})?$", re.IGNORECASE)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,23}$")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
CONTACT_PARTS = ("name", "role", "mobile", "phone", "email", "signs_off")
PLAN_COUNTS: tuple[tuple[str, int], ...] = (
    ("scheduled_per_month", 31),
    ("follow_ups_per_month", 31),
    ("on_site_follow_ups_per_quarter", 92),
)
SITE_FIELDS: tuple[str, ...] = (
    "customer_id",
    "name",
    "address",
    "directions",
    "contacts",
    *(key for key, _ in PLAN_COUNTS),
    "preferred_weekdays",
    "engineer",
)
CUSTOMER_FIELDS: tuple[str, ...] = ("name", "name_en", "code", "notes", "contacts")
CONTRACT_FIELDS: tuple[str, ...] = (
    "number",
    "customer_id",
    "value",
    "currency",
    "starts_on",
    "ends_on",
    "service_years",
    "warranty_months",
    "warranty_ends_on",
    "site_ids",
    "asset_ids",
    "cap_percents",
    "notes",
)


def _name(values: Mapping[str, Any], key: str, p: _Collector, *, required: bool = True) -> str:
    text = _text(values, key)
    if required and not text:
        p.add(key, text, REQUIRED)
    elif len(text) > MAX_NAME:
        p.add(key, text[:20] + "…", _longer(MAX_NAME))
    return text


def _long_text(values: Mapping[str, Any], key: str, p: _Collector) -> str:
    text = _text(values, key)
    if len(text) > MAX_TEXT:
        p.add(key, text[:20] + "…", _longer(MAX_TEXT))
    return text


def parse_contact(text: str) -> dict[str, str]:
    """``name | role | mobile | office phone | e-mail | signs`` (the one-line form people type
    on the command line and in a CSV cell; trailing parts may be left out)."""
    parts = [part.strip() for part in text.split("|")]
    found = dict(zip(CONTACT_PARTS, parts, strict=False))
    if len(parts) > len(CONTACT_PARTS):
        found["_extra"] = "|".join(parts[len(CONTACT_PARTS) :])
    return found


def format_contact(contact: Contact) -> str:
    parts = [contact.name, contact.role, contact.mobile, contact.phone, contact.email]
    parts.append("signs" if contact.signs_off else "")
    while parts and not parts[-1]:
        parts.pop()
    return " | ".join(parts)


def parse_contacts_cell(value: Any) -> list[dict[str, str]]:
    """Contacts as a CSV cell: one-line contacts separated by ``;``."""
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return [parse_contact(v) if isinstance(v, str) else dict(v) for v in value]
    return [parse_contact(part) for part in str(value).split(";") if part.strip()]


def _is_yes(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().casefold() in ("signs", "sign", "yes", "y", "true", "1", "x", "是")


def build_contacts(raw: Any, p: _Collector, prefix: str = "contacts") -> list[Contact]:
    contacts = []
    for i, item in enumerate(parse_contacts_cell(raw)):
        where = f"{prefix}[{i + 1}]"
        name = str(item.get("name", "")).strip()
        if not name:
            p.add(f"{where}.name", name, REQUIRED)
        elif len(name) > MAX_NAME:
            p.add(f"{where}.name", name[:20] + "…", _longer(MAX_NAME))
        if item.get("_extra"):
            p.add(
                where,
                item["_extra"],
                N_("has more parts than name|role|mobile|phone|email|signs"),
            )
        for key in ("mobile", "phone"):
            number = str(item.get(key, "")).strip()
            if number and not _PHONE.match(number):
                p.add(
                    f"{where}.{key}",
                    number,
                    N_("is not a phone number (digits, spaces, + - ( ) /)"),
                )
        email = str(item.get("email", "")).strip()
        if email and not _EMAIL.match(email):
            p.add(f"{where}.email", email, N_("is not an e-mail address"))
        signs = item.get("signs_off", "")
        contacts.append(
            Contact(
                name=name,
                role=str(item.get("role", "")).strip(),
                phone=str(item.get("phone", "")).strip(),
                mobile=str(item.get("mobile", "")).strip(),
                email=email,
                signs_off=bool(signs) and _is_yes(signs),
            )
        )
    if sum(c.signs_off for c in contacts) > 1:
        p.add(
            prefix,
            [c.name for c in contacts if c.signs_off],
            N_("may mark only one person who signs"),
        )
    return contacts


def build_customer(values: Mapping[str, Any], base: Customer | None = None) -> Customer:
    p = _Collector()
    name = _name(values, "name", p)
    name_en = _name(values, "name_en", p, required=False)
    code = _text(values, "code").upper()
    if code and not _CODE.match(code):
        p.add("code", code, N_("must be 1-24 letters, digits or . _ - (no spaces)"))
    notes = _long_text(values, "notes", p)
    contacts = build_contacts(values.get("contacts"), p)
    if p.problems:
        raise ValidationError(p.problems, what=N_("customer"))
    customer = Customer(name=name, name_en=name_en, code=code, notes=notes, contacts=contacts)
    if base is not None:
        customer.id, customer.revision = base.id, base.revision
    return customer


# How weekdays are written besides mon..sun: English names, and Chinese (周四, 星期四, 礼拜四).
_DAY_NAMES = {
    **{
        name: day
        for day, name in zip(
            WEEKDAYS,
            ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
            strict=True,
        )
    },
    **{
        f"{prefix}{number}": day
        for prefix in ("周", "星期", "礼拜")
        for number, day in zip("一二三四五六日", WEEKDAYS, strict=True)
    },
    **{f"{prefix}天": "sun" for prefix in ("周", "星期", "礼拜")},
}
# Lists are split at ; , spaces and the Chinese list marks 、，；
WEEKDAY_SEPARATORS = r"[;,\s、，；]+"


def weekday_of(text: str) -> str | None:
    """``mon``..``sun`` for a weekday as a person writes it (``Thursday``, ``thurs``,
    ``周四``, ``星期四``), None if it is not one."""
    text = text.strip().casefold()
    day = _DAY_NAMES.get(text) or (text[:3] if text.isascii() else text)
    return day if day in WEEKDAYS else None


def parse_weekdays(value: Any, p: _Collector) -> list[str]:
    if value is None or value == "":
        return []
    parts = value if isinstance(value, list | tuple) else re.split(WEEKDAY_SEPARATORS, str(value))
    days = []
    for part in parts:
        if not str(part).strip():
            continue
        day = weekday_of(str(part))
        if day is None:
            p.add(
                "preferred_weekdays",
                part,
                N_("is not a weekday ({weekdays})", weekdays=", ".join(WEEKDAYS)),
            )
        elif day not in days:
            days.append(day)
    return sorted(days, key=WEEKDAYS.index)


def build_visit_plan(values: Mapping[str, Any], p: _Collector) -> dict[str, Any]:
    """A site's own plan: only the keys given; the rest come from config/visits.toml."""
    plan: dict[str, Any] = {}
    for key, high in PLAN_COUNTS:
        number = parse_int(key, values.get(key), p, low=0, high=high)
        if number is not None:
            plan[key] = number
    weekdays = parse_weekdays(values.get("preferred_weekdays"), p)
    if weekdays:
        plan["preferred_weekdays"] = weekdays
    engineer = _name(values, "engineer", p, required=False)
    if engineer:
        plan["engineer"] = engineer
    return plan


def plan_values(plan: Mapping[str, Any]) -> dict[str, str]:
    """A site's own plan as the flat text a form or CSV shows (empty: the default)."""
    found = {key: str(plan[key]) if key in plan else "" for key, _ in PLAN_COUNTS}
    found["preferred_weekdays"] = ";".join(plan.get("preferred_weekdays", []))
    found["engineer"] = str(plan.get("engineer", ""))
    return found


def build_site(values: Mapping[str, Any], base: Site | None = None) -> Site:
    """A site from flat values. ``customer_id`` is checked against the customers by the
    service; ``customer`` (the name) is filled in there too."""
    p = _Collector()
    customer_id = _text(values, "customer_id")
    customer = _text(values, "customer")
    if not customer_id and not customer:
        p.add("customer_id", customer_id, REQUIRED)
    name = _name(values, "name", p)
    address = _long_text(values, "address", p)
    directions = _long_text(values, "directions", p)
    contacts = build_contacts(values.get("contacts"), p)
    plan = build_visit_plan(values, p)
    if p.problems:
        raise ValidationError(p.problems, what=N_("site"))
    site = Site(
        customer=customer,
        name=name,
        address=address,
        contacts=contacts,
        visit_plan=plan,
        customer_id=customer_id or None,
        directions=directions,
    )
    if base is not None:
        site.id, site.revision = base.id, base.revision
        # Keys this form does not show (e.g. phone rules set in TOML) stay as they were.
        kept = {k: v for k, v in base.visit_plan.items() if k not in SITE_FIELDS}
        site.visit_plan = {**kept, **plan}
    return site


def site_values(site: Site) -> dict[str, str]:
    return {
        "customer_id": site.customer_id or "",
        "name": site.name,
        "address": site.address,
        "directions": site.directions,
        "contacts": "; ".join(format_contact(c) for c in site.contacts),
        **plan_values(site.visit_plan),
    }


def customer_values(customer: Customer) -> dict[str, str]:
    return {
        "name": customer.name,
        "name_en": customer.name_en,
        "code": customer.code,
        "notes": customer.notes,
        "contacts": "; ".join(format_contact(c) for c in customer.contacts),
    }


def parse_amount(name: str, value: Any, p: _Collector, *, high: Decimal) -> Decimal | None:
    raw = "" if value is None else str(value).strip().replace(",", "").replace("_", "")
    if not raw:
        return None
    try:
        amount = Decimal(raw)
    except InvalidOperation:
        p.add(name, value, N_("is not an amount (use digits and a decimal point)"))
        return None
    if not amount.is_finite() or amount < 0:
        p.add(name, value, N_("must be zero or a positive amount"))
        return None
    if amount > high:
        p.add(name, value, N_("is larger than {limit}", limit=f"{high:,}"))
        return None
    return amount


def parse_id_list(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    parts = value if isinstance(value, list | tuple) else re.split(r"[;,\s]+", str(value))
    return list(dict.fromkeys(str(v).strip() for v in parts if str(v).strip()))


MAX_CONTRACT_VALUE = Decimal("1e13")


def build_contract(values: Mapping[str, Any], base: Contract | None = None) -> Contract:
    """A contract from flat values; the customer, sites and assets it names are checked
    against the register by the service."""
    p = _Collector()
    customer_id = _text(values, "customer_id")
    customer = _text(values, "customer")
    if not customer_id and not customer:
        p.add("customer_id", customer_id, REQUIRED)
    number = _name(values, "number", p)
    value = parse_amount("value", values.get("value"), p, high=MAX_CONTRACT_VALUE)
    if value is None and not _text(values, "value"):
        p.add("value", "", REQUIRED)
    currency = (_text(values, "currency") or "CNY").upper()
    if not re.fullmatch(r"[A-Z]{3}", currency):
        p.add("currency", currency, N_("must be a three-letter code such as CNY, USD, EUR"))
    starts_on = parse_date("starts_on", values.get("starts_on"), p)
    ends_on = parse_date("ends_on", values.get("ends_on"), p)
    years = parse_int("service_years", values.get("service_years"), p, low=1, high=30)
    if starts_on and ends_on and ends_on < starts_on:
        p.add("ends_on", values.get("ends_on"), N_("is before the start {start}", start=starts_on))
    if starts_on and not ends_on and years:
        ends_on = _years_later(starts_on, years)
    warranty_text = _text(values, "warranty_months").casefold()
    warranty_months = None
    if warranty_text not in ("", "per vendor", "per_vendor", "vendor"):
        warranty_months = parse_int("warranty_months", warranty_text, p, low=0, high=600)
    warranty_ends_on = parse_date("warranty_ends_on", values.get("warranty_ends_on"), p)
    caps = []
    for i, raw in enumerate(parse_id_list(values.get("cap_percents"))):
        percent = parse_amount(f"cap_percents[{i + 1}]", raw.rstrip("%"), p, high=Decimal(100))
        if percent is not None:
            caps.append(percent)
    notes = _long_text(values, "notes", p)
    if p.problems:
        raise ValidationError(p.problems, what=N_("contract"))
    contract = Contract(
        customer=customer,
        number=number,
        value=value or Decimal(0),
        currency=currency,
        starts_on=starts_on,
        ends_on=ends_on,
        warranty_ends_on=warranty_ends_on,
        customer_id=customer_id or None,
        site_ids=parse_id_list(values.get("site_ids")),
        asset_ids=parse_id_list(values.get("asset_ids")),
        service_years=years,
        warranty_months=warranty_months,
        cap_percents=caps,
        notes=notes,
    )
    if base is not None:
        contract.id, contract.revision = base.id, base.revision
    return contract


def _years_later(start: date, years: int) -> date:
    """The last day of a term of ``years`` years from ``start`` (29 Feb clamps to 28th)."""
    from dateutil.relativedelta import relativedelta

    return start + relativedelta(years=years) - relativedelta(days=1)


def contract_values(contract: Contract) -> dict[str, str]:
    def show(value: Any) -> str:
        return "" if value is None else str(value)

    return {
        "number": contract.number,
        "customer_id": contract.customer_id or "",
        "value": str(contract.value),
        "currency": contract.currency,
        "starts_on": show(contract.starts_on),
        "ends_on": show(contract.ends_on),
        "service_years": show(contract.service_years),
        "warranty_months": show(contract.warranty_months),
        "warranty_ends_on": show(contract.warranty_ends_on),
        "site_ids": ";".join(contract.site_ids),
        "asset_ids": ";".join(contract.asset_ids),
        "cap_percents": ";".join(str(c) for c in contract.cap_percents),
        "notes": contract.notes,
    }

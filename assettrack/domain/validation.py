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
from assettrack.domain.models import Asset, AssetStatus, ConsoleSettings, Contact, Contract, Site

_HOSTNAME = re.compile(
    r"^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$"
)
_SERIAL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{1,63}$")
_FRAMING = re.compile(r"^[5-8][NEOMS][12]$")
STANDARD_BAUDS = (1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200)

ASSET_FIELDS: tuple[str, ...] = (
    "site_id",
    "kind",
    "vendor",
    "model",
    "serial_number",
    "hostname",
    "management_address",
    "location",
    "firmware",
    "installed_on",
    "warranty_start",
    "warranty_months",
    "warranty_end",
    "warranty_extension_months",
    "contract_id",
    "console_port",
    "console_baud",
    "console_framing",
    "console_credentials_ref",
    "driver",
    "status",
    "tags",
    "notes",
)


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
        problems.add(name, value, "is not a date in the form YYYY-MM-DD")
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        problems.add(name, value, f"is not a valid date ({exc})")
        return None


def parse_int(name: str, value: Any, problems: _Collector, *, low: int, high: int) -> int | None:
    if value is None or value == "":
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        problems.add(name, value, "is not a whole number")
        return None
    if not low <= number <= high:
        problems.add(name, value, f"must be between {low} and {high}")
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
        p.add("site_id", site_id, "is required")
    kind = _text(values, "kind").lower()
    if kind not in kinds:
        p.add("kind", values.get("kind"), f"is not a known kind (known: {', '.join(kinds)})")
    vendor = _text(values, "vendor")
    if not vendor:
        p.add("vendor", vendor, "is required")
    model = _text(values, "model")
    if not model:
        p.add("model", model, "is required")
    serial = _text(values, "serial_number")
    if not _SERIAL.match(serial):
        p.add(
            "serial_number",
            serial,
            "must be 2-64 letters, digits or . _ / - (no spaces)" if serial else "is required",
        )
    address = _text(values, "management_address")
    if address and not is_valid_address(address):
        p.add("management_address", address, "is neither an IP address nor a host name")
    hostname = _text(values, "hostname")
    installed_on = parse_date("installed_on", values.get("installed_on"), p)
    warranty_start = parse_date("warranty_start", values.get("warranty_start"), p)
    warranty_end = parse_date("warranty_end", values.get("warranty_end"), p)
    start = warranty_start or installed_on
    if warranty_end and start and warranty_end < start:
        p.add("warranty_end", values.get("warranty_end"), f"is before the warranty start {start}")
    months = parse_int("warranty_months", values.get("warranty_months"), p, low=0, high=600)
    extension = parse_int(
        "warranty_extension_months", values.get("warranty_extension_months"), p, low=0, high=600
    )
    baud = parse_int("console_baud", values.get("console_baud"), p, low=50, high=4_000_000)
    if baud is not None and baud not in STANDARD_BAUDS:
        p.add(
            "console_baud", baud, f"is not a standard speed ({', '.join(map(str, STANDARD_BAUDS))})"
        )
    framing = _text(values, "console_framing").upper()
    if framing and not _FRAMING.match(framing):
        p.add("console_framing", framing, "must look like 8N1 (data bits, parity N/E/O, stop bits)")
    status_text = _text(values, "status") or AssetStatus.IN_SERVICE.value
    try:
        status = AssetStatus(status_text.lower().replace(" ", "_"))
    except ValueError:
        status = AssetStatus.IN_SERVICE
        p.add("status", status_text, f"must be one of {', '.join(s.value for s in AssetStatus)}")
    if p.problems:
        raise ValidationError(p.problems, what="asset")

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


def build_site(values: Mapping[str, Any], base: Site | None = None) -> Site:
    p = _Collector()
    customer = _text(values, "customer")
    name = _text(values, "name")
    if not customer:
        p.add("customer", customer, "is required")
    if not name:
        p.add("name", name, "is required")
    contacts = []
    for i, raw in enumerate(values.get("contacts") or []):
        contact_name = str(raw.get("name", "")).strip()
        if not contact_name:
            p.add(f"contacts[{i}].name", contact_name, "is required")
        contacts.append(
            Contact(
                contact_name, str(raw.get("role", "")).strip(), str(raw.get("phone", "")).strip()
            )
        )
    if p.problems:
        raise ValidationError(p.problems, what="site")
    site = Site(customer=customer, name=name, address=_text(values, "address"), contacts=contacts)
    if base is not None:
        site.id, site.revision, site.visit_plan = base.id, base.revision, base.visit_plan
    return site


def build_contract(values: Mapping[str, Any]) -> Contract:
    p = _Collector()
    customer = _text(values, "customer")
    number = _text(values, "number")
    if not customer:
        p.add("customer", customer, "is required")
    if not number:
        p.add("number", number, "is required")
    raw_value = _text(values, "value")
    value = Decimal(0)
    try:
        value = Decimal(raw_value)
        if not value.is_finite() or value < 0:
            p.add("value", raw_value, "must be a positive amount")
    except InvalidOperation:
        p.add("value", raw_value, "is not an amount (use digits and a decimal point)")
    starts_on = parse_date("starts_on", values.get("starts_on"), p)
    ends_on = parse_date("ends_on", values.get("ends_on"), p)
    if starts_on and ends_on and ends_on < starts_on:
        p.add("ends_on", values.get("ends_on"), f"is before the start {starts_on}")
    if p.problems:
        raise ValidationError(p.problems, what="contract")
    return Contract(
        customer=customer,
        number=number,
        value=value,
        currency=_text(values, "currency") or "CNY",
        starts_on=starts_on,
        ends_on=ends_on,
    )

"""The documents assettrack keeps: sites, assets, contracts, visits, inspections, faults.

Every document has a uuid ``id``, the ``schema`` version it was written with and a
``revision`` that grows with each save (the basis for merging laptops' data later).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

# Re-exported: every model carries it in its "schema" field.
from assettrack.domain.schema_version import SCHEMA_VERSION as SCHEMA_VERSION

BUILTIN_ASSET_KINDS: tuple[str, ...] = ("router", "switch", "firewall", "gateway")


def new_id() -> str:
    return str(uuid.uuid4())


class AssetStatus(StrEnum):
    IN_SERVICE = "in_service"
    SPARE = "spare"
    OUT_FOR_REPAIR = "out_for_repair"
    LOANER_IN_PLACE = "loaner_in_place"
    RETIRED = "retired"


@dataclass
class Contact:
    name: str
    role: str = ""
    phone: str = ""  # office phone
    mobile: str = ""
    email: str = ""
    signs_off: bool = False  # the person who signs off visits at the site


@dataclass
class Customer:
    name: str  # as the customer writes it, often Chinese
    name_en: str = ""
    code: str = ""  # short code, unique, e.g. "ACME"
    notes: str = ""
    contacts: list[Contact] = field(default_factory=list)
    id: str = field(default_factory=new_id)
    schema: int = SCHEMA_VERSION
    revision: int = 0


@dataclass
class Site:
    # The customer's name, kept in step with the customer document (``customer_id``) so the
    # lists, reports and exports need no second look-up.
    customer: str
    name: str
    address: str = ""
    contacts: list[Contact] = field(default_factory=list)
    # Keys of ``VisitPlan`` that differ from the configured default plan.
    visit_plan: dict[str, Any] = field(default_factory=dict)
    customer_id: str | None = None
    directions: str = ""  # how to get there: gate, floor, who has the key
    id: str = field(default_factory=new_id)
    schema: int = SCHEMA_VERSION
    revision: int = 0


@dataclass
class ConsoleSettings:
    """How to reach the asset's console; credentials are a *reference*, never the secret."""

    port: str = ""
    baud: int | None = None
    framing: str = ""
    credentials_ref: str = ""


@dataclass
class Asset:
    """One piece of equipment at a site: what it is (kind, vendor as typed, model, serial
    number), where, its firmware, warranty fields (its own period or end date beat the
    rules), console settings and ``driver`` (a driver's name, or None for the best match)."""

    site_id: str
    kind: str
    vendor: str
    model: str
    serial_number: str
    hostname: str = ""
    management_address: str = ""
    location: str = ""
    firmware: str = ""
    installed_on: date | None = None
    warranty_start: date | None = None
    warranty_months: int | None = None
    warranty_end: date | None = None
    warranty_extension_months: int = 0
    contract_id: str | None = None
    console: ConsoleSettings = field(default_factory=ConsoleSettings)
    driver: str | None = None
    status: AssetStatus = AssetStatus.IN_SERVICE
    tags: list[str] = field(default_factory=list)
    notes: str = ""
    last_inspection: date | None = None
    id: str = field(default_factory=new_id)
    schema: int = SCHEMA_VERSION
    revision: int = 0


@dataclass
class Contract:
    customer: str
    number: str
    value: Decimal
    currency: str = "CNY"
    starts_on: date | None = None
    ends_on: date | None = None
    # Labour caps count years after warranty from here (else from the assets' warranties).
    warranty_ends_on: date | None = None
    customer_id: str | None = None
    # What it covers: every asset of these sites, the assets listed, and any asset whose
    # ``contract_id`` names this contract.
    site_ids: list[str] = field(default_factory=list)
    asset_ids: list[str] = field(default_factory=list)
    service_years: int | None = None  # the commitment's service term, 3-5 years
    warranty_months: int | None = None  # the warranty it gives; None: per vendor
    # Labour caps after warranty, percent of the value, one per band of config/charges.toml
    # in order; empty: the configured ones.
    cap_percents: list[Decimal] = field(default_factory=list)
    notes: str = ""
    id: str = field(default_factory=new_id)
    schema: int = SCHEMA_VERSION
    revision: int = 0


# --- service records: the shapes are fixed here, later work fills them -------------------


class VisitKind(StrEnum):
    SCHEDULED = "scheduled"
    FOLLOW_UP = "follow_up"
    PHONE_FOLLOW_UP = "phone_follow_up"
    FAULT_CALL_OUT = "fault_call_out"


@dataclass
class SignOff:
    representative: str
    signed_at: datetime
    # The record's seal at signing (``domain.seal``), and for a visit the seal of each of
    # its inspections then: a change behind assettrack's back no longer matches.
    seal: str = ""
    records: dict[str, str] = field(default_factory=dict)


@dataclass
class SurveyAnswer:
    """One question of the customer's feedback survey, as it was asked, and the answer."""

    question_id: str
    question: str
    score: int | None = None
    comment: str = ""


@dataclass
class FirmwareUpgrade:
    """Firmware the engineer upgraded during a visit (the register follows)."""

    asset_id: str
    old: str
    new: str
    reason: str = ""


@dataclass
class Visit:
    site_id: str
    engineer: str
    kind: VisitKind
    started_at: datetime
    ended_at: datetime | None = None
    hazards_found: list[str] = field(default_factory=list)
    hazards_removed: list[str] = field(default_factory=list)
    customer_opinion: str = ""
    feedback: dict[str, Any] = field(default_factory=dict)
    sign_off: SignOff | None = None
    checks: list[str] = field(default_factory=list)  # running status, parameters, settings
    notes: str = ""
    fault_id: str | None = None  # the fault a call-out answered
    # The commitment's record form: settings changed and firmware upgraded on this visit.
    parameter_changes: list[ParameterChange] = field(default_factory=list)
    firmware_upgrades: list[FirmwareUpgrade] = field(default_factory=list)
    survey: list[SurveyAnswer] = field(default_factory=list)
    completed_at: datetime | None = None
    # The site's devices in service when the visit completed: what "3 of 3" counted, kept
    # so later moves, loaners or new assets never rewrite a finished record.
    device_ids: list[str] = field(default_factory=list)
    # What the plan asked and was not done, as the engineer completed anyway (and why).
    not_done: list[str] = field(default_factory=list)
    # A correction of a signed visit is a new visit that amends it; the original stays.
    amends: str | None = None
    amendment_reason: str = ""
    id: str = field(default_factory=new_id)
    schema: int = SCHEMA_VERSION
    revision: int = 0


class ItemResult(StrEnum):
    """A checklist item's verdict; an item with none (None) is not answered yet."""

    PASS = "pass"
    FAIL = "fail"
    NOT_APPLICABLE = "n/a"


@dataclass
class ChecklistResult:
    item_id: str
    label: str
    result: ItemResult | None = None
    value: str = ""
    unit: str = ""
    note: str = ""
    filled_from: str = ""


@dataclass
class ParameterChange:
    parameter: str
    old_value: str
    new_value: str
    reason: str = ""
    asset_id: str | None = None  # the device changed, when the change is the visit's


class InspectionState(StrEnum):
    DRAFT = "draft"
    COMPLETE = "complete"
    SIGNED = "signed"


@dataclass
class ReadAttempt:
    """One console read for a maintenance record: when, how it ended, what was said."""

    at: datetime
    driver: str = ""
    port: str = ""
    ok: bool = False
    outcome: str = ""  # "read", or the error the engineer was shown
    transcript: str = ""  # redacted
    # Plugins that failed during the read or while its readings filled the checklist:
    # "plugin 'x' failed in assettrack_autofill: TypeError: ...", one line per kind.
    plugin_failures: list[str] = field(default_factory=list)


@dataclass
class ConfigSnapshot:
    """The device's configuration as a read captured it, secrets masked, never the secret.

    ``config_diff`` is the unified diff against the configuration of the asset's previous
    inspection (``compared_with``; None: the first one captured); ``saved`` says whether
    the running configuration is the one the device boots with (None: it cannot say).
    """

    command: str
    read_at: datetime
    config_text: str = ""
    saved: bool | None = None
    compared_with: str | None = None
    compared_at: datetime | None = None
    config_diff: str = ""


@dataclass
class Inspection:
    """A maintenance record: one asset inspected during one visit."""

    site_id: str
    asset_id: str
    created_at: datetime
    visit_id: str | None = None
    engineer: str = ""
    state: InspectionState = InspectionState.DRAFT
    items: list[ChecklistResult] = field(default_factory=list)
    readings: dict[str, Any] = field(default_factory=dict)
    # The transcript of the latest good read (of the latest read while none was good).
    transcript: str = ""
    reads: list[ReadAttempt] = field(default_factory=list)  # the latest reads, oldest first
    hazards_found: list[str] = field(default_factory=list)
    hazards_removed: list[str] = field(default_factory=list)
    parameter_changes: list[ParameterChange] = field(default_factory=list)
    # Things the engineer must look at, e.g. a serial number that differs from the register.
    flags: list[str] = field(default_factory=list)
    driver: str = ""
    notes: str = ""
    completed_at: datetime | None = None
    sign_off: SignOff | None = None
    amends: str | None = None  # the signed record this one corrects (in an amendment)
    # The configuration the latest read captured, and what changed since the last record.
    configuration: ConfigSnapshot | None = None
    id: str = field(default_factory=new_id)
    schema: int = SCHEMA_VERSION
    revision: int = 0


class ReportedVia(StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    FAX = "fax"
    ON_SITE = "on_site"


@dataclass
class TimeChange:
    """A fault's time set or corrected after it was reported: who, when, old -> new."""

    name: str  # the field: "responded_at", "on_site_at"...
    old: datetime | None
    new: datetime | None
    by: str = ""
    at: datetime | None = None


@dataclass
class Fault:
    site_id: str
    severity: int
    reported_via: ReportedVia
    reported_at: datetime
    created_at: datetime
    asset_id: str | None = None
    responded_at: datetime | None = None
    on_site_at: datetime | None = None
    resolved_at: datetime | None = None
    symptom: str = ""
    cause: str = ""
    result: str = ""
    diagnosis: str = ""
    resolution: str = ""
    escalation_rma: str = ""
    escalation_case: str = ""  # the manufacturer's case number
    spare_parts: list[str] = field(default_factory=list)
    loaner_serial: str = ""
    loaner_out_at: datetime | None = None  # the loaner was left on site
    loaner_returned_at: datetime | None = None  # ... and taken back
    warranty_covered: bool | None = None
    warranty_exclusion: str = ""
    engineer: str = ""
    sent_for_repair_at: datetime | None = None  # the faulty unit left the site
    unit_returned_at: datetime | None = None  # ... and came back (the loaner goes home)
    repair_action: str = ""  # repair, replace or refund: the three guarantees
    known_problem_id: str | None = None  # the known problem whose solution was applied
    visit_id: str | None = None  # the visit it was found or worked on (None: none open)
    # Every change of a time after the report, so a corrected response time shows.
    time_changes: list[TimeChange] = field(default_factory=list)
    id: str = field(default_factory=new_id)
    schema: int = SCHEMA_VERSION
    revision: int = 0

"""The domain's values as people read them, in the current language.

The domain keeps its values as data (``follow_up``, ``expiring``); the screens, the command
line and the reports show them through these functions. English is what the product always
showed (the value with spaces for underscores); the Chinese words are the glossary's
(docs/glossary.md). A value not listed here is shown as it is, never dropped.
"""

from __future__ import annotations

import re

from assettrack.i18n import N_, _, pgettext

# Warranty states, as the asset table's Warranty column shows them.
WARRANTY_STATES = {
    "active": N_("active"),
    "expiring": N_("expiring"),
    "expired": N_("expired"),
    "unknown": N_("unknown"),
}
VISIT_KINDS = {
    "scheduled": N_("scheduled"),
    "follow_up": N_("follow up"),
    "phone_follow_up": N_("phone follow up"),
    "fault_call_out": N_("fault call out"),
}
# The visit list's narrow Kind column.
VISIT_KINDS_SHORT = {
    "scheduled": N_("scheduled"),
    "follow_up": N_("follow-up"),
    "phone_follow_up": N_("phone follow-up"),
    "fault_call_out": N_("call-out"),
}
COMPLIANCE = {
    "met": N_("met"),
    "on_track": N_("on track"),
    "behind": N_("behind"),
    "missed": N_("missed"),
}
SLA = {
    "met": N_("met"),
    "missed": N_("missed"),
    "pending": N_("pending"),
    "no_target": N_("no target"),
}
SLA_TARGETS = {"respond": N_("respond"), "on_site": N_("on site"), "resolve": N_("resolve")}
REQUIREMENTS = (  # domain.visits' requirement labels
    N_("scheduled on-site visits"),
    N_("follow-ups (phone counts)"),
    N_("follow-ups (on site)"),
    N_("on-site follow-ups this quarter"),
)
ASSET_STATUSES = {
    "in_service": N_("in service"),
    "spare": N_("spare"),
    "out_for_repair": N_("out for repair"),
    "loaner_in_place": N_("loaner in place"),
    "retired": N_("retired"),
}
REPORTED_VIA = {
    "phone": N_("phone"),
    "email": N_("email"),
    "fax": N_("fax"),
    "on_site": "on_site",  # see reported_via: "on site" means another thing elsewhere
}
ITEM_RESULTS = {"pass": N_("pass"), "fail": N_("fail"), "n/a": N_("n/a")}
INSPECTION_STATES = {"draft": N_("draft"), "complete": N_("complete"), "signed": N_("signed")}
FAULT_STATES = {"open": N_("open"), "resolved": N_("resolved")}
REPAIR_ACTIONS = {"repair": N_("repair"), "replace": N_("replace"), "refund": N_("refund")}
CHARGE_KINDS = {
    "labour": N_("labour"),
    "parts": N_("parts"),
    "travel": N_("travel"),
    "other": N_("other"),
}
CAP_LEVELS = {  # a contract's labour against its cap
    "ok": N_("ok"),
    "warning": N_("warning"),
    "exceeded": N_("exceeded"),
    "in_warranty": N_("in warranty"),
    "no_cap": N_("no cap"),
    "unknown": N_("unknown"),
}
ASSET_KINDS = {  # the built-in kinds (plugins' kinds come with their own catalogs)
    "router": N_("router"),
    "switch": N_("switch"),
    "firewall": N_("firewall"),
    "gateway": N_("gateway"),
}

# A kind of record, as the history and the seals name one (a table's name, singular).
RECORD_KINDS = {
    "customer": N_("customer"),
    "site": N_("site"),
    "contract": N_("contract"),
    "known_problem": N_("known problem"),
    "asset": N_("asset"),
    "inspection": N_("inspection"),
    "visit": N_("visit"),
    "fault": N_("fault"),
    "charge": N_("charge"),
    "attachment": N_("attachment"),
    "conflict": N_("conflict"),
}
# The tables of records, as a conflict names its record's.
TABLES = {
    "customers": N_("customers"),
    "sites": N_("sites"),
    "contracts": N_("contracts"),
    "known_problems": N_("known problems"),
    "assets": N_("assets"),
    "inspections": N_("inspections"),
    "visits": N_("visits"),
    "faults": N_("faults"),
    "charges": N_("charges"),
    "attachments": N_("attachments"),
}
# What a commit of the team's history did to a record.
HISTORY_CHANGES = {
    "created": N_("created"),
    "changed": N_("changed"),
    "deleted": N_("deleted"),
    "merged": N_("merged"),
}


def record_kind(table: str) -> str:
    """A table's record in words: "visits" -> visit / 回访."""
    singular = table[:-1] if table.endswith("s") else table
    return term(RECORD_KINDS, singular)


def term(table: dict[str, str], value: str) -> str:
    """``value`` of one of the tables above, in words of the current language."""
    if table is REPORTED_VIA and value == "on_site":
        return pgettext("reported via", "on site")
    return _(table.get(value, value.replace("_", " ")))


def time_name(field: str) -> str:
    """A fault's time by its field (``domain.faults.TIME_LABELS``): "reported", "on site"...
    A name of a time, which Chinese says differently from the state ("resolved")."""
    names = {
        "reported_at": pgettext("fault time", "reported"),
        "responded_at": pgettext("fault time", "responded"),
        "on_site_at": pgettext("fault time", "on site"),
        "resolved_at": pgettext("fault time", "resolved"),
        "loaner_out_at": pgettext("fault time", "loaner out"),
        "loaner_returned_at": pgettext("fault time", "loaner back"),
        "sent_for_repair_at": pgettext("fault time", "sent for repair"),
        "unit_returned_at": pgettext("fault time", "unit returned"),
    }
    return names.get(field, field.removesuffix("_at").replace("_", " "))


def survey_scale(survey: object) -> str:
    """``1 (very dissatisfied) … 5 (very satisfied)`` with its words in the current language
    (``domain.survey.Survey.scale``)."""
    low, high = getattr(survey, "lowest", 1), getattr(survey, "highest", 5)
    low_means = getattr(survey, "lowest_means", "")
    high_means = getattr(survey, "highest_means", "")
    low_text = (
        _("{score} ({means})").format(score=low, means=_(low_means)) if low_means else str(low)
    )
    high_text = (
        _("{score} ({means})").format(score=high, means=_(high_means)) if high_means else str(high)
    )
    return f"{low_text} … {high_text}"


def asset_kind(kind: str) -> str:
    """A built-in kind in words; a plugin's kind through its catalog, else as it is."""
    return _(ASSET_KINDS.get(kind, kind))


def warranty_label(state: str, band: int | None) -> str:
    """The status words: active, expiring ≤30d, expired, unknown (as ``status_label``)."""
    if state == "expiring":
        return _("expiring ≤{days}d").format(days=band)
    return term(WARRANTY_STATES, state)


def warranty_source(source: str) -> str:
    """Where a warranty period came from (``WarrantyStatus.source``) in words: "asset's own
    period + 6 months extension", "Huawei default", "Cisco C9300*" (a vendor's pattern)."""
    from assettrack.domain import warranty

    base, extension = source, ""
    found = re.search(r" \+ (\d+) months extension$", source)
    if found:
        base = source[: found.start()]
        extension = _(" + {months} months extension").format(months=found.group(1))
    if base in (warranty.OWN_END, warranty.OWN_PERIOD, warranty.NO_START, warranty.GENERAL_DEFAULT):
        base = _(base)
    elif base.endswith(warranty.VENDOR_DEFAULT):
        base = _("{vendor} default").format(vendor=base.removesuffix(warranty.VENDOR_DEFAULT))
    return base + extension

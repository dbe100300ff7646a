"""The domain's values as people read them, in the current language.

The domain keeps its values as data (``follow_up``, ``expiring``); the screens, the command
line and the reports show them through these functions. English is what the product always
showed (the value with spaces for underscores); the Chinese words are the glossary's
(docs/glossary.md). A value not listed here is shown as it is, never dropped.
"""

from __future__ import annotations

from assettrack.i18n import N_, _

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
    "on_site": N_("on site"),
}
ITEM_RESULTS = {"pass": N_("pass"), "fail": N_("fail"), "n/a": N_("n/a")}
INSPECTION_STATES = {"draft": N_("draft"), "complete": N_("complete"), "signed": N_("signed")}
FAULT_STATES = {"open": N_("open"), "resolved": N_("resolved")}
ASSET_KINDS = {  # the built-in kinds (plugins' kinds come with their own catalogs)
    "router": N_("router"),
    "switch": N_("switch"),
    "firewall": N_("firewall"),
    "gateway": N_("gateway"),
}


def term(table: dict[str, str], value: str) -> str:
    """``value`` of one of the tables above, in words of the current language."""
    return _(table.get(value, value.replace("_", " ")))


def warranty_label(state: str, band: int | None) -> str:
    """The status words: active, expiring ≤30d, expired, unknown (as ``status_label``)."""
    if state == "expiring":
        return _("expiring ≤{days}d").format(days=band)
    return term(WARRANTY_STATES, state)

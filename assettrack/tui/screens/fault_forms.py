"""The fault screen's dialogs: the report and diagnosis, the loaner, the escalation to the
manufacturer and the warranty decision. Each saves through the fault service, which checks
the whole fault; a refused save keeps the dialog open, saying why."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.screen import Screen

from assettrack.domain.faults import REPAIR_ACTIONS, WARRANTY_EXCLUSIONS
from assettrack.domain.models import Fault, ReportedVia
from assettrack.i18n import N_, _, pgettext
from assettrack.i18n.terms import REPAIR_ACTIONS as REPAIR_WORDS
from assettrack.i18n.terms import REPORTED_VIA, term
from assettrack.services.faults import FaultService
from assettrack.tui.fault_flows import time_fields, typed_times
from assettrack.tui.screens.form_modal import Field, FormModal

Done = Callable[[], None]
DECISIONS = (
    (N_("covered by warranty"), "covered"),
    (N_("not covered: billable (give the reason)"), "not_covered"),
    (N_("not decided yet"), "undecided"),
)


def _parts(text: str) -> list[str]:
    return [p.strip() for p in text.replace("；", ";").split(";") if p.strip()]


def _open(
    screen: Screen[Any],
    title: str,
    fields: list[Field],
    save: Callable[[dict[str, str]], Any],
    done: Done,
) -> None:
    def saved(result: Any) -> None:
        if result is not None:
            screen.notify(_("{title}: saved").format(title=title))
            done()

    screen.app.push_screen(FormModal(title, fields, save), saved)


def edit_details(screen: Screen[Any], service: FaultService, fault: Fault, done: Done) -> None:
    levels = [
        (f"{lvl.level} — {_(lvl.name)}", str(lvl.level))
        for lvl in service.config.severity.levels.values()
    ]
    ways = [(term(REPORTED_VIA, w.value), w.value) for w in ReportedVia]
    fields = [
        Field("severity", _("Severity"), str(fault.severity), choices=levels),
        Field("via", _("Reported by"), fault.reported_via.value, choices=ways),
        Field("symptom", _("Symptom"), fault.symptom),
        Field("cause", _("Cause"), fault.cause),
        Field(
            "result",
            pgettext("fault", "Result"),
            fault.result,
            _("what the fault did to the service"),
        ),
        Field("diagnosis", _("Diagnosis"), fault.diagnosis, _("what was found")),
        Field("resolution", _("Resolution"), fault.resolution, _("what was done")),
        Field("parts", _("Spare parts"), "; ".join(fault.spare_parts), _("part; part")),
    ]

    def save(values: dict[str, str]) -> Fault:
        return service.update(
            fault,
            severity=int(values["severity"] or fault.severity),
            reported_via=values["via"] or fault.reported_via,
            symptom=values["symptom"],
            cause=values["cause"],
            result=values["result"],
            diagnosis=values["diagnosis"],
            resolution=values["resolution"],
            spare_parts=_parts(values["parts"]),
        )

    _open(screen, _("Fault report and diagnosis"), fields, save, done)


def edit_loaner(screen: Screen[Any], service: FaultService, fault: Fault, done: Done) -> None:
    times = ("loaner_out_at", "loaner_returned_at")
    fields = [Field("serial", _("Loaner serial"), fault.loaner_serial, _("the spare left on site"))]
    fields += time_fields(fault, times)
    if not fault.loaner_serial and fault.loaner_out_at is None:  # a new loaner goes out now
        now = service.clock()
        fields[1] = Field(
            "loaner_out_at", _("Loaner out"), f"{now:%Y-%m-%d %H:%M}", fields[1].placeholder
        )

    def save(values: dict[str, str]) -> Fault:
        return service.update(
            fault, loaner_serial=values["serial"], **typed_times(fault, values, times)
        )

    _open(screen, _("Loaner unit"), fields, save, done)


def edit_escalation(screen: Screen[Any], service: FaultService, fault: Fault, done: Done) -> None:
    times = ("sent_for_repair_at", "unit_returned_at")
    fields = [
        Field("rma", _("RMA number"), fault.escalation_rma, _("the manufacturer's return number")),
        Field("case", _("Case number"), fault.escalation_case, _("the manufacturer's case")),
        *time_fields(fault, times),
    ]

    def save(values: dict[str, str]) -> Fault:
        return service.update(
            fault,
            escalation_rma=values["rma"],
            escalation_case=values["case"],
            **typed_times(fault, values, times),
        )

    _open(screen, _("Escalation to the manufacturer"), fields, save, done)


def edit_warranty(
    screen: Screen[Any], service: FaultService, fault: Fault, done: Done, in_warranty: bool | None
) -> None:
    decided = {True: "covered", False: "not_covered", None: "undecided"}[fault.warranty_covered]
    register = {
        True: _("under warranty"),
        False: _("out of warranty"),
        None: _("warranty unknown"),
    }
    fields = [
        Field("decision", _("Decision"), decided, choices=[(_(s), v) for s, v in DECISIONS]),
        Field(
            "exclusion",
            _("Not covered because"),
            fault.warranty_exclusion,
            choices=[(_(label), code) for code, label in WARRANTY_EXCLUSIONS],
        ),
        Field(
            "action",
            _("Action"),
            fault.repair_action,
            choices=[(term(REPAIR_WORDS, a), a) for a in REPAIR_ACTIONS],
        ),
    ]

    def save(values: dict[str, str]) -> Fault:
        decision = values["decision"]
        covered = {"covered": True, "not_covered": False}.get(decision)
        return service.update(
            fault,
            warranty_covered=covered,
            # Covered, or not decided: no reason to keep.
            warranty_exclusion=values["exclusion"] if covered is False else "",
            repair_action=values["action"],
        )

    title = _("Warranty decision (the register says: {status})").format(
        status=register[in_warranty]
    )
    _open(screen, title, fields, save, done)

"""The visit screen's forms: each asks, saves through the visit record service, and calls back.

Each function opens one dialog; a refused save keeps the dialog open with the reason, so
nothing typed is lost.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from textual.screen import Screen

from assettrack.domain.errors import ValidationError
from assettrack.domain.models import ReportedVia, Visit, VisitKind
from assettrack.errors import AssetTrackError
from assettrack.i18n import _, pgettext
from assettrack.i18n.errors import error_text
from assettrack.i18n.terms import VISIT_KINDS, survey_scale, term
from assettrack.services.faults import FaultService
from assettrack.services.service_common import parse_time
from assettrack.services.visit_record import VisitIncomplete, VisitRecordService
from assettrack.tui.screens.form_modal import Field, FormModal

Done = Callable[[Any], None]
NO_DEVICE = "-"


def _open(
    screen: Screen[Any],
    title: str,
    fields: list[Field],
    submit: Any,
    done: Done,
    *,
    intro: str = "",
) -> None:
    def saved(result: Any) -> None:
        if result is not None:
            done(result)

    screen.app.push_screen(FormModal(title, fields, submit, intro=intro), saved)


def _guard(save: Callable[[dict[str, str]], Any]) -> Callable[[dict[str, str]], Any]:
    """A validation error keeps the dialog open with the reason, like any refusal."""

    def submit(values: dict[str, str]) -> Any:
        try:
            return save(values)
        except ValidationError as exc:
            raise AssetTrackError(error_text(exc)) from exc

    return submit


def device_choices(
    record: VisitRecordService, visit: Visit, *, optional: bool
) -> list[tuple[str, str]]:
    assets = sorted(
        record.store.assets.by_site(visit.site_id), key=lambda a: (a.hostname, a.serial_number)
    )
    choices = [(f"{a.hostname or a.model} · {a.serial_number}"[:50], a.id) for a in assets]
    return [(_("(no device: the site)"), NO_DEVICE), *choices] if optional else choices


def add_hazard(screen: Screen[Any], record: VisitRecordService, visit: Visit, done: Done) -> None:
    fields = [
        Field(
            "hazard",
            _("Hazard found"),
            "",
            _("what and where, e.g. boxes blocking rack A's intake"),
        ),
        Field(
            "removed",
            _("Removed now?"),
            "no",  # no-i18n: a choice's value (the Select refuses any other)
            choices=[(_("no, still there"), "no"), (_("yes, removed"), "yes")],
        ),
    ]

    def save(values: dict[str, str]) -> Visit:
        return record.add_hazard(visit, values["hazard"], removed=values["removed"] == "yes")

    _open(screen, _("Hazard"), fields, _guard(save), done)


def mark_removed(screen: Screen[Any], record: VisitRecordService, visit: Visit, done: Done) -> None:
    still = [h for h in visit.hazards_found if h not in visit.hazards_removed]
    if not still:
        screen.notify(_("No hazard left to remove (h records one)"), severity="warning")
        return
    fields = [
        Field("hazard", _("Hazard"), still[0], choices=[(h[:60], h) for h in still]),
        Field(
            "what",
            _("Now"),
            "removed",  # no-i18n: a choice's value
            choices=[(_("removed"), "removed"), (_("recorded by mistake: drop it"), "drop")],
        ),
    ]

    def save(values: dict[str, str]) -> Visit:
        if values["what"] == "drop":
            return record.drop_hazard(visit, values["hazard"])
        return record.mark_removed(visit, values["hazard"])

    _open(screen, _("Hazard removed"), fields, _guard(save), done)


def add_parameter_change(
    screen: Screen[Any], record: VisitRecordService, visit: Visit, done: Done
) -> None:
    fields = [
        Field(
            "device", _("Device"), NO_DEVICE, choices=device_choices(record, visit, optional=True)
        ),
        Field("parameter", _("What"), "", _("e.g. Gi1/0/24 speed, SNMP community, ACL 110")),
        Field("old", _("From"), ""),
        Field("new", _("To"), ""),
        Field("reason", _("Why"), "", _("the customer signs this")),
    ]

    def save(values: dict[str, str]) -> Visit:
        device = values["device"]
        return record.add_parameter_change(
            visit,
            values["parameter"],
            values["old"],
            values["new"],
            values["reason"],
            None if device in ("", NO_DEVICE) else device,
        )

    _open(screen, _("Parameter change"), fields, _guard(save), done)


def add_firmware_upgrade(
    screen: Screen[Any], record: VisitRecordService, visit: Visit, done: Done
) -> None:
    choices = device_choices(record, visit, optional=False)
    if not choices:
        screen.notify(_("No device at this site"), severity="warning")
        return
    fields = [
        Field("device", _("Device"), choices[0][1], choices=choices),
        Field("new", _("Firmware now"), "", _("the version the device runs after the upgrade")),
        Field("reason", _("Why"), "", _("e.g. vendor advisory, bug fix")),
    ]

    def save(values: dict[str, str]) -> Visit:
        return record.add_firmware_upgrade(visit, values["device"], values["new"], values["reason"])

    _open(screen, _("Firmware upgrade"), fields, _guard(save), done)


def answer_survey(
    screen: Screen[Any], record: VisitRecordService, visit: Visit, done: Done
) -> None:
    survey = record.config.survey
    if not survey.questions:
        screen.notify(_("No survey is set up (survey.toml)"), severity="warning")
        return
    answers = {a.question_id: a for a in visit.survey}
    fields: list[Field] = []
    for n, question in enumerate(survey.questions, 1):
        answer = answers.get(question.id)
        score = "" if answer is None or answer.score is None else str(answer.score)
        fields.append(
            Field(f"score-{question.id}", _("{n}. score").format(n=n), score, survey_scale(survey))
        )
        fields.append(
            Field(
                f"comment-{question.id}",
                _("{n}. comment").format(n=n),
                answer.comment if answer else "",
            )
        )
    fields.append(Field("opinion", _("Opinion in words"), visit.customer_opinion))
    intro = "\n".join(f"{n}. {_(q.text)}" for n, q in enumerate(survey.questions, 1))

    def save(values: dict[str, str]) -> Visit:
        given = [
            survey.answer(q, values[f"score-{q.id}"], values[f"comment-{q.id}"])
            for q in survey.questions
        ]
        visit.customer_opinion = values["opinion"].strip()
        return record.answer_survey(visit, given)

    _open(
        screen,
        _("The customer's survey ({scale})").format(scale=survey_scale(survey)),
        fields,
        _guard(save),
        done,
        intro=intro,
    )


def edit_visit(screen: Screen[Any], record: VisitRecordService, visit: Visit, done: Done) -> None:
    kinds = [(term(VISIT_KINDS, k.value), k.value) for k in VisitKind]
    fields = [
        Field("kind", _("Kind"), visit.kind.value, choices=kinds),
        Field("engineer", _("Engineer"), visit.engineer),
        Field("start", _("Started"), f"{visit.started_at:%Y-%m-%d %H:%M}", _("YYYY-MM-DD HH:MM")),
        Field(
            "end",
            _("Ended"),
            f"{visit.ended_at:%Y-%m-%d %H:%M}" if visit.ended_at else "",
            _("empty: still on site"),
        ),
        Field("checks", _("Checks done"), "; ".join(visit.checks), _("separated by ;")),
        Field("notes", _("Notes"), visit.notes),
    ]

    def save(values: dict[str, str]) -> Visit:
        started = parse_time(values["start"], "started")
        if started.strftime("%Y-%m") != visit.started_at.strftime("%Y-%m"):
            # The start month files the visit: moving it would leave it in the wrong file.
            raise AssetTrackError(_("the start can move within its month only"))
        visit.kind = VisitKind(values["kind"])
        visit.engineer = values["engineer"].strip()
        visit.started_at = started
        visit.ended_at = parse_time(values["end"], "ended") if values["end"].strip() else None
        visit.checks = [c.strip() for c in values["checks"].split(";") if c.strip()]
        visit.notes = values["notes"].strip()
        return record.visits.save(visit)

    _open(screen, _("Edit the visit"), fields, _guard(save), done)


def complete(screen: Screen[Any], record: VisitRecordService, visit: Visit, done: Done) -> None:
    try:
        done(record.complete(visit))
        return
    except VisitIncomplete as exc:
        missing = exc.missing
    except AssetTrackError as exc:
        screen.notify(error_text(exc), severity="error")
        return
    intro = _("Still missing:") + "\n" + "\n".join(f"• {m}" for m in missing)
    fields = [
        Field(
            "why",
            _("Complete anyway: why"),
            "",
            _("e.g. core switch locked in the customer's cabinet"),
        )
    ]

    def save(values: dict[str, str]) -> Visit:
        if not values["why"].strip():
            raise AssetTrackError(_("say why, or Esc and finish the visit first"))
        return record.complete(visit, anyway=values["why"])

    _open(screen, _("Not complete yet"), fields, _guard(save), done, intro=intro)


def sign(screen: Screen[Any], record: VisitRecordService, visit: Visit, done: Done) -> None:
    if visit.completed_at is None:
        screen.notify(
            _("Complete the visit first (c): the customer signs a finished record"),
            severity="warning",
        )
        return
    now = record.clock().replace(second=0, microsecond=0)
    fields = [
        Field(
            "name", _("Customer's name"), record.signer(visit), _("the representative who signs")
        ),
        Field("at", _("Signed at"), f"{now:%Y-%m-%d %H:%M}", _("YYYY-MM-DD HH:MM")),
    ]
    intro = _(
        "The customer's representative confirms the maintenance record. "
        "Once signed, the visit and its inspections are locked; a correction is an amendment."
    )

    def save(values: dict[str, str]) -> Visit:
        at: datetime = parse_time(values["at"], "signed at")
        return record.sign(visit, values["name"], at)

    _open(screen, _("Customer sign-off"), fields, _guard(save), done, intro=intro)


def amend(screen: Screen[Any], record: VisitRecordService, visit: Visit, done: Done) -> None:
    fields = [Field("why", _("What it corrects"), "", _("e.g. wrong rack named for the hazard"))]
    intro = _(
        "A signed visit is kept as the customer signed it. The amendment is a copy to correct "
        "and sign again; the record then shows both."
    )

    def save(values: dict[str, str]) -> Visit:
        return record.amend(visit, values["why"])

    _open(screen, _("Amend the signed visit"), fields, _guard(save), done, intro=intro)


def record_fault(
    screen: Screen[Any], faults: FaultService, record: VisitRecordService, visit: Visit, done: Done
) -> None:
    levels = faults.config.severity.levels.values()
    choices = [(f"{lvl.level} — {_(lvl.name)}", str(lvl.level)) for lvl in levels]
    # Found on a visit: most often minor. The least urgent level that still has a fix target.
    with_target = [lvl.level for lvl in levels if lvl.resolve_within is not None]
    default = str(max(with_target)) if with_target else (choices[-1][1] if choices else "3")
    fields = [
        Field(
            "device", _("Device"), NO_DEVICE, choices=device_choices(record, visit, optional=True)
        ),
        Field("severity", _("Severity"), default, choices=choices),
        Field("symptom", _("Symptom"), "", _("what is wrong, as seen")),
        Field("cause", _("Cause"), "", _("if found")),
        Field("result", pgettext("fault", "Result"), "", _("what was done and how it ended")),
        Field(
            "fixed",
            _("Fixed now?"),
            "yes",  # no-i18n: a choice's value
            choices=[(_("yes: resolved on this visit"), "yes"), (_("no: still open"), "no")],
        ),
    ]

    def save(values: dict[str, str]) -> Any:
        if not values["symptom"].strip():
            raise AssetTrackError(_("describe the symptom"))
        now = faults.clock()
        extra: dict[str, Any] = {
            "symptom": values["symptom"].strip(),
            "cause": values["cause"].strip(),
            "result": values["result"].strip(),
            # Found by the engineer on site: answered and on site the moment it was reported.
            "responded_at": now,
            "on_site_at": now,
            "visit_id": visit.id,  # found on this visit, open or not
        }
        if values["fixed"] == "yes":
            if not extra["result"]:
                raise AssetTrackError(_("a fault fixed now needs its result (what was done)"))
            extra["resolved_at"] = now
        if values["device"] not in ("", NO_DEVICE):
            extra["asset_id"] = values["device"]
        return faults.report(
            visit.site_id, int(values["severity"]), ReportedVia.ON_SITE, now, **extra
        )

    _open(screen, _("Fault found on site"), fields, _guard(save), done)

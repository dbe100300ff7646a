"""Starting a visit from the Sites or a site's Assets screen, and the line that shows it."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import App

from assettrack.domain.models import Site, Visit, VisitKind
from assettrack.errors import AssetTrackError
from assettrack.i18n import _
from assettrack.i18n.errors import error_text
from assettrack.i18n.formats import format_datetime
from assettrack.i18n.terms import VISIT_KINDS, term
from assettrack.tui.context import TuiContext


def open_visit_line(context: TuiContext, site: Site) -> str:
    """The subtitle while a visit is open at the site (empty: none open)."""
    service = context.visits
    visit = service.open_at(site.id) if service else None
    return describe(visit) if visit else ""


def describe(visit: Visit) -> str:
    return _("{kind} visit open since {moment}").format(
        kind=term(VISIT_KINDS, visit.kind.value), moment=format_datetime(visit.started_at)
    )


def start_visit(
    app: App[object], context: TuiContext, site: Site, done: Callable[[Visit], None]
) -> None:
    """Ask the kind (and, for a call-out, the open fault it answers), start the visit and
    show it; with a visit already open at the site, show that one."""
    from assettrack.tui.screens.visit import VisitScreen
    from assettrack.tui.screens.visit_kind import VisitKindModal

    service = context.visits
    assert service is not None
    running = service.open_at(site.id)
    if running is not None:
        app.notify(_("{site}: the {visit}").format(site=site.name, visit=describe(running)))
        app.push_screen(VisitScreen(context, running))
        return

    def start(kind: VisitKind, fault_id: str | None = None) -> None:
        try:
            visit = service.start(site.id, kind, fault_id=fault_id)
        except AssetTrackError as exc:
            app.notify(error_text(exc), severity="error")
            return
        app.notify(
            _("{site}: {visit}; inspections and faults here join it").format(
                site=site.name, visit=describe(visit)
            )
        )
        done(visit)
        app.push_screen(VisitScreen(context, visit))

    def picked(kind: VisitKind | None) -> None:
        if kind is None:
            return
        if kind is VisitKind.FAULT_CALL_OUT:
            _pick_fault(app, context, site, lambda fault_id: start(kind, fault_id))
        else:
            start(kind)

    app.push_screen(VisitKindModal(site.name), picked)


def _pick_fault(
    app: App[object], context: TuiContext, site: Site, chosen: Callable[[str], None]
) -> None:
    from assettrack.tui.screens.form_modal import Field, FormModal

    faults = context.faults
    assert faults is not None
    open_faults = faults.open_at(site.id)
    if not open_faults:
        app.notify(_("No open fault at this site: record the fault first"), severity="warning")
        return
    choices = [
        (f"{f.reported_at:%m-%d %H:%M} S{f.severity} {f.symptom or _('no symptom')}"[:60], f.id)
        for f in open_faults
    ]
    fields = [Field("fault", _("Fault it answers"), open_faults[0].id, choices=choices)]

    def submit(values: dict[str, str]) -> object:
        if not values["fault"]:
            raise AssetTrackError(_("choose the fault"))
        return values["fault"]

    def done(fault_id: object) -> None:
        if isinstance(fault_id, str):
            chosen(fault_id)

    app.push_screen(FormModal(_("Fault call-out"), fields, submit), done)

"""Setting a fault's times from the list and the fault screen: stamp now, or type them.

A time already recorded is never replaced without a question: pressing "responded now" a
second time asks before moving 10:15 to 10:16. Typed times are shown old -> new and
confirmed before they are saved; the service keeps every change on the fault.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from textual.screen import Screen

from assettrack.domain.faults import RESPONSE_TIMES, TIME_LABELS, time_differences
from assettrack.domain.models import Fault
from assettrack.errors import AssetTrackError
from assettrack.i18n import N_, _
from assettrack.i18n.errors import error_text
from assettrack.i18n.terms import time_name
from assettrack.services.faults import FaultService, TimeAlreadySet
from assettrack.services.service_common import parse_time
from assettrack.tui.screens.dialogs import ConfirmModal
from assettrack.tui.screens.form_modal import Field, FormModal

Done = Callable[[], None]
TIME_FORMAT = "%Y-%m-%d %H:%M"


def time_label(name: str) -> str:
    """A time's name, "Responded", "On site"..., in the current language."""
    return time_name(name).capitalize()


def shown(moment: datetime | None) -> str:
    return f"{moment:{TIME_FORMAT}}" if moment else "—"


def typed_times(fault: Fault, values: dict[str, str], names: tuple[str, ...]) -> dict[str, Any]:
    """The times typed that differ from the fault's (a box left as shown is no change; an
    emptied box clears the time)."""
    changes: dict[str, Any] = {}
    for name in names:
        text = values[name].strip()
        old = getattr(fault, name)
        if text == (f"{old:{TIME_FORMAT}}" if old else ""):
            continue
        changes[name] = parse_time(text, TIME_LABELS[name]) if text else None
    return changes


def time_fields(fault: Fault, names: tuple[str, ...]) -> list[Field]:
    return [
        Field(
            name,
            time_label(name),
            f"{getattr(fault, name):{TIME_FORMAT}}" if getattr(fault, name) else "",
            _("YYYY-MM-DD HH:MM"),
        )
        for name in names
    ]


def describe_changes(fault: Fault, changes: dict[str, Any]) -> str:
    return "\n".join(
        f"{time_label(name)}: {shown(old)} → {shown(new)}"
        for name, old, new in time_differences(fault, changes)
    )


def confirm_and_save(
    screen: Screen[Any],
    service: FaultService,
    fault: Fault,
    changes: dict[str, Any],
    done: Done,
    title: str = N_("Change these times?"),
) -> None:
    """Ask with each time's old -> new, then save; the change is kept on the fault."""

    def answered(yes: bool | None) -> None:
        if not yes:
            screen.notify(_("Times left as they were"))
            return
        try:
            service.update(fault, **changes)
        except AssetTrackError as exc:
            screen.notify(error_text(exc), severity="error")
            return
        screen.notify(_("Times saved; the change is kept on the fault"))
        done()

    screen.app.push_screen(
        ConfirmModal(
            _(title),
            describe_changes(fault, changes)
            + "\n\n"
            + _("Recorded as changed by {engineer} now.").format(
                engineer=service.engineer or _("you")
            ),
            yes=_("Change"),
            no=_("Keep"),
        ),
        answered,
    )


def stamp_now(
    screen: Screen[Any], service: FaultService, fault: Fault, name: str, done: Done
) -> None:
    """Record a time as now; one already recorded is replaced only after asking."""
    label = time_label(name)
    try:
        service.stamp(fault, name)
    except TimeAlreadySet as exc:
        title = _("{time} was already recorded at {moment}. Replace it?").format(
            time=label, moment=shown(exc.old)
        )
        confirm_and_save(screen, service, fault, {name: service.clock()}, done, title)
        return
    except AssetTrackError as exc:
        screen.notify(error_text(exc), severity="error")
        return
    screen.notify(
        _("{time} recorded: {moment}").format(time=label, moment=shown(getattr(fault, name)))
    )
    done()


def edit_times(
    screen: Screen[Any],
    service: FaultService,
    fault: Fault,
    done: Done,
    names: tuple[str, ...] = RESPONSE_TIMES,
) -> None:
    """Type the times (not only now); the changes are confirmed before they are saved."""

    def submit(values: dict[str, str]) -> dict[str, Any]:
        changes = typed_times(fault, values, names)
        service.checked(fault, **changes)  # refused here keeps the dialog open
        return changes

    def typed(changes: dict[str, Any] | None) -> None:
        if changes:
            confirm_and_save(screen, service, fault, changes, done)
        elif changes is not None:
            screen.notify(_("No time changed"))

    screen.app.push_screen(
        FormModal(_("Fault times (empty: not yet)"), time_fields(fault, names), submit), typed
    )

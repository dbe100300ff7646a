"""The product's own sentences kept in records, shown in the current language.

A console read writes flags ("firmware changed: the device reports …"), the reason of a
firmware change it proposes, and notes of the checklist items it fills. They are kept in
the record as English data: code matches them (``FIRMWARE_FLAGS``, ``NOT_SAVED``), records
are merged between laptops that speak different languages, and a signed record's seal
covers them. ``record_text`` recognises each such sentence by its message (``MESSAGES``)
and says it in the current language, its values as they were; any other text (the
engineer's own words, a plugin's) is shown as it is.
"""

from __future__ import annotations

import re
from functools import cache

from assettrack.i18n import N_, _

# What a read writes into the record (flags, a firmware change's reason, item notes).
SERIAL_MISMATCH = N_(
    "serial number mismatch: the device reports {read}, the register has {registered} "
    "(a swapped unit?)"
)
FIRMWARE_NEW = N_("firmware not in the register: the device reports {read}")
FIRMWARE_CHANGED = N_(
    "firmware changed: the device reports {read}, the register has {registered} "
    "(an upgrade, or a swapped unit?)"
)
NOT_SAVED = N_(
    "running configuration not saved: the configuration in use differs from the one the "
    "device boots with (a reboot would lose the changes)"
)
FIRMWARE_PROPOSED = N_("read from the console, not accepted into the register")
FIRMWARE_ACCEPTED = N_("read from the console, accepted into the register")
NEWLY_DOWN = N_("down since the last inspection: {ports}")
STILL_DOWN = N_("{count} down, as at the last inspection")
FILLED_FROM = N_("readings ({plugin})")  # where an item's answer came from
# Every sentence kept in records, the ones above and the checklist's notes (domain.checklist,
# the built-in profile drivers), each as its message.
MESSAGES = (
    SERIAL_MISMATCH,
    FIRMWARE_NEW,
    FIRMWARE_CHANGED,
    NOT_SAVED,
    FIRMWARE_PROPOSED,
    FIRMWARE_ACCEPTED,
    N_("read from the console, accepted into the register by {engineer}"),
    NEWLY_DOWN,
    STILL_DOWN,
    FILLED_FROM,
    N_("{word}: {names}"),  # a redundancy's failed units or empty bays (WORDS only)
    N_("highest: {name} {value} {unit} (limits {limits})"),
    N_("limits {limits} {unit}"),
    N_("limits {limits}"),
    N_("one {unit} and no {slot} reported: no redundancy on this model"),
    N_("not one of the expected values"),
    N_("the device says {value}"),
)
# The words of a redundancy's note (domain.checklist.redundancy_proposal), as assettrack's
# and the first-party plugins pass them: a value of the sentences above is one of these.
WORDS = {
    word: word
    for word in (
        N_("failed"),
        N_("not normal"),
        N_("not supplying"),
        N_("empty bay"),
        N_("empty slot"),
        N_("power supply"),
        N_("power module"),
    )
}
_FIELD = re.compile(r"\{(\w+)\}")


@cache
def _patterns() -> list[tuple[re.Pattern[str], str]]:
    found = []
    # The longest first: "…accepted into the register by {engineer}" before its stem.
    for message in sorted(MESSAGES, key=len, reverse=True):
        parts = _FIELD.split(message)
        pattern = "".join(
            re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+?)" for i, part in enumerate(parts)
        )
        found.append((re.compile(pattern + r"\Z", re.DOTALL), message))
    return found


def record_text(text: str) -> str:
    """``text`` in the current language if it is one of ``MESSAGES``, else as it is."""
    if not text:
        return text
    for pattern, message in _patterns():
        matched = pattern.match(text)
        if matched is None:
            continue
        values = matched.groupdict()
        if "word" in values and values["word"] not in WORDS:
            continue  # "anything: else" is the engineer's own
        words = {k: _(v) if v in WORDS else v for k, v in values.items()}
        return _(message).format(**words)
    return text

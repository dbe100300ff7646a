"""A record of every byte exchanged with a device, and its redacted view.

The raw bytes stay inside the session; only :meth:`Transcript.redacted` (and the redacted
events) may leave it, so a password typed at a login prompt or a secret in a configuration
never reaches a record, a log or a screen.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Literal

MASK = "******"

# Secrets devices print in their configuration. Group "v" is the part that is masked.
SECRET_PATTERNS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p, re.IGNORECASE | re.MULTILINE)
    for p in (
        # Cisco typed secrets: "password 7 0822455D0A16", "secret 5 $1$...", "key 7 ..."
        r"\b(?:password|secret|key)\s+\d{1,2}\s+(?P<v>\S+)",
        # Cisco clear text: " password cisco", "enable password x", "username u password x"
        r"^\s*(?:enable\s+)?(?:password|secret)\s+(?P<v>\S+)",
        r"^\s*username\s+\S+(?:\s+privilege\s+\d+)?\s+(?:password|secret)\s+(?P<v>\S+)",
        r"\bsnmp-server\s+community\s+(?P<v>\S+)",
        r"\b(?:pre-shared-key|key-string)\s+(?:\d\s+)?(?P<v>\S+)",
        r"\b(?:tacacs-server|radius-server)\s+key\s+(?P<v>\S+)",
        # Huawei / H3C: "cipher %^%#...%^%#", "irreversible-cipher ...", "password simple x"
        r"\b(?:irreversible-cipher|cipher)\s+(?P<v>\S+)",
        r"\bpassword\s+(?:simple|hash)\s+(?P<v>\S+)",
        r"(?P<v>%\^%#\S*?%\^%#|%\$%\$\S*?%\$%\$|%@%@\S*?%@%@)",
        r"\bsnmp-agent\s+community\s+(?:read|write)\s+(?P<v>\S+)",
        # H3C Comware / Huawei: "snmp-agent community read simple public" (cipher: above)
        r"\bsnmp-agent\s+community\s+(?:read|write)\s+simple\s+(?P<v>\S+)",
    )
)
# Values that follow those keywords but are keywords themselves.
_NOT_SECRET = re.compile(r"^(\d|irreversible-cipher|cipher|simple|hash|encryption)$", re.IGNORECASE)

Direction = Literal["sent", "received"]


@dataclass(frozen=True)
class TranscriptEvent:
    """One chunk of the exchange; ``text`` is already redacted."""

    direction: Direction
    at: float  # seconds since the transcript started
    text: str


def compile_secret_patterns(patterns: tuple[str, ...] | list[str]) -> list[re.Pattern[str]]:
    """A driver's own secret patterns, matched like the built-in ones (per line, any case)."""
    return [re.compile(p, re.IGNORECASE | re.MULTILINE) for p in patterns]


def redact(text: str, extra: list[re.Pattern[str]] | tuple[re.Pattern[str], ...] = ()) -> str:
    """``text`` with every secret the built-in patterns (and ``extra``) find masked."""
    return _masked_slice(text, _pattern_spans(text, (*SECRET_PATTERNS, *extra)), 0, len(text))


def _pattern_spans(
    text: str, patterns: tuple[re.Pattern[str], ...] | list[re.Pattern[str]]
) -> list[tuple[int, int]]:
    spans = []
    for pattern in patterns:
        for match in pattern.finditer(text):
            group = "v" if "v" in pattern.groupindex else 0
            value = match.group(group)
            if value and value != MASK and not _NOT_SECRET.match(value):
                spans.append(match.span(group))
    return _merged(spans)


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


class Transcript:
    """Sent and received bytes in order, with the secrets that must never leave."""

    def __init__(self, encoding: str = "utf-8") -> None:
        self._encoding = encoding
        self._start = time.monotonic()
        self._events: list[tuple[Direction, float, bytes, bool]] = []
        self._secrets: set[str] = set()
        self._patterns: list[re.Pattern[str]] = []

    def add_patterns(self, patterns: tuple[str, ...] | list[str]) -> None:
        """Secret patterns of the device family (its driver's), masked beside the built-in."""
        self._patterns += compile_secret_patterns(patterns)

    def add_secret(self, secret: str | None) -> None:
        if secret:
            self._secrets.add(secret)

    def record_sent(self, data: bytes, *, secret: bool = False) -> None:
        self._events.append(("sent", time.monotonic() - self._start, data, secret))

    def record_received(self, data: bytes) -> None:
        if data:
            self._events.append(("received", time.monotonic() - self._start, data, False))

    @property
    def bytes_sent(self) -> int:
        return sum(len(d) for kind, _, d, _ in self._events if kind == "sent")

    @property
    def bytes_received(self) -> int:
        return sum(len(d) for kind, _, d, _ in self._events if kind == "received")

    def redacted(self) -> str:
        """The device's side of the exchange as a screen shows it, secrets masked.

        Devices echo what is typed, so the received stream is what the engineer saw.
        """
        raw = b"".join(d for kind, _, d, _ in self._events if kind == "received")
        return self.redact(raw.decode(self._encoding, errors="replace"))

    def redacted_events(self) -> list[TranscriptEvent]:
        """Every chunk in order, both directions, secrets masked.

        Received chunks are redacted as one stream, so a secret that arrived split over two
        reads is masked all the same.
        """
        received = [
            data.decode(self._encoding, "replace")
            for kind, _, data, _ in self._events
            if kind == "received"
        ]
        stream = "".join(received)
        spans = self._secret_spans(stream)
        events, offset, index = [], 0, 0
        for kind, at, data, secret in self._events:
            if kind == "sent":
                text = MASK if secret else self.redact(data.decode(self._encoding, "replace"))
            else:
                chunk = received[index]
                index += 1
                text = _masked_slice(stream, spans, offset, offset + len(chunk))
                offset += len(chunk)
            events.append(TranscriptEvent(kind, at, text))
        return events

    def redact(self, text: str) -> str:
        return _masked_slice(text, self._secret_spans(text), 0, len(text))

    def _secret_spans(self, text: str) -> list[tuple[int, int]]:
        """Where secrets stand in ``text``: the typed ones, and values after secret keywords."""
        spans = []
        for secret in self._secrets:
            # As a whole token only: an enable secret "en" must not cut "show inventory".
            token = rf"(?<![A-Za-z0-9]){re.escape(secret)}(?![A-Za-z0-9])"
            spans += [m.span() for m in re.finditer(token, text)]
        spans += _pattern_spans(text, (*SECRET_PATTERNS, *self._patterns))
        return _merged(spans)


def _masked_slice(text: str, spans: list[tuple[int, int]], start: int, end: int) -> str:
    """``text[start:end]`` with every secret span shown once, as MASK, where it begins."""
    pieces, position = [], start
    for span_start, span_end in spans:
        if span_end <= start or span_start >= end:
            continue
        if span_start >= position:
            pieces.append(text[position:span_start])
            pieces.append(MASK)
        position = max(position, min(span_end, end))
    pieces.append(text[position:end])
    return "".join(pieces)

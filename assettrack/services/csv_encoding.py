"""Which encoding a CSV file is in: decided, never guessed.

The files met in practice are UTF-8 (with or without a BOM), UTF-16 with a BOM, GB18030 (a
Chinese Excel's "CSV") and Latin-1 (a Western one's). A BOM settles it, and so do valid UTF-8
sequences (they are not formed by accident). Otherwise the bytes are usually readable both as
GB18030 and as Latin-1, and charset-normalizer judges which reading is text and which is
mojibake. When both readings are plausible and it has no clear favourite, the file is refused
with both readings shown, and the user says which with ``--encoding``.
"""

from __future__ import annotations

import codecs
import unicodedata
from dataclasses import dataclass

from assettrack.errors import AssetTrackError
from assettrack.i18n import _

UTF8 = "utf-8-sig"  # reads UTF-8 with or without a BOM
# charset-normalizer's names for the two readings it judges, and ours.
JUDGED = {"gb18030": "gb18030", "latin_1": "latin-1"}
# The detector's "mess" above which a reading is not text at all (its own default).
MAX_MESS = 0.2
# How much less messy one reading must be for the detector's choice to count as clear.
CLEAR_LEAD = 0.15
# Share of a reading's non-ASCII characters that must look like its script (see _fits).
FIT_SHARE = 0.9
# Symbols that Western text holds besides letters (25 °C), counted with the letters.
WESTERN_SYMBOLS = frozenset("°")


class EncodingUnclear(AssetTrackError):
    """The file's encoding cannot be decided, or it is not the text the user named."""


@dataclass(frozen=True)
class Reading:
    encoding: str
    text: str
    mess: float


def check_encoding_name(name: str) -> str:
    """The codec for an ``--encoding`` value, or ``LookupError``. UTF-8 also skips a BOM."""
    codec = codecs.lookup(name).name
    return UTF8 if codec == "utf-8" else codec


def decode(raw: bytes, source: str, encoding: str | None = None) -> tuple[str, str]:
    """The text of ``raw`` and the encoding it was read in (``encoding`` when given)."""
    if encoding:
        return _decode_as(raw, source, check_encoding_name(encoding)), encoding
    if raw.startswith(codecs.BOM_UTF8):
        return _decode_as(raw, source, UTF8), UTF8
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _decode_as(raw, source, "utf-16"), "utf-16"
    if b"\x00" in raw:
        raise EncodingUnclear(
            _(
                "{source} holds NUL bytes, so it is not CSV text (UTF-16 without a byte-order "
                "mark?); save it as 'CSV UTF-8'"
            ).format(source=source)
        )
    try:
        return raw.decode(UTF8), UTF8
    except UnicodeDecodeError:
        pass
    return _judge(raw, source)


def _decode_as(raw: bytes, source: str, encoding: str) -> str:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        bad = raw[exc.start : min(exc.end, exc.start + 4)]
        raise EncodingUnclear(
            _(
                "{source} is not {encoding} text: line {line} has bytes {bytes} that "
                "{encoding} cannot read; give the file's encoding with --encoding"
            ).format(source=source, encoding=encoding, line=line, bytes=bad.hex(" "))
        ) from None


def _judge(raw: bytes, source: str) -> tuple[str, str]:
    from charset_normalizer import from_bytes  # only files that are not UTF-8 pay for it

    matches = from_bytes(raw, cp_isolation=list(JUDGED), threshold=MAX_MESS)
    readings = []
    for match in matches:
        if match.encoding in JUDGED:
            encoding = JUDGED[match.encoding]
            text = _strict(raw, encoding)  # the detector samples; the whole file must decode
            if text is not None:
                readings.append(Reading(encoding, text, match.chaos))
    readings.sort(key=lambda r: r.mess)
    if not readings:
        raise EncodingUnclear(
            _(
                "{source} reads as none of UTF-8, GB18030 or Latin-1 text; give its encoding "
                "with --encoding (e.g. cp1252, big5, shift_jis), or save it as 'CSV UTF-8'"
            ).format(source=source)
        )
    if len(readings) == 1:
        return readings[0].text, readings[0].encoding
    fitting = [r for r in readings if _fits(r)]
    if len(fitting) == 1:
        return fitting[0].text, fitting[0].encoding
    best, other = readings[0], readings[1]
    if other.mess - best.mess >= CLEAR_LEAD:
        return best.text, best.encoding
    raise EncodingUnclear(_ambiguous(source, best, other))


def _strict(raw: bytes, encoding: str) -> str | None:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError:
        return None


def _fits(reading: Reading) -> bool:
    """Whether the reading looks like its script: Chinese in the common GB2312 set for
    GB18030 (mojibake of Western text lands in rare characters), letters (and °) for Latin-1
    (mojibake of Chinese text is full of symbols such as » ± ¸)."""
    unusual = [c for c in reading.text if not c.isascii()]
    if not unusual:
        return True
    if reading.encoding == "gb18030":
        typical = sum(1 for c in unusual if _in_gb2312(c))
    else:
        typical = sum(
            1 for c in unusual if c in WESTERN_SYMBOLS or unicodedata.category(c)[0] == "L"
        )
    return typical >= FIT_SHARE * len(unusual)


def _in_gb2312(char: str) -> bool:
    try:
        char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _ambiguous(source: str, one: Reading, other: Reading) -> str:
    shown = ""
    lines = zip(one.text.splitlines(), other.text.splitlines(), strict=False)
    for number, (a, b) in enumerate(lines, start=1):
        if a != b:
            start = next(i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y)
            shown = _(
                " (line {line} reads {one} as {encoding}, {other} as {other_encoding})"
            ).format(
                line=number,
                one=repr(_around(a, start)),
                encoding=one.encoding,
                other=repr(_around(b, start)),
                other_encoding=other.encoding,
            )
            break
    return _(
        "{source} could be {encoding} or {other_encoding} text{shown}; say which with "
        "--encoding {encoding} or --encoding {other_encoding}"
    ).format(source=source, encoding=one.encoding, other_encoding=other.encoding, shown=shown)


def _around(line: str, start: int, width: int = 24) -> str:
    """The cell of ``line`` in which the readings start to differ (its first ``width``)."""
    begin = line.rfind(",", 0, start) + 1
    end = line.find(",", start)
    return line[begin : end if end >= 0 else len(line)][:width]

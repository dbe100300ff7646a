"""Partition files laid out one document a line, so that saving one document splices one line.

A partition file is one JSON object of tables of documents, as TinyDB reads it. Written in this
layout it is still that object, whitespace aside::

    {
    "inspections":{
    "1b2c…":{"id":"1b2c…","schema":3,…},
    "9f0e…":{"id":"9f0e…","schema":3,…}
    }
    }

JSON allows no raw line break inside a string and orjson writes none elsewhere, so every
document is exactly one line that begins with its id. Saving a new or changed document then
needs neither parsing the file nor dumping the others: the line is found by its id and
replaced, or added at the end of its table. This module only works on bytes; whether a file
may be spliced (it is known whole and valid, ``store.checked_files``) is the caller's
question. A file in another layout (written compactly by an earlier version, a merge or by
hand) is refused here (``None``) and saved whole, in this layout, once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson

START, END = b"{\n", b"\n}"
BRACE = ord("}")
FEW = 8  # documents a save looks up one by one; more (a merge's) by each line's own key


def dump(tables: Mapping[str, Mapping[str, Any]]) -> bytes:
    """The file's content: every table, every document on its own line."""
    blocks = []
    for table, docs in tables.items():
        lines = [orjson.dumps(key) + b":" + orjson.dumps(doc) for key, doc in docs.items()]
        body = b",\n".join(lines)
        blocks.append(orjson.dumps(table) + b":{\n" + body + (b"\n}" if lines else b"}"))
    if not blocks:
        return b"{\n}"
    return START + b",\n".join(blocks) + END


@dataclass
class Lines:
    """Where a table's documents are in a file: ``start`` is its first line's first byte,
    ``end`` the line break before the ``}`` that closes it (for ``"t":{}``, that brace), and
    ``found`` each asked-for document's line: where it begins and where the document itself
    starts and ends (without the comma)."""

    start: int
    end: int
    found: dict[str, tuple[int, int, int]] = field(default_factory=dict)


def locate(raw: bytes, table: str, ids: list[str]) -> Lines | None:
    """The table's lines and those of the documents asked for; None if the file is not in
    this layout or has no such table. It hops from line break to line break (a search for
    one byte, at memory speed), never scanning for longer patterns through the documents."""
    if not (raw.startswith(START) and raw.endswith(END)):
        return None
    name = orjson.dumps(table)
    header = b"\n" + name + b":{\n"
    at = raw.find(header)
    if at < 0:
        empty = b"\n" + name + b":{}"
        at = raw.find(empty)
        if at < 0 or raw[at + len(empty) : at + len(empty) + 1] not in (b",", b"\n"):
            return None
        brace = at + len(empty) - 1
        return Lines(brace, brace)
    keys = {orjson.dumps(doc_id) + b":": doc_id for doc_id in ids}
    lines = Lines(at + len(header), -1)
    if len(keys) <= FEW:
        return _find_each(raw, lines, keys)
    pos = lines.start
    while True:
        first = raw[pos : pos + 1]
        if first == b"}":
            lines.end = pos - 1
            return lines
        if first != b'"':
            return None  # not a document's line: another layout
        stop = raw.find(b"\n", pos)
        if stop < 0:
            return None
        for key in _keys_at(raw, pos, stop, keys):
            last = stop - 1 if raw[stop - 1 : stop] == b"," else stop
            lines.found[keys[key]] = (pos, pos + len(key), last)
        pos = stop + 1


def _find_each(raw: bytes, lines: Lines, keys: dict[bytes, str]) -> Lines:
    """``locate`` for a few documents (a save's): each line is searched for by its key right
    after a line break, where only a line's own key can stand, between the table's first
    line and the ``}`` line that closes it (no document's line begins with a brace)."""
    # Hop by line breaks, a search for one byte: a search for the two bytes of a line
    # break and a brace runs at a third of the speed. The file ends in one (``END``).
    close, find = lines.start - 1, raw.find
    while raw[close + 1] != BRACE:
        close = find(b"\n", close + 1)
    lines.end = close
    for key, doc_id in keys.items():
        found = raw.find(b"\n" + key, lines.start - 1, close)
        if found < 0:
            continue
        pos = found + 1
        stop = raw.find(b"\n", pos)
        last = stop - 1 if raw[stop - 1 : stop] == b"," else stop
        lines.found[doc_id] = (pos, pos + len(key), last)
    return lines


def _keys_at(raw: bytes, pos: int, stop: int, keys: dict[bytes, str]) -> list[bytes]:
    """Which of ``keys`` the line at ``pos`` begins with. A few are each tried; many (a
    merge's batch) by the line's own key, cut at its first quote and colon, unless that
    holds a backslash (an escaped quote may end it early): then each is tried."""
    if len(keys) > FEW:
        end = raw.find(b'":', pos + 1, stop)
        key = raw[pos : end + 2]
        if end >= 0 and b"\\" not in key:
            return [key] if key in keys else []
    return [key for key in keys if raw.startswith(key, pos)]


def documents(raw: bytes, lines: Lines) -> dict[str, Any]:
    """The documents ``locate`` found, parsed (only their own lines)."""
    return {
        doc_id: orjson.loads(raw[begin:stop]) for doc_id, (_, begin, stop) in lines.found.items()
    }


def splice_at(raw: bytes, lines: Lines, docs: Mapping[str, bytes]) -> bytes:
    """``raw`` with each document (by id, already encoded) replacing its line, or added at
    the end of its table, as a whole save would place it."""
    edits: list[tuple[int, int, bytes]] = []
    added = []
    for doc_id, encoded in docs.items():
        key = orjson.dumps(doc_id) + b":"
        where = lines.found.get(doc_id)
        if where is None:
            added.append(key + encoded)
        else:
            edits.append((where[0], where[2], key + encoded))
    if added:
        start, end = lines.start, lines.end
        tail = (b",\n" if end > start else b"\n") + b",\n".join(added)
        if end == start and raw[end : end + 1] == b"}":  # "t":{} becomes "t":{\n…\n}
            tail += b"\n"
        edits.append((end, end, tail))
    edits.sort()
    parts, at = [], 0
    for first, stop, new in edits:
        parts += [raw[at:first], new]
        at = stop
    parts.append(raw[at:])
    return b"".join(parts)


def read_documents(raw: bytes, table: str, ids: list[str]) -> dict[str, Any] | None:
    """The documents with these ids as the file holds them; None as for ``locate``."""
    lines = locate(raw, table, ids)
    return None if lines is None else documents(raw, lines)


def splice(raw: bytes, table: str, docs: Mapping[str, bytes]) -> bytes | None:
    """``splice_at`` after ``locate``; None as for ``locate``."""
    lines = locate(raw, table, list(docs))
    return None if lines is None else splice_at(raw, lines, docs)


def live_field_texts(
    raw: bytes, table: str, field: str, schema: int
) -> list[tuple[str, str | None]] | None:
    """Each live document of ``table`` as (its id, its top-level ``field`` where that is
    text, else None), read off its line: the index of one asset's records needs only that,
    and parsing every record (its readings, its checklist) cost most of building it.

    A line is read without the parser only where that cannot be misled: the first
    ``"<field>":`` is the document's own key when nothing before it opens an object, a list
    or a text (no brace, bracket or backslash, an even count of quotes); every
    ``"schema"`` in the line is a key followed by ``:<schema>`` (so the document's own is,
    even beside a nested one); there is no deletion mark, no whitespace after the field's
    colon (a hand edit) and no backslash in the id or the value. Other lines are parsed, one
    at a time. None when the file is not in this layout, a document is not at ``schema``
    (it is to be migrated first) or an id is there twice: the file is then read whole."""
    lines = locate(raw, table, [])
    if lines is None:
        return None
    key = orjson.dumps(field) + b":"
    found: list[tuple[str, str | None]] = []
    seen: set[bytes] = set()
    pos, end = lines.start, lines.end
    while pos < end:
        stop = raw.find(b"\n", pos)
        line = raw[pos : stop - 1 if raw[stop - 1] == ord(",") else stop]
        pos = stop + 1
        cut = line.find(b'":')
        doc_id = line[1:cut]
        if line[:1] != b'"' or cut < 0 or doc_id in seen:
            return None
        seen.add(doc_id)
        body = line[cut + 2 :]
        value = _plain_value(body, key, schema) if b"\\" not in doc_id else False
        text_id = _utf8(doc_id)
        if value is not False and text_id is not None:
            found.append((text_id, value))
            continue
        try:
            doc = orjson.loads(body)
            name = orjson.loads(line[: cut + 1])
        except orjson.JSONDecodeError:
            return None
        if not isinstance(doc, dict) or type(name) is not str:
            return None
        if type(doc.get("schema")) is not int or doc["schema"] != schema:
            return None
        if not doc.get("_deleted"):
            text = doc.get(field)
            found.append((name, text if isinstance(text, str) else None))
    return found


def _plain_value(body: bytes, key: bytes, schema: int) -> str | bool | None:
    """The document's top-level text under ``key`` read off ``body`` (its JSON object), None
    when it has none or it is not text; False when the parser is to read the line."""
    if b'"_deleted":' in body or not _all_at(body, schema):
        return False
    at = body.find(key)
    if at < 0:
        return False  # the key elsewhere, or none: the parser tells
    before = body[1:at]
    if b"{" in before or b"[" in before or b"\\" in before or before.count(b'"') % 2:
        return False
    start = at + len(key)
    first = body[start : start + 1]
    if first != b'"':
        # null, a number, an object...: not text. Whitespace: edited by hand.
        return False if first in _WHITESPACE else None
    close = body.find(b'"', start + 1)
    value = body[start + 1 : close]
    if close < 0 or b"\\" in value:
        return False
    text = _utf8(value)
    return False if text is None else text


def _all_at(body: bytes, schema: int) -> bool:
    """Whether every ``"schema"`` in ``body`` is a key followed by ``schema`` (the document's
    own among them). A key written with whitespace around its colon (by hand) is not: the
    parser reads that line."""
    version = b'"schema":%d' % schema
    at = body.find(b'"schema"')
    if at < 0:
        return False
    while at >= 0:
        after = body[at + len(version) : at + len(version) + 1]
        if not body.startswith(version, at) or after not in (b",", b"}"):
            return False
        at = body.find(b'"schema"', at + 1)
    return True


_WHITESPACE = (b" ", b"\t", b"\r")


def _utf8(data: bytes) -> str | None:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None

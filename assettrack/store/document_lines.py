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
from typing import Any

import orjson

START, END = b"{\n", b"\n}"


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


def _table_span(raw: bytes, table: str) -> tuple[int, int] | None:
    """Where the table's document lines are: from the first line's start to the ``\\n}``
    that closes the table (equal for an empty table, which is ``"t":{}``)."""
    if not (raw.startswith(START) and raw.endswith(END)):
        return None
    name = orjson.dumps(table)
    # A table's line is its name and a brace alone: a document's line never ends so.
    header = b"\n" + name + b":{\n"
    at = raw.find(header)
    if at >= 0:
        start = at + len(header)
        end = raw.find(b"\n}", start - 1)
        return (start, end) if end >= 0 else None
    empty = b"\n" + name + b":{}"
    at = raw.find(empty)
    if at >= 0 and raw[at + len(empty) : at + len(empty) + 1] in (b",", b"\n"):
        return at + len(empty) - 1, at + len(empty) - 1
    return None


def _line_of(raw: bytes, start: int, end: int, key: bytes) -> tuple[int, int] | None:
    """The span of the document line that begins with ``key`` inside ``[start, end)``,
    without its line break and comma."""
    found = raw.find(b"\n" + key, start - 1, end)
    if found < 0:
        return None
    first = found + 1
    stop = raw.find(b"\n", first, end + 1)
    stop = end if stop < 0 else stop
    if raw[stop - 1 : stop] == b",":
        stop -= 1
    return first, stop


def read_documents(raw: bytes, table: str, ids: list[str]) -> dict[str, Any] | None:
    """The documents with these ids as the file holds them (parsed one line each); None
    if the file is not in this layout or has no such table."""
    span = _table_span(raw, table)
    if span is None:
        return None
    start, end = span
    found = {}
    for doc_id in ids:
        key = orjson.dumps(doc_id) + b":"
        line = _line_of(raw, start, end, key)
        if line is not None:
            found[doc_id] = orjson.loads(raw[line[0] + len(key) : line[1]])
    return found


def splice(raw: bytes, table: str, docs: Mapping[str, bytes]) -> bytes | None:
    """``raw`` with each document (by id, already encoded) replacing its line, or added at
    the end of its table; None if the file is not in this layout or has no such table."""
    span = _table_span(raw, table)
    if span is None:
        return None
    start, end = span
    edits: list[tuple[int, int, bytes]] = []
    added = []
    for doc_id, encoded in docs.items():
        key = orjson.dumps(doc_id) + b":"
        line = _line_of(raw, start, end, key)
        if line is None:
            added.append(key + encoded)
        else:
            edits.append((line[0], line[1], key + encoded))
    if added:
        lead = b",\n" if end > start else b"\n"
        tail = lead + b",\n".join(added)
        if end == start and raw[end : end + 1] == b"}":  # "t":{} becomes "t":{\n…\n}
            edits.append((end, end, tail + b"\n"))
        else:
            edits.append((end, end, tail))
    edits.sort()
    parts, at = [], 0
    for first, stop, new in edits:
        parts += [raw[at:first], new]
        at = stop
    parts.append(raw[at:])
    return b"".join(parts)

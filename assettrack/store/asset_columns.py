"""Every asset's fields in one compact file, so that opening 50,000 assets reads one file
rather than 1,000, and an asset is decoded into its domain object only when asked for.

``.index/assets.columns`` holds, for each site's asset file (``assets/<site>.json``), the
file's stat signature when it was read and its assets as rows: each asset's fields as the
document's plain values (text, whole numbers, None; a list as a tuple) in the model's field
order, with no field names and no sync history, written by ``marshal`` with each distinct
value once (reading 50,000 rows takes half the time JSON took). It is derived data, never
the truth:

- a file's rows are used only while the file's stat signature is the one recorded (one
  ``scandir`` of ``assets/``, ``file_reads.signatures_in``, as the asset register's refresh
  does), or its size and CRC-32 are (a copy or a restore of the database: new inodes and
  times; the file is read, not parsed); a file changed, added or removed since is read again
  through the storage and the gate, the other files' rows are kept;
- only files whose every document passed the gate as they are now are recorded: not one
  with a damaged document, one read while it showed another process's unfinished change, or
  one changed within the last seconds (a coarse clock could give its next change the same
  signature: ``checked_files.is_racy``);
- the file states its format, the schema version, its length and a checksum of its content
  (checked before anything is read from it): one truncated, damaged, of another format or
  of another schema is rebuilt from the asset files, never trusted.

It is a cache, written whole (a temporary file renamed over it) without an fsync, by readers
too, and never synced between laptops (``.index/`` is not). Rows are read-only: ``decode``
builds a new ``Asset`` from one, copying its lists and nested objects.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import marshal
import os
import types
import typing
import zlib
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from functools import cache
from itertools import chain
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from assettrack.store.durable import temp_path_for
from assettrack.store.file_reads import Signature

if TYPE_CHECKING:
    from assettrack.domain.models import Asset

NAME = "assets.columns"
MAGIC = b"assettrack-asset-columns"
FORMAT = 3  # 1: JSON; 2: marshal (version 4), equal values stored once; 3: each file's CRC-32


class AssetRow(NamedTuple):
    """One asset's document as stored, minus its sync history: the fields of ``Asset`` in
    order, each the JSON value of the document (dates ISO text, the status its value), the
    console settings' fields in line (``console_port``...). ``columns_of`` derives this
    order from the model, and a test checks the two agree."""

    site_id: str
    kind: str
    vendor: str
    model: str
    serial_number: str
    hostname: str
    management_address: str
    location: str
    firmware: str
    installed_on: str | None
    warranty_start: str | None
    warranty_months: int | None
    warranty_end: str | None
    warranty_extension_months: int
    contract_id: str | None
    console_port: str
    console_baud: int | None
    console_framing: str
    console_credentials_ref: str
    driver: str | None
    status: str
    tags: tuple[str, ...]  # a tuple: rows are hashable all through (see ``save``)
    notes: str
    last_inspection: str | None
    id: str
    schema: int
    revision: int


FIELDS: tuple[str, ...] = AssetRow._fields
_ID = itemgetter(FIELDS.index("id"))
# A list of the right length as a row: tuple's own constructor, without _make's Python-level
# length check (the caller checked), a fifth of the cost for 50,000 rows.
_as_row: Callable[[list[Any]], AssetRow] = functools.partial(tuple.__new__, AssetRow)


def _nested(tp: Any) -> type | None:
    """The model of a nested field (the console settings), or None for a plain value."""
    return tp if isinstance(tp, type) and dataclasses.is_dataclass(tp) else None


@cache
def _hints(model: type) -> dict[str, Any]:
    # Once per model: each annotation is compiled from its text (about 0.3 ms for Asset).
    return typing.get_type_hints(model)


def columns_of(model: type) -> list[tuple[str, str | None, dataclasses.Field[Any]]]:
    """The row's columns: (field, sub-field of a nested model or None, the field's
    definition), in the model's order."""
    hints = _hints(model)
    found = []
    for f in dataclasses.fields(model):
        inner = _nested(hints[f.name])
        if inner is None:
            found.append((f.name, None, f))
        else:
            found += [(f.name, sub.name, sub) for sub in dataclasses.fields(inner)]
    return found


def _default(f: dataclasses.Field[Any]) -> Any:
    from assettrack.domain.codec import to_doc

    if f.default_factory is not dataclasses.MISSING:
        return to_doc(f.default_factory())
    return to_doc(f.default)  # MISSING for a required field: never asked for


def _model() -> type[Asset]:
    """The model, imported when a row is first made, decoded or written: an app start that
    paints from held rows needs only their field order (``AssetRow``)."""
    from assettrack.domain.models import Asset

    return Asset


@cache
def _list_fields() -> frozenset[str]:
    hints = _hints(_model())
    return frozenset(name for name, tp in hints.items() if typing.get_origin(tp) is list)


@cache
def _row_function() -> Callable[[Mapping[str, Any]], AssetRow]:
    """``row_of`` as one generated function, each column from ``get`` with its default."""
    namespace: dict[str, Any] = {"make": AssetRow._make, "EMPTY": {}}
    lines = ["def row_of(doc):", "    get = doc.get"]
    values = []
    nested: set[str] = set()
    for i, (name, sub, f) in enumerate(columns_of(_model())):
        if sub is None:
            required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
            namespace[f"d{i}"] = None if required else _default(f)
            value = f"doc[{name!r}]" if required else f"get({name!r}, d{i})"
            # A list as a tuple: a row is hashable all through (``save`` shares equal cells).
            values.append(f"tuple({value})" if name in _list_fields() else value)
            continue
        if name not in nested:
            nested.add(name)
            lines.append(f"    {name} = get({name!r}) or EMPTY")
        namespace[f"d{i}"] = _default(f)
        values.append(f"{name}.get({sub!r}, d{i})")
    lines.append(f"    return make(({', '.join(values)},))")
    exec("\n".join(lines), namespace)  # built from the model's own field names
    return namespace["row_of"]  # type: ignore[no-any-return]


def row_of(doc: Mapping[str, Any]) -> AssetRow:
    """The row of an asset document that passed the gate (KeyError: a required field lacks)."""
    return _row_function()(doc)


@cache
def _document_function() -> Callable[[AssetRow], dict[str, Any]]:
    """``document_of`` as one generated function: the row's values under the model's field
    names, in its order, the nested console settings as their own object."""
    columns = columns_of(_model())
    namespace: dict[str, Any] = {}
    lines = [
        "def document_of(row):",
        f"    {', '.join(f'v{i}' for i in range(len(columns)))}, = row",
    ]
    items: list[str] = []
    nested: dict[str, list[str]] = {}
    for i, (name, sub, _f) in enumerate(columns):
        value = f"list(v{i})" if name in _list_fields() else f"v{i}"
        if sub is None:
            items.append(f"{name!r}: {value}")
        else:
            if name not in nested:
                nested[name] = []
                items.append(f"{name!r}: {{{{{name}}}}}")  # filled in below
            nested[name].append(f"{sub!r}: {value}")
    body = ", ".join(items)
    for name, parts in nested.items():
        body = body.replace(f"{{{name}}}", ", ".join(parts))
    lines.append(f"    return {{{body}}}")
    exec("\n".join(lines), namespace)  # built from the model's own field names
    return namespace["document_of"]  # type: ignore[no-any-return]


def document_of(row: AssetRow) -> dict[str, Any]:
    """The asset's document as ``codec.to_doc`` makes it from the decoded asset (a new dict,
    the caller's own), without decoding: the export's JSON for 50,000 assets."""
    return _document_function()(row)


# -- decoding a row into an Asset ------------------------------------------------------------

_dates: dict[str, date] = {}  # thousands of assets share a few hundred dates; dates are immutable


def _date(text: str) -> date:
    found = _dates.get(text)
    if found is None:
        found = date.fromisoformat(text)
        if len(_dates) < 100_000:
            _dates[text] = found
    return found


def _member(cls: type[enum.Enum]) -> Callable[[Any], Any]:
    members: dict[Any, Any] = {m.value: m for m in cls}

    def convert(value: Any) -> Any:
        found = members.get(value)
        return found if found is not None else cls(value)  # ValueError names it

    return convert


def _converter(tp: Any) -> Callable[[Any], Any] | None:
    """How a plain field's JSON value becomes the model's (None: used as it is)."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return _converter(args[0]) if len(args) == 1 else None
    if origin is list:
        return list  # a copy: the row stays as read whatever is done to the asset
    if origin is dict:
        return dict
    if isinstance(tp, type):
        if tp is date:
            return _date
        if issubclass(tp, enum.Enum):
            return _member(tp)
    return None


@cache
def _decode_function() -> Callable[[AssetRow], Asset]:
    """``decode`` as one generated function: the row unpacked into names, each converted
    inline and assigned as the model's generated ``__init__`` assigns it (which is all it
    does), without the call's keyword arguments. Attributes assigned one by one keep the
    instance's values inline, with no dict of its own: half the memory of 50,000 assets
    and half the time of filling a ``__dict__``."""
    asset_model = _model()
    namespace: dict[str, Any] = {"new": object.__new__, "Asset": asset_model}
    columns = columns_of(asset_model)
    lines = [
        "def decode(row):",
        f"    {', '.join(f'v{i}' for i in range(len(columns)))}, = row",
        "    asset = new(Asset)",
    ]
    hints = _hints(asset_model)
    made: set[str] = set()
    for i, (name, sub, _f) in enumerate(columns):
        if sub is not None:
            if name not in made:
                made.add(name)
                namespace[f"M_{name}"] = hints[name]
                lines.append(f"    asset.{name} = {name} = new(M_{name})")
            lines.append(f"    {name}.{sub} = v{i}")  # plain values (a test checks)
            continue
        convert = _converter(hints[name])
        if convert is None:
            lines.append(f"    asset.{name} = v{i}")
            continue
        namespace[f"c{i}"] = convert
        if type(None) in typing.get_args(hints[name]):
            lines.append(f"    asset.{name} = None if v{i} is None else c{i}(v{i})")
        else:
            lines.append(f"    asset.{name} = c{i}(v{i})")
    exec("\n".join([*lines, "    return asset"]), namespace)  # from the model's own names
    return namespace["decode"]  # type: ignore[no-any-return]


def decode(row: AssetRow) -> Asset:
    """A new ``Asset`` from a row, as ``codec.from_doc`` would make it from the document."""
    return _decode_function()(row)


# -- the file --------------------------------------------------------------------------------


class Entry(NamedTuple):
    seen: Signature  # the file's stat signature when its rows were read
    rows: list[AssetRow]
    crc: int  # CRC-32 of its content then (-1: not known)


Entries = dict[str, Entry]


def path_in(index_folder: Path) -> Path:
    return index_folder / NAME


def load(path: Path, schema: int) -> Entries:
    """The files recorded, each with its signature and rows; empty when the file is missing,
    damaged, truncated, or of another format or schema (then rebuilt by the caller)."""
    files = _read(path, schema)
    if files is None:
        return {}
    try:
        # Checked and made rows all at once, each step one pass in C over every row: a
        # Python loop of steps per file cost more than the steps at 1,000 files.
        everything = list(chain.from_iterable(rows for _seen, rows, _crc in files.values()))
        if not _well_formed(everything):
            return {}
        made = list(map(_as_row, everything))
        entries: Entries = {}
        at = 0
        for name, (seen, rows, crc) in files.items():
            if not (type(name) is str and name.startswith("assets/")):
                return {}
            sig = (int(seen[0]), int(seen[1]), int(seen[2]))
            entries[name] = Entry(sig, made[at : at + len(rows)], int(crc))
            at += len(rows)
        return entries
    except (ValueError, TypeError, KeyError, IndexError, AttributeError):
        return {}


def recorded_columns(
    path: Path, schema: int, on_disk: Mapping[str, Signature]
) -> dict[str, tuple[Any, ...]] | None:
    """Each field's column (``FIELDS``) of every row recorded, in the order a store opened
    now holds them (files by name, each file's rows in order), with no row made: only if
    the file records every asset file of ``on_disk``, each with that very signature, and
    no asset twice (an asset moving site, briefly in two files); else None."""
    files = _read(path, schema)
    try:
        if files is None or files.keys() != on_disk.keys():
            return None
        if any(files[name][0] != seen for name, seen in on_disk.items()):
            return None
        everything = list(chain.from_iterable(files[name][1] for name in sorted(files)))
        if not _well_formed(everything):
            return None
        if len(set(map(_ID, everything))) != len(everything):
            return None
    except (TypeError, KeyError, IndexError):
        return None
    if not everything:
        return {name: () for name in FIELDS}
    return dict(zip(FIELDS, zip(*everything, strict=True), strict=True))


def _read(path: Path, schema: int) -> dict[Any, Any] | None:
    """The file's record of each asset file (name: signature, rows, CRC-32), as marshal
    gives it back, once its header and checksum hold; None if they do not."""
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    end = raw.find(b"\n")
    head, payload = raw[: max(end, 0)], memoryview(raw)[end + 1 :]
    try:
        magic, fmt, version, length, digest = head.split(b" ")
        if (magic, int(fmt), int(version)) != (MAGIC, FORMAT, schema):
            return None
        # The digest first: marshal is not meant for damaged data.
        if end < 0 or int(length) != len(payload) or digest != _digest(payload):
            return None
        fields, files = marshal.loads(payload)
    except (ValueError, TypeError, EOFError):
        return None
    if fields != FIELDS or type(files) is not dict:
        return None
    return files


def _well_formed(rows: list[Any]) -> bool:
    """Whether each row has every field and a text id (each check one pass in C)."""
    return not rows or (
        set(map(len, rows)) == {len(FIELDS)} and set(map(type, map(_ID, rows))) == {str}
    )


def shared(rows: list[AssetRow], keep: Callable[[Any, Any], Any]) -> list[AssetRow]:
    """``rows`` (parsed from a site's file) with each value made the one object equal to it
    that ``keep`` (a dict's ``setdefault``) has seen, in C: a store's rows then hold each
    distinct value once, as rows read from this file do (marshal makes each once), and
    marshal writes each once. 50,000 assets parsed hold 1.2 million values, 200,000 of
    them distinct: 123 MB as parsed, about 12 MB shared. Rows hold only text, whole
    numbers, None and tuples of text (``row_of``), so equal means interchangeable."""
    cells = list(chain.from_iterable(rows))
    cells = list(map(keep, cells, cells))
    return list(map(_as_row, zip(*[iter(cells)] * len(FIELDS), strict=True)))


def save(
    path: Path, schema: int, files: Iterable[tuple[str, Signature, Iterable[AssetRow], int]]
) -> None:
    """Write the rows of the files given (each with the signature it was read with and its
    CRC-32); whole or not at all. A read-only or full disk keeps no cache: nothing is said.
    The rows' equal values are one object already (``shared``), so marshal writes each
    once (the rows of a file parsed after the store opened share them with the rows parsed
    with it, not with older rows: such a value is kept a second time)."""
    recorded = {
        name: (tuple(seen), list(map(tuple, rows)), crc)  # marshal takes no named tuple
        for name, seen, rows, crc in files
        if seen
    }
    payload = marshal.dumps((FIELDS, recorded), 4)
    del recorded  # before the file is written: the peak of a process that records is here
    head = b" ".join(
        (MAGIC, b"%d" % FORMAT, b"%d" % schema, b"%d" % len(payload), _digest(payload))
    )
    temp = temp_path_for(path)
    try:
        path.parent.mkdir(exist_ok=True)
        with open(temp, "wb") as out:
            out.write(head + b"\n")
            out.write(payload)
        os.replace(temp, path)
    except OSError:
        temp.unlink(missing_ok=True)


def _digest(payload: bytes | memoryview) -> bytes:
    # Damage, not forgery, is what it guards against (as checked_files trusts signatures).
    return b"%08x" % zlib.crc32(payload)

"""Turn domain dataclasses into plain JSON documents and back.

Dates and times become ISO strings, decimals strings (money must not pass through float),
enums their values. Unknown keys in a document are kept in ``extra`` fields where a model
has one, so a newer minor version's additions survive a round trip.
"""

from __future__ import annotations

import dataclasses
import enum
import types
import typing
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from operator import attrgetter, methodcaller
from typing import Any, TypeVar

T = TypeVar("T")


def to_doc(obj: Any) -> Any:
    encode = _ENCODERS.get(type(obj))
    if encode is not None:
        return encode(obj)
    if type(obj) in _PLAIN:
        return obj
    encode = _encoder_for(obj)
    return obj if encode is None else encode(obj)


# Values a document holds as they are; anything else goes through ``to_doc``.
_PLAIN = frozenset({str, int, bool, float, type(None)})
# How values of each type met so far are encoded: an inspection's thirty checklist items and
# their results are encoded at every save, each found by one look-up of its type.
_ENCODERS: dict[type, Callable[[Any], Any]] = {}


def _encoder_for(obj: Any) -> Callable[[Any], Any] | None:
    """How to encode ``obj`` and every value of its type (kept for the type); None for a
    value kept as it is."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        encode = _encoder(type(obj))
    elif isinstance(obj, enum.Enum):
        encode = _enum_value
    elif isinstance(obj, date):  # a datetime too
        encode = _iso
    elif isinstance(obj, Decimal):
        encode = str
    elif isinstance(obj, list | tuple):
        encode = _items
    elif isinstance(obj, dict):
        encode = _mapping
    else:
        return None
    _ENCODERS[type(obj)] = encode
    return encode


_enum_value = attrgetter("value")
_iso = methodcaller("isoformat")


def _items(values: list[Any] | tuple[Any, ...]) -> list[Any]:
    return [v if type(v) in _PLAIN else to_doc(v) for v in values]


def _mapping(values: dict[Any, Any]) -> dict[str, Any]:
    return {str(k): v if type(v) in _PLAIN else to_doc(v) for k, v in values.items()}


def _encoder(cls: type) -> Callable[[Any], dict[str, Any]]:
    """``to_doc`` of one dataclass as one generated function, made once per class (as
    dataclasses make ``__init__``): every save encodes its model, and looking up the fields
    and testing each value's kind in turn cost an asset's save about 20 us more."""
    names = [f.name for f in dataclasses.fields(cls)]
    source = ["def encode(obj):"]
    source += [f"    v{i} = obj.{name}" for i, name in enumerate(names)]
    items = ", ".join(
        f"{name!r}: v{i} if type(v{i}) in plain else to_doc(v{i})" for i, name in enumerate(names)
    )
    source.append(f"    return {{{items}}}")
    namespace: dict[str, Any] = {"plain": _PLAIN, "to_doc": to_doc}
    exec("\n".join(source), namespace)  # the source names only the class's own fields
    return namespace["encode"]


Converter = Callable[[Any], Any]


def from_doc(cls: type[T], doc: dict[str, Any]) -> T:
    return _decoder(cls)(doc)


@cache
def _decoder(cls: type) -> Callable[[dict[str, Any]], Any]:
    """Build, once per class, a function that turns a document into an instance.

    Loading 10,000 assets at start-up goes through here: resolving type hints per document
    was the dominant cost, so the plan is made once and plain values are not touched.
    """
    hints = typing.get_type_hints(cls)
    fields = dataclasses.fields(cls)
    names = frozenset(f.name for f in fields)
    converters = [
        (name, convert) for name in names if (convert := _converter(hints[name])) is not None
    ]
    defaults: dict[str, Callable[[], Any]] = {}
    for f in fields:
        if f.default_factory is not dataclasses.MISSING:
            defaults[f.name] = f.default_factory
        elif f.default is not dataclasses.MISSING:
            defaults[f.name] = lambda value=f.default: value
    # The models' generated __init__ only assigns fields, so filling __dict__ directly is
    # equivalent and halves the cost of loading 10,000 assets.
    plain_init = not hasattr(cls, "__post_init__") and "__slots__" not in cls.__dict__

    def decode(doc: dict[str, Any]) -> Any:
        values = {k: v for k, v in doc.items() if k in names}  # unknown keys are dropped
        for name, convert in converters:
            value = values.get(name)
            if value is not None:
                values[name] = convert(value)
        if not plain_init:
            return cls(**values)
        if len(values) != len(names):
            for name in names - values.keys():
                if name not in defaults:
                    raise TypeError(f"{cls.__name__} is missing its {name!r} field")
                values[name] = defaults[name]()
        obj = object.__new__(cls)
        obj.__dict__.update(values)
        return obj

    return decode


def _converter(tp: Any) -> Converter | None:
    """A function converting a JSON value to ``tp``, or None where the value is used as is."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return _converter(args[0]) if len(args) == 1 else None
    if origin is list:
        (item,) = typing.get_args(tp)
        inner = _converter(item)
        return None if inner is None else (lambda v: [inner(x) for x in v])
    if origin is dict:
        _, item = typing.get_args(tp)
        inner_value = _converter(item)
        return (
            None if inner_value is None else (lambda v: {k: inner_value(x) for k, x in v.items()})
        )
    if isinstance(tp, type):
        if dataclasses.is_dataclass(tp):
            return _decoder(tp)
        if issubclass(tp, enum.Enum):
            return tp
        if tp is datetime:
            return datetime.fromisoformat
        if tp is date:
            return date.fromisoformat
        if tp is Decimal:
            return Decimal
    return None

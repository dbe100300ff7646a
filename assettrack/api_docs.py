"""Write the plugin API reference (docs/api.md) from the code's docstrings.

    python -m assettrack.api_docs > docs/api.md      (or: make api-docs)

Everything in ``assettrack.api.__all__``, the hooks, and the fixtures and helpers of
``assettrack.testing``; a test fails when docs/api.md differs from what this prints, so the
reference cannot drift from the code.
"""

from __future__ import annotations

import ast
import dataclasses
import enum
import importlib
import inspect
import itertools
import re
import sys
from collections.abc import Iterator
from typing import Any

# Names whose value carries no docstring of ours (a marker, a plain string constant).
NOTES = {
    "hookimpl": "Marks a function as a hook implementation: `@hookimpl` above "
    "`def assettrack_checklist_items(asset): ...`. The function's name says which hook.",
    "OK": 'The state of a working fan or power supply in `Readings`: `"ok"`.',
    "FAILED": 'The state of a failed fan or power supply in `Readings`: `"failed"`.',
    "make_extensions": "What the `plugin_host` fixture returns, for use outside a fixture: "
    "`make_extensions(*plugins, builtins=False)` -> `Extensions` holding only the given "
    "plugin modules or objects (and the built-in plugins if asked), registered through "
    "pluggy as installed plugins are; their failures are in `ext.host.failures`.",
}


def _fixture_notes(module_doc: str) -> dict[str, str]:
    """The ``- ``name``: what it gives`` lines of a module docstring's "Fixtures:" list."""
    notes: dict[str, str] = {}
    current = None
    for line in module_doc.splitlines():
        found = re.match(r"^- ``(\w+)``: (.*)$", line)
        if found:
            current = found.group(1)
            notes[current] = found.group(2)
        elif current and line.startswith("  ") and line.strip():
            notes[current] += " " + line.strip()
        else:
            current = None
    return notes


def _attribute_docs(module_name: str) -> dict[str, str]:
    """``NAME = value`` followed by a string: the string is NAME's docstring."""
    module = sys.modules.get(module_name) or importlib.import_module(module_name)
    source = inspect.getsource(module)
    found: dict[str, str] = {}
    body = ast.parse(source).body
    for node, after in itertools.pairwise(body):
        target = None
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
        elif isinstance(node, ast.AnnAssign):
            target = node.target
        if (
            isinstance(target, ast.Name)
            and isinstance(after, ast.Expr)
            and isinstance(after.value, ast.Constant)
            and isinstance(after.value.value, str)
        ):
            found[target.id] = inspect.cleandoc(after.value.value)
    return found


def _origins(module_name: str) -> dict[str, str]:
    """name -> the module it is imported from, as written in ``module_name``'s source."""
    module = importlib.import_module(module_name)
    origins = {}
    for node in ast.walk(ast.parse(inspect.getsource(module))):
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                origins[alias.asname or alias.name] = node.module
    return origins


class _Written:
    """An annotation shown as written (``str``), not as the string's repr (``'str'``)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


def _written(annotation: Any) -> Any:
    if annotation is inspect.Parameter.empty:
        return annotation
    return _Written(
        annotation if isinstance(annotation, str) else inspect.formatannotation(annotation)
    )


def _signature(obj: Any) -> str:
    try:
        signature = inspect.signature(obj)
    except (TypeError, ValueError):
        return "(...)"
    parameters = [
        p.replace(annotation=_written(p.annotation)) for p in signature.parameters.values()
    ]
    return str(
        signature.replace(
            parameters=parameters, return_annotation=_written(signature.return_annotation)
        )
    )


def _doc(obj: Any) -> str:
    own = obj.__doc__ if isinstance(obj, type) else inspect.getdoc(obj)
    if isinstance(obj, type) and own and own.startswith(obj.__name__ + "("):
        return ""  # the dataclass's generated signature, not a docstring
    return inspect.cleandoc(own) if own else ""


def _default(field: dataclasses.Field[Any]) -> str:
    if field.default is not dataclasses.MISSING:
        return f" = {field.default!r}"
    if field.default_factory is not dataclasses.MISSING:
        return f" = {getattr(field.default_factory, '__name__', 'factory')}()"
    return ""


def _class(name: str, cls: type) -> Iterator[str]:
    if issubclass(cls, enum.Enum):
        yield f"### `{name}`\n"
        yield f"enum: {', '.join(f'`{m.name}` = `{m.value!r}`' for m in cls)}\n"
        doc = _doc(cls)
        if doc and doc not in (enum.Enum.__doc__, enum.StrEnum.__doc__):
            yield doc + "\n"
        return
    yield f"### `{name}`\n"
    if dataclasses.is_dataclass(cls):
        yield f"dataclass{' (frozen)' if cls.__dataclass_params__.frozen else ''}\n"
    else:
        yield f"class `{name}{_signature(cls)}`\n"
    doc = _doc(cls)
    if doc:
        yield doc + "\n"
    if dataclasses.is_dataclass(cls):
        yield "| field | type and default |\n|---|---|"
        for field in dataclasses.fields(cls):
            if field.name.startswith("_"):
                continue
            kind = field.type if isinstance(field.type, str) else field.type.__name__
            shown = f"{kind}{_default(field)}".replace("|", "\\|")
            yield f"| `{field.name}` | `{shown}` |"
        yield ""
    for attr, member in sorted(vars(cls).items()):
        if attr.startswith("_") or not (inspect.isfunction(member) or isinstance(member, property)):
            continue
        if isinstance(member, property):
            yield f"- property `{attr}`: {_doc(member.fget) or ''}".rstrip()
        else:
            member_doc = _doc(member).replace("\n", " ")
            yield f"- `{attr}{_signature(member)}`: {member_doc}".rstrip(": ")
    yield ""


def _function(name: str, fn: Any) -> Iterator[str]:
    yield f"### `{name}`\n"
    yield f"`{name}{_signature(fn)}`\n"
    doc = _doc(fn)
    if doc:
        yield doc + "\n"


def _constant(name: str, value: Any, doc: str) -> Iterator[str]:
    yield f"### `{name}`\n"
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        yield f"a `{type(value).__name__}`:\n"
        for field in dataclasses.fields(value):
            shown = getattr(value, field.name)
            if field.default is not dataclasses.MISSING and shown == field.default:
                continue
            yield f"- `{field.name}` = `{shown!r}`"
        yield ""
    else:
        yield f"`{name} = {value!r}`\n"
    if doc:
        yield doc + "\n"


def _entry(name: str, value: Any, attribute_docs: dict[str, str]) -> Iterator[str]:
    if name in NOTES:
        yield f"### `{name}`\n"
        yield NOTES[name] + "\n"
    elif isinstance(value, type):
        yield from _class(name, value)
    elif inspect.isfunction(value):
        yield from _function(name, value)
    else:
        yield from _constant(name, value, attribute_docs.get(name, ""))


def _attribute_docs_for(module_name: str, names: list[str]) -> dict[str, str]:
    origins = _origins(module_name)
    docs: dict[str, str] = {}
    for origin in sorted({origins[n] for n in names if n in origins}):
        docs.update({k: v for k, v in _attribute_docs(origin).items() if origins.get(k) == origin})
    docs.update(_attribute_docs(module_name))
    return docs


def render() -> str:
    """The whole reference, as docs/api.md holds it."""
    import assettrack.api as api
    import assettrack.testing as testing
    from assettrack.plugins import hookspecs

    lines: list[str] = [
        "# assettrack plugin API reference",
        "",
        "<!-- Generated by `python -m assettrack.api_docs > docs/api.md` (`make api-docs`) "
        "from the code's docstrings; do not edit by hand. -->",
        "",
        f"API version {api.API_VERSION}. The guide with examples is docs/plugins.md.",
        "",
        inspect.cleandoc(api.__doc__ or ""),
        "",
        "## API versions",
        "",
        _attribute_docs("assettrack.plugins.version")["API_VERSION"],
        "",
        "## Hooks",
        "",
        "Implement any of them with `@hookimpl` and a function of the same name; you may "
        "take fewer arguments than listed.",
        "",
    ]
    for name in sorted(n for n in dir(hookspecs) if n.startswith("assettrack_")):
        lines.extend(_function(name, getattr(hookspecs, name)))
    lines += ["## `assettrack.api`", ""]
    names = sorted(api.__all__, key=lambda n: (not n[0].isupper() or not n.isupper(), n))
    attribute_docs = _attribute_docs_for("assettrack.api", names)
    for name in names:
        lines.extend(_entry(name, getattr(api, name), attribute_docs))
    lines += [
        "## `assettrack.testing`",
        "",
        inspect.cleandoc(testing.__doc__ or ""),
        "",
        "### Fixtures",
        "",
    ]
    fixtures = sorted(
        (name, value)
        for name, value in vars(testing).items()
        if hasattr(value, "_fixture_function_marker") or hasattr(value, "_pytestfixturefunction")
    )
    notes = _fixture_notes(inspect.cleandoc(testing.__doc__ or ""))
    for name, fixture in fixtures:
        wrapped = getattr(fixture, "_get_wrapped_function", None)
        function = wrapped() if callable(wrapped) else getattr(fixture, "__wrapped__", fixture)
        lines.append(f"#### `{name}`\n")
        doc = _doc(function) or notes.get(name, "")
        lines.append((doc or "(no docstring)") + "\n")
    lines += ["## `assettrack.testing`: helpers", ""]
    helper_docs = _attribute_docs_for("assettrack.testing", list(testing.HELPERS))
    for name in sorted(testing.HELPERS):
        lines.extend(_entry(name, getattr(testing, name), helper_docs))
    text = "\n".join(lines)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.rstrip("\n") + "\n"


def main() -> None:
    sys.stdout.write(render())


if __name__ == "__main__":
    main()

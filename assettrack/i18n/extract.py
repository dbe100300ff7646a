"""Babel extractors for texts that are data, not calls to ``_``.

``python_texts`` is Babel's Python extractor plus:
- the command line's help: the docstring of every function decorated as a click command or
  group, and the ``help=``/``short_help=``/``epilog=`` texts of click's decorators, as click
  shows them (``click_help.help_msgid``): the code keeps them plain, ``click_help``
  translates them as they are written;
- the texts of modules the interface shows but which do not import the catalog (the domain
  stays free of UI): the label and help of every ``ChecklistItem(...)`` written in the code,
  and the values of the module-level names in the mapping's ``tables`` option (a string; a
  dict's values; a tuple of pairs' second items; a tuple of strings whole).

``toml_texts`` takes the values of the ``keys`` option from a shipped settings file (survey
questions, severity names). Used by ``make i18n-extract`` (``assettrack/locale/babel.cfg``)
and the catalog test alike.
"""

from __future__ import annotations

import ast
import tomllib
from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any

from babel.messages.extract import extract_python

from assettrack.i18n.click_help import help_msgid

Extracted = tuple[int, str | None, str | tuple[str, ...], list[str]]

CHECKLIST_FIELDS = {"label": 1, "help": 2}  # keyword -> position in ChecklistItem(...)
CLICK_CALLS = {"option", "argument", "command", "group", "version_option"}
CLICK_FIELDS = ("help", "short_help", "epilog")


def python_texts(
    fileobj: IO[bytes],
    keywords: Mapping[str, Any],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[Extracted]:
    yield from extract_python(fileobj, keywords, comment_tags, options)
    fileobj.seek(0)
    tree = ast.parse(fileobj.read())
    tables = set(str(options.get("tables", "")).split())
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _called(node) == "ChecklistItem":
            for text, line in _checklist_texts(node):
                yield line, None, text, []
        elif isinstance(node, ast.Call) and _called(node) in CLICK_CALLS:
            for keyword in node.keywords:
                text = _literal(keyword.value) if keyword.arg in CLICK_FIELDS else None
                if text:
                    yield node.lineno, None, help_msgid(text), []
        elif isinstance(node, ast.FunctionDef) and _is_click_command(node):
            doc = ast.get_docstring(node, clean=False)
            if doc and help_msgid(doc):
                yield node.lineno, None, help_msgid(doc), []
        elif isinstance(node, ast.Assign | ast.AnnAssign) and tables:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = {t.id for t in targets if isinstance(t, ast.Name)}
            if names & tables and node.value is not None:
                for text, line in _table_texts(node.value):
                    yield line, None, text, []


def _is_click_command(function: ast.FunctionDef) -> bool:
    return any(
        isinstance(d, ast.Call) and _called(d) in ("command", "group")
        for d in function.decorator_list
    )


def _called(call: ast.Call) -> str:
    func = call.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")


def _literal(node: ast.AST | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value:
        return node.value
    return None


def _checklist_texts(call: ast.Call) -> Iterator[tuple[str, int]]:
    for name, position in CHECKLIST_FIELDS.items():
        value = next((k.value for k in call.keywords if k.arg == name), None)
        if value is None and len(call.args) > position:
            value = call.args[position]
        text = _literal(value)
        if text:
            yield text, call.lineno


def _table_texts(value: ast.AST) -> Iterator[tuple[str, int]]:
    if isinstance(value, ast.Constant):
        items: list[ast.AST | None] = [value]
    elif isinstance(value, ast.Dict):
        items = list(value.values)
    elif isinstance(value, ast.Tuple | ast.List):
        items = [
            e.elts[1] if isinstance(e, ast.Tuple) and len(e.elts) == 2 else e for e in value.elts
        ]
    else:
        items = []
    for item in items:
        text = _literal(item)
        if text:
            yield text, getattr(item, "lineno", 0)


def toml_texts(
    fileobj: IO[bytes],
    keywords: Mapping[str, Any],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[Extracted]:
    wanted = set(str(options.get("keys", "")).split())
    raw = fileobj.read()
    lines = raw.decode("utf-8").splitlines()
    for text in _toml_values(tomllib.loads(raw.decode("utf-8")), wanted):
        line = next((n for n, t in enumerate(lines, 1) if f'"{text}"' in t), 0)
        yield line, None, text, []


def _toml_values(value: Any, wanted: set[str]) -> Iterator[str]:
    if isinstance(value, dict):
        for key, inner in value.items():
            if key in wanted:
                values = inner if isinstance(inner, list) else [inner]
                yield from (v for v in values if isinstance(v, str) and v)
            else:
                yield from _toml_values(inner, wanted)
    elif isinstance(value, list):
        for inner in value:
            yield from _toml_values(inner, wanted)

"""The catalogs against the code: every message translated, no user-visible text unmarked.

The messages are extracted from the code exactly as ``make i18n-extract`` does (Babel and
``assettrack/locale/babel.cfg``). A message missing from the Chinese catalog, or left fuzzy
or empty there, fails; so does a catalog entry the code no longer has (run
``make i18n-extract``), and a translation whose ``{placeholders}`` or markup differ from
its message's.

Unmarked text: the scan below reads the interface's code and fails on English text written
where people read it - Textual binding descriptions, labels and other widget texts, table
column titles, form fields, notifications, screen titles, command-line output, user errors
(raised or made, and the messages their classes build), what a report's ``lines`` and
``summary`` say and the refusals a merge notes - unless it goes through ``_``/``N_``. The
store's and the console's code is read for its user errors and warnings alone. A
line may say ``# no-i18n (why)``. ``UNMARKED`` is the work left, file by file: a file may
not get worse, and a file that got better must lower its number here (so the list only
shrinks); it is empty now.
"""

from __future__ import annotations

import ast
import re
import string
from collections import Counter
from functools import cache
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

from assettrack import i18n
from assettrack.i18n.catalogs import LOCALE_DIR, compile_po, po_path

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("zh_CN", "en")


@cache
def extracted() -> dict[str, set[str]]:
    """Every message of the code and shipped texts -> the files that hold it."""
    with open(LOCALE_DIR / "babel.cfg") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    found: dict[str, set[str]] = {}
    for filename, _line, message, _comments, context in extract_from_dir(
        ROOT, method_map, options_map, keywords=DEFAULT_KEYWORDS
    ):
        key = message if isinstance(message, str) else message[0]
        found.setdefault(f"{context}\x04{key}" if context else key, set()).add(filename)
    return found


@cache
def catalog(language: str) -> Catalog:
    with open(po_path(LOCALE_DIR, language, i18n.DOMAIN), "rb") as handle:
        return read_po(handle)


def entries(language: str) -> dict[str, str]:
    """msgid (with its context) -> translation, fuzzy ones as empty."""
    found = {}
    for message in catalog(language):
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        key = f"{message.context}\x04{key}" if message.context else key
        text = message.string if isinstance(message.string, str) else message.string[0]
        found[key] = "" if message.fuzzy else text
    return found


def test_extraction_finds_the_interface_messages() -> None:
    messages = extracted()
    assert len(messages) > 500
    # One of each kind: a binding (N_), a notification (_), a command's help (a docstring),
    # a checklist item (data), a survey question (TOML).
    for text in (
        "New asset",
        "Fault recorded",
        "Warranties that expire soon, soonest first.",
        "Room temperature",
        "The engineer came at the agreed time",
    ):
        assert text in messages, text


def test_every_message_is_in_the_chinese_catalog() -> None:
    chinese = entries("zh_CN")
    missing = sorted(m for m in extracted() if not chinese.get(m))
    assert not missing, (
        f"{len(missing)} message(s) without a Chinese translation (make i18n-extract, then "
        f"translate them in {po_path(LOCALE_DIR, 'zh_CN', i18n.DOMAIN)}): {missing[:20]}"
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_lists_exactly_the_code_messages(language: str) -> None:
    held = set(entries(language))
    stale = sorted(held - set(extracted()))
    absent = sorted(set(extracted()) - held)
    assert not stale, f"{language}: messages the code no longer has (make i18n-extract): {stale}"
    assert not absent, f"{language}: messages not in the catalog (make i18n-extract): {absent}"


def _fields(text: str) -> Counter[str]:
    try:
        return Counter(
            f"{name}!{conversion or ''}"
            for _literal, name, _spec, conversion in string.Formatter().parse(text)
            if name is not None
        )
    except ValueError:
        return Counter({"<unbalanced braces>": 1})


MARKUP = re.compile(r"\[/?[a-z][a-z ]*\]|\[/\]")


def test_translations_keep_placeholders_and_markup() -> None:
    wrong = []
    for message in catalog("zh_CN"):
        if not message.id or not message.string:
            continue
        source = message.id if isinstance(message.id, str) else message.id[0]
        text = message.string if isinstance(message.string, str) else message.string[0]
        if "python-brace-format" in message.flags and _fields(source) != _fields(text):
            wrong.append((source, text, "placeholders"))
        if Counter(MARKUP.findall(source)) != Counter(MARKUP.findall(text)):
            wrong.append((source, text, "markup"))
    assert not wrong, wrong


PLUGIN_PACKAGES = sorted(
    p for p in ROOT.glob("plugins/*/assettrack_*") if p.parent.name != "_template"
)


@pytest.mark.parametrize("package", PLUGIN_PACKAGES, ids=lambda p: p.name)
def test_first_party_plugins_ship_their_chinese_catalog(package: Path) -> None:
    with open(LOCALE_DIR / "plugin-babel.cfg") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    messages = {
        message
        for _file, _line, message, _comments, _context in extract_from_dir(
            package, method_map, options_map, keywords=DEFAULT_KEYWORDS
        )
    }
    assert messages, "a first-party plugin has checklist items to translate"
    with open(po_path(package / "locale", "zh_CN", package.name), "rb") as handle:
        chinese = {m.id: m.string for m in read_po(handle) if m.id and not m.fuzzy}
    missing = sorted(m for m in messages if not chinese.get(m))
    assert not missing, f"{package.name}: untranslated (make i18n-extract): {missing}"
    assert not set(chinese) - messages, f"{package.name}: stale messages (make i18n-extract)"


def test_plugin_catalogs_are_found_and_used() -> None:
    from assettrack.plugins.loader import load_plugins

    i18n.add_plugin_catalogs(load_plugins({}).host.pm.get_plugins())
    with i18n.using("zh_CN"):
        assert i18n._("Patch level recorded") == "已记录补丁版本"  # Huawei VRP's item
        assert i18n._("Last reload reason") == "上次重启原因"  # Cisco IOS's


def test_a_loose_plugin_files_catalog_beside_it_is_found_and_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A plugin in the plugins folder keeps ``locale/<language>/LC_MESSAGES/<its name>.po``
    beside it, as a package keeps its own (it is loaded under no name sys.modules holds)."""
    from assettrack.plugins.loader import load_plugins

    folder = tmp_path / "plugins"
    messages = folder / "locale" / "zh_CN" / "LC_MESSAGES"
    messages.mkdir(parents=True)
    (folder / "rack_checks.py").write_text('__version__ = "1.0"\n', encoding="utf-8")
    catalog = Catalog(locale="zh_CN")
    catalog.add("Fan tray seated", "风扇框已插到位")
    with open(messages / "rack_checks.po", "wb") as out:
        write_po(out, catalog)
    monkeypatch.setattr(i18n, "_extra", dict(i18n._extra))  # the domain goes with the test
    monkeypatch.setattr(i18n, "_translations", {})
    extensions = load_plugins({"plugins": {"folder": str(folder)}}, {})
    assert "rack_checks" in extensions.host.infos
    i18n.add_plugin_catalogs(extensions.host.pm.get_plugins())
    with i18n.using("zh_CN"):
        assert i18n._("Fan tray seated") == "风扇框已插到位"


def test_the_catalogs_compile_and_are_used(tmp_path: Path) -> None:
    for language in LANGUAGES:
        assert compile_po(po_path(LOCALE_DIR, language, i18n.DOMAIN))
    with i18n.using("zh_CN"):
        assert i18n._("Sites") == "站点"
        assert i18n._("{count} fault(s) in 12 months").format(count=3) == "12 个月内 3 个故障"
    with i18n.using("en"):
        assert i18n._("Sites") == "Sites"


# -- text people read that does not go through the catalog ------------------------------------

SCANNED = (
    "assettrack/tui",
    "assettrack/commands",
    "assettrack/services",
    "assettrack/domain",
    "assettrack/config.py",
    "assettrack/cli.py",
)
SCANNED_FILES: tuple[str, ...] = ()
# Read for the user errors they raise or make (every argument of one, the message a helper
# hands ``_error``), the warnings they tell (``_notice``, ``report``) and what ``message`` and
# ``*_message`` functions return: their other text is not the interface's (the simulated
# devices' output, generated code).
ERRORS_ONLY = ("assettrack/store", "assettrack/console")
# Calls in those whose arguments are user errors' messages or warnings: name -> positions.
TOLD = {"_error": (1,), "_notice": (0,), "report": (0,)}
MARKERS = {"_", "N_", "gettext", "ngettext", "pgettext"}
# Calls whose arguments people read: name -> (positions, keywords).
SHOWN = {
    "Binding": ((2,), ("description", "tooltip")),
    "notify": ((0,), ("message", "title")),
    "Static": ((0,), ("tooltip",)),
    "Label": ((0,), ("tooltip",)),
    "Button": ((0,), ("label", "tooltip")),
    "Checkbox": ((0,), ("label",)),
    "Input": ((), ("placeholder",)),
    "Text": ((0,), ()),
    "assemble": (tuple(range(12)), ()),
    "update": ((0,), ()),
    "Column": ((1,), ("label",)),
    "add_column": ((0,), ("header",)),  # a Rich table's column titles
    # Two forms' fields: (name, label, value, placeholder) and (name, label, placeholder, kind).
    "Field": ((1, 2, 3), ("label", "placeholder", "choices")),
    "Heading": ((0, 1), ("text", "note")),
    "FormModal": ((0,), ("title",)),
    "ConfirmModal": ((0, 1), ("yes", "no")),
    "MessageModal": ((0, 1), ()),
    "_open": ((1,), ("intro",)),  # the form dialogs' helpers: (screen, title, ...)
    "echo": ((0,), ("message",)),
    "emit": ((3,), ("empty",)),  # the command line's tables: what an empty one says
    "echo_details": ((0,), ()),  # the command line's (label, value) lines
    "secho": ((0,), ("message",)),
    "BadParameter": ((0,), ("message",)),
    "UsageError": ((0,), ("message",)),
    "ClickException": ((0,), ("message",)),
    # A field's problem, as a form, an import or an error names it: (field, value, reason);
    # the validation's collector takes the same three; an import's row problem, its line first.
    "FieldProblem": ((2,), ("reason",)),
    "add": ((2,), ()),
    "RowProblem": ((3,), ("reason",)),
    # An incoming document kept out by a merge: (table, id, reason, bundle=its sentence).
    "RefusedDocument": ((2,), ("bundle",)),
    "_damaged": ((1,), ()),  # a git bundle's damage: (path, reason)
}
# Functions whose returned text people read: a report's lines, a summary, an error message.
SAYING = ("lines", "summary", "said", "describe")
# Lists of lines people read: a report's, the documents a merge kept out and why.
SAID_LISTS = {"said", "lines", "refused", "ignored"}
# Exceptions that end in a person's sight (the others are bugs, said in English): every
# kind of AssetTrackError (the user errors of the command line and the app), by name.
USER_ERRORS = re.compile(r"(AssetTrack|Import|Export|Report|FileWrite|Validation)\w*Error$")
WORD = re.compile(r"[A-Za-z]{2,}")
NOT_TEXT = {"text", "choice", "choices", "contacts"}  # a record form field's kind

# The work left: file -> texts still unmarked (lower a number when you mark some). None
# is left: every file scanned is held to zero.
UNMARKED: dict[str, int | None] = {}


def _words(node: ast.AST) -> bool:
    """Whether ``node`` writes English text itself (a literal, an f-string, a sum of them)."""
    if isinstance(node, ast.Constant):
        value = node.value
        return isinstance(value, str) and bool(WORD.search(value)) and value not in NOT_TEXT
    if isinstance(node, ast.JoinedStr):
        return any(_words(v) for v in node.values if isinstance(v, ast.Constant))
    if isinstance(node, ast.BinOp):
        return _words(node.left) or _words(node.right)
    if isinstance(node, ast.IfExp):
        return _words(node.body) or _words(node.orelse)
    if isinstance(node, ast.Tuple):  # Text.assemble(("text", "style")), (label, value)
        return bool(node.elts) and _words(node.elts[0])
    if isinstance(node, ast.List):  # [(label, value), ...]: a form's choices, details
        return any(_words(element) for element in node.elts)
    return False


def _name(call: ast.Call) -> str:
    func = call.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")


@cache
def user_errors() -> frozenset[str]:
    """The names of every ``AssetTrackError`` subclass the scanned code defines."""
    import importlib

    from assettrack.errors import AssetTrackError

    for path in scanned_files():
        module = path.relative_to(ROOT).with_suffix("").as_posix().replace("/", ".")
        if not module.endswith("__init__"):
            importlib.import_module(module)
    found: set[str] = set()
    todo = [AssetTrackError]
    while todo:
        kind = todo.pop()
        found.add(kind.__name__)
        todo += kind.__subclasses__()
    return frozenset(found)


def _user_error(name: str) -> bool:
    return bool(USER_ERRORS.search(name)) or name in user_errors()


def unmarked_in(path: Path) -> list[tuple[int, str]]:
    relative = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else ""
    if relative.startswith(ERRORS_ONLY):
        return errors_unmarked_in(path)
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    found: list[tuple[int, str]] = []

    def flag(node: ast.AST) -> None:
        line = getattr(node, "lineno", 0)
        end = getattr(node, "end_lineno", line) or line
        said = (line, ast.unparse(node)[:70])
        if said not in found and not any("no-i18n" in lines[n - 1] for n in range(line, end + 1)):
            found.append(said)

    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and _name(node) in SHOWN:
            positions, keywords = SHOWN[_name(node)]
            values = [node.args[p] for p in positions if p < len(node.args)]
            values += [k.value for k in node.keywords if k.arg in keywords]
            for value in values:
                if _words(value):
                    flag(value)
        elif isinstance(node, ast.Call) and _user_error(_name(node)):
            for value in node.args[:1]:  # raised, or made to be raised or returned
                if _words(value):
                    flag(value)
        elif isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            if _name(node.exc) in SHOWN:
                for value in node.exc.args[:1]:
                    if _words(value):
                        flag(value)
        elif isinstance(node, ast.Assign) and _words(node.value):
            for target in node.targets:
                if isinstance(target, ast.Attribute) and target.attr in ("title", "sub_title"):
                    flag(node.value)
        if isinstance(node, ast.Call) and _said_into_list(node):
            flag(node.args[0])
        elif isinstance(node, ast.ClassDef) and _user_error(node.name):
            for message in _own_messages(node):
                flag(message)
        elif isinstance(node, ast.FunctionDef) and _saying(node.name):
            for inner in ast.walk(node):
                if isinstance(inner, ast.Return) and inner.value is not None:
                    returned = inner.value
                    items = returned.elts if isinstance(returned, ast.List) else [returned]
                    for item in items:
                        if _words(item):
                            flag(item)
    return sorted(found)


def errors_unmarked_in(path: Path) -> list[tuple[int, str]]:
    """English in the user errors and warnings of the store's and the console's code."""
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    found: list[tuple[int, str]] = []

    def flag(node: ast.AST) -> None:
        line = getattr(node, "lineno", 0)
        end = getattr(node, "end_lineno", line) or line
        said = (line, ast.unparse(node)[:70])
        if said not in found and not any("no-i18n" in lines[n - 1] for n in range(line, end + 1)):
            found.append(said)

    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and _user_error(_name(node)):
            values = [*node.args, *(k.value for k in node.keywords if k.arg == "message")]
        elif isinstance(node, ast.Call) and _name(node) in TOLD:
            values = [node.args[p] for p in TOLD[_name(node)] if p < len(node.args)]
        elif isinstance(node, ast.ClassDef) and _user_error(node.name):
            values = _own_messages(node)
            for message in values:
                flag(message)
            continue
        elif isinstance(node, ast.FunctionDef) and (
            node.name == "message" or node.name.endswith(("_message", "explain"))
        ):
            values = [
                inner.value
                for inner in ast.walk(node)
                if isinstance(inner, ast.Return) and inner.value is not None
            ]
        else:
            continue
        for value in values:
            if _words(value):
                flag(value)
    return sorted(found)


def _saying(function: str) -> bool:
    return function in SAYING or function.endswith("_message")


def _said_into_list(call: ast.Call) -> bool:
    """``said.append("...")``, ``report.refused.append(f"...")``: a line people read."""
    func = call.func
    if not (isinstance(func, ast.Attribute) and func.attr == "append" and call.args):
        return False
    owner = func.value
    name = owner.id if isinstance(owner, ast.Name) else getattr(owner, "attr", "")
    return name in SAID_LISTS and _words(call.args[0])


def _own_messages(cls: ast.ClassDef) -> list[ast.AST]:
    """The English messages a user error's ``__init__`` builds for ``super().__init__``.

    An error that keeps every value its message is made of as attributes lets whoever
    shows it word it (``error_text`` does for a ValidationError, a dialog asks about a time
    already recorded): its English message is not counted. One that keeps them not, or
    whose message is fixed text, is read as it is, and must be marked."""
    found: list[ast.AST] = []
    for method in cls.body:
        if not isinstance(method, ast.FunctionDef) or method.name != "__init__":
            continue
        params = {a.arg for a in (*method.args.args, *method.args.kwonlyargs)} - {"self"}
        kept = {
            target.attr
            for node in ast.walk(method)
            if isinstance(node, ast.Assign)
            for each in node.targets
            for target in (each.elts if isinstance(each, ast.Tuple) else [each])
            if isinstance(target, ast.Attribute)
        }
        for node in ast.walk(method):
            if not (isinstance(node, ast.Call) and _calls_super_init(node) and node.args):
                continue
            message = node.args[0]
            used = {n.id for n in ast.walk(message) if isinstance(n, ast.Name)} & params
            if _words(message) and not (used and used <= kept):
                found.append(message)
    return found


def _calls_super_init(call: ast.Call) -> bool:
    func = call.func
    return (
        isinstance(func, ast.Attribute)
        and func.attr == "__init__"
        and isinstance(func.value, ast.Call)
        and isinstance(func.value.func, ast.Name)
        and func.value.func.id == "super"
    )


def scanned_files() -> list[Path]:
    files = [ROOT / f for f in SCANNED_FILES]
    for where in (*SCANNED, *ERRORS_ONLY):
        path = ROOT / where
        files += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    return files


def test_no_user_visible_text_is_left_unmarked() -> None:
    counts = {}
    worse = []
    for path in scanned_files():
        found = unmarked_in(path)
        relative = path.relative_to(ROOT).as_posix()
        counts[relative] = len(found)
        allowed = UNMARKED.get(relative, 0)
        if allowed is not None and len(found) > allowed:
            worse.append(f"{relative}: {found[:12]}")
    assert not worse, "text people read, not marked for translation:\n" + "\n".join(worse)
    better = {
        f: (n, counts.get(f, 0))
        for f, n in UNMARKED.items()
        if n is not None and counts.get(f, 0) < n
    }
    assert not better, f"fewer unmarked texts than UNMARKED says - lower it: {better}"


def test_the_scan_catches_unmarked_text(tmp_path: Path) -> None:
    sample = tmp_path / "screen.py"
    sample.write_text(
        "from textual.binding import Binding\n"
        "B = [Binding('n', 'new', 'New asset'), Binding('e', 'edit', N_('Edit'))]\n"
        "def f(self, exc, n):\n"
        "    self.notify(f'Saved {n} assets')\n"
        "    self.notify(_('Saved {n} assets').format(n=n))\n"
        "    self.notify(str(exc))\n"
        "    self.title = 'Sites'\n"
        "    Static('·')\n"
        "    Static('kept as is')  # no-i18n (a product name)\n"
        "    Field('removed', _('Removed?'), n, choices=[('no, still there', 'no')])\n"
        "    raise AssetTrackError(f'no site {n}')\n"
        "    raise ValueError('a bug, said in English')\n"
        "    return SyncError(f'cannot reach {n}')\n"
        "    report.refused.append(f'{n}: kept out')\n"
        "    report.refused.append(_('{n}: kept out').format(n=n))\n"
        "def lines(self):\n"
        "    return [f'Merged {self.remote}'] if self.merged else [_('Up to date')]\n"
        "def no_response_message(port):\n"
        "    return f'No response on {port}'\n"
        "class StoreError(AssetTrackError):\n"
        "    def __init__(self, path, problem):\n"
        "        self.path = path\n"
        "        super().__init__(f'{path} is damaged: {problem}')\n"
        "class TimeAlreadySet(AssetTrackError):\n"
        "    def __init__(self, name, old):\n"
        "        self.name, self.old = name, old\n"
        "        super().__init__(f'{name} is already recorded: {old}')\n",
        encoding="utf-8",
    )
    found = [line for line, _text in unmarked_in(sample)]
    assert found == [2, 4, 7, 10, 11, 13, 14, 17, 19, 23], unmarked_in(sample)


def test_the_errors_scan_catches_unmarked_errors_and_warnings(tmp_path: Path) -> None:
    sample = tmp_path / "store.py"
    sample.write_text(
        "def read(self, path, exc):\n"
        "    raise CorruptStoreError(path, f'not valid JSON ({exc})')\n"
        "    raise CorruptStoreError(path, N_('not valid JSON ({reason})', reason=exc))\n"
        "    raise self._error(NoResponse, f'The device on {self.url} is quiet.')\n"
        "    self._notice(f'warning: {exc}')\n"
        "    self._notice(N_('warning: {problem}', problem=exc))\n"
        "    lines.append(f'interface {exc}')\n"
        "def busy_message(folder):\n"
        "    return f'database {folder} is busy'\n"
        "def explain(path, exc):\n"
        "    return N_('could not save {path}', path=path)\n",
        encoding="utf-8",
    )
    found = [line for line, _text in errors_unmarked_in(sample)]
    assert found == [2, 4, 5, 9], errors_unmarked_in(sample)

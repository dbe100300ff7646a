"""The plugin API is a contract: what plugins may import, the version they declare, and the
reference generated from the code."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest

import assettrack.api as api
from assettrack.api_docs import render
from assettrack.plugins.host import API
from assettrack.plugins.loader import load_plugins
from assettrack.plugins.version import API_VERSION, check_api
from assettrack.testing import make_extensions
from tests.conftest import run_cli

ROOT = Path(__file__).resolve().parent.parent
PUBLIC = ("assettrack.api", "assettrack.testing")


def outside_imports(source: str) -> list[str]:
    """Modules of assettrack a source imports other than the public two (``import``,
    ``from … import``, and ``importlib.import_module("…")`` / ``__import__("…")``)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
            if node.module == "assettrack":  # from assettrack import api: that is allowed
                names = [f"assettrack.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            first = node.args[0]
            if called in ("import_module", "__import__") and isinstance(first, ast.Constant):
                names = [str(first.value)]
        for name in names:
            if (name == "assettrack" or name.startswith("assettrack.")) and not any(
                name == p or name.startswith(p + ".") for p in PUBLIC
            ):
                found.append(f"line {node.lineno}: {name}")
    return found


def test_the_checker_finds_every_way_to_import_an_internal_module() -> None:
    source = textwrap.dedent("""
        import assettrack.domain.models
        from assettrack.services.inspections import serial_mismatch
        from assettrack import hookimpl
        import importlib
        importlib.import_module("assettrack.console.profile")
        from assettrack.api import Readings
        from assettrack import api, testing
        import assettrack_cisco_ios
    """)
    assert [f.split(": ")[1] for f in outside_imports(source)] == [
        "assettrack.domain.models",
        "assettrack.services.inspections",
        "assettrack.hookimpl",
        "assettrack.console.profile",
    ]


def test_plugins_import_only_the_public_api() -> None:
    """Every Python file under plugins/ (drivers, tests, the template) imports nothing of
    assettrack but assettrack.api and assettrack.testing."""
    files = sorted((ROOT / "plugins").rglob("*.py"))
    assert len(files) >= 10  # the first-party plugins, their tests and the template
    offenders = {
        str(path.relative_to(ROOT)): found
        for path in files
        if (found := outside_imports(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}, f"import only {' and '.join(PUBLIC)}: {offenders}"


# -- the API version ---------------------------------------------------------------------


def test_the_api_version_is_semantic_and_its_history_is_documented() -> None:
    major, minor, patch = (int(p) for p in API_VERSION.split("."))
    assert (major, minor, patch) >= (1, 1, 0)
    history = render().split("## API versions", 1)[1].split("## Hooks", 1)[0]
    assert f"**{major}.{minor}**" in history  # what this minor added is written down
    assert api.API_VERSION == API_VERSION


@pytest.mark.parametrize(
    ("declared", "refused", "warned"),
    [
        (">=1.1,<2", False, False),
        (">=1.0", False, False),
        (">=2,<3", True, False),
        ("<1.1", True, False),
        ("one point one", True, False),
        (11, True, False),
        (None, False, True),
    ],
)
def test_what_a_plugin_declares_decides_whether_it_loads(declared, refused, warned) -> None:
    refusal, warning = check_api("acme", declared)
    assert bool(refusal) is refused and bool(warning) is warned
    if refusal:
        assert refusal.startswith("plugin 'acme' refused") and API_VERSION in refusal
        assert "\n" not in refusal


def write_plugin(folder: Path, name: str, declared: str | None) -> None:
    line = f"ASSETTRACK_API = {declared!r}\n" if declared is not None else ""
    (folder / f"{name}.py").write_text(
        "from assettrack.api import AssetKind, ChecklistItem, hookimpl\n"
        + line
        + textwrap.dedent(f"""
        @hookimpl
        def assettrack_asset_kinds(register):
            register(AssetKind("{name}_kind"))

        @hookimpl
        def assettrack_checklist_items(asset):
            return [ChecklistItem("{name}_item", "An item of {name}")]
        """),
        encoding="utf-8",
    )


def test_an_incompatible_plugin_is_refused_whole_and_says_so_in_one_line(
    tmp_path: Path, sample_asset
) -> None:
    folder = tmp_path / "plugins"
    folder.mkdir()
    write_plugin(folder, "future", ">=2,<3")
    write_plugin(folder, "current", ">=1.1,<2")
    write_plugin(folder, "silent", None)
    ext = load_plugins({"plugins": {"folder": str(folder)}}, env={}, entry_points=False)
    # Nothing of the refused plugin works: not its start-up hooks, not its checklist.
    assert "future_kind" not in ext.asset_kinds()
    items = [i.id for i in ext.checklist_for(sample_asset())]
    assert "future_item" not in items and {"current_item", "silent_item"} <= set(items)
    (failure,) = ext.host.failures
    assert (failure.plugin, failure.stage) == ("future", API)
    assert str(failure) == (
        f"plugin 'future' refused: it needs assettrack API >=2,<3, this assettrack offers "
        f"API {API_VERSION} (install a release of the plugin made for it, or another "
        "assettrack)"
    )
    infos = ext.host.infos
    assert infos["future"].refused and infos["future"].hooks == []
    assert infos["current"].api == ">=1.1,<2" and infos["current"].warnings == []
    assert infos["silent"].api == "" and "declares no ASSETTRACK_API" in infos["silent"].warnings[0]


def test_the_plugins_command_shows_the_refusal_and_the_warning(tmp_path: Path) -> None:
    folder = tmp_path / "plugins"
    folder.mkdir()
    write_plugin(folder, "future", ">=2,<3")
    write_plugin(folder, "silent", None)
    config = tmp_path / "settings.toml"
    config.write_text(f'[plugins]\nfolder = "{folder.as_posix()}"\n', encoding="utf-8")
    listed = run_cli("--config", str(config), "plugins")
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert "future  [folder]  REFUSED" in lines
    assert (
        f"    error: plugin 'future' refused: it needs assettrack API >=2,<3, this "
        f"assettrack offers API {API_VERSION} (install a release of the plugin made for it, "
        "or another assettrack)" in lines
    )
    assert "silent  [folder]  ok, with a warning" in lines
    assert any(line.startswith("    warning: declares no ASSETTRACK_API") for line in lines)
    # Every command that loads the plugins names the refusal once on standard error.
    assert listed.stderr.count("plugin 'future' refused") == 1


def test_the_first_party_plugins_declare_this_api(plugin_host) -> None:
    import assettrack_cisco_ios
    import assettrack_huawei_vrp

    ext = make_extensions(assettrack_cisco_ios, assettrack_huawei_vrp)
    for name in ("assettrack_cisco_ios", "assettrack_huawei_vrp"):
        info = ext.host.infos[name]
        assert info.api == ">=1.1,<2" and info.warnings == [] and not info.refused


# -- the reference generated from the code -----------------------------------------------


def test_the_api_reference_is_generated_from_the_code() -> None:
    written = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    assert written == render(), (
        "docs/api.md is out of date: run `python -m assettrack.api_docs > docs/api.md` "
        "(or `make api-docs`)"
    )


def test_every_public_name_is_in_the_reference_with_its_docstring() -> None:
    text = render()
    for name in api.__all__:
        assert f"### `{name}`" in text, name
    assert "parse each command" in text.lower() or "Parse each command" in text
    assert f"API version {API_VERSION}" in text

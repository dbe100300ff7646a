"""The installed plugins' entry points are kept between runs (``plugins.entry_point_cache``)
and read again whenever a distribution is installed, removed, upgraded or changes its entry
points. Real distributions: a module and its ``*.dist-info`` in a folder put on sys.path."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from assettrack.plugins import entry_point_cache
from assettrack.plugins.entry_point_cache import FoundEntryPoint, entry_points
from assettrack.plugins.host import ENTRY_POINT_GROUP

GROUP = ENTRY_POINT_GROUP


def install(site: Path, name: str, version: str = "1.0", value: str | None = None) -> Path:
    (site / f"{name}.py").write_text("class Hooks:\n    class inner:\n        pass\n")
    info = site / f"{name}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
    (info / "entry_points.txt").write_text(f"[{GROUP}]\n{name} = {value or name}\n")
    return info


def as_importlib_finds() -> list[FoundEntryPoint]:
    return [
        FoundEntryPoint(ep.name, ep.value, ep.dist.version if ep.dist else "")
        for ep in importlib.metadata.entry_points(group=GROUP)
    ]


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "site"
    folder.mkdir()
    monkeypatch.syspath_prepend(str(folder))
    return folder


def names(found: list[FoundEntryPoint]) -> dict[str, tuple[str, str]]:
    return {f.name: (f.value, f.version) for f in found}


def test_what_is_kept_is_what_importlib_finds_and_a_second_run_reads_it(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install(site, "alphaplug")
    cache = tmp_path / "cache"
    first = entry_points(GROUP, cache)
    assert first == as_importlib_finds()
    assert names(first)["alphaplug"] == ("alphaplug", "1.0")
    assert len(list(cache.glob("entry-points-*.json"))) == 1

    def no_scan(group: str) -> list[FoundEntryPoint]:
        raise AssertionError("the installed distributions were read again")

    monkeypatch.setattr(entry_point_cache, "_scan", no_scan)
    assert entry_points(GROUP, cache) == first


@pytest.mark.parametrize("change", ["installed", "removed", "upgraded", "entry point renamed"])
def test_a_change_to_what_is_installed_is_seen(site: Path, tmp_path: Path, change: str) -> None:
    install(site, "alphaplug")
    betas = install(site, "betaplug")
    cache = tmp_path / "cache"
    entry_points(GROUP, cache)  # kept
    if change == "installed":
        install(site, "gammaplug")
    elif change == "removed":
        for path in betas.iterdir():
            path.unlink()
        betas.rmdir()
    elif change == "upgraded":  # pip replaces the folder: a new name, the same entry points
        upgraded = betas.rename(site / "betaplug-2.0.dist-info")
        (upgraded / "METADATA").write_text("Metadata-Version: 2.1\nName: betaplug\nVersion: 2.0\n")
    else:  # the same length, written in place at once: only the content tells
        (betas / "entry_points.txt").write_text(f"[{GROUP}]\nbetaplux = betaplug\n")
    found = entry_points(GROUP, cache)
    assert found == as_importlib_finds()
    expected = {
        "installed": {"alphaplug", "betaplug", "gammaplug"},
        "removed": {"alphaplug"},
        "upgraded": {"alphaplug", "betaplug"},
        "entry point renamed": {"alphaplug", "betaplux"},
    }[change]
    ours = set(names(found)) & {"alphaplug", "betaplug", "gammaplug", "betaplux"}
    assert ours == expected
    if change == "upgraded":
        assert names(found)["betaplug"] == ("betaplug", "2.0")


def test_a_damaged_or_foreign_cache_file_is_read_past(site: Path, tmp_path: Path) -> None:
    install(site, "alphaplug")
    cache = tmp_path / "cache"
    entry_points(GROUP, cache)
    (kept,) = cache.glob("entry-points-*.json")
    for junk in (b"", b"{not json", b'{"format": 99}', b"[1, 2]", b'{"format": 1, "found": 3}'):
        kept.write_bytes(junk)
        assert entry_points(GROUP, cache) == as_importlib_finds()
    unwritable = tmp_path / "a file"
    unwritable.write_text("")
    assert entry_points(GROUP, unwritable) == as_importlib_finds()  # no cache, no error


def test_an_entry_point_loads_what_it_names_as_importlib_does(site: Path) -> None:
    install(site, "alphaplug", value="alphaplug:Hooks.inner")
    (found,) = [f for f in entry_points(GROUP, None) if f.name == "alphaplug"]
    (official,) = [
        ep for ep in importlib.metadata.entry_points(group=GROUP) if ep.name == "alphaplug"
    ]
    assert found.load() is official.load()
    with pytest.raises(AttributeError):
        FoundEntryPoint("broken", "alphaplug:Nothing", "1").load()
    with pytest.raises(ModuleNotFoundError):
        FoundEntryPoint("broken", "no_such_module_here", "1").load()


def test_a_new_process_finds_a_plugin_installed_or_removed_since_the_last(tmp_path: Path) -> None:
    # Two runs in fresh processes with the same cache folder: the plugin installed between
    # them is listed by the second, and gone again once removed.
    site = tmp_path / "site"
    site.mkdir()
    root = Path(__file__).resolve().parent.parent
    env = {
        "PYTHONPATH": f"{site}:{root}",
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "ASSETTRACK_DISABLE_PLUGINS": "",
        "PATH": "/usr/bin:/bin",
    }
    code = textwrap.dedent("""
        from assettrack.plugins.loader import load_plugins
        ext = load_plugins({}, env={})
        print(sorted(n for n, i in ext.host.infos.items() if i.source == "entry point"))
    """)

    def listed() -> str:
        out = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        )
        return out.stdout

    before = listed()
    assert "deltaplug" not in before
    info = install(site, "deltaplug")
    (site / "deltaplug.py").write_text("")
    assert "'deltaplug'" in listed()
    for path in info.iterdir():
        path.unlink()
    info.rmdir()
    assert listed() == before

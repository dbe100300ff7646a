"""Where driver profiles are found, and the set of them loaded now.

Every ``*.toml`` file directly in these folders is a driver profile, in this order:

1. the profiles shipped with assettrack;
2. ``profiles/`` in the user config folder (``assettrack config`` shows it);
3. the plugins folder (``[plugins] folder`` in settings; default ``plugins/`` in the user
   config folder), beside loose ``*.py`` plugins;
4. each folder (or file) listed in ``ASSETTRACK_PROFILES`` (separated as ``PATH`` is).

A later profile with the same driver name replaces an earlier one (so a copy of a shipped
profile in your folder, edited, is the one used). A file that cannot be loaded is refused
alone, with its ``ProfileError``; the others load.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assettrack.profiles.driver_profile import DriverProfile, ProfileError, load_driver_profile

if TYPE_CHECKING:
    from assettrack.console.simulator.sim_profile import SimProfile

PROFILES_ENV = "ASSETTRACK_PROFILES"
SHIPPED = Path(__file__).resolve().parent / "drivers"
CONSOLES = Path(__file__).resolve().parent / "consoles"


@dataclass(frozen=True)
class Catalog:
    profiles: tuple[DriverProfile, ...]
    errors: tuple[ProfileError, ...]
    replaced: tuple[tuple[str, str], ...] = ()  # (the file used, the file it replaced)

    def by_name(self, name: str) -> DriverProfile | None:
        return next((p for p in self.profiles if p.name == name), None)


def profile_folders(
    settings: Mapping[str, Any] | None = None, env: Mapping[str, str] | None = None
) -> list[Path]:
    """The folders (and files) searched, in order; missing ones are skipped later."""
    from assettrack.config import user_config_dir

    env = os.environ if env is None else env
    folders = [SHIPPED, user_config_dir() / "profiles"]
    plugins = _plugins_folder(settings)
    if plugins is not None:
        folders.append(plugins)
    folders += [
        Path(p).expanduser() for p in env.get(PROFILES_ENV, "").split(os.pathsep) if p.strip()
    ]
    unique: list[Path] = []
    for folder in folders:
        if folder not in unique:
            unique.append(folder)
    return unique


def _plugins_folder(settings: Mapping[str, Any] | None) -> Path | None:
    if settings is None:
        try:
            from assettrack.config import load_settings

            settings = load_settings().raw
        except Exception:  # a broken settings file is reported where settings are used
            return None
    from assettrack.plugins.loader import plugins_folder

    return plugins_folder(settings)


def profile_files(folders: list[Path]) -> list[Path]:
    files: list[Path] = []
    for folder in folders:
        if folder.is_file() and folder.suffix == ".toml":
            files.append(folder)
        elif folder.is_dir():
            files += sorted(p for p in folder.glob("*.toml") if not p.name.startswith((".", "_")))
    return files


def load_catalog(folders: list[Path]) -> Catalog:
    """Load every profile of ``folders``; each bad one becomes an error, alone."""
    chosen: dict[str, DriverProfile] = {}
    errors: list[ProfileError] = []
    replaced: list[tuple[str, str]] = []
    for path in profile_files(folders):
        try:
            profile = load_driver_profile(path)
        except ProfileError as exc:
            errors.append(exc)
            continue
        except Exception as exc:  # never let one file break the others
            errors.append(ProfileError(str(path), "", f"{type(exc).__name__}: {exc}"))
            continue
        earlier = chosen.get(profile.name)
        if earlier is not None:
            if Path(earlier.source).parent == path.parent:
                errors.append(
                    ProfileError(
                        str(path),
                        "driver.name",
                        f"{profile.name!r} is already the driver of {earlier.source}",
                    )
                )
                continue
            replaced.append((profile.source, earlier.source))
        chosen[profile.name] = profile
    return Catalog(tuple(chosen.values()), tuple(errors), tuple(replaced))


_lock = threading.Lock()
_cache: dict[tuple[Any, ...], Catalog] = {}


def current_catalog(
    settings: Mapping[str, Any] | None = None, env: Mapping[str, str] | None = None
) -> Catalog:
    """The profiles of the usual folders, loaded again only when a file changed."""
    folders = profile_folders(settings, env)
    files = profile_files(folders)
    key = tuple((str(p), _stamp(p)) for p in files)
    with _lock:
        found = _cache.get(key)
        if found is None:
            found = load_catalog(folders)
            _cache.clear()
            _cache[key] = found
        return found


def _stamp(path: Path) -> tuple[int, int]:
    try:
        stat = path.stat()
    except OSError:
        return (0, 0)
    return (stat.st_mtime_ns, stat.st_size)


@cache
def shipped_console(name: str) -> SimProfile:
    """The simulated console shipped for a driver profile (``consoles/NAME/console.toml``)."""
    from assettrack.console.simulator.sim_profile import load_sim_profile

    return load_sim_profile(CONSOLES / name / "console.toml")

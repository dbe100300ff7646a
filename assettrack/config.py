"""Settings: shipped defaults, then the user's config folder, then --config / environment.

Every layer is TOML. ``settings.toml`` holds general settings; warranty rules live in
``warranty.toml`` (or a ``[warranty]`` table of a --config file), the names people write for
vendors in ``vendors.toml`` (or ``[vendors]``). Tables merge key by key, so a user file only
needs the values it changes.

The interface's language is ``[interface] language``, else the locale's (``LANG``);
reports have their own, ``[reports] language`` (else the interface's): see ``i18n``.
"""

from __future__ import annotations

import getpass
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

from assettrack import i18n
from assettrack.domain.errors import ValidationError
from assettrack.domain.vendors import VendorAliases
from assettrack.domain.warranty import WarrantyRules
from assettrack.errors import AssetTrackError

APP_NAME = "assettrack"


def shipped_config_dir() -> Path:
    package = Path(__file__).resolve().parent
    installed = package / "_shipped_config"  # inside a wheel
    return installed if installed.is_dir() else package.parent / "config"


def user_config_dir() -> Path:
    return platformdirs.user_config_path(APP_NAME)


def default_db_path() -> Path:
    return platformdirs.user_data_path(APP_NAME) / "db"


@dataclass(frozen=True)
class Settings:
    db_path: Path
    warranty: WarrantyRules
    engineer: str = ""
    raw: Mapping[str, Any] = field(default_factory=dict)
    sources: tuple[Path, ...] = ()
    # The configured alias table; ``warranty`` already looks vendors up through it.
    vendors: VendorAliases = field(default_factory=VendorAliases)
    # ``[interface] language`` and ``[reports] language`` as catalog names (en, zh_CN);
    # "" when not set: the locale's, and the interface's, decide.
    language: str = ""
    report_language: str = ""

    def interface_language(self, env: Mapping[str, str] | None = None) -> str:
        """The language the screens and the command line speak."""
        return i18n.choose_language(self.language, os.environ if env is None else env)

    def reports_language(self, env: Mapping[str, str] | None = None) -> str:
        """The language reports are written in (a customer may read another)."""
        return self.report_language or self.interface_language(env)


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return ""


def read_toml(path: Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise AssetTrackError(
            i18n._("config file {path} is not valid TOML: {error}").format(path=path, error=exc)
        ) from exc
    except OSError as exc:
        raise AssetTrackError(
            i18n._("cannot read config file {path}: {reason}").format(
                path=path, reason=exc.strerror
            )
        ) from exc


def merge(base: Mapping[str, Any], top: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in top.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = value
    return merged


# Files of a config folder that fill one table of the settings.
TABLE_FILES = {"warranty": "warranty.toml", "vendors": "vendors.toml"}


def _folder_layer(folder: Path, sources: list[Path]) -> dict[str, Any]:
    layer: dict[str, Any] = {}
    settings = folder / "settings.toml"
    if settings.is_file():
        layer = merge(layer, read_toml(settings))
        sources.append(settings)
    for table, name in TABLE_FILES.items():
        path = folder / name
        if path.is_file():
            layer = merge(layer, {table: read_toml(path)})
            sources.append(path)
    return layer


def load_settings(
    *,
    config_file: Path | None = None,
    db_path: Path | None = None,
    env: Mapping[str, str] | None = None,
    user_dir: Path | None = None,
) -> Settings:
    env = os.environ if env is None else env
    sources: list[Path] = []
    shipped = _folder_layer(shipped_config_dir(), sources)
    users = _folder_layer(user_dir or user_config_dir(), sources)
    config_file = config_file or (
        Path(env["ASSETTRACK_CONFIG"]) if env.get("ASSETTRACK_CONFIG") else None
    )
    if config_file is not None:
        if not config_file.is_file():
            raise AssetTrackError(
                i18n._("config file {path} does not exist").format(path=config_file)
            )
        users = merge(users, read_toml(config_file))
        sources.append(config_file)
    raw = merge(shipped, users)
    try:
        vendors = VendorAliases.from_mapping(raw.get("vendors", {}), source="vendor names")
        # The user's vendor periods beat the plugins'; the shipped file's come after both.
        warranty_tables = {
            **raw.get("warranty", {}),
            "vendors": users.get("warranty", {}).get("vendors", {}),
        }
        warranty = WarrantyRules.from_mapping(
            warranty_tables,
            source="warranty settings",
            shipped=shipped.get("warranty", {}).get("vendors", {}),
        ).with_aliases(vendors)
    except ValidationError as exc:
        raise AssetTrackError(
            i18n._("{error} (in {sources})").format(error=exc, sources=", ".join(map(str, sources)))
        ) from exc
    configured_db = str(raw.get("database", {}).get("path", "") or "")
    chosen = db_path or (Path(env["ASSETTRACK_DB"]) if env.get("ASSETTRACK_DB") else None)
    if chosen is None:
        chosen = Path(configured_db).expanduser() if configured_db else default_db_path()
    return Settings(
        db_path=chosen,
        warranty=warranty,
        engineer=str(raw.get("engineer", {}).get("name", "") or "") or _login_name(),
        raw=raw,
        sources=tuple(sources),
        vendors=vendors,
        language=_language_setting(raw, "interface", sources),
        report_language=_language_setting(raw, "reports", sources),
    )


def _language_setting(raw: Mapping[str, Any], table: str, sources: list[Path]) -> str:
    section = raw.get(table, {})
    value = section.get("language", "") if isinstance(section, Mapping) else ""
    try:
        if isinstance(value, str):
            return i18n.normalize_language(value) or ""
    except i18n.UnknownLanguage:
        pass
    raise AssetTrackError(
        i18n._(
            "[{table}] language {value!r} is not a language assettrack speaks: {known} "
            "(or leave it empty for the locale's) (in {sources})"
        ).format(
            table=table,
            value=value,
            known=", ".join(i18n.LANGUAGES),
            sources=", ".join(map(str, sources)),
        )
    )


def startup_language(env: Mapping[str, str] | None = None) -> str:
    """The interface's language before the command line is read (for ``--help`` and
    usage errors): the settings files that can be read without it, else the locale."""
    env = os.environ if env is None else env
    setting = ""
    try:
        sources: list[Path] = []
        raw = merge(
            _folder_layer(shipped_config_dir(), sources), _folder_layer(user_config_dir(), sources)
        )
        if env.get("ASSETTRACK_CONFIG"):
            raw = merge(raw, read_toml(Path(env["ASSETTRACK_CONFIG"])))
        setting = _language_setting(raw, "interface", sources)
    except AssetTrackError:
        pass  # said properly once the settings are loaded for the command
    return i18n.choose_language(setting, env)

"""Loading plugins and calling their hooks so that one broken plugin harms nobody.

pluggy stops at the first exception; here each implementation is called on its own, inside
a deadline, its result checked, and any failure recorded under the plugin's name while the
other plugins' results are kept.
"""

from __future__ import annotations

import contextvars
import importlib
import importlib.util
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import pluggy

from assettrack import __version__
from assettrack.plugins import hookspecs
from assettrack.plugins.hookspecs import PROJECT
from assettrack.plugins.selection import DISABLE_ENV as DISABLE_ENV  # where tests read it
from assettrack.plugins.version import check_api, declared_range

if TYPE_CHECKING:
    from assettrack.plugins.failure_log import FailureLog

ENTRY_POINT_GROUP = "assettrack"
HOOK_DEADLINE_SECONDS = 10.0

BUILT_IN = "built-in"
ENTRY_POINT = "entry point"
FOLDER = "folder"
DIRECT = "registered"

# Stages of a plugin's life that every start repeats (so ``assettrack plugins`` finds their
# failures itself); failures in the others happen while assets are worked on.
API = "api version"
START_UP_STAGES = frozenset(
    {
        "import",
        "register",
        API,
        "assettrack_register_drivers",
        "assettrack_asset_kinds",
        "assettrack_warranty_rules",
        "assettrack_vendor_aliases",
        "assettrack_register_exporters",
    }
)


class PluginTimeout(Exception):
    pass


@dataclass(frozen=True)
class PluginFailure:
    """One failure of one plugin: where (``stage``: "import", "register", "api version", a
    hook's name, or a driver's "match" / "parse") and why (``error``, one line; ``details``,
    the traceback)."""

    plugin: str
    stage: str
    error: str
    details: str = ""

    def __str__(self) -> str:
        if self.stage == API:
            return self.error  # already one whole line: plugin, its need, our offer
        return f"plugin {self.plugin!r} failed in {self.stage}: {self.error}"

    @property
    def kind(self) -> tuple[str, str, str]:
        """Failures of one kind are told once: same plugin, stage and error type."""
        return self.plugin, self.stage, self.error.split(":", 1)[0]


@dataclass
class PluginInfo:
    name: str
    source: str
    version: str = ""
    hooks: list[str] = field(default_factory=list)
    blocked: bool = False
    # What the plugin declared as ASSETTRACK_API ("" when nothing), and warnings about it.
    api: str = ""
    warnings: list[str] = field(default_factory=list)
    refused: bool = False


def call_with_deadline(fn: Callable[..., Any], args: tuple[Any, ...], seconds: float) -> Any:
    """Run ``fn`` in a helper thread; give up on it after ``seconds``.

    A thread cannot be killed, so a plugin stuck for good keeps its (daemon) thread, but the
    app goes on and says which plugin hung.
    """
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = fn(*args)
        except BaseException as exc:
            outcome["error"] = exc

    # In the caller's context: the plugin speaks the language of the moment (i18n.using).
    context = contextvars.copy_context()
    worker = threading.Thread(
        target=context.run, args=(run,), daemon=True, name=f"plugin-call-{fn.__name__}"
    )
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise PluginTimeout(f"did not return within {seconds:g} s")
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


class PluginHost:
    def __init__(self, deadline_seconds: float = HOOK_DEADLINE_SECONDS) -> None:
        self.pm = pluggy.PluginManager(PROJECT)
        self.pm.add_hookspecs(hookspecs)
        self.deadline_seconds = deadline_seconds
        self.infos: dict[str, PluginInfo] = {}
        self._failures: list[PluginFailure] = []
        # Collections made on first use (Extensions: the drivers), each run before failures
        # are read, so that what they meet is listed as if they had run at load.
        self._deferred: list[Callable[[], object]] = []
        # Where failures met while working are also written, for ``assettrack plugins``.
        self.log: FailureLog | None = None
        self._lock = threading.Lock()

    # -- loading ---------------------------------------------------------------------------

    def register(self, plugin: object, name: str, source: str = DIRECT, version: str = "") -> bool:
        """Register one plugin object or module; False (with a failure recorded) if refused."""
        if self.pm.is_blocked(name):
            self.infos[name] = PluginInfo(name, source, version, blocked=True)
            return False
        declared = None if source == BUILT_IN else declared_range(plugin)
        refusal, warning = (None, None) if source == BUILT_IN else check_api(name, declared)
        if refusal:
            # Refused whole: a plugin written for another API must not half-work.
            self.infos[name] = PluginInfo(name, source, version, api=str(declared), refused=True)
            with self._lock:
                self._failures.append(PluginFailure(name, API, refusal))
            return False
        try:
            self.pm.register(plugin, name=name)
        except (ValueError, pluggy.PluginValidationError) as exc:
            self.record_failure(name, "register", exc)
            return False
        try:
            self.pm.check_pending()
        except pluggy.PluginValidationError as exc:
            # A hook name that is no hook: most likely a typo. Refuse the whole plugin.
            self.pm.unregister(name=name)
            self.record_failure(name, "register", exc)
            return False
        hooks = sorted(
            hook.name
            for hook in self.pm.get_hookcallers(plugin) or []
            if hook.name.startswith(PROJECT)
        )
        self.infos[name] = PluginInfo(
            name,
            source,
            version,
            hooks,
            api="" if declared is None else str(declared),
            warnings=[warning] if warning else [],
        )
        return True

    def block(self, names: Iterable[str]) -> None:
        for name in names:
            if name:
                self.pm.set_blocked(name)

    def load_modules(self, modules: Iterable[str], source: str = BUILT_IN) -> None:
        for module_name in modules:
            name = module_name.rsplit(".", 1)[-1]
            if self.pm.is_blocked(name):
                self.infos[name] = PluginInfo(name, source, __version__, blocked=True)
                continue
            try:
                module = importlib.import_module(module_name)
            except Exception as exc:
                self.record_failure(name, "import", exc)
                continue
            self.register(module, name, source, __version__)

    def load_entry_points(self, cache_folder: Path | None = None) -> None:
        """The installed plugins (``cache_folder``: where what was found is kept, see
        ``entry_point_cache``; the user cache folder unless given)."""
        from assettrack.plugins.entry_point_cache import default_cache_folder, entry_points

        folder = default_cache_folder() if cache_folder is None else cache_folder
        for entry_point in entry_points(ENTRY_POINT_GROUP, folder):
            name = entry_point.name
            version = entry_point.version
            if self.pm.is_blocked(name):
                self.infos[name] = PluginInfo(name, ENTRY_POINT, version, blocked=True)
                continue
            try:
                plugin = entry_point.load()
            except Exception as exc:
                self.record_failure(name, "import", exc)
                self.infos[name] = PluginInfo(name, ENTRY_POINT, version)
                continue
            self.register(plugin, name, ENTRY_POINT, version)

    def load_folder(self, folder: Path) -> None:
        """Load loose ``*.py`` files from a folder; each file is one plugin named after it."""
        if not folder.is_dir():
            return
        for path in sorted(folder.glob("*.py")):
            name = path.stem
            if name.startswith("_"):
                continue
            if self.pm.is_blocked(name):
                self.infos[name] = PluginInfo(name, FOLDER, blocked=True)
                continue
            try:
                module = _import_file(path, f"assettrack_folder_plugins.{name}")
            except Exception as exc:
                self.record_failure(name, "import", exc)
                self.infos[name] = PluginInfo(name, FOLDER)
                continue
            self.register(module, name, FOLDER, str(getattr(module, "__version__", "")))

    # -- calling ---------------------------------------------------------------------------

    def implementations(self, hook: str, newest_first: bool = False) -> list[Any]:
        impls = getattr(self.pm.hook, hook).get_hookimpls()  # pluggy order: oldest first
        return list(reversed(impls)) if newest_first else list(impls)

    def call(
        self,
        hook: str,
        kwargs: dict[str, Any],
        *,
        check: Callable[[Any], str | None] | None = None,
        newest_first: bool = False,
        first_answer: bool = False,
    ) -> list[tuple[str, Any]]:
        """Call each implementation of ``hook`` in isolation; return (plugin, result) pairs.

        ``check`` returns why a result is unacceptable (or None); a refused result is recorded
        as that plugin's failure. None results are skipped. ``first_answer`` stops at the
        first acceptable, non-None result.
        """
        results: list[tuple[str, Any]] = []
        for impl in self.implementations(hook, newest_first):
            name = impl.plugin_name
            args = tuple(kwargs[a] for a in impl.argnames)
            try:
                value = call_with_deadline(impl.function, args, self.deadline_seconds)
            except Exception as exc:
                self.record_failure(name, hook, exc)
                continue
            if value is None:
                continue
            problem = check(value) if check else None
            if problem:
                self.record_failure(name, hook, TypeError(problem))
                continue
            results.append((name, value))
            if first_answer:
                break
        return results

    def collect(self, hook: str, expected: type) -> list[tuple[str, Any]]:
        """Call a ``register(...)`` hook; return what each plugin registered, checked by type."""
        collected: list[tuple[str, Any]] = []
        for impl in self.implementations(hook):
            name = impl.plugin_name
            mine: list[Any] = []

            def register(item: Any, _mine: list[Any] = mine, _name: str = name) -> None:
                if not isinstance(item, expected):
                    raise TypeError(
                        f"register() takes a {expected.__name__}, got {type(item).__name__}"
                    )
                _mine.append(item)

            try:
                call_with_deadline(impl.function, (register,), self.deadline_seconds)
            except Exception as exc:
                self.record_failure(name, hook, exc)
                continue  # a plugin that failed half-way registers nothing
            collected.extend((name, item) for item in mine)
        return collected

    # -- failures --------------------------------------------------------------------------

    def defer(self, collect: Callable[[], object]) -> None:
        """``collect`` runs when the failures are first read, unless it ran before (it must
        be safe to call again, from any thread)."""
        self._deferred.append(collect)

    @property
    def failures(self) -> list[PluginFailure]:
        """Every failure met, the deferred collections' included."""
        for collect in list(self._deferred):
            collect()
        return self._failures

    @property
    def refusals(self) -> list[PluginFailure]:
        """Plugins refused at load for their API version (no deferred collection runs)."""
        return [f for f in self._failures if f.stage == API]

    def record_failure(self, plugin: str, stage: str, exc: BaseException) -> PluginFailure:
        message = f"{type(exc).__name__}: {exc}" if not isinstance(exc, PluginTimeout) else str(exc)
        message = " ".join(message.split())  # one line, whatever the exception said
        import traceback  # here: every command loads the plugins, few see one fail (1 ms)

        details = "".join(traceback.format_exception(exc))
        failure = PluginFailure(plugin, stage, message, details)
        with self._lock:
            self._failures.append(failure)
        if self.log is not None and stage not in START_UP_STAGES:
            self.log.write(failure)
        return failure

    def failures_of(self, plugin: str) -> list[PluginFailure]:
        return [f for f in self.failures if f.plugin == plugin]

    def mark(self) -> int:
        """A place in the failures, to ask later what failed since (``failures_since``)."""
        failures = self.failures  # the deferred ones first: they hold no mark
        with self._lock:
            return len(failures)

    def failures_since(self, mark: int) -> list[PluginFailure]:
        """Failures recorded after ``mark``, one per kind (the first of each)."""
        failures = self.failures
        with self._lock:
            recent = failures[mark:]
        return distinct(recent)


def distinct(failures: Iterable[PluginFailure]) -> list[PluginFailure]:
    """The first failure of each kind, in order: a hook failing for each of 20 checklist
    items is one failure to tell."""
    seen: set[tuple[str, str, str]] = set()
    kept = []
    for failure in failures:
        if failure.kind not in seen:
            seen.add(failure.kind)
            kept.append(failure)
    return kept


def _import_file(path: Path, module_name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module

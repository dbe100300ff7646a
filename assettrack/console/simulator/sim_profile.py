"""A simulated console described as data: any vendor's CLI from a TOML file and output files.

    hostname = "leaf1"
    [prompts]
    user = "{hostname}>"
    privileged = "{hostname}#"
    [modes]
    enable = ["enable"]
    [paging]
    off = ["terminal length 0"]
    [errors]
    invalid = ["{caret}", "% Invalid input detected at '^' marker."]
    [commands]
    "show version" = "outputs/show_version.txt"

The console runs on the same engine as the built-in Cisco and Huawei consoles: line editing
with echo, login, paging at a full screen, abbreviations (any unique prefix of each word),
``| include`` style filters, pacing at a line speed and every fault. ``load_sim_profile``
checks the whole file first and names the file, the key and the problem of the first thing
wrong. docs/profiles.md describes every key.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from assettrack.console.simulator.engine import (
    Command,
    CommandError,
    DeviceConsole,
    Logout,
    SimOptions,
    _split_pipes,
)

MODE_NAMES = ("user", "privileged", "config")
FILTER_KINDS = ("include", "exclude", "begin", "ignore")
ERROR_KINDS = ("invalid", "incomplete", "ambiguous")
DEFAULT_INVALID = ("{caret}", "% Invalid input detected at '^' marker.")


class SimProfileError(ValueError):
    """A simulated-console profile that cannot be served: which file, which key, what."""

    def __init__(self, source: str, key: str, problem: str) -> None:
        self.source = source
        self.key = key
        self.problem = problem
        where = f"{source}: {key}: " if key else f"{source}: "
        super().__init__(where + problem)


@dataclass(frozen=True)
class SimCommand:
    """One command the console answers, with its output.

    ``outputs`` are served in turn each time the command runs (the last one repeats), so a
    replayed session answers a command run twice as it did. ``prompt`` replaces the prompt
    after the command; ``secret_prompt`` makes the command ask for a hidden answer first
    (an enable secret) and accept any.
    """

    line: str  # the command in full, words separated by one space
    outputs: tuple[str, ...]
    mode: str = "user"
    prompt: str | None = None
    secret_prompt: str | None = None

    @property
    def words(self) -> tuple[str, ...]:
        head, _ = _split_pipes(self.line)
        return tuple(word.lower() for word in head.split())


@dataclass(frozen=True)
class SimProfile:
    """Everything a simulated console says; see the module docstring for the file form."""

    name: str
    hostname: str
    prompts: Mapping[str, str]
    commands: tuple[SimCommand, ...] = ()
    vendor: str = ""
    # The unit's serial number and model as its outputs print them (see ``as_unit``).
    serial: str = ""
    model: str = ""
    user: str = "admin"
    banner: str = ""
    username_prompt: str = "Username: "
    password_prompt: str = "Password: "
    # (username, password) asked at login; None: no login unless the options ask for one.
    credentials: tuple[str, str] | None = None
    # Ask for a login even without credentials, and take any (a replayed session's own
    # password was never recorded).
    any_login: bool = False
    welcome: str = ""
    login_failed: str = "\r\nLogin incorrect\r\n"
    logout_text: str = "\r\n"
    enable: tuple[str, ...] = ()
    enable_secret: str | None = None
    disable: tuple[str, ...] = ()
    configure: tuple[str, ...] = ()
    end: tuple[str, ...] = ()
    exit: tuple[str, ...] = ("exit", "quit")
    logout: tuple[str, ...] = ("logout",)
    paging_off: tuple[str, ...] = ()
    paging_marker: str = " --More-- "
    paging_erase: str | None = None
    screen_length: int = 24
    errors: Mapping[str, tuple[str, ...]] = field(
        default_factory=lambda: {"invalid": DEFAULT_INVALID}
    )
    filters: Mapping[str, str] = field(
        default_factory=lambda: {"include": "include", "exclude": "exclude", "begin": "begin"}
    )
    blank_line_after_output: bool = False
    source: str = ""

    # -- what the transports ask of a device ------------------------------------------------

    def default_options(self, options: SimOptions) -> SimOptions:
        """The options with this profile's login, enable secret and screen length filled in
        where the caller left them unset."""
        changes: dict[str, Any] = {}
        if options.login is None and self.credentials is not None:
            changes["login"] = self.credentials
        if options.enable_secret is None and self.enable_secret is not None:
            changes["enable_secret"] = self.enable_secret
        if options.screen_length == SimOptions.screen_length:
            changes["screen_length"] = self.screen_length
        return replace(options, **changes) if changes else options

    def console(self, options: SimOptions, channel: Any, stop: Any) -> DeviceConsole:
        return ProfileConsole(self, options, channel, stop)

    def as_unit(
        self, *, hostname: str = "", serial: str = "", model: str = "", login: bool = True
    ) -> SimProfile:
        """The same device as another unit: its hostname, serial number and model replace
        this profile's wherever the outputs print them; ``login=False`` opens at the prompt.
        """
        swaps = [
            (old, new)
            for old, new in ((self.hostname, hostname), (self.serial, serial), (self.model, model))
            if old and new and old != new
        ]

        def swap(text: str) -> str:
            for old, new in swaps:
                text = text.replace(old, new)
            return text

        commands = tuple(
            replace(
                c,
                outputs=tuple(swap(o) for o in c.outputs),
                prompt=swap(c.prompt) if c.prompt is not None else None,
            )
            for c in self.commands
        )
        return replace(
            self,
            hostname=hostname or self.hostname,
            serial=serial or self.serial,
            model=model or self.model,
            commands=commands,
            banner=swap(self.banner),
            welcome=swap(self.welcome),
            username_prompt=swap(self.username_prompt),
            credentials=self.credentials if login else None,
            any_login=self.any_login and login,
        )

    def command(self, line: str) -> SimCommand | None:
        wanted = _normal(line)
        return next((c for c in self.commands if c.line == wanted), None)


class ProfileConsole(DeviceConsole):
    """The engine's console speaking as a ``SimProfile`` says."""

    def __init__(self, profile: SimProfile, options: SimOptions, channel: Any, stop: Any) -> None:
        self.profile = profile
        self._served: dict[str, int] = {}
        self._prompt_override: str | None = None
        self._config_from = "user"
        self._user = profile.user
        # Per-device texts the engine reads from the class: this device's own.
        self.vendor = profile.vendor or profile.name  # type: ignore[misc]
        self.username_prompt = profile.username_prompt  # type: ignore[misc]
        self.password_prompt = profile.password_prompt  # type: ignore[misc]
        self.paging_marker = profile.paging_marker  # type: ignore[misc]
        width = len(profile.paging_marker)
        self.paging_erase = (  # type: ignore[misc]
            profile.paging_erase
            if profile.paging_erase is not None
            else "\b" * width + " " * width + "\b" * width
        )
        self.blank_before_prompt = profile.blank_line_after_output  # type: ignore[misc]
        super().__init__(profile, options, channel, stop)  # type: ignore[arg-type]

    # -- the engine's vendor hooks ----------------------------------------------------------

    def prompt(self) -> str:
        if self._prompt_override is not None:
            return self._prompt_override
        template = self.profile.prompts.get(self.mode) or self.profile.prompts["user"]
        return template.replace("{hostname}", self.profile.hostname).replace("{user}", self._user)

    def banner(self) -> str:
        return self.profile.banner

    def login_ok_text(self) -> str:
        return self.profile.welcome

    def login_failed_text(self) -> str:
        return self.profile.login_failed

    def logout_text(self) -> str:
        return self.profile.logout_text

    def error_lines(self, kind: str, column: int, line: str) -> list[str]:
        errors = self.profile.errors
        template = errors.get(kind) or errors.get("invalid") or DEFAULT_INVALID
        caret = " " * column + "^"
        return [t.replace("{caret}", caret).replace("{command}", line.strip()) for t in template]

    def build_commands(self) -> list[Command]:
        p = self.profile
        special: list[tuple[tuple[str, ...], Callable[[list[str]], list[str]], str]] = []
        special += [(tuple(c.split()), self._enable, "user") for c in p.enable]
        special += [(tuple(c.split()), self._disable, "privileged") for c in p.disable]
        special += [
            (tuple(c.split()), self._configure, self._configure_mode()) for c in p.configure
        ]
        special += [(tuple(c.split()), self._end, "config") for c in p.end]
        special += [(tuple(c.split()), self._exit, "user") for c in p.exit]
        special += [(tuple(c.split()), self._logout, "user") for c in p.logout]
        special += [(tuple(c.split()), self._paging_off, "user") for c in p.paging_off]
        commands: list[Command] = []
        taken: set[tuple[str, ...]] = set()
        for words, handler, mode in special:
            words = tuple(w.lower() for w in words)
            if words and words not in taken:
                taken.add(words)
                commands.append(Command(words, handler, mode))
        for command in p.commands:
            words = command.words
            if words and words not in taken:
                taken.add(words)
                commands.append(Command(words, self._answer(command), command.mode))
        return commands

    # -- running a line ---------------------------------------------------------------------

    def execute(self, line: str) -> list[str]:
        """A command typed in full as the profile lists it (pipes included) answers as
        listed; anything else goes through abbreviations and filters."""
        exact = self.profile.command(line)
        if exact is not None and self._allowed(exact.mode):
            return self._answer(exact)([])
        return super().execute(self._canonical_filters(line))

    def _canonical_filters(self, line: str) -> str:
        head, filters = _split_pipes(line)
        if not filters:
            return line
        parts = [head.rstrip()]
        for verb, pattern in filters:
            kind = _filter_kind(self.profile.filters, verb)
            if kind == "ignore" or kind is None:
                continue
            parts.append(f" {kind} {pattern}")
        return "|".join(parts)

    def _allowed(self, mode: str) -> bool:
        order = {"user": 0, "privileged": 1, "config": 2}
        return order.get(mode, 0) <= order.get(self.mode, 0)

    def _answer(self, command: SimCommand) -> Callable[[list[str]], list[str]]:
        def run(args: list[str]) -> list[str]:
            if command.secret_prompt is not None:
                self.write(command.secret_prompt)
                self.readline(echo=False)
            served = self._served.get(command.line, 0)
            self._served[command.line] = served + 1
            text = command.outputs[min(served, len(command.outputs) - 1)] if command.outputs else ""
            if command.prompt is not None:
                self._prompt_override = command.prompt
            return text.split("\n") if text else []

        return run

    # -- modes ------------------------------------------------------------------------------

    def _configure_mode(self) -> str:
        return "privileged" if "privileged" in self.profile.prompts else "user"

    def _enable(self, args: list[str]) -> list[str]:
        secret = self.options.enable_secret
        if secret is not None:
            for _ in range(3):
                self.write(self.password_prompt)
                if self.readline(echo=False) == secret:
                    break
            else:
                return ["% Access denied"]
        self.mode = "privileged"
        self._prompt_override = None
        return []

    def _disable(self, args: list[str]) -> list[str]:
        self.mode = "user"
        self._prompt_override = None
        return []

    def _configure(self, args: list[str]) -> list[str]:
        if self.mode != "config":
            self._config_from = self.mode
        self.mode = "config"
        self._prompt_override = None
        return []

    def _end(self, args: list[str]) -> list[str]:
        self.mode = self._config_from
        self._prompt_override = None
        return []

    def _exit(self, args: list[str]) -> list[str]:
        if self.mode == "config":
            return self._end(args)
        raise Logout()

    def _logout(self, args: list[str]) -> list[str]:
        raise Logout()

    def _paging_off(self, args: list[str]) -> list[str]:
        if self.options.refuse_paging_off and self.mode == "user":
            raise CommandError("invalid", 0)
        self.screen_length = 0
        return []

    # -- login ------------------------------------------------------------------------------

    def _login(self) -> None:
        """As the engine's, remembering who logged in (for ``{user}`` in prompts); a profile
        with ``any_login`` takes any username and password."""
        if not self.profile.any_login:
            super()._login()
            if self.options.login:
                self._user = self.options.login[0]
            return
        while True:
            self.write(self.username_prompt)
            name = self.readline(echo=True)
            if not name:
                continue
            self.write(self.password_prompt)
            self.readline(echo=False)
            self._user = name
            self.write(self.login_ok_text())
            return

    def _serve(self) -> None:
        if self.profile.any_login and self.options.login is None:
            # The engine asks for a login only when the options carry one.
            self.options = replace(self.options, login=("", ""))
        super()._serve()


# -- loading ------------------------------------------------------------------------------


def load_sim_profile(path: str | Path) -> SimProfile:
    """Read a simulated-console profile; a ``SimProfileError`` names what is wrong."""
    path = Path(path)
    source = str(path)
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise SimProfileError(source, "", "no such file") from None
    except tomllib.TOMLDecodeError as exc:
        raise SimProfileError(source, "", f"not valid TOML ({exc})") from None
    except OSError as exc:
        raise SimProfileError(source, "", f"cannot be read ({exc.strerror})") from None
    return sim_profile_from_mapping(data, base=path.parent, source=source, name=path.stem)


def sim_profile_from_mapping(
    data: Mapping[str, Any],
    *,
    base: Path,
    source: str,
    name: str = "device",
) -> SimProfile:
    """A ``SimProfile`` from parsed TOML; output files are read relative to ``base``."""
    r = _Reader(source)
    r.known(
        data,
        "",
        (
            "name",
            "vendor",
            "hostname",
            "serial",
            "model",
            "user",
            "banner",
            "blank_line_after_output",
            "logout_text",
            "prompts",
            "login",
            "modes",
            "paging",
            "errors",
            "filters",
            "commands",
        ),
    )
    hostname = r.text(data, "hostname", required=True)
    prompts = r.table(data, "prompts", required=True)
    r.known(prompts, "prompts", MODE_NAMES)
    prompt_map = {
        mode: _wire(r.text(prompts, mode, key=f"prompts.{mode}"))
        for mode in MODE_NAMES
        if mode in prompts
    }
    if "user" not in prompt_map:
        raise SimProfileError(source, "prompts.user", "missing: the prompt after login")
    values: dict[str, Any] = dict(
        name=r.text(data, "name") or name,
        hostname=hostname,
        prompts=prompt_map,
        vendor=r.text(data, "vendor"),
        serial=r.text(data, "serial"),
        model=r.text(data, "model"),
        user=r.text(data, "user") or "admin",
        banner=_wire(r.text(data, "banner")),
        blank_line_after_output=r.flag(data, "blank_line_after_output"),
        source=source,
    )
    if "logout_text" in data:
        values["logout_text"] = _wire(r.text(data, "logout_text"))
    login = r.table(data, "login")
    if login:
        r.known(
            login,
            "login",
            ("username_prompt", "password_prompt", "username", "password", "welcome", "failed"),
        )
        for key, attribute in (
            ("username_prompt", "username_prompt"),
            ("password_prompt", "password_prompt"),
            ("welcome", "welcome"),
            ("failed", "login_failed"),
        ):
            if key in login:
                values[attribute] = _wire(r.text(login, key, key=f"login.{key}"))
        user = r.text(login, "username", key="login.username")
        password = r.text(login, "password", key="login.password")
        if bool(user) != bool(password):
            raise SimProfileError(
                source,
                "login",
                "give both username and password, or neither (then --login USER:PASS sets them)",
            )
        if user:
            values["credentials"] = (user, password)
    modes = r.table(data, "modes")
    r.known(
        modes, "modes", ("enable", "enable_secret", "disable", "configure", "end", "exit", "logout")
    )
    for key in ("enable", "disable", "configure", "end", "exit", "logout"):
        if key in modes:
            values[key] = r.commands(modes, key, key=f"modes.{key}")
    if "enable_secret" in modes:
        values["enable_secret"] = r.text(modes, "enable_secret", key="modes.enable_secret")
    if values.get("enable") and "privileged" not in prompt_map:
        raise SimProfileError(
            source, "modes.enable", "there is no privileged mode: add prompts.privileged"
        )
    if values.get("configure") and "config" not in prompt_map:
        raise SimProfileError(
            source, "modes.configure", "there is no configuration mode: add prompts.config"
        )
    paging = r.table(data, "paging")
    r.known(paging, "paging", ("off", "marker", "erase", "lines"))
    if "off" in paging:
        values["paging_off"] = r.commands(paging, "off", key="paging.off")
    if "marker" in paging:
        values["paging_marker"] = r.text(paging, "marker", key="paging.marker", empty=False)
    if "erase" in paging:
        values["paging_erase"] = r.text(paging, "erase", key="paging.erase")
    if "lines" in paging:
        lines = paging["lines"]
        if not isinstance(lines, int) or isinstance(lines, bool) or not 0 <= lines <= 512:
            raise SimProfileError(
                source, "paging.lines", f"{lines!r} is not a screen length (0-512; 0: no paging)"
            )
        values["screen_length"] = lines
    errors = r.table(data, "errors")
    r.known(errors, "errors", ERROR_KINDS)
    if errors:
        values["errors"] = {
            kind: tuple(r.lines(errors, kind, key=f"errors.{kind}"))
            for kind in ERROR_KINDS
            if kind in errors
        }
    filters = r.table(data, "filters")
    r.known(filters, "filters", FILTER_KINDS)
    if filters:
        verbs: dict[str, str] = {}
        for kind in FILTER_KINDS:
            for verb in r.commands(filters, kind, key=f"filters.{kind}") if kind in filters else ():
                verbs[verb.lower()] = kind
        values["filters"] = verbs
    values["commands"] = _commands(r, data, base)
    return SimProfile(**values)


def _commands(r: _Reader, data: Mapping[str, Any], base: Path) -> tuple[SimCommand, ...]:
    table = r.table(data, "commands", required=True)
    found: dict[str, SimCommand] = {}
    for raw_line, spec in table.items():
        key = f'commands."{raw_line}"'
        line = _normal(raw_line)
        if not line or line.startswith("|"):
            raise SimProfileError(r.source, key, "a command needs at least one word")
        if line in found:
            raise SimProfileError(r.source, key, f"'{line}' is listed twice")
        if isinstance(spec, str):
            spec = {"file": spec}
        if not isinstance(spec, Mapping):
            raise SimProfileError(
                r.source, key, "give an output file name, or a table with file = ... or text = ..."
            )
        r.known(spec, key, ("file", "text", "mode", "prompt"))
        if ("file" in spec) == ("text" in spec):
            raise SimProfileError(r.source, key, "give exactly one of file = ... or text = ...")
        if "file" in spec:
            text = _read_output(r, spec, key, base)
        else:
            text = r.text(spec, "text", key=f"{key}.text")
        mode = r.text(spec, "mode", key=f"{key}.mode") or "user"
        if mode not in MODE_NAMES:
            raise SimProfileError(
                r.source, f"{key}.mode", f"{mode!r} is not a mode (one of {', '.join(MODE_NAMES)})"
            )
        prompt = _wire(r.text(spec, "prompt", key=f"{key}.prompt")) if "prompt" in spec else None
        found[line] = SimCommand(line, (_output(text),), mode, prompt)
    return tuple(found.values())


def _read_output(r: _Reader, spec: Mapping[str, Any], key: str, base: Path) -> str:
    name = r.text(spec, "file", key=f"{key}.file", empty=False)
    path = base / name
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SimProfileError(
            r.source, f"{key}.file", f"no output file {name!r} beside the profile"
        ) from None
    except UnicodeDecodeError:
        raise SimProfileError(r.source, f"{key}.file", f"{name!r} is not UTF-8 text") from None
    except OSError as exc:
        raise SimProfileError(
            r.source, f"{key}.file", f"{name!r} cannot be read ({exc.strerror})"
        ) from None


class _Reader:
    """Typed access to parsed TOML that names the key of anything of the wrong kind."""

    def __init__(self, source: str) -> None:
        self.source = source

    def known(self, table: Mapping[str, Any], where: str, allowed: Sequence[str]) -> None:
        for key in table:
            if key not in allowed:
                name = f"{where}.{key}" if where else key
                raise SimProfileError(
                    self.source, name, f"unknown key (known here: {', '.join(allowed)})"
                )

    def table(
        self, data: Mapping[str, Any], key: str, *, required: bool = False
    ) -> Mapping[str, Any]:
        value = data.get(key)
        if value is None:
            if required:
                raise SimProfileError(self.source, key, "missing")
            return {}
        if not isinstance(value, Mapping):
            raise SimProfileError(self.source, key, "must be a table")
        return value

    def text(
        self,
        data: Mapping[str, Any],
        name: str,
        *,
        key: str | None = None,
        required: bool = False,
        empty: bool = True,
    ) -> str:
        value = data.get(name)
        if value is None:
            if required:
                raise SimProfileError(self.source, key or name, "missing")
            return ""
        if not isinstance(value, str):
            raise SimProfileError(
                self.source, key or name, f"must be a string, not {type(value).__name__}"
            )
        if not empty and not value:
            raise SimProfileError(self.source, key or name, "must not be empty")
        return value

    def flag(self, data: Mapping[str, Any], name: str) -> bool:
        value = data.get(name, False)
        if not isinstance(value, bool):
            raise SimProfileError(self.source, name, "must be true or false")
        return value

    def commands(self, data: Mapping[str, Any], name: str, *, key: str) -> tuple[str, ...]:
        value = data.get(name)
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise SimProfileError(self.source, key, "must be a command or a list of commands")
        return tuple(_normal(v) for v in value)

    def lines(self, data: Mapping[str, Any], name: str, *, key: str) -> list[str]:
        value = data.get(name)
        if isinstance(value, str):
            return _wire(value).replace("\r\n", "\n").split("\n")
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise SimProfileError(self.source, key, "must be a text or a list of lines")
        return list(value)


def _normal(line: str) -> str:
    """A command line with single spaces, as the lookup compares them."""
    head, filters = _split_pipes(line)
    text = " ".join(head.split())
    for verb, pattern in filters:
        text += f" | {verb} {' '.join(pattern.split())}".rstrip()
    return text


def _wire(text: str) -> str:
    """Line breaks as a console sends them (CR LF)."""
    return re.sub(r"(?<!\r)\n", "\r\n", text)


def _output(text: str) -> str:
    """An output file's text as lines joined by LF, without the final line break."""
    return text.replace("\r\n", "\n").replace("\r", "").removesuffix("\n")


def _filter_kind(verbs: Mapping[str, str], verb: str) -> str | None:
    verb = verb.lower()
    if verb in verbs:
        return verbs[verb]
    matches = {kind for name, kind in verbs.items() if name.startswith(verb)}
    return matches.pop() if len(matches) == 1 else None

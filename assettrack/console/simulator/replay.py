"""Serve a recorded console session again: record once on site, test forever.

A transcript is what the device sent during a read, as ``assettrack inspect`` keeps it with
the maintenance record (passwords never in it) and writes with ``--save-transcript``. Its
commands are found after its prompts: the last line of a finished read is the prompt, the
device's name is taken from it, and every line that starts with a prompt of that name
(``name>``, ``name#``, ``name(config)#``, ``<name>``, ``[name-view]``, ``user@name>``)
followed by text is a command the session typed, answered by the lines up to the next
prompt. A prompt that looks otherwise can be given as a regular expression.

The replayed console answers each recorded command with its recorded output (a command
recorded twice answers as it did each time), shows the prompts as recorded, asks for a login
if the session logged in (and takes any username and password: the recorded password was
never kept) and answers any other command with the vendor's "invalid input" error, as the
recording showed it or as the prompt's style suggests.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from assettrack.console.simulator.sim_profile import SimCommand, SimProfile

# What paging markers and their erase sequences leave in a recording.
_ERASE = re.compile(r"\x1b\[\d*D *\x1b\[\d*D|\x08+ *\x08+")
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_MARKER = re.compile(
    r"(?i)[ \t]*(?:-{2,}[ \t]*\(?[ \t]*more\b[^\r\n\x08\x1b]*?\)?[ \t]*-{2,}"
    r"(?:[ \t]*or[ \t]*\(q\)uit)?|<--- More --->|lines \d+-\d+(?:/\d+)?(?: \(END\))?)[ \t]*"
)
_LOGIN = re.compile(r"(?i)(?:username|login|user name)\s*:\s*$")
_PASSWORD = re.compile(r"(?i)password\s*:\s*$")
# The "invalid input" answers of the common vendors, as a recording may show them.
_REJECTIONS = re.compile(
    r"(?im)^(?:% ?(?:Invalid input|Unknown command|Invalid command)|Error: ?Unrecognized "
    r"command|\s*unknown command\.?|syntax error|Command fail|Unknown action|Invalid syntax)"
)
CISCO_STYLE = ("{caret}", "% Invalid input detected at '^' marker.")
ANGLE_STYLE = ("{caret}", "Error: Unrecognized command found at '^' position.")


class ReplayError(ValueError):
    """A transcript that cannot be replayed, and why."""


@dataclass(frozen=True)
class RecordedStep:
    """One command of a recording: the prompt it was typed at, what came back."""

    prompt: str
    command: str
    output: str  # lines joined by "\n", paging markers removed
    next_prompt: str
    secret_prompt: str | None = None  # the command asked for a hidden answer (enable)


def load_transcript(path: str | Path) -> str:
    """A saved transcript's text; ``ReplayError`` when it cannot be read."""
    path = Path(path)
    try:
        # Bytes as written: a lone carriage return still restarts its line.
        return path.read_bytes().decode("utf-8", errors="replace")
    except FileNotFoundError:
        raise ReplayError(f"{path}: no such transcript file") from None
    except OSError as exc:
        raise ReplayError(f"{path}: cannot be read ({exc.strerror})") from None


def replay_profile(
    transcript: str,
    *,
    name: str = "replay",
    prompt: str | None = None,
    source: str = "",
) -> SimProfile:
    """A ``SimProfile`` that answers as the recorded session did."""
    lines = _screen_lines(transcript)
    prompt_re = _prompt_pattern(lines, prompt, source)
    first, steps = _steps(lines, prompt_re, source)
    before = lines[:first]
    login = _login_texts(before)
    commands: dict[str, list[RecordedStep]] = {}
    for step in steps:
        commands.setdefault(step.command, []).append(step)
    sim_commands = tuple(
        SimCommand(
            line=command,
            outputs=tuple(s.output for s in recorded),
            prompt=recorded[-1].next_prompt,
            secret_prompt=recorded[0].secret_prompt,
        )
        for command, recorded in commands.items()
    )
    first_prompt = steps[0].prompt if steps else _prompt_of(lines[-1], prompt_re)
    return SimProfile(
        name=name,
        hostname=_name_in(first_prompt),
        prompts={"user": first_prompt},
        commands=sim_commands,
        vendor="replay",
        banner=login.banner,
        username_prompt=login.username_prompt,
        password_prompt=login.password_prompt,
        any_login=login.asked,
        welcome=login.welcome,
        errors={"invalid": _rejection_style(lines, first_prompt)},
        filters={},
        exit=(),
        logout=(),
        screen_length=0,
        source=source,
    )


def recorded_steps(transcript: str, *, prompt: str | None = None) -> list[RecordedStep]:
    """The commands of a recording with their outputs, in order (for tests and tools)."""
    lines = _screen_lines(transcript)
    return _steps(lines, _prompt_pattern(lines, prompt, ""), "")[1]


# -- reading the recording ----------------------------------------------------------------


def _screen_lines(transcript: str) -> list[str]:
    text = _ERASE.sub("", transcript)
    text = _MARKER.sub("", text)
    text = _ANSI.sub("", text)
    text = text.replace("\r\n", "\n")
    lines = []
    for line in text.split("\n"):
        if "\r" in line:  # a carriage return restarts the line; keep what the screen shows
            tail = line.rsplit("\r", 1)[-1]
            line = tail or line.replace("\r", "")
        lines.append(line)
    while lines and not lines[-1].strip():
        lines.pop()
    return lines


def _prompt_pattern(lines: list[str], prompt: str | None, source: str) -> re.Pattern[str]:
    where = f"{source}: " if source else ""
    if prompt:
        try:
            return re.compile(prompt)
        except re.error as exc:
            raise ReplayError(
                f"{where}the prompt pattern {prompt!r} is not a regular expression ({exc})"
            ) from None
    if not lines:
        raise ReplayError(f"{where}the transcript is empty")
    last = lines[-1].rstrip()
    name = _name_in(last)
    if not name or not re.search(r"[>#$%\]]\s*$", last):
        raise ReplayError(
            f"{where}the transcript does not end at a prompt (last line: {last[-60:]!r}); a "
            "finished read ends at the device's prompt. Give the prompt as a pattern "
            "(--prompt) if the device's prompt looks otherwise."
        )
    return re.compile(
        r"^(?:[<\[][~*]?" + re.escape(name) + r"[^\s<>\[\]]*[>\]]"
        r"|" + re.escape(name) + r"(?:\s?\([^()\n]{0,40}\))?\s?[>#$%]"
        r")[ ]?"
    )


def _name_in(prompt: str) -> str:
    match = re.match(r"^\s*[<\[]?[~*]?([^\s<>\[\]#$%()]+)", prompt)
    name = match.group(1) if match else ""
    return name.rstrip(">")


def _prompt_of(line: str, prompt_re: re.Pattern[str]) -> str:
    match = prompt_re.match(line)
    return match.group(0) if match else line


def _steps(
    lines: list[str],
    prompt_re: re.Pattern[str],
    source: str,
) -> tuple[int, list[RecordedStep]]:
    """(index of the first prompt line, the recorded commands)."""
    marks = [(i, m) for i, m in ((i, prompt_re.match(line)) for i, line in enumerate(lines)) if m]
    if not marks:
        where = f"{source}: " if source else ""
        raise ReplayError(f"{where}no prompt found in the transcript")
    steps: list[RecordedStep] = []
    for number, (index, match) in enumerate(marks):
        command = _typed(lines[index][match.end() :])
        if not command:
            continue  # Enter at a prompt: the console shows the prompt again by itself
        end = marks[number + 1][0] if number + 1 < len(marks) else len(lines)
        body = lines[index + 1 : end]
        secret = None
        if body and _PASSWORD.search(body[0]) and command.split()[0].lower().startswith("en"):
            secret = body[0]
            body = body[1:]
        while body and not body[-1].strip():
            body.pop()
        next_prompt = marks[number + 1][1].group(0) if number + 1 < len(marks) else match.group(0)
        steps.append(RecordedStep(match.group(0), command, "\n".join(body), next_prompt, secret))
    return marks[0][0], steps


def _typed(echo: str) -> str:
    """What was typed after a prompt, as the device echoed it (backspaces applied)."""
    text = echo
    while "\x08" in text:
        text = re.sub(r"[^\x08]\x08|^\x08", "", text, count=1)
    return " ".join(text.split())


@dataclass(frozen=True)
class _Login:
    asked: bool = False
    banner: str = "\r\n"
    username_prompt: str = "Username: "
    password_prompt: str = "Password: "
    welcome: str = ""


def _login_texts(before: list[str]) -> _Login:
    """The banner, login prompts and welcome text recorded before the first prompt."""
    user_at = next((i for i, line in enumerate(before) if _LOGIN.search(_prompt_part(line))), None)
    if user_at is None:
        return _Login(banner=_crlf(before) + "\r\n" if before else "\r\n")
    password_at = next(
        (i for i in range(user_at + 1, len(before)) if _PASSWORD.search(before[i])), None
    )
    first_user = next(i for i, line in enumerate(before) if _LOGIN.search(_prompt_part(line)))
    username_prompt = _prompt_part(before[user_at])
    password_prompt = before[password_at] if password_at is not None else "Password: "
    after = before[password_at + 1 :] if password_at is not None else []
    return _Login(
        asked=True,
        banner=_crlf(before[:first_user]) + ("\r\n" if first_user else ""),
        username_prompt=username_prompt,
        password_prompt=password_prompt,
        welcome=_crlf(after) + ("\r\n" if after else ""),
    )


def _prompt_part(line: str) -> str:
    """``Username: admin`` -> ``Username: ``: the prompt without the echoed answer."""
    match = re.match(r"(?i)^(.*?(?:username|login|user name)\s*:\s?)", line)
    return match.group(1) if match else line


def _rejection_style(lines: list[str], prompt: str) -> tuple[str, ...]:
    for index, line in enumerate(lines):
        if _REJECTIONS.search(line):
            caret = index > 0 and lines[index - 1].strip() == "^"
            return ("{caret}", line) if caret else (line,)
    return ANGLE_STYLE if prompt.lstrip().startswith(("<", "[")) else CISCO_STYLE


def _crlf(lines: list[str]) -> str:
    return "\r\n".join(lines)

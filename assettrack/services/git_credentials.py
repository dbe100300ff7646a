"""Git's own credentials for an HTTP(S) remote, asked of the credential helpers in the
user's git configuration (``credential.helper``): dulwich runs none itself. assettrack asks
at each sync and keeps nothing of the answer."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit

from dulwich.client import get_credentials_from_store
from dulwich.config import StackedConfig
from dulwich.credentials import urlmatch_credential_sections


def _helpers(config: StackedConfig, url: str) -> list[str]:
    """The helpers for ``url``, in git's order; an empty value drops those before it."""
    found: list[str] = []
    for backend in reversed(config.backends):  # system, global, then the repository's
        for section in urlmatch_credential_sections(backend, url):
            for value in backend.get_multivar(section, b"helper"):
                text = value.decode().strip()
                found = [] if not text else [*found, text]
    return found


def _store(args: list[str], scheme: str, host: str, user: str | None) -> tuple[str, str] | None:
    # git-credential-store's own files, read here: git itself need not be installed.
    if "--file" in args[:-1]:
        files = [os.path.expanduser(args[args.index("--file") + 1])]
    else:
        xdg = os.environ.get("XDG_CONFIG_HOME") or os.path.expanduser("~/.config")
        files = [os.path.expanduser("~/.git-credentials"), str(Path(xdg) / "git" / "credentials")]
    return next(iter(get_credentials_from_store(scheme, host, user, fnames=files)), None)


def _program(helper: str) -> list[str] | None:
    if helper.startswith("!"):
        return ["/bin/sh", "-c", helper[1:] + ' "$@"', "helper", "get"]
    words = shlex.split(helper)
    if not os.path.isabs(words[0]):
        found = shutil.which(f"git-credential-{words[0]}")
        if found is None:
            return None
        words[0] = found
    return [*words, "get"]


def _ask(command: list[str], scheme: str, netloc: str, user: str | None) -> tuple[str, str] | None:
    asked = f"protocol={scheme}\nhost={netloc}\n" + (f"username={user}\n" if user else "") + "\n"
    try:
        done = subprocess.run(command, input=asked, capture_output=True, text=True, check=False)
    except OSError:
        return None
    answer = dict(line.split("=", 1) for line in done.stdout.splitlines() if "=" in line)
    if done.returncode or "password" not in answer:
        return None
    return answer.get("username", user or ""), answer["password"]


def credentials_for(config: StackedConfig, url: str) -> tuple[str | None, str | None]:
    """The account git's helpers give for ``url`` (None, None: none, or the URL has one)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or parts.password is not None:
        return None, None
    user = unquote(parts.username) if parts.username else None
    netloc = parts.netloc.rpartition("@")[2]
    for helper in _helpers(config, url):
        words = shlex.split(helper)
        if words and words[0] == "store":
            found = _store(words, parts.scheme, parts.hostname or "", user)
        else:
            command = _program(helper)
            found = _ask(command, parts.scheme, netloc, user) if command else None
        if found is not None:
            return found
    return None, None

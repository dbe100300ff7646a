"""Credentials by reference: records name where a secret lives, never the secret itself.

References:

- ``""`` (or None): the device needs no login.
- ``env:USER_VAR,PASS_VAR[,ENABLE_VAR]``: read from environment variables.
- ``keyring:service/user``: the password from the system keyring (needs the optional
  ``keyring`` package).
- ``prompt``: ask the person at the keyboard through a callback the caller supplies.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from assettrack.console.errors import CredentialsError
from assettrack.domain.texts import N_

# (label, secret) -> answer; secret=True means do not echo what is typed.
PromptCallback = Callable[[str, bool], str]


@dataclass(frozen=True)
class Credentials:
    """A resolved login; secrets are kept out of repr so they never reach a log."""

    username: str | None
    password: str | None = field(default=None, repr=False)
    enable_secret: str | None = field(default=None, repr=False)


def resolve_credentials(
    reference: str | None,
    *,
    prompt: PromptCallback | None = None,
    environ: Mapping[str, str] | None = None,
    ask_enable: bool = False,
) -> Credentials | None:
    """Turn a reference into credentials, or None when the device needs no login."""
    ref = (reference or "").strip()
    if not ref:
        return None
    scheme, _, rest = ref.partition(":")
    scheme = scheme.lower()
    if scheme == "env":
        return _from_env(rest, os.environ if environ is None else environ)
    if scheme == "keyring":
        return _from_keyring(rest)
    if scheme == "prompt" and not rest:
        return _from_prompt(prompt, ask_enable)
    raise CredentialsError(
        N_(
            "{ref!r} is not a credentials reference. Use env:USER_VAR,PASS_VAR, "
            "keyring:service/user, prompt, or leave it empty for devices without a login.",
            ref=ref,
        )
    )


def _from_env(rest: str, environ: Mapping[str, str]) -> Credentials:
    names = [n.strip() for n in rest.split(",")]
    if len(names) not in (2, 3) or not all(names):
        raise CredentialsError(
            N_(
                "env:{rest} should name two or three environment variables: "
                "env:USER_VAR,PASS_VAR or env:USER_VAR,PASS_VAR,ENABLE_VAR.",
                rest=rest,
            )
        )
    missing = [n for n in names if n not in environ]
    if missing:
        raise CredentialsError(
            N_(
                "The credentials reference names environment variables that are not set: {names}",
                names=", ".join(missing),
            )
        )
    enable = environ[names[2]] if len(names) == 3 else None
    return Credentials(environ[names[0]], environ[names[1]], enable)


def _from_keyring(rest: str) -> Credentials:
    service, sep, user = rest.partition("/")
    if not sep or not service or not user:
        raise CredentialsError(N_("keyring:{rest} should read keyring:service/user.", rest=rest))
    try:
        import keyring  # optional; imported here so the app runs without it
    except ImportError:
        raise CredentialsError(
            N_(
                "The credentials reference uses the system keyring, but the 'keyring' package "
                "is not installed. Install it (pip install keyring) or use env: or prompt."
            )
        ) from None
    try:
        password = keyring.get_password(service, user)
    except Exception as exc:  # keyring backends raise their own types
        raise CredentialsError(
            N_("The system keyring could not be read: {reason}", reason=exc)
        ) from None
    if password is None:
        raise CredentialsError(
            N_(
                "The system keyring holds no password for {user} in {service}.",
                user=user,
                service=service,
            )
        )
    return Credentials(user, password)


def _from_prompt(prompt: PromptCallback | None, ask_enable: bool) -> Credentials:
    if prompt is None:
        raise CredentialsError(
            N_(
                "The credentials reference is 'prompt' but nobody can be asked here; "
                "use env: or keyring: for unattended runs."
            )
        )
    username = prompt("Username", False) or None
    password = prompt("Password", True) or None
    enable = (prompt("Enable secret", True) or None) if ask_enable else None
    return Credentials(username, password, enable)

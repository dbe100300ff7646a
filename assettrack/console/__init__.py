"""Device consoles over pyserial: sessions, transcripts, credentials and a device simulator.

Nothing in this package imports the UI toolkit; blocking calls belong in a worker thread.
The names below are imported from their modules on first use (PEP 562): a plugin that only
needs a console profile does not pay for the session machinery at start-up.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assettrack.console.credentials import Credentials, resolve_credentials
    from assettrack.console.errors import (
        COMMON_SPEEDS,
        CommandRejected,
        ConsoleError,
        CredentialsError,
        Disconnected,
        GarbageReceived,
        LoginFailed,
        NoResponse,
        PortBusy,
        PortNotFound,
        PortPermissionDenied,
        Timeout,
    )
    from assettrack.console.profile import CISCO_IOS, HUAWEI_VRP, PROFILES, ConsoleProfile
    from assettrack.console.session import ConsoleSession, autobaud
    from assettrack.console.transcript import Transcript, TranscriptEvent

_WHERE = {
    "Credentials": "credentials",
    "resolve_credentials": "credentials",
    "COMMON_SPEEDS": "errors",
    "CommandRejected": "errors",
    "ConsoleError": "errors",
    "CredentialsError": "errors",
    "Disconnected": "errors",
    "GarbageReceived": "errors",
    "LoginFailed": "errors",
    "NoResponse": "errors",
    "PortBusy": "errors",
    "PortNotFound": "errors",
    "PortPermissionDenied": "errors",
    "Timeout": "errors",
    "CISCO_IOS": "profile",
    "HUAWEI_VRP": "profile",
    "PROFILES": "profile",
    "ConsoleProfile": "profile",
    "ConsoleSession": "session",
    "autobaud": "session",
    "Transcript": "transcript",
    "TranscriptEvent": "transcript",
}

__all__ = [
    "CISCO_IOS",
    "COMMON_SPEEDS",
    "HUAWEI_VRP",
    "PROFILES",
    "CommandRejected",
    "ConsoleError",
    "ConsoleProfile",
    "ConsoleSession",
    "Credentials",
    "CredentialsError",
    "Disconnected",
    "GarbageReceived",
    "LoginFailed",
    "NoResponse",
    "PortBusy",
    "PortNotFound",
    "PortPermissionDenied",
    "Timeout",
    "Transcript",
    "TranscriptEvent",
    "autobaud",
    "resolve_credentials",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # the next access is a plain lookup
    return value

"""Device consoles over pyserial: sessions, transcripts, credentials and a device simulator.

Nothing in this package imports the UI toolkit; blocking calls belong in a worker thread.
"""

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

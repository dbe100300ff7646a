"""Console failures, each with a message a field engineer can act on.

Every error carries the redacted transcript of what was exchanged up to the failure
(``exc.transcript``), so an inspection record can keep it and support can read it. The
messages made here are domain ``Text``s (``domain.texts``): the English sentence (what a
record keeps), said in the reader's language by ``i18n.errors.error_text``.
"""

from __future__ import annotations

from assettrack.domain.texts import N_, Text
from assettrack.errors import AssetTrackError

COMMON_SPEEDS: tuple[int, ...] = (9600, 115200, 38400, 19200, 57600)


class ConsoleError(AssetTrackError):
    """A console session failed; ``transcript`` is the redacted exchange so far."""

    def __init__(self, message: str, *, transcript: str = "") -> None:
        super().__init__(message)
        self.transcript = transcript


class PortNotFound(ConsoleError):
    """The port or console-server address does not exist or refused the connection."""


class PortPermissionDenied(ConsoleError):
    """The operating system refused access to the port."""


class PortBusy(ConsoleError):
    """Another program holds the port."""


class NoResponse(ConsoleError):
    """Nothing (or nothing usable) came back within the idle timeout."""


class GarbageReceived(ConsoleError):
    """The device answered with unreadable bytes: almost always a wrong line speed."""


class LoginFailed(ConsoleError):
    """The device refused the username, password or enable secret."""


class Disconnected(ConsoleError):
    """The port or connection went away in the middle of an exchange."""


class CommandRejected(ConsoleError):
    """The device answered a command with its own error marker."""

    def __init__(
        self, message: str, *, command: str, device_message: str, transcript: str = ""
    ) -> None:
        super().__init__(message, transcript=transcript)
        self.command = command
        self.device_message = device_message


class Timeout(ConsoleError):
    """The device kept talking but the operation missed its overall deadline."""


class CredentialsError(ConsoleError):
    """A credentials reference could not be resolved."""


def permission_message(port: str) -> Text:
    return N_(
        "Permission denied opening {port}. Serial ports belong to a system group: add your "
        "user to it (usually 'dialout' on Debian and Ubuntu, 'uucp' on Arch), then log out "
        "and back in.",
        port=port,
    )


def garbage_message(port: str, baud: int) -> Text:
    others = ", ".join(str(s) for s in COMMON_SPEEDS if s != baud)
    return N_(
        "The device on {port} sent unreadable characters at {baud} baud: the line speed is "
        "probably wrong. Try {others}, or let assettrack find it with the --autobaud option.",
        port=port,
        baud=baud,
        others=others,
    )


def no_response_message(port: str, baud: int, waited: float) -> Text:
    return N_(
        "No response from the device on {port} after {waited} s. Check the cable (a console "
        "cable in the device's console port) and the line speed ({baud} baud).",
        port=port,
        waited=f"{waited:g}",
        baud=baud,
    )

"""The error every user-facing failure derives from.

The CLI prints an ``AssetTrackError`` as one line and exits 1; anything else is a bug.
"""


class AssetTrackError(Exception):
    """A failure the user can act on; its message is shown as is."""

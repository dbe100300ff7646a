"""The failure the built-in ``profile_drivers`` plugin reports for profiles it could not load.

A module of its own so that the plugin imports the profile code only when it is used: every
command loads the plugins, few of them need a driver (about 12 ms of each start).
"""

from __future__ import annotations

from assettrack.profiles.driver_profile import ProfileError


class ProfilesRefused(ProfileError):
    """One or more driver profiles that could not be loaded (each named)."""

    def __init__(self, errors: tuple[ProfileError, ...]) -> None:
        first = errors[0]
        super().__init__(first.source, first.key, first.problem)
        if len(errors) > 1:
            self.args = ("; ".join(str(e) for e in errors),)

"""The small tree of errors routemap raises.

Every error derives from :class:`RoutemapError` and also from the builtin that fits, so
``except LookupError`` or ``except ValueError`` keeps working for callers who do not know
routemap.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "GazetteerBuildError",
    "InvalidPlace",
    "InvalidQuery",
    "MissingDependency",
    "OnlineGeocodingError",
    "PlaceNotFound",
    "RoutemapError",
]


class RoutemapError(Exception):
    """Base class of every error routemap raises on purpose."""


class PlaceNotFound(RoutemapError, LookupError):
    """No place in the gazetteer matches a name (under the given filters).

    ``suggestions`` holds display names of close matches, best first.
    """

    def __init__(self, name: str, suggestions: Sequence[str] = (), *, filters: str = "") -> None:
        self.name = name
        self.suggestions = tuple(suggestions)
        where = f" with {filters}" if filters else ""
        message = f"no place named {name!r}{where}"
        if self.suggestions:
            message += "; did you mean: " + ", ".join(self.suggestions) + "?"
        else:
            message += (
                "; check the spelling, or use the online fallback "
                "(Gazetteer.default().with_online_fallback(...))"
            )
        super().__init__(message)


class InvalidPlace(RoutemapError, ValueError):
    """A Place was constructed with an impossible value (bad coordinates, empty id …)."""


class InvalidQuery(RoutemapError, ValueError):
    """A lookup was given an unusable name (empty, too long, control characters …)."""


class GazetteerBuildError(RoutemapError, RuntimeError):
    """The offline gazetteer index could not be built or opened."""


class OnlineGeocodingError(RoutemapError, RuntimeError):
    """The opt-in online geocoder failed (network, rate limit, service error)."""


class MissingDependency(RoutemapError, ImportError):
    """An optional dependency is not installed; the message names the extra to install."""

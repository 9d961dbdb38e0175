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
    "InvalidRoute",
    "MissingDependency",
    "OnlineGeocodingError",
    "PlaceNotFound",
    "RouteFileError",
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


class InvalidRoute(RoutemapError, ValueError):
    """A Route, Leg, Citation, Quantity or Period was given an impossible value."""


class RouteFileError(RoutemapError, ValueError):
    """A routes file (GeoJSON, GeoPackage, GeoParquet, YAML) could not be read or written.

    ``file`` is the path, ``line`` the 1-based line of the problem when known (None for
    binary formats or whole-file problems), ``problem`` what is wrong. The message reads
    ``file:line: problem``, the form editors and terminals turn into links.
    """

    def __init__(self, file: str, problem: str, line: int | None = None) -> None:
        self.file = str(file)
        self.line = line
        self.problem = problem
        where = f"{self.file}:{line}" if line is not None else self.file
        super().__init__(f"{where}: {problem}")

    def __reduce__(self) -> tuple[object, ...]:  # picklable across worker processes
        return (type(self), (self.file, self.problem, self.line))

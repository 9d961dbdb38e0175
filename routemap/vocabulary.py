"""Fixed vocabularies: enums named by their value in any case, listing the valid values
when given a wrong one.

>>> from routemap.routes import GeometryKind, Mode
>>> Mode("AIR"), GeometryKind.coerce("Great circle")
(<Mode.AIR: 'air'>, <GeometryKind.GREAT_CIRCLE: 'great_circle'>)
>>> Mode("plane")
Traceback (most recent call last):
...
ValueError: 'plane' is not a mode; use one of: air, maritime, river, land, postal, unknown
"""

from __future__ import annotations

import re
from enum import Enum
from typing import Any, TypeVar

__all__ = ["Vocabulary"]

_V = TypeVar("_V", bound="Vocabulary")


class Vocabulary(str, Enum):
    """Base of routemap's enums (PlaceKind, Mode, GeometryKind): ``Mode("Maritime")`` and
    ``GeometryKind("great circle")`` work; anything else raises a ValueError that lists the
    valid values."""

    @classmethod
    def _noun(cls) -> str:
        """ "PlaceKind" → "place kind", for messages."""
        return re.sub(r"(?<!^)(?=[A-Z])", " ", cls.__name__).lower()

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if isinstance(value, str):
            key = re.sub(r"[\s-]+", "_", value.strip().lower())
            for member in cls:
                if member.value == key:
                    return member
        valid = ", ".join(str(member.value) for member in cls)
        raise ValueError(f"{value!r} is not a {cls._noun()}; use one of: {valid}")

    @classmethod
    def coerce(cls: type[_V], value: _V | str) -> _V:
        """Return ``value`` as a member (strings in any case)."""
        if isinstance(value, cls):
            return value
        if not isinstance(value, str):
            raise TypeError(
                f"{cls._noun()} must be a str or {cls.__name__}, not {type(value).__name__}"
            )
        return cls(value)

    def __str__(self) -> str:
        return str(self.value)

"""Place and PlaceKind: the value objects every other module passes around.

>>> p = Place("geonames:3936456", "Lima", PlaceKind.CITY, -12.04318, -77.02824, country="PE")
>>> p.latlon
(-12.04318, -77.02824)
>>> PlaceKind("PORT")
<PlaceKind.PORT: 'port'>
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from routemap.errors import InvalidPlace
from routemap.vocabulary import Vocabulary

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

__all__ = ["Place", "PlaceKind"]

_ID = re.compile(r"^[a-z][a-z0-9-]*:[^\s]+$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")


class PlaceKind(Vocabulary):
    """What sort of place a :class:`Place` is. Accepts its value in any case.

    >>> PlaceKind("Airport") is PlaceKind.AIRPORT
    True
    """

    CONTINENT = "continent"
    COUNTRY = "country"
    REGION = "region"
    CITY = "city"
    PORT = "port"
    AIRPORT = "airport"
    RIVER = "river"
    AREA = "area"


def _check_coordinate(name: str, value: object, limit: float, hint: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidPlace(f"{name} must be a number, not {type(value).__name__}: {value!r:.40}")
    number = float(value)
    if not math.isfinite(number):
        raise InvalidPlace(f"{name} must be finite, got {number}")
    if not -limit <= number <= limit:
        raise InvalidPlace(f"{name} {number} is outside ±{limit:g}{hint}")
    return number


@dataclass(frozen=True, slots=True)
class Place:
    """A place on Earth with a stable, namespaced id.

    Coordinates are WGS 84 latitude and longitude in degrees, stored in that order;
    convert at the edges (``[lat, lon]`` for Folium, ``[lon, lat]`` for GeoJSON).

    Parameters
    ----------
    id : str
        Namespaced registry id such as ``geonames:3936456``, ``iso3166:PE``,
        ``locode:PECLL``, ``icao:SPJC`` or ``routemap:vraem``.
    name : str
        Display name.
    kind : PlaceKind or str
    lat, lon : float
        A representative point (for areas and countries, a point inside the polygon).
    country : str or None
        ISO 3166-1 alpha-2 code of the country the place is in, if any.
    population : int or None
    geometry : shapely geometry or None
        Polygon or line for countries, regions, areas and rivers; not compared.
    source : str
        Where the record came from (e.g. ``"GeoNames"``).

    >>> Place("x:1", "Nowhere", "city", 95.0, 10.0)
    Traceback (most recent call last):
    ...
    routemap.errors.InvalidPlace: lat 95.0 is outside ±90 (are latitude and longitude swapped?)
    """

    id: str
    name: str
    kind: PlaceKind
    lat: float
    lon: float
    country: str | None = None
    population: int | None = None
    geometry: BaseGeometry | None = field(default=None, compare=False, repr=False)
    source: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not _ID.match(self.id):
            raise InvalidPlace(f"place id must look like 'namespace:value', got {self.id!r:.60}")
        if not isinstance(self.name, str) or not self.name.strip():
            raise InvalidPlace(f"place {self.id} needs a non-empty name, got {self.name!r:.60}")
        try:
            kind = PlaceKind.coerce(self.kind)
        except (TypeError, ValueError) as exc:
            raise InvalidPlace(f"place {self.id}: {exc}") from exc
        object.__setattr__(self, "kind", kind)
        lat = _check_coordinate("lat", self.lat, 90, " (are latitude and longitude swapped?)")
        lon = _check_coordinate("lon", self.lon, 180, "")
        object.__setattr__(self, "lat", lat)
        object.__setattr__(self, "lon", lon)
        if self.country is not None and (
            not isinstance(self.country, str) or not _COUNTRY.match(self.country)
        ):
            raise InvalidPlace(
                f"place {self.id}: country must be an ISO alpha-2 code like 'PE', "
                f"got {self.country!r:.20}"
            )
        if self.population is not None:
            if isinstance(self.population, bool) or not isinstance(self.population, int):
                raise InvalidPlace(f"place {self.id}: population must be an int or None")
            if self.population < 0:
                raise InvalidPlace(f"place {self.id}: population cannot be negative")
        if self.geometry is not None and not hasattr(self.geometry, "geom_type"):
            raise InvalidPlace(f"place {self.id}: geometry must be a shapely geometry")

    @property
    def latlon(self) -> tuple[float, float]:
        """``(lat, lon)``, the order Folium expects."""
        return (self.lat, self.lon)

    @property
    def lonlat(self) -> tuple[float, float]:
        """``(lon, lat)``, the order GeoJSON and shapely expect."""
        return (self.lon, self.lat)

    @property
    def __geo_interface__(self) -> dict[str, Any]:
        """A GeoJSON Feature: the point, with the place's fields as properties."""
        return {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [self.lon, self.lat]},
            "properties": self.to_dict(),
        }

    def to_dict(self) -> dict[str, Any]:
        """The place's fields as plain JSON-ready values (without geometry)."""
        return {
            "id": self.id,
            "name": self.name,
            "kind": self.kind.value,
            "lat": self.lat,
            "lon": self.lon,
            "country": self.country,
            "population": self.population,
            "source": self.source,
        }

    def __str__(self) -> str:
        where = f", {self.country}" if self.country and self.kind is not PlaceKind.COUNTRY else ""
        return f"{self.name}{where} ({self.kind.value}, {self.id})"

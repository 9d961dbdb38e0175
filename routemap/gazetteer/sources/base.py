"""What every gazetteer source yields: place records with their names.

A source is a small class with one job — read one registry package or derived file and
yield :class:`PlaceRecord` objects. The index builder knows nothing about any source's
format.
"""

from __future__ import annotations

import importlib.util
import json
import math
import re
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import IntEnum
from importlib import resources
from pathlib import Path
from typing import Any

from routemap.places import PlaceKind

__all__ = [
    "NameType",
    "PlaceRecord",
    "Source",
    "data_path",
    "importance",
    "is_code",
    "package_file",
    "package_version",
    "read_data_geojson",
    "representative_point",
]

# Alternate names that are plausible in English or Spanish text: Latin script only.
_LATIN_MAX = 0x24F
_CODE = re.compile(r"^[A-Z0-9]{2,4}$")


class NameType(IntEnum):
    """How a name belongs to a place; lower values are stronger evidence."""

    PRIMARY = 0  # the registry's own name
    LOCALIZED = 1  # an official English or Spanish name (pycountry, Natural Earth name_es)
    ALIAS = 2  # curated in routemap/data/aliases.csv or an area's names
    ALTERNATE = 3  # a registry alternate name (GeoNames alternatenames, NE name_alt)
    CODE = 4  # an upper-case code (ISO, IATA, ICAO); matched only when written in capitals
    SERVED = 5  # the city an airport serves; matched only as a weak hint

    @property
    def quality(self) -> float:
        return _QUALITY[self]


_QUALITY = {
    NameType.PRIMARY: 1.0,
    NameType.LOCALIZED: 1.0,
    NameType.ALIAS: 1.0,
    NameType.ALTERNATE: 0.85,
    NameType.CODE: 0.9,
    NameType.SERVED: 0.6,
}


@dataclass(frozen=True, slots=True)
class PlaceRecord:
    """One place as a source yields it, before it is indexed."""

    id: str
    name: str
    kind: PlaceKind
    lat: float
    lon: float
    country: str | None
    population: int | None
    source: str
    names: tuple[tuple[str, NameType], ...]
    geometry: dict[str, Any] | None = None  # GeoJSON geometry, [lon, lat]
    importance: float = 0.0
    # How much better known the place is than its size says (a national capital, a town
    # with names in many languages): added to ``importance`` when ranking namesakes, but
    # not when deciding whether a word is a place at all.
    fame: float = 0.0


class Source(ABC):
    """A registry package or derived file that yields places."""

    #: Short label stored on each Place as ``source``.
    label: str = ""

    @abstractmethod
    def records(self) -> Iterator[PlaceRecord]:
        """Yield every place this source holds."""

    def fingerprint(self) -> str:
        """A string that changes whenever this source's data changes."""
        return self.label


def is_latin(name: str) -> bool:
    """True when every letter of ``name`` is from the Latin alphabets."""
    return all(ord(ch) <= _LATIN_MAX or not ch.isalpha() for ch in name)


def is_code(name: str) -> bool:
    """True for short all-capital tokens such as ``PE``, ``LIM`` or ``SPJC``."""
    return bool(_CODE.match(name))


def clean_alternates(names: Iterable[str]) -> Iterator[str]:
    """Keep alternate names plausible in English/Spanish text.

    GeoNames' alternatenames mix scripts and lower-case romanisations ("li ma"); a
    proper name in running text starts with a capital letter.
    """
    for name in names:
        name = name.strip()
        if not name or len(name) > 80 or any(ch.isdigit() for ch in name):
            continue
        if not is_latin(name) or "http" in name:
            continue
        if is_code(name) or (name[0].isupper() and len(name) >= 3):
            yield name


def importance(kind: PlaceKind, population: int | None) -> float:
    """A prior in [0, 1]: how likely a bare mention of a name means this place.

    Countries outrank any city; a big city outranks its region and a hamlet.
    """
    size = math.log10(population) / 7.5 if population and population > 1 else 0.0
    size = min(size, 1.0)
    if kind is PlaceKind.CONTINENT:
        return 1.0
    if kind is PlaceKind.COUNTRY:
        return 0.95
    if kind is PlaceKind.AREA:
        return 0.9
    if kind is PlaceKind.CITY:
        return 0.3 + 0.5 * size
    if kind is PlaceKind.REGION:
        return 0.25 + 0.5 * size
    if kind is PlaceKind.RIVER:
        return 0.55
    if kind is PlaceKind.PORT:
        return 0.45
    return 0.35  # airports and airstrips


def package_file(package: str, *parts: str) -> Path:
    """A data file inside an installed package, found without importing the package
    (importing searoute, for one, loads its whole sea-lane graph)."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        from routemap.errors import GazetteerBuildError

        raise GazetteerBuildError(
            f"the package {package!r} is not installed; reinstall routemap (pip install routemap)"
        )
    return Path(next(iter(spec.submodule_search_locations)), *parts)


def representative_point(geometry: dict[str, Any]) -> tuple[float, float]:
    """(lat, lon) of the centroid of the largest part of a GeoJSON polygon, or a point
    inside it (polylabel) when the centroid falls outside.

    The centroid is where gazetteers and encyclopaedias conventionally put a country
    (GeoNames, Wikipedia); polylabel alone drifts toward the widest interior.
    """
    from shapely.geometry import shape
    from shapely.ops import polylabel

    geom = shape(geometry)
    if geom.geom_type == "MultiPolygon":
        geom = max(geom.geoms, key=lambda part: part.area)
    point = geom.centroid
    if not geom.contains(point):
        point = polylabel(geom, tolerance=0.01)
    return (round(point.y, 4), round(point.x, 4))


def data_path(name: str) -> Any:
    """A file shipped in ``routemap/data`` (an importlib Traversable)."""
    return resources.files("routemap").joinpath("data", name)


def data_digest(name: str) -> str:
    """A content hash of a file in ``routemap/data`` ("absent" when missing)."""
    import hashlib

    path = data_path(name)
    if not path.is_file():
        return "absent"
    return hashlib.blake2b(path.read_bytes(), digest_size=8).hexdigest()


def read_data_geojson(name: str) -> list[dict[str, Any]]:
    """The features of a derived GeoJSON file in ``routemap/data`` (empty if absent)."""
    path = data_path(name)
    if not path.is_file():
        return []
    with path.open("r", encoding="utf-8") as handle:
        features: list[dict[str, Any]] = json.load(handle)["features"]
    return features


def package_version(dist: str) -> str:
    """The installed version of distribution ``dist`` ("missing" when absent)."""
    from importlib import metadata

    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "missing"

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
    "main_landmass",
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


#: Islands within this distance of a country's largest part (chained: island to island)
#: count as its main landmass: Canada's Arctic archipelago and New Zealand's two islands
#: do, Alaska, Hawaii and France's overseas departments do not.
MAINLAND_GAP_KM = 300.0
#: How far inside its outline a place's point is put when its centroid falls outside
#: (Vietnam's S-curve, an archipelago's sea): about 25 km, so the marker sits on land.
INSET_DEGREES = 0.25


def representative_point(geometry: dict[str, Any]) -> tuple[float, float]:
    """(lat, lon) of the centre of a country or region: the equal-area centroid of its
    main landmass (:func:`main_landmass`), moved to the nearest point well inside it when
    it falls outside (polylabel for a place too small to move inside).

    The centroid is where gazetteers and encyclopaedias conventionally put a country or
    region (Wikipedia: Canada at 60,-95, Argentina at -34,-64, Queensland at -23,143); an
    equal-area one, because a centroid in degrees drifts toward the poles, and of the main
    landmass, so that neither the largest part alone (Canada without its Arctic islands)
    nor far-off territories (the United States with Alaska and Hawaii) pull it aside.
    polylabel alone drifts toward the widest interior (Vietnam's north).
    """
    from shapely.geometry import shape
    from shapely.ops import nearest_points, polylabel

    geom = shape(geometry)
    main = main_landmass(geom)
    point = _equal_area_centroid(main)
    if not main.contains(point):
        inner = main.buffer(-INSET_DEGREES)
        if inner.is_empty:
            largest = max(getattr(main, "geoms", [main]), key=_true_area)
            point = polylabel(largest, tolerance=0.01)
        else:
            point = nearest_points(inner, point)[0]
    return (round(point.y, 4), round(point.x, 4))


def _true_area(geom: Any) -> float:
    """Area in square degrees scaled by cos(latitude): proportional to the true area."""
    return float(geom.area) * math.cos(math.radians(geom.centroid.y))


def main_landmass(geom: Any) -> Any:
    """The largest part of a (Multi)Polygon with every part within MAINLAND_GAP_KM of it,
    directly or through other such parts."""
    import shapely

    parts = list(getattr(geom, "geoms", [geom]))
    largest = max(parts, key=_true_area)
    kept, rest = [largest], [p for p in parts if p is not largest]
    grew = True
    while grew and rest:
        grew = False
        for part in list(rest):
            # The gap in degrees of longitude grows toward the poles.
            reach = MAINLAND_GAP_KM / 111.2 / max(0.3, math.cos(math.radians(part.centroid.y)))
            if any(part.distance(k) <= reach for k in kept):
                kept.append(part)
                rest.remove(part)
                grew = True
    return shapely.MultiPolygon(kept) if len(kept) > 1 else largest


def _equal_area_centroid(geom: Any) -> Any:
    """The centroid of ``geom`` on a Lambert azimuthal equal-area map centred on it (a
    close stand-in for its centre of mass on the sphere), as a lon/lat point. The
    spherical formulas are applied with numpy: building a pyproj transformer per region
    would cost seconds over thousands of regions."""
    import numpy as np
    import shapely

    guess = geom.centroid
    lam0, phi0 = math.radians(guess.x), math.radians(guess.y)
    sin0, cos0 = math.sin(phi0), math.cos(phi0)

    def forward(xy: Any) -> Any:
        lam, phi = np.radians(xy[:, 0]) - lam0, np.radians(xy[:, 1])
        k = np.sqrt(
            2.0 / np.maximum(1e-12, 1.0 + sin0 * np.sin(phi) + cos0 * np.cos(phi) * np.cos(lam))
        )
        x = k * np.cos(phi) * np.sin(lam)
        y = k * (cos0 * np.sin(phi) - sin0 * np.cos(phi) * np.cos(lam))
        return np.column_stack([x, y])

    centre = shapely.transform(geom, forward).centroid
    x, y = centre.x, centre.y
    rho = math.hypot(x, y)
    if rho < 1e-12:
        return shapely.Point(guess.x, guess.y)
    c = 2.0 * math.asin(min(1.0, rho / 2.0))
    phi = math.asin(math.cos(c) * sin0 + y * math.sin(c) * cos0 / rho)
    lam = lam0 + math.atan2(x * math.sin(c), rho * cos0 * math.cos(c) - y * sin0 * math.sin(c))
    lon = (math.degrees(lam) + 180.0) % 360.0 - 180.0
    return shapely.Point(lon, math.degrees(phi))


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

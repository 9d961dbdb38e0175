"""Leg paths: great circles, sea lanes, schematic river and land lines; the antimeridian.

Paths are tuples of ``(lat, lon)`` with longitudes wrapped into [-180, 180]. Convert only
at the edges: :func:`unwrap` keeps longitudes continuous for Leaflet (a Pacific crossing
runs on past -180 instead of jumping across the map); :func:`split_antimeridian` cuts a
path at ±180 into parts for GeoJSON (RFC 7946 §3.1.9).

How a leg is drawn depends on its mode (:func:`make_leg`):

==================  ==============  ===================================================
mode                geometry kind   path
==================  ==============  ===================================================
air, postal,        great_circle    geodesic (pyproj.Geod), about a point per 50 km
unknown
maritime            sea_lane        searoute between ports; a stop that is not a port
                                    snaps to a port of its country (noted; see
                                    :func:`nearest_port`);
                                    a great circle, marked approximate, when no lane
river               river           schematic geodesic line, approximate
land                schematic       schematic geodesic line, approximate
==================  ==============  ===================================================

Countries, regions, areas and continents are anchored at their representative point and
marked approximate.

>>> path = great_circle((-12.05, -77.12), (35.46, 139.63))
>>> len(path), path[0], path[-1]
(200, (-12.05, -77.12), (35.46, 139.63))
>>> unwrap([(0.0, 170.0), (0.0, -170.0)])
[(0.0, 170.0), (0.0, 190.0)]
>>> split_antimeridian([(0.0, 170.0), (10.0, -170.0)])
[[(0.0, 170.0), (5.0, 180.0)], [(5.0, -180.0), (10.0, -170.0)]]
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from routemap.places import Place, PlaceKind
from routemap.routes import GeometryKind, Leg, Mode

if TYPE_CHECKING:
    from pyproj import Geod

__all__ = [
    "KM_PER_POINT",
    "MAX_POINTS",
    "geojson_geometry",
    "great_circle",
    "join_paths",
    "make_leg",
    "nearest_port",
    "path_length_km",
    "sea_lane",
    "split_antimeridian",
    "unwrap",
]

LatLon = tuple[float, float]

#: Great circles get about one point per this many kilometres …
KM_PER_POINT = 50.0
#: … and at most this many points.
MAX_POINTS = 200

DEFAULT_KIND = {
    Mode.AIR: GeometryKind.GREAT_CIRCLE,
    Mode.POSTAL: GeometryKind.GREAT_CIRCLE,
    Mode.UNKNOWN: GeometryKind.GREAT_CIRCLE,
    Mode.MARITIME: GeometryKind.SEA_LANE,
    Mode.RIVER: GeometryKind.RIVER,
    Mode.LAND: GeometryKind.SCHEMATIC,
}

#: The note of a maritime leg drawn as a great circle (no lane found, or asked for).
NO_SEA_LANE = "no sea lane: drawn as a great circle"
_KIND_NOTES = {
    GeometryKind.RIVER: "river course not traced: drawn as a schematic line",
    GeometryKind.SCHEMATIC: "road or track not traced: drawn as a schematic line",
}
_AREA_KINDS = frozenset(
    {PlaceKind.CONTINENT, PlaceKind.COUNTRY, PlaceKind.REGION, PlaceKind.AREA, PlaceKind.RIVER}
)
_EARTH_RADIUS_KM = 6371.0088


@functools.cache
def _geod() -> Geod:
    from pyproj import Geod

    return Geod(ellps="WGS84")


def _wrap(lon: float) -> float:
    return lon if -180.0 <= lon <= 180.0 else (lon + 180.0) % 360.0 - 180.0


def _dedupe(points: Iterable[LatLon]) -> list[LatLon]:
    kept: list[LatLon] = []
    for point in points:
        if not kept or point != kept[-1]:
            kept.append(point)
    return kept


def _haversine_km(a: LatLon, b: LatLon) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * _EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


# -- paths -------------------------------------------------------------------------------------


def great_circle(
    a: LatLon, b: LatLon, *, km_per_point: float = KM_PER_POINT, max_points: int = MAX_POINTS
) -> tuple[LatLon, ...]:
    """The geodesic from ``a`` to ``b`` (``(lat, lon)`` each), densified to about a point
    per ``km_per_point`` km, at least the two ends and at most ``max_points``.

    >>> len(great_circle((-12.0, -77.0), (-12.1, -77.1)))
    2
    """
    geod = _geod()
    _, _, metres = geod.inv(a[1], a[0], b[1], b[0])
    n = min(max_points, max(2, math.ceil(metres / 1000.0 / km_per_point) + 1))
    inner = geod.npts(a[1], a[0], b[1], b[0], n - 2) if n > 2 else []
    return (
        (float(a[0]), float(a[1])),
        *((float(lat), float(lon)) for lon, lat in inner),
        (float(b[0]), float(b[1])),
    )


@functools.cache
def _searoute() -> Any:
    # Imported on first use: it loads the marine network, which most runs do not need.
    import searoute

    return searoute


@functools.lru_cache(maxsize=4096)
def sea_lane(a: LatLon, b: LatLon) -> tuple[LatLon, ...]:
    """The shortest sea lane from ``a`` to ``b`` (``(lat, lon)`` each) on searoute's
    marine network, starting and ending at the two points themselves.

    Raises ValueError when searoute finds no lane of two distinct points.

    >>> path = sea_lane((-12.053688, -77.121278), (51.202366, 4.382896))  # Callao → Antwerp
    >>> len(path) > 50, path[0], path[-1]
    (True, (-12.053688, -77.121278), (51.202366, 4.382896))
    """
    try:
        feature = _searoute().searoute((a[1], a[0]), (b[1], b[0]))
        coordinates = feature["geometry"]["coordinates"]
    except Exception as exc:  # searoute raises whatever networkx or its own code raises
        raise ValueError(f"searoute found no lane from {a} to {b}: {exc}") from exc
    if not coordinates:
        raise ValueError(f"searoute found no lane from {a} to {b}")
    # The lane runs between the network nodes nearest the two points; join the points
    # themselves (searoute 1.6's append_orig_dest compares the input with itself).
    lane = ((float(lat), _wrap(float(lon))) for lon, lat, *_ in coordinates)
    path = _dedupe([(float(a[0]), float(a[1])), *lane, (float(b[0]), float(b[1]))])
    if len(path) < 2:
        raise ValueError(f"searoute found no lane from {a} to {b}")
    return tuple(path)


def unwrap(path: Iterable[LatLon]) -> list[LatLon]:
    """``path`` with each longitude shifted by whole turns to within 180° of the previous
    one, so a Pacific crossing runs on past ±180 (what Leaflet needs to draw it whole).

    >>> unwrap([(35.0, 139.6), (40.0, 179.0), (45.0, -179.0), (-12.0, -77.1)])
    [(35.0, 139.6), (40.0, 179.0), (45.0, 181.0), (-12.0, 282.9)]
    """
    out: list[LatLon] = []
    for lat, lon in path:
        if out:
            lon = lon + 360.0 * round((out[-1][1] - lon) / 360.0)
        out.append((lat, lon))
    return out


def split_antimeridian(path: Iterable[LatLon]) -> list[list[LatLon]]:
    """``path`` cut where it crosses ±180 into parts whose longitudes lie in [-180, 180],
    each part still ``(lat, lon)``: a GeoJSON MultiLineString once turned to ``[lon, lat]``.

    A crossing is between neighbouring points more than 180° of longitude apart (taken the
    short way round); the latitude at ±180 is interpolated linearly.

    >>> split_antimeridian([(0.0, -170.0), (0.0, 170.0)])
    [[(0.0, -170.0), (0.0, -180.0)], [(0.0, 180.0), (0.0, 170.0)]]
    >>> split_antimeridian([(0.0, 10.0), (1.0, 20.0)])
    [[(0.0, 10.0), (1.0, 20.0)]]
    """
    points = list(path)
    if len(points) >= 2 and _within_one_turn([lon for _, lon in points]):
        # Nothing to unwrap or cut (most paths): the same parts as below, in one pass.
        (lat, lon), rest = points[0], points[1:]
        part = _dedupe([(lat, lon - 0.0), *((lat, lon + 0.0) for lat, lon in rest)])
        if len(part) >= 2:
            return [part]
    return _split_unwrapped(points)


def _within_one_turn(lons: list[float]) -> bool:
    """No longitude at or past ±180 and no step of 180° or more: the path neither wraps
    nor crosses the antimeridian. (NaN fails both tests.)"""
    return all(-180.0 < lon < 180.0 for lon in lons) and all(
        abs(b - a) < 180.0 for a, b in pairwise(lons)
    )


def _split_unwrapped(path: list[LatLon]) -> list[list[LatLon]]:
    """:func:`split_antimeridian` in general: unwrap, then cut at each crossing."""
    points = _dedupe(unwrap(path))
    if len(points) < 2:
        return [[(lat, _wrap(lon)) for lat, lon in points]]
    pieces: list[tuple[LatLon, LatLon]] = []
    for a, b in pairwise(points):
        lo, hi = sorted((a[1], b[1]))
        boundary = 180.0 + 360.0 * math.ceil((lo - 180.0) / 360.0)
        if boundary == lo:
            boundary += 360.0
        if lo < boundary < hi:  # rounding can put it just below lo (then lo == hi: no cut)
            t = (boundary - a[1]) / (b[1] - a[1])
            cut = (a[0] + t * (b[0] - a[0]), boundary)
            pieces += [(a, cut), (cut, b)]
        else:
            pieces.append((a, b))
    parts: list[list[LatLon]] = []
    current_turn: int | None = None
    for start, end in pieces:
        turn = math.floor(((start[1] + end[1]) / 2.0 + 180.0) / 360.0)
        if turn != current_turn:
            parts.append([_shift(start, turn)])
            current_turn = turn
        parts[-1].append(_shift(end, turn))
    return parts


def _shift(point: LatLon, turn: int) -> LatLon:
    return (point[0], min(180.0, max(-180.0, point[1] - 360.0 * turn)))


def join_paths(paths: Iterable[Sequence[LatLon]]) -> list[LatLon]:
    """The paths one after another, a shared joining point kept once."""
    joined: list[LatLon] = []
    for path in paths:
        for point in path:
            if not joined or point != joined[-1]:
                joined.append(point)
    return joined


def geojson_geometry(path: Iterable[LatLon], *, precision: int = 6) -> dict[str, Any]:
    """A GeoJSON LineString (or MultiLineString when it crosses ±180) for ``path``, with
    ``[lon, lat]`` positions rounded to ``precision`` decimals (RFC 7946 §11.2).

    >>> geojson_geometry([(0.0, 170.0), (0.0, -170.0)])["type"]
    'MultiLineString'
    """
    parts = [
        [[round(lon, precision), round(lat, precision)] for lat, lon in part]
        for part in split_antimeridian(path)
    ]
    if len(parts) == 1:
        return {"type": "LineString", "coordinates": parts[0]}
    return {"type": "MultiLineString", "coordinates": parts}


def path_length_km(path: Sequence[LatLon]) -> float:
    """The geodesic length of ``path`` in kilometres."""
    if len(path) < 2:
        return 0.0
    lats = [lat for lat, _ in path]
    lons = [lon for _, lon in path]
    return float(_geod().line_length(lons, lats)) / 1000.0


# -- ports -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Port:
    place: Place
    main: bool  # searoute marks the ports with scheduled traffic ('t' = 1)
    reach: int  # how many countries searoute lists it as sailing to


@functools.cache
def _ports() -> dict[str, tuple[_Port, ...]]:
    """searoute's ports by country, with the same ids and names as the gazetteer's."""
    from routemap.gazetteer.sources.ports import SeaPorts, searoute_ports

    by_country: dict[str, list[_Port]] = {}
    for port in searoute_ports():
        place = Place(
            f"locode:{port.code}",
            port.name,
            PlaceKind.PORT,
            port.lat,
            port.lon,
            country=port.code[:2],
            source=SeaPorts.label,
        )
        by_country.setdefault(port.code[:2], []).append(_Port(place, port.scheduled, port.reach))
    return {country: tuple(ports) for country, ports in by_country.items()}


def nearest_port(place: Place) -> Place | None:
    """The sea port a maritime leg from or to ``place`` is drawn at.

    A port is its own; a city or airport gets the nearest port of its country; a country
    its best-connected port (the one searoute lists as sailing to most countries: Callao
    for Peru, Valencia for Spain); a region or area the nearest of its country's main ports
    (those with scheduled traffic), else of any. None when the place has no country or
    the country no port.

    >>> gaz = __import__("routemap").Gazetteer.default()
    >>> nearest_port(gaz.get("iso3166:PE")).id, nearest_port(gaz.resolve("Antwerp")).id
    ('locode:PECLL', 'locode:BEANR')
    """
    if place.kind is PlaceKind.PORT:
        return place
    ports = _ports().get(place.country or "", ())
    if place.kind in _AREA_KINDS:
        ports = tuple(p for p in ports if p.main) or ports
    if not ports:
        return None
    if place.kind is PlaceKind.COUNTRY:
        best = max(ports, key=lambda p: (p.reach, -_haversine_km(place.latlon, p.place.latlon)))
    else:
        best = min(ports, key=lambda p: (_haversine_km(place.latlon, p.place.latlon), p.place.id))
    return best.place


# -- legs --------------------------------------------------------------------------------------


def _anchor_note(place: Place) -> str | None:
    if place.kind in _AREA_KINDS:
        return f"{place.name} ({place.kind.value}) anchored at its representative point"
    return None


def _sea_end(place: Place) -> tuple[LatLon, str | None]:
    port = nearest_port(place)
    if port is None:
        where = f"in {place.country}" if place.country else f"for {place.name}"
        return (
            place.latlon,
            f"{place.name}: no sea port {where}; lane from its representative point",
        )
    if port is place:
        return place.latlon, None
    return port.latlon, f"{place.name}: snapped to port {port.name} ({port.id})"


def make_leg(
    from_place: Place,
    to_place: Place,
    mode: Mode | str = Mode.UNKNOWN,
    *,
    kind: GeometryKind | str | None = None,
) -> Leg:
    """The leg from ``from_place`` to ``to_place`` by ``mode``, its path drawn as ``kind``
    (by default the mode's: see the module's table), honest about what is approximate.

    >>> gaz = __import__("routemap").Gazetteer.default()
    >>> leg = make_leg(gaz.resolve("Callao", kind="port"), gaz.resolve("Antwerp"), "maritime")
    >>> leg.geometry_kind, leg.approximate, leg.note
    (<GeometryKind.SEA_LANE: 'sea_lane'>, True, 'Antwerp: snapped to port Antwerpen (locode:BEANR)')
    """
    mode = Mode.coerce(mode)
    wanted = GeometryKind.coerce(kind) if kind is not None else DEFAULT_KIND[mode]
    if wanted is GeometryKind.SEA_LANE:
        (a, a_note), (b, b_note) = _sea_end(from_place), _sea_end(to_place)
        if a != b:
            try:
                path = sea_lane(a, b)
            except ValueError:
                pass
            else:
                notes = [n for n in (a_note, b_note) if n]
                return Leg(
                    from_place,
                    to_place,
                    mode,
                    GeometryKind.SEA_LANE,
                    path,
                    approximate=bool(notes),
                    note="; ".join(notes),
                )
        wanted = GeometryKind.GREAT_CIRCLE
    notes = [n for n in (_anchor_note(from_place), _anchor_note(to_place)) if n]
    if wanted is GeometryKind.GREAT_CIRCLE and mode is Mode.MARITIME:
        notes.append(NO_SEA_LANE)
    elif wanted is GeometryKind.GREAT_CIRCLE and mode in (Mode.RIVER, Mode.LAND):
        notes.append(f"{mode.value} leg drawn as a great circle")
    elif wanted in _KIND_NOTES:
        notes.append(_KIND_NOTES[wanted])
    return Leg(
        from_place,
        to_place,
        mode,
        wanted,
        great_circle(from_place.latlon, to_place.latlon),
        approximate=bool(notes),
        note="; ".join(notes),
    )

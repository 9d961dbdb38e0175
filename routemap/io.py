"""Read and write routes: GeoJSON, GeoPackage, GeoParquet and hand-editable YAML.

The format follows the file's suffix (:data:`FORMATS`). Every write is atomic: the file is
written beside its destination and moved into place, so an error never leaves half a
file. Reading checks everything and names the file, the line (GeoJSON and YAML) or row
(GeoPackage, GeoParquet) and what is wrong::

    routes.yaml:7: route 2, stop 2: unknown place 'Bolivai'; did you mean: Bolivia, BO …?

Leg paths are not stored as such: a route's geometry is the legs' paths joined and cut
at ±180, written for GIS tools; on reading, each leg is drawn again from its stops, mode
and geometry kind (:func:`routemap.geometry.make_leg`), which gives the same path.

The YAML form is for people. Stops are place names resolved through the gazetteer (with
``kind`` or ``country`` to narrow them), or pinned by ``id``::

    routes:
      - stops: [VRAEM, Bolivia, Brazil]
        mode: air
        commodity: cocaine
        quantity: 300 kilos
        period: 2014
        confidence: 0.8
        citations:
          - {document: seeds/003_aceaf8166e69cb16.txt, sentence: "…", start: 2400, end: 2500}

>>> import routemap.routes as r
>>> route = r.Route.build(["Callao port", "Yokohama port"], "maritime")
>>> route_to_feature(route)["geometry"]["type"]  # the Pacific crossing is cut at ±180
'MultiLineString'
"""

from __future__ import annotations

import bisect
import contextlib
import importlib.util
import json
import math
import os
import re
import secrets
import shutil
import tempfile
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import yaml

from routemap.errors import (
    InvalidPlace,
    InvalidRoute,
    MissingDependency,
    PlaceNotFound,
    RouteFileError,
)
from routemap.geometry import DEFAULT_KIND, geojson_geometry, join_paths
from routemap.places import Place
from routemap.routes import (
    Citation,
    GeometryKind,
    Mode,
    Period,
    Quantity,
    Route,
    RouteSet,
    parse_quantity,
)

if TYPE_CHECKING:
    import geopandas

    from routemap.gazetteer import Gazetteer

__all__ = [
    "FORMATS",
    "read_routes",
    "route_to_feature",
    "routes_to_geodataframe",
    "routes_to_geojson",
    "write_routes",
]

#: File suffixes and the format each means.
FORMATS: dict[str, str] = {
    ".geojson": "geojson",
    ".json": "geojson",
    ".gpkg": "gpkg",
    ".parquet": "parquet",
    ".geoparquet": "parquet",
    ".yaml": "yaml",
    ".yml": "yaml",
}

_Path = tuple[str | int, ...]
_CITATION_KEYS = ("document", "title", "date", "source", "sentence", "start", "end")
_YAML_ROUTE_KEYS = (
    "stops",
    "mode",
    "modes",
    "geometry",
    "commodity",
    "quantity",
    "period",
    "confidence",
    "citations",
)
_YAML_STOP_KEYS = ("name", "id", "kind", "country", "lat", "lon")
#: The properties of a route's Feature, in order (and the columns of GPKG and GeoParquet).
_FEATURE_KEYS = (
    "id",
    "origin",
    "transits",
    "destination",
    "mode",
    "legs",
    "commodity",
    "quantity",
    "quantity_kg",
    "period",
    "confidence",
    "citations",
)
_JSON_COLUMNS = ("origin", "transits", "destination", "legs", "citations")
_YAML_HEADER = """\
# routemap routes. Edit freely: each route lists its stops (origin, transits, destination)
# as place names, resolved offline through the gazetteer; {name: …, kind: port} or
# {name: …, country: PE} narrows a name, {id: locode:PECLL} pins a place.
# mode: air, maritime, river, land, postal or unknown (or modes: [...], one per leg).
# quantity: as written ("300 kilos", "1,5 toneladas"); period: 2014, 2007/2010, "the 1990s".
"""


class _Problem(Exception):
    """What is wrong with a file's content, and where (keys and indexes from the root)."""

    def __init__(self, message: str, at: _Path) -> None:
        super().__init__(message)
        self.message = message
        self.at = at


# -- to GeoJSON --------------------------------------------------------------------------------


def _place_ref(place: Place) -> dict[str, Any]:
    return {
        "id": place.id,
        "name": place.name,
        "kind": place.kind.value,
        "lat": place.lat,
        "lon": place.lon,
    }


def route_to_feature(route: Route) -> dict[str, Any]:
    """``route`` as an RFC 7946 Feature: its legs' paths joined, cut at ±180, and its
    fields as properties (nested places, legs and citations)."""
    quantity = route.quantity
    properties = {
        "id": route.id,
        "origin": _place_ref(route.origin),
        "transits": [_place_ref(p) for p in route.transits],
        "destination": _place_ref(route.destination),
        "mode": route.mode.value if route.mode else None,
        "legs": [
            {
                "from": leg.from_place.id,
                "to": leg.to_place.id,
                "mode": leg.mode.value,
                "geometry_kind": leg.geometry_kind.value,
            }
            for leg in route.legs
        ],
        "commodity": route.commodity,
        "quantity": quantity.text if quantity else None,
        "quantity_kg": quantity.value_kg if quantity else None,
        "period": str(route.period) if route.period else None,
        "confidence": route.confidence,
        "citations": [c.to_dict() for c in route.citations],
    }
    return {
        "type": "Feature",
        "id": route.id,
        "geometry": geojson_geometry(join_paths(leg.path for leg in route.legs)),
        "properties": properties,
    }


def routes_to_geojson(routes: RouteSet) -> dict[str, Any]:
    """An RFC 7946 FeatureCollection with one Feature per route."""
    return {"type": "FeatureCollection", "features": [route_to_feature(r) for r in routes]}


# -- to GeoDataFrame ---------------------------------------------------------------------------


def _geopandas() -> Any:
    try:
        import geopandas
    except ImportError as exc:  # pragma: no cover - a core dependency
        raise MissingDependency(
            "GeoDataFrames need geopandas: pip install geopandas (installed with routemap)"
        ) from exc
    return geopandas


def _line(path: Iterable[tuple[float, float]]) -> Any:
    from shapely.geometry import shape

    return shape(geojson_geometry(path))


def routes_to_geodataframe(
    routes: RouteSet, level: Literal["legs", "routes"] = "legs"
) -> geopandas.GeoDataFrame:
    """A GeoDataFrame in EPSG:4326: one row per leg (``level="legs"``) or per route, its
    line cut at ±180 (a MultiLineString when it crosses)."""
    geopandas = _geopandas()
    rows: list[dict[str, Any]] = []
    lines: list[Any] = []
    if level == "legs":
        for route in routes:
            for i, leg in enumerate(route.legs):
                rows.append(
                    {
                        "route_id": route.id,
                        "leg": i,
                        "from_id": leg.from_place.id,
                        "from_name": leg.from_place.name,
                        "to_id": leg.to_place.id,
                        "to_name": leg.to_place.name,
                        "mode": leg.mode.value,
                        "geometry_kind": leg.geometry_kind.value,
                        "approximate": leg.approximate,
                        "note": leg.note,
                        **_route_columns(route),
                    }
                )
                lines.append(_line(leg.path))
        columns = ["route_id", "leg", "from_id", "from_name", "to_id", "to_name", "mode"]
        columns += ["geometry_kind", "approximate", "note"]
    elif level == "routes":
        for route in routes:
            rows.append(
                {
                    "id": route.id,
                    "origin": route.origin.name,
                    "transits": "; ".join(p.name for p in route.transits),
                    "destination": route.destination.name,
                    "stop_ids": " > ".join(p.id for p in route.stops),
                    "mode": route.mode.value if route.mode else None,
                    "modes": "/".join(m.value for m in route.modes),
                    **_route_columns(route),
                }
            )
            lines.append(_line(join_paths(leg.path for leg in route.legs)))
        columns = ["id", "origin", "transits", "destination", "stop_ids", "mode", "modes"]
    else:
        raise ValueError(f"level must be 'legs' or 'routes', not {level!r}")
    columns += ["commodity", "quantity", "quantity_kg", "period", "confidence", "n_citations"]
    return geopandas.GeoDataFrame(rows, columns=columns, geometry=lines, crs="EPSG:4326")


def _route_columns(route: Route) -> dict[str, Any]:
    return {
        "commodity": route.commodity,
        "quantity": route.quantity.text if route.quantity else None,
        "quantity_kg": route.quantity.value_kg if route.quantity else None,
        "period": str(route.period) if route.period else None,
        "confidence": route.confidence,
        "n_citations": len(route.citations),
    }


# -- writing -----------------------------------------------------------------------------------


def _format(path: Path) -> str:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        known = ", ".join(FORMATS)
        raise RouteFileError(
            str(path), f"unknown routes format {path.suffix or '(no suffix)'!r}; use {known}"
        )
    return fmt


def _require_pyarrow() -> None:
    if importlib.util.find_spec("pyarrow") is None:
        raise MissingDependency(
            "GeoParquet needs pyarrow, which is not installed: pip install 'routemap[parquet]' "
            "(or pip install pyarrow)"
        )


def write_routes(routes: RouteSet | Iterable[Route], path: str | Path) -> Path:
    """Write ``routes`` to ``path`` in the format its suffix names, atomically.

    Returns the path written. GeoPackage and GeoParquet hold one row per route, nested
    fields (places, legs, citations) as JSON text.
    """
    if not isinstance(routes, RouteSet):
        routes = RouteSet(routes)
    path = Path(path)
    fmt = _format(path)
    # Never write a file read_routes would refuse: one route twice (see _repeats).
    repeat = _repeats([(route, None) for route in routes])
    if repeat is not None:
        first, again = repeat
        raise RouteFileError(
            str(path),
            "cannot write: "
            + _repeat_problem(
                routes[first],
                f"route {first + 1}",
                f"route {again + 1}",
                "merge them first (RouteSet.merge())",
            ),
        )
    if fmt == "geojson":
        _atomic(path, lambda tmp: tmp.write_text(_geojson_text(routes), encoding="utf-8"))
    elif fmt == "yaml":
        _atomic(path, lambda tmp: tmp.write_text(_yaml_text(routes), encoding="utf-8"))
    elif fmt == "gpkg":
        frame = _file_frame(routes)
        _atomic(
            path,
            lambda tmp: frame.to_file(
                tmp, driver="GPKG", layer="routes", engine="pyogrio", promote_to_multi=True
            ),
        )
    else:
        _require_pyarrow()
        frame = _file_frame(routes)
        _atomic(path, lambda tmp: frame.to_parquet(tmp))
    return path


def _atomic(path: Path, write: Callable[[Path], object]) -> None:
    """Run ``write`` on a path in a private directory beside ``path``, then move the
    result into place (``os.replace``); on any error nothing is left behind."""
    if not path.parent.is_dir():
        raise RouteFileError(str(path), f"cannot write: no directory {path.parent}")
    scratch = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
    try:
        tmp = scratch / path.name
        try:
            write(tmp)
        except OSError as exc:
            raise RouteFileError(str(path), f"cannot write: {exc}") from exc
        os.replace(tmp, path)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _geojson_text(routes: RouteSet) -> str:
    """The FeatureCollection with readable properties and one line of coordinates per
    feature (so a person can still find and edit the properties)."""
    collection = routes_to_geojson(routes)
    # Placeholders no text in the file can forge (the token is never written), swapped
    # for the compact coordinates in one pass: linear in the file, however many routes.
    token = secrets.token_hex(16)
    coordinates: list[str] = []
    for feature in collection["features"]:
        placeholder = f"@@{token}-{len(coordinates)}@@"
        coordinates.append(json.dumps(feature["geometry"]["coordinates"], separators=(",", ":")))
        feature["geometry"]["coordinates"] = placeholder
    text = json.dumps(collection, ensure_ascii=False, indent=2)
    text = re.sub(f'"@@{token}-(\\d+)@@"', lambda m: coordinates[int(m[1])], text)
    return text + "\n"


def _file_frame(routes: RouteSet) -> geopandas.GeoDataFrame:
    from shapely.geometry import shape

    geopandas = _geopandas()
    rows, lines = [], []
    for feature in routes_to_geojson(routes)["features"]:
        properties = dict(feature["properties"])
        for key in _JSON_COLUMNS:
            properties[key] = json.dumps(properties[key], ensure_ascii=False)
        rows.append(properties)
        lines.append(shape(feature["geometry"]))
    columns = list(_FEATURE_KEYS)
    return geopandas.GeoDataFrame(rows, columns=columns, geometry=lines, crs="EPSG:4326")


class _FlowMap(dict[str, Any]):
    """A mapping written on one line: ``{name: Callao, id: locode:PECLL}``."""


class _FlowList(list[Any]):
    """A list written on one line: ``[land, maritime]``."""


# libyaml's emitter where PyYAML has it (same text, several times faster), else Python's.
class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    pass


def _represent_flow(dumper: yaml.SafeDumper, data: _FlowMap) -> yaml.Node:
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=True)


def _represent_flow_list(dumper: yaml.SafeDumper, data: _FlowList) -> yaml.Node:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=True)


_Dumper.add_representer(_FlowMap, _represent_flow)
_Dumper.add_representer(_FlowList, _represent_flow_list)


def _yaml_text(routes: RouteSet) -> str:
    gazetteer = _default_gazetteer()
    document = {"routes": [_route_to_yaml(route, gazetteer) for route in routes]}
    body = yaml.dump(
        document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100, indent=2
    )
    return _YAML_HEADER + body


def _stop_to_yaml(place: Place, gazetteer: Gazetteer) -> _FlowMap:
    try:
        known = gazetteer.get(place.id) == place
    except PlaceNotFound:
        known = False
    if known:
        return _FlowMap(name=place.name, id=place.id)
    stop = _FlowMap(id=place.id, name=place.name, kind=place.kind.value)
    stop.update(lat=place.lat, lon=place.lon)
    if place.country:
        stop["country"] = place.country
    return stop


def _route_to_yaml(route: Route, gazetteer: Gazetteer) -> dict[str, Any]:
    out: dict[str, Any] = {"stops": [_stop_to_yaml(p, gazetteer) for p in route.stops]}
    if route.mode is not None:
        out["mode"] = route.mode.value
    else:
        out["modes"] = _FlowList(m.value for m in route.modes)
    kinds = [leg.geometry_kind for leg in route.legs]
    if kinds != [DEFAULT_KIND[leg.mode] for leg in route.legs]:
        out["geometry"] = (
            kinds[0].value if len(set(kinds)) == 1 else _FlowList(k.value for k in kinds)
        )
    if route.commodity is not None:
        out["commodity"] = route.commodity
    quantity = route.quantity
    if quantity is not None:
        if Quantity.coerce(quantity.text) == quantity:
            out["quantity"] = quantity.text
        else:
            out["quantity"] = _FlowMap(text=quantity.text, kg=quantity.value_kg)
    if route.period is not None:
        period = str(route.period)
        out["period"] = int(period) if period.isdigit() else period
    out["confidence"] = route.confidence
    if route.citations:
        out["citations"] = [
            {k: v for k, v in c.to_dict().items() if v is not None and v != ""}
            for c in route.citations
        ]
    return out


# -- reading -----------------------------------------------------------------------------------


def _default_gazetteer() -> Gazetteer:
    from routemap.gazetteer import Gazetteer

    return Gazetteer.default()


def read_routes(path: str | Path, *, gazetteer: Gazetteer | None = None) -> RouteSet:
    """Read routes from ``path`` (.geojson, .gpkg, .parquet or .yaml).

    Places are looked up in ``gazetteer`` (by default :meth:`Gazetteer.default`): by id
    in the GIS formats, by name or id in YAML. Every leg is drawn again from its stops,
    mode and geometry kind. Problems raise :class:`~routemap.errors.RouteFileError`
    naming the file, the line or row, and what is wrong.
    """
    path = Path(path)
    fmt = _format(path)
    gaz = gazetteer if gazetteer is not None else _default_gazetteer()
    if fmt in ("gpkg", "parquet"):
        return _read_table(path, fmt, gaz)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RouteFileError(str(path), f"not UTF-8 text: {exc.reason}") from exc
    if fmt == "geojson":
        return _read_geojson(path, text, gaz)
    return _read_yaml(path, text, gaz)


# Shared checks: each raises _Problem with where in the document the value sits.


def _number(value: object, at: _Path, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _Problem(f"{what} must be a finite number, got {value!r:.40}", at)
    if not math.isfinite(value):  # JSON's NaN and Infinity, YAML's .nan and .inf
        raise _Problem(
            f"{what} must be a finite number, got {value!r}; write the number itself (NaN "
            "and Infinity can be neither drawn nor counted)",
            at,
        )
    return float(value)


def _mapping(value: object, at: _Path, what: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise _Problem(f"{what} must be a mapping, got {type(value).__name__}", at)
    return value


def _sequence(value: object, at: _Path, what: str) -> Sequence[Any]:
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise _Problem(f"{what} must be a list, got {type(value).__name__}", at)
    return value


def _check_lat_lon(lat: object, lon: object, at: _Path, lat_key: str | int, lon_key: str | int,
                   what: str) -> None:  # fmt: skip
    if not -90 <= _number(lat, (*at, lat_key), f"{what} lat") <= 90:
        raise _Problem(
            f"{what} has lat {lat} outside ±90 (are latitude and longitude swapped?)",
            (*at, lat_key),
        )
    if not -180 <= _number(lon, (*at, lon_key), f"{what} lon") <= 180:
        raise _Problem(f"{what} has lon {lon} outside ±180", (*at, lon_key))


def _mode(value: object, at: _Path, what: str) -> Mode:
    try:
        return Mode.coerce(value)  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise _Problem(f"{what}: {exc}", at) from exc


def _kind(value: object, at: _Path, what: str) -> GeometryKind:
    try:
        return GeometryKind.coerce(value)  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise _Problem(f"{what}: {exc}", at) from exc


def _quantity(text: object, kg: object, at: _Path, what: str) -> Quantity | None:
    try:
        if text is None:
            return None if kg is None else Quantity.coerce(_number(kg, at, f"{what} kg"))
        if not isinstance(text, str):
            return Quantity.coerce(_number(text, at, what))
        if kg is None:
            return parse_quantity(text) or Quantity(text)
        return Quantity(text, _number(kg, at, f"{what} kg"))
    except InvalidRoute as exc:
        raise _Problem(f"{what}: {exc}", at) from exc


def _period(value: object, at: _Path, what: str) -> Period | None:
    if value is None:
        return None
    try:
        if isinstance(value, Mapping):
            return Period(value.get("start"), value.get("end"))  # type: ignore[arg-type]
        return Period.coerce(value)  # type: ignore[arg-type]
    except InvalidRoute as exc:
        raise _Problem(f"{what}: {exc}", at) from exc


def _confidence(value: object, at: _Path, what: str) -> float:
    if value is None:
        return 1.0
    number = _number(value, at, what)
    if not 0.0 <= number <= 1.0:
        raise _Problem(f"{what} must be in [0, 1], got {value}", at)
    return number


def _citations(value: object, at: _Path, what: str, *, strict: bool) -> list[Citation]:
    if value is None:
        return []
    citations = []
    for i, item in enumerate(_sequence(value, at, what)):
        where = (*at, i)
        fields = _mapping(item, where, f"{what} {i + 1}")
        unknown = [k for k in fields if k not in _CITATION_KEYS]
        if strict and unknown:
            raise _Problem(
                f"{what} {i + 1}: unknown field {unknown[0]!r}; use {', '.join(_CITATION_KEYS)}",
                (*where, unknown[0]),
            )
        if "document" not in fields:
            raise _Problem(f"{what} {i + 1} needs a document", where)
        try:
            citations.append(Citation(**{k: v for k, v in fields.items() if k in _CITATION_KEYS}))
        except InvalidRoute as exc:
            raise _Problem(f"{what} {i + 1}: {exc}", where) from exc
    return citations


def _build(
    places: list[Place],
    modes: list[Mode],
    kinds: list[GeometryKind | None],
    at: _Path,
    what: str,
    **fields: Any,
) -> Route:
    try:
        return Route.build(places, modes, geometry=kinds, **fields)
    except InvalidRoute as exc:
        raise _Problem(f"{what}: {exc}", at) from exc


def _repeats(located: Sequence[tuple[Route, Any]]) -> tuple[int, int] | None:
    """The indexes (first, repeat) of the first route that repeats an earlier one: the same
    stops and modes, so the same id. Ids key merging, the maps and the review loop, so a
    file listing one route twice is refused (deleting one copy would leave the other)."""
    seen: dict[str, int] = {}
    for i, (route, _) in enumerate(located):
        first = seen.setdefault(route.id, i)
        if first != i:
            return first, i
    return None


def _refuse_repeats(
    path: Path, located: Sequence[tuple[Route, _Path]], line_of: Callable[[_Path], int | None]
) -> None:
    """Raise when a route of a text file repeats an earlier one, naming both lines."""
    repeat = _repeats(located)
    if repeat is None:
        return
    (route, first_at), (_, repeat_at) = located[repeat[0]], located[repeat[1]]
    line = line_of(first_at)
    first = f"route {repeat[0] + 1}" + (f" (line {line})" if line is not None else "")
    reason = _repeat_problem(route, first, f"route {repeat[1] + 1}")
    raise RouteFileError(str(path), reason, line_of(repeat_at))


def _repeat_problem(
    route: Route,
    first: str,
    repeat: str,
    advice: str = "keep one of them, with the citations of both, or delete the other",
) -> str:
    stops = " → ".join(p.name for p in route.stops)
    modes = route.mode.value if route.mode else "/".join(m.value for m in route.modes)
    return (
        f"{repeat} repeats {first}: the same stops and modes ({stops}, {modes}; id "
        f"{route.id}); {advice}"
    )


# GeoJSON ---------------------------------------------------------------------------------------


def _read_geojson(path: Path, text: str, gaz: Gazetteer) -> RouteSet:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RouteFileError(
            str(path), f"not valid JSON: {exc.msg} (column {exc.colno})", exc.lineno
        ) from exc
    try:
        located = _routes_from_geojson(data, gaz)
    except _Problem as problem:
        line = _json_line(text, problem.at)
        raise RouteFileError(str(path), problem.message, line) from problem.__cause__
    _refuse_repeats(path, located, lambda at: _json_line(text, at))
    return RouteSet(route for route, _ in located)


def _routes_from_geojson(data: object, gaz: Gazetteer) -> list[tuple[Route, _Path]]:
    """The routes of a GeoJSON document, each with where its Feature sits."""
    root = _mapping(data, (), "a routes GeoJSON file")
    if root.get("type") == "Feature":
        return [(_route_from_feature(root, (), 0, gaz), ())]
    if root.get("type") != "FeatureCollection":
        raise _Problem(
            f"expected a GeoJSON FeatureCollection or Feature, got type {root.get('type')!r}",
            ("type",) if "type" in root else (),
        )
    features = _sequence(root.get("features"), ("features",), "features")
    return [
        (_route_from_feature(f, ("features", i), i, gaz), ("features", i))
        for i, f in enumerate(features)
    ]


def _route_from_feature(feature: object, at: _Path, index: int, gaz: Gazetteer) -> Route:
    what = f"route {index + 1}"
    fields = _mapping(feature, at, what)
    if fields.get("type") != "Feature":
        raise _Problem(f"{what}: expected a Feature, got type {fields.get('type')!r}", at)
    if fields.get("geometry") is not None:
        _check_geometry(fields["geometry"], (*at, "geometry"), what)
    properties = _mapping(fields.get("properties"), (*at, "properties"), f"{what} properties")
    return _route_from_properties(properties, (*at, "properties"), what, gaz)


def _check_geometry(geometry: object, at: _Path, what: str) -> None:
    fields = _mapping(geometry, at, f"{what} geometry")
    kind = fields.get("type")
    coordinates = fields.get("coordinates")
    if kind == "LineString":
        lines = [(coordinates, (*at, "coordinates"))]
    elif kind == "MultiLineString":
        parts = _sequence(coordinates, (*at, "coordinates"), f"{what} coordinates")
        lines = [(part, (*at, "coordinates", i)) for i, part in enumerate(parts)]
    else:
        raise _Problem(
            f"{what}: geometry must be a LineString or MultiLineString, got {kind!r}",
            (*at, "type") if "type" in fields else at,
        )
    for line, where in lines:
        for j, position in enumerate(_sequence(line, where, f"{what} coordinates")):
            point = _sequence(position, (*where, j), f"{what} position")
            if len(point) < 2:
                raise _Problem(f"{what}: a position needs [lon, lat]", (*where, j))
            _check_lat_lon(point[1], point[0], (*where, j), 1, 0, f"{what}: position {j + 1}")


def _place_from_ref(ref: object, at: _Path, what: str, gaz: Gazetteer) -> Place:
    fields = _mapping(ref, at, what)
    place_id = fields.get("id")
    if not isinstance(place_id, str) or not place_id:
        raise _Problem(f"{what} needs an id", at)
    if "lat" in fields or "lon" in fields:
        _check_lat_lon(fields.get("lat"), fields.get("lon"), at, "lat", "lon", what)
    try:
        return gaz.get(place_id)
    except PlaceNotFound:
        pass
    name, kind, lat, lon = (fields.get(k) for k in ("name", "kind", "lat", "lon"))
    try:
        return Place(place_id, name, kind, lat, lon)  # type: ignore[arg-type]
    except InvalidPlace as exc:
        raise _Problem(f"{what} {place_id!r} is not in the gazetteer and {exc}", at) from exc


def _route_from_properties(
    properties: Mapping[str, Any], at: _Path, what: str, gaz: Gazetteer
) -> Route:
    for key in ("origin", "destination"):
        if key not in properties:
            raise _Problem(f"{what} has no {key}", at)
    transits = _sequence(properties.get("transits") or [], (*at, "transits"), f"{what} transits")
    places = [_place_from_ref(properties["origin"], (*at, "origin"), f"{what} origin", gaz)]
    places += [
        _place_from_ref(t, (*at, "transits", i), f"{what} transit {i + 1}", gaz)
        for i, t in enumerate(transits)
    ]
    places.append(
        _place_from_ref(properties["destination"], (*at, "destination"), f"{what} destination", gaz)
    )
    mode = properties.get("mode")
    route_mode = None if mode is None else _mode(mode, (*at, "mode"), what)
    legs = _sequence(properties.get("legs") or [], (*at, "legs"), f"{what} legs")
    if legs:
        if len(legs) != len(places) - 1:
            raise _Problem(f"{what} has {len(places)} stops but {len(legs)} legs", (*at, "legs"))
        modes, kinds = [], []
        for i, leg in enumerate(legs):
            where = (*at, "legs", i)
            fields = _mapping(leg, where, f"{what} leg {i + 1}")
            ends = (fields.get("from"), fields.get("to"))
            if ends != (places[i].id, places[i + 1].id):
                raise _Problem(
                    f"{what} leg {i + 1} runs {ends[0]} → {ends[1]} but stops {i + 1} → "
                    f"{i + 2} are {places[i].id} → {places[i + 1].id}",
                    (*where, "from" if ends[0] != places[i].id else "to"),
                )
            modes.append(_mode(fields.get("mode", "unknown"), (*where, "mode"), f"{what} leg"))
            kind = fields.get("geometry_kind")
            kinds.append(None if kind is None else _kind(kind, (*where, "geometry_kind"), what))
    else:
        modes = [route_mode or Mode.UNKNOWN] * (len(places) - 1)
        kinds = [None] * len(modes)
    return _build(
        places,
        modes,
        kinds,
        at,
        what,
        commodity=_optional_str(properties.get("commodity"), (*at, "commodity"), what),
        quantity=_quantity(
            properties.get("quantity"), properties.get("quantity_kg"), (*at, "quantity"), what
        ),
        period=_period(properties.get("period"), (*at, "period"), f"{what} period"),
        confidence=_confidence(
            properties.get("confidence"), (*at, "confidence"), f"{what} confidence"
        ),
        citations=_citations(
            properties.get("citations"), (*at, "citations"), f"{what} citation", strict=False
        ),
    )


def _optional_str(value: object, at: _Path, what: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise _Problem(f"{what}: expected text, got {value!r:.40}", at)


class _LocatedDict(dict[str, Any]):
    line: int
    span: tuple[int, int]


class _LocatedList(list[Any]):
    line: int


def _json_line(text: str, at: _Path) -> int | None:
    """The line of the value at ``at`` in the JSON ``text`` (re-parsed, with positions)."""
    import json.decoder
    import json.scanner

    starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def line_of(offset: int) -> int:
        return bisect.bisect_right(starts, offset)

    def parse_object(s_and_end: tuple[str, int], *args: Any) -> tuple[Any, int]:
        obj, end = json.decoder.JSONObject(s_and_end, *args)  # type: ignore[attr-defined]
        located = _LocatedDict(obj)
        located.line, located.span = line_of(s_and_end[1] - 1), (s_and_end[1] - 1, end)
        return located, end

    def parse_array(s_and_end: tuple[str, int], *args: Any) -> tuple[Any, int]:
        array, end = json.decoder.JSONArray(s_and_end, *args)  # type: ignore[attr-defined]
        located = _LocatedList(array)
        located.line = line_of(s_and_end[1] - 1)
        return located, end

    decoder = json.JSONDecoder()
    setattr(decoder, "parse_object", parse_object)  # noqa: B010 - not in the stubs
    setattr(decoder, "parse_array", parse_array)  # noqa: B010
    decoder.scan_once = json.scanner.py_make_scanner(decoder)  # type: ignore[attr-defined]
    try:
        node: Any = decoder.decode(text)
    except ValueError:
        return None
    line: int | None = getattr(node, "line", None)
    for key in at:
        try:
            child = node[key]
        except (KeyError, IndexError, TypeError):
            break
        if hasattr(child, "line"):
            line = child.line
        elif isinstance(node, _LocatedDict) and isinstance(key, str):
            found = re.compile(re.escape(json.dumps(key)) + r"\s*:").search(text, *node.span)
            if found:
                line = line_of(found.start())
        node = child
    return line


# YAML ------------------------------------------------------------------------------------------


class _Loader(yaml.SafeLoader):
    """Safe YAML where only true/false are booleans: NO (Norway) and ON stay names."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def _read_yaml(path: Path, text: str, gaz: Gazetteer) -> RouteSet:
    try:
        data = yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = " ".join(p for p in (exc.context, exc.problem) if p) or "malformed"
        raise RouteFileError(
            str(path), f"not valid YAML: {problem}", mark.line + 1 if mark else None
        ) from exc
    except yaml.YAMLError as exc:
        raise RouteFileError(str(path), f"not valid YAML: {exc}") from exc
    try:
        located = _routes_from_yaml(data, gaz)
    except _Problem as problem:
        raise RouteFileError(str(path), problem.message, _yaml_line(text, problem.at)) from (
            problem.__cause__
        )
    _refuse_repeats(path, located, lambda at: _yaml_line(text, at))
    return RouteSet(route for route, _ in located)


def _routes_from_yaml(data: object, gaz: Gazetteer) -> list[tuple[Route, _Path]]:
    """The routes of a YAML document, each with where its entry sits."""
    at: _Path
    if isinstance(data, Mapping):
        if "routes" not in data:
            raise _Problem("expected a mapping with a 'routes' list", ())
        unknown = [k for k in data if k != "routes"]
        if unknown:
            raise _Problem(f"unknown top-level field {unknown[0]!r}; use 'routes'", (unknown[0],))
        routes, at = data["routes"], ("routes",)
    elif data is None:
        raise _Problem("the file is empty; expected a mapping with a 'routes' list", ())
    else:
        routes, at = data, ()
    if routes is None:
        return []
    items = _sequence(routes, at, "routes")
    return [(_route_from_yaml(item, (*at, i), i, gaz), (*at, i)) for i, item in enumerate(items)]


def _route_from_yaml(item: object, at: _Path, index: int, gaz: Gazetteer) -> Route:
    what = f"route {index + 1}"
    fields = _mapping(item, at, what)
    unknown = [k for k in fields if k not in _YAML_ROUTE_KEYS]
    if unknown:
        raise _Problem(
            f"{what}: unknown field {unknown[0]!r}; use {', '.join(_YAML_ROUTE_KEYS)}",
            (*at, unknown[0]),
        )
    if "stops" not in fields:
        raise _Problem(f"{what} has no stops", at)
    stops = _sequence(fields["stops"], (*at, "stops"), f"{what} stops")
    if len(stops) < 2:
        raise _Problem(
            f"{what} has {len(stops)} stop{'s' if len(stops) != 1 else ''}; a route needs at "
            "least two (origin and destination)",
            (*at, "stops"),
        )
    places = [
        _place_from_yaml(stop, (*at, "stops", i), f"{what}, stop {i + 1}", gaz)
        for i, stop in enumerate(stops)
    ]
    n = len(places) - 1
    if "mode" in fields and "modes" in fields:
        raise _Problem(f"{what}: give mode or modes, not both", (*at, "modes"))
    if "modes" in fields:
        values = _sequence(fields["modes"], (*at, "modes"), f"{what} modes")
        if len(values) != n:
            raise _Problem(f"{what} has {n} legs but {len(values)} modes", (*at, "modes"))
        modes = [_mode(v, (*at, "modes", i), what) for i, v in enumerate(values)]
    else:
        modes = [_mode(fields.get("mode", "unknown"), (*at, "mode"), what)] * n
    geometry = fields.get("geometry")
    kinds: list[GeometryKind | None]
    if geometry is None or isinstance(geometry, str):
        kinds = [None if geometry is None else _kind(geometry, (*at, "geometry"), what)] * n
    else:
        values = _sequence(geometry, (*at, "geometry"), f"{what} geometry")
        if len(values) != n:
            raise _Problem(f"{what} has {n} legs but {len(values)} geometries", (*at, "geometry"))
        kinds = [
            None if v is None else _kind(v, (*at, "geometry", i), what)
            for i, v in enumerate(values)
        ]
    quantity = fields.get("quantity")
    if isinstance(quantity, Mapping):
        amount = _quantity(quantity.get("text"), quantity.get("kg"), (*at, "quantity"), what)
    else:
        amount = _quantity(quantity, None, (*at, "quantity"), f"{what} quantity")
    commodity = fields.get("commodity")
    return _build(
        places,
        modes,
        kinds,
        at,
        what,
        commodity=_optional_str(
            str(commodity) if isinstance(commodity, (int, float)) else commodity,
            (*at, "commodity"),
            what,
        ),
        quantity=amount,
        period=_period(fields.get("period"), (*at, "period"), f"{what} period"),
        confidence=_confidence(fields.get("confidence"), (*at, "confidence"), f"{what} confidence"),
        citations=_citations(
            fields.get("citations"), (*at, "citations"), f"{what} citation", strict=True
        ),
    )


def _unknown_place(name: str, exc: PlaceNotFound, what: str, at: _Path) -> _Problem:
    if exc.suggestions:
        hint = "did you mean: " + ", ".join(exc.suggestions) + "?"
    else:
        hint = "check the spelling, or pin it with {id: ...} or define it with id, name, lat, lon"
    return _Problem(f"{what}: unknown place {name!r}; {hint}", at)


def _place_from_yaml(stop: object, at: _Path, what: str, gaz: Gazetteer) -> Place:
    if isinstance(stop, str):
        try:
            return gaz.resolve(stop)
        except PlaceNotFound as exc:
            raise _unknown_place(stop, exc, what, at) from exc
        except ValueError as exc:  # InvalidQuery: empty, too long …
            raise _Problem(f"{what}: {exc}", at) from exc
    if not isinstance(stop, Mapping):
        raise _Problem(
            f"{what} must be a place name or a mapping like {{name: Callao, kind: port}}, "
            f"not {stop!r:.40}",
            at,
        )
    unknown = [k for k in stop if k not in _YAML_STOP_KEYS]
    if unknown:
        raise _Problem(
            f"{what}: unknown field {unknown[0]!r}; use {', '.join(_YAML_STOP_KEYS)}",
            (*at, unknown[0]),
        )
    place_id, name = stop.get("id"), stop.get("name")
    if "lat" in stop or "lon" in stop:  # a place defined here, not looked up
        _check_lat_lon(stop.get("lat"), stop.get("lon"), at, "lat", "lon", what)
        try:
            return Place(
                place_id,  # type: ignore[arg-type]
                name,  # type: ignore[arg-type]
                stop.get("kind", "area"),
                stop["lat"],
                stop["lon"],
                country=stop.get("country"),
            )
        except InvalidPlace as exc:
            raise _Problem(f"{what}: {exc}", at) from exc
    if place_id is not None:
        try:
            return gaz.get(str(place_id))
        except PlaceNotFound as exc:
            raise _Problem(
                f"{what}: no place with id {place_id!r} in the gazetteer; give name, kind, lat "
                "and lon to define it here",
                (*at, "id"),
            ) from exc
    if not isinstance(name, str):
        raise _Problem(f"{what} needs a name or an id", at)
    try:
        return gaz.resolve(name, kind=stop.get("kind"), country=stop.get("country"))
    except PlaceNotFound as exc:
        raise _unknown_place(name, exc, what, (*at, "name")) from exc
    except ValueError as exc:  # a bad kind or country filter
        raise _Problem(f"{what}: {exc}", at) from exc


def _yaml_line(text: str, at: _Path) -> int | None:
    """The line of the node at ``at`` in the YAML ``text``, from the composed node tree."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError:
        return None
    if node is None:
        return None
    line = node.start_mark.line + 1
    for key in at:
        child = None
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if key_node.value == key:
                    child = value_node
                    # A missing value or a flow collection starts on the key's line anyway.
                    line = key_node.start_mark.line + 1
                    break
        elif (
            isinstance(node, yaml.SequenceNode)
            and isinstance(key, int)
            and 0 <= key < len(node.value)
        ):
            child = node.value[key]
        if child is None:
            break
        node = child
        line = node.start_mark.line + 1
    return line


# GeoPackage and GeoParquet ---------------------------------------------------------------------


#: What each column of a routes table holds, as :func:`write_routes` writes it.
_COLUMN_CONTENT = {
    "id": "text (the route id)",
    "origin": "text: JSON of a place {id, name, kind, lat, lon}",
    "transits": "text: a JSON list of places",
    "destination": "text: JSON of a place {id, name, kind, lat, lon}",
    "mode": "text (air, maritime, river, land, postal or unknown)",
    "legs": "text: a JSON list of legs",
    "commodity": "text",
    "quantity": "text",
    "quantity_kg": "numbers",
    "period": "text",
    "confidence": "numbers in [0, 1]",
    "citations": "text: a JSON list of citations",
}
_NUMBER_COLUMNS = ("quantity_kg", "confidence")
_HOW_TO_WRITE = "as routemap.write_routes and `routemap extract -o routes{suffix}` write it"


def _gpkg_layer(path: Path) -> str:
    """The layer to read: ``routes`` (what :func:`write_routes` writes), or the only one."""
    import pyogrio  # type: ignore[import-untyped]

    try:
        names = [str(name) for name, _ in pyogrio.list_layers(path)]
    except Exception as exc:  # pyogrio raises its own errors
        raise RouteFileError(
            str(path),
            f"cannot read as gpkg: {exc}; is it a GeoPackage (from routemap, QGIS, GDAL)?",
        ) from exc
    if "routes" in names:
        return "routes"
    if len(names) == 1:
        return names[0]
    found = f"its layers are {', '.join(repr(n) for n in names)}" if names else "it has none"
    raise RouteFileError(
        str(path),
        f"no layer named 'routes' ({found}); routemap reads the routes from the layer "
        f"'routes', {_HOW_TO_WRITE.format(suffix='.gpkg')}: rename the layer that holds them",
    )


def _check_columns(path: Path, frame: Any, table: str, suffix: str) -> None:
    """Every column :func:`write_routes` writes is there and holds the right type."""
    missing = [c for c in _FEATURE_KEYS if c not in frame.columns]
    if missing:
        has = [str(c) for c in frame.columns if c != getattr(frame, "_geometry_column_name", "")]
        raise RouteFileError(
            str(path),
            f"{table} is not a routes table: it has no column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(missing)} (its columns: {', '.join(has) or 'none but a geometry'}); "
            f"a routes table has the columns {', '.join(_FEATURE_KEYS)} and a line geometry, "
            + _HOW_TO_WRITE.format(suffix=suffix),
        )
    for column in _FEATURE_KEYS:
        series = frame[column]
        if series.isna().all():
            continue
        # numpy's kinds: integers and floats for numbers; objects (pandas' strings too),
        # bytes or str for text.
        if series.dtype.kind not in ("iuf" if column in _NUMBER_COLUMNS else "OSU"):
            raise RouteFileError(
                str(path),
                f"{table}: column {column!r} holds {series.dtype} values; it must hold "
                f"{_COLUMN_CONTENT[column]}, {_HOW_TO_WRITE.format(suffix=suffix)}",
            )


def _read_table(path: Path, fmt: str, gaz: Gazetteer) -> RouteSet:
    # GDAL and shapely warn about what is checked here (NaN coordinates, a SQLite file
    # that is no GeoPackage): the error says it once, with the row and what to do.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return _read_table_rows(path, fmt, gaz)


def _read_table_rows(path: Path, fmt: str, gaz: Gazetteer) -> RouteSet:
    geopandas = _geopandas()
    if fmt == "parquet":
        _require_pyarrow()
    if not path.exists():
        raise FileNotFoundError(path)
    suffix = ".gpkg" if fmt == "gpkg" else ".parquet"
    table = "the file"
    try:
        if fmt == "gpkg":
            layer = _gpkg_layer(path)
            table = f"layer {layer!r}"
            frame = geopandas.read_file(path, engine="pyogrio", layer=layer)
        else:
            frame = geopandas.read_parquet(path)
    except RouteFileError:
        raise
    except Exception as exc:  # pyogrio and pyarrow raise their own errors
        if fmt == "parquet" and "geo metadata" in str(exc):
            reason = (
                "a plain Parquet table, not GeoParquet (no 'geo' metadata); a routes file "
                f"is GeoParquet, {_HOW_TO_WRITE.format(suffix=suffix)}"
            )
        else:
            reason = f"cannot read as {fmt}: {exc}"
        raise RouteFileError(str(path), reason) from exc
    _check_columns(path, frame, table, suffix)
    located: list[tuple[Route, int]] = []
    for i, row in enumerate(frame.to_dict("records")):
        what = f"row {i + 1}"
        try:
            properties = {k: _cell(row[k]) for k in _FEATURE_KEYS}
            for key in _JSON_COLUMNS:
                try:
                    properties[key] = json.loads(str(properties[key] or "null"))
                except json.JSONDecodeError as exc:
                    raise _Problem(f"{what}: column {key} is not JSON: {exc}", ()) from exc
            geometry = row.get("geometry")
            if geometry is not None:
                from shapely.geometry import mapping

                _check_geometry(mapping(geometry), (), what)
            located.append((_route_from_properties(properties, (), what, gaz), i))
        except _Problem as problem:
            raise RouteFileError(str(path), problem.message) from problem.__cause__
    repeat = _repeats(located)
    if repeat is not None:
        route = located[repeat[0]][0]
        reason = _repeat_problem(route, f"row {repeat[0] + 1}", f"row {repeat[1] + 1}")
        raise RouteFileError(str(path), reason)
    return RouteSet(route for route, _ in located)


def _cell(value: object) -> object:
    """A table cell as a plain value: NaN and NA become None, numpy scalars Python ones."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    with contextlib.suppress(AttributeError, ValueError):
        return value.item()  # type: ignore[attr-defined]
    return value

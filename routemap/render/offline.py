"""Folium maps that open with no network at all.

Leaflet is read from the ``xstatic-leaflet`` package and inlined (its images as data
URIs, its attribution link reduced to text); the basemap is the Natural Earth countries
shipped in ``routemap/data``. Tiles are opt-in (``tiles="OpenStreetMap"``).
"""

from __future__ import annotations

import base64
import contextlib
import functools
import json
import math
import os
import re
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from routemap.places import Place, PlaceKind
from routemap.render.elements import PackedGeoJson, RawMarkup, single_pass
from routemap.render.markup import esc, safe_json

if TYPE_CHECKING:
    import folium
    from branca.element import Figure

__all__ = ["ATTRIBUTION", "OSM_ATTRIBUTION", "offline_map", "places_map", "save_html"]

ATTRIBUTION = (
    "Places: GeoNames (CC BY 4.0), Natural Earth, ISO 3166 (pycountry), airportsdata, "
    "Eurostat SeaRoute (searoute) · Map: Leaflet (BSD-2)"
)
#: Added to the attribution when online tiles are drawn.
OSM_ATTRIBUTION = "Tiles © OpenStreetMap contributors"

_KIND_STYLE = {
    PlaceKind.CONTINENT: "#6a3d9a",
    PlaceKind.COUNTRY: "#1f78b4",
    PlaceKind.REGION: "#33a02c",
    PlaceKind.AREA: "#e31a1c",
    PlaceKind.CITY: "#444444",
    PlaceKind.PORT: "#1b9e77",
    PlaceKind.AIRPORT: "#d95f02",
    PlaceKind.RIVER: "#0570b0",
}

_SEA_CSS = "<style>.leaflet-container{background:#cfe2f3}</style>"
_TITLE_STYLE = (
    "position:absolute;top:8px;left:50px;z-index:1000;background:rgba(255,255,255,.9);"
    "padding:4px 10px;font:600 16px sans-serif;border-radius:4px;max-width:60%"
)


@functools.cache
def _leaflet_assets() -> tuple[str, str]:
    """Leaflet's JS and CSS from the xstatic-leaflet package, images inlined."""
    data = resources.files("xstatic.pkg.leaflet").joinpath("data")
    script = data.joinpath("leaflet.js").read_text(encoding="utf-8")
    css = data.joinpath("leaflet.css").read_text(encoding="utf-8")

    def inline(match: re.Match[str]) -> str:
        png = data.joinpath("images", match.group(1)).read_bytes()
        return f"url(data:image/png;base64,{base64.b64encode(png).decode()})"

    css = re.sub(r"url\(images/([\w.-]+\.png)\)", inline, css)
    # A source-map comment makes browser devtools fetch the map file: drop it.
    script = re.sub(r"//# sourceMappingURL=\S+", "", script)
    # The attribution prefix links to leafletjs.com: keep the credit, as text.
    script = re.sub(
        r"""prefix:'<a href="https://leafletjs\.com"[^']*'\+\(.*?\)\+"Leaflet</a>\"""",
        'prefix:"Leaflet"',
        script,
        count=1,
    )
    return script, css


@functools.cache
def _countries(tolerance: float = 0.0) -> tuple[tuple[dict[str, Any], dict[str, Any]], ...]:
    """The Natural Earth countries as (properties: name and ISO code, geometry);
    simplified by ``tolerance`` degrees and rounded to match when it is not 0. Shared,
    never changed. A simplified set is kept in the cache folder, so that a process draws
    its first map without simplifying every country again (half a second)."""
    raw = resources.files("routemap").joinpath("data", "countries.geojson").read_bytes()
    if not tolerance:
        return _simplified(json.loads(raw), 0.0)
    cache = _countries_cache(raw, tolerance)
    if cache is not None:
        with contextlib.suppress(OSError, ValueError, TypeError):
            return tuple((properties, geometry) for properties, geometry in _read_json(cache))
    countries = _simplified(json.loads(raw), tolerance)
    if cache is not None:
        from routemap.gazetteer.index import _store

        text = json.dumps(countries, ensure_ascii=False, separators=(",", ":"))
        _store(cache, text.encode(), stale=f"countries-{tolerance}-*.json")
    return countries


def _read_json(path: Path) -> Any:
    return json.loads(path.read_bytes())


def _countries_cache(raw: bytes, tolerance: float) -> Path | None:
    """Where the countries simplified by ``tolerance`` are kept: named by a hash of the
    countries, this module (the simplifying code) and shapely's version."""
    import hashlib
    from importlib.metadata import version

    from routemap.gazetteer.index import _cache_dir

    digest = hashlib.sha256()
    for part in (raw, Path(__file__).read_bytes(), version("shapely").encode()):
        digest.update(hashlib.sha256(part).digest())
    try:
        folder = _cache_dir()
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return folder / f"countries-{tolerance}-{digest.hexdigest()[:16]}.json"


def _simplified(
    collection: dict[str, Any], tolerance: float
) -> tuple[tuple[dict[str, Any], dict[str, Any]], ...]:
    countries = []
    for feature in collection["features"]:
        geometry = feature["geometry"]
        if tolerance:
            import shapely
            from shapely.geometry import mapping, shape

            simple = shapely.simplify(shape(geometry), tolerance, preserve_topology=True)
            if simple.is_empty:
                continue
            digits = max(0, math.ceil(-math.log10(tolerance)))
            geometry = mapping(shapely.set_precision(simple, 10.0**-digits))
            geometry = json.loads(json.dumps(geometry))  # tuples → lists
        properties = feature["properties"]
        kept = {key: properties[key] for key in ("name", "iso_a2") if key in properties}
        countries.append((kept, geometry))
    return tuple(countries)


@functools.cache
def _basemap_geojson(tolerance: float = 0.0) -> dict[str, Any]:
    """The Natural Earth countries, names only (see :func:`_countries`): a light
    background for route maps."""
    features = [
        {
            "type": "Feature",
            "geometry": geometry,
            "properties": {"name": properties.get("name", "")},
        }
        for properties, geometry in _countries(tolerance)
    ]
    return {"type": "FeatureCollection", "features": features}


def country_shapes(tolerance: float = 0.0) -> dict[str, tuple[str, dict[str, Any]]]:
    """``{ISO alpha-2 code: (Natural Earth name, GeoJSON geometry)}`` of the countries
    that have a code (Natural Earth's few unrecognised territories have none)."""
    return {
        properties["iso_a2"]: (properties.get("name", ""), geometry)
        for properties, geometry in _countries(tolerance)
        if properties.get("iso_a2")
    }


def turns_for(lon_span: tuple[float, float]) -> tuple[int, ...]:
    """The turns of 360° of longitude a map spanning ``lon_span`` (west, east; unwrapped
    past ±180) shows the world at, nearest first: the basemap is repeated at each."""
    west, east = lon_span
    turns = range(math.floor((west + 180.0) / 360.0), math.floor((east + 180.0) / 360.0) + 1)
    return tuple(sorted(turns, key=abs))


@functools.cache
def _basemap_for(tolerance: float, turns: tuple[int, ...]) -> tuple[dict[str, Any], str]:
    """The basemap repeated once per turn of longitude, and its JSON for the page."""
    base = _basemap_geojson(tolerance)
    if turns != (0,):
        base = _shifted(base, turns)
    return base, safe_json(base)


def _shifted(collection: dict[str, Any], turns: Iterable[int]) -> dict[str, Any]:
    """``collection`` repeated once per turn of 360° of longitude (0: as it is)."""

    def shift(coords: Any, dlon: float) -> Any:
        if coords and isinstance(coords[0], (int, float)):
            return [coords[0] + dlon, *coords[1:]]
        return [shift(c, dlon) for c in coords]

    features = []
    for turn in turns:
        for feature in collection["features"]:
            geometry = feature["geometry"]
            if turn:
                geometry = {
                    "type": geometry["type"],
                    "coordinates": shift(geometry["coordinates"], 360.0 * turn),
                }
            features.append({**feature, "geometry": geometry})
    return {"type": "FeatureCollection", "features": features}


def _base_map(
    *,
    title: str | None = None,
    tiles: str | None = None,
    offline: bool = True,
    basemap_tolerance: float = 0.0,
    lon_span: tuple[float, float] = (-180.0, 180.0),
    **kwargs: Any,
) -> folium.Map:
    """The map every routemap page starts from: Leaflet inlined (``offline``) or from
    folium's CDN (Leaflet only), tiles or the Natural Earth basemap, a title."""
    import folium

    if not offline and tiles is None:
        tiles = "OpenStreetMap"
    if tiles is None:
        kwargs.setdefault("attribution_control", False)  # credited in the page instead
    fmap = folium.Map(tiles=tiles, control_scale=True, **kwargs)
    header = _figure(fmap).header
    if offline:
        fmap.default_js = []
        fmap.default_css = []
        script, css = _leaflet_assets()
        header.add_child(RawMarkup(f"<style>{css}</style>"), name="leaflet_css")
        header.add_child(RawMarkup(f"<script>{script}</script>"), name="leaflet")
    else:  # Leaflet alone: folium's jQuery, Bootstrap and Font Awesome are not needed
        fmap.default_js = [(n, u) for n, u in fmap.default_js if n == "leaflet"]
        fmap.default_css = [(n, u) for n, u in fmap.default_css if n == "leaflet_css"]
    if tiles is None:
        base, text = _basemap_for(basemap_tolerance, turns_for(lon_span))
        basemap = PackedGeoJson(
            base,
            name="Countries (Natural Earth)",
            styles=_basemap_style(None),
            control=False,
            smooth_factor=1.0,
            interactive=False,
            data_json=text,
        )
        attach(basemap, fmap)
        header.add_child(RawMarkup(_SEA_CSS), name="sea")
    if title:
        _figure(fmap).html.add_child(
            RawMarkup(f'<div id="routemap-title" style="{_TITLE_STYLE}">{esc(title)}</div>'),
            name="routemap_title",
        )
    return fmap


def _figure(fmap: Any) -> Figure:
    """The page (branca Figure) a map is drawn in."""
    from branca.element import Figure

    root = fmap.get_root()
    if not isinstance(root, Figure):
        raise TypeError("the map is not in a page (branca Figure)")
    return root


def attach(layer: Any, fmap: Any) -> Any:
    """Add ``layer`` to ``fmap`` with its ``addTo`` call made now, under a name fixed now.

    folium's Layer.render adds that call at every page render, as a new element with a
    new id, so a map rendered twice would repeat it; ``show=False`` turns that off.
    """
    from folium.elements import ElementAddToElement

    layer.add_to(fmap)
    layer.show = False
    layer.add_child(
        ElementAddToElement(layer.get_name(), fmap.get_name()), name=layer.get_name() + "_add"
    )
    return layer


def _basemap_style(_: Any) -> dict[str, Any]:
    return {"fillColor": "#f2efe9", "color": "#9a9a9a", "weight": 0.6, "fillOpacity": 1.0}


def offline_map(*, title: str | None = None, tiles: str | None = None, **kwargs: Any) -> folium.Map:
    """A folium Map with Leaflet inlined and a Natural Earth basemap; no tile server
    unless ``tiles`` names one (e.g. ``"OpenStreetMap"``), which opts into the network."""
    fmap = _base_map(title=title, tiles=tiles, **kwargs)
    credit = ATTRIBUTION + (f" · {OSM_ATTRIBUTION}" if tiles else "")
    _figure(fmap).html.add_child(
        RawMarkup(
            '<div style="position:absolute;bottom:18px;right:0;z-index:1000;'
            'background:rgba(255,255,255,.85);padding:2px 6px;font:11px sans-serif">'
            f"{esc(credit)}</div>"
        )
    )
    return fmap


def places_map(places: Iterable[Place], *, title: str | None = None) -> folium.Map:
    """An offline map of places: areas as shaded polygons, the rest as dots."""
    import folium

    places = list(places)
    fmap = offline_map(title=title)
    layer = folium.FeatureGroup(name="Places").add_to(fmap)
    for place in places:
        color = _KIND_STYLE[place.kind]
        label = esc(f"{place.name} ({place.kind.value}, {place.id})")
        if place.kind is PlaceKind.AREA and place.geometry is not None:
            folium.GeoJson(
                place.geometry.__geo_interface__,
                style_function=lambda _, c=color: {
                    "color": c,
                    "fillColor": c,
                    "weight": 1.5,
                    "fillOpacity": 0.25,
                },
                tooltip=label,
            ).add_to(layer)
        folium.CircleMarker(
            place.latlon, radius=5, color=color, fill=True, fill_opacity=0.9, tooltip=label
        ).add_to(layer)
    if places:
        lats = [p.lat for p in places]
        lons = [p.lon for p in places]
        fmap.fit_bounds([[min(lats), min(lons)], [max(lats), max(lons)]], padding=(20, 20))
    folium.LayerControl().add_to(fmap)
    return fmap


def save_html(fmap: folium.Map, path: str | os.PathLike[str]) -> Path:
    """Write the map to ``path`` atomically (a temporary file renamed into place)."""
    from routemap.files import write_atomically

    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    with single_pass():
        page = fmap.get_root().render()
    write_atomically(target, page)
    return target

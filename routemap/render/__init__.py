"""Folium maps that open with no network at all.

This first piece of the renderer draws places; route layers build on the same offline
base (:func:`offline_map`).
"""

from __future__ import annotations

import base64
import functools
import html
import os
import re
import tempfile
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from routemap.places import Place, PlaceKind

if TYPE_CHECKING:
    import folium

__all__ = ["ATTRIBUTION", "offline_map", "places_map", "save_html"]

ATTRIBUTION = (
    "Places: GeoNames (CC BY 4.0), Natural Earth, ISO 3166 (pycountry), airportsdata, "
    "Eurostat SeaRoute (searoute) · Map: Leaflet (BSD-2)"
)

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
    return script, css


@functools.cache
def _basemap_geojson() -> dict[str, Any]:
    import json

    path = resources.files("routemap").joinpath("data", "countries.geojson")
    with path.open("r", encoding="utf-8") as handle:
        collection: dict[str, Any] = json.load(handle)
    for feature in collection["features"]:
        feature["properties"] = {"name": feature["properties"].get("name", "")}
    return collection


def offline_map(*, title: str | None = None, tiles: str | None = None, **kwargs: Any) -> folium.Map:
    """A folium Map with Leaflet inlined and a Natural Earth basemap; no tile server
    unless ``tiles`` names one (e.g. ``"OpenStreetMap"``), which opts into the network."""
    import folium
    from branca.element import Element

    fmap = folium.Map(tiles=tiles, control_scale=True, **kwargs)
    fmap.default_js = []
    fmap.default_css = []
    script, css = _leaflet_assets()
    header = fmap.get_root().header  # type: ignore[attr-defined]
    header.add_child(Element(f"<style>{css}</style>"), name="leaflet_css")
    header.add_child(Element(f"<script>{script}</script>"), name="leaflet")
    if tiles is None:
        folium.GeoJson(
            _basemap_geojson(),
            name="Countries (Natural Earth)",
            style_function=lambda _: {
                "fillColor": "#f2efe9",
                "color": "#9a9a9a",
                "weight": 0.6,
                "fillOpacity": 1.0,
            },
            control=False,
            smooth_factor=1.0,
        ).add_to(fmap)
        fmap.get_root().header.add_child(  # type: ignore[attr-defined]
            Element("<style>.leaflet-container{background:#cfe2f3}</style>"), name="sea"
        )
    if title:
        fmap.get_root().html.add_child(  # type: ignore[attr-defined]
            Element(
                '<div style="position:absolute;top:8px;left:50px;z-index:1000;'
                "background:rgba(255,255,255,.9);padding:4px 10px;font:600 16px sans-serif;"
                f'border-radius:4px">{html.escape(title)}</div>'
            )
        )
    fmap.get_root().html.add_child(  # type: ignore[attr-defined]
        Element(
            '<div style="position:absolute;bottom:18px;right:0;z-index:1000;'
            'background:rgba(255,255,255,.85);padding:2px 6px;font:11px sans-serif">'
            f"{html.escape(ATTRIBUTION)}</div>"
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
        label = html.escape(f"{place.name} ({place.kind.value}, {place.id})")
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


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def save_html(fmap: folium.Map, path: str | os.PathLike[str]) -> Path:
    """Write the map to ``path`` atomically (a temporary file renamed into place)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    page = fmap.get_root().render()
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(page)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; a map is meant to be shared
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target

"""The route map: :func:`render` turns routes into a folium Map people can publish.

One GeoJson layer per mode (a FeatureCollection of that mode's legs), plus "Places" and
"Areas" (and, when asked, "Countries by role"), in a LayerControl; mode by colour and
dash pattern, width by quantity or evidence, an arrow at each leg's end rotated to its
final bearing, escaped popups with the citing sentences, a legend, a sources footer with
the caveat and attribution, an optional year-range filter. Offline by default, and
byte-identical for the same routes.

>>> from routemap.places import Place
>>> from routemap.routes import Route
>>> from routemap.geometry import make_leg
>>> lima = Place("x:lima", "Lima", "city", -12.04, -77.03, country="PE")
>>> lpb = Place("x:lpb", "La Paz", "city", -16.5, -68.15, country="BO")
>>> route = Route((lima, lpb), (make_leg(lima, lpb, "air"),), period=2014)
>>> page = render(route, title="Air bridge").get_root().render()
>>> "Air bridges" in page and 'id="routemap-title"' in page and "tile.openstreetmap" not in page
True
>>> page == render(route, title="Air bridge").get_root().render()
True
"""

from __future__ import annotations

import contextlib
import functools
import gc
import itertools
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from routemap.geometry import unwrap
from routemap.places import Place, PlaceKind
from routemap.render.elements import (
    CSS,
    PackedGeoJson,
    Panel,
    RawMarkup,
    RouteLayers,
    TimeFilter,
)
from routemap.render.ids import IdCounter, deterministic_ids
from routemap.render.markup import (
    MODE_ORDER,
    TextTable,
    citation_record,
    esc,
    footer_html,
    legend_html,
    place_record,
    route_record,
)
from routemap.render.offline import (
    ATTRIBUTION,
    OSM_ATTRIBUTION,
    _base_map,
    _figure,
    _shifted,
    attach,
    country_shapes,
    turns_for,
)
from routemap.render.style import (
    APPROX_OPACITY,
    MODE_STYLES,
    PLACE_STYLES,
    ROLE_STYLES,
    WidthBy,
    WidthScale,
    leg_style,
    role_style,
)
from routemap.routes import Citation, Mode, Route, RouteSet

if TYPE_CHECKING:
    import folium

__all__ = ["LAYER_KEYS", "render"]

#: The names ``layers=`` accepts: a mode's value, "places" and "areas".
LAYER_KEYS = (*(m.value for m in Mode), "places", "areas")

#: Paths are simplified to this many degrees (about 5 km: a route map is read at country
#: scale, and the legs are indicative) and rounded to 3 decimals.
SIMPLIFY_DEGREES = 0.05
DECIMALS = 3
#: The background countries are simplified to this many degrees.
BASEMAP_DEGREES = 0.05
_AREA_KINDS = (PlaceKind.AREA, PlaceKind.REGION, PlaceKind.RIVER)
DEFAULT_TITLE = "Routes drawn from reporting"
#: A country's roles on a route, in the order of the route.
ROLES = ("origin", "transit", "destination")


# -- inputs ------------------------------------------------------------------------------------


def _coerce_routes(routes: object) -> list[Route]:
    if isinstance(routes, Route):
        return [routes]
    if isinstance(routes, (str, os.PathLike)):
        from routemap.io import read_routes

        return list(read_routes(os.fspath(routes)))
    if isinstance(routes, (RouteSet, Iterable)):
        items = list(routes)
        for i, item in enumerate(items, 1):
            if not isinstance(item, Route):
                raise TypeError(f"item {i} of routes is a {type(item).__name__}, not a Route")
        return items
    raise TypeError(
        "routes must be a RouteSet, a Route, an iterable of Route or the path of a routes "
        f"file, not {type(routes).__name__}"
    )


def _wanted_layers(layers: Iterable[str] | None) -> set[str]:
    if layers is None:
        return set(LAYER_KEYS)
    if isinstance(layers, str):
        layers = [layers]
    labels = {s.label.lower(): m.value for m, s in MODE_STYLES.items()}
    wanted = set()
    for name in layers:
        key = str(name).strip().lower()
        key = labels.get(key, key)
        if key not in LAYER_KEYS:
            raise ValueError(f"unknown layer {name!r}; use some of: {', '.join(LAYER_KEYS)}")
        wanted.add(key)
    return wanted


# -- geometry ----------------------------------------------------------------------------------


def _draw_paths(paths: list[tuple[tuple[float, float], ...]]) -> list[list[list[float]]]:
    """Each path as GeoJSON ``[lon, lat]`` positions for Leaflet: unwrapped across ±180
    (:func:`routemap.geometry.unwrap`), simplified and rounded, all at once."""
    import shapely

    if not paths:
        return []
    counts = np.fromiter((len(p) for p in paths), dtype=np.int64, count=len(paths))
    flat = np.fromiter(
        itertools.chain.from_iterable(itertools.chain.from_iterable(paths)),
        dtype=float,
        count=2 * int(counts.sum()),
    ).reshape(-1, 2)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    jumps = np.abs(np.diff(flat[:, 1])) > 180.0
    jumps[starts[1:] - 1] = False  # a jump between two paths is no crossing
    for k in np.unique(np.searchsorted(starts, np.nonzero(jumps)[0], side="right") - 1):
        flat[starts[k] : starts[k] + counts[k]] = unwrap(paths[k])
    lines = shapely.linestrings(flat[:, ::-1], indices=np.repeat(np.arange(len(paths)), counts))
    simple = shapely.simplify(lines, SIMPLIFY_DEGREES, preserve_topology=False)
    coords, index = shapely.get_coordinates(simple, return_index=True)
    coords = np.round(coords, DECIMALS)
    bounds = np.concatenate(([0], np.cumsum(np.bincount(index, minlength=len(paths)))))
    listed = coords.tolist()
    return [listed[a:b] for a, b in itertools.pairwise(bounds.tolist())]


def _end_bearings(drawn: list[list[list[float]]]) -> list[float | None]:
    """The bearing (degrees clockwise from north) at the end of each drawn path: the
    geodesic azimuth of its last segment as it arrives (pyproj.Geod.inv)."""
    from pyproj import Geod

    if not drawn:
        return []
    last = np.array([[*p[-2], *p[-1]] if len(p) > 1 else [0.0, 0.0, 0.0, 0.0] for p in drawn])
    _, back, metres = Geod(ellps="WGS84").inv(last[:, 0], last[:, 1], last[:, 2], last[:, 3])
    bearings = np.round((np.asarray(back) + 180.0) % 360.0, 1)
    return [float(b) if m > 0 else None for b, m in zip(bearings, metres, strict=True)]


def _round_coords(coords: Any) -> Any:
    if coords and isinstance(coords[0], (int, float)):
        return [round(float(c), DECIMALS) for c in coords]
    return [_round_coords(c) for c in coords]


# -- the data of one render --------------------------------------------------------------------


@dataclass
class _Drawing:
    """What one render draws, as plain JSON-ready values."""

    legs: dict[Mode, list[dict[str, Any]]] = field(default_factory=dict)
    styles: dict[Mode, list[dict[str, Any]]] = field(default_factory=dict)
    texts: TextTable = field(default_factory=TextTable)
    routes: list[list[Any]] = field(default_factory=list)
    citations: list[list[int]] = field(default_factory=list)
    documents: list[Citation] = field(default_factory=list)
    place_records: list[list[int]] = field(default_factory=list)
    place_ids: dict[str, int] = field(default_factory=dict)
    places: list[dict[str, Any]] = field(default_factory=list)
    place_styles: list[dict[str, Any]] = field(default_factory=list)
    kinds: list[PlaceKind] = field(default_factory=list)
    areas: list[dict[str, Any]] = field(default_factory=list)
    countries: list[dict[str, Any]] = field(default_factory=list)
    country_styles: list[dict[str, Any]] = field(default_factory=list)
    country_records: list[list[int]] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    lats: list[float] = field(default_factory=list)
    lons: list[float] = field(default_factory=list)
    years: tuple[int, int] | None = None


def _collect(
    routes: list[Route], scale: WidthScale, wanted: set[str], *, country_roles: bool = False
) -> _Drawing:
    drawing = _Drawing()
    cite_index: dict[tuple[Any, ...], int] = {}
    legs: list[tuple[int, int, Route]] = []
    years: list[int] = []
    texts = drawing.texts
    for r, route in enumerate(routes):
        refs = []
        for citation in route.citations:
            key = (*citation.key, citation.title, citation.date, citation.source)
            if key not in cite_index:
                cite_index[key] = len(drawing.citations)
                drawing.citations.append(citation_record(citation, texts))
                drawing.documents.append(citation)
            refs.append(cite_index[key])
        drawing.routes.append(route_record(route, texts, refs))
        if route.period is not None:
            years += [route.period.start.year, route.period.end.year]
        legs += [(r, j, route) for j, leg in enumerate(route.legs) if leg.mode.value in wanted]
    if years:
        drawing.years = (min(years), max(years))
    drawn = _draw_paths([route.legs[j].path for _, j, route in legs])
    bearings = _end_bearings(drawn)
    styles: dict[tuple[Mode, float, bool], dict[str, Any]] = {}  # shared, never changed
    periods: dict[Any, tuple[str, str]] = {}
    for (r, j, route), coords, bearing in zip(legs, drawn, bearings, strict=True):
        leg = route.legs[j]
        props: dict[str, Any] = {"r": r}
        if bearing is not None:
            props["b"] = bearing
        if leg.approximate:
            props["a"] = 1
        if len(route.legs) > 1:
            props["i"] = j
        if route.period is not None:
            if route.period not in periods:
                periods[route.period] = (
                    route.period.start.isoformat(),
                    route.period.end.isoformat(),
                )
            props["start"], props["end"] = periods[route.period]
        features = drawing.legs.setdefault(leg.mode, [])
        features.append(
            {
                "type": "Feature",
                "id": len(features),
                "geometry": {"type": "LineString", "coordinates": coords},
                "properties": props,
            }
        )
        kg = route.quantity.value_kg if route.quantity is not None else None
        width = scale.width_of(kg, len(route.citations))
        look = (leg.mode, width, leg.approximate)
        if look not in styles:
            styles[look] = leg_style(leg.mode, width, approximate=leg.approximate)
        drawing.styles.setdefault(leg.mode, []).append(styles[look])
        drawing.lons += [coords[0][0], coords[-1][0]]
        drawing.lats += [coords[0][1], coords[-1][1]]
    drawing.legs = {m: drawing.legs[m] for m in Mode if m in drawing.legs}
    if any(mode.value in wanted for mode in Mode):  # the places the drawn legs join
        ends = [p for _, j, r in legs for p in (r.legs[j].from_place, r.legs[j].to_place)]
    else:
        ends = [p for route in routes for p in route.stops]
    stops = sorted({p.id: p for p in ends}.values(), key=lambda p: p.id)
    if "places" in wanted:
        _collect_places(drawing, stops)
    if "areas" in wanted:
        _collect_areas(drawing, [p for p in stops if p.kind in _AREA_KINDS and p.geometry])
    if country_roles:
        if any(mode.value in wanted for mode in Mode):  # the routes some drawn leg is of
            drawn_routes = [routes[r] for r in sorted({r for r, _, _ in legs})]
        else:
            drawn_routes = routes
        _collect_countries(drawing, drawn_routes)
    return drawing


def route_roles(route: Route) -> dict[str, str]:
    """``{country code: role}`` of one route: the country of its first stop is the origin,
    of its last the destination, of a stop between them a transit country unless it is
    already the origin or the destination. A route that ends in the country it starts in
    (the VRAEM to the port of Callao) makes it an origin only: such a route is the
    country's own logistics, and calling every producer a destination too would blur the
    layer. Stops with no country (a continent, a sea) have no role.

    >>> lima = Place("x:lima", "Lima", "city", -12.0, -77.0, country="PE")
    >>> cusco = Place("x:cusco", "Cusco", "city", -13.5, -72.0, country="PE")
    >>> lpb = Place("x:lpb", "La Paz", "city", -16.5, -68.2, country="BO")
    >>> santos = Place("x:santos", "Santos", "port", -24.0, -46.3, country="BR")
    >>> route_roles(Route.build((lima, cusco, lpb, santos), "air"))
    {'PE': 'origin', 'BO': 'transit', 'BR': 'destination'}
    >>> route_roles(Route.build((lima, cusco), "land"))
    {'PE': 'origin'}
    """
    stops = route.stops
    first, last = stops[0].country, stops[-1].country
    found: dict[str, str] = {}
    if first is not None:
        found[first] = "origin"
    for place in stops[1:-1]:
        if place.country is not None and place.country not in (first, last):
            found[place.country] = "transit"
    if last is not None and last != first:
        found[last] = "destination"
    return found


def _collect_countries(drawing: _Drawing, routes: list[Route]) -> None:
    """The countries the routes stop in, shaded by role (see :func:`route_roles`), each
    with its record ``[name, origin of, transit on, destination of]`` (numbers of routes).
    A country is named as a route names it (a stop that is the country), else as
    Natural Earth does; codes Natural Earth has no polygon for are left out."""
    counts: dict[str, list[int]] = {}
    names: dict[str, str] = {}
    for route in routes:
        for code, role in route_roles(route).items():
            tally = counts.setdefault(code, [0, 0, 0])
            tally[ROLES.index(role)] += 1
        for place in route.stops:
            if place.kind is PlaceKind.COUNTRY and place.country is not None:
                known = names.get(place.country)
                names[place.country] = place.name if known is None else min(known, place.name)
    shapes = country_shapes(BASEMAP_DEGREES)
    features: list[dict[str, Any]] = []
    for code in sorted(counts):
        if code not in shapes:
            continue
        tally = counts[code]
        found = [role for role, n in zip(ROLES, tally, strict=True) if n]
        role = found[0] if len(found) == 1 else "several"
        record = [drawing.texts.add(names.get(code) or shapes[code][0]), *tally]
        features.append(
            {
                "type": "Feature",
                "geometry": shapes[code][1],
                "properties": {"k": len(drawing.country_records)},
                "role": role,
            }
        )
        drawing.country_records.append(record)
    drawing.roles = [r for r in (*ROLES, "several") if any(f["role"] == r for f in features)]
    span = (min(drawing.lons, default=0.0), max(drawing.lons, default=0.0))
    turns = turns_for(span)  # the countries wherever the basemap repeats them
    for turn in turns:
        moved = _shifted({"features": features}, [turn])["features"] if turn else features
        for feature in moved:
            drawing.country_styles.append(role_style(feature["role"]))
            drawing.countries.append(
                {
                    "type": "Feature",
                    "id": len(drawing.countries),
                    "geometry": feature["geometry"],
                    "properties": feature["properties"],
                }
            )


def _place_index(drawing: _Drawing, place: Place) -> int:
    seen = drawing.place_ids
    if place.id not in seen:
        seen[place.id] = len(drawing.place_records)
        drawing.place_records.append(place_record(place, drawing.texts))
    return seen[place.id]


def _collect_places(drawing: _Drawing, places: list[Place]) -> None:
    for place in places:
        index = _place_index(drawing, place)
        drawing.places.append(
            {
                "type": "Feature",
                "id": len(drawing.places),
                "geometry": {
                    "type": "Point",
                    "coordinates": [round(place.lon, DECIMALS), round(place.lat, DECIMALS)],
                },
                "properties": {"p": index},
            }
        )
        drawing.place_styles.append(_place_style(place.kind))
        drawing.lats.append(place.lat)
        drawing.lons.append(place.lon)
    drawing.kinds = [k for k in PLACE_STYLES if any(p.kind is k for p in places)]


@functools.cache
def _place_style(kind: PlaceKind) -> dict[str, Any]:
    """The Leaflet options of a place's dot (one dict per kind, shared: never changed)."""
    style = PLACE_STYLES[kind]
    return {
        "radius": style.radius,
        "fill": True,
        "color": "#ffffff",
        "weight": 1,
        "fillColor": style.color,
        "fillOpacity": 0.95,
        "className": f"routemap-place routemap-kind-{kind.value}",
    }


def _collect_areas(drawing: _Drawing, places: list[Place]) -> None:
    for place in places:
        assert place.geometry is not None
        geometry = place.geometry.__geo_interface__
        drawing.areas.append(
            {
                "type": "Feature",
                "id": len(drawing.areas),
                "geometry": {
                    "type": geometry["type"],
                    "coordinates": _round_coords(geometry["coordinates"]),
                },
                "properties": {"p": _place_index(drawing, place)},
            }
        )
        west, south, east, north = place.geometry.bounds
        drawing.lats += [south, north]
        drawing.lons += [west, east]


# -- the map -----------------------------------------------------------------------------------


@dataclass
class _MapState:
    """What earlier renders put on a map, so that a later ``render(..., m=map)`` extends
    the legend, the footer and the time filter instead of adding second ones."""

    counter: IdCounter
    modes: list[Mode] = field(default_factory=list)
    scales: list[WidthScale] = field(default_factory=list)
    kinds: list[PlaceKind] = field(default_factory=list)
    areas: bool = False
    roles: list[str] = field(default_factory=list)
    documents: list[Citation] = field(default_factory=list)
    tiles: bool = False
    names: dict[str, int] = field(default_factory=dict)
    timed: list[Any] = field(default_factory=list)
    years: tuple[int, int] | None = None
    singletons: dict[str, Any] = field(default_factory=dict)

    def layer_name(self, label: str) -> str:
        self.names[label] = self.names.get(label, 0) + 1
        n = self.names[label]
        return label if n == 1 else f"{label} ({n})"


_STATE = "_routemap_state"


def render(
    routes: RouteSet | Route | Iterable[Route] | str | os.PathLike[str],
    *,
    m: folium.Map | None = None,
    title: str | None = None,
    offline: bool = True,
    tiles: str | None = None,
    layers: Iterable[str] | None = None,
    time: bool = True,
    width_by: WidthBy = "auto",
    country_roles: bool = False,
) -> folium.Map:
    """The map of ``routes``.

    Parameters
    ----------
    routes : RouteSet, Route, iterable of Route, or path
        A path is read with :func:`routemap.read_routes`.
    m : folium.Map, optional
        Draw onto this map instead of a new one (``offline`` and ``tiles`` then do
        nothing); a second render onto a routemap map extends its legend and footer.
    title : str, optional
        Shown at the top left (escaped); a neutral default when None.
    offline : bool
        True: one self-contained page, Leaflet inlined, no network. False: Leaflet from
        folium's CDN and OpenStreetMap tiles.
    tiles : str, optional
        A tile provider (folium or xyzservices name, e.g. ``"OpenStreetMap"``): opts into
        online tiles (and their attribution) instead of the Natural Earth basemap.
    layers : iterable of str, optional
        Which layers to draw, from :data:`LAYER_KEYS` or mode layer names; all when None.
    time : bool
        Add the year-range filter when routes carry periods.
    width_by : {"auto", "quantity", "citations", "none"}
        What line width shows; "auto" is quantity when at least half the routes carry
        one, else the number of citing sentences. The legend states the scale.
    country_roles : bool
        Add a layer "Countries by role": each country a stop of some route is in, shaded
        as an origin, a transit or a destination country, or as one with several roles
        (its popup says which, on how many routes); the legend shows the shades.

    Returns
    -------
    folium.Map
        Ids are deterministic: rendering the same routes gives the same bytes.
    """
    with _gc_paused():
        return _render(routes, m, title, offline, tiles, layers, time, width_by, country_roles)


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while a map is built: it makes hundreds of thousands
    of small containers, none of them cyclic garbage, and the collector's passes over
    them cost a third of the time. Restored (if it was on) when the block ends."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def _render(
    routes: RouteSet | Route | Iterable[Route] | str | os.PathLike[str],
    m: folium.Map | None,
    title: str | None,
    offline: bool,
    tiles: str | None,
    layers: Iterable[str] | None,
    time: bool,
    width_by: WidthBy,
    country_roles: bool = False,
) -> folium.Map:
    items = sorted(_coerce_routes(routes), key=lambda r: r.id)  # stable: ties keep order
    wanted = _wanted_layers(layers)
    scale = WidthScale.for_routes(
        [r.quantity.value_kg if r.quantity else None for r in items], width_by
    )
    drawing = _collect(items, scale, wanted, country_roles=country_roles)
    state: _MapState | None = getattr(m, _STATE, None) if m is not None else None
    counter = state.counter if state is not None else itertools.count(1)
    with deterministic_ids(counter):
        if m is None:
            from folium import JsCode

            span = (min(drawing.lons, default=0.0), max(drawing.lons, default=0.0))
            fmap = _base_map(
                title=title or DEFAULT_TITLE,
                tiles=tiles,
                offline=offline,
                basemap_tolerance=BASEMAP_DEGREES,
                lon_span=span,
                prefer_canvas=True,  # one canvas draws thousands of legs; SVG would not
                # Thin legs are clickable a few pixels either side, as SVG strokes feel.
                renderer=JsCode("L.canvas({tolerance: 4})"),
            )
        else:
            fmap = m
            if title:
                _base_title(fmap, title)
        if state is None:
            state = _MapState(counter, tiles=m is None and (tiles is not None or not offline))
            setattr(fmap, _STATE, state)
        _add_layers(fmap, state, drawing, scale, time=time)
        _finish(fmap, state)
        if drawing.lats:
            fmap.fit_bounds(
                [[min(drawing.lats), min(drawing.lons)], [max(drawing.lats), max(drawing.lons)]],
                padding_top_left=(260, 50),  # clear of the legend and the title
                padding_bottom_right=(30, 30),
            )
            if m is None:  # on our own map, fit before any layer is added: the layers
                # are then projected and drawn once, at the final zoom, with no animation
                fmap._children.move_to_end(next(reversed(fmap._children)), last=False)
    return fmap


def _base_title(fmap: folium.Map, title: str) -> None:
    from routemap.render.offline import _TITLE_STYLE

    _figure(fmap).html.add_child(
        RawMarkup(f'<div id="routemap-title" style="{_TITLE_STYLE}">{esc(title)}</div>'),
        name="routemap_title",
    )


def _add_layers(
    fmap: folium.Map, state: _MapState, drawing: _Drawing, scale: WidthScale, *, time: bool
) -> None:
    _figure(fmap).header.add_child(RawMarkup(CSS), name="routemap_css")
    others = []
    countries = []
    drawn = []  # the layers drawn above the countries, in order
    if drawing.countries:  # first: under everything else
        countries.append(
            attach(
                PackedGeoJson(
                    {"type": "FeatureCollection", "features": drawing.countries},
                    name=state.layer_name("Countries by role"),
                    styles=drawing.country_styles,
                    smooth_factor=1.0,
                ),
                fmap,
            )
        )
        state.roles = [r for r in ROLE_STYLES if r in state.roles or r in drawing.roles]
    if drawing.areas:
        areas = attach(
            PackedGeoJson(
                {"type": "FeatureCollection", "features": drawing.areas},
                name=state.layer_name("Areas"),
                styles=_area_style(None),
            ),
            fmap,
        )
        others.append(areas)
        drawn.append(areas)
        state.areas = True
    mode_layers = []
    for mode, features in drawing.legs.items():
        layer = attach(
            PackedGeoJson(
                {"type": "FeatureCollection", "features": features},
                name=state.layer_name(MODE_STYLES[mode].label),
                styles=drawing.styles[mode],
                pack="lines",
                decimals=DECIMALS,
            ),
            fmap,
        )
        mode_layers.append((mode.value, layer))
        drawn.append(layer)
        if mode not in state.modes:
            state.modes.append(mode)
    if drawing.places:
        places = attach(
            PackedGeoJson(
                {"type": "FeatureCollection", "features": drawing.places},
                name=state.layer_name("Places"),
                styles=drawing.place_styles,
                pack="points",
                decimals=DECIMALS,
            ),
            fmap,
        )
        others.append(places)
        drawn.append(places)
        state.kinds = [k for k in PLACE_STYLES if k in state.kinds or k in drawing.kinds]
    RouteLayers(
        texts=drawing.texts.texts,
        routes=drawing.routes,
        citations=drawing.citations,
        places=drawing.place_records,
        leg_layers=mode_layers,
        other_layers=others,
        modes={m.value: {"label": esc(s.label), "color": s.color} for m, s in MODE_STYLES.items()},
        mode_order=[m.value for m in MODE_ORDER],
        approx_opacity=APPROX_OPACITY,
        countries=drawing.country_records,
        country_layers=countries,
        role_names=[esc(ROLE_STYLES[r].label) for r in ROLES],
        above_countries=drawn,
    ).add_to(fmap)
    if drawing.legs and scale not in state.scales:
        state.scales.append(scale)
    if drawing.years is not None and time:
        state.timed += [layer for _, layer in mode_layers]
        first, last = drawing.years
        if state.years is not None:
            first, last = min(first, state.years[0]), max(last, state.years[1])
        state.years = (first, last)
    seen = {c.document for c in state.documents}
    state.documents += [c for c in drawing.documents if c.document not in seen]


def _area_style(_: Any) -> dict[str, Any]:
    color = PLACE_STYLES[PlaceKind.AREA].color
    return {
        "color": color,
        "fillColor": color,
        "weight": 1.5,
        "opacity": 0.8,
        "fillOpacity": 0.18,
        "className": "routemap-area",
    }


def _finish(fmap: folium.Map, state: _MapState) -> None:
    """Add (once) or update the legend, footer, time filter and layer control, and keep
    them after every layer: their scripts refer to the layers' variables."""
    import folium

    single = state.singletons
    if state.timed and state.years is not None:
        first, last = state.years
        if "time" not in single:
            single["time"] = TimeFilter(state.timed, first, last).add_to(fmap)
        single["time"].layers, single["time"].first, single["time"].last = (
            state.timed,
            first,
            last,
        )
    if "legend" not in single:
        single["legend"] = Panel("routemap-legend", "bottomleft").add_to(fmap)
    single["legend"].html = legend_html(
        state.modes, state.scales, state.kinds, state.areas, roles=state.roles
    )
    if "footer" not in single:
        single["footer"] = Panel("routemap-footer", "bottomright").add_to(fmap)
    credit = ATTRIBUTION + (f" · {OSM_ATTRIBUTION}" if state.tiles else "")
    single["footer"].html = footer_html(state.documents, credit)
    controls: list[Any] = [c for c in fmap._children.values() if isinstance(c, folium.LayerControl)]
    if not controls:
        controls = [folium.LayerControl(collapsed=False).add_to(fmap)]
    for element in [*(single[k] for k in ("time", "legend", "footer") if k in single), *controls]:
        fmap._children.move_to_end(element.get_name())

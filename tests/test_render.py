"""The route map (routemap.render): layers, styles, popups, safety, offline, determinism."""

from __future__ import annotations

import hashlib
import itertools
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import folium
import pytest
import shapely

from routemap.geometry import make_leg
from routemap.places import Place, PlaceKind
from routemap.render import (
    CAVEAT,
    MODE_STYLES,
    deterministic_ids,
    offline_map,
    places_map,
    render,
    safe_json,
    save_html,
)
from routemap.routes import Citation, Route, RouteSet

LIMA = Place("x:lima", "Lima", PlaceKind.CITY, -12.04, -77.03, country="PE")
CALLAO = Place("x:callao", "Callao", PlaceKind.PORT, -12.05, -77.12, country="PE")
LA_PAZ = Place("x:lapaz", "La Paz", PlaceKind.CITY, -16.5, -68.15, country="BO")
SANTOS = Place("x:santos", "Santos", PlaceKind.PORT, -23.95, -46.33, country="BR")
TOKYO = Place("x:tokyo", "Yokohama", PlaceKind.PORT, 35.45, 139.64, country="JP")
MADRID = Place("x:madrid", "Madrid", PlaceKind.AIRPORT, 40.47, -3.56, country="ES")
BOLIVIA = Place("x:bo", "Bolivia", PlaceKind.COUNTRY, -16.7, -64.7, country="BO")
VRAEM = Place(
    "x:vraem",
    "VRAEM",
    PlaceKind.AREA,
    -12.3,
    -73.9,
    country="PE",
    geometry=shapely.Polygon([(-74.5, -13), (-73.3, -13), (-73.3, -11.6), (-74.5, -11.6)]),
)


def cite(doc: str = "doc1", sentence: str = "Planes fly from the VRAEM.", **kw: Any) -> Citation:
    title = kw.pop("title", "A report")
    return Citation(doc, title=title, date="2014-05-01", sentence=sentence, **kw)


def route(stops: list[Place], mode: str | list[str], **kw: Any) -> Route:
    modes = [mode] * (len(stops) - 1) if isinstance(mode, str) else mode
    legs = tuple(
        make_leg(a, b, m, kind="great_circle" if m == "maritime" else None)
        for a, b, m in zip(stops[:-1], stops[1:], modes, strict=True)
    )
    kw.setdefault("citations", [cite()])
    return Route(tuple(stops), legs, **kw)


def sample() -> RouteSet:
    return RouteSet(
        [
            route([VRAEM, BOLIVIA, SANTOS], "air", quantity="300 kilos", period=2014),
            route([CALLAO, TOKYO], "maritime", quantity="1.5 tons", period="2010/2012"),
            route([LIMA, MADRID], "postal", quantity="60 kg", citations=[cite("doc2"), cite()]),
            route([LIMA, LA_PAZ], "land"),
        ]
    )


def page_of(fmap: folium.Map) -> str:
    return str(fmap.get_root().render())


def tables(page: str) -> dict[str, Any]:
    """The text and record tables the page's script builds popups from."""
    found = {}
    for name in ("S", "R", "C", "P"):
        match = re.search(rf"var {name} = (.*);\n", page)
        assert match is not None, name
        found[name] = json.loads(match.group(1))
    return found


def geojson_layers(fmap: folium.Map) -> dict[str, folium.GeoJson]:
    return {
        c.layer_name: c
        for c in fmap._children.values()
        if isinstance(c, folium.GeoJson) and c.control
    }


# -- layers, styles, arrows --------------------------------------------------------------------


def test_routemap_render_and_save_png_at_the_top_level() -> None:
    import routemap
    import routemap.render.png

    assert page_of(routemap.render(sample(), title="t")) == page_of(
        routemap.render.render(sample(), title="t")
    )
    assert routemap.save_png is routemap.render.png.save_png
    with pytest.raises(AttributeError, match="no attribute 'rendr'"):
        routemap.rendr  # noqa: B018


def test_thin_legs_are_clickable_a_few_pixels_either_side() -> None:
    assert '"renderer": L.canvas({tolerance: 4})' in page_of(render(sample()))


def test_one_geojson_layer_per_mode_with_places_and_areas() -> None:
    fmap = render(sample(), title="Sample")
    layers = geojson_layers(fmap)
    assert list(layers) == [
        "Areas",
        "Air bridges",
        "Maritime / ports",
        "Land",
        "Postal flows",
        "Places",
    ]
    air = layers["Air bridges"].data["features"]
    assert len(air) == 2 and all(f["geometry"]["type"] == "LineString" for f in air)
    assert not any(isinstance(c, folium.PolyLine) for c in fmap._children.values())
    page = page_of(fmap)
    assert "routemap-leg routemap-mode-air" in page and "routemap-arrow" in page
    assert "window.routemapLayers" in page and "L.control.layers" in page
    for element_id in ("routemap-title", "routemap-legend", "routemap-footer", "routemap-time"):
        assert element_id in page
    assert CAVEAT in page or json.dumps(CAVEAT)[1:-1] in page
    # the layer control comes after every layer it lists
    assert page.index("L.control.layers") > page.rindex("L.geoJson(")


def test_styles_by_mode_dash_and_approximate() -> None:
    dashes = {s.dash for s in MODE_STYLES.values()}
    colours = {s.color for s in MODE_STYLES.values()}
    assert len(dashes) == len(colours) == len(MODE_STYLES)
    layers = geojson_layers(render(sample()))
    air = layers["Air bridges"]
    styles = [air.style_function(f) for f in air.data["features"]]
    assert all(s["dashArray"] == "12 6" and s["color"] == "#D55E00" for s in styles)
    # VRAEM → Bolivia: a country's point, approximate: lighter and with the class
    assert styles[0]["opacity"] < 0.9 and "routemap-approximate" in styles[0]["className"]


def test_width_follows_quantity_and_is_in_the_legend() -> None:
    layers = geojson_layers(render(sample()))
    weight = {
        name: layer.style_function(layer.data["features"][0])["weight"]
        for name, layer in layers.items()
        if name not in ("Places", "Areas")
    }
    assert weight["Maritime / ports"] == 5.0  # the largest quantity (8 px), approximate (× 0.6)
    assert weight["Land"] == 1.0  # no quantity reported (1.5 px), schematic (× 0.6)
    page = page_of(render(sample()))
    assert "Width: quantity reported (kg, square-root scale)" in page
    by_citations = page_of(render(sample(), width_by="citations"))
    assert "Width: number of citing sentences" in by_citations


def test_features_carry_period_route_and_bearing_in_stable_order() -> None:
    layers = geojson_layers(render(sample()))
    air = [f["properties"] for f in layers["Air bridges"].data["features"]]
    assert air[0]["start"] == "2014-01-01" and air[0]["end"] == "2014-12-31"
    assert [p["i"] for p in air] == [0, 1]  # legs of one route, in order
    land = layers["Land"].data["features"][0]["properties"]
    assert "start" not in land and 80 < land["b"] < 120  # Lima → La Paz runs east-south-east
    reversed_set = RouteSet(list(sample())[::-1])
    assert page_of(render(reversed_set)) == page_of(render(sample()))


def test_pacific_legs_are_unwrapped() -> None:
    layers = geojson_layers(render(sample()))
    coords = layers["Maritime / ports"].data["features"][0]["geometry"]["coordinates"]
    lons = [lon for lon, _ in coords]
    assert max(abs(a - b) for a, b in itertools.pairwise(lons)) < 180
    assert lons[-1] < -180  # Yokohama reached westwards, past -180
    assert 5 < len(coords) < 200  # simplified


def test_layers_selects_and_rejects() -> None:
    fmap = render(sample(), layers=["Air bridges", "places"])
    assert list(geojson_layers(fmap)) == ["Air bridges", "Places"]
    places = geojson_layers(fmap)["Places"].data["features"]
    assert len(places) == 3  # VRAEM, Bolivia, Santos: the ends of the air legs
    with pytest.raises(ValueError, match="unknown layer 'boats'; use some of: air"):
        render(sample(), layers=["boats"])


def test_time_filter_only_with_periods() -> None:
    assert "window.routemapFilter" in page_of(render(sample()))
    assert "window.routemapFilter" not in page_of(render(sample(), time=False))
    undated = RouteSet([route([LIMA, LA_PAZ], "land")])
    assert "window.routemapFilter" not in page_of(render(undated))


def test_inputs_route_iterable_and_path(tmp_path: Path) -> None:
    one = sample()[3]
    assert page_of(render(one)) == page_of(render([one])) == page_of(render(RouteSet([one])))
    with pytest.raises(TypeError, match="item 1 of routes is a str"):
        render(["Lima"])  # type: ignore[list-item]
    path = RouteSet([route([LIMA, LA_PAZ], "land")]).write(tmp_path / "r.geojson")
    fmap = render(path, layers=["land"])
    assert list(geojson_layers(fmap)) == ["Land"]


def test_adds_onto_an_existing_map() -> None:
    base = folium.Map(tiles=None)
    fmap = render(sample()[:2], m=base)
    assert fmap is base
    render(sample()[2:], m=fmap)
    names = list(geojson_layers(fmap))
    assert names.count("Places") == 1 and "Places (2)" in names
    page = page_of(fmap)
    assert page.count('"routemap-legend"') == 1 and page.count('"routemap-footer"') == 1
    # the legend lists every mode drawn by both calls
    legend = re.search(r'"routemap-legend";\s*div.innerHTML = (".*?");\n', page)
    assert legend is not None and "Postal flows" in json.loads(legend.group(1))
    assert page.index("L.control.layers") > page.rindex("L.geoJson(")


# -- offline, attribution, determinism ---------------------------------------------------------

_REMOTE = re.compile(r"""(?:\b(?:src|href)\s*=\s*["']?|url\(\s*["']?)(?:https?:)?//""", re.I)


def test_offline_page_loads_nothing() -> None:
    page = page_of(render(sample(), title="Offline"))
    assert not _REMOTE.findall(page)
    for name in ("jquery", "bootstrap", "font-awesome", "awesome-markers", "leaflet.js"):
        assert name not in page.lower().replace("leaflet.js,", "")
    assert "tile.openstreetmap" not in page and "OpenStreetMap" not in page
    assert "GeoNames" in page and "Natural Earth" in page and "SeaRoute" in page


def test_tiles_opt_in_adds_osm_attribution() -> None:
    page = page_of(render(sample(), tiles="OpenStreetMap"))
    assert "tile.openstreetmap.org" in page
    assert "Tiles \\u00a9 OpenStreetMap contributors" in page
    online = page_of(render(sample(), offline=False))
    assert "cdn.jsdelivr.net/npm/leaflet" in online and "jquery" not in online.lower()


def test_same_routes_same_bytes_in_two_processes() -> None:
    fmap = render(sample(), title="Twice")
    page = page_of(fmap)
    assert page == page_of(render(sample(), title="Twice")) == page_of(fmap)
    script = (
        "import hashlib, sys\n"
        "sys.path.insert(0, 'tests')\n"
        "import test_render as t\n"
        "page = t.page_of(t.render(t.sample(), title='Twice'))\n"
        "print(hashlib.sha256(page.encode()).hexdigest())\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).parent.parent,
    )
    assert out.stdout.strip() == hashlib.sha256(page.encode()).hexdigest()
    assert re.search(r"[0-9a-f]{32}", page.split("L.map(")[1]) is None  # no random ids


def test_deterministic_ids_restores_random_ids() -> None:
    from branca.element import Element

    with deterministic_ids(prefix="t"):
        assert Element().get_name() == "element_t00001"
    assert len(Element()._id) == 32


def test_save_html_is_atomic_and_shared(tmp_path: Path) -> None:
    target = save_html(render(sample()), tmp_path / "maps" / "routes.html")
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in target.parent.iterdir()] == ["routes.html"]


def test_places_map_and_offline_map_still_work() -> None:
    page = page_of(places_map([LIMA, VRAEM], title="Places"))
    assert "VRAEM" in page and 'id="routemap-title"' in page and not _REMOTE.findall(page)
    assert "L.map(" in page_of(offline_map())


# -- safety ------------------------------------------------------------------------------------

PAYLOADS = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "</script><script>alert(1)</script>",
    "javascript:alert(1)",
    "' onmouseover='alert(1)",
    "line\u2028separator\u2029",
    "{{7*7}}",
    "<svg onload=alert(1)>",
    "<img src=1 onerror=confirm(8)>",
    "<body onload=alert(10)>",
    '<a href="javascript:alert(15)">click</a>',
    '<iframe src="javascript:alert(17)"></iframe>',
    "data:text/html,<script>alert(23)</script>",
    '<base href="http://127.0.0.1:9/">',
    "<style>@import 'http://127.0.0.1:9/x.css';</style>",
    '" onmouseover="alert(30)" x="',
    '\\"; alert(32); //',
    "</textarea><script>alert(33)</script>",
    "<!--",
    "]]><script>alert(35)</script>",
    "${alert(36)}",
    "&lt;script&gt;alert(37)&lt;/script&gt;",
    "%3Cscript%3Ealert(38)%3C/script%3E",
)


def hostile_routes() -> RouteSet:
    routes = []
    for i, payload in enumerate(PAYLOADS):
        origin = Place(f"x:o{i}", f"From {payload}", PlaceKind.CITY, -12.0 - i / 10, -77.0)
        area = Place(
            f"x:a{i}",
            payload,
            PlaceKind.AREA,
            -16.0,
            -68.0 + i / 10,
            geometry=shapely.box(-68.5 + i / 10, -16.5, -67.5 + i / 10, -15.5),
        )
        citation = Citation(
            payload, title=payload, source=payload, date="2014-01-01", sentence=payload
        )
        routes.append(
            route(
                [origin, area],
                "air" if i % 2 else "river",
                commodity=payload,
                quantity=f"{payload} 5 kg",
                citations=[citation],
            )
        )
    return RouteSet(routes)


def test_hostile_text_never_reaches_the_page_unescaped() -> None:
    page = page_of(render(hostile_routes(), title=PAYLOADS[2]))
    for payload in PAYLOADS:
        if re.search(r"[<>\"'&\u2028\u2029]", payload):
            assert payload not in page, payload
    assert "<script>alert" not in page and "<img src=x" not in page and "<svg onload" not in page
    assert "\u2028" not in page and "\u2029" not in page
    assert not re.search(r"""(?:src|href)\s*=\s*["']?javascript:""", page, re.I)
    texts = tables(page)["S"]
    assert "From &#123;&#123;7*7&#125;&#125;" in texts  # text, not a template ...
    assert "From 49" not in texts  # ... which branca would evaluate
    # only the real <script> blocks: one closer per opener
    assert page.count("</script>") == len(re.findall(r"<script\b", page))


def test_popups_tooltips_and_footer_are_escaped_html() -> None:
    page = page_of(render(hostile_routes()))
    found = tables(page)
    texts = found["S"]
    for text in texts:  # every text the popups and tooltips are built from
        assert not re.search(r"[<>\"'{}]", text), text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in texts
    assert "From &#x27; onmouseover=&#x27;alert(1)" in texts
    assert "line\u2028separator\u2029" in texts  # kept as text, written as JSON escapes
    assert all(isinstance(i, int) for route in found["R"] for i in route[0])
    footer = re.search(r'"routemap-footer";\s*div.innerHTML = (".*?");\n', page)
    assert footer is not None
    text = json.loads(footer.group(1))
    assert "<script" not in text and "&lt;svg onload=alert(1)&gt;" in text
    layers = geojson_layers(render(hostile_routes()))
    for name in ("Places", "Areas"):
        for feature in layers[name].data["features"]:
            assert list(feature["properties"]) == ["p"]
    # the script joins texts with constant markup only
    script = page[page.index("var S = ") : page.index("window.routemapLayers = ")]
    assert "innerHTML" not in script and "eval(" not in script


def test_safe_json_escapes_what_breaks_scripts() -> None:
    text = safe_json(["</script>", "\u2028", "'&"])
    assert "<" not in text and "\u2028" not in text and "'" not in text and "&" not in text
    assert json.loads(text) == ["</script>", "\u2028", "'&"]


# -- notebooks ---------------------------------------------------------------------------------


def test_explore_and_repr_html() -> None:
    routes = sample()
    assert isinstance(routes.explore(title="x"), folium.Map)
    assert isinstance(routes[0].explore(layers=["air"]), folium.Map)
    shown = routes[0]._repr_html_()
    assert shown.startswith("<div") and "srcdoc=" in shown and "<script>alert" not in shown


def test_repr_html_never_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    import routemap.render.core as core

    def broken(*_: Any, **__: Any) -> folium.Map:
        raise RuntimeError("<b>boom</b>")

    monkeypatch.setattr(core, "render", broken)
    shown = hostile_routes()._repr_html_()
    assert "&lt;RouteSet" in shown and "<b>boom" not in shown and "&lt;b&gt;boom" in shown


# -- the page's packed layers --------------------------------------------------------------


def unpack(packed: dict[str, Any]) -> list[dict[str, Any]]:
    """What the page's script rebuilds from a packed layer (as ``_UNPACK_JS`` does)."""
    features = []
    q = 10 ** packed["q"]
    for k in range(packed["n"]):
        if packed["k"] == "lines":
            steps = packed["g"][k]
            xs = list(itertools.accumulate(steps[0::2]))
            ys = list(itertools.accumulate(steps[1::2]))
            geometry = {
                "type": "LineString",
                "coordinates": [[x / q, y / q] for x, y in zip(xs, ys, strict=True)],
            }
        else:
            x, y = packed["g"][2 * k : 2 * k + 2]
            geometry = {"type": "Point", "coordinates": [x / q, y / q]}
        props = {}
        for key, column in packed["c"].items():
            value = (
                (None if column["i"][k] < 0 else column["t"][column["i"][k]])
                if isinstance(column, dict)
                else column[k]
            )
            if value is not None:
                props[key] = value
        features.append({"type": "Feature", "id": k, "geometry": geometry, "properties": props})
    return features


def test_packed_layers_rebuild_the_same_features_and_styles() -> None:
    fmap = render(sample())
    page = page_of(fmap)
    layers = geojson_layers(fmap)
    for name in ("Air bridges", "Maritime / ports", "Land", "Places"):
        layer = layers[name]
        match = re.search(
            rf"var {layer.get_name()} = \(function\(d, options\).*?\}}\)\((.*?)\);\n", page, re.S
        )
        assert match is not None, name
        packed = json.loads(match.group(1).rsplit(", {", 1)[0])
        assert unpack(packed) == layer.data["features"], name
        styles = [packed["S"][i] for i in packed["s"]]
        assert styles == [layer.style_function(f) for f in layer.data["features"]], name


def test_packed_layers_take_their_geometry_only_and_may_be_empty() -> None:
    from routemap.render.elements import PackedGeoJson

    point = {"type": "Feature", "id": 0, "geometry": {"type": "Point", "coordinates": [1, 2]}}
    fc = {"type": "FeatureCollection", "features": [{**point, "properties": {}}]}
    with pytest.raises(ValueError, match="feature 0 is a Point; pack='lines' takes LineStrings"):
        PackedGeoJson(fc, styles=[{}], pack="lines").packed()
    with pytest.raises(ValueError, match="2 styles for 1 features"):
        PackedGeoJson(fc, styles=[{}, {}], pack="points")
    empty = {"type": "FeatureCollection", "features": []}
    for pack in ("lines", "points"):
        packed = json.loads(PackedGeoJson(empty, styles=[], pack=pack).packed())
        assert packed["n"] == 0 and packed["g"] == [] and packed["S"] == []


def test_a_saved_page_renders_each_element_once(tmp_path: Path) -> None:
    # branca renders a macro's output a second time as a Jinja template; save_html puts
    # it in the page as it is, so braces that reach the output stay text.
    from branca.element import MacroElement
    from folium.template import Template

    from routemap.render import save_html

    class Note(MacroElement):
        _template = Template("{% macro html(this, kwargs) %}<p>{{ this.text }}</p>{% endmacro %}")

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    render_before = MacroElement.__dict__["render"]
    fmap = folium.Map(tiles=None)
    Note("{{ 7*7 }}").add_to(fmap)
    page = save_html(fmap, tmp_path / "note.html").read_text(encoding="utf-8")
    assert "<p>{{ 7*7 }}</p>" in page and "<p>49</p>" not in page
    assert MacroElement.__dict__["render"] is render_before  # restored after the page


def test_the_simplified_countries_are_kept_in_the_cache_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from routemap.render import offline

    monkeypatch.setenv("ROUTEMAP_CACHE_DIR", str(tmp_path))
    offline._countries.cache_clear()
    try:
        fresh = offline._countries(0.05)
        (kept,) = tmp_path.glob("countries-0.05-*.json")
        offline._countries.cache_clear()
        assert offline._countries(0.05) == fresh  # read back from the file
        kept.write_text('[[{"name": "Per', encoding="utf-8")  # cut short: made again
        offline._countries.cache_clear()
        assert offline._countries(0.05) == fresh
        assert [tuple(pair) for pair in json.loads(kept.read_text(encoding="utf-8"))] == list(fresh)
    finally:
        offline._countries.cache_clear()


# -- countries by role -------------------------------------------------------------------------

SEVERAL = "routemap-role-several"


def role_routes() -> RouteSet:
    """Peru → Bolivia → Brazil, and Brazil → Peru: Bolivia a transit country, Peru and
    Brazil each an origin once and a destination once."""
    return RouteSet(
        [
            route([LIMA, LA_PAZ, SANTOS], "air", period=2014),
            route([SANTOS, CALLAO], "maritime", citations=[cite("doc2")]),
        ]
    )


def country_records(page: str) -> dict[str, list[int]]:
    """{name shown: [routes it is the origin of, transit on, destination of]}, in the
    order of the page's country records (``K``)."""
    texts = tables(page)["S"]
    match = re.search(r"var K = (.*);\n", page)
    assert match is not None
    return {texts[record[0]]: record[1:] for record in json.loads(match.group(1))}


def test_countries_by_role_only_when_asked() -> None:
    page = page_of(render(role_routes()))
    assert "Countries by role" not in page and "routemap-role-" not in page
    fmap = render(role_routes(), country_roles=True)
    # one GeoJson layer, first: drawn under the legs and places
    assert list(geojson_layers(fmap)) == [
        "Countries by role",
        "Air bridges",
        "Maritime / ports",
        "Places",
    ]
    page = page_of(fmap)
    assert page.count("Countries by role") >= 2  # the layer control and the legend
    legend = re.search(r'"routemap-legend";\s*div.innerHTML = (".*?");\n', page)
    assert legend is not None
    legend_text = json.loads(legend.group(1))
    assert "Countries by role" in legend_text
    for role in ("transit", "several roles"):
        assert f"</svg> {role}</span>" in legend_text
    # only the roles the map shows: no country here is only an origin or a destination
    assert "</svg> origin</span>" not in legend_text
    assert "</svg> destination</span>" not in legend_text


def test_countries_by_role_count_the_routes_of_each_role() -> None:
    fmap = render(role_routes(), country_roles=True)
    layer = geojson_layers(fmap)["Countries by role"]
    features = layer.data["features"]
    page = page_of(fmap)
    records = country_records(page)
    assert records == {
        "Bolivia": [0, 1, 0],
        "Brazil": [1, 0, 1],
        "Peru": [1, 0, 1],
    }
    names = list(records)
    roles = {names[f["properties"]["k"]]: layer.styles[f["id"]]["className"] for f in features}
    assert roles == {
        "Bolivia": "routemap-country routemap-role-transit",
        "Brazil": f"routemap-country {SEVERAL}",
        "Peru": f"routemap-country {SEVERAL}",
    }
    # the polygons are Natural Earth's: each holds the stops made in it
    shapes = {names[f["properties"]["k"]]: shapely.geometry.shape(f["geometry"]) for f in features}
    assert shapes["Bolivia"].contains(shapely.Point(LA_PAZ.lon, LA_PAZ.lat))
    assert shapes["Brazil"].contains(shapely.Point(SANTOS.lon, SANTOS.lat + 0.5))
    assert shapes["Peru"].contains(shapely.Point(LIMA.lon, LIMA.lat))
    assert not shapes["Peru"].contains(shapely.Point(LA_PAZ.lon, LA_PAZ.lat))
    styles = {s["className"]: s for s in layer.styles}
    several = styles[f"routemap-country {SEVERAL}"]
    transit = styles["routemap-country routemap-role-transit"]
    assert several["fillColor"] != transit["fillColor"] and "dashArray" in several
    assert 0 < several["fillOpacity"] < 1  # the basemap and the lines read through
    fills = {s["fillColor"].lower() for s in layer.styles}
    assert not fills & {s.color.lower() for s in MODE_STYLES.values()}


def test_country_roles_of_a_route() -> None:
    from routemap.render.core import route_roles

    europe = Place("x:eu", "Europe", PlaceKind.CONTINENT, 50.0, 10.0)
    assert route_roles(route([LIMA, LA_PAZ, SANTOS], "air")) == {
        "PE": "origin",
        "BO": "transit",
        "BR": "destination",
    }
    # within one country: an origin only; a transit stop in an end's country is no transit
    assert route_roles(route([VRAEM, LIMA, CALLAO], "land")) == {"PE": "origin"}
    assert route_roles(route([LIMA, CALLAO, LA_PAZ], "land")) == {
        "PE": "origin",
        "BO": "destination",
    }
    # a stop with no country has no role
    assert route_roles(route([LA_PAZ, SANTOS, europe], "air")) == {"BO": "origin", "BR": "transit"}


def test_country_named_by_the_route_is_escaped() -> None:
    hostile = "</script><img src=x onerror=alert(1)>{{7*7}}`${x}"
    bolivia = Place("x:bo2", hostile, PlaceKind.COUNTRY, -16.7, -64.7, country="BO")
    routes = RouteSet([route([LIMA, bolivia, SANTOS], "air")])
    page = page_of(render(routes, title="Roles", country_roles=True))
    assert hostile not in page and "<img src=x" not in page
    assert page.count("</script>") == len(re.findall(r"<script\b", page))
    records = country_records(page)
    escaped = (
        "&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"
        "&#123;&#123;7*7&#125;&#125;&#96;$&#123;x&#125;"
    )
    assert records[escaped] == [0, 1, 0]  # named as the route names it, escaped
    assert "Peru" in records and "Brazil" in records  # the others as Natural Earth does
    script = page[page.index("var K = ") : page.index("window.routemapLayers = ")]
    assert "innerHTML" not in script and "eval(" not in script


def test_country_roles_same_bytes_in_two_processes_and_online() -> None:
    page = page_of(render(role_routes(), title="Roles", country_roles=True))
    assert page == page_of(render(role_routes(), title="Roles", country_roles=True))
    script = (
        "import hashlib, sys\n"
        "sys.path.insert(0, 'tests')\n"
        "import test_render as t\n"
        "page = t.page_of(t.render(t.role_routes(), title='Roles', country_roles=True))\n"
        "print(hashlib.sha256(page.encode()).hexdigest())\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).parent.parent,
    )
    assert out.stdout.strip() == hashlib.sha256(page.encode()).hexdigest()
    assert not _REMOTE.findall(page)
    online = render(role_routes(), tiles="OpenStreetMap", country_roles=True)
    assert "Countries by role" in geojson_layers(online)
    assert "Countries (Natural Earth)" not in page_of(online)  # tiles instead of the basemap


def test_country_roles_follow_the_basemap_across_the_pacific() -> None:
    fmap = render(RouteSet([route([CALLAO, TOKYO], "maritime")]), country_roles=True)
    features = geojson_layers(fmap)["Countries by role"].data["features"]
    # Peru and Japan, each once per copy of the world the map shows
    assert len(features) == 4 and [f["id"] for f in features] == [0, 1, 2, 3]
    leg = geojson_layers(fmap)["Maritime / ports"].data["features"][0]
    end = shapely.Point(leg["geometry"]["coordinates"][-1])
    assert abs(end.x) > 180  # unwrapped across the Pacific ...
    shapes = [shapely.geometry.shape(f["geometry"]) for f in features]
    assert min(shape.distance(end) for shape in shapes) < 0.5  # ... and Japan is there too


def test_country_roles_onto_an_existing_map_extend_the_legend() -> None:
    fmap = render(RouteSet([route([LIMA, LA_PAZ], "land")]), country_roles=True)
    render(RouteSet([route([SANTOS, MADRID], "air")]), m=fmap, country_roles=True)
    assert [n for n in geojson_layers(fmap) if n.startswith("Countries")] == [
        "Countries by role",
        "Countries by role (2)",
    ]
    page = page_of(fmap)
    legend = re.search(r'"routemap-legend";\s*div.innerHTML = (".*?");\n', page)
    assert legend is not None
    text = json.loads(legend.group(1))
    assert text.count("</svg> origin</span>") == 1 and "</svg> destination</span>" in text


def test_packed_layer_styles_per_feature_need_ids_in_order() -> None:
    from routemap.render.elements import PackedGeoJson

    square = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}
    features = [{"type": "Feature", "id": 1, "geometry": square, "properties": {}}]
    with pytest.raises(ValueError, match="id is its position"):
        PackedGeoJson({"type": "FeatureCollection", "features": features}, styles=[{}])
    with pytest.raises(ValueError, match="1 styles for 2 features"):
        PackedGeoJson(
            {"type": "FeatureCollection", "features": features * 2}, styles=[{"color": "#000"}]
        )

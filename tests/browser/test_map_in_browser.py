"""The maps, opened in headless Chromium: offline, clean, interactive.

The places map (``places_map``) is tested now; the route map of the seed articles
(``render``) is tested as soon as ``routemap.render.render`` exists (skipped until then,
a failure under CI=true).
"""

from __future__ import annotations

import json
import os
import shutil
import struct
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from routemap.render import places_map, save_html

from .browserkit import HEIGHT, ROOT, WIDTH, RecordingPage, collapse, require_render


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def assert_clean(page: RecordingPage) -> None:
    """No console error, no dialog, no XSS marker, no request leaving the page."""
    assert page.console_errors == []
    assert page.dialogs == []
    assert page.xss() == []
    assert page.leaving_requests() == []
    if page.url and page.url.startswith("file:"):
        assert [r["url"] for r in page.requests if r["url"].startswith(("http:", "https:"))] == []


def click_layer_checkbox(page: RecordingPage, finder: str) -> None:
    """Click, with the mouse, the checkbox of the layer control chosen by ``finder`` (a JS
    expression over ``inputs``, the control's checkboxes, returning one of them)."""
    if not page.evaluate("!!document.querySelector('.leaflet-control-layers-expanded')"):
        spot = page.point_on(".leaflet-control-layers-toggle")
        assert spot is not None, "the layer control is not visible"
        page.mouse("mouseMoved", *spot)
        assert page.wait_for("document.querySelector('.leaflet-control-layers-expanded')")
    marked = page.evaluate(
        "(() => { const inputs = [...document.querySelectorAll("
        "'.leaflet-control-layers input.leaflet-control-layers-selector')];"
        f" const box = ({finder}); if (!box) return false;"
        " inputs.forEach(i => i.removeAttribute('data-test-target'));"
        " box.setAttribute('data-test-target', '1'); return true; })()"
    )
    assert marked, f"no layer-control checkbox for {finder}"
    spot = page.point_on("input[data-test-target]")
    assert spot is not None, "the checkbox cannot be clicked (hidden or covered)"
    page.mouse("click", *spot)
    page.settle()


# -- the places map (places_map), testable now ----------------------------------------


@pytest.fixture(scope="module")
def seed_places(seed_routes: Any) -> list[Any]:
    places: dict[str, Any] = {}
    for route in seed_routes:
        for stop in route.stops:
            places.setdefault(stop.id, stop)
    return list(places.values())


@pytest.fixture(scope="module")
def places_html(seed_places: list[Any], tmp_path_factory: pytest.TempPathFactory) -> Path:
    fmap = places_map(seed_places, title="Places on the seed routes")
    return save_html(fmap, tmp_path_factory.mktemp("places") / "places.html")


def test_places_map_opens_offline_and_clean(
    page: RecordingPage, places_html: Path, artifacts: Path
) -> None:
    page.open(places_html)
    assert_clean(page)
    assert page.requests and page.requests[0]["url"] == places_html.as_uri()
    assert page.evaluate("document.querySelectorAll('.leaflet-overlay-pane path').length") > 0
    shot = page.screenshot(artifacts / "places-map.png")
    assert png_size(shot) == (WIDTH, HEIGHT)


def test_places_layer_toggles_from_the_layer_control(
    page: RecordingPage, places_html: Path, seed_places: list[Any]
) -> None:
    page.open(places_html)
    count = "document.querySelectorAll('.leaflet-overlay-pane path').length"
    before = page.evaluate(count)
    by_label = "inputs.find(i => i.parentElement.textContent.trim() === 'Places')"
    click_layer_checkbox(page, by_label)
    hidden = page.evaluate(count)
    assert before - hidden >= len(seed_places), "unticking Places left its markers drawn"
    click_layer_checkbox(page, by_label)
    assert page.evaluate(count) == before
    assert_clean(page)


def test_places_tooltip_names_the_place_on_hover(
    page: RecordingPage, places_html: Path, seed_places: list[Any]
) -> None:
    page.open(places_html)
    # The circle markers are the last paths drawn: one per place, in order.
    paths = page.evaluate("document.querySelectorAll('.leaflet-overlay-pane path').length")
    names = {p.name for p in seed_places}
    for index in range(paths - 1, paths - 1 - len(seed_places), -1):
        spot = page.point_on(".leaflet-overlay-pane path", index)
        if spot is None:
            continue  # covered by another marker, or outside the view
        page.mouse("mouseMoved", *spot)
        text = page.wait_for("document.querySelector('.leaflet-tooltip')?.textContent")
        assert text, "hovering a place showed no tooltip"
        assert any(name in text for name in names), text
        break
    else:
        pytest.fail("no place marker could be hovered")
    assert_clean(page)


def test_places_map_served_over_loopback_http(
    page: RecordingPage, places_html: Path, http_server: tuple[str, Path]
) -> None:
    base, folder = http_server
    shutil.copy(places_html, folder / "map.html")
    page.open(base + "map.html")
    assert_clean(page)
    fetched = {r["url"] for r in page.requests if not r["url"].startswith("data:")}
    assert fetched <= {base + "map.html", base + "favicon.ico"}


# -- the route map of the seed articles (render) --------------------------------------


def leg_counts(routes: Any) -> tuple[Counter[str], Counter[str]]:
    """Legs per mode, counted per route and per distinct (from, to, mode) hop."""
    per_route = Counter(leg.mode.value for route in routes for leg in route.legs)
    per_hop = Counter(leg.mode.value for leg in routes.network())
    return per_route, per_hop


@pytest.fixture(scope="module")
def seed_map(seed_routes: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    render = require_render()
    fmap = render(seed_routes, title="Routes in the seed articles", offline=True)
    return save_html(fmap, tmp_path_factory.mktemp("seed") / "seed-map.html")


def test_seed_map_opens_offline_and_clean(
    page: RecordingPage, seed_map: Path, artifacts: Path
) -> None:
    page.open(seed_map)
    assert_clean(page)
    for element in ("routemap-legend", "routemap-title", "routemap-footer"):
        box = page.evaluate(
            f"(() => {{ const e = document.getElementById('{element}');"
            " if (!e) return null; const r = e.getBoundingClientRect();"
            " return [r.width, r.height]; })()"
        )
        assert box is not None, f"#{element} is missing"
        assert box[0] > 0 and box[1] > 0, f"#{element} is not visible"
    shot = page.screenshot(artifacts / "seed-map.png")
    assert png_size(shot) == (WIDTH, HEIGHT)
    if os.environ.get("ROUTEMAP_REFRESH_SCREENSHOT"):  # `make screenshot`: the README's
        docs = ROOT / "docs" / "seed-map.png"
        docs.parent.mkdir(exist_ok=True)
        shutil.copyfile(shot, docs)


def test_seed_map_draws_one_path_per_leg_with_arrowheads(
    page: RecordingPage, seed_map: Path, seed_routes: Any
) -> None:
    from routemap.render import MODE_STYLES

    page.open(seed_map)
    # Legs and arrowheads are drawn on a canvas: counted through Leaflet's layers (each
    # one a renderer draws), and the canvas checked for pixels of each mode's colour.
    assert page.evaluate(
        "Object.values(window.routemapLayers).every(g => g.getLayers().every("
        "l => l._renderer instanceof L.Canvas))"
    ), "the legs are not on a canvas"
    found = page.drawn_legs()
    drawn = Counter({mode: n["legs"] for mode, n in found.items()})
    per_route, per_hop = leg_counts(seed_routes)
    # One path per leg: per route leg, or per distinct hop when shared legs are merged.
    assert drawn in (per_route, per_hop), (drawn, per_route, per_hop)
    arrows = page.evaluate(
        "Object.values(window.routemapLayers).flatMap(g => g.getLayers())"
        ".filter(l => l instanceof L.Polyline && typeof l.feature.properties.b === 'number')"
        ".length"
    )
    assert arrows >= 1, "no leg has a bearing"
    assert sum(n["others"] for n in found.values()) == arrows, "one arrowhead per leg"
    for mode in found:
        color = next(s.color for m, s in MODE_STYLES.items() if m.value == mode)
        assert page.painted(color) > 50, f"nothing painted in the {mode} colour"
    modes = page.evaluate("Object.keys(window.routemapLayers || {})")
    assert set(modes) == set(per_route), modes
    assert_clean(page)


def test_seed_map_layers_toggle_from_the_layer_control(page: RecordingPage, seed_map: Path) -> None:
    page.open(seed_map)
    modes = page.evaluate("Object.keys(window.routemapLayers)")
    for mode in modes:
        before = page.drawn_legs()
        assert before[mode]["legs"] > 0, f"no {mode} legs drawn"
        finder = (
            "inputs.find(i => i.layerId === L.stamp(window.routemapLayers["
            + json.dumps(mode)
            + "]))"
        )
        click_layer_checkbox(page, finder)
        hidden = page.drawn_legs()
        assert hidden[mode] == {"legs": 0, "others": 0}, f"unticking {mode} left its legs"
        assert {k: v for k, v in hidden.items() if k != mode} == {
            k: v for k, v in before.items() if k != mode
        }, "other layers changed"
        click_layer_checkbox(page, finder)
        assert page.drawn_legs() == before, f"ticking {mode} again"
    assert_clean(page)


def test_clicking_a_leg_shows_its_citation(
    page: RecordingPage, seed_map: Path, seed_routes: Any
) -> None:
    page.open(seed_map)
    sentences: dict[str, set[str]] = {}
    for route in seed_routes:
        for leg in route.legs:
            for citation in route.citations:
                sentences.setdefault(leg.mode.value, set()).add(collapse(citation.sentence))
    checked = 0
    for mode in page.evaluate("Object.keys(window.routemapLayers)"):
        lines = (
            f"window.routemapLayers[{json.dumps(mode)}].getLayers()"
            ".filter(l => l instanceof L.Polyline)"
        )
        n = page.evaluate(f"{lines}.length")
        spot = next(filter(None, (page.point_on_layer(f"{lines}[{i}]") for i in range(n))), None)
        if spot is None:
            continue  # every leg of this mode is covered by another
        page.evaluate(
            "document.querySelectorAll('.leaflet-popup').forEach(p => p.dataset.seen = 1)"
        )
        page.mouse("click", *spot)
        text = page.wait_for(
            "document.querySelector('.leaflet-popup:not([data-seen]) .leaflet-popup-content')"
            "?.textContent"
        )
        assert text, f"clicking a {mode} leg opened no popup"
        assert any(s in collapse(text) for s in sentences[mode]), (mode, text[:300])
        checked += 1
    assert checked, "no leg could be clicked"
    assert_clean(page)


def test_hovering_a_leg_shows_its_tooltip(page: RecordingPage, seed_map: Path) -> None:
    page.open(seed_map)
    lines = "Object.values(window.routemapLayers).flatMap(g => g.getLayers())"
    n = page.evaluate(f"{lines}.length")
    spot = next(filter(None, (page.point_on_layer(f"{lines}[{i}]") for i in range(n))), None)
    assert spot is not None, "no leg can be hovered"
    page.mouse("mouseMoved", *spot)
    text = page.wait_for("document.querySelector('.leaflet-tooltip')?.textContent")
    assert text and " → " in text, text
    assert_clean(page)


def test_seed_map_served_over_loopback_http(
    page: RecordingPage, seed_map: Path, http_server: tuple[str, Path]
) -> None:
    base, folder = http_server
    shutil.copy(seed_map, folder / "map.html")
    page.open(base + "map.html")
    assert_clean(page)


def test_year_filter_hides_legs_and_their_arrowheads(
    page: RecordingPage, seed_map: Path, seed_routes: Any
) -> None:
    page.open(seed_map)
    before = page.drawn_legs()
    years = sorted({y for r in seed_routes if r.period for y in (r.period.start.year,)})
    assert len(years) > 1, "the seed routes need periods for this test"
    year = years[0]
    expected = Counter(
        leg.mode.value
        for route in seed_routes
        if route.period is None or route.period.start.year <= year <= route.period.end.year
        for leg in route.legs
    )
    page.evaluate(f"window.routemapFilter({year}, {year})")
    page.settle()
    shown = page.drawn_legs()
    assert Counter({m: n["legs"] for m, n in shown.items() if n["legs"]}) == expected
    assert sum(n["others"] for n in shown.values()) < sum(n["others"] for n in before.values())
    page.evaluate("window.routemapFilter(-Infinity, Infinity)")
    page.settle()
    assert page.drawn_legs() == before
    assert_clean(page)


def test_route_map_on_an_svg_map_draws_svg_arrowheads(
    page: RecordingPage, seed_routes: Any, tmp_path: Path
) -> None:
    from routemap.render import offline_map

    render = require_render()
    base = offline_map(title="an SVG map of someone else's")  # no preferCanvas
    fmap = render(seed_routes, m=base)
    page.open(save_html(fmap, tmp_path / "svg.html"))
    found = page.drawn_legs()
    per_route, per_hop = leg_counts(seed_routes)
    drawn = Counter({mode: n["legs"] for mode, n in found.items()})
    assert drawn in (per_route, per_hop)
    arrows = page.evaluate("document.querySelectorAll('path.routemap-arrow').length")
    assert arrows == sum(n["others"] for n in found.values()) > 0
    shape = page.evaluate("document.querySelector('path.routemap-arrow').getAttribute('d')")
    assert shape.count("L") == 2 and shape.endswith("z"), shape  # a closed triangle
    assert_clean(page)


# -- countries by role -------------------------------------------------------------------


@pytest.fixture(scope="module")
def roles_map(seed_routes: Any, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The seed map with countries shaded by role, and the JS name of that layer."""
    import folium

    render = require_render()
    fmap = render(seed_routes, title="Roles", country_roles=True)
    layer = next(
        c
        for c in fmap._children.values()
        if isinstance(c, folium.GeoJson) and c.layer_name == "Countries by role"
    )
    return save_html(fmap, tmp_path_factory.mktemp("roles") / "roles.html"), layer.get_name()


def blended(color: str, opacity: float, under: str = "#f2efe9") -> str:
    """``color`` at ``opacity`` over ``under`` (the basemap's land), as canvas paints it."""
    top, bottom = (tuple(int(c[i : i + 2], 16) for i in (1, 3, 5)) for c in (color, under))
    mixed = (round(opacity * a + (1 - opacity) * b) for a, b in zip(top, bottom, strict=True))
    return "#" + "".join(f"{v:02x}" for v in mixed)


def test_countries_by_role_toggle_and_name_their_roles(
    page: RecordingPage, roles_map: tuple[Path, str]
) -> None:
    from routemap.render.style import ROLE_OPACITY, ROLE_STYLES

    path, name = roles_map
    page.open(path)
    assert_clean(page)
    layer = f"window[{json.dumps(name)}]"
    members = page.evaluate(f"{layer}.getLayers().length")
    assert members > 0 and page.evaluate(f"{layer}._map === null") is False
    shown = page.evaluate(
        f"{layer}.getLayers().map(l => l.options.className.split('routemap-role-')[1])"
    )
    shades = {r: blended(ROLE_STYLES[r].color, ROLE_OPACITY) for r in set(shown)}
    painted = {r: page.painted(c) for r, c in shades.items()}
    assert all(n > 50 for n in painted.values()), painted
    # on the canvas, every country is drawn before (under) every leg and arrowhead
    under = (
        f"(() => {{ const group = {layer}, r = group.getLayers()[0]._renderer, seen = [];"
        " for (let o = r._drawFirst; o; o = o.next) seen.push(o.layer);"
        " const legs = Object.values(window.routemapLayers).flatMap(g => g.getLayers())"
        " .map(l => seen.indexOf(l)).filter(i => i >= 0);"
        " const countries = seen.map((l, i) => group.hasLayer(l) ? i : -1).filter(i => i >= 0);"
        " return legs.length > 0 && Math.max(...countries) < Math.min(...legs); })()"
    )
    assert page.evaluate(under) is True
    legs = page.drawn_legs()
    by_label = "inputs.find(i => i.parentElement.textContent.trim() === 'Countries by role')"
    click_layer_checkbox(page, by_label)
    assert page.evaluate(f"!!{layer}._map") is False, "unticking left the layer on the map"
    # what is left of a shade is other things' edges (lines, borders) that come close
    after = {r: page.painted(c) for r, c in shades.items()}
    assert all(painted[r] - after[r] > max(50, 0.8 * painted[r]) for r in shades), after
    assert page.drawn_legs() == legs, "the legs changed with the countries"
    click_layer_checkbox(page, by_label)
    assert page.evaluate(f"!!{layer}._map") is True
    assert page.evaluate(under) is True, "ticked again, the countries cover the lines"
    again = {r: page.painted(c) for r, c in shades.items()}  # (edges redrawn: ± a few)
    assert all(abs(again[r] - painted[r]) <= 0.02 * painted[r] for r in shades), again
    # hovering a country says its roles and on how many routes
    spot = next(
        filter(None, (page.point_on_layer(f"{layer}.getLayers()[{i}]") for i in range(members))),
        None,
    )
    assert spot is not None, "no country can be hovered"
    page.mouse("mouseMoved", *spot)
    text = page.wait_for("document.querySelector('.leaflet-tooltip')?.textContent")
    assert text and "route" in text and any(r in text for r in ("origin", "transit", "destin"))
    assert_clean(page)

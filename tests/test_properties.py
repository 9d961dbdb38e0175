"""Property-based tests (issue #7, reliability): generated inputs must never crash the
library, and what it writes it must read back the same.

Every test is derandomized (the same cases on every run and in CI) and keeps no example
database; the total is a little over 10,000 generated cases.
"""

from __future__ import annotations

import itertools
import math
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import routemap
from routemap.geometry import _split_unwrapped, split_antimeridian, unwrap
from routemap.normalize import fold_for_scan, normalize_name, scan_key


def _settings(n: int) -> settings:
    return settings(
        max_examples=n,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )


# -- strategies ------------------------------------------------------------------------------

PLACE_NAMES = [
    "Peru",
    "Perú",
    "Lima",
    "Callao",
    "puerto del Callao",
    "VRAEM",
    "Bolivia",
    "Brasil",
    "Brazil",
    "EE.UU.",
    "Estados Unidos",
    "Amberes",
    "Antwerp",
    "Rotterdam",
    "Cusco",
    "Iquitos",
    "La Paz",
    "Santa Cruz",
    "Colombia",
    "Ecuador",
    "Chile",
    "Juliaca",
    "Pisco",
    "San Francisco",
    "Apurímac",
    "Ene",
    "Mantaro",
    "Côte d'Ivoire",
    "Tokyo",
    "Sydney",
]
WORDS = [
    "from",
    "to",
    "via",
    "desde",
    "hacia",
    "con destino a",
    "bound for",
    "through",
    "cocaine",
    "cocaína",
    "300 kilos",
    "2 toneladas",
    "air bridge",
    "narcoavioneta",
    "contenedor",
    "parcels",
    "the port of",
    "in the 1990s",
    "en 2019",
    "río",
    "camión",
]
ODD = [
    " ",
    "\n",
    "\r\n",
    "\t",
    ".",
    ",",
    ";",
    ":",
    "!",
    "?",
    "—",
    "«",
    "»",
    '"',
    "'",
    "(",
    ")",
    "\x00",
    "\x07",
    "\x1b",
    "\x7f",
    "\u200f",
    "\u200e",
    "\u202e",
    "\u2066",
    "\ufeff",
    "\u00a0",
    "\u2028",
    "😀",
    "🇵🇪",
    "👩‍👩‍👧",
    "\U0001f4a3",
    "İ",
    "ß",
    "ﬁ",
    "Å",
    "ǅ",
    "\u0301",
    "ا",
    "עברית",
    "日本",
    "\ud7ff",
    "\U0010ffff",
]

_any_char = st.characters(blacklist_categories=("Cs",))
fragment = st.one_of(
    st.sampled_from(PLACE_NAMES),
    st.sampled_from(WORDS),
    st.sampled_from(ODD),
    st.text(alphabet=_any_char, max_size=12),
)
article = st.lists(fragment, max_size=40).map(lambda parts: "".join(parts)[:300])
names = st.one_of(
    st.sampled_from(PLACE_NAMES),
    st.text(alphabet=_any_char, max_size=40),
    st.lists(st.one_of(st.sampled_from(PLACE_NAMES), st.sampled_from(ODD)), max_size=6).map(
        "".join
    ),
)

finite_lat = st.floats(min_value=-90, max_value=90, allow_nan=False, allow_infinity=False)
finite_lon = st.floats(min_value=-180, max_value=180, allow_nan=False, allow_infinity=False)
bad_lat = st.one_of(
    st.just(math.nan),
    st.just(math.inf),
    st.just(-math.inf),
    st.floats(min_value=90, exclude_min=True, allow_nan=False, allow_infinity=False),
    st.floats(max_value=-90, exclude_max=True, allow_nan=False, allow_infinity=False),
)
bad_lon = st.one_of(
    st.just(math.nan),
    st.just(math.inf),
    st.just(-math.inf),
    st.floats(min_value=180, exclude_min=True, allow_nan=False, allow_infinity=False),
    st.floats(max_value=-180, exclude_max=True, allow_nan=False, allow_infinity=False),
)


# -- name normalisation (3 x 1000) --------------------------------------------------------------


@_settings(1000)
@given(names)
def test_normalize_name_is_idempotent(name: str) -> None:
    once = normalize_name(name)
    assert normalize_name(once) == once
    assert once == once.strip() and "  " not in once


@_settings(1000)
@given(names)
def test_fold_for_scan_keeps_length(name: str) -> None:
    assert len(fold_for_scan(name)) == len(name)


@_settings(1000)
@given(names)
def test_scan_key_is_idempotent(name: str) -> None:
    key = scan_key(name)
    assert scan_key(key) == key


# -- Place construction (2 x 800) --------------------------------------------------------------


@_settings(800)
@given(finite_lat, finite_lon, st.sampled_from(list(routemap.PlaceKind)))
def test_place_accepts_every_valid_coordinate(lat: float, lon: float, kind) -> None:
    place = routemap.Place("test:1", "Somewhere", kind, lat, lon)
    assert (place.lat, place.lon) == (lat, lon)


@_settings(800)
@given(
    st.one_of(
        st.tuples(bad_lat, st.one_of(finite_lon, bad_lon)),
        st.tuples(finite_lat, bad_lon),
    )
)
def test_place_rejects_impossible_coordinates(latlon: tuple[float, float]) -> None:
    with pytest.raises(routemap.InvalidPlace):
        routemap.Place("test:1", "Somewhere", "city", *latlon)


# -- quantities and periods (2 x 1200) ---------------------------------------------------------

quantity_text = st.one_of(
    st.text(alphabet=_any_char, max_size=60),
    st.lists(
        st.one_of(
            st.sampled_from(
                [
                    "1,091",
                    "1.5",
                    "12 500",
                    "0",
                    "000",
                    "1,5",
                    "9" * 30,
                    "1e308",
                    "2 mil",
                    "media",
                    "dos",
                    "-3",
                    ".",
                    ",",
                    "1.091,5",
                    "1,091.5",
                    "1,,2",
                    "1..2",
                ]
            ),
            st.sampled_from(
                [
                    " kilos",
                    " kg",
                    "kg",
                    " toneladas",
                    " tons",
                    "t",
                    " metric tons",
                    " grams",
                    " pounds",
                    " libras",
                    " mil",
                    " millones",
                    " tonelada",
                    " de cocaína",
                    " ",
                ]
            ),
            st.integers(0, 10**400).map(str),
        ),
        max_size=6,
    ).map("".join),
)


@_settings(1200)
@given(quantity_text)
def test_parse_quantity_never_raises(text: str) -> None:
    quantity = routemap.parse_quantity(text)
    if quantity is not None:
        assert quantity.text.strip()
        if quantity.value_kg is not None:
            assert quantity.value_kg >= 0 and math.isfinite(quantity.value_kg)


def test_parse_quantity_too_large_for_a_float_has_no_mass() -> None:
    # Regression: a 300-digit figure overflowed to inf and Quantity() raised InvalidRoute.
    quantity = routemap.parse_quantity("9" * 320 + " kilos")
    assert quantity is not None and quantity.value_kg is None


period_text = st.one_of(
    st.text(alphabet=_any_char, max_size=60),
    st.lists(
        st.one_of(
            st.sampled_from(
                [
                    "in the ",
                    "en los años ",
                    "between ",
                    " and ",
                    "entre ",
                    " y ",
                    "the ",
                    "'",
                    "s",
                    "noventa",
                    "nineties",
                    "19 JUL ",
                    "31 de febrero de ",
                    "/",
                    "-",
                    " de ",
                ]
            ),
            st.integers(0, 99999).map(str),
        ),
        max_size=6,
    ).map("".join),
)


@_settings(1200)
@given(period_text)
def test_parse_period_never_raises(text: str) -> None:
    period = routemap.parse_period(text)
    if period is not None:
        assert period.start <= period.end


# -- geoparsing and route extraction on arbitrary text (1200 + 500) ----------------------------


@_settings(1200)
@given(article)
def test_geoparse_never_raises_and_offsets_hold(text: str) -> None:
    for mention in routemap.geoparse(text):
        assert 0 <= mention.start < mention.end <= len(text)
        assert text[mention.start : mention.end] == mention.text


@_settings(500)
@given(article)
def test_extract_routes_never_raises(text: str) -> None:
    routes = routemap.extract_routes(text)
    for route in routes:
        assert len(route.stops) >= 2
        assert len(route.legs) == len(route.stops) - 1


# -- GeoJSON and YAML round trips (2 x 120) ----------------------------------------------------

IDS = [
    "iso3166:PE",
    "locode:PECLL",
    "routemap:vraem",
    "geonames:3936456",
    "iso3166:BO",
    "iso3166:BR",
    "locode:BEANR",
    "icao:SPJC",
    "iso3166:CO",
    "iso3166:EC",
    "iso3166:CL",
    "iso3166:US",
    "iso3166:MX",
    "iso3166:NL",
    "iso3166:ES",
    "iso3166:PY",
    "iso3166:AR",
    "iso3166:JP",
    "iso3166:AU",
    "iso3166-2:BO-L",
]
MODES = ["air", "land", "postal", "unknown"]

route_spec = st.tuples(
    st.lists(st.sampled_from(IDS), min_size=2, max_size=4).filter(
        lambda ids: all(a != b for a, b in itertools.pairwise(ids))
    ),
    st.one_of(st.sampled_from(MODES), st.lists(st.sampled_from(MODES), min_size=3, max_size=3)),
    st.one_of(st.none(), st.sampled_from(["cocaine", "cocaína", "coca paste", "marijuana"])),
    st.one_of(
        st.none(),
        st.sampled_from(["300 kilos", "1,5 toneladas", "2 tons", "a large shipment", "4t"]),
        st.floats(min_value=0, max_value=1e6, allow_nan=False).map(lambda x: round(x, 3)),
    ),
)


def _build(gaz, spec) -> routemap.Route:
    ids, mode, commodity, quantity = spec
    if isinstance(mode, list):
        mode = mode[: len(ids) - 1]
    return routemap.Route.build(
        [gaz.get(i) for i in ids], mode, commodity=commodity, quantity=quantity
    )


def _summary(routes) -> list[tuple]:
    return [
        (
            r.id,
            tuple(p.id for p in r.stops),
            tuple(m.value for m in r.modes),
            r.commodity,
            None if r.quantity is None else (r.quantity.text, r.quantity.value_kg),
        )
        for r in routes
    ]


def _same_route(spec) -> tuple:
    """What a route's id is made of (stops and per-leg modes): a file holds each route once."""
    ids, mode = spec[0], spec[1]
    legs = len(ids) - 1
    return tuple(ids), tuple([mode] * legs if isinstance(mode, str) else mode[:legs])


@pytest.mark.parametrize("suffix", [".geojson", ".yaml"])
def test_route_files_round_trip(gaz, suffix: str) -> None:
    @_settings(120)
    @given(st.lists(route_spec, min_size=1, max_size=3, unique_by=_same_route))
    def round_trip(specs) -> None:
        routes = routemap.RouteSet([_build(gaz, spec) for spec in specs])
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"r{suffix}"
            routemap.write_routes(routes, path)
            back = routemap.read_routes(path, gazetteer=gaz)
            assert sorted(p.name for p in Path(tmp).iterdir()) == [path.name]  # no *.tmp
        assert _summary(back) == _summary(routes)

    round_trip()


# -- antimeridian (3 x 700) --------------------------------------------------------------------

lat_ = st.floats(min_value=-85, max_value=85, allow_nan=False)
near_dateline = st.one_of(
    st.floats(min_value=150, max_value=180, allow_nan=False),
    st.floats(min_value=-180, max_value=-150, allow_nan=False),
    finite_lon,
)
paths = st.lists(st.tuples(lat_, near_dateline), min_size=1, max_size=12)


def _same_meridian(a: float, b: float) -> bool:
    d = (a - b) % 360.0
    return min(d, 360.0 - d) < 1e-6


@_settings(700)
@given(paths)
def test_unwrap_keeps_points_and_bounds_steps(path) -> None:
    out = unwrap(path)
    assert len(out) == len(path)
    assert out[0] == path[0]
    for (lat, lon), (ulat, ulon) in zip(path, out, strict=True):
        assert ulat == lat and _same_meridian(lon, ulon)
    for (_, a), (_, b) in itertools.pairwise(out):
        assert abs(b - a) <= 180.0 + 1e-9
    assert unwrap(out) == out


any_lon = st.one_of(
    st.sampled_from([-180.0, -179.0, -0.0, 0.0, 179.0, 180.0, -1, 1]),
    st.floats(min_value=-180, max_value=180, allow_nan=False),
)


@_settings(700)
@given(st.lists(st.tuples(lat_, any_lon), min_size=1, max_size=12))
def test_split_antimeridian_shortcut_gives_the_general_answer(path) -> None:
    # The one-pass answer for paths that neither wrap nor cross is the general one, to the
    # sign of a zero (repr tells -0.0 from 0.0).
    assert repr(split_antimeridian(path)) == repr(_split_unwrapped(list(path)))


def test_split_antimeridian_north_south_step_next_to_180() -> None:
    # Regression: the boundary rounded to -180 below the step and t divided by zero.
    lon = -179.99999999999997
    assert split_antimeridian([(0.0, lon), (1.0, lon)]) == [[(0.0, lon), (1.0, lon)]]


@_settings(700)
@given(paths)
def test_split_antimeridian_parts_lie_within_180(path) -> None:
    parts = split_antimeridian(path)
    assert parts and all(parts)
    flat = [point for part in parts for point in part]
    for lat, lon in flat:
        assert -180.0 <= lon <= 180.0 and -90.0 <= lat <= 90.0
    distinct = {(lat, lon % 360.0) for lat, lon in path}
    if len(distinct) > 1:
        assert all(len(part) >= 2 for part in parts)
    # Within a part no step crosses ±180; between parts the cut sits on ±180.
    for part in parts:
        for (_, a), (_, b) in itertools.pairwise(part):
            assert abs(b - a) <= 180.0 + 1e-9
    for before, after in itertools.pairwise(parts):
        (lat1, lon1), (lat2, lon2) = before[-1], after[0]
        assert abs(lat1 - lat2) < 1e-9
        assert abs(abs(lon1) - 180.0) < 1e-9 and abs(abs(lon2) - 180.0) < 1e-9
    # Every input point is still on the path (modulo a whole turn).
    for lat, lon in path:
        assert any(la == lat and _same_meridian(lo, lon) for la, lo in flat)

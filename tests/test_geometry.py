from __future__ import annotations

import itertools
import math
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from routemap import Gazetteer, Place
from routemap import geometry as geo
from routemap.geometry import (
    NO_SEA_LANE,
    geojson_geometry,
    great_circle,
    make_leg,
    nearest_port,
    path_length_km,
    sea_lane,
    split_antimeridian,
    unwrap,
)
from routemap.routes import GeometryKind, Mode, Route


@pytest.fixture(scope="module")
def places(gaz: Gazetteer) -> dict[str, Place]:
    return {
        "callao": gaz.resolve("Callao", kind="port"),
        "yokohama": gaz.resolve("Yokohama", kind="port"),
        "antwerp": gaz.resolve("Antwerp"),
        "antwerpen": gaz.get("locode:BEANR"),
        "lima": gaz.resolve("Lima"),
        "madrid": gaz.resolve("Madrid"),
        "peru": gaz.resolve("Peru"),
        "bolivia": gaz.resolve("Bolivia"),
        "spain": gaz.resolve("Spain"),
        "vraem": gaz.resolve("VRAEM"),
        "europe": gaz.resolve("Europe"),
        "iquitos": gaz.resolve("Iquitos"),
    }


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    return geo._haversine_km(a, b)


# -- great circles ------------------------------------------------------------------------------


def test_great_circle_is_densified_by_distance(places: dict[str, Place]) -> None:
    a, b = places["lima"].latlon, places["madrid"].latlon
    path = great_circle(a, b)
    assert path[0] == a and path[-1] == b
    distance = path_length_km(path)
    assert 9_000 < distance < 10_000
    assert len(path) == min(200, math.ceil(distance / 50) + 1)
    steps = [_km(p, q) for p, q in itertools.pairwise(path)]
    assert max(steps) < 55 and max(steps) - min(steps) < 1  # evenly spaced
    # A great circle bends poleward of the straight line on the map.
    new_york_to_madrid = great_circle((40.71, -74.01), (40.42, -3.70))
    assert max(lat for lat, _ in new_york_to_madrid) > 45


def test_great_circle_caps_and_floors_points() -> None:
    assert len(great_circle((0.0, 0.0), (0.0, 0.2))) == 2
    assert len(great_circle((0.0, 0.0), (0.0, 179.0))) == 200
    assert len(great_circle((0.0, 0.0), (0.0, 179.0), max_points=20)) == 20


# -- antimeridian -------------------------------------------------------------------------------


def test_unwrap_keeps_longitudes_continuous() -> None:
    path = [(35.0, 139.6), (45.0, 179.5), (46.0, -179.5), (40.0, -150.0), (-12.0, -77.1)]
    out = unwrap(path)
    assert [lat for lat, _ in out] == [lat for lat, _ in path]
    assert all(abs(q[1] - p[1]) <= 180 for p, q in itertools.pairwise(out))
    assert all((o[1] - p[1]) % 360 == pytest.approx(0) for o, p in zip(out, path, strict=True))
    assert out[-1][1] == pytest.approx(282.9)
    assert unwrap([]) == []


def test_split_antimeridian_cuts_each_crossing() -> None:
    path = [(0.0, 170.0), (10.0, -170.0), (20.0, 170.0)]  # across and back
    parts = split_antimeridian(path)
    assert parts == [
        [(0.0, 170.0), (5.0, 180.0)],
        [(5.0, -180.0), (10.0, -170.0), (15.0, -180.0)],
        [(15.0, 180.0), (20.0, 170.0)],
    ]


def test_split_antimeridian_on_a_point_at_180() -> None:
    parts = split_antimeridian([(0.0, 170.0), (1.0, 180.0), (2.0, -170.0)])
    assert parts == [[(0.0, 170.0), (1.0, 180.0)], [(1.0, -180.0), (2.0, -170.0)]]
    assert split_antimeridian([(0.0, 10.0)]) == [[(0.0, 10.0)]]


def test_geojson_geometry_is_lon_lat() -> None:
    line = geojson_geometry([(-12.05, -77.12), (51.2, 4.38)])
    assert line == {"type": "LineString", "coordinates": [[-77.12, -12.05], [4.38, 51.2]]}


# -- sea lanes ----------------------------------------------------------------------------------


def test_sea_lane_callao_to_antwerp(places: dict[str, Place]) -> None:
    leg = make_leg(places["callao"], places["antwerpen"], "maritime")
    assert leg.geometry_kind is GeometryKind.SEA_LANE
    assert not leg.approximate and leg.note == ""
    assert len(leg.path) > 50
    assert leg.path[0] == places["callao"].latlon and leg.path[-1] == places["antwerpen"].latlon
    line = geojson_geometry(leg.path)
    assert line["type"] == "LineString"
    lon, lat = line["coordinates"][0]
    assert (round(lon, 2), round(lat, 2)) == (-77.12, -12.05)  # [lon, lat]
    through_panama = any(-81 < lon < -78 and 7 < lat < 10 for lat, lon in leg.path)
    round_the_horn = any(lat < -50 for lat, _ in leg.path)
    assert through_panama or round_the_horn
    assert path_length_km(leg.path) > _km(places["callao"].latlon, places["antwerpen"].latlon)


def test_pacific_crossing_is_split_for_geojson_and_unwrapped_for_leaflet(
    places: dict[str, Place],
) -> None:
    leg = make_leg(places["callao"], places["yokohama"], "maritime")
    assert leg.geometry_kind is GeometryKind.SEA_LANE
    assert all(-180 <= lon <= 180 for _, lon in leg.path)  # stored wrapped
    line = geojson_geometry(leg.path)
    assert line["type"] == "MultiLineString"
    parts = line["coordinates"]
    assert all(-180 <= lon <= 180 for part in parts for lon, _ in part)
    for left, right in itertools.pairwise(parts):  # the parts meet at ±180
        assert abs(left[-1][0]) == 180 and right[0][0] == -left[-1][0]
        assert left[-1][1] == right[0][1]
    leaflet = unwrap(leg.path)
    assert all(abs(q[1] - p[1]) <= 180 for p, q in itertools.pairwise(leaflet))
    assert min(lon for _, lon in leaflet) < -180  # runs on westwards past the antimeridian


# -- ports and snapping -------------------------------------------------------------------------


def test_nearest_port(places: dict[str, Place]) -> None:
    assert nearest_port(places["callao"]) is places["callao"]
    assert nearest_port(places["lima"]).id == "locode:PECLL"  # type: ignore[union-attr]
    assert nearest_port(places["peru"]).id == "locode:PECLL"  # type: ignore[union-attr]
    assert nearest_port(places["spain"]).id == "locode:ESVLC"  # type: ignore[union-attr]
    assert nearest_port(places["vraem"]).id == "locode:PECLL"  # type: ignore[union-attr]
    assert nearest_port(places["antwerp"]) == places["antwerpen"]  # as the gazetteer has it
    assert nearest_port(places["bolivia"]) is None  # landlocked
    assert nearest_port(places["europe"]) is None  # no country


def test_maritime_stops_snap_to_ports_and_say_so(places: dict[str, Place]) -> None:
    leg = make_leg(places["peru"], places["antwerp"], "maritime")
    assert leg.geometry_kind is GeometryKind.SEA_LANE
    assert leg.approximate
    assert leg.note == (
        "Peru: snapped to port Callao (locode:PECLL); "
        "Antwerp: snapped to port Antwerpen (locode:BEANR)"
    )
    assert leg.path[0] == places["callao"].latlon
    assert leg.path[-1] == places["antwerpen"].latlon
    landlocked = make_leg(places["bolivia"], places["spain"], "maritime")
    assert "Bolivia: no sea port in BO" in landlocked.note and landlocked.approximate


def test_a_maritime_leg_within_one_port_is_a_great_circle(places: dict[str, Place]) -> None:
    leg = make_leg(places["lima"], places["callao"], "maritime")
    assert leg.geometry_kind is GeometryKind.GREAT_CIRCLE
    assert leg.approximate and leg.note == NO_SEA_LANE


@pytest.fixture
def broken_searoute(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    class Broken:
        @staticmethod
        def searoute(*args: Any, **kwargs: Any) -> Any:
            raise RuntimeError("graph exploded")

    sea_lane.cache_clear()
    monkeypatch.setattr(geo, "_searoute", lambda: Broken)
    yield
    sea_lane.cache_clear()


@pytest.mark.usefixtures("broken_searoute")
def test_no_sea_lane_falls_back_to_an_approximate_great_circle(places: dict[str, Place]) -> None:
    with pytest.raises(ValueError, match="graph exploded"):
        sea_lane(places["callao"].latlon, places["antwerpen"].latlon)
    leg = make_leg(places["callao"], places["antwerpen"], "maritime")
    assert leg.geometry_kind is GeometryKind.GREAT_CIRCLE
    assert leg.approximate and leg.note == NO_SEA_LANE
    # The same leg asked for as a great circle is identical (so files round-trip).
    assert make_leg(places["callao"], places["antwerpen"], "maritime", kind="great_circle") == leg


# -- other modes --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mode", "kind", "note"),
    [
        ("air", GeometryKind.GREAT_CIRCLE, ""),
        ("postal", GeometryKind.GREAT_CIRCLE, ""),
        ("unknown", GeometryKind.GREAT_CIRCLE, ""),
        ("river", GeometryKind.RIVER, "river course not traced"),
        ("land", GeometryKind.SCHEMATIC, "road or track not traced"),
    ],
)
def test_modes_choose_their_geometry(
    places: dict[str, Place], mode: str, kind: GeometryKind, note: str
) -> None:
    leg = make_leg(places["iquitos"], places["lima"], mode)
    assert leg.mode is Mode(mode)
    assert leg.geometry_kind is kind
    assert leg.approximate is bool(note)
    assert note in leg.note
    assert leg.path[0] == places["iquitos"].latlon and leg.path[-1] == places["lima"].latlon


def test_areas_are_anchored_and_approximate(places: dict[str, Place]) -> None:
    leg = make_leg(places["vraem"], places["bolivia"], "air")
    assert leg.approximate
    assert "(area) anchored at its representative point" in leg.note
    assert "Bolivia (country) anchored" in leg.note
    assert leg.path[0] == places["vraem"].latlon


def test_route_build_uses_make_leg(places: dict[str, Place]) -> None:
    route = Route.build([places["callao"], places["yokohama"]], "maritime")
    assert route.legs == (make_leg(places["callao"], places["yokohama"], "maritime"),)
    assert route.legs[0].length_km > 15_000


def test_importing_geometry_does_not_import_searoute() -> None:
    code = "import sys, routemap.geometry, routemap.io; print('searoute' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"

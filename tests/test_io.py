from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest

from routemap import Gazetteer, MissingDependency, Place
from routemap.errors import RouteFileError
from routemap.io import read_routes, write_routes
from routemap.routes import Citation, Mode, Period, Quantity, Route, RouteSet

DATA = Path(__file__).parent / "data" / "routes"
HAS_PYARROW = importlib.util.find_spec("pyarrow") is not None


@pytest.fixture(scope="module")
def routes(gaz: Gazetteer) -> RouteSet:
    # Not in the gazetteer: GeoJSON and GPKG carry only its id, name, kind, lat and lon.
    custom = Place("x-newsroom:airstrip-7", "Pista 7", "airport", -12.6, -73.9)
    return RouteSet(
        [
            Route.build(
                [gaz.resolve("VRAEM"), gaz.resolve("Bolivia"), gaz.resolve("Brazil")],
                "air",
                commodity="cocaine",
                quantity="300 kilos",
                period=2014,
                confidence=0.8,
                citations=[
                    Citation(
                        "seeds/003_aceaf8166e69cb16.txt",
                        title="Air bridge",
                        date="2015-03-01",
                        source="InSight Crime",
                        sentence="Small planes fly from the VRAEM to Bolivia.",
                        start=2400,
                        end=2443,
                    )
                ],
            ),
            Route.build(
                [gaz.resolve("Callao", kind="port"), gaz.resolve("Yokohama", kind="port")],
                "maritime",
                quantity=Quantity("a large shipment", 500.0),
                period="the 1990s",
            ),
            Route.build(
                [gaz.resolve("Peru"), gaz.resolve("Lima"), gaz.resolve("Antwerp")],
                ["land", "maritime"],
                geometry=[None, "great_circle"],
                citations=[Citation("doc", sentence="Sin offsets.")],
            ),
            Route.build([custom, gaz.resolve("Lima")], "air", confidence=0.3),
        ]
    )


# -- GeoJSON shape ------------------------------------------------------------------------------


def test_geojson_feature_properties(routes: RouteSet) -> None:
    collection = routes.to_geojson()
    assert collection["type"] == "FeatureCollection"
    assert len(collection["features"]) == 4
    feature = collection["features"][0]
    assert feature["type"] == "Feature"
    assert feature["geometry"]["type"] == "LineString"
    props = feature["properties"]
    assert list(props) == [
        "id", "origin", "transits", "destination", "mode", "legs", "commodity", "quantity",
        "quantity_kg", "period", "confidence", "citations",
    ]  # fmt: skip
    assert props["id"] == routes[0].id
    assert props["origin"] == {
        "id": "routemap:vraem",
        "name": routes[0].origin.name,
        "kind": "area",
        "lat": routes[0].origin.lat,
        "lon": routes[0].origin.lon,
    }
    assert [t["id"] for t in props["transits"]] == ["iso3166:BO"]
    assert props["destination"]["id"] == "iso3166:BR"
    assert props["mode"] == "air"
    leg = {"mode": "air", "geometry_kind": "great_circle"}
    assert props["legs"] == [
        {"from": "routemap:vraem", "to": "iso3166:BO", **leg},
        {"from": "iso3166:BO", "to": "iso3166:BR", **leg},
    ]
    assert (props["commodity"], props["quantity"], props["quantity_kg"]) == (
        "cocaine",
        "300 kilos",
        300.0,
    )
    assert (props["period"], props["confidence"]) == ("2014", 0.8)
    assert list(props["citations"][0]) == [
        "document", "title", "date", "source", "sentence", "start", "end",
    ]  # fmt: skip
    # [lon, lat] from the origin's representative point.
    assert feature["geometry"]["coordinates"][0] == [routes[0].origin.lon, routes[0].origin.lat]
    assert routes[2].to_geojson()["properties"]["mode"] is None  # multimodal
    json.dumps(collection, allow_nan=False)


def test_pacific_route_is_a_multilinestring(routes: RouteSet) -> None:
    geometry = routes[1].to_geojson()["geometry"]
    assert geometry["type"] == "MultiLineString"
    assert all(-180 <= lon <= 180 for part in geometry["coordinates"] for lon, _ in part)
    assert routes[1].__geo_interface__ == routes[1].to_geojson()


def test_geodataframe_levels(routes: RouteSet) -> None:
    legs = routes.to_geodataframe()
    assert legs.crs.to_epsg() == 4326
    assert len(legs) == sum(len(r.legs) for r in routes)
    assert list(legs["mode"][:2]) == ["air", "air"]
    assert legs.geometry.iloc[2].geom_type == "MultiLineString"  # Callao → Yokohama
    assert legs.geometry.iloc[0].coords[0] == routes[0].origin.lonlat
    by_route = routes.to_geodataframe("routes")
    assert list(by_route["id"]) == [r.id for r in routes]
    assert by_route["modes"].iloc[2] == "land/maritime"
    assert routes[0].to_geodataframe().shape[0] == 2
    assert len(RouteSet().to_geodataframe()) == 0
    with pytest.raises(ValueError, match="level"):
        routes.to_geodataframe("stops")  # type: ignore[arg-type]


# -- round trips ---------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".geojson", ".yaml", ".gpkg"])
def test_round_trip(routes: RouteSet, tmp_path: Path, suffix: str) -> None:
    path = routes.write(tmp_path / f"routes{suffix}")
    assert path == tmp_path / f"routes{suffix}"
    assert read_routes(path) == routes
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"routes{suffix}"]  # no leftovers


def test_geojson_text_that_looks_like_a_placeholder_round_trips(
    routes: RouteSet, tmp_path: Path
) -> None:
    # The writer swaps placeholders for coordinates; a field spelling one must stay text.
    import dataclasses

    forged = RouteSet(
        [
            dataclasses.replace(route, commodity=f"@@coordinates-{i + 1}@@")
            for i, route in enumerate(routes)
        ]
    )
    assert read_routes(forged.write(tmp_path / "forged.geojson")) == forged


@pytest.mark.skipif(not HAS_PYARROW, reason="pyarrow is not installed")
def test_round_trip_geoparquet(routes: RouteSet, tmp_path: Path) -> None:
    path = routes.write(tmp_path / "routes.parquet")
    assert read_routes(path) == routes


@pytest.mark.skipif(HAS_PYARROW, reason="pyarrow is installed")
def test_geoparquet_without_pyarrow_names_the_extra(routes: RouteSet, tmp_path: Path) -> None:
    with pytest.raises(MissingDependency, match=r"routemap\[parquet\]"):
        routes.write(tmp_path / "routes.parquet")
    assert list(tmp_path.iterdir()) == []


def test_single_route_and_empty_set_round_trip(routes: RouteSet, tmp_path: Path) -> None:
    assert read_routes(routes[0].write(tmp_path / "one.geojson")) == RouteSet([routes[0]])
    assert read_routes(write_routes([], tmp_path / "none.yaml")) == RouteSet()
    assert read_routes(write_routes(RouteSet(), tmp_path / "none.geojson")) == RouteSet()


def test_yaml_is_hand_editable(routes: RouteSet, tmp_path: Path) -> None:
    text = routes.write(tmp_path / "routes.yaml").read_text(encoding="utf-8")
    assert text.startswith("# routemap routes.")
    assert "- {name: Bolivia, id: 'iso3166:BO'}" in text
    assert "quantity: 300 kilos" in text and "period: 2014" in text
    assert "modes: [land, maritime]" in text and "geometry: [schematic, great_circle]" in text
    assert "quantity: {text: a large shipment, kg: 500.0}" in text
    assert "lat: -12.6" in text  # the place not in the gazetteer is written out in full


def test_read_hand_written_yaml(gaz: Gazetteer) -> None:
    routes = read_routes(DATA / "example.yaml")
    assert len(routes) == 3
    air, sea, post = routes
    assert [p.id for p in air.stops] == ["routemap:vraem", "iso3166:BO", "iso3166:BR"]
    assert air.mode is Mode.AIR and air.confidence == 0.8 and air.period == Period(2014, 2014)
    assert air.citations[0].start == 2400
    assert [p.id for p in sea.stops] == ["locode:PECLL", "geonames:2803138"]
    assert sea.mode is Mode.MARITIME and sea.quantity == Quantity("1,5 toneladas", 1500.0)
    assert sea.period == Period(2007, 2010) and sea.confidence == 1.0
    assert sea.citations[0].date == "2011-02-03"
    assert "snapped to port Antwerpen" in sea.legs[0].note
    assert [p.id for p in post.stops] == [
        "iso3166:PE",
        "geonames:3936456",
        gaz.resolve("Madrid").id,
    ]
    assert post.modes == (Mode.LAND, Mode.POSTAL) and post.period == Period(1990, 1999)


# -- atomic writes ------------------------------------------------------------------------------


def test_a_failed_write_leaves_the_old_file(
    routes: RouteSet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import geopandas

    target = routes[:1].write(tmp_path / "routes.gpkg")
    before = target.read_bytes()

    def half_write(self: Any, path: Path, **kwargs: Any) -> None:
        Path(path).write_bytes(b"SQLite format 3\x00 half")
        raise RuntimeError("disk full")

    monkeypatch.setattr(geopandas.GeoDataFrame, "to_file", half_write)
    with pytest.raises(RuntimeError, match="disk full"):
        routes.write(target)
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["routes.gpkg"]
    with pytest.raises(RuntimeError, match="disk full"):
        routes.write(tmp_path / "new.gpkg")
    assert [p.name for p in tmp_path.iterdir()] == ["routes.gpkg"]


def test_unknown_format_and_missing_directory(routes: RouteSet, tmp_path: Path) -> None:
    with pytest.raises(RouteFileError, match=r"unknown routes format '\.csv'"):
        routes.write(tmp_path / "routes.csv")
    with pytest.raises(RouteFileError, match="no directory"):
        routes.write(tmp_path / "missing" / "routes.yaml")


# -- errors in hand-edited files -----------------------------------------------------------------

ROUTE = """\
routes:
  - stops: [VRAEM, Bolivia]
    mode: air
"""


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (
            ROUTE + "  - stops: [Peru, Narnia]\n    mode: air\n",
            4,
            "route 2, stop 2: unknown place 'Narnia'; did you mean: Narita, ",
        ),
        (
            ROUTE + "  - stops:\n      - Peru\n      - {name: Xyzzyqq}\n",
            6,
            "route 2, stop 2: unknown place 'Xyzzyqq'; check the spelling",
        ),
        (
            ROUTE + "  - stops: [Peru, Chile]\n    mode: plane\n",
            5,
            "'plane' is not a mode; use one of: air, maritime, river, land, postal, unknown",
        ),
        (
            ROUTE + "  - stops: [Peru]\n    mode: air\n",
            4,
            "route 2 has 1 stop; a route needs at least two",
        ),
        (ROUTE + "  - stops: [Peru, Chile\n    mode: air\n", 5, "not valid YAML"),
        (
            ROUTE + "  - stops: [Peru, Chile]\n    comodity: cocaine\n",
            5,
            "unknown field 'comodity'",
        ),
        (ROUTE + "    confidence: 1.5\n", 4, r"confidence must be in \[0, 1\], got 1.5"),
        (ROUTE + "    period: sometime\n", 4, "no period in 'sometime'"),
        (
            ROUTE + "  - stops: [{id: 'locode:XXXXX'}, Peru]\n",
            4,
            "no place with id 'locode:XXXXX' in the gazetteer",
        ),
        (
            ROUTE + "    citations:\n      - {document: d, start: 9, end: 3}\n",
            5,
            "route 1 citation 1: citation of d: start 9 is after end 3",
        ),
        (
            ROUTE + "    citations:\n      - {sentence: no document}\n",
            5,
            "route 1 citation 1 needs a document",
        ),
        (ROUTE + "  - stops: [Peru, 12]\n", 4, "stop 2 must be a place name or a mapping"),
        (ROUTE + "  - stops: [Peru, Peru]\n", 4, "stop 2 repeats stop 1"),
        ("rutas:\n  - stops: [Peru, Chile]\n", 1, "expected a mapping with a 'routes' list"),
        ("", None, "the file is empty"),
    ],
)
def test_yaml_errors_name_file_and_line(
    tmp_path: Path, text: str, line: int | None, message: str
) -> None:
    path = tmp_path / "routes.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RouteFileError, match=message) as caught:
        read_routes(path)
    error = caught.value
    assert (error.file, error.line) == (str(path), line)
    where = f"{path}:{line}: " if line is not None else f"{path}: "
    assert str(error).startswith(where)


def test_yaml_norway_is_not_false(tmp_path: Path) -> None:
    path = tmp_path / "routes.yaml"
    path.write_text("routes:\n  - stops: [Colombia, NO]\n    mode: maritime\n", encoding="utf-8")
    assert read_routes(path)[0].destination.id == "iso3166:NO"


@pytest.fixture
def geojson_text(routes: RouteSet, tmp_path: Path) -> str:
    return routes[:2].write(tmp_path / "good.geojson").read_text(encoding="utf-8")


def _line_of(text: str, needle: str, occurrence: int = 0) -> int:
    offset = -1
    for _ in range(occurrence + 1):
        offset = text.index(needle, offset + 1)
    return text.count("\n", 0, offset) + 1


def test_geojson_malformed(tmp_path: Path, geojson_text: str) -> None:
    path = tmp_path / "bad.geojson"
    broken = geojson_text.replace('"mode": "air",', '"mode": "air"', 1)
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(RouteFileError, match="not valid JSON: Expecting ','") as caught:
        read_routes(path)
    assert caught.value.line == _line_of(broken, '"mode": "air"') + 1


def test_geojson_latitude_out_of_range_in_a_stop(tmp_path: Path, geojson_text: str) -> None:
    path = tmp_path / "bad.geojson"
    # The first route's transit (Bolivia), wherever the gazetteer puts it.
    transit = json.loads(geojson_text)["features"][0]["properties"]["transits"][0]
    bad = geojson_text.replace(f'"lat": {json.dumps(transit["lat"])}', '"lat": -96.7076', 1)
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(RouteFileError, match=r"transit 1 has lat -96.7076 outside ±90") as caught:
        read_routes(path)
    assert caught.value.line == _line_of(bad, '"lat": -96.7076')


def test_geojson_position_out_of_range(tmp_path: Path, geojson_text: str) -> None:
    data = json.loads(geojson_text)
    data["features"][1]["geometry"]["coordinates"][0][3] = [-77.0, 95.0]
    text = json.dumps(data, indent=1)
    path = tmp_path / "bad.geojson"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RouteFileError, match=r"route 2: position 4 has lat 95.0 outside") as caught:
        read_routes(path)
    assert caught.value.line == _line_of(text, "-77.0,\n") - 1  # the position's "[" line


@pytest.mark.parametrize(
    ("edit", "message", "needle"),
    [
        (lambda d: d["features"][0]["properties"]["legs"][1].update(mode="plane"),
         "'plane' is not a mode; use one of: air, ", '"plane"'),
        (lambda d: d["features"][0]["properties"]["legs"][1].update({"from": "iso3166:PE"}),
         "route 1 leg 2 runs iso3166:PE → iso3166:BR but stops 2 → 3", '"iso3166:PE"'),
        (lambda d: d["features"][1]["geometry"].update(type="Polygon"),
         "geometry must be a LineString or MultiLineString, got 'Polygon'", '"Polygon"'),
        (lambda d: d["features"][0]["properties"].update(confidence=2),
         r"confidence must be in \[0, 1\], got 2", '"confidence": 2'),
        (lambda d: d["features"][0]["properties"]["origin"].update(id="x:nowhere", kind="town"),
         "'x:nowhere' is not in the gazetteer and place x:nowhere: 'town' is not a place kind",
         '"origin": {'),
        (lambda d: d.update(type="Topology"), "expected a GeoJSON FeatureCollection", '"Topology"'),
    ],
)  # fmt: skip
def test_geojson_errors_name_the_line(
    tmp_path: Path, geojson_text: str, edit: Any, message: str, needle: str
) -> None:
    data = json.loads(geojson_text)
    edit(data)
    text = json.dumps(data, indent=2, ensure_ascii=False)
    path = tmp_path / "bad.geojson"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RouteFileError, match=message) as caught:
        read_routes(path)
    assert caught.value.line == _line_of(text, needle)
    assert str(caught.value).startswith(f"{path}:{caught.value.line}: ")


def test_geopackage_errors_name_the_row(routes: RouteSet, tmp_path: Path) -> None:
    import geopandas

    path = routes.write(tmp_path / "routes.gpkg")
    frame = geopandas.read_file(path)
    frame.loc[1, "mode"] = "plane"
    frame.loc[1, "legs"] = "[]"
    frame.to_file(path, driver="GPKG", layer="routes")
    with pytest.raises(
        RouteFileError, match=r"routes.gpkg: row 2: 'plane' is not a mode"
    ) as caught:
        read_routes(path)
    assert caught.value.line is None
    (tmp_path / "plain.gpkg").write_bytes(b"not a database")
    with pytest.raises(RouteFileError, match="cannot read as gpkg"):
        read_routes(tmp_path / "plain.gpkg")

"""Bad inputs through the library and the CLI (issue #7, reliability).

Every broken article, route file or output folder must give a message naming the file
(and the line where there is one) and the documented exit code — 0 ok, 1 some inputs
failed, 2 usage — never a traceback; good inputs next to a bad one are still built, and
no temporary file is left behind.
"""

from __future__ import annotations

import codecs
import contextlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import routemap
from routemap.cli import main

GOOD = "Light aircraft fly cocaine from the VRAEM to Bolivia, from where it is sent on to Brazil.\n"
BODY = (
    "La Policía Nacional incautó 2 toneladas de cocaína en el puerto del Callao con "
    "destino a Amberes. La droga llegó desde el VRAEM.\n"
)
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0

FIFTY_MB = 50_000_000
_BIG: list[Path] = []  # the 50 MB article, written once and hard-linked where a test wants it


def _fifty_mb_article(path: Path) -> None:
    """50 MB of news paragraphs, each different (repeated lines would read as site chrome)."""
    with contextlib.suppress(OSError, IndexError):
        os.link(_BIG[0], path)
        return
    towns = ("Cusco", "Puno", "Tacna", "Piura", "Arequipa", "Ayacucho", "Juliaca", "Tumbes")
    places = ("Spain", "Belgium", "the Netherlands", "Italy", "Mexico", "Brazil")
    with path.open("w", encoding="utf-8") as out:
        written, n = 0, 0
        while written < FIFTY_MB:
            paragraph = (
                f"Police in {towns[n % 8]} seized {n + 10} kilos of cocaine hidden in a truck "
                f"bound for Lima on day {n}, officials said. The drug was then shipped from "
                f"the port of Callao to {places[n % 6]}.\n\n"
            )[: FIFTY_MB - written]
            written += out.write(paragraph)
            n += 1
    _BIG[:] = [path]


# name -> (bytes or a writer of the file, readable?, message fragment when not, line or None)
ARTICLES: dict[str, tuple[bytes | Callable[[Path], None], bool, str | None, int | None]] = {
    "empty.txt": (b"", True, None, None),
    "whitespace.txt": (b"  \n\t\r\n   \n", True, None, None),
    "image.txt": (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10" + bytes(range(256)),
        False,
        "binary",
        None,
    ),
    "invalid-utf8.txt": (b"Peru\nBolivia\n\xff\xfe\xfd broken\n", False, "not UTF-8", 3),
    "latin1.txt": (b"Cocaine went to Peru.\n" + BODY.encode("latin-1"), False, "not UTF-8", 2),
    # Decided: a UTF-16 file with its byte-order mark (Windows "Unicode" text) is decoded.
    "utf16-le-bom.txt": (codecs.BOM_UTF16_LE + BODY.encode("utf-16-le"), True, None, None),
    "utf16-be-bom.txt": (codecs.BOM_UTF16_BE + BODY.encode("utf-16-be"), True, None, None),
    "replacement-damage.txt": (
        BODY.replace("í", "?").replace("ó", "\ufffd").encode(),
        True,
        None,
        None,
    ),
    "one-long-line.txt": (
        ("Cocaine goes from Peru to Brazil via Bolivia, police said; " * 4000)[:200_000].encode(),
        True,
        None,
        None,
    ),
    "no-places.txt": (b"The quick brown fox jumps over the lazy dog.\n" * 20, True, None, None),
    "no-movement.txt": (b"Peru and Bolivia are neighbours in South America.\n", True, None, None),
    "many-mentions.txt": (b"Peru. " * 10_000, True, None, None),
    # 2,000 paragraphs that state one route: was quadratic (RouteSet.merge scanned the group
    # for duplicates, Document.in_chrome scanned the blocks, the origin refinement every
    # mention): 95 s for 4,000 paragraphs, now 6 s.
    "many-paragraphs.txt": (
        b"Cocaine is flown from Peru to Bolivia.\n\n" * 2_000,
        True,
        None,
        None,
    ),
    # Decided: refused unread, past a documented limit (10 MB, ROUTEMAP_MAX_ARTICLE_MB):
    # 5 MB of news took 37 s and 740 MB here, 50 MB would take minutes and gigabytes.
    "fifty-mb.txt": (_fifty_mb_article, False, "50.0 MB, over the 10 MB limit", None),
}


@pytest.fixture
def good(tmp_path: Path) -> Path:
    path = tmp_path / "good.txt"
    path.write_text(GOOD, encoding="utf-8")
    return path


def _write_article(tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    content = ARTICLES[name][0]
    if callable(content):
        content(path)
    else:
        path.write_bytes(content)
    return path


def _no_tmp(folder: Path) -> None:
    left = [p for p in folder.rglob("*") if ".tmp" in p.name or p.name.endswith("~")]
    assert not left, left


# -- articles: library ---------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(set(ARTICLES) - {"many-mentions.txt"}))  # see below
def test_read_document_and_geoparse(tmp_path: Path, name: str) -> None:
    path = _write_article(tmp_path, name)
    _, readable, fragment, line = ARTICLES[name]
    if not readable:
        with pytest.raises(routemap.DocumentError) as info:
            routemap.read_document(path)
        message = str(info.value)
        assert str(path) in message and fragment in message
        if line is not None:
            assert f"{path}:{line}:" in message
        return
    document = routemap.read_document(path)
    for mention in routemap.geoparse(document):
        assert document.text[mention.start : mention.end] == mention.text
    routemap.extract_routes(document)


def test_utf16_with_bom_is_decoded(tmp_path: Path) -> None:
    path = _write_article(tmp_path, "utf16-le-bom.txt")
    document = routemap.read_document(path)
    assert document.text == BODY and document.language == "es"
    assert "Callao" in [m.text for m in routemap.geoparse(document)]


def test_damaged_utf16_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "half.txt"
    path.write_bytes(codecs.BOM_UTF16_LE + "Peru".encode("utf-16-le") + b"\x00\xd8")
    with pytest.raises(routemap.DocumentError, match=r"half\.txt.*UTF-16"):
        routemap.read_document(path)


def test_ten_thousand_mentions_are_all_found(tmp_path: Path) -> None:
    # Speed is the benchmarks' business (no timed tests); this was quadratic once
    # (Document.sentence_index rebuilt the list of sentence starts per call).
    document = routemap.read_document(_write_article(tmp_path, "many-mentions.txt"))
    mentions = routemap.geoparse(document)
    assert len(mentions) == 10_000
    assert len({m.start for m in mentions}) == 10_000


def test_a_fifty_mb_article_is_refused_unread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write_article(tmp_path, "fifty-mb.txt")
    assert path.stat().st_size == FIFTY_MB

    def no_read(self: Path) -> bytes:
        raise AssertionError(f"{self} was read")

    monkeypatch.setattr(Path, "read_bytes", no_read)  # refused on its size, memory untouched
    with pytest.raises(routemap.DocumentError) as info:
        routemap.read_document(path)
    message = str(info.value)
    assert message.startswith(f"{path}: 50.0 MB, over the 10 MB limit for one article")
    assert "split -C 5M" in message and "ROUTEMAP_MAX_ARTICLE_MB=50" in message


def test_the_article_size_limit_is_a_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "article.txt"
    path.write_text(GOOD * 30, encoding="utf-8")  # 2.7 kB
    monkeypatch.setenv("ROUTEMAP_MAX_ARTICLE_MB", "0.002")
    with pytest.raises(routemap.DocumentError, match=r"2\.7 kB, over the 0\.002 MB limit"):
        routemap.read_document(path)
    assert routemap.read_document(path, max_mb=1).text == GOOD * 30
    monkeypatch.setenv("ROUTEMAP_MAX_ARTICLE_MB", "0.01")
    assert routemap.read_document(path).text == GOOD * 30
    assert main(["geoparse", str(path)]) == 0
    capsys.readouterr()
    for wrong in ("ten", "0", "-5", "inf"):  # a usage error, before any article is read
        monkeypatch.setenv("ROUTEMAP_MAX_ARTICLE_MB", wrong)
        with pytest.raises(routemap.DocumentError, match="ROUTEMAP_MAX_ARTICLE_MB"):
            routemap.read_document(path)
        out = tmp_path / "maps"
        assert main(["build", str(path), "-o", str(out)]) == 2
        err = capsys.readouterr().err
        assert f"ROUTEMAP_MAX_ARTICLE_MB={wrong!r} is not a size" in err
        assert "Traceback" not in err and not out.exists()


def test_merge_finds_duplicates_without_comparing_every_pair(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stops = [routemap.Place("x:a", "A", "city", 1, 1), routemap.Place("x:b", "B", "city", 2, 2)]
    routes = [
        routemap.Route.build(stops, "air", citations=[routemap.Citation(f"d{i}.txt")])
        for i in range(300)
    ]
    compared = 0
    equal = routemap.Route.__eq__

    def counting(self: routemap.Route, other: object) -> bool:
        nonlocal compared
        compared += 1
        return equal(self, other)

    monkeypatch.setattr(routemap.Route, "__eq__", counting)
    merged = routemap.RouteSet([*routes, *routes]).merge()  # each route twice
    assert len(merged) == 1 and len(next(iter(merged)).citations) == 300
    assert compared <= 2 * len(routes)  # was 45,000 comparisons (every pair of the group)


def test_in_chrome_agrees_with_the_blocks_everywhere() -> None:
    paragraph = "Police in Peru seized cocaine bound for Bolivia, officials said. " * 3
    text = f"Headline of the story\n\n{paragraph}\n\nShare\nTweet\nComments\nDONATE\n"
    document = routemap.Document.from_text(text)
    assert any(b.chrome for b in document.blocks) and not all(b.chrome for b in document.blocks)
    for offset in range(-1, len(text) + 2):
        expected = any(b.start <= offset < b.end and b.chrome for b in document.blocks)
        assert document.in_chrome(offset) is expected, offset


def test_sentence_index_bisects() -> None:
    document = routemap.Document.from_text("Peru. Bolivia. Brazil.")
    assert [document.sentence_index(i) for i in (0, 6, 15, 21, 999)] == [0, 1, 2, 2, 2]


# -- articles: CLI ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(ARTICLES))
def test_cli_geoparse_json(tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write_article(tmp_path, name)
    _, readable, fragment, line = ARTICLES[name]
    code = main(["geoparse", str(path), "--json"])
    out, err = capsys.readouterr()
    if readable:
        assert code == 0, err
        record = json.loads(out)
        assert record["document"] == str(path)
    else:
        assert code == 1
        assert out == ""
        assert str(path) in err and fragment in err and "Traceback" not in err
        if line is not None:
            assert f"{path}:{line}:" in err


@pytest.mark.parametrize("name", sorted(ARTICLES))
def test_cli_build_keeps_the_good_file(
    tmp_path: Path, good: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write_article(tmp_path, name)
    _, readable, fragment, line = ARTICLES[name]
    out = tmp_path / "maps"
    code = main(["build", str(path), str(good), "-o", str(out)])
    _, err = capsys.readouterr()
    assert "Traceback" not in err
    if readable:
        assert code == 0, err
    else:
        assert code == 1
        assert str(path) in err and fragment in err
        if line is not None:
            assert f"{path}:{line}:" in err
    assert (out / "index.html").is_file()
    assert (out / "documents" / "good.html").is_file()
    assert "routemap:vraem" in (out / "routes.geojson").read_text(encoding="utf-8")
    _no_tmp(tmp_path)


def test_cli_missing_article(tmp_path: Path, good: Path, capsys) -> None:
    missing = tmp_path / "nowhere.txt"
    assert main(["geoparse", str(missing), str(good)]) == 1
    out, err = capsys.readouterr()
    assert str(missing) in err and str(good) in out


# -- route files -----------------------------------------------------------------------------


def _geojson(gaz) -> dict:
    route = routemap.Route.build([gaz.get("iso3166:PE"), gaz.get("iso3166:BO")], "air")
    return routemap.RouteSet([route]).to_geojson()


def _dump(data: dict) -> str:
    return json.dumps(data, indent=1)


def _swapped(gaz) -> str:  # Tokyo written (lon, lat) as (lat, lon)
    data = _geojson(gaz)
    data["features"][0]["properties"]["destination"].update(lat=139.69, lon=35.69)
    return _dump(data)


def _lat_out_of_range(gaz) -> str:
    data = _geojson(gaz)
    data["features"][0]["properties"]["origin"]["lat"] = -123.5
    return _dump(data)


def _position_out_of_range(gaz) -> str:
    data = _geojson(gaz)
    data["features"][0]["geometry"]["coordinates"][1] = [-74.0, -274.5]
    return _dump(data)


def _nan_lat(gaz) -> str:  # json.dumps writes float("nan") as the literal NaN
    data = _geojson(gaz)
    data["features"][0]["properties"]["origin"]["lat"] = float("nan")
    return _dump(data)


def _infinite_lon(gaz) -> str:
    data = _geojson(gaz)
    data["features"][0]["properties"]["destination"]["lon"] = float("-inf")
    return _dump(data)


def _nan_position(gaz) -> str:
    data = _geojson(gaz)
    data["features"][0]["geometry"]["coordinates"][2] = [float("nan"), -16.3]
    return _dump(data)


def _feature_twice(gaz) -> str:  # a Feature copied, id and all
    data = _geojson(gaz)
    data["features"].append(data["features"][0])
    return _dump(data)


PISTA = "{id: x:pista-7, name: Pista 7, kind: airport, "
FINITE = "must be a finite number, got "
# name -> (text or a function of the gazetteer, fragments the message must hold, line?)
ROUTE_FILES = {
    "malformed.yaml": ("routes:\n- stops: [Peru, Bolivia\n  mode: air\n", ["YAML"], True),
    "bad-indent.yaml": ("routes:\n  - stops:\n    - Peru\n   - Bolivia\n", ["YAML"], True),
    "malformed.geojson": ('{"type": "FeatureCollection", "features": [\n{"type": ', ["JSON"], True),
    "unknown-place.yaml": (
        "routes:\n- stops: [Peru, Iquitoss del Sur]\n  mode: air\n",
        ["unknown place 'Iquitoss del Sur'", "did you mean", "Iquitos"],
        True,
    ),
    "nonsense-place.yaml": ("routes:\n- stops: [Peru, Xyzzyqq]\n", ["unknown place"], True),
    "unknown-mode.yaml": (
        "routes:\n- stops: [Peru, Bolivia]\n  mode: submarine\n",
        ["submarine", "air, maritime, river, land, postal, unknown"],
        True,
    ),
    "one-stop.yaml": ("routes:\n- stops: [Peru]\n  mode: air\n", ["1 stop", "two"], True),
    "swapped.geojson": (_swapped, ["lat 139.69", "swapped"], True),
    "lat-out-of-range.geojson": (_lat_out_of_range, ["-123.5", "±90"], True),
    "position-out-of-range.geojson": (_position_out_of_range, ["-274.5", "±90"], True),
    "empty.yaml": ("", ["empty"], False),
    "empty.geojson": ("", ["JSON"], True),
    "scalar.geojson": ("42\n", ["mapping"], False),
    "binary.yaml": (b"\xff\xfe\x00garbage\x89PNG", ["UTF-8"], False),
    "nan-lat.geojson": (_nan_lat, ["route 1 origin lat " + FINITE + "nan", "number itself"], True),
    "infinite-lon.geojson": (_infinite_lon, ["destination lon " + FINITE + "-inf"], True),
    "nan-position.geojson": (_nan_position, ["position 3 lon " + FINITE + "nan"], True),
    "nan-lat.yaml": (
        f"routes:\n- stops:\n  - Peru\n  - {PISTA}lat: .nan, lon: -73.9}}\n",
        [":4: route 1, stop 2 lat " + FINITE + "nan"],
        True,
    ),
    "infinite-lon.yaml": (
        f"routes:\n- stops:\n  - {PISTA}lat: -12.6, lon: -.inf}}\n  - Lima\n",
        [":3: route 1, stop 1 lon " + FINITE + "-inf"],
        True,
    ),
    "nan-confidence.yaml": (
        "routes:\n- stops: [Peru, Bolivia]\n  confidence: .NaN\n",
        [":3: route 1 confidence " + FINITE + "nan"],
        True,
    ),
    # Decided: one route twice (same stops and modes, so the same id) is refused, naming
    # both places: ids key merging and the maps, and deleting one copy of a wrong route in
    # the review file would leave the other on the map.
    "route-twice.yaml": (
        "routes:\n- stops: [Peru, Bolivia]\n  mode: air\n  commodity: cocaine\n"
        "- stops: [Peru, Bolivia]\n  mode: air\n  period: 2014\n",
        [":5: route 2 repeats route 1 (line 2)", "Peru → Bolivia, air", "keep one of them"],
        True,
    ),
    "feature-twice.geojson": (
        _feature_twice,
        ["route 2 repeats route 1 (line 4)", "same stops and modes", "id route:"],
        True,
    ),
}


def _write_route_file(tmp_path: Path, gaz, name: str) -> Path:
    content = ROUTE_FILES[name][0]
    if callable(content):
        content = content(gaz)
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def _has_line(message: str, path: Path) -> bool:
    head = message.split(str(path), 1)[1]
    return head.startswith(":") and head[1:].split(":", 1)[0].isdigit()


@pytest.mark.parametrize("name", sorted(ROUTE_FILES))
def test_read_routes_rejects(tmp_path: Path, gaz, name: str) -> None:
    path = _write_route_file(tmp_path, gaz, name)
    _, fragments, with_line = ROUTE_FILES[name]
    with pytest.raises(routemap.RouteFileError) as info:
        routemap.read_routes(path, gazetteer=gaz)
    message = str(info.value)
    assert str(path) in message
    for fragment in fragments:
        assert fragment in message
    if with_line:
        assert _has_line(message, path), message


@pytest.mark.parametrize("name", sorted(ROUTE_FILES))
def test_cli_render_rejects(tmp_path: Path, gaz, name: str, capsys) -> None:
    path = _write_route_file(tmp_path, gaz, name)
    _, fragments, with_line = ROUTE_FILES[name]
    out = tmp_path / "out.html"
    assert main(["render", str(path), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and str(path) in err
    for fragment in fragments:
        assert fragment in err
    if with_line:
        assert _has_line(err, path), err
    assert not out.exists()
    _no_tmp(tmp_path)


@pytest.mark.parametrize("name", sorted(ROUTE_FILES))
def test_cli_build_keeps_the_article_next_to_a_bad_route_file(
    tmp_path: Path, gaz, good: Path, name: str, capsys
) -> None:
    path = _write_route_file(tmp_path, gaz, name)
    _, fragments, _ = ROUTE_FILES[name]
    out = tmp_path / "maps"
    assert main(["build", str(path), str(good), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and str(path) in err
    assert all(fragment in err for fragment in fragments), err
    assert (out / "documents" / "good.html").is_file() and (out / "index.html").is_file()
    assert "routemap:vraem" in (out / "routes.geojson").read_text(encoding="utf-8")
    _no_tmp(tmp_path)


def test_a_copied_feature_with_other_stops_is_another_route(tmp_path: Path, gaz) -> None:
    """Decided: the id a file stores is not trusted but derived again from the stops and
    modes, so a Feature copied in a GIS and given another destination is a second route
    (its stale id is not a duplicate)."""
    data = _geojson(gaz)
    copy = json.loads(json.dumps(data["features"][0]))
    copy["properties"].update(destination={"id": "iso3166:BR"}, legs=[])  # legs: from mode
    copy["geometry"] = None
    data["features"].append(copy)
    path = tmp_path / "copied.geojson"
    path.write_text(_dump(data), encoding="utf-8")
    routes = routemap.read_routes(path, gazetteer=gaz)
    assert [r.destination.id for r in routes] == ["iso3166:BO", "iso3166:BR"]
    assert routes[0].id == data["features"][0]["id"] != routes[1].id


def test_write_routes_refuses_a_route_twice(tmp_path: Path, gaz) -> None:
    """routemap never writes a file it would refuse to read."""
    route = routemap.Route.build([gaz.get("iso3166:PE"), gaz.get("iso3166:BO")], "air")
    other = routemap.Route.build([gaz.get("iso3166:PE"), gaz.get("iso3166:BR")], "air")
    for suffix in (".yaml", ".geojson", ".gpkg"):
        path = tmp_path / f"routes{suffix}"
        with pytest.raises(routemap.RouteFileError, match=r"route 3 repeats route 1.*merge"):
            routemap.write_routes([route, other, route], path)
        assert list(tmp_path.iterdir()) == []
    merged = routemap.RouteSet([route, other, route]).merge()
    assert len(routemap.read_routes(merged.write(tmp_path / "ok.yaml"), gazetteer=gaz)) == 2


# -- GeoPackage and GeoParquet tables of the wrong shape --------------------------------------

HAS_PYARROW = importlib.util.find_spec("pyarrow") is not None
COLUMNS = "id, origin, transits, destination, mode, legs, commodity, quantity, quantity_kg"


def _frame(gaz, count: int = 1):
    """The table write_routes writes for ``count`` routes (Peru → Bolivia, → Brazil …)."""
    import geopandas

    ends = ["iso3166:BO", "iso3166:BR", "iso3166:CO"][:count]
    routes = [routemap.Route.build([gaz.get("iso3166:PE"), gaz.get(e)], "air") for e in ends]
    path = Path(tempfile.mkdtemp()) / "routes.gpkg"
    try:
        routemap.write_routes(routes, path)
        return geopandas.read_file(path, layer="routes")
    finally:
        shutil.rmtree(path.parent)


def _save(frame, path: Path, layer: str = "routes") -> None:
    with warnings.catch_warnings():  # shapely warns on NaN coordinates: that is the point
        warnings.simplefilter("ignore", RuntimeWarning)
        if path.suffix == ".parquet":
            frame.to_parquet(path)
        else:
            frame.to_file(path, driver="GPKG", layer=layer)


def _other_layers(gaz, path: Path) -> None:
    import geopandas
    from shapely.geometry import Point

    points = geopandas.GeoDataFrame({"name": ["a"]}, geometry=[Point(-77, -12)], crs="EPSG:4326")
    _save(points, path, layer="stations")
    _save(_frame(gaz), path, layer="roads")


def _one_other_layer(gaz, path: Path) -> None:
    import geopandas
    from shapely.geometry import LineString

    line = LineString([(-77, -12), (-65, -17)])
    flights = {"flight": ["LA2047"], "from": ["LIM"], "to": ["VVI"]}
    _save(geopandas.GeoDataFrame(flights, geometry=[line], crs="EPSG:4326"), path, "flights")


def _geometry_only(gaz, path: Path) -> None:
    frame = _frame(gaz)
    _save(frame[["geometry"]], path)


def _columns_dropped(gaz, path: Path) -> None:
    _save(_frame(gaz).drop(columns=["legs", "citations"]), path)


def _number_for_text(gaz, path: Path) -> None:
    frame = _frame(gaz)
    frame["origin"] = [51]
    _save(frame, path)


def _text_for_number(gaz, path: Path) -> None:
    frame = _frame(gaz)
    frame["confidence"] = ["high"]
    _save(frame, path)


def _nan_in_geometry(gaz, path: Path) -> None:
    from shapely.geometry import LineString

    frame = _frame(gaz, 2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        frame.loc[1, "geometry"] = LineString([(-77.0, -9.2), (float("nan"), -16.3)])
    _save(frame, path)


def _nan_in_a_stop(gaz, path: Path) -> None:
    frame = _frame(gaz)
    origin = json.loads(frame.loc[0, "origin"])
    frame.loc[0, "origin"] = json.dumps({**origin, "lat": float("nan")})
    _save(frame, path)


def _rows_twice(gaz, path: Path) -> None:
    import pandas

    frame = _frame(gaz, 2)
    _save(pandas.concat([frame, frame.iloc[[0]]], ignore_index=True), path)


def _plain_sqlite(gaz, path: Path) -> None:
    import sqlite3

    with contextlib.closing(sqlite3.connect(path)) as db:
        db.execute("CREATE TABLE routes (origin TEXT, destination TEXT)")
        db.commit()


def _plain_parquet(gaz, path: Path) -> None:
    _frame(gaz).drop(columns="geometry").to_parquet(path)  # a pandas table: no 'geo' key


# name -> (a writer of the file, fragments the message must hold); no line (binary formats)
TABLE_FILES = {
    "no-routes-layer.gpkg": (
        _other_layers,
        ["no layer named 'routes'", "'stations', 'roads'", "rename the layer"],
    ),
    "other-layer.gpkg": (
        _one_other_layer,
        ["layer 'flights' is not a routes table", "its columns: flight, from, to", COLUMNS],
    ),
    "geometry-only.gpkg": (_geometry_only, ["no columns id, origin", "none but a geometry"]),
    "columns-dropped.gpkg": (_columns_dropped, ["no columns legs, citations", COLUMNS]),
    "number-for-text.gpkg": (_number_for_text, ["column 'origin' holds int", "JSON of a place"]),
    "text-for-number.gpkg": (_text_for_number, ["column 'confidence'", "numbers in [0, 1]"]),
    "nan-in-geometry.gpkg": (_nan_in_geometry, ["row 2: position 2 lon " + FINITE + "nan"]),
    "nan-in-a-stop.gpkg": (_nan_in_a_stop, ["row 1 origin lat " + FINITE + "nan"]),
    "rows-twice.gpkg": (_rows_twice, ["row 3 repeats row 1", "Peru → Bolivia, air"]),
    "not-a-geopackage.gpkg": (_plain_sqlite, ["cannot read as gpkg", "is it a GeoPackage"]),
    "columns-dropped.parquet": (_columns_dropped, ["no columns legs, citations", COLUMNS]),
    "number-for-text.parquet": (_number_for_text, ["column 'origin' holds int"]),
    "nan-in-geometry.parquet": (_nan_in_geometry, ["row 2: position 2 lon " + FINITE + "nan"]),
    "rows-twice.parquet": (_rows_twice, ["row 3 repeats row 1"]),
    "plain.parquet": (_plain_parquet, ["not GeoParquet (no 'geo' metadata)", "write_routes"]),
}


def _write_table(tmp_path: Path, gaz, name: str) -> Path:
    if name.endswith(".parquet") and not HAS_PYARROW:
        pytest.skip("GeoParquet needs pyarrow")
    path = tmp_path / name
    TABLE_FILES[name][0](gaz, path)
    return path


@pytest.mark.parametrize("name", sorted(TABLE_FILES))
def test_read_routes_rejects_a_table(tmp_path: Path, gaz, name: str) -> None:
    path = _write_table(tmp_path, gaz, name)
    with pytest.raises(routemap.RouteFileError) as info:
        routemap.read_routes(path, gazetteer=gaz)
    message = str(info.value)
    assert message.startswith(f"{path}: ") and info.value.line is None
    for fragment in TABLE_FILES[name][1]:
        assert fragment in message


@pytest.mark.parametrize("name", sorted(TABLE_FILES))
def test_cli_rejects_a_table(tmp_path: Path, gaz, good: Path, name: str, capsys) -> None:
    path = _write_table(tmp_path, gaz, name)
    page = tmp_path / "map.html"
    assert main(["render", str(path), "-o", str(page)]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "Warning" not in err and f"{path}: " in err
    assert all(fragment in err for fragment in TABLE_FILES[name][1]), err
    assert not page.exists()
    out = tmp_path / "maps"
    assert main(["build", str(path), str(good), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and f"{path}: " in err
    assert (out / "documents" / "good.html").is_file() and (out / "index.html").is_file()
    _no_tmp(tmp_path)


def test_the_routes_layer_is_read_whatever_its_place(tmp_path: Path, gaz) -> None:
    path = tmp_path / "two-layers.gpkg"
    _other_layers(gaz, path)
    _save(_frame(gaz, 2), path, layer="routes")  # third of three layers
    routes = routemap.read_routes(path, gazetteer=gaz)
    assert [r.destination.id for r in routes] == ["iso3166:BO", "iso3166:BR"]


def test_route_file_that_does_not_exist(tmp_path: Path, gaz, capsys) -> None:
    missing = tmp_path / "missing.yaml"
    with pytest.raises((routemap.RouteFileError, OSError), match=r"missing\.yaml"):
        routemap.read_routes(missing, gazetteer=gaz)
    out = tmp_path / "out.html"
    assert main(["render", str(missing), "-o", str(out)]) == 1
    assert "missing.yaml" in capsys.readouterr().err
    assert not out.exists()


def test_route_file_in_unreadable_folder(tmp_path: Path, gaz, capsys) -> None:
    if IS_ROOT:  # root reads through any permission bits: run as the user nobody instead
        _unreadable_folder_as_nobody()
        return
    folder = tmp_path / "locked"
    folder.mkdir()
    path = _write_route_file(folder, gaz, "one-stop.yaml")
    path.write_text("routes:\n- stops: [Peru, Bolivia]\n", encoding="utf-8")
    folder.chmod(0o000)
    try:
        with pytest.raises((routemap.RouteFileError, OSError), match=r"one-stop\.yaml"):
            routemap.read_routes(path, gazetteer=gaz)
        out = tmp_path / "out.html"
        assert main(["render", str(path), "-o", str(out)]) == 1
        assert "one-stop.yaml" in capsys.readouterr().err
        assert not out.exists()
    finally:
        folder.chmod(0o700)


# -- as an unprivileged user, when the tests run as root -----------------------------------
#
# Root reads and writes through any permission bits, so as root the permission tests run
# routemap in a child process as the user nobody (setpriv or runuser), in a folder under
# the system temp dir that nobody can enter (pytest's own temp dir is root's, mode 0700).

NOBODY = 65534
READ_ROUTES = """
import sys, routemap
try:
    routemap.read_routes(sys.argv[1])
except (routemap.RouteFileError, OSError) as exc:
    print(type(exc).__name__, exc)
else:
    print("read it")
"""


def _as_nobody() -> list[str]:
    """The command prefix that runs a program as the user nobody; skip without one."""
    if shutil.which("setpriv"):
        return ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", "--"]
    if shutil.which("runuser"):
        return ["runuser", "-u", "nobody", "--"]
    pytest.skip("running as root without setpriv or runuser to drop the privileges")


def _run_as_nobody(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(folder),
        "LANG": "C.UTF-8",
        # nobody's own cache: root's (~/.cache under a 0700 /root) is out of its reach.
        "ROUTEMAP_CACHE_DIR": str(folder / "cache"),
    }
    return subprocess.run(
        [*_as_nobody(), sys.executable, *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=folder,
        timeout=600,
        check=False,
    )


@contextlib.contextmanager
def _nobodys_folder() -> Iterator[Path]:
    """A temp folder owned by nobody; skip when nobody cannot run this Python."""
    folder = Path(tempfile.mkdtemp(prefix="routemap-nobody-"))
    try:
        folder.chmod(0o755)
        os.chown(folder, NOBODY, NOBODY)
        _share_the_index(folder / "cache")
        probe = _run_as_nobody(folder, "-c", "import routemap.cli")
        if probe.returncode != 0:
            pytest.skip(f"the user nobody cannot run this Python: {probe.stderr[-200:]}")
        yield folder
    finally:
        for path in [folder, *folder.rglob("*")]:
            path.chmod(0o700)
        shutil.rmtree(folder)


def _share_the_index(cache: Path) -> None:
    """Copy the parent's built index where nobody may read it (saves a rebuild)."""
    from routemap.gazetteer.index import default_index_path

    cache.mkdir(mode=0o755)
    index = default_index_path()
    if index.is_file():
        shutil.copyfile(index, cache / index.name)
        (cache / index.name).chmod(0o644)
    for item in (cache, *cache.iterdir()):
        os.chown(item, NOBODY, NOBODY)


def _unreadable_folder_as_nobody() -> None:
    with _nobodys_folder() as root:
        folder = root / "locked"
        folder.mkdir()
        path = folder / "one-stop.yaml"
        path.write_text("routes:\n- stops: [Peru, Bolivia]\n", encoding="utf-8")
        for item in (folder, path):
            os.chown(item, NOBODY, NOBODY)
        folder.chmod(0o000)
        library = _run_as_nobody(root, "-c", READ_ROUTES, str(path))
        assert library.returncode == 0, library.stderr
        assert "read it" not in library.stdout and "one-stop.yaml" in library.stdout
        out = root / "out.html"
        cli = _run_as_nobody(root, "-m", "routemap", "render", str(path), "-o", str(out))
        assert cli.returncode == 1, cli.stderr
        assert "one-stop.yaml" in cli.stderr and "Traceback" not in cli.stderr
        assert not out.exists()


def _unwritable_folder_as_nobody(good: Path) -> None:
    with _nobodys_folder() as root:
        article = root / good.name
        article.write_bytes(good.read_bytes())
        article.chmod(0o644)
        target = root / "maps"
        target.mkdir()
        os.chown(target, NOBODY, NOBODY)
        target.chmod(0o500)
        result = _run_as_nobody(root, "-m", "routemap", "build", str(article), "-o", str(target))
        assert result.returncode in (1, 2), result.stderr
        assert str(target) in result.stderr and "Traceback" not in result.stderr
        assert not list(target.iterdir())


# -- output folders --------------------------------------------------------------------------


def test_build_into_a_file_is_a_usage_error(tmp_path: Path, good: Path, capsys) -> None:
    target = tmp_path / "maps"
    target.write_text("not a folder", encoding="utf-8")
    assert main(["build", str(good), "-o", str(target)]) == 2
    assert str(target) in capsys.readouterr().err
    assert target.read_text(encoding="utf-8") == "not a folder"


def test_build_into_an_unwritable_folder(tmp_path: Path, good: Path, capsys) -> None:
    if IS_ROOT:  # root writes through any permission bits: run as the user nobody instead
        _unwritable_folder_as_nobody(good)
        return
    target = tmp_path / "maps"
    target.mkdir()
    target.chmod(0o500)
    try:
        code = main(["build", str(good), "-o", str(target)])
        err = capsys.readouterr().err
        assert code in (1, 2)
        assert str(target) in err and "Traceback" not in err
        assert not list(target.iterdir())
    finally:
        target.chmod(0o700)

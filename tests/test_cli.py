from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from routemap import __version__
from routemap.cli import main


def test_resolve_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["resolve", "Callao", "--kind", "port", "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["place"]["id"] == "locode:PECLL"
    assert record["candidates"][0]["reason"]


def test_resolve_table_and_filters(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["resolve", "Lima", "--country", "US"]) == 0
    out = capsys.readouterr().out
    assert "Lima" in out and "US" in out and "1." in out


def test_unknown_name_exits_1_and_suggests(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["resolve", "Cusco", "Chancayy Port Zone"]) == 1
    captured = capsys.readouterr()
    assert "Cusco" in captured.out and "no place named" in captured.err


@pytest.mark.parametrize(
    "argv", [["resolve"], ["resolve", "Lima", "--kind", "village"], ["bogus"], []]
)
def test_usage_errors_exit_2(argv: list[str]) -> None:
    with pytest.raises(SystemExit) as info:
        code = main(argv)
        raise SystemExit(code)
    assert info.value.code == 2


def test_map_is_written_offline(tmp_path: Path) -> None:
    target = tmp_path / "maps" / "places.html"
    assert main(["resolve", "VRAEM", "Callao", "Europe", "--map", str(target)]) == 0
    page = target.read_text(encoding="utf-8")
    assert "L.map(" in page and "VRAEM" in page
    assert "cdn.jsdelivr" not in page and "<script src=" not in page
    assert "tile.openstreetmap" not in page
    assert [p.name for p in target.parent.iterdir()] == ["places.html"]


def test_python_dash_m_and_version() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "routemap", "--version"], capture_output=True, text=True
    )
    assert done.returncode == 0 and __version__ in done.stdout
    done = subprocess.run(
        [sys.executable, "-m", "routemap", "resolve", "EE.UU.", "--json"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0
    assert json.loads(done.stdout)["place"]["id"] == "iso3166:US"


def test_an_unusable_cache_folder_is_a_clear_error(tmp_path: Path) -> None:
    in_the_way = tmp_path / "cache"
    in_the_way.write_text("a file where the cache folder should be", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "routemap", "resolve", "Lima"],
        capture_output=True,
        text=True,
        env={**os.environ, "ROUTEMAP_CACHE_DIR": str(in_the_way / "routemap")},
    )
    assert done.returncode == 2
    assert "ROUTEMAP_CACHE_DIR" in done.stderr and "Traceback" not in done.stderr


def test_extract_then_render_the_review_file(tmp_path: Path) -> None:
    seeds = sorted(str(p) for p in (Path(__file__).parent.parent / "seeds").glob("*.txt"))
    review = tmp_path / "routes.yaml"
    assert main(["extract", *seeds, "-o", str(review)]) == 0
    text = review.read_text(encoding="utf-8")
    assert "VRAEM" in text and "citations" in text
    page = tmp_path / "map.html"
    assert main(["render", str(review), "-o", str(page)]) == 0
    html = page.read_text(encoding="utf-8")
    assert "Air bridges" in html and "<script src=" not in html


def test_render_reports_a_broken_route_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "routes.yaml"
    broken.write_text("routes:\n  - stops: [VRAEM]\n    mode: air\n", encoding="utf-8")
    assert main(["render", str(broken), "-o", str(tmp_path / "m.html")]) == 1
    assert "routes.yaml" in capsys.readouterr().err
    assert not (tmp_path / "m.html").exists()


def test_country_roles_flag_on_render_and_build(tmp_path: Path) -> None:
    from routemap import Gazetteer
    from routemap.geometry import make_leg
    from routemap.io import write_routes
    from routemap.routes import Route, RouteSet

    gaz = Gazetteer.default()  # a route file keeps a gazetteer place's id, not its country
    lima, la_paz = gaz.resolve("Lima", country="PE"), gaz.resolve("La Paz", country="BO")
    routes = write_routes(
        RouteSet([Route((lima, la_paz), (make_leg(lima, la_paz, "air"),))]),
        tmp_path / "routes.geojson",
    )
    plain, shaded = tmp_path / "plain.html", tmp_path / "shaded.html"
    assert main(["render", str(routes), "-o", str(plain)]) == 0
    assert main(["render", str(routes), "-o", str(shaded), "--country-roles"]) == 0
    assert "Countries by role" not in plain.read_text(encoding="utf-8")
    assert "Countries by role" in shaded.read_text(encoding="utf-8")
    assert main(["build", str(routes), "-o", str(tmp_path / "maps"), "--country-roles"]) == 0
    for name in ("all-routes.html", "air-bridges.html"):
        page = (tmp_path / "maps" / name).read_text(encoding="utf-8")
        assert "routemap-role-origin" in page and "routemap-role-destination" in page

"""``routemap build``: a batch of articles to a folder of maps (routemap.export)."""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from routemap.cli import main
from routemap.export import MANIFEST, BuildError, BuildReport, build, html_to_text

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
HOSTILE = "<script>alert(1)</script>"
HOSTILE_NAME = "<svg onload=alert(1)>.txt"


def _corpus(root: Path) -> Path:
    """Two seeds, three tiny articles (one hostile), an HTML page and two bad files."""
    corpus = root / "corpus"
    corpus.mkdir()
    for name in ("000_8a9a345fb03fcc62.txt", "002_a9ed85fdf81ea570.txt"):
        shutil.copy(SEEDS / name, corpus / name)
    (corpus / HOSTILE_NAME).write_text(
        f"{HOSTILE} Cocaine via Callao\n\nPolice said 2 tons of cocaine were shipped from "
        "the port of Callao to Antwerp in containers of bananas.\n",
        encoding="utf-8",
    )
    (corpus / "meeting.txt").write_text(
        "Officials met in Lima and Cusco on Monday to discuss the budget.\n", encoding="utf-8"
    )
    (corpus / "empty.md").write_text("Nothing to see here at all.\n", encoding="utf-8")
    (corpus / "page.html").write_text(
        "<html><head><title>Air bridge</title><script>var Bogota = 1;</script></head><body>"
        "<nav>Home · Chile · Mexico</nav><p>Police said small planes carried cocaine from "
        "the VRAEM to Bolivia in an air bridge.</p><footer>Argentina</footer></body></html>",
        encoding="utf-8",
    )
    (corpus / "binary.txt").write_bytes(b"\x00\x01\x02PK\x03\x04 not text")
    (corpus / "latin1.txt").write_bytes("Café in Lima, Perú.\n".encode("latin-1"))
    return corpus


def _hashes(tree: Path) -> dict[str, str]:
    return {
        str(p.relative_to(tree)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(tree.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, int, str]:
    root = tmp_path_factory.mktemp("build")
    corpus = _corpus(root)
    out = root / "out"
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(["build", str(corpus), "-o", str(out)])
    return corpus, out, code, err.getvalue()


def test_tree_is_written_as_listed(built: tuple[Path, Path, int, str]) -> None:
    _, out, _, _ = built
    files = set(_hashes(out))
    assert {
        "index.html",
        "all-routes.html",
        "routes.geojson",
        "routes.yaml",
        "postal-flows.html",
        "ports.html",
        "air-bridges.html",
        "documents/000_8a9a345fb03fcc62.html",
        "documents/002_a9ed85fdf81ea570.html",
        "documents/<svg onload=alert(1)>.html",
        "documents/meeting.html",
        "documents/empty.html",
        "documents/page.html",
    } <= files
    assert not {"river.html", "land.html", "documents/binary.html"} & files
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "river.html" in index and "land.html" in index  # listed as skipped
    assert "http" not in index.replace('lang="en"', "")  # no external assets
    # A document with places but no route gets a map of its places; one with neither a page.
    assert "Cusco" in (out / "documents/meeting.html").read_text(encoding="utf-8")
    assert "No route" in (out / "documents/empty.html").read_text(encoding="utf-8")
    page = (out / "documents/page.html").read_text(encoding="utf-8")
    assert "Air bridge" in page and "VRAEM" in page


def test_bad_files_are_reported_and_the_rest_built(built: tuple[Path, Path, int, str]) -> None:
    _, out, code, stderr = built
    assert code == 1
    index = (out / "index.html").read_text(encoding="utf-8")
    for name in ("binary.txt", "latin1.txt"):
        assert name in stderr and name in index
    assert "binary file" in index and "not UTF-8" in index
    assert "documents/page.html" in index and "postal-flows.html" in index


def test_html_articles_drop_scripts_and_chrome() -> None:
    text, title = html_to_text(
        "<title>T &amp; U</title><header>Menu</header><p>Cocaine left<br>Callao.</p>"
        "<script>alert(1)</script><aside>Ads</aside><p>Then  Antwerp.</p>"
    )
    assert title == "T & U"
    assert text == "Cocaine left\nCallao.\nThen Antwerp.\n"


def test_index_escapes_hostile_names_and_titles(built: tuple[Path, Path, int, str]) -> None:
    _, out, _, _ = built
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "<script" not in index and "<svg" not in index
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in index
    assert 'href="documents/%3Csvg%20onload%3Dalert%281%29%3E.html"' in index  # URL-quoted


def test_rerun_is_byte_identical_and_leaves_no_temp_files(
    built: tuple[Path, Path, int, str],
) -> None:
    corpus, out, _, _ = built
    before = _hashes(out)
    report = build([corpus], out, progress=False)
    assert isinstance(report, BuildReport) and not report.ok
    assert _hashes(out) == before
    leftovers = [p for p in out.rglob("*") if p.name.endswith(".tmp") or p.name.startswith(".")]
    assert leftovers == [out / MANIFEST]  # the list of what routemap wrote, nothing else
    listed = (out / MANIFEST).read_text(encoding="utf-8").splitlines()
    assert [line for line in listed if not line.startswith("#")] == sorted(
        str(p.relative_to(out)) for p in out.rglob("*") if p.is_file() and p.name != MANIFEST
    )


def test_rerun_removes_only_the_outputs_it_no_longer_writes(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("000_8a9a345fb03fcc62.txt", "002_a9ed85fdf81ea570.txt"):
        shutil.copy(SEEDS / name, corpus / name)
    out = tmp_path / "out"
    first = build([corpus], out, progress=False)
    # The user's own files, in the folder and beside the pages, some with output-like names.
    mine = [out / "notes.txt", out / "documents" / "mine.html", out / "river.html"]
    for path in mine:
        path.write_text("keep me", encoding="utf-8")
    (corpus / "000_8a9a345fb03fcc62.txt").unlink()  # the postal-flows article goes away
    second = build([corpus], out, progress=False)
    gone = set(first.maps) - set(second.maps)
    assert {"documents/000_8a9a345fb03fcc62.html", "postal-flows.html"} <= gone
    assert "postal-flows.html" in second.skipped and "river.html" in second.skipped
    assert not any((out / name).exists() for name in gone)
    assert all((out / name).exists() for name in second.maps)
    assert all(path.read_text(encoding="utf-8") == "keep me" for path in mine)
    # A fresh build of the same input into another folder gives the same tree.
    fresh = build([corpus], tmp_path / "fresh", progress=False)
    assert fresh == second
    assert {
        k: v
        for k, v in _hashes(out).items()
        if k not in {"notes.txt", "documents/mine.html", "river.html"}
    } == _hashes(tmp_path / "fresh")


def test_a_manifest_cannot_reach_outside_the_folder(tmp_path: Path) -> None:
    outside = tmp_path / "precious.html"
    outside.write_text("keep me", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / MANIFEST).write_text(
        f"# hand-edited\n../precious.html\n{outside}\nindex.html\n", encoding="utf-8"
    )
    build([SEEDS / "003_aceaf8166e69cb16.txt"], out, progress=False)
    assert outside.read_text(encoding="utf-8") == "keep me"


def test_workers_do_not_change_the_output(tmp_path: Path) -> None:
    sources = [SEEDS / "003_aceaf8166e69cb16.txt", SEEDS / "004_80e2601664cfa633.txt"]
    one = build(sources, tmp_path / "one", workers=1, progress=False)
    two = build(sources, tmp_path / "two", workers=2, progress=False)
    assert one == two and one.ok and one.routes > 0
    assert _hashes(tmp_path / "one") == _hashes(tmp_path / "two")


def test_outdir_that_is_a_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "out"
    target.write_text("not a folder", encoding="utf-8")
    assert main(["build", str(SEEDS), "-o", str(target)]) == 2
    assert "is a file" in capsys.readouterr().err
    assert target.read_text(encoding="utf-8") == "not a folder"


def test_no_source_matched_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", str(tmp_path / "*.txt"), "-o", str(tmp_path / "out")]) == 2
    assert "no input file matched" in capsys.readouterr().err
    with pytest.raises(BuildError):
        build([tmp_path / "missing.txt"], tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_png_thumbnails_with_one_browser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from routemap.render import png

    if png.find_browser() is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is required in CI but is missing")
        pytest.skip("Chromium is not installed")
    browsers: list[object] = []
    real_init = png.Browser.__init__

    def init(self: png.Browser, *args: Any, **kwargs: Any) -> None:
        browsers.append(self)
        real_init(self, *args, **kwargs)

    monkeypatch.setattr(png.Browser, "__init__", init)
    sources = [SEEDS / "003_aceaf8166e69cb16.txt", SEEDS / "004_80e2601664cfa633.txt"]
    out = tmp_path / "out"
    report = build(sources, out, png=True, progress=False)
    assert report.ok and len(browsers) == 1  # one Chromium for the whole batch
    thumbs = sorted(str(p.relative_to(out)) for p in (out / "thumbnails").rglob("*.png"))
    assert thumbs == sorted(f"thumbnails/{m.removesuffix('.html')}.png" for m in report.maps)
    for name in thumbs:
        data = (out / name).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[16:24] == bytes.fromhex("000003c000000280")
    index = (out / "index.html").read_text(encoding="utf-8")
    assert all(f'<img src="{name}"' in index for name in thumbs)
    # Without --png the next build drops the thumbnails it made, and their column.
    build(sources, out, progress=False)
    assert not list((out / "thumbnails").rglob("*.png"))
    assert "<img" not in (out / "index.html").read_text(encoding="utf-8")


def test_png_without_a_browser_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("ROUTEMAP_BROWSER", raising=False)
    monkeypatch.setattr(shutil, "which", lambda *a, **k: None)
    out = tmp_path / "out"
    code = main(["build", str(SEEDS / "003_aceaf8166e69cb16.txt"), "-o", str(out), "--png"])
    assert code == 1
    assert "apt install chromium" in capsys.readouterr().err
    assert not out.exists()  # it stopped before writing anything


# -- a batch larger than a map draws ------------------------------------------------------


def test_route_files_written_in_chunks_are_the_files_write_routes_writes(
    built: tuple[Path, Path, int, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from routemap import read_routes
    from routemap.export import _geojson_pieces, _yaml_pieces
    from routemap.io import write_routes

    _, out, _, _ = built
    routes = read_routes(out / "routes.geojson")
    assert len(routes) >= 3
    monkeypatch.setattr("routemap.export._FILE_CHUNK", 2)  # several chunks, the last short
    for name, pieces in (("x.geojson", _geojson_pieces), ("x.yaml", _yaml_pieces)):
        for subset in (routes, list(routes)[:1], []):
            expected = write_routes(subset, tmp_path / name).read_text(encoding="utf-8")
            assert "".join(pieces(subset)) == expected, (name, len(subset))


def test_a_batch_map_draws_the_most_cited_routes_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from routemap import read_routes

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for number, (origin, destination) in enumerate(
        [("Callao", "Antwerp"), ("Paita", "Valencia"), ("Callao", "Rotterdam")]
    ):
        (corpus / f"a{number}.txt").write_text(
            f"Police said 2 tons of cocaine were shipped from the port of {origin} to "
            f"{destination} in containers of bananas.\n",
            encoding="utf-8",
        )
    # The second route cited twice: by a second article.
    (corpus / "a3.txt").write_text(
        (corpus / "a1.txt").read_text(encoding="utf-8").replace("Police", "Customs"),
        encoding="utf-8",
    )
    everything = build([corpus], tmp_path / "all", progress=False)
    assert everything.routes == 3
    monkeypatch.setattr("routemap.export.MAP_ROUTES", 1)
    capped = build([corpus], tmp_path / "capped", progress=False)
    assert capped == everything  # the same counts and maps, fewer routes drawn
    # Two workers draw the batch maps: the routes chosen here, the same bytes.
    assert build([corpus], tmp_path / "two", workers=2, progress=False) == capped
    assert _hashes(tmp_path / "two") == _hashes(tmp_path / "capped")
    page = (tmp_path / "capped" / "all-routes.html").read_text(encoding="utf-8")
    assert "the 1 most cited of 3 routes" in page and "routes.geojson" in page
    assert "Valencia" in page and "Antwerp" not in page and "Rotterdam" not in page
    # Every route and citation is still in the route files, whatever the maps draw.
    for name in ("routes.geojson", "routes.yaml"):
        assert (tmp_path / "capped" / name).read_bytes() == (tmp_path / "all" / name).read_bytes()
    assert len(read_routes(tmp_path / "capped" / "routes.yaml")) == 3
    uncapped = (tmp_path / "all" / "all-routes.html").read_text(encoding="utf-8")
    assert "most cited" not in uncapped and "Antwerp" in uncapped

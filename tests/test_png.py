"""PNG export through headless Chromium (routemap.render.png)."""

from __future__ import annotations

import os
import shutil
import struct
from collections.abc import Iterator
from pathlib import Path

import pytest

import routemap
from routemap.render import places_map
from routemap.render.png import Browser, BrowserError, find_browser, save_png

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_SIGNATURE
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def need_chromium() -> None:
    """Skip without Chromium, except in CI where it must exist (tests/conftest.py's rule)."""
    if find_browser() is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is required in CI (installed by .ci/run) but is missing")
        pytest.skip("Chromium is not installed")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    need_chromium()
    with Browser() as chromium:
        yield chromium


@pytest.fixture(scope="module")
def small_map(gaz: routemap.Gazetteer) -> object:
    return places_map([gaz.resolve(n) for n in ("VRAEM", "Callao", "Bolivia")], title="PNG")


def test_png_of_the_places_map_has_the_requested_size(
    browser: Browser, small_map: object, tmp_path: Path
) -> None:
    out = save_png(small_map, tmp_path / "out" / "map.png", browser=browser)
    assert out == tmp_path / "out" / "map.png"
    assert png_size(out.read_bytes()) == (1200, 800)
    small = save_png(small_map, tmp_path / "small.png", width=640, height=480, browser=browser)
    assert png_size(small.read_bytes()) == (640, 480)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "small.png"]  # no temp files
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["map.png"]


def test_png_from_an_html_string_and_an_html_file(browser: Browser, tmp_path: Path) -> None:
    page = "<!doctype html><body style='margin:0;background:#f00'><p>hello</p></body>"
    from_string = save_png(page, tmp_path / "a.png", width=320, height=200, browser=browser)
    (tmp_path / "page.html").write_text(page, encoding="utf-8")
    from_file = save_png(
        tmp_path / "page.html", tmp_path / "b.png", width=320, height=200, browser=browser
    )
    assert png_size(from_string.read_bytes()) == png_size(from_file.read_bytes()) == (320, 200)


def test_pages_are_shot_after_the_ready_signal(
    browser: Browser, small_map: object, tmp_path: Path
) -> None:
    # places_map fits its bounds with an animated zoom: READY waits for it to end.
    from routemap.render import save_html

    html = save_html(small_map, tmp_path / "map.html")  # type: ignore[arg-type]
    with browser.new_page(width=400, height=300) as page:
        page.goto(html.as_uri())
        state = page.evaluate(
            "[window.routemapReady, document.readyState, Object.values(window).some(v => {"
            " try { return v instanceof L.Map && (v._animatingZoom || !v._loaded); }"
            " catch (e) { return false; } })]"
        )
    assert state == [True, "complete", False]


def test_no_browser_names_the_packages_to_install(
    monkeypatch: pytest.MonkeyPatch, small_map: object, tmp_path: Path
) -> None:
    monkeypatch.delenv("ROUTEMAP_BROWSER", raising=False)
    monkeypatch.setattr(shutil, "which", lambda *a, **k: None)
    with pytest.raises(routemap.MissingDependency, match="apt install chromium chromium-driver"):
        save_png(small_map, tmp_path / "map.png")
    assert not (tmp_path / "map.png").exists()
    with pytest.raises(routemap.MissingDependency) as raised:
        Browser()
    assert isinstance(raised.value, routemap.RoutemapError)
    assert isinstance(raised.value, ImportError)


def test_a_missing_executable_path_is_a_missing_dependency(tmp_path: Path) -> None:
    with pytest.raises(routemap.MissingDependency, match="is not an executable"):
        Browser(tmp_path / "no-such-chromium")


def test_a_browser_that_dies_is_a_browser_error(tmp_path: Path) -> None:
    fake = tmp_path / "fake-chromium"
    fake.write_text("#!/bin/sh\necho 'cannot open display' >&2\nexit 1\n", encoding="utf-8")
    fake.chmod(0o755)
    with pytest.raises(BrowserError, match="cannot open display"):
        Browser(fake, timeout=10).start()


def test_browser_closes_without_leaking_descriptors() -> None:
    need_chromium()
    before = set(os.listdir("/proc/self/fd"))
    with Browser() as chromium:
        assert chromium.running
        with chromium.new_page(width=100, height=100) as page:
            assert page.evaluate("1 + 1") == 2
    assert not chromium.running
    assert set(os.listdir("/proc/self/fd")) <= before


def test_bad_arguments(small_map: object, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="width"):
        save_png(small_map, tmp_path / "x.png", width=0)
    with pytest.raises(TypeError, match=r"folium\.Map, an HTML string"):
        save_png(42, tmp_path / "x.png")  # type: ignore[arg-type]
    with pytest.raises(FileNotFoundError):
        save_png(tmp_path / "missing.html", tmp_path / "x.png")

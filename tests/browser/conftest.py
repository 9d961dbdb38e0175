"""A small browser driver for tests: headless Chromium over the DevTools protocol.

One Chromium per session (``browser``), one tab per test (``page``), driven through
:mod:`routemap.render.png` (a pipe, standard library only: no selenium, no chromedriver,
no socket). Each :class:`RecordingPage` records every network request the page makes,
every console error and uncaught exception, and every JavaScript dialog (answered at once,
so an ``alert`` from an XSS never blocks). ``window.__xss`` is an empty list in every
document; XSS payloads call ``__xss.push(...)``.

Pages are opened from ``file://`` or from ``http_server``, a loopback ``http.server``
on 127.0.0.1 for one test: any test that uses it gets pytest-socket's
``allow_hosts(["127.0.0.1"])`` marker (added below), which lets it create sockets and
connect only to loopback; every other test stays fully offline.

Without Chromium these tests skip, except under ``CI=true`` where they fail (as
``tests/conftest.py``'s ``require_program`` does).
"""

from __future__ import annotations

import functools
import glob
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from routemap.render.png import Browser, find_browser

from .browserkit import ARTIFACTS, HEIGHT, ROOT, WIDTH, RecordingPage, require


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # pytest-socket 0.8: a test with allow_hosts may create sockets (the server's) and
    # connect only to those hosts; --disable-socket still applies to every other test.
    for item in items:
        if "http_server" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.allow_hosts(["127.0.0.1"]))


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    require(find_browser() is not None, "Chromium (apt install chromium)")
    with Browser(timeout=30) as chromium:
        yield chromium


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def page(browser: Browser) -> Iterator[RecordingPage]:
    tab = browser.new_page(width=WIDTH, height=HEIGHT)
    try:
        yield RecordingPage(tab)
    finally:
        tab.close()


@pytest.fixture
def http_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """``(base_url, folder)``: files written to ``folder`` are served at ``base_url``."""
    handler = functools.partial(_QuietHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="test-http", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", tmp_path
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/favicon.ico":  # the browser asks for it by itself, not the page
            self.send_response(204)
            self.end_headers()
            return
        super().do_GET()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="session")
def seed_routes() -> Any:
    import routemap

    paths = sorted(glob.glob(str(ROOT / "seeds" / "*.txt")))
    assert paths, "no seed articles in seeds/"
    return routemap.extract_routes([routemap.read_document(p) for p in paths])

"""Hostile text in every page ``routemap build`` writes, opened in a real browser.

One batch, built through the CLI, carries the payloads of :mod:`test_xss` in:

* article files: their names, headlines (the page titles) and the sentences cited;
* files that fail: their names (``<img src=x onerror=…>.txt``) and the error messages
  that quote the offending text (an unknown place or mode in a route file);
* a YAML and a GeoJSON route file (named with payloads too) whose every field carries
  one: place ids and names, mode-dependent leg notes, commodity, quantity text, period
  text, and each citation's document, title, date, source and sentence.

Every HTML file of the output (index.html, documents/*.html, the per-mode maps and
all-routes.html) is opened with every popup and tooltip open; none may run a payload,
open a dialog, log an error, load anything or hold injected markup, and the text must
read as written. The links of the index must lead to the pages written.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml

import routemap
import routemap.export
from routemap.cli import main

from .browserkit import SPREAD_GROUP_BINDINGS_JS, RecordingPage, collapse, require_render
from .test_xss import MODES, PAYLOADS, assert_safe, page_text, visible

# Payloads that can be part of a file name (no "/" or NUL), short enough for one.
NAMEABLE = tuple(p for p in PAYLOADS if "/" not in p and "\x00" not in p and len(p.encode()) < 200)


def _id(payload: str, i: int) -> str:
    """A place id carrying the payload (ids are ``namespace:value`` without whitespace)."""
    return f"xss:{i}-" + re.sub(r"\s+", "", payload)


def _stop(payload: str, i: int, kind: str) -> dict[str, Any]:
    lat, lon = -50 + (i * 13) % 100, -170 + (i * 7) % 340
    return {"id": _id(payload, i), "name": payload, "kind": kind, "lat": lat, "lon": lon}


def _citation(payload: str, i: int) -> dict[str, Any]:
    return {
        "document": f"{payload} {i}",
        "title": payload,
        "date": payload,
        "source": payload,
        "sentence": payload,
    }


def hostile_yaml() -> dict[str, Any]:
    """One route per payload, every field of the YAML form carrying it."""
    routes = []
    for i, payload in enumerate(PAYLOADS):
        mode = MODES[i % len(MODES)]
        kind = "port" if mode == "maritime" else "city"
        routes.append(
            {
                "stops": [_stop(payload, 3 * i, kind), _stop(payload, 3 * i + 1, kind)],
                "mode": mode,
                "commodity": payload,
                "quantity": payload,
                "period": f"{payload} in 2014",
                "confidence": 0.5,
                "citations": [_citation(payload, i)],
            }
        )
    return {"routes": routes}


def hostile_geojson(gaz: routemap.Gazetteer) -> dict[str, Any]:
    """The GeoJSON form of routes whose places, fields and citations carry the payloads."""
    routes = []
    for i, payload in enumerate(PAYLOADS):
        mode = MODES[(i + 2) % len(MODES)]
        stops = [
            routemap.Place(**_stop(payload, 3 * i + 2, "area")),
            gaz.get("iso3166:PE"),
            routemap.Place(**_stop(f"to {payload}", 3 * i + 300, "city")),
        ]
        routes.append(
            routemap.Route.build(
                stops,
                mode,
                commodity=payload,
                quantity=payload,
                period=routemap.Period(2010, 2012),
                citations=[routemap.Citation(**_citation(payload, i + 1000), start=0, end=9)],
                gazetteer=gaz,
            )
        )
    return routemap.RouteSet(routes).to_geojson()


def hostile_article(payloads: tuple[str, ...]) -> str:
    """A headline with a payload, then sentences that state routes around the others."""
    headline = f"Report {payloads[0]} on the trade".replace("\n", " ")
    sentences = [
        f"Police say {p} cocaine is flown from Peru to Bolivia by light aircraft."
        for p in payloads[1:]
    ]
    # A NUL makes the file binary (refused, as test_bad_inputs checks): the route files
    # carry that payload.
    return (headline + "\n\n" + "\n\n".join(sentences) + "\n").replace("\x00", "")


def _hrefs(markup: str) -> list[str]:
    found: list[str] = []

    class Links(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag == "a":
                found.extend(v for k, v in attrs if k == "href" and v is not None)

    Links().feed(markup)
    return found


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory, gaz: routemap.Gazetteer) -> dict[str, Any]:
    require_render()
    root = tmp_path_factory.mktemp("xss-batch")
    articles = root / "articles"
    articles.mkdir()
    written: dict[str, str] = {}
    groups = [PAYLOADS[i : i + 13] for i in range(0, len(PAYLOADS), 13)]
    for number, group in enumerate(groups):
        name = f"{NAMEABLE[number]} {number}.txt"
        text = hostile_article(group)
        (articles / name).write_text(text, encoding="utf-8")
        written[name] = text
    # An article with places but no route, and one with neither: their own pages.
    (articles / f"{NAMEABLE[-1]} places.md").write_text(
        f"{PAYLOADS[0]} Peru and Bolivia {PAYLOADS[1]}.\n", encoding="utf-8"
    )
    nothing = articles / f"{NAMEABLE[-2]} nothing.txt"
    nothing.write_text("Nothing here at all.\n", "utf-8")
    # A name that is not a URL as written: its link must still lead to its page.
    (articles / "50% #1 ?x=1&y=2 .txt").write_text("Nothing here at all.\n", "utf-8")
    # Files that fail, named with payloads: the index shows their names and errors.
    failing = [articles / f"{p} bad.txt" for p in NAMEABLE[:12]]
    for path in failing:
        path.write_bytes(b"Cocaine to Peru \xff\xfe broken\n")
    sources = [str(articles)]
    yaml_file = root / f"{NAMEABLE[3]} routes.yaml"
    yaml_file.write_text(yaml.safe_dump(hostile_yaml(), allow_unicode=True), encoding="utf-8")
    geojson_file = root / f"{NAMEABLE[4]} routes.geojson"
    geojson_file.write_text(json.dumps(hostile_geojson(gaz)), encoding="utf-8")
    sources += [str(yaml_file), str(geojson_file)]
    # Route files whose errors quote hostile text: an unknown place, an unknown mode.
    bad_place = root / f"{NAMEABLE[5]} bad-place.yaml"
    bad_place.write_text(
        yaml.safe_dump({"routes": [{"stops": [PAYLOADS[4], "Peru"]}]}), encoding="utf-8"
    )
    bad_mode = root / f"{NAMEABLE[6]} bad-mode.yaml"
    bad_mode.write_text(
        yaml.safe_dump({"routes": [{"stops": ["Peru", "Bolivia"], "mode": PAYLOADS[0]}]}),
        encoding="utf-8",
    )
    sources += [str(bad_place), str(bad_mode)]
    out = root / "out"
    code = main(["build", *sources, "-o", str(out)])
    assert code == 1  # some inputs failed, the rest was built
    return {
        "out": out,
        "failing": [*map(str, failing), str(bad_place), str(bad_mode)],
        "route_files": [str(yaml_file), str(geojson_file)],
        "articles": {str(articles / n): t for n, t in written.items()},
        "nothing": nothing,
    }


def visit(page: RecordingPage, path: Path) -> None:
    """Open ``path`` in the tab with a fresh record (one tab visits several pages)."""
    page.requests.clear()
    page.dialogs.clear()
    page.console_errors.clear()
    page.open(path)


# Open the popups and tooltips of layers[start:start + count], after closing the others
# (a map of the whole batch has over a thousand: all open at once take minutes to lay out).
OPEN_SLICE_JS = r"""
((start, count) => {
  const L = window.L;
  if (!L) return [0, 0];
  const layers = [];
  for (const key of Object.keys(window)) {
    let v; try { v = window[key]; } catch (e) { continue; }
    if (v instanceof L.Map)
      v.eachLayer((layer) => { if (!layers.includes(layer)) layers.push(layer); });
  }
  (SPREAD_GROUP_BINDINGS)(L, layers);  // one popup per leg, as open_all_popups does
  for (const layer of layers) {
    if (layer.closePopup) layer.closePopup();
    if (layer.closeTooltip) layer.closeTooltip();
  }
  let opened = 0;
  for (const layer of layers.slice(start, start + count)) {
    const popup = layer.getPopup && layer.getPopup();
    if (popup) {
      popup.options.autoClose = false;
      popup.options.closeOnClick = false;
      popup.options.autoPan = false;
      layer.openPopup();
      opened++;
    }
    const tooltip = layer.getTooltip && layer.getTooltip();
    if (tooltip) { layer.openTooltip(); opened++; }
  }
  return [opened, layers.length];
})
""".replace("(SPREAD_GROUP_BINDINGS)", SPREAD_GROUP_BINDINGS_JS.strip())


def shown_text(page: RecordingPage) -> str:
    """The text the page renders (not the text of its scripts, as textContent would be)."""
    return collapse(page.evaluate("document.body.innerText"))


def open_popups_in_slices(page: RecordingPage, size: int = 150) -> tuple[int, str]:
    """Open every popup and tooltip, ``size`` layers at a time, checking the page is safe
    with each slice open; the number opened and the text shown, slice after slice."""
    opened, texts, start = 0, [shown_text(page)], 0
    while True:
        count, total = page.evaluate(f"({OPEN_SLICE_JS})({start}, {size})")
        page.settle()
        assert_safe(page)
        opened += count
        texts.append(shown_text(page))
        start += size
        if start >= total:
            return opened, " ".join(texts)


def test_the_batch_wrote_every_kind_of_page(batch: dict[str, Any]) -> None:
    out = batch["out"]
    names = {p.name for p in out.glob("*.html")}
    assert {"index.html", "all-routes.html", "air-bridges.html", "ports.html"} <= names
    assert {"river.html", "land.html", "postal-flows.html"} <= names
    # one page per article read (routes, places only, nothing at all)
    assert len(list((out / "documents").glob("*.html"))) == len(batch["articles"]) + 3


def test_index_with_hostile_names_and_errors(page: RecordingPage, batch: dict[str, Any]) -> None:
    index = batch["out"] / "index.html"
    visit(page, index)
    assert_safe(page)
    text = page_text(page)
    for path in batch["failing"] + batch["route_files"]:
        assert visible(path) in text, f"{path!r} not shown as written"
    for shown in (PAYLOADS[0], PAYLOADS[4]):  # quoted by the route files' errors
        assert visible(repr(shown)[1:-1]) in text or visible(shown) in text
    title = page.evaluate("document.title")
    assert title == "routemap build"


def test_index_links_lead_to_the_pages_written(batch: dict[str, Any]) -> None:
    out = batch["out"]
    markup = (out / "index.html").read_text(encoding="utf-8")
    hrefs = _hrefs(markup)
    assert len(hrefs) >= len(batch["articles"]) + 5
    broken = [h for h in hrefs if not (out / urllib.parse.unquote(h.split("#")[0])).is_file()]
    assert broken == []
    for href in hrefs:  # a link is a relative path in the folder, never a scheme
        assert urllib.parse.urlsplit(href).scheme == "" and not href.startswith("/")


def test_maps_are_safe_and_show_every_payload(page: RecordingPage, batch: dict[str, Any]) -> None:
    out = batch["out"]
    visit(page, out / "all-routes.html")
    opened, text = open_popups_in_slices(page)
    assert opened >= 2 * len(PAYLOADS)
    missing = [p for p in PAYLOADS if visible(p) not in text]
    assert missing == [], "shown altered or not at all"
    # One map per mode: the YAML file's routes of that mode, the GeoJSON file's others.
    for number, (_, name, _title) in enumerate(routemap.export.MODE_MAPS):
        visit(page, out / name)
        try:
            _, shown = open_popups_in_slices(page)
        except AssertionError as exc:
            raise AssertionError(f"{name}: {exc}") from exc
        wanted = [p for i, p in enumerate(PAYLOADS) if i % len(MODES) == number]
        assert [p for p in wanted if visible(p) not in shown] == [], name


def test_article_pages_show_their_sentences_and_titles(
    page: RecordingPage, batch: dict[str, Any], gaz: routemap.Gazetteer
) -> None:
    out = batch["out"]
    for path in sorted((out / "documents").glob("*.html")):  # routes, places, or a note
        visit(page, path)
        try:
            _, shown = open_popups_in_slices(page)
        except AssertionError as exc:
            raise AssertionError(f"{path.name}: {exc}") from exc
        if path.stem == batch["nothing"].stem:  # the note names the file and its title
            assert visible(str(batch["nothing"])) in shown
            assert page.evaluate("document.title") == batch["nothing"].stem
    index = (out / "index.html").read_text(encoding="utf-8")
    for path in batch["articles"]:
        document = routemap.read_document(path)
        routes = routemap.extract_routes(document, gazetteer=gaz)
        assert len(routes), path
        href = next(
            h for h in _hrefs(index) if Path(urllib.parse.unquote(h)).stem == Path(path).stem
        )
        visit(page, out / urllib.parse.unquote(href))
        _, shown = open_popups_in_slices(page)
        cited = {c.sentence for route in routes for c in route.citations}
        assert [s for s in cited if collapse(s) not in shown] == [], path
        assert document.title is not None and visible(document.title) in shown

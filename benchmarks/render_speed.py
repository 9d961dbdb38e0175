"""Map rendering speed and size: routemap.render against a naive folium build.

Run from the project root:

    .venv/bin/python benchmarks/render_speed.py [--legs 10000] [--repeat 3]

Builds ``--legs`` one-leg air routes between random pairs of Peruvian, Bolivian and
Brazilian GeoNames cities (great circles, drawn before timing; no searoute), each with a
commodity, a quantity, a period and a citing sentence from a pool of 500, then prints:

- ours: ``render(routes)`` to the page's HTML (one GeoJson layer per mode, arrows and
  popups bound in one script): best wall and CPU time of ``--repeat``, and size;
- naive: the same legs on the same offline base, one ``folium.PolyLine`` per leg with its
  own escaped Popup and Tooltip: wall time and size; and the ratio;
- chromium: how long headless Chromium takes from opening our page to having drawn it
  (its READY signal), and that every leg was drawn (``--no-chromium`` skips it);
- the seed map (``seeds/*.txt``) offline, with OpenStreetMap tiles, and online (CDN).

Targets: ours ≤ 1 s and ≤ 3 MB for 10,000 legs, ≥ 5× faster than naive; drawn in
Chromium in a few seconds.
"""

from __future__ import annotations

import argparse
import glob
import html
import random
import time
from collections.abc import Callable
from typing import Any

import routemap
from routemap.geometry import make_leg, unwrap
from routemap.render import MODE_STYLES, offline_map, render
from routemap.routes import Citation, Mode, Route, RouteSet


def build_routes(n: int, seed: int = 0) -> RouteSet:
    gaz = routemap.Gazetteer.default()
    cities = [p for cc in ("PE", "BO", "BR") for p in gaz.places(kind="city", country=cc)]
    rng = random.Random(seed)
    pool = [
        Citation(
            f"bench/{i % 40:03d}.txt",
            title=f"Report {i % 40}",
            date=f"20{10 + i % 14}-0{1 + i % 9}-15",
            source="benchmark",
            sentence=f"Sentence {i}: light aircraft carried cocaine paste between "
            f"{rng.choice(cities).name} and {rng.choice(cities).name}, police said.",
        )
        for i in range(500)
    ]
    routes = []
    while len(routes) < n:
        a, b = rng.sample(cities, 2)
        if a.latlon == b.latlon:
            continue
        year = rng.randrange(2005, 2024)
        routes.append(
            Route(
                (a, b),
                (make_leg(a, b, Mode.AIR),),
                commodity="cocaine",
                quantity=f"{rng.randrange(50, 900)} kg",
                period=year,
                confidence=0.6,
                citations=(rng.choice(pool),),
            )
        )
    return RouteSet(routes)


def naive(routes: RouteSet) -> str:
    import folium

    fmap = offline_map(title="naive")
    style = MODE_STYLES[Mode.AIR]
    for route in routes:
        for leg in route.legs:
            citation = route.citations[0]
            popup = (
                f"<b>{html.escape(route.origin.name)} → {html.escape(route.destination.name)}"
                f"</b><br>{html.escape(route.commodity or '')}, "
                f"{html.escape(route.quantity.text if route.quantity else '')}, "
                f"{route.period}<br><q>{html.escape(citation.sentence)}</q> "
                f"{html.escape(citation.title or '')} {citation.date}"
            )
            folium.PolyLine(
                unwrap(leg.path),
                color=style.color,
                weight=3,
                dash_array=style.dash,
                popup=folium.Popup(popup, max_width=360),
                tooltip=html.escape(f"{route.origin.name} → {route.destination.name} (air)"),
            ).add_to(fmap)
    return str(fmap.get_root().render())


def timed(build: Callable[[], str], repeat: int) -> tuple[float, float, str]:
    """Best wall time and best CPU time (this process) of ``repeat`` builds, and a page.
    On a shared machine the CPU time is the steadier figure."""
    best, cpu, page = float("inf"), float("inf"), ""
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        page = build()
        best = min(best, time.perf_counter() - start)
        cpu = min(cpu, time.process_time() - start_cpu)
    return best, cpu, page


# Per mode layer: the legs (polylines) and arrowheads its renderer draws, and the kind of
# renderer; the drawn legs must add up to every leg.
_DRAWN_JS = """(() => {
  let legs = 0, arrows = 0, canvas = true;
  for (const group of Object.values(window.routemapLayers || {})) {
    group.eachLayer((layer) => {
      const r = layer._renderer, canvas_ = r instanceof L.Canvas;
      canvas = canvas && (canvas_ || !r);
      const element = layer._path || layer._icon;  // SVG path or a marker's element
      const drawn = canvas_ ? !!r._layers[L.stamp(layer)] : !!(element && element.isConnected);
      if (!(layer._map && drawn)) return;
      if (layer instanceof L.Polyline) legs++; else arrows++;
    });
  }
  return [legs, arrows, canvas];
})()"""


def draw_time(page: str, legs: int, repeat: int) -> None:
    """How long headless Chromium takes to open the page and draw it: from navigation
    to the page's READY signal (loaded, every map has its view, two frames painted since;
    :mod:`routemap.render.png`), best of ``repeat`` fresh tabs; then a screenshot."""
    import tempfile
    from pathlib import Path

    from routemap.errors import MissingDependency
    from routemap.render.png import Browser

    try:
        with Browser(timeout=600) as browser, tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp, "map.html")
            path.write_text(page, encoding="utf-8")
            best, shot, drawn = float("inf"), float("inf"), [0, 0, False]
            for _ in range(repeat):
                with browser.new_page(width=1200, height=800) as tab:
                    start = time.perf_counter()
                    tab.goto(path.as_uri())
                    ready = time.perf_counter() - start
                    tab.screenshot()
                    best = min(best, ready)
                    shot = min(shot, time.perf_counter() - start - ready)
                    drawn = tab.evaluate(_DRAWN_JS)
            renderer = "canvas" if drawn[2] else "SVG"
            print(
                f"chromium {best:7.2f}s  open → drawn (READY), best of {repeat}; screenshot "
                f"+{shot:.2f}s; {drawn[0]:,} legs and {drawn[1]:,} arrowheads drawn on "
                f"{renderer}" + ("" if drawn[0] == legs else f" (NOT all {legs:,} legs)")
            )
    except MissingDependency as exc:
        print(f"chromium: not measured ({exc})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--legs", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--no-chromium", dest="chromium", action="store_false", help="skip the draw time"
    )
    args = parser.parse_args()

    start = time.perf_counter()
    routes = build_routes(args.legs)
    points = sum(len(leg.path) for r in routes for leg in r.legs)
    print(
        f"{args.legs:,} air legs, {points:,} path points, built in "
        f"{time.perf_counter() - start:.1f} s (not timed below)"
    )
    render(routes[:10]).get_root().render()  # warm caches: Leaflet, basemap, imports

    ours_s, ours_cpu, ours = timed(lambda: str(render(routes).get_root().render()), args.repeat)
    naive_s, naive_cpu, slow = timed(lambda: naive(routes), 1)
    mb: Callable[[str], float] = lambda page: len(page.encode()) / 1e6  # noqa: E731
    print(f"{'':8}{'wall':>9}{'cpu':>9}{'size':>10}")
    print(f"{'ours':8}{ours_s:8.2f}s{ours_cpu:8.2f}s{mb(ours):8.2f}MB  (best of {args.repeat})")
    print(
        f"{'naive':8}{naive_s:8.2f}s{naive_cpu:8.2f}s{mb(slow):8.2f}MB"
        "  (one PolyLine + Popup per leg)"
    )
    print(
        f"ratio   {naive_s / ours_s:8.1f}×{naive_cpu / ours_cpu:8.1f}×{mb(slow) / mb(ours):8.1f}×"
        "  (naive / ours)"
    )

    if args.chromium:
        draw_time(ours, args.legs, args.repeat)

    docs = [routemap.read_document(p) for p in sorted(glob.glob("seeds/*.txt"))]
    seeds = routemap.extract_routes(docs)
    sizes: dict[str, Any] = {
        "offline (Natural Earth, Leaflet inlined)": render(seeds),
        'tiles="OpenStreetMap" (Leaflet inlined)': render(seeds, tiles="OpenStreetMap"),
        "offline=False (Leaflet from CDN, OSM tiles)": render(seeds, offline=False),
    }
    print(f"seed map, {len(seeds)} routes:")
    for name, fmap in sizes.items():
        print(f"  {name:46}{mb(fmap.get_root().render()):6.2f} MB")


if __name__ == "__main__":
    main()

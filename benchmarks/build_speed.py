"""Batch build speed: N generated articles, one worker against two; and memory.

Run from the project root:

    .venv/bin/python benchmarks/build_speed.py [--documents 1000] [--repeat 2]
    .venv/bin/python benchmarks/build_speed.py --documents 100000 --memory [--workers 2]
    .venv/bin/python benchmarks/build_speed.py --documents 300 --stages
    .venv/bin/python benchmarks/build_speed.py --batch-routes 100000 --interval 0.2

Articles are generated from English and Spanish templates over real gazetteer places
(Peruvian, Bolivian and Colombian towns, world ports and countries), so every one states a
route. Prints the wall time of `routemap build` (a fresh process each time) with 1 and 2
workers (each run ``--repeat`` times, alternating, the medians compared), the speed-up,
and the peak RSS of the largest process.

With ``--memory``, runs ``routemap build`` once in a subprocess and samples the resident
memory of it and its worker processes every ``--interval`` seconds: prints the curve
(documents done, RSS of the main process, of all processes) every ``--report`` seconds
as it goes, then the peaks over all samples.
Flat means the main process does not grow with the number of documents done.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import routemap
from routemap import Document, RouteSet

TEMPLATES = (
    "Police in {town} seized {kilos} kilos of cocaine hidden in a truck bound for {city}, "
    "officials said on Monday. The drug had been produced in the {area}.",
    "La Policía incautó {kilos} kilos de cocaína en el puerto de {port}. La droga tenía como "
    "destino {country} y había salido de {town} en camiones.",
    "Light aircraft fly cocaine from the {area} to {country}, from where it is sent on to "
    "{other}, according to the anti-drug police in {town}.",
    "Serpost detectó encomiendas con {kilos} kilos de cocaína enviadas desde {town} hacia "
    "{country} y {other}.",
)


def generate(count: int, folder: Path, seed: int = 7) -> None:
    gaz = routemap.Gazetteer.default()
    towns = [
        p.name
        for code in ("PE", "BO", "CO")
        for p in gaz.places(kind="city", country=code)
        if (p.population or 0) >= 20_000
    ]
    ports = [p.name for p in gaz.places(kind="port", country="PE")]
    countries = ["Spain", "Italy", "Brazil", "Chile", "Mexico", "the Netherlands", "Belgium"]
    areas = ["VRAEM", "Alto Huallaga", "Chapare", "Catatumbo"]
    rng = random.Random(seed)
    for number in range(count):
        text = rng.choice(TEMPLATES).format(
            town=rng.choice(towns),
            city=rng.choice(towns),
            port=rng.choice(ports),
            country=rng.choice(countries),
            other=rng.choice(countries),
            area=rng.choice(areas),
            kilos=rng.randint(10, 2000),
        )
        (folder / f"article-{number:05d}.txt").write_text(text + "\n", encoding="utf-8")


def _rss_mb(pid: int) -> tuple[float, float]:
    """Resident MB of process ``pid`` and of it with all its descendants."""
    import psutil

    try:
        root = psutil.Process(pid)
        own = root.memory_info().rss
        total = own
        for child in root.children(recursive=True):
            with contextlib.suppress(psutil.NoSuchProcess):
                total += child.memory_info().rss
    except psutil.NoSuchProcess:
        return 0.0, 0.0
    return own / 2**20, total / 2**20


def memory(documents: int, workers: int, interval: float, report: float) -> None:
    """Sample the memory of one ``routemap build`` of ``documents`` generated articles."""
    with tempfile.TemporaryDirectory() as tmp:
        articles = Path(tmp) / "articles"
        articles.mkdir()
        start = time.perf_counter()
        generate(documents, articles)
        print(f"generated {documents} documents in {time.perf_counter() - start:.0f} s")
        out = Path(tmp) / "out"
        command = [sys.executable, "-m", "routemap", "build", str(articles), "-o", str(out)]
        command += ["--workers", str(workers)]
        start = time.perf_counter()
        process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
        samples: list[tuple[float, int, float, float]] = []  # (s, documents done, main, all)
        print(f"{'time s':>8} {'docs done':>10} {'main MB':>8} {'all MB':>8}", flush=True)
        shown = 0.0
        while process.poll() is None:
            own, total = _rss_mb(process.pid)
            try:
                done = len(os.listdir(out / "documents"))
            except OSError:
                done = 0
            at = time.perf_counter() - start
            samples.append((at, done, own, total))
            if at - shown >= report:  # the curve as it goes: a long run can be read early
                shown = at
                print(f"{at:8.0f} {done:10d} {own:8.0f} {total:8.0f}", flush=True)
            time.sleep(interval)
        stderr = process.stderr.read() if process.stderr else ""
        wall = time.perf_counter() - start
    print(stderr.strip().splitlines()[-1] if stderr.strip() else "(no output)")
    print(f"routemap build, {workers} worker(s): {wall:.0f} s, exit {process.returncode}")
    if samples:
        last = samples[-1]
        print(f"{last[0]:8.0f} {last[1]:10d} {last[2]:8.0f} {last[3]:8.0f}  (last sample)")
        _curve(samples, documents)
        print(
            f"peak RSS: main process {max(s[2] for s in samples):.0f} MB, main + workers "
            f"{max(s[3] for s in samples):.0f} MB (goal ≤ 500 MB, flat)"
        )


def _curve(samples: list[tuple[float, int, float, float]], documents: int) -> None:
    """The peak RSS up to each milestone of documents done, and over the batch phase
    (once every document's page is written): flat means the rows do not climb."""
    print(f"{'docs done':>10} {'peak main MB':>13} {'peak all MB':>12}")
    milestones = [n for n in (100, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000) if n < documents]
    for n in [*milestones, documents]:
        reached = [s for s in samples if 0 < s[1] <= n]
        if reached:
            main = max(s[2] for s in reached)
            every = max(s[3] for s in reached)
            print(f"{'≤ ' + format(n, ','):>10} {main:13.0f} {every:12.0f}")
    batch = [s for s in samples if s[1] >= documents]
    if batch:  # the mode maps, all-routes.html, the route files and the index
        main, every = max(s[2] for s in batch), max(s[3] for s in batch)
        print(f"{'batch':>10} {main:13.0f} {every:12.0f}  ({batch[-1][0] - batch[0][0]:.0f} s)")


def batch(routes: int, interval: float) -> None:
    """The batch phase alone, at a scale the document phase takes hours to reach:
    ``routes`` distinct routes (pairs of gazetteer towns, by land or air, one citation
    each, a few cited twice) put in a build's spill as the documents would, then the
    batch maps, route files and index written from it, the RSS of this process sampled
    every ``interval`` seconds. This process never geoparses: the figures are the
    batch phase's own, above the ~130 MB of the imports."""
    import threading

    import psutil

    from routemap.export import _batch_outputs, _Result, _Spill
    from routemap.routes import Citation, Route

    gaz = routemap.Gazetteer.default()
    towns = [p for p in gaz.places(kind="city") if (p.population or 0) >= 50_000]
    rng = random.Random(7)
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < routes:
        a, b = rng.randrange(len(towns)), rng.randrange(len(towns))
        if a != b:
            pairs.add((a, b))
    process = psutil.Process()
    peak = [0.0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], process.memory_info().rss / 2**20)
            time.sleep(interval)

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        start = time.perf_counter()
        with _Spill.create(out) as spill:
            for seq, (a, b) in enumerate(sorted(pairs)):
                citation = Citation(f"doc-{seq}", sentence=f"{towns[a].name} to {towns[b].name}")
                route = Route.build(
                    [towns[a], towns[b]], "air" if seq % 3 else "land", citations=[citation]
                )
                result = _Result(f"doc-{seq}.txt", "article", RouteSet([route, route]))
                spill.add(seq, result, f"documents/doc-{seq}.html")
            spill.db.commit()
            filled = process.memory_info().rss / 2**20
            print(
                f"{routes:,} routes in the spill in {time.perf_counter() - start:.0f} s, "
                f"RSS {filled:.0f} MB",
                flush=True,
            )
            thread = threading.Thread(target=sample, daemon=True)
            thread.start()
            start = time.perf_counter()
            report = _batch_outputs(out, spill, [], set(), False, None)[0]
            done.set()
            thread.join()
            sizes = {
                n: (out / n).stat().st_size / 2**20 for n in ("all-routes.html", "routes.yaml")
            }
    print(
        f"batch phase: {time.perf_counter() - start:.0f} s, {report.routes:,} routes, "
        f"peak RSS {peak[0]:.0f} MB (all-routes.html {sizes['all-routes.html']:.1f} MB, "
        f"routes.yaml {sizes['routes.yaml']:.1f} MB)"
    )


_LOOP = "x = 0\nfor i in range(20_000_000):\n    x += i\n"


def machine_scaling() -> float:
    """How much more work two processes get done than one on this machine right now
    (a pure-Python loop, alone and then two at once): the ceiling of any speed-up with
    two workers while other jobs share the cores (2.0 on two idle cores)."""
    command = [sys.executable, "-c", _LOOP]
    start = time.perf_counter()
    subprocess.run(command, check=True)
    one = time.perf_counter() - start
    start = time.perf_counter()
    running = [subprocess.Popen(command) for _ in range(2)]
    for process in running:
        process.wait()
    return 2 * one / (time.perf_counter() - start)


def _before(document: Document) -> RouteSet:
    """The article work as the build did it: geoparse for the page's places, then
    extract_routes, which geoparses the document again."""
    from routemap.extract import extract_routes
    from routemap.geoparse import geoparse

    geoparse(document)
    return extract_routes(document)


def _now(document: Document) -> RouteSet:
    """The article work as the build does it: one geoparse serves both."""
    from routemap.extract import document_routes
    from routemap.geoparse import geoparse

    return document_routes(document, geoparse(document))


def stages(documents: int) -> None:
    """The article work of a build, geoparsing once (``document_routes`` given the
    mentions, as the build does now) against twice (``geoparse`` for the places, then
    ``extract_routes``, which geoparses again, as it did before), alternated document by
    document so that the load of a busy machine falls on both alike."""
    from routemap.export import _read_article
    from routemap.extract import extract_routes

    with tempfile.TemporaryDirectory() as tmp:
        articles = Path(tmp)
        generate(documents, articles)
        paths = sorted(articles.iterdir())
        extract_routes(_read_article(str(paths[0])))  # warm the gazetteer and the matcher
        twice = once = 0.0
        for number, path in enumerate(paths):
            document = _read_article(str(path))

            timed = {}
            # Alternate which runs first, so that neither gains from the other's caches.
            for run in (_before, _now) if number % 2 else (_now, _before):
                start = time.perf_counter()
                timed[run] = (run(document), time.perf_counter() - start)
            assert timed[_before][0] == timed[_now][0], path
            twice += timed[_before][1]
            once += timed[_now][1]
    print(f"article work for {documents} documents (read excluded, no page drawn):")
    print(f"  geoparse twice (before): {twice:6.2f} s, {1000 * twice / documents:.1f} ms/doc")
    print(f"  geoparse once  (now):    {once:6.2f} s, {1000 * once / documents:.1f} ms/doc")
    print(f"  saved {100 * (1 - once / twice):.0f}% of it (same routes for every document)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", "--docs", type=int, default=1000)
    parser.add_argument("--memory", action="store_true", help="sample RSS of one build")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each, median shown")
    parser.add_argument("--workers", type=int, default=2, help="with --memory")
    parser.add_argument("--interval", type=float, default=2.0, help="seconds between samples")
    parser.add_argument("--report", type=float, default=60.0, help="seconds between rows shown")
    parser.add_argument(
        "--stages", action="store_true", help="time the article work, geoparsing once or twice"
    )
    parser.add_argument(
        "--batch-routes", type=int, help="time and sample the batch phase alone, N routes"
    )
    args = parser.parse_args()
    if args.batch_routes:
        batch(args.batch_routes, args.interval)
        return
    if args.stages:
        stages(args.documents)
        return
    if args.memory:
        memory(args.documents, args.workers, args.interval, args.report)
        return
    with tempfile.TemporaryDirectory() as tmp:
        articles = Path(tmp) / "articles"
        articles.mkdir()
        generate(args.documents, articles)
        times: dict[int, list[float]] = {1: [], 2: []}
        ceilings = []
        for repeat in range(args.repeat):
            ceilings.append(machine_scaling())
            # Alternate which goes first, so that a change in the machine's load falls on both.
            for workers in (1, 2) if repeat % 2 == 0 else (2, 1):
                out = Path(tmp) / f"out-{workers}"
                shutil.rmtree(out, ignore_errors=True)
                # A fresh `routemap build` each time, as a user runs it: a build inside this
                # process would find the modules of the previous one already imported.
                command = [sys.executable, "-m", "routemap", "build", str(articles)]
                command += ["-o", str(out), "--workers", str(workers)]
                start = time.perf_counter()
                done = subprocess.run(command, capture_output=True, text=True, check=False)
                times[workers].append(time.perf_counter() - start)
                said = done.stderr.strip().splitlines()[-1:] or ["(no output)"]
                print(
                    f"{workers} worker{'s' if workers > 1 else ' '}: {times[workers][-1]:6.1f} s "
                    f"for {args.documents} documents, exit {done.returncode}: {said[0][:60]}",
                    flush=True,
                )
    one, two = statistics.median(times[1]), statistics.median(times[2])
    print(f"median of {args.repeat}: 1 worker {one:.1f} s, 2 workers {two:.1f} s")
    print(f"speed-up with 2 workers: {one / two:.2f}× (goal ≥ 1.7× on 2 cores)")
    print(
        "the machine itself: two busy loops got "
        + ", ".join(f"{c:.2f}×" for c in ceilings)
        + " the work of one (2.00× on two idle cores), measured before each repeat"
    )
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak RSS: the largest process of any build {children:.0f} MB")


if __name__ == "__main__":
    main()

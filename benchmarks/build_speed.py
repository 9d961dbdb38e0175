"""Batch build speed: N generated articles, one worker against two.

Run from the project root:

    .venv/bin/python benchmarks/build_speed.py [--documents 1000]

Articles are generated from English and Spanish templates over real gazetteer places
(Peruvian, Bolivian and Colombian towns, world ports and countries), so every one states a
route. Prints the wall time of `routemap.export.build` with 1 and 2 workers, the speed-up,
and the peak RSS of this process and its workers.
"""

from __future__ import annotations

import argparse
import random
import resource
import tempfile
import time
from pathlib import Path

import routemap
from routemap.export import build

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        articles = Path(tmp) / "articles"
        articles.mkdir()
        generate(args.documents, articles)
        times = {}
        for workers in (1, 2):
            start = time.perf_counter()
            report = build([str(articles)], Path(tmp) / f"out-{workers}", workers=workers)
            times[workers] = time.perf_counter() - start
            print(
                f"{workers} worker{'s' if workers > 1 else ' '}: {times[workers]:6.1f} s for "
                f"{args.documents} documents ({report.routes} routes, "
                f"{len(report.failures)} failed)"
            )
    print(f"speed-up with 2 workers: {times[1] / times[2]:.2f}× (goal ≥ 1.7× on 2 cores)")
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak RSS: this process {own:.0f} MB, largest worker {children:.0f} MB")


if __name__ == "__main__":
    main()

"""Route extraction: precision, recall and F1 on hand-written expected routes, and speed.

Run from the project root:

    .venv/bin/python benchmarks/extract_routes.py [--repeats 3]

A route matches an expected one when origin, destination and mode match. The expected
routes are in tests/data/routes/expected.yaml (the five seeds and original examples in
English and Spanish); the extractor never reads that file.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

import yaml

import routemap
from routemap.extract import extract_routes

ROOT = Path(__file__).resolve().parent.parent


def cases() -> list[tuple[str, routemap.Document, list[dict[str, Any]]]]:
    data = yaml.safe_load((ROOT / "tests/data/routes/expected.yaml").read_text(encoding="utf-8"))
    out = []
    for entry in data["seeds"]:
        doc = routemap.read_document(ROOT / entry["document"])
        out.append((entry["document"], doc, entry["routes"]))
    for entry in data["examples"]:
        out.append((entry["id"], routemap.Document.from_text(entry["text"]), entry["routes"]))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--verbose", action="store_true", help="list misses and extras")
    args = parser.parse_args()
    tp = fp = fn = 0
    for name, doc, expected in cases():
        got = {(r.origin.id, r.destination.id, r.mode.value) for r in extract_routes(doc)}
        want = {(e["origin"], e["destination"], e["mode"]) for e in expected}
        tp += len(got & want)
        fp += len(got - want)
        fn += len(want - got)
        if args.verbose:
            for miss in sorted(want - got):
                print(f"  missed {name}: {miss}")
            for extra in sorted(got - want):
                print(f"  extra  {name}: {extra}")
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    print(
        f"routes: P {precision:.3f}  R {recall:.3f}  F1 {f1:.3f}  ({tp} right, {fp} extra, "
        f"{fn} missed)"
    )
    docs = [doc for _, doc, _ in cases()]
    best = float("inf")
    for _ in range(args.repeats):
        start = time.perf_counter()
        for doc in docs:
            extract_routes(doc)
        best = min(best, time.perf_counter() - start)
    print(
        f"extraction: {len(docs) / best:,.0f} documents/s (best of {args.repeats}, "
        f"{len(docs)} documents, geoparsing included, one process)"
    )


if __name__ == "__main__":
    main()

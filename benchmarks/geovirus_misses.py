"""Why GeoVirus resolutions miss: a breakdown of the gold mentions resolved > 161 km off.

Companion to benchmarks/geoparse_geovirus.py (same data, same 161 km rule; read that
script's docstring first). Each gold span is resolved in context with
``routemap.geoparse.resolve_spans`` and put in one bucket:

- ``ok``: within 161 km of the gold point.
- ``point``: the right entity, but our point for it is far from the gold one (GeoVirus
  takes Wikipedia's coordinates: Canada at 60,-95). A pick counts as the right entity
  when it is a continent, or when the gold point lies inside the picked polygon
  (country, region, area). Split by the kind of the pick.
- ``wrong``: another place; split by the kind of the pick.
- ``none``: no place at all.

Run from the project root (offline):

    .venv/bin/python benchmarks/geovirus_misses.py /path/to/GeoVirus.xml [--list point]
        [--limit N] [--top 25]

``--list BUCKET`` prints every miss of that bucket (name, pick, km) instead of the top
names only.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from geoparse_geovirus import CORRECT_KM, haversine_km, load_geovirus

AREA_KINDS = ("country", "region", "area")


def bucket(place: Any, lat: float, lon: float) -> tuple[str, float | None]:
    """(bucket, km) of one pick against the gold point."""
    if place is None:
        return "none", None
    km = haversine_km(lat, lon, float(place.lat), float(place.lon))
    if km <= CORRECT_KM:
        return "ok", km
    kind = str(getattr(place.kind, "value", place.kind))
    if kind == "continent":
        return "point", km
    geometry = getattr(place, "geometry", None)
    if kind in AREA_KINDS and geometry is not None:
        from shapely.geometry import Point

        if geometry.buffer(0.1).contains(Point(lon, lat)):
            return "point", km
    return "wrong", km


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--list", choices=("point", "wrong", "none"), default=None)
    args = parser.parse_args(argv)

    from routemap.geoparse import resolve_spans

    articles, _ = load_geovirus(args.path, args.limit)
    counts: Counter[str] = Counter()
    by_kind: dict[str, Counter[str]] = defaultdict(Counter)
    names: dict[str, Counter[str]] = defaultdict(Counter)
    rows: list[str] = []
    total = 0
    for number, article in enumerate(articles):
        spans = [(g.start, g.end) for g in article.gold]
        picks = resolve_spans(article.text, spans)
        for gold, place in zip(article.gold, picks, strict=True):
            total += 1
            name, km = bucket(place, gold.lat, gold.lon)
            counts[name] += 1
            if name == "ok":
                continue
            kind = str(getattr(place.kind, "value", place.kind)) if place else "none"
            by_kind[name][kind] += 1
            pick = f"{place.id} {place.name!r} ({place.lat:.2f},{place.lon:.2f})" if place else "-"
            names[f"{name}/{kind}"][f"{gold.name} → {pick}"] += 1
            if args.list == name:
                rows.append(
                    f"  [{number}] {gold.name!r} gold ({gold.lat:.2f},{gold.lon:.2f}) → {pick}"
                    + (f" {km:.0f} km" if km is not None else "")
                )

    print(f"GeoVirus: {total} gold mentions")
    for name in ("ok", "point", "wrong", "none"):
        kinds = ", ".join(f"{k} {n}" for k, n in by_kind[name].most_common())
        print(f"  {name:<6} {counts[name]:5d} ({counts[name] / total:.3f})  {kinds}")
    print(
        f"  acc@161 {counts['ok'] / total:.3f}; "
        f"right entity {(counts['ok'] + counts['point']) / total:.3f}"
    )
    for key in sorted(names, key=lambda k: -sum(names[k].values())):
        print(f"\n{key} ({sum(names[key].values())})")
        for text, n in names[key].most_common(args.top):
            print(f"  {n:4d}× {text}")
    if rows:
        print(f"\nevery {args.list} miss")
        print("\n".join(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())

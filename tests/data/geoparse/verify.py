"""Check the geoparse gold files: spans match their text, ids exist, gaps are unresolvable.

    ROUTEMAP_CACHE_DIR=/tmp/rmcache .venv/bin/python tests/data/geoparse/verify.py [--disagreements]

With --disagreements, also list mentions whose gold id differs from the gazetteer's bare
``resolve(text)`` answer (the context cases the geoparser must get right).
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

import yaml

from routemap import Gazetteer
from routemap.errors import RoutemapError

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]


def load_text(entry: dict) -> str:
    if "document" in entry:
        text = (ROOT / entry["document"]).read_text(encoding="utf-8")
        return text[1:] if text.startswith("\ufeff") else text
    return entry["text"]


def main() -> int:
    show = "--disagreements" in sys.argv
    gaz = Gazetteer.default()
    errors: list[str] = []
    for name in ("seeds.yaml", "examples.yaml"):
        data = yaml.safe_load((HERE / name).read_text(encoding="utf-8"))
        n_mentions = n_chrome = n_disagree = 0
        for entry in data:
            key = entry.get("document") or entry.get("id")
            text = load_text(entry)
            spans: list[tuple[int, int]] = []
            for group in ("mentions", "not_places", "gaps"):
                for m in entry.get(group) or []:
                    got = text[m["start"] : m["end"]]
                    if got != m["text"]:
                        errors.append(
                            f"{name} {key} {group}: {m['start']}:{m['end']} "
                            f"is {got!r}, not {m['text']!r}"
                        )
                    spans.append((m["start"], m["end"]))
            for m in entry.get("mentions") or []:
                n_mentions += 1
                n_chrome += bool(m["in_chrome"])
                try:
                    gaz.get(m["id"])
                except (KeyError, RoutemapError) as exc:
                    errors.append(f"{name} {key}: unknown id {m['id']} for {m['text']!r} ({exc})")
                    continue
                try:
                    bare = gaz.resolve(m["text"]).id
                except RoutemapError:
                    bare = None
                if bare != m["id"]:
                    n_disagree += 1
                    if show:
                        print(f"  {key} {m['start']}: {m['text']!r} gold {m['id']} bare {bare}")
            mentions = sorted((m["start"], m["end"]) for m in entry.get("mentions") or [])
            for (s1, e1), (s2, _e2) in itertools.pairwise(mentions):
                if s2 < e1:
                    errors.append(f"{name} {key}: overlapping mentions at {s1} and {s2}")
        print(
            f"{name}: {len(data)} texts, {n_mentions} mentions ({n_chrome} in chrome), "
            f"{n_disagree} differ from bare resolve()"
        )
    for e in errors:
        print("ERROR", e)
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())

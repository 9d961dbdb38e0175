"""Geoparsing quality and speed on GeoVirus, beside flashgeotext.

GeoVirus (Gritta et al., 2018) is 229 WikiNews passages about disease outbreaks with
2,170 gold place mentions, each with character offsets and a Wikipedia latitude and
longitude. The file is evaluation data: pass its path, never copy it into the project.
Run from the project root, offline:

    .venv/bin/python benchmarks/geoparse_geovirus.py /path/to/GeoVirus.xml [--limit N]
        [--no-flashgeotext] [--repeats 3]

flashgeotext is a benchmark-only dependency (``pip install flashgeotext``; it ships its
lookup data inside the package). Without it, or with --no-flashgeotext, its rows are
skipped.

What the numbers mean:

- Recognition: precision, recall and F1 of the spans ``routemap.geoparse`` returns (all
  mentions, resolved or not) against the gold spans. "exact" counts a predicted span only
  when start and end both equal a gold span's; "overlap" counts a predicted span that
  overlaps a gold span. Either way each gold span is matched at most once.
- Resolution given gold spans: the gold spans are handed to the geoparser, which picks a
  place for each in context (``routemap.geoparse.resolve_spans``; if that does not exist,
  the predicted mention with the same span, else ``Gazetteer.resolve(name)``; the output
  says which). acc@161 is the share of ALL gold mentions whose pick lies within 161 km
  (100 miles) of the gold point, the usual measure; an unresolved span counts as wrong.
  Mean and median error are over the spans that got a place. AUC is the area under the
  sorted log-error curve of Gritta et al. (0 best, 1 worst; unresolved = 20,039 km).
  The baseline row resolves each name alone with ``Gazetteer.default().resolve(name)``,
  i.e. the gazetteer's own ranking (largest population first), without context.
  Published for reference (given gold mentions): CamCoder 0.82, Edinburgh Geoparser 0.78,
  CLAVIN 0.79, population baseline 0.80; a perfect GeoNames pick reaches about 0.88.
- Throughput: a single process, one warm-up pass (which loads the gazetteer), then the
  best of --repeats timed passes over all texts, in wall time and in this process's CPU
  time (steadier on a shared machine, where other processes stretch the wall time), and
  the median pass's CPU rate with routemap's as a share of flashgeotext's. For
  routemap it is end to end (recognition and resolution); flashgeotext only recognises,
  and only its extraction is timed, after its lookup data was loaded (the load time is
  printed apart).
- Error lists: the most frequent surface strings of missed gold spans (false negatives),
  of predicted spans overlapping no gold span (false positives), of boundary mismatches
  (overlapping but not equal, "pred ~ gold") and of gold spans resolved more than 161 km
  off, to guide improvement.
"""

from __future__ import annotations

import argparse
import importlib
import itertools
import math
import statistics
import sys
import time
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any

Span = tuple[int, int]

EARTH_RADIUS_KM = 6371.0088
MAX_ERROR_KM = 20039.0  # half the Earth's circumference: the worst possible error
CORRECT_KM = 161.0
TOP = 15


@dataclass
class Gold:
    start: int
    end: int
    name: str
    lat: float
    lon: float


@dataclass
class Article:
    text: str
    gold: list[Gold] = field(default_factory=list)


# -- data -------------------------------------------------------------------------------


def load_geovirus(path: Path, limit: int | None) -> tuple[list[Article], int]:
    """Articles with 0-based gold offsets (the file's are one past); and the number of
    gold mentions whose shifted offsets do not reproduce the name (should be 0)."""
    root = ET.parse(path).getroot()
    articles: list[Article] = []
    bad = 0
    for node in root.iter("article"):
        text = node.findtext("text") or ""
        article = Article(text)
        for loc in node.iter("location"):
            start = int(loc.findtext("start") or 0) - 1
            end = int(loc.findtext("end") or 0) - 1
            name = loc.findtext("name") or ""
            if text[start:end] != name:
                bad += 1
                continue
            lat = float(loc.findtext("lat") or "nan")
            lon = float(loc.findtext("lon") or "nan")
            article.gold.append(Gold(start, end, name, lat, lon))
        articles.append(article)
        if limit is not None and len(articles) >= limit:
            break
    return articles, bad


# -- metrics ----------------------------------------------------------------------------


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def match(pred: Sequence[Span], gold: Sequence[Span], *, overlap: bool) -> dict[int, int]:
    """One-to-one matching, predicted index -> gold index (greedy, left to right; an
    exact match is preferred over a mere overlap)."""
    used: set[int] = set()
    pairs: dict[int, int] = {}
    for i, (ps, pe) in sorted(enumerate(pred), key=lambda x: x[1]):
        exact = [j for j, g in enumerate(gold) if j not in used and g == (ps, pe)]
        loose = [j for j, (gs, ge) in enumerate(gold) if j not in used and ps < ge and gs < pe]
        found = exact or (loose if overlap else [])
        if found:
            pairs[i] = found[0]
            used.add(found[0])
    return pairs


@dataclass
class Prf:
    pred: int = 0
    gold: int = 0
    tp: int = 0

    def add(self, pred: int, gold: int, tp: int) -> None:
        self.pred += pred
        self.gold += gold
        self.tp += tp

    def row(self) -> str:
        p = self.tp / self.pred if self.pred else 0.0
        r = self.tp / self.gold if self.gold else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return f"{p:6.3f} {r:6.3f} {f:6.3f} {self.pred:6d} {self.tp:6d}"


@dataclass
class Recognition:
    exact: Prf = field(default_factory=Prf)
    loose: Prf = field(default_factory=Prf)
    false_neg: Counter[str] = field(default_factory=Counter)
    false_pos: Counter[str] = field(default_factory=Counter)
    boundary: Counter[str] = field(default_factory=Counter)


def score_recognition(articles: Sequence[Article], preds: Sequence[Sequence[Span]]) -> Recognition:
    rec = Recognition()
    for article, pred in zip(articles, preds, strict=True):
        gold = [(g.start, g.end) for g in article.gold]
        rec.exact.add(len(pred), len(gold), len(match(pred, gold, overlap=False)))
        loose = match(pred, gold, overlap=True)
        rec.loose.add(len(pred), len(gold), len(loose))
        text = article.text
        for i, (s, e) in enumerate(pred):
            if i not in loose:
                rec.false_pos[text[s:e]] += 1
            elif gold[loose[i]] != (s, e):
                gs, ge = gold[loose[i]]
                rec.boundary[f"{text[s:e]} ~ {text[gs:ge]}"] += 1
        hit = set(loose.values())
        for j, (s, e) in enumerate(gold):
            if j not in hit:
                rec.false_neg[text[s:e]] += 1
    return rec


@dataclass
class Resolution:
    errors: list[float | None] = field(default_factory=list)  # km, None = no place
    wrong: Counter[str] = field(default_factory=Counter)
    kinds: list[str] = field(default_factory=list)
    inside: list[bool] = field(default_factory=list)  # gold point inside the picked polygon

    def add(self, gold: Gold, place: Any) -> None:
        kind = getattr(place, "kind", "none")
        self.kinds.append(str(getattr(kind, "value", kind)))
        if place is None:
            self.inside.append(False)
            self.errors.append(None)
            self.wrong[f"{gold.name} (none)"] += 1
            return
        km = haversine_km(gold.lat, gold.lon, float(place.lat), float(place.lon))
        self.errors.append(km)
        self.inside.append(km <= CORRECT_KM or _contains(place, gold.lat, gold.lon))
        if km > CORRECT_KM:
            self.wrong[f"{gold.name} → {getattr(place, 'id', '?')}"] += 1

    def row(self) -> str:
        n = len(self.errors)
        got = [e for e in self.errors if e is not None]
        acc = sum(e <= CORRECT_KM for e in got) / n if n else 0.0
        mean = statistics.fmean(got) if got else float("nan")
        median = statistics.median(got) if got else float("nan")
        return f"{acc:7.3f} {len(got):5d}/{n:<5d} {mean:8.0f} {median:8.1f} {auc(self.errors):6.3f}"

    def entity_accuracy(self) -> float:
        """Share of gold mentions whose pick is the right entity: within 161 km, or, for a
        country, region or area, a polygon containing the gold point (the strict metric
        counts Canada wrong when its point is not Wikipedia's)."""
        return sum(self.inside) / len(self.inside) if self.inside else 0.0

    def by_kind(self) -> str:
        """acc@161 and count per kind of picked place, most frequent kind first."""
        total: Counter[str] = Counter(self.kinds)
        good: Counter[str] = Counter(
            k
            for k, e in zip(self.kinds, self.errors, strict=True)
            if e is not None and e <= CORRECT_KM
        )
        return ", ".join(f"{k} {good[k] / n:.2f} ({n})" for k, n in total.most_common())


def _contains(place: Any, lat: float, lon: float) -> bool:
    geometry = getattr(place, "geometry", None)
    if geometry is None:
        return False
    from shapely.geometry import Point

    return bool(geometry.buffer(0.1).contains(Point(lon, lat)))


def auc(errors: Sequence[float | None]) -> float:
    """Gritta et al.'s AUC: the area under the sorted curve of ln(1 + km) / ln(20039),
    with no place counted as the worst error. 0 is perfect, 1 is worst."""
    ys = sorted(
        math.log1p(MAX_ERROR_KM if e is None else min(e, MAX_ERROR_KM)) / math.log(MAX_ERROR_KM)
        for e in errors
    )
    if len(ys) < 2:
        return ys[0] if ys else float("nan")
    return sum((a + b) / 2 for a, b in itertools.pairwise(ys)) / (len(ys) - 1)


# -- systems ----------------------------------------------------------------------------


def load_geoparse() -> tuple[Callable[..., Any] | None, Callable[..., Any] | None, str]:
    """(geoparse, resolve_spans or None, why geoparse is missing)."""
    try:
        module = importlib.import_module("routemap.geoparse")
    except ImportError as exc:
        return None, None, f"routemap.geoparse does not import ({exc})"
    func = getattr(module, "geoparse", None)
    if not callable(func):
        import routemap

        func = getattr(routemap, "geoparse", None)
    if not callable(func):
        return None, None, "routemap.geoparse has no geoparse() function"
    resolve_spans = getattr(module, "resolve_spans", None)
    return func, resolve_spans if callable(resolve_spans) else None, ""


def timed_passes(run: Callable[[], Any], repeats: int) -> tuple[Any, float, float, float]:
    """Result of a warm-up pass, and the best wall time, the best CPU time (of this
    process) and the median CPU time of ``repeats`` more passes. On a shared machine the
    CPU time is the steadier figure: other processes lengthen the wall time, not the CPU
    time."""
    result = run()
    best = math.inf
    cpu_times = []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        run()
        best = min(best, time.perf_counter() - start)
        cpu_times.append(time.process_time() - start_cpu)
    return result, best, min(cpu_times), statistics.median(cpu_times)


def flashgeotext_spans(geotext: Any, text: str) -> list[Span]:
    """Spans flashgeotext finds (cities and countries), overlaps resolved longest-first."""
    found: list[Span] = []
    for lookup in geotext.extract(input_text=text, span_info=True).values():
        for meta in lookup.values():
            found.extend((int(s), int(e)) for s, e in meta["span_info"])
    kept: list[Span] = []
    for s, e in sorted(set(found), key=lambda x: (x[0] - x[1], x[0])):
        if all(e <= ks or ke <= s for ks, ke in kept):
            kept.append((s, e))
    return sorted(kept)


def gazetteer_pick(gazetteer: Any, name: str, cache: dict[str, Any]) -> Any:
    if name not in cache:
        from routemap.errors import RoutemapError

        try:
            cache[name] = gazetteer.resolve(name)
        except RoutemapError:
            cache[name] = None
    return cache[name]


# -- output -----------------------------------------------------------------------------


def columns(left: Iterable[str], right: Iterable[str], width: int = 48) -> list[str]:
    a, b = list(left), list(right)
    a += [""] * (len(b) - len(a))
    b += [""] * (len(a) - len(b))
    return [f"  {x[:width]:<{width}} {y}".rstrip() for x, y in zip(a, b, strict=True)]


def top(counter: Counter[str], title: str) -> list[str]:
    total = sum(counter.values())
    rows = [f"{title} ({total} in all)"]
    rows += [f"{n:4d}× {s!r}" for s, n in counter.most_common(TOP)]
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", type=Path, help="GeoVirus.xml")
    parser.add_argument("--limit", type=int, default=None, help="first N articles only")
    parser.add_argument("--no-flashgeotext", action="store_true", help="skip flashgeotext")
    parser.add_argument("--repeats", type=int, default=3, help="timed passes (best is kept)")
    args = parser.parse_args(argv)

    articles, bad = load_geovirus(args.path, args.limit)
    texts = [a.text for a in articles]
    n_chars = sum(map(len, texts))
    n_gold = sum(len(a.gold) for a in articles)
    print(
        f"GeoVirus: {len(articles)} articles, {n_chars:,} characters, {n_gold:,} gold mentions"
        + (f" ({bad} dropped: offsets do not give the name)" if bad else "")
    )

    from routemap import Gazetteer

    gazetteer = Gazetteer.default()
    geoparse, resolve_spans, missing = load_geoparse()
    recognition: dict[str, Recognition] = {}
    speed: list[str] = []
    medians: dict[str, float] = {}  # characters per CPU second, median pass
    notes: list[str] = []

    # routemap: recognition and end-to-end speed
    mentions: list[list[Any]] = [[] for _ in articles]
    if geoparse is not None:
        failures: list[str] = []

        def run_routemap() -> list[list[Any]]:
            out: list[list[Any]] = []
            for text in texts:
                try:
                    out.append(list(geoparse(text)))
                except Exception as exc:
                    failures.append(f"{type(exc).__name__}: {exc}")
                    out.append([])
            return out

        mentions, seconds, cpu, median_cpu = timed_passes(run_routemap, args.repeats)
        medians["routemap"] = n_chars / median_cpu
        if failures:
            notes.append(f"geoparse raised on {len(failures)} calls; first: {failures[0]}")
        preds = [[(int(m.start), int(m.end)) for m in ms] for ms in mentions]
        recognition["routemap"] = score_recognition(articles, preds)
        found = sum(map(len, mentions))
        resolved = sum(m.place is not None for ms in mentions for m in ms)
        speed.append(
            f"  {'routemap.geoparse (end to end)':<36} {n_chars / seconds:>11,.0f} "
            f"{len(texts) / seconds:>10.1f} {n_chars / cpu:>11,.0f} {len(texts) / cpu:>10.1f} "
            f"{found:>8d} {resolved:>8d}"
        )
    else:
        notes.append(f"no recognition figures for routemap: {missing}")

    # flashgeotext: recognition and extraction speed
    if args.no_flashgeotext:
        notes.append("flashgeotext skipped (--no-flashgeotext)")
    else:
        try:
            fgt = importlib.import_module("flashgeotext.geotext")
        except ImportError:
            fgt = None
            notes.append("flashgeotext not installed (pip install flashgeotext): skipped")
        if fgt is not None:
            start = time.perf_counter()
            geotext = fgt.GeoText()  # loads the lookup data shipped in the package (offline)
            load = time.perf_counter() - start
            fgt_preds, seconds, cpu, median_cpu = timed_passes(
                lambda: [flashgeotext_spans(geotext, t) for t in texts], args.repeats
            )
            medians["flashgeotext"] = n_chars / median_cpu
            recognition["flashgeotext"] = score_recognition(articles, fgt_preds)
            notes.append(
                f"flashgeotext {version('flashgeotext')}: its lookup data (shipped in the package) "
                f"loaded in {load:.2f} s, not timed; it recognises only, so no resolution rows"
            )
            found = sum(map(len, fgt_preds))
            speed.append(
                f"  {'flashgeotext (extraction only)':<36} {n_chars / seconds:>11,.0f} "
                f"{len(texts) / seconds:>10.1f} {n_chars / cpu:>11,.0f} "
                f"{len(texts) / cpu:>10.1f} {found:>8d} {'-':>8}"
            )

    # resolution given gold spans
    cache: dict[str, Any] = {}
    context = Resolution()
    baseline = Resolution()
    method_counts: Counter[str] = Counter()
    for article, ms in zip(articles, mentions, strict=True):
        spans = [(g.start, g.end) for g in article.gold]
        picks: list[Any] | None = None
        if resolve_spans is not None:
            try:
                picks = list(resolve_spans(article.text, spans))
                method_counts["resolve_spans"] += len(picks)
            except Exception as exc:
                notes.append(f"resolve_spans raised ({type(exc).__name__}: {exc}); fell back")
        if picks is None or len(picks) != len(spans):
            by_span = {(int(m.start), int(m.end)): m.place for m in ms}
            picks = []
            for g, span in zip(article.gold, spans, strict=True):
                if span in by_span:
                    picks.append(by_span[span])
                    method_counts["mention with the gold span"] += 1
                else:
                    picks.append(gazetteer_pick(gazetteer, g.name, cache))
                    method_counts["Gazetteer.resolve(name)"] += 1
        for g, place in zip(article.gold, picks, strict=True):
            context.add(g, place)
            baseline.add(g, gazetteer_pick(gazetteer, g.name, cache))
    method = ", ".join(f"{k} {v}" for k, v in method_counts.most_common())

    # report
    print(f"\n{'Recognition':<24} {'P':>6} {'R':>6} {'F1':>6} {'pred':>6} {'TP':>6}")
    for system, rec in recognition.items():
        print(f"  {system + ' exact':<22} {rec.exact.row()}")
        print(f"  {system + ' overlap':<22} {rec.loose.row()}")
    print(
        f"\n{'Resolution, gold spans':<26} {'acc@161':>7} {'placed':>11} {'mean km':>8} "
        f"{'med. km':>8} {'AUC':>6}"
    )
    print(f"  {'routemap in context':<24} {context.row()}")
    print(f"  {'population baseline':<24} {baseline.row()}")
    print(
        f"  right entity (within 161 km, or gold point inside the picked polygon): "
        f"in context {context.entity_accuracy():.3f}, baseline {baseline.entity_accuracy():.3f}"
    )
    print(f"  by kind of pick, in context: {context.by_kind()}")
    print(f"  by kind of pick, baseline:   {baseline.by_kind()}")
    print(f"  method: {method}")
    print(
        "  published: CamCoder 0.82, Edinburgh 0.78, CLAVIN 0.79, population 0.80; "
        "perfect GeoNames pick ≈ 0.88"
    )
    if speed:
        print(
            f"\nThroughput, 1 process, best of {args.repeats} after warm-up (and the median)"
            f"\n  {'':<36} {'wall:':>11} {'':>10} {'CPU:':>11} {'':>10}"
            f"\n  {'':<36} {'chars/s':>11} {'articles/s':>10} {'chars/s':>11} {'articles/s':>10} "
            f"{'mentions':>8} {'resolved':>8}"
        )
        print("\n".join(speed))
        if medians:
            print(
                "  median pass, CPU chars/s: "
                + ", ".join(f"{name} {rate:,.0f}" for name, rate in medians.items())
                + (
                    f"; routemap / flashgeotext {medians['routemap'] / medians['flashgeotext']:.2f}"
                    if len(medians) == 2
                    else ""
                )
            )
    rec = recognition.get("routemap")
    if rec is not None:
        print("\nroutemap recognition errors (overlap matching), most frequent first")
        print(
            "\n".join(
                columns(
                    top(rec.false_neg, "false negatives"), top(rec.false_pos, "false positives")
                )
            )
        )
        left = top(rec.boundary, "boundary mismatches, pred ~ gold")
    else:
        left = []
    print("\n".join(columns(left, top(context.wrong, "resolved > 161 km off, in context"))))
    for note in notes:
        print(f"note: {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

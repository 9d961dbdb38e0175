"""Coverage-guided fuzzing of the text pipeline: Document → geoparse → extract_routes.

Not a test (it runs for as long as it is told, and needs ``pip install -e '.[fuzz]'``
for atheris). Run from the project root:

    .venv/bin/python benchmarks/fuzz_pipeline.py --mode raw --time 300
    .venv/bin/python benchmarks/fuzz_pipeline.py --mode struct --time 600
    .venv/bin/python benchmarks/fuzz_pipeline.py --replay FILE...   # one input, no atheris

Modes
-----
raw
    The fuzzer's bytes are an article file: written to disk and read with
    :func:`routemap.read_document` (or as an HTML page, through the batch's reader, when the
    first byte says so). A :class:`routemap.DocumentError` naming the file is an accepted
    answer; then the bytes decoded with replacement characters go through the pipeline
    anyway. Seeded with paragraphs of ``seeds/*.txt`` and the texts of ``tests/data``.
struct
    The bytes drive a :class:`atheris.FuzzedDataProvider` that writes an article: place
    names of the gazetteer (countries, areas, regions, ports, airports, towns), demonyms
    and organisation names, English and Spanish cue words for origins, transits,
    destinations, modes, commodities, quantities and periods, headlines, datelines, site
    chrome (link lines, share buttons, run-together navigation, list items), hard wraps,
    CRLF and Unicode oddities. It reaches the deep extraction code that random bytes do
    not.

Beyond "no crash", every input must satisfy :func:`check_pipeline`: offsets in range and
``mention.text == doc.text[start:end]``, sentences and blocks inside the text, every
route with at least two distinct stops and at least one citation, every cited sentence
a substring of the text at its offsets and outside site chrome, every stop named outside
site chrome (or the country or port of such a place), scores in [0, 1], JSON without
NaN, and the same answer twice.

Findings are not fatal: each distinct one (exception type and where it was raised) is
written to ``WORKDIR/findings/`` with the text that caused it, and fuzzing goes on. The
figures (executions, time, findings) are printed at the end and written to
``WORKDIR/stats.json``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import re
import sys
import tempfile
import time
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

# -- the invariants (importable without atheris: tests/test_fuzz_regressions.py uses them) --


class InvariantError(AssertionError):
    """An invariant of the pipeline does not hold for an input."""


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise InvariantError(message)


def check_document(doc: Any, text: str) -> None:
    """Offsets and spans of a Document agree with its text."""
    _require(doc.text == text, "Document.text is not the text given")
    _require(len(doc.flow) == len(text), "flow and text differ in length")
    for a, b in zip(doc.flow, text, strict=True):
        if a != b:
            _require(b in "\n" and a == " ", f"flow changed {b!r} into {a!r}")
    previous_end = 0
    for block in doc.blocks:
        _require(0 <= block.start < block.end <= len(text), f"block {block} out of range")
        _require(block.start >= previous_end, "blocks overlap or are out of order")
        _require(block.text == doc.flow[block.start : block.end], "block text is not its span")
        previous_end = block.end
    previous_end = 0
    for start, end in doc.sentences:
        _require(0 <= start <= end <= len(text), f"sentence {start}..{end} out of range")
        _require(start >= previous_end, "sentences overlap or are out of order")
        previous_end = end
    _require(doc.language in (None, "en", "es"), f"language {doc.language!r}")
    if doc.date is not None:
        _require(re.fullmatch(r"\d{4}-\d\d-\d\d", doc.date) is not None, f"date {doc.date!r}")
    if doc.title is not None:
        _require(doc.title in doc.flow, "the title is not in the text")


def check_mentions(doc: Any, mentions: Sequence[Any]) -> None:
    """Mentions point at their own text, in order, inside the document."""
    text = doc.text
    previous_end = 0
    for m in mentions:
        _require(0 <= m.start < m.end <= len(text), f"mention {m.start}..{m.end} out of range")
        _require(m.text == text[m.start : m.end], f"mention text {m.text!r} is not its span")
        _require(m.text == m.text.strip(), f"mention {m.text!r} has surrounding whitespace")
        _require(m.start >= previous_end, "mentions overlap or are out of order")
        previous_end = m.end
        _require(0 <= m.sentence < max(1, len(doc.sentences)), f"sentence index {m.sentence}")
        _require(0.0 <= m.score <= 1.0 and math.isfinite(m.score), f"score {m.score}")
        _require(m.in_chrome == doc.in_chrome(m.start), "in_chrome disagrees with the blocks")
        json.dumps(m.to_dict(), allow_nan=False)


def check_routes(doc: Any, mentions: Sequence[Any], routes: Any, cues: Sequence[Any]) -> None:
    """Routes have two or more stops, cite sentences of the text outside site chrome, and
    stop only at places named outside site chrome (or their countries and ports)."""
    from routemap.places import PlaceKind

    text = doc.text
    named = {m.place.id for m in mentions if m.place is not None and not m.in_chrome}
    countries = {m.place.country for m in mentions if m.place is not None and not m.in_chrome}
    countries |= {code for start, _, code in cues if not doc.in_chrome(start)}
    for route in routes:
        ids = [p.id for p in route.stops]
        _require(len(ids) >= 2, f"a route with {len(ids)} stop(s)")
        _require(len(set(ids)) == len(ids), f"a stop repeats: {ids}")
        _require(len(route.legs) == len(ids) - 1, "legs do not join the stops")
        _require(0.0 < route.confidence <= 1.0, f"confidence {route.confidence}")
        _require(len(route.citations) >= 1, "a route without a citation")
        for c in route.citations:
            _require(c.document == doc.id, f"cites {c.document!r}, not {doc.id!r}")
            _require(bool(c.sentence.strip()), "an empty cited sentence")
            _require(c.sentence in text, "the cited sentence is not in the text")
            _require(c.start is not None and c.end is not None, "a citation without offsets")
            _require(text[c.start : c.end].strip() == c.sentence, "citation offsets are wrong")
            _require(not doc.in_chrome(c.start), f"cites site chrome: {c.sentence[:60]!r}")
        for place in route.stops:
            _require(
                place.id in named
                or (
                    place.kind in (PlaceKind.COUNTRY, PlaceKind.PORT) and place.country in countries
                ),
                f"stop {place.id} ({place.name}) is named nowhere outside site chrome",
            )
    json.dumps(routes.to_geojson(), allow_nan=False)


def check_pipeline(text: str, *, doc_id: str = "fuzz.txt", twice: bool = True) -> int:
    """Run ``text`` through the pipeline and check every invariant; the number of routes."""
    from routemap.text import Document

    doc = Document.from_text(text, id=doc_id)
    check_document(doc, text)
    return check_parsed(doc, twice=twice)


def check_parsed(doc: Any, *, twice: bool = True) -> int:
    """:func:`check_pipeline` on an analysed Document (e.g. from ``read_document``)."""
    from routemap.extract import extract_routes
    from routemap.geoparse import find_country_cues, geoparse

    mentions = geoparse(doc)
    check_mentions(doc, mentions)
    routes = extract_routes(doc)
    check_routes(doc, mentions, routes, find_country_cues(doc))
    if twice:
        again = extract_routes(doc)
        _require(again.to_geojson() == routes.to_geojson(), "a second run gives other routes")
    return len(routes)


def check_file(data: bytes, folder: Path) -> int:
    """Bytes as an article file (``.html`` when the first byte is a multiple of 4)."""
    from routemap.export import _read_article
    from routemap.text import DocumentError

    suffix = ".html" if data[:1] and data[0] % 4 == 0 else ".txt"
    path = folder / f"article{suffix}"
    path.write_bytes(data)
    try:
        doc = _read_article(str(path))
    except DocumentError as exc:
        _require(str(path) in str(exc), f"the error does not name the file: {exc}")
        return check_pipeline(data.decode("utf-8", "replace"), twice=False)
    return check_parsed(doc, twice=False)


# -- the structured article writer ----------------------------------------------------------

# fmt: off
CUES: dict[str, tuple[str, ...]] = {
    "origin": (
        "from", "from the", "out of", "leaving", "departing", "coming from", "shipped out of",
        "produced in", "originating in", "desde", "desde el", "sale de", "salen del",
        "salió de", "procedente de", "proveniente del", "producida en", "from airstrips in",
        "took off from a farm near", "despegan de pistas en", "that had been shipped from",
    ),
    "transit": (
        "via", "through", "through the", "passing through", "by way of", "a través de",
        "a través del", "por", "en tránsito por", "pasando por", "con escala en",
        "stopover in",
    ),
    "destination": (
        "to", "to the", "toward", "towards", "into", "bound for", "destined for", "headed for",
        "en route to", "arriving in", "reaching", "sent on to", "on to", "con destino a",
        "con destino al", "rumbo a", "hacia", "llegan a", "enviados a", "exportada a",
        "landing in", "flown to", "to the port of", "al puerto de", "al puerto del",
        "to ranches in", "and sometimes", "y a veces", "from where it is sent on to",
        "desde donde es enviada a",
    ),
    "context": (
        "in", "at", "at the port of", "en el puerto del", "en", "near", "cerca de", "of",
        "in the city of", "en la ciudad de", "the region of", "el departamento de",
        "the airport of", "el aeropuerto de", "between", "entre", "and", "y", ",", "or",
        "seized at", "incautada en", "arrested in", "detenido en", "police in",
        "Policía Nacional del", "Judge", "the ship", "el buque", "Embassy of",
    ),
}
MOVES = (
    "Cocaine is flown", "Drugs are shipped", "Light aircraft fly cocaine",
    "Traffickers move coca paste", "Packages of cocaine are mailed", "Containers are sent",
    "Boats carry marijuana", "Trucks transport the drug", "The air bridge runs",
    "La cocaína es enviada", "Avionetas llevan droga", "Los contenedores salen",
    "Lanchas trasladan pasta básica", "Camiones transportan marihuana",
    "Encomiendas con cocaína son enviadas", "Semisumergibles cargados con droga zarpan",
    "The shipment was bound", "El cargamento tenía como destino",
    "Drug couriers travel", "Burriers viajan", "It is moving out of this zone",
    "cocaine moving out of this zone", "arrested at the airport", "It came", "Se trasladó",
)
TAILS = (
    "", "by air", "by sea", "in containers", "en contenedores", "by river", "por río",
    "in parcels", "por correo", "overland", "por tierra", "in trucks", "by plane",
    "2 tons", "350 kilos", "1.200 kilogramos de cocaína", "dos toneladas", "in 2019",
    "during the 1990s", "desde 2015", "between 2010 and 2014", "the first months of 2021",
    "police said", "dijo la policía", "according to officials", "-bound", "'s air bridge",
)
CHROME = (
    "SEE ALSO: {p} seizes record cocaine", "Share", "Tweet", "Was this helpful?", "DONATE",
    "Tags", "HomeNewsBrief{p}", "• {p}", "- {p}", "1. {p}", "15-09-11-{p}-NarcoPolice.jpg",
    "Related: Cocaine flows from {p} to {q}", "LEER MÁS: {p} y {q}", "Comments (0)",
    "Subscribe to our newsletter", "{p} | {q} | News",
)
DATELINES = ("{P}, 23 de abril de 2019.", "{P} / 19 JUL 2012 BY STAFF", "{p} (Reuters) -", "")
ODDITIES = (
    "\u00a0", "\u200b", "\u2028", "\u2029", "\t", "\r", "\x0b", "\x0c", "\ufeff", "\u0301",
    "\u202e", "\ufffd", "?", "...", "…", "«", "»", "“", "”", "’", "¿", "¡", "(", ")", "—",
    "--", ";", ":", "EE.UU.", "U.S.", "\U0001f1f5\U0001f1ea", "İ", "ß", "ǅ", "Ⅻ", "①",
    "ﬁ", "Ａ", "\x00", "\x1c", "\x85", "\u0130stanbul",
)
# fmt: on


def place_names(limit_per_kind: int = 400) -> list[str]:
    """Names of the gazetteer to build sentences from (stable order)."""
    import csv

    from routemap.gazetteer import Gazetteer

    gaz = Gazetteer.default()
    names: list[str] = []
    for kind in ("country", "continent", "area", "region", "port", "airport"):
        try:
            places = gaz.places(kind=kind)
        except Exception:  # a kind the gazetteer does not hold
            continue
        step = max(1, len(places) // limit_per_kind)
        names += [p.name for p in places[::step]]
    for country in ("PE", "BO", "CO", "EC", "BR", "MX", "ES", "NL", "BE", "US", "PY", "VE"):
        cities = gaz.places(kind="city", country=country)
        cities.sort(key=lambda p: -(p.population or 0))
        names += [p.name for p in cities[:60]]
    data = ROOT / "routemap" / "data"
    for file, column in (
        ("aliases.csv", "name"),
        ("demonyms.csv", "demonym"),
        ("not_places.csv", "name"),
    ):
        with open(data / file, encoding="utf-8") as handle:
            names += [row[column] for row in csv.DictReader(handle)]
    return list(dict.fromkeys(n for n in names if n))


def write_article(fdp: Any, names: Sequence[str]) -> str:
    """An article the provider's choices write: headline, dateline, body, chrome."""

    def pick(options: Sequence[str]) -> str:
        return options[fdp.ConsumeIntInRange(0, len(options) - 1)]

    def place() -> str:
        name = pick(names)
        style = fdp.ConsumeIntInRange(0, 9)
        if style == 0:
            return name.upper()
        if style == 1:
            return name.lower()
        if style == 2:
            return f"the {name}"
        if style == 3:
            return f"{name}, {pick(names)}"  # "Buenaventura, Colombia"
        return name

    lines: list[str] = []
    if fdp.ConsumeBool():
        lines += [f"{place()} {pick(MOVES).lower()} {pick(CUES['destination'])} {place()}", ""]
    dateline = pick(DATELINES).format(P=place().upper(), p=place())
    for _ in range(fdp.ConsumeIntInRange(1, 6)):  # paragraphs
        sentences = []
        for _ in range(fdp.ConsumeIntInRange(1, 4)):
            words = [pick(MOVES)]
            for _ in range(fdp.ConsumeIntInRange(1, 5)):
                role = pick(("origin", "transit", "destination", "context"))
                words += [pick(CUES[role]), place()]
                if fdp.ConsumeIntInRange(0, 3) == 0:
                    words.append(pick(TAILS))
                if fdp.ConsumeIntInRange(0, 7) == 0:
                    words.append(pick(ODDITIES))
            sentence = " ".join(w for w in words if w)
            sentences.append(sentence + pick((".", ".", ".", "!", "?", ";", "", " (AP).")))
        paragraph = " ".join(sentences)
        if dateline:
            paragraph, dateline = f"{dateline} {paragraph}", ""
        lines += [paragraph, ""]
    for _ in range(fdp.ConsumeIntInRange(0, 6)):  # site chrome after (or among) the body
        line = pick(CHROME).format(p=place(), q=place())
        lines.insert(fdp.ConsumeIntInRange(0, len(lines)), line)
    text = "\n".join(lines)
    width = fdp.ConsumeIntInRange(0, 120)
    if width >= 30:  # hard-wrapped, as in e-mail and PDF copy-paste
        import textwrap

        text = "\n".join(
            "\n".join(textwrap.wrap(line, width)) if line else "" for line in text.split("\n")
        )
    if fdp.ConsumeIntInRange(0, 4) == 0:
        text = text.replace("\n", "\r\n")
    if fdp.ConsumeIntInRange(0, 3) == 0:  # a few raw characters anywhere
        for _ in range(fdp.ConsumeIntInRange(1, 4)):
            at = fdp.ConsumeIntInRange(0, len(text))
            raw = fdp.ConsumeUnicodeNoSurrogates(fdp.ConsumeIntInRange(1, 8))
            text = text[:at] + raw + text[at:]
    return text


# -- the seed corpus -------------------------------------------------------------------------


def seed_corpus(folder: Path, max_len: int) -> int:
    """Paragraphs of the seed articles and the texts of tests/data, as files in ``folder``."""
    import yaml

    texts: list[str] = []
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        article = path.read_text(encoding="utf-8")
        texts.append(article[:max_len])
        texts += [p for p in re.split(r"\n\s*\n", article) if len(p.strip()) > 40]
    for name in ("geoparse/examples.yaml", "routes/heldout.yaml", "routes/heldout2.yaml"):
        data = yaml.safe_load((ROOT / "tests" / "data" / name).read_text(encoding="utf-8"))
        entries = data if isinstance(data, list) else [e for v in data.values() for e in v]
        texts += [e["text"] for e in entries if isinstance(e, dict) and "text" in e]
    folder.mkdir(parents=True, exist_ok=True)
    written = 0
    for text in dict.fromkeys(texts):
        data = text.encode("utf-8")[:max_len]
        name = hashlib.sha1(data).hexdigest()
        (folder / name).write_bytes(data)
        written += 1
    return written


# -- the run ---------------------------------------------------------------------------------


class Findings:
    """Distinct failures (type and raising frame), each saved once with its input."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self.seen: dict[str, int] = {}

    def record(self, text: str, data: bytes, exc: BaseException) -> None:
        frames = traceback.extract_tb(exc.__traceback__)
        inner = [f for f in frames if "/routemap/" in f.filename] or frames
        where = f"{Path(inner[-1].filename).name}:{inner[-1].lineno}" if inner else "?"
        message = str(exc).split("\n")[0]
        if isinstance(exc, InvariantError):
            message = re.sub(r"\d+", "N", message)[:60]
            key = f"invariant: {message}"
        else:
            key = f"{type(exc).__name__} at {where}"
        self.seen[key] = self.seen.get(key, 0) + 1
        if self.seen[key] > 1:
            return
        number = len(self.seen)
        report = "".join(traceback.format_exception(exc))
        (self.folder / f"finding-{number:02d}.txt").write_text(
            f"{key}\n\n{report}\n--- input text (repr) ---\n{text!r}\n", encoding="utf-8"
        )
        (self.folder / f"finding-{number:02d}.bin").write_bytes(data)
        print(f"\nFINDING {number}: {key}\n{message}\n", file=sys.stderr, flush=True)


def run(args: argparse.Namespace) -> None:
    import atheris

    workdir = Path(args.workdir or tempfile.mkdtemp(prefix=f"routemap-fuzz-{args.mode}-"))
    corpus = workdir / "corpus"
    findings = Findings(workdir / "findings")
    scratch = Path(tempfile.mkdtemp(prefix="routemap-fuzz-files-"))
    names: list[str] = []
    stats = {"executions": 0, "routes": 0, "slowest_s": 0.0, "slowest_len": 0}

    # Comparisons with str literals guide the mutations. (The RegEx hook is left off: its
    # pattern proxy breaks pattern.match(text, pos), which html.parser calls.)
    atheris.enabled_hooks.add("str")
    with atheris.instrument_imports(include=["routemap"]):
        import routemap.export
        import routemap.extract
        import routemap.geoparse  # noqa: F401

    from routemap.gazetteer import Gazetteer

    Gazetteer.default()
    check_pipeline("Cocaine is flown from Peru to Bolivia.")  # warm the caches
    if args.mode == "raw":
        count = seed_corpus(corpus, args.max_len)
        print(f"seed corpus: {count} files in {corpus}", file=sys.stderr)
    else:
        import random

        corpus.mkdir(parents=True, exist_ok=True)
        draw = random.Random(7)  # the provider's choices need bytes to choose with
        for number in range(64):
            size = draw.randrange(32, min(2048, args.max_len))
            (corpus / f"random-{number:02d}").write_bytes(draw.randbytes(size))
        names = place_names()
        print(f"structured mode: {len(names)} names", file=sys.stderr)

    started = time.monotonic()

    def one_input(data: bytes) -> None:
        text = ""
        t0 = time.perf_counter()
        try:
            if args.mode == "raw":
                text = data.decode("utf-8", "replace")
                stats["routes"] += check_file(data, scratch)
            else:
                fdp = atheris.FuzzedDataProvider(data)
                text = write_article(fdp, names)
                twice = hashlib.sha1(data).digest()[0] < 32  # one input in eight
                stats["routes"] += check_pipeline(text, twice=twice)
        except Exception as exc:
            findings.record(text, data, exc)
        elapsed = time.perf_counter() - t0
        stats["executions"] += 1
        if elapsed > stats["slowest_s"]:
            stats["slowest_s"], stats["slowest_len"] = round(elapsed, 3), len(text)
            if elapsed > args.slow:
                findings.record(text, data, InvariantError(f"slow input: {elapsed:.1f} s"))
        if stats["executions"] % 50 == 0:
            write_stats()

    def write_stats() -> None:
        figures = {
            **stats,
            "mode": args.mode,
            "seconds": round(time.monotonic() - started, 1),
            "findings": findings.seen,
        }
        (workdir / "stats.json").write_text(json.dumps(figures, indent=2), encoding="utf-8")

    libfuzzer = [
        sys.argv[0],
        str(corpus),  # new inputs are written to the first folder only
        *([str(ROOT / "benchmarks" / "fuzz_corpus")] if args.mode == "raw" else []),
        f"-max_total_time={args.time}",
        f"-max_len={args.max_len}",
        "-timeout=60",
        "-len_control=0",
        "-rss_limit_mb=4096",
        "-print_final_stats=1",
        f"-artifact_prefix={workdir}/",
        *args.libfuzzer,
    ]
    print(f"workdir: {workdir}", file=sys.stderr)
    atheris.Setup(libfuzzer, one_input)
    try:
        atheris.Fuzz()
    finally:
        write_stats()


def replay(paths: Sequence[str], mode: str) -> int:
    """Check saved inputs again (a finding file's bytes, or a text file), without atheris."""
    failed = 0
    names = place_names() if mode == "struct" else []
    scratch = Path(tempfile.mkdtemp(prefix="routemap-fuzz-files-"))
    for path in paths:
        data = Path(path).read_bytes()
        try:
            if mode == "struct":
                import atheris

                check_pipeline(write_article(atheris.FuzzedDataProvider(data), names))
            else:
                check_file(data, scratch)
            print(f"ok   {path}")
        except Exception as exc:
            failed += 1
            print(f"FAIL {path}: {type(exc).__name__}: {exc}")
    return 1 if failed else 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mode", choices=("raw", "struct"), default="struct")
    parser.add_argument("--time", type=int, default=60, help="seconds to fuzz (default 60)")
    parser.add_argument("--max-len", type=int, default=4096, help="longest input in bytes")
    parser.add_argument("--slow", type=float, default=10.0, help="an input slower is a finding")
    parser.add_argument("--workdir", help="corpus, findings and stats (default: a temp dir)")
    parser.add_argument("--replay", nargs="+", metavar="FILE", help="check saved inputs")
    parser.add_argument("libfuzzer", nargs="*", help="extra libFuzzer flags, after --")
    args = parser.parse_args(argv)
    if args.replay:
        return replay(args.replay, args.mode)
    run(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())

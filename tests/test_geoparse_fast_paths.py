"""The faster recognition checks answer exactly what their plain forms answered.

Several filters in routemap.geoparse read the words before a name forwards in the reversed
text, match at offsets instead of slicing, or precheck before a search. Each is compared
here with the plain computation it replaced (kept below as the reference), at every word
start of the seed articles and of generated text; so are the per-candidate scoring (one
loop per name, local support counted in the proximity pass) and the language guess of
text (read as bytes).
"""

from __future__ import annotations

import math
import re
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

import routemap.geoparse  # noqa: F401  (the module, shadowed by the function on the package)
from routemap.gazetteer import Gazetteer
from routemap.normalize import fold_for_scan
from routemap.places import PlaceKind
from routemap.text import Document, _only_in, _words, detect_language, read_document

gp = sys.modules["routemap.geoparse"]

SEEDS = sorted(Path(__file__).resolve().parents[1].glob("seeds/*.txt"))
# Words, capitals, titles, organisations, cue words, quotes, dots and blanks: what the
# windows around a name are made of.
_PIECES = st.sampled_from(
    [
        "Mr", "Mr.", "judge", "Judge", "buque", "the", "The", "of", "of the", "de", "de la",
        "del", "Ministry", "Policía", "Nacional", "Lima", "Callao", "Perú", "port", "puerto",
        "airport", "region", "río", "and", "y", ",", ".", "'s", "’s", "'", "’", "\"", "“",
        "«", "(", "O'Brien", "U.S.", "EE.UU.", "ex-judge", "2Lima", "_x", "—", "--", "é",
        "Ñandú", "cartel", "Sinaloa", "$5", "28", "José", "Juan", "Rodríguez", "\n", "…",
        "seaport", "ports", "puertos", "aeropuerto", "internacional", "departamento",
        "department", "provincia", "province", "state", "estado", "región", "regions",
        "city", "town", "ciudad", "localidad", "in", "rivers", "ríos", "Río", "International",
    ]
)  # fmt: skip
_SEPARATORS = st.sampled_from(["", " ", "  ", "\t", " \t", "\n", " \n ", ", ", ". "])


@st.composite
def _texts(draw: st.DrawFn) -> str:
    parts = draw(st.lists(st.tuples(_PIECES, _SEPARATORS), min_size=1, max_size=16))
    return "".join(piece + blank for piece, blank in parts)


def _word_starts(text: str) -> list[int]:
    return [m.start() for m in re.finditer(r"\w+", text)]


def _seed_texts() -> list[str]:
    return [read_document(path).text for path in SEEDS]


# -- the plain forms -------------------------------------------------------------------------


def _organisation_context_plain(text: str, start: int, end: int) -> bool:
    after = gp._next_word(text, end)
    if gp._word_key(after) in gp._ORG_AFTER and text[end : end + 1] in (" ", "\t", "\n", "-"):
        return True
    if after[:1].isupper() and gp._word_key(after) in gp._ORG_AFTER_CAPITALISED:
        return True
    if gp._MONEY_OR_DATE.match(text[end : end + 3]):
        return True
    position = start
    for _ in range(5):
        word = gp._previous_word(text, position)
        if not word:
            return False
        key = gp._word_key(word)
        if (key in gp._ORG_BEFORE and word[0].isupper()) or key in {"cartel", "cartel de"}:
            return True
        if not (word[0].isupper() or key in gp._CONNECTORS):
            return False
        position = text.rfind(word, 0, position)
    return False


def _in_long_capitalised_run_plain(text: str, start: int, end: int) -> bool:
    if len(text[start:end].split()) != 1:
        return False
    before = None
    if text[start - 1 : start] in (" ", "\t"):
        window = text[max(0, start - 80) : start]
        last = window.rstrip(" \t").rsplit(None, 1)
        if last and gp._RUN_CAPITAL.search(last[-1]):
            before = gp._RUN_BEFORE.search(window)
    after = gp._RUN_AFTER.match(text[end : end + 80])
    words_before = len(before.group().split()) if before else 0
    if before and gp._sentence_start(text, start - len(before.group())):
        words_before -= 1
    words_after = len(after.group().split()) if after else 0
    return words_before + words_after >= 2


def _person_or_ship_plain(text: str, start: int) -> bool:
    if text[start - 1 : start] not in gp._BLANK_OR_QUOTE:
        return False
    window = text[max(0, start - 40) : start]
    previous = gp._TITLE_BEFORE.search(window, gp._tail_start(window, 2))
    return previous is not None and gp._word_key(previous.group(1)) in gp._PERSON_OR_SHIP_BEFORE


def _inside_proper_phrase_plain(
    text: str, start: int, end: int, place_starts: set[int], place_ends: set[int]
) -> bool:
    after = gp._PROPER_AFTER.match(text[end : end + 40])
    if after and after.group(1)[0].isupper():
        word = gp._word_key(after.group(1))
        if (
            end + after.start(1) not in place_starts
            and not gp._is_cue_word(word)
            and word not in gp._demonyms()
            and word not in gp._CONNECTORS
        ):
            return True
    if gp._sentence_start(text, start) or text[start - 1 : start] not in (" ", "\t"):
        return False
    window = text[max(0, start - 60) : start]
    tail = gp._tail_start(window, 3)
    if window[tail:].islower():
        return False
    before = gp._PROPER_BEFORE.search(window, tail)
    if before and before.group(1)[0].isupper():
        word = gp._word_key(before.group(1))
        word_end = start - len(window) + before.end(1)
        if (
            word_end not in place_ends
            and (not gp._is_cue_word(word) or word in {"port", "city", "ciudad"})
            and word not in gp._demonyms()
            and word not in gp._CONNECTORS
            and not gp._sentence_start(text, word_end - len(before.group(1)))
        ):
            return True
    return False


def _cue_before_plain(folded: str) -> PlaceKind | None:
    squeezed = gp._SPACES.sub(" ", folded)
    for pattern, kind in gp._CUES_BEFORE:
        if pattern.search(squeezed):
            return kind
    return None


def _cue_plain(text: str, start: int, end: int, sentence_start: int) -> PlaceKind | None:
    folded = fold_for_scan(text)
    begin = max(sentence_start, start - 80)
    before_raw = text[begin:start]
    kind = _cue_before_plain(folded[begin:start])
    # As before: the tail of a list goes when the window ends like one (_LIST_TAIL's "$"
    # would also take one before a final line break: "Mr, \n").
    if kind is None and before_raw.removesuffix(" ").endswith(gp._LIST_TAIL_ENDS):
        kind = _cue_before_plain(fold_for_scan(gp._LIST_TAIL.sub("", before_raw)))
    if kind is not None:
        return kind
    after = gp._SPACES.sub(" ", folded[end : end + 30])
    for pattern, kind in gp._CUES_AFTER:
        if pattern.search(after):
            return kind
    return None


# -- comparisons -------------------------------------------------------------------------------


def _spans(text: str) -> list[tuple[int, int]]:
    """Every word, and every run of two or three words, as a name's span."""
    words = list(re.finditer(r"\w+", text))
    spans = []
    for i, first in enumerate(words):
        for last in words[i : i + 3]:
            spans.append((first.start(), last.end()))
    return spans


def _check_filters(text: str) -> None:
    rev = text[::-1]
    starts = set(_word_starts(text))
    ends = {m.end() for m in re.finditer(r"\w+", text)}
    for start, end in _spans(text):
        where = (text, start, end)
        assert gp._organisation_context(text, start, end, rev) == _organisation_context_plain(
            text, start, end
        ), where
        assert gp._in_long_capitalised_run(text, start, end, rev) == _in_long_capitalised_run_plain(
            text, start, end
        ), where
        assert gp._person_or_ship(text, start, rev) == _person_or_ship_plain(text, start), where
        for place_starts, place_ends in (((), ()), (starts, ends)):
            assert gp._inside_proper_phrase(
                text, start, end, set(place_starts), set(place_ends), rev
            ) == _inside_proper_phrase_plain(text, start, end, set(place_starts), set(place_ends))
        for sentence_start in (0, max(0, start - 30)):
            assert gp._cue(text, start, end, sentence_start) == _cue_plain(
                text, start, end, sentence_start
            ), where


@settings(max_examples=300, deadline=None)
@given(_texts())
def test_filters_on_generated_text(text: str) -> None:
    _check_filters(text)


def test_filters_on_seed_articles() -> None:
    for text in _seed_texts():
        # Windows around every tenth word keep the test short; their offsets shift with it.
        for start in _word_starts(text)[::10]:
            _check_filters(text[max(0, start - 100) : start + 100])


@settings(max_examples=300, deadline=None)
@given(_texts())
def test_previous_word_read_backwards(text: str) -> None:
    rev, size = text[::-1], len(text)
    for position in range(len(text) + 1):
        back = gp._PREVIOUS_WORD_REVERSED.match(rev, size - position, size - position + 40)
        if back is not None:
            word = back.group(1)[::-1]
            assert word == gp._previous_word(text, position)
            assert size - back.end(1) == text.rfind(word, 0, position)


def test_cue_examples() -> None:
    text = "Cocaine left the ports of Callao, Paita and Chancay; the Cusco region, río Ene."
    for name, kind in (
        ("Callao", PlaceKind.PORT),
        ("Chancay", PlaceKind.PORT),
        ("Cusco", PlaceKind.REGION),
        ("Ene", PlaceKind.RIVER),
    ):
        start = text.index(name)
        assert gp._cue(text, start, start + len(name), 0) is kind
        assert _cue_plain(text, start, start + len(name), 0) is kind
    # A window ending in a line break keeps its list (as before these shortcuts).
    assert gp._cue("regiónMr, \nMr", 11, 13, 0) is None


# -- scoring --------------------------------------------------------------------------------


def _score_plain(found, candidate, countries, anchors):  # type: ignore[no-untyped-def]
    """The score as computed before: separate passes for proximity and local support."""

    def proximity() -> float:
        phi, lam = math.radians(candidate.lat), math.radians(candidate.lon)
        near = listed = 2.0
        for key, phi2, lam2, cos_phi2, _ in anchors:
            if key == found.key:
                continue
            h = (
                math.sin((phi2 - phi) / 2) ** 2
                + math.cos(phi) * cos_phi2 * math.sin((lam2 - lam) / 2) ** 2
            )
            if found.siblings and key in found.siblings:
                listed = min(listed, h)
            elif h < near:
                near = h
        best = 0.0
        for h, scale in ((near, gp.NEAR_SCALE_KM), (listed, gp.SIBLING_SCALE_KM)):
            if h <= 1.0:
                distance = 12742.0 * math.asin(min(1.0, math.sqrt(h)))
                best = max(best, math.exp(-distance / scale))
        return best

    def pull() -> float:
        leads: dict[PlaceKind, float] = {}
        for c in found.candidates:
            if c.kind in gp._NAMESAKE_KINDS:
                group = gp._NAMESAKE_KINDS[c.kind][0]
                leads[group] = max(leads.get(group, 0.0), c.prior + c.fame)
        lead = leads.get(gp._NAMESAKE_KINDS[candidate.kind][0], 0.0)
        gap = lead - candidate.prior - candidate.fame
        if gap <= gp.NAMESAKE_GAP:
            return 1.0
        phi, lam = math.radians(candidate.lat), math.radians(candidate.lon)
        limit = math.sin(gp.LOCAL_KM / 12742.0) ** 2
        near: list[tuple[float, float]] = []
        support = 0
        for key, phi2, lam2, cos_phi2, weight in anchors:
            if key == found.key:
                continue
            h = (
                math.sin((phi2 - phi) / 2) ** 2
                + math.cos(phi) * cos_phi2 * math.sin((lam2 - lam) / 2) ** 2
            )
            if h <= limit and all(
                abs(phi2 - p) + abs(lam2 - q) * cos_phi2 > 0.005 for p, q in near
            ):
                near.append((phi2, lam2))
                support += weight
        if support >= gp.LOCAL_SUPPORT:
            return 1.0
        return max(gp.NAMESAKE_MIN_PULL, 1.0 - (gap - gp.NAMESAKE_GAP) / gp.NAMESAKE_SPAN)

    if candidate.country is None:
        focus = near = 1.0
    else:
        focus = countries.get(candidate.country, 0.0)
        if candidate.kind is PlaceKind.COUNTRY:
            focus = max(focus, gp.COUNTRY_MIN_FOCUS)
            near = focus
        else:
            near = proximity() if anchors else 0.0
    if candidate.kind in gp._NAMESAKE_KINDS and not found.allowed:
        factor = pull()
        focus, near = focus * factor, near * factor
    prior = candidate.prior + candidate.fame
    mix = gp.W_PRIOR * prior + gp.W_FOCUS * focus + gp.W_NEAR * near
    score = candidate.name_type.quality * mix
    if found.allowed and candidate.pk not in found.allowed:
        score *= gp.QUALIFIER_PENALTY
    if found.list_kind is not None and candidate.kind is not found.list_kind:
        score *= gp.LIST_KIND_PENALTY
    if found.cue is not None and any(c.kind is found.cue for c in found.candidates):
        score *= 1.0 if candidate.kind is found.cue else 0.35
    return score


def test_scores_match_the_plain_formula() -> None:
    gaz = Gazetteer.default()
    texts = [
        *_seed_texts(),
        "San Francisco, Pichari and Kimbiri in the VRAEM; Santa Rosa and San Martín.",
        "From Madrid and Valencia to Cartagena, Colombia, and the port of Callao.",
    ]
    compared = 0
    for text in texts:
        document = Document.for_scanning(text)
        found, countries = gp._recognise(document, gaz)
        anchors = [
            gp._anchor(item.key, c.lat, c.lon, 1 + (i % 2))
            for i, item in enumerate(found)
            for c in item.candidates[:1]
        ][:25]
        for item in found:
            for these in ((), anchors):
                scores = gp._scores(item, item.candidates, countries, these)
                plain = [_score_plain(item, c, countries, these) for c in item.candidates]
                assert scores == plain, item.key
                compared += len(scores)
    assert compared > 100


# -- language -------------------------------------------------------------------------------


def _detect_plain(text: str) -> str | None:
    words = _words(text[:4000])
    if not words:
        return None
    en = sum(word in _only_in("en", "es") for word in words)
    es = sum(word in _only_in("es", "en") for word in words)
    if en == es == 0:
        return None
    return "en" if en >= es else "es"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=200))
def test_ascii_language_guess(text: str) -> None:
    assert detect_language(text) == _detect_plain(text)


_STOPWORDISH = st.sampled_from(
    ["the", "The", "of", "and", "que", "más", "MÁS", "también", "está", "él", "sí", "y"]
)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.one_of(_STOPWORDISH, st.text(max_size=6)), max_size=30))
def test_language_guess_on_any_text(parts: list[str]) -> None:
    text = "".join(parts)
    assert detect_language(text) == _detect_plain(text)
    spaced = " ".join(parts)
    assert detect_language(spaced) == _detect_plain(spaced)


def test_language_guess_examples() -> None:
    for text in [
        *_seed_texts(),
        "The police said the cocaine was bound for Antwerp.",
        "La policía dijo que la droga iba a Amberes y que los detenidos son peruanos.",
        "El puerto del Callao (Peru) and the ports of Spain",
        "1234 !!! ...",
        "",
        # Digits beyond ASCII split words; other numerals and marks as _words says.
        "the١ the٣the y١que que１ más２",
        "the² the½ que¹ y and\u0301 the\u00a0the\u2003que “the” «que» the—que",
        "İSTANBUL ΣΟΦΙΑ the MÁS QUE ﬁnal",
    ]:
        assert detect_language(text) == _detect_plain(text), text[:60]
        ascii_only = text.encode("ascii", "ignore").decode()
        assert detect_language(ascii_only) == _detect_plain(ascii_only)


# -- documents ------------------------------------------------------------------------------


_LINE_PIECES = st.sampled_from(
    [
        "Peru seizes cocaine", "SEE ALSO: Peru", "share", "DONATE", "HomeNewsBriefPeru",
        "15-09-11-Peru-NarcoPolice", "• Tags", "1.", "Police said on Monday that 2 tonnes of "
        "cocaine left the port of Callao for Antwerp. It was the largest seizure this year.",
        "Was this helpful?", "About us", "Read more", "The ship sailed. Mr. Smith said so.",
        "   ", "", "U.S. officials", "Sign up for our newsletter and get the latest news",
    ]
)  # fmt: skip


def _mark_chrome_plain(text: str) -> list[tuple[int, int, str, bool]]:
    """mark_chrome as written before: every line stripped where it is read."""
    from collections import Counter

    from routemap import text as tx

    lines = [(m.start(), m.end(), m.group()) for m in tx._LINE.finditer(text) if m.group().strip()]
    if not lines:
        return []
    shapes = [tx._is_short(t.strip()) for _, _, t in lines]
    prose = [tx._is_prose(t.strip()) for _, _, t in lines]
    first_prose = next((i for i, p in enumerate(prose) if p), len(lines))
    counts = Counter(t.strip() for _, _, t in lines)
    body_end = len(lines)
    for i in range(first_prose + 1, len(lines) - 2):
        window = lines[i : i + 4]
        if (
            shapes[i]
            and sum(shapes[i : i + 4]) >= 3
            and len(window) >= 3
            and all(len(t.strip()) < tx._PARAGRAPH for _, _, t in window)
        ):
            body_end = i
            break
    blocks = []
    for i, (start, end, line) in enumerate(lines):
        stripped = line.strip()
        chrome = (
            i >= body_end
            or (counts[stripped] > 1 and len(stripped) >= 20 and i > first_prose)
            or (shapes[i] and bool(tx._LINK_LINE.match(stripped)) and i > first_prose)
            or bool(tx._RUN_TOGETHER.search(stripped.split(" ")[0]))
            or bool(tx._LIST_ITEM.match(stripped))
            or bool(tx._SLUG.match(stripped))
        )
        blocks.append((start, end, line, chrome))
    return blocks


@settings(max_examples=300, deadline=None)
@given(st.lists(_LINE_PIECES, max_size=14))
def test_chrome_marks_as_before(lines: list[str]) -> None:
    from routemap.text import mark_chrome

    text = "\n".join(lines)
    assert [(b.start, b.end, b.text, b.chrome) for b in mark_chrome(text)] == _mark_chrome_plain(
        text
    )


def test_chrome_marks_on_seeds() -> None:
    from routemap.text import mark_chrome

    for text in _seed_texts():
        assert [
            (b.start, b.end, b.text, b.chrome) for b in mark_chrome(text)
        ] == _mark_chrome_plain(text)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab.U S\t\n\u00a0\u2003\x1c")), max_size=40))
def test_last_word_is_what_split_gives(text: str) -> None:
    from routemap.text import _last_word

    for end in range(len(text) + 1):
        assert _last_word(text, end) == (text[:end].split() or [""])[-1]


_CUE_PHRASES = """the port of|ports of the|seaport of|puerto de|puertos del|puerto de la|puerto|
    airport of|airports in|aeropuerto|aeropuerto internacional|aeropuerto internacional de|
    aeropuertos del|department of|regions of the|state of|provinces of|departamento de|
    provincias del|estado de la|región|region de|región del|río|rivers|ríos|river|city of|
    town of|ciudad de|localidad del|distrito de|poblado del""".split("|")


def test_every_cue_before_is_found() -> None:
    for phrase in _CUE_PHRASES:
        for before in (f"Cocaine left the {phrase.strip()} ", f"{phrase.strip()}  ", phrase):
            folded = fold_for_scan(before)
            assert gp._cue_before(folded) is not None, before
            assert gp._cue_before(folded) == _cue_before_plain(folded), before

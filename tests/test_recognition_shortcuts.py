"""The recognition shortcuts answer exactly what the plain searches they skip would.

Each fast path in routemap.geoparse (end-anchored searches started at the last words they
can span, prechecks before a search, overlap clusters in the matcher, per-document lookup
arrays) is compared here with the plain computation, on the seed articles and on
generated text.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import routemap.geoparse  # noqa: F401  (the module, shadowed by the function on the package)
from routemap.gazetteer import Gazetteer
from routemap.text import Document, read_document

gp = sys.modules["routemap.geoparse"]

SEEDS = sorted(Path(__file__).resolve().parents[1].glob("seeds/*.txt"))
# Words, capitals, connectors, cue words, quotes and blanks: the material of the windows
# the recognition filters look at.
_PIECES = st.sampled_from(
    [
        "Mr", "Mr.", "judge", "Judge", "buque", "the", "The", "of", "of the", "de", "de la",
        "del", "Ministry", "Lima", "Callao", "port", "and", "y", ",", ".", "'s", "’s", "\"",
        "“", "«", "(", "O'Brien", "ex-judge", "2Lima", "_x", "Policía", "Nacional", "—",
        "--", "é", "Ñandú", "río", "\n",
    ]
)  # fmt: skip
_SEPARATORS = st.sampled_from(["", " ", "  ", "\t", " \t", "\n", " \n "])


@st.composite
def _windows(draw: st.DrawFn) -> str:
    parts = draw(st.lists(st.tuples(_PIECES, _SEPARATORS), max_size=12))
    return "".join(piece + blank for piece, blank in parts)


def _seed_windows(width: int) -> list[str]:
    windows = []
    for path in SEEDS:
        text = read_document(path).text
        windows += [text[max(0, i - width) : i] for i in range(0, len(text), 7)]
    return windows


def test_tail_start_examples() -> None:
    assert gp._tail_start("the port of Callao ", 2) == 9
    assert gp._tail_start("Callao", 2) == 0
    assert gp._tail_start("", 3) == 0
    assert gp._tail_start("  a  b c d\t", 3) == 5


@settings(max_examples=400, deadline=None)
@given(_windows())
def test_title_search_from_the_last_two_words(window: str) -> None:
    whole = gp._TITLE_BEFORE.search(window)
    tail = gp._TITLE_BEFORE.search(window, gp._tail_start(window, 2))
    assert (whole and whole.span(1)) == (tail and tail.span(1))


@settings(max_examples=400, deadline=None)
@given(_windows())
def test_proper_phrase_search_from_the_last_three_words(window: str) -> None:
    whole = gp._PROPER_BEFORE.search(window)
    tail = gp._PROPER_BEFORE.search(window, gp._tail_start(window, 3))
    assert (whole and whole.span(1)) == (tail and tail.span(1))


def _run_before_plain(window: str) -> bool:
    return gp._RUN_BEFORE.search(window) is not None


@settings(max_examples=400, deadline=None)
@given(_windows())
def test_capitalised_run_precheck(window: str) -> None:
    last = window.rstrip(" \t").rsplit(None, 1)
    if not (last and gp._RUN_CAPITAL.search(last[-1])):
        assert not _run_before_plain(window)


@settings(max_examples=400, deadline=None)
@given(_windows())
@example("Mr, \n")  # `$` matched before a final line break; the precheck does not
def test_list_tail_ends(window: str) -> None:
    if gp._LIST_TAIL.search(window):
        assert window.removesuffix(" ").endswith(gp._LIST_TAIL_ENDS)


@pytest.mark.parametrize("width", [40, 60, 80])
def test_shortcuts_on_seed_windows(width: int) -> None:
    for window in _seed_windows(width):
        for pattern, words in ((gp._TITLE_BEFORE, 2), (gp._PROPER_BEFORE, 3)):
            whole = pattern.search(window)
            tail = pattern.search(window, gp._tail_start(window, words))
            assert (whole and whole.span()) == (tail and tail.span()), window
        if gp._LIST_TAIL.search(window):
            assert window.removesuffix(" ").endswith(gp._LIST_TAIL_ENDS), window


def _find_plain(matcher: object, text: str) -> list[tuple[int, int, int]]:
    """The matcher's choice ranked over all matches at once (no clusters)."""
    padded = " " + gp.fold_for_scan(text) + " "
    ranked = []
    for last, number in matcher.automaton.iter(padded):  # type: ignore[attr-defined]
        end = last - 1
        start = end - matcher.lengths[number]  # type: ignore[attr-defined]
        surface = text[start:end]
        capitals = 0 if surface.islower() else gp._capital_words(surface)
        ranked.append((-capitals, start - end, start, end, number))
    ranked.sort()
    taken = bytearray(len(text) + 1)
    chosen = []
    for _, _, start, end, number in ranked:
        if taken.find(1, start, end) < 0:
            chosen.append((start, end, number))
            taken[start:end] = b"\x01" * (end - start)
    return sorted(chosen)


def test_matcher_clusters_choose_as_one_ranking() -> None:
    matcher = gp._matcher(Gazetteer.default())
    texts = [read_document(path).text for path in SEEDS] + [
        "the Alto Huallaga valley and the Apurimac, Ene and Mantaro River Valley",
        "San José del Guaviare, San Vicente del Caguán y Puerto Asís, La Paz department",
        "New York New Mexico Santa Cruz de la Sierra Buenos Aires",
    ]
    for text in texts:
        assert matcher.find(text) == _find_plain(matcher, text)


def test_scanning_document_reads_like_the_full_one() -> None:
    for path in SEEDS:
        text = read_document(path).text
        full, scanning = Document.from_text(text), Document.for_scanning(text)
        assert (scanning.flow, scanning.blocks, scanning.sentences, scanning.language) == (
            full.flow,
            full.blocks,
            full.sentences,
            full.language,
        )
        assert scanning.date is None and scanning.title is None
    with pytest.raises(TypeError, match="must be a str"):
        Document.for_scanning(b"bytes")  # type: ignore[arg-type]


def test_chrome_lookup_matches_the_document() -> None:
    for path in SEEDS:
        document = read_document(path)
        lookup = gp._chrome_lookup(document)
        assert [lookup(i) for i in range(len(document.text) + 2)] == [
            document.in_chrome(i) for i in range(len(document.text) + 2)
        ]


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=80))
def test_words_are_the_letter_runs(text: str) -> None:
    from routemap.text import _WORD, _words

    assert _words(text) == _WORD.findall(text.lower())


def test_words_on_seeds() -> None:
    from routemap.text import _WORD, _words

    for path in SEEDS:
        text = read_document(path).text
        assert _words(text) == _WORD.findall(text.lower())

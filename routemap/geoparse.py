"""Geoparsing: find the places an article mentions and resolve each in context.

Recognition scans the folded text once with an Aho–Corasick automaton over every name in
the gazetteer (pyahocorasick), keeps the longest match, and then asks whether each match
is used as a place: capitalised as a proper name, not a common word at the head of a
sentence, not inside an organisation ("Policía Nacional del Perú"), a newspaper
("La República"), a person's or a ship's name. Resolution ranks each match's candidates by
their size and kind, the countries the document is about (as CLIFF does), nearby
mentions, and cue words ("port of", "puerto de", "X airport", "departamento de", "río").

>>> [(m.text, m.place.id) for m in geoparse("Cocaine left the port of Callao for Antwerp.")]
[('Callao', 'locode:PECLL'), ('Antwerp', 'geonames:2803138')]
"""

from __future__ import annotations

import array
import bisect
import csv
import functools
import io
import itertools
import math
import re
import threading
from collections import Counter, defaultdict
from collections.abc import Callable, Container, Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from routemap.gazetteer import Gazetteer
from routemap.gazetteer.core import ScanCandidate
from routemap.gazetteer.sources.base import NameType
from routemap.normalize import fold_for_scan, scan_key
from routemap.places import Place, PlaceKind
from routemap.text import Document

__all__ = ["Mention", "find_country_cues", "find_demonyms", "geoparse", "resolve_spans"]


@dataclass(frozen=True, slots=True)
class Mention:
    """A place name found in a document.

    ``start``/``end`` are offsets into the document's text; ``place`` is the resolved
    Place (None when no candidate fits); ``candidates`` the alternatives considered, best
    first, as ``(Place id, score)``; ``sentence`` the sentence index; ``score`` the
    resolution's confidence in [0, 1]; ``in_chrome`` whether it sits in site chrome (kept
    out of routes).
    """

    start: int
    end: int
    text: str
    place: Place | None
    candidates: tuple[tuple[str, float], ...] = field(default=(), repr=False)
    sentence: int = 0
    score: float = 0.0
    in_chrome: bool = False
    kind_cue: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON form used by ``routemap geoparse --json``."""
        place = self.place
        return {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "id": place.id if place else None,
            "name": place.name if place else None,
            "kind": place.kind.value if place else None,
            "lat": place.lat if place else None,
            "lon": place.lon if place else None,
            "country": place.country if place else None,
            "in_chrome": self.in_chrome,
            "sentence": self.sentence,
            "score": round(self.score, 4),
        }


# -- curated word lists (data files, not code) -----------------------------------------------


def _data_rows(name: str) -> list[dict[str, str]]:
    text = resources.files("routemap").joinpath("data", name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


@functools.cache
def _demonyms() -> dict[str, str]:
    """Folded demonym (singular and plural, both genders for Spanish) → country code."""
    return {key: code for key, (code, _) in _demonym_forms().items()}


@functools.cache
def _demonym_forms() -> dict[str, tuple[str, str]]:
    forms: dict[str, tuple[str, str]] = {}
    for row in _data_rows("demonyms.csv"):
        word, code = row["demonym"], row["country"]
        variants = {word, word + "s"}
        if row["lang"] == "es":
            stem = word[:-1] if word.endswith("o") else word
            variants |= {stem + "a", stem + "os", stem + "as", word + "es"}
            if word.endswith(("és", "án")):  # francés → francesa, alemán → alemana
                plain = word[:-2] + word[-2].replace("é", "e").replace("á", "a") + word[-1]
                variants |= {plain + "a", plain + "es", plain + "as"}
        for variant in variants:
            forms.setdefault(scan_key(variant), (code, row["lang"]))
    return forms


@functools.cache
def _not_places() -> frozenset[str]:
    return frozenset(_organisation_countries()) | frozenset(
        scan_key(row["name"]) for row in _data_rows("not_places.csv")
    )


@functools.cache
def _water_names() -> frozenset[str]:
    """Seas, oceans and lakes: never a stop, even where a town shares the name ("the Pacific"
    is not Pacific, Missouri; "the Gulf of Guinea" is not Guinea)."""
    return frozenset(
        scan_key(row["name"])
        for row in _data_rows("not_places.csv")
        if row["kind"] in ("sea", "lake")
    )


@functools.cache
def _organisation_countries() -> dict[str, str]:
    """Names that are not places but tell which country a story is about ("Serpost")."""
    return {
        scan_key(row["name"]): row["country"]
        for row in _data_rows("not_places.csv")
        if row.get("country")
    }


# Words that, capitalised right before a place name, make it part of an organisation
# or a title ("Policía Nacional del Perú", "Rey de España", "U.S. Embassy in …").
_ORG_BEFORE = frozenset(
    scan_key(w)
    for w in """police policia policía ministry ministerio embassy embajada consulate consulado
        army ejercito ejército navy armada marina guard guardia government gobierno
        university universidad bank banco court corte tribunal congress congreso
        prosecutor fiscalia fiscalía office oficina agency agencia council consejo union
        unión institute instituto service servicio directorate direccion dirección
        superintendence superintendencia authority autoridad commission comision
        comisión committee comite comité chamber camara cámara customs aduana aduanas
        king rey queen reina prince principe príncipe cartel cártel company compania
        compañía empresa party partido front frente association asociacion asociación
        federation federacion federación club airlines aerolineas aerolíneas corporation
        corporacion corporación foundation fundacion fundación hospital school escuela
        colegio church iglesia museum museo radio television televisión diario newspaper
        periodico periódico revista magazine channel canal network red""".split()
)
# Words right after a place name that make it part of a name ("Sinaloa cartel",
# "Gulf Clan", "Lima Stock Exchange", "Washington Post").
_ORG_AFTER = frozenset(
    scan_key(w)
    for w in """cartel cártel clan gang pandilla mafia family familia embassy embajada attorney
        police policia policía times post herald tribune journal daily news noticias airlines
        aerolineas university universidad stock exchange bolsa fc club cup copa virus fever
        presse
    flu""".split()
)
_MONTHS_AND_DAYS = frozenset(
    "january february march april may june july august september october november december "
    "enero febrero marzo abril mayo junio julio agosto septiembre setiembre octubre noviembre "
    "diciembre monday tuesday wednesday thursday friday saturday sunday lunes martes miercoles "
    "jueves viernes sabado domingo".split()
)
_ORG_AFTER_CAPITALISED = frozenset(
    "department departamento ministry ministerio office oficina agency agencia service "
    "administration navy army".split()
)
# Titles and ship words: a capitalised name after them is a person or a vessel.
_PERSON_OR_SHIP_BEFORE = frozenset(
    scan_key(w)
    for w in """mr mrs ms dr judge justice general gen president presidente minister ministro
        ministra mayor alcalde alcaldesa governor gobernador gobernadora senator senador
        senadora congressman congresista colonel coronel captain capitan capitán
        commander comandante sergeant sargento agent agente fiscal juez jueza don dona
        doña señor senor señora senora sr sra alias vessel ship boat buque barco nave
        navio navío tanker carguero mv yacht yate lancha embarcacion embarcación velero
        pesquero""".split()
)
# Cue words that say which kind of place follows or precedes ("port of Callao").
_CUES_BEFORE: tuple[tuple[re.Pattern[str], PlaceKind], ...] = tuple(
    (re.compile(pattern + r"\s*$"), kind)
    for pattern, kind in (
        (r"\b(?:sea)?ports? of(?: the)?", PlaceKind.PORT),
        (r"\bpuertos? (?:de|del|de la)", PlaceKind.PORT),
        (r"\bpuertos?", PlaceKind.PORT),
        (r"\bairports? (?:of|in)", PlaceKind.AIRPORT),
        (r"\baeropuertos?(?: internacional)?(?: de| del)?", PlaceKind.AIRPORT),
        (r"\b(?:department|region|province|state)s? of(?: the)?", PlaceKind.REGION),
        (r"\b(?:departamento|provincia|estado)s? (?:de|del|de la)", PlaceKind.REGION),
        (r"\bregi[oó]n(?: de| del)?", PlaceKind.REGION),
        (r"\b(?:r[ií]o|river)s?", PlaceKind.RIVER),
        (r"\b(?:city|town) of", PlaceKind.CITY),
        (r"\b(?:ciudad|localidad|distrito|poblado) (?:de|del)", PlaceKind.CITY),
    )
)
_CUES_AFTER: tuple[tuple[re.Pattern[str], PlaceKind], ...] = tuple(
    (re.compile(r"^\s*" + pattern), kind)
    for pattern, kind in (
        (r"(?:international )?airports?\b", PlaceKind.AIRPORT),
        (r"(?:sea)?ports?\b", PlaceKind.PORT),
        (r"(?:department|region|province|state)\b", PlaceKind.REGION),
        (r"rivers?\b", PlaceKind.RIVER),
    )
)
# One search says whether any cue pattern fits at all (most mentions have none).
_ANY_CUE_BEFORE = re.compile("|".join(f"(?:{pattern.pattern})" for pattern, _ in _CUES_BEFORE))
_ANY_CUE_AFTER = re.compile("|".join(f"(?:{pattern.pattern})" for pattern, _ in _CUES_AFTER))
# A list of names between a plural cue and the mention: "ports of Callao, Iquitos and …".
_LIST_TAIL = re.compile(r"(?:[A-Z][\w'’.-]*(?: [A-Z][\w'’.-]*)*(?:,| and| y| e| or| o) ?)+\Z")
# How a text _LIST_TAIL matches ends (before one optional blank): keep the two in step.
_LIST_TAIL_ENDS = (",", " and", " y", " e", " or", " o")
_WORD_BEFORE = re.compile(r"([\w'’.]+)[^\w\n]*$")
_WORD_AFTER = re.compile(r"^[^\w\n]*([\w'’]+)")
_SENTENCE_END_RE = re.compile(r"[.!?…][\"'”’»)]*$")
_CONNECTORS = frozenset("""de del la las los y e and of the da do dos das van von""".split())


#: scan_key of one word, memoised: the recognition filters look up the same few thousand
#: words (neighbours, titles, connectors) again and again.
_word_key = functools.lru_cache(maxsize=1 << 16)(scan_key)


def _capital_words(surface: str) -> int:
    return sum(1 for word in surface.split() if word[:1].isupper())


# English and Spanish words that end no place name in running text (see _Matcher).
_TRAILING_FUNCTION_WORDS = frozenset(
    "by of the and in on at to for from with is was "
    "de del la el las los y en a por para con".split()
)


class _KeyIndex:
    """``keys.index(key)`` and ``key in keys`` for the scan keys of a matcher, asked of
    its automaton (which maps each padded key to its number)."""

    __slots__ = ("_exists", "_get")

    def __init__(self, automaton: Any) -> None:
        self._exists = automaton.exists
        self._get = automaton.get

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and bool(self._exists(f" {key} "))

    def __getitem__(self, key: str) -> int:
        return int(self._get(f" {key} "))  # KeyError when it is not a key


_Built = tuple[list[str], int, Any]  # the keys, the number of the first not-place, automaton


def _build(gazetteer: Gazetteer) -> _Built:
    import ahocorasick

    keys = gazetteer._scan_keys()
    # English demonyms win over namesake towns ("Canadian", Texas); a generated Spanish
    # form that is also a place name ("china") stays a place name.
    places = set(keys)
    demonyms = {k for k, (_, lang) in _demonym_forms().items() if lang == "en" or k not in places}
    extra = sorted((_not_places() - places) | demonyms | _water_names())
    overridden = demonyms | _water_names()
    # A form ending in a function word ("Mexico By", Danish for Mexico City; "Bang Pa In")
    # would swallow running text: "to Mexico by sea" must still find Mexico.
    keys = [
        k
        for k in keys
        if k not in overridden and k.rpartition(" ")[2] not in _TRAILING_FUNCTION_WORDS
    ]
    first_not_place = len(keys)
    keys += extra
    automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
    for number, key in enumerate(keys):
        automaton.add_word(f" {key} ", number)
    automaton.make_automaton()
    return keys, first_not_place, automaton


def _built_cache(gazetteer: Gazetteer) -> Path | None:
    """Where the default gazetteer's built matcher is kept, beside its index in the
    routemap cache folder: a process then loads it (0.2 s) instead of building it (1-2 s,
    paid again by every worker of a batch). Its name hashes everything it is built from:
    the index file, the demonym, not-a-place and water lists, the code of this module,
    pyahocorasick and Python. None for an index elsewhere (a custom gazetteer: no file is
    written beside it unasked)."""
    import hashlib
    import sys
    from importlib.metadata import version

    from routemap.gazetteer.index import _cache_dir

    path = gazetteer.path
    try:
        if path.parent.resolve() != _cache_dir().resolve():
            return None
        stat = path.stat()
    except OSError:
        return None
    inputs = (
        path.name,
        stat.st_size,
        stat.st_mtime_ns,
        sorted(_demonym_forms().items()),
        sorted(_not_places()),
        sorted(_water_names()),
        # The code that builds it (this module): a changed rule must not load a stale one.
        hashlib.sha256(Path(__file__).read_bytes()).hexdigest(),
        version("pyahocorasick"),
        sys.version_info[:2],
    )
    digest = hashlib.sha256(repr(inputs).encode()).hexdigest()[:16]
    return path.with_name(f"{path.stem}.matcher-{digest}.pickle")


def _load_built(cache: Path) -> _Built | None:
    import pickle

    try:
        with cache.open("rb") as handle:
            keys, first_not_place, automaton = pickle.load(handle)  # our own cache file
    except Exception:  # missing, cut short or from another version: build it anew
        return None
    return keys, first_not_place, automaton


def _save_built(cache: Path, built: _Built) -> None:
    """Keep ``built`` at ``cache``, and remove the matchers built from earlier inputs."""
    import pickle

    from routemap.gazetteer.index import _store

    stem = cache.name.partition(".matcher-")[0]
    _store(cache, pickle.dumps(built, pickle.HIGHEST_PROTOCOL), stale=f"{stem}.matcher-*.pickle")


class _Matcher:
    """The automaton over every scan key of a gazetteer, built once per gazetteer."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        cache = _built_cache(gazetteer)
        built = _load_built(cache) if cache is not None else None
        if built is None:
            built = _build(gazetteer)
            if cache is not None:
                _save_built(cache, built)
        self.keys, first_not_place, automaton = built
        self.not_place_ids = set(range(first_not_place, len(self.keys)))
        self.automaton = automaton
        # Membership answered by the automaton, which holds every key already: a dict of
        # 320,000 keys would add 16 MB to every process that geoparses.
        self.index = _KeyIndex(automaton)
        self.lengths = array.array("H", map(len, self.keys))  # 2 bytes a key, not 8
        # _plausible's answers (and their top prior) by (key, exposed, proper here,
        # language), with the candidate tuple they were computed from (the gazetteer's).
        self.plausible: dict[
            tuple[str, bool, bool, str],
            tuple[tuple[ScanCandidate, ...], tuple[ScanCandidate, ...], float],
        ] = {}
        # Whether a key's first word is one of _WORTH_A_LOOK, by key number.
        self.worth_a_look: dict[int, bool] = {}
        # _solid's answers by key, with the candidate tuple they were computed from.
        self.solid: dict[str, tuple[tuple[ScanCandidate, ...], bool]] = {}

    def find(self, text: str, folded: str | None = None) -> list[tuple[int, int, int]]:
        """Longest non-overlapping ``(start, end, key id)`` matches in ``text``
        (``folded``: ``fold_for_scan(text)``, when the caller has it already)."""
        padded = " " + (fold_for_scan(text) if folded is None else folded) + " "
        lengths = self.lengths
        # " key " ends at padded index `last`; the padding shifts offsets by one.
        hits = sorted(
            (last - 1 - lengths[number], last - 1, number)
            for last, number in self.automaton.iter(padded)
        )
        # Most matches overlap no other and are kept as they are; overlapping ones are
        # settled within their cluster (what one keeps only bars those it overlaps).
        chosen: list[tuple[int, int, int]] = []
        count = len(hits)
        i = 0
        while i < count:
            reach = hits[i][1]
            j = i + 1
            while j < count and hits[j][0] < reach:
                reach = max(reach, hits[j][1])
                j += 1
            if j == i + 1:
                chosen.append(hits[i])
            else:
                chosen += self._settle(text, hits[i:j])
            i = j
        chosen.sort()
        return chosen

    @staticmethod
    def _settle(
        text: str, overlapping: Sequence[tuple[int, int, int]]
    ) -> list[tuple[int, int, int]]:
        """The matches kept from a cluster of overlapping ones: most capitalised words
        first, then longest, then leftmost ("the Alto Huallaga valley" is the area
        "Alto Huallaga", not "Huallaga valley" beside a town "Alto")."""
        ranked = []
        for start, end, number in overlapping:
            surface = text[start:end]
            capitals = 0 if surface.islower() else _capital_words(surface)
            ranked.append((-capitals, start - end, start, end, number))
        ranked.sort()
        base = overlapping[0][0]  # the cluster's first start: offsets into `taken` are shifted
        taken = bytearray(max(end for _, end, _ in overlapping) - base + 1)
        chosen: list[tuple[int, int, int]] = []
        for _, _, start, end, number in ranked:
            if taken.find(1, start - base, end - base) < 0:
                chosen.append((start, end, number))
                taken[start - base : end - base] = b"\x01" * (end - start)
        return chosen


_MATCHERS: dict[int, _Matcher] = {}
_MATCHERS_LOCK = threading.Lock()


def _matcher(gazetteer: Gazetteer) -> _Matcher:
    with _MATCHERS_LOCK:
        matcher = _MATCHERS.get(id(gazetteer))
        if matcher is None:
            matcher = _Matcher(gazetteer)
            _MATCHERS[id(gazetteer)] = matcher
        return matcher


# -- recognition filters -------------------------------------------------------------------


@functools.cache
def _zipf(word: str, language: str) -> float:
    from wordfreq import zipf_frequency

    return float(zipf_frequency(word, language))


def _plausible(
    key: str,
    candidates: tuple[ScanCandidate, ...],
    exposed: bool,
    proper_here: bool,
    language: str,
) -> tuple[ScanCandidate, ...]:
    """The candidates a capitalised word can stand for, given how common a word it is.

    A common word capitalised only because it opens a sentence or a headline ("Drug",
    "Security") is not a place; a notable place with a word-like name ("Lima", "Asia")
    is. Registry alternates ("Drug" for Durg) must be rare words anywhere.
    """
    zipf = _zipf(key, language)
    if " " in key:  # capitalised phrases ("La Paz", "El Estrecho") are names …
        return tuple(  # … unless only a registry alternate ("East Coast" for Gisborne)
            c for c in candidates if c.name_type is not NameType.ALTERNATE or zipf < 4.0
        )
    kept = []
    for candidate in candidates:
        if candidate.prior >= 0.9:
            kept.append(candidate)
        elif candidate.name_type is NameType.ALTERNATE:
            # A rare word, or a name-like one written as a name mid-sentence for a place
            # of some size ("Durán", the Ecuadorian city GeoNames calls Eloy Alfaro).
            if zipf < 3.0 or (proper_here and zipf < 4.0 and candidate.prior >= 0.65):
                kept.append(candidate)
        elif exposed and not proper_here:
            if zipf < 3.0 or (candidate.prior >= 0.6 and zipf < 5.0):
                kept.append(candidate)
        elif zipf < 4.0 + 2.0 * candidate.prior:
            kept.append(candidate)
    return tuple(kept)


def _of_note(candidates: Iterable[ScanCandidate]) -> bool:
    """Whether some reading is a place of some size called by its own name."""
    return any(c.prior >= 0.6 and c.name_type is not NameType.ALTERNATE for c in candidates)


def _solid(number: int, matcher: _Matcher, gaz: Gazetteer, language: str) -> bool:
    """Whether key ``number`` names a notable place by its own name, not a common word."""
    if number in matcher.not_place_ids:
        return False
    key = matcher.keys[number]
    if _zipf(key, language) >= 4.5:
        return False
    candidates = gaz._scan_candidates(key)
    known = matcher.solid
    answer = known.get(key)
    if answer is None or answer[0] is not candidates:
        answer = (candidates, _of_note(candidates))
        if len(known) > 100_000:
            known.clear()
        known[key] = answer
    return answer[1]


class _SolidEdges:
    """The starts (or ends) of the solid names among a document's matches, as a container
    that decides solidity only for the offsets asked about (the few neighbours
    _inside_proper_phrase looks at), not for every match."""

    __slots__ = ("_at", "_gaz", "_language", "_matcher", "_seen")

    def __init__(self, at: dict[int, int], matcher: _Matcher, gaz: Gazetteer, language: str):
        self._at, self._matcher, self._gaz, self._language = at, matcher, gaz, language
        self._seen: dict[int, bool] = {}

    def __contains__(self, offset: object) -> bool:
        number = self._at.get(offset)  # type: ignore[call-overload]
        if number is None:
            return False
        answer = self._seen.get(number)
        if answer is None:
            answer = self._seen[number] = _solid(number, self._matcher, self._gaz, self._language)
        return answer


def _line_at(text: str, start: int) -> str:
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", start)
    return text[line_start : line_end if line_end >= 0 else len(text)]


def _all_caps_line(text: str, start: int) -> bool:
    line = _line_at(text, start)
    return line.upper() == line and line.lower() != line


_CAPITALISED_WORD = r"[A-ZÁÉÍÓÚÑ][\w'’-]*"
# The forward patterns (_RUN_BEFORE, _PROPER_BEFORE, _TITLE_BEFORE) define what the
# reversed ones read backwards from a name; tests compare the two.
_RUN_BEFORE = re.compile(rf"(?:{_CAPITALISED_WORD}[ \t]+)+$")
_RUN_CAPITAL = re.compile(r"[A-ZÁÉÍÓÚÑ]")
_RUN_AFTER = re.compile(rf"^(?:[ \t]+{_CAPITALISED_WORD})+")


def _in_long_capitalised_run(text: str, start: int, end: int, rev: str | None = None) -> bool:
    """True inside three or more capitalised words in a row outside a headline
    (``rev``: ``text[::-1]``, when the caller has it)."""
    if _BLANK.search(text, start, end):
        return False  # only a one-word name is read as part of a longer one
    # Every pattern anchored at the name's start needs a blank right before it: checking
    # that character first skips the search for most names.
    before = None
    if text[start - 1 : start] in (" ", "\t"):
        if rev is None:
            rev = text[::-1]
        # _RUN_BEFORE read backwards from the name (its leftmost match is the longest run
        # of capitalised words ending there): one anchored match, no search.
        position = len(text) - start
        before = _RUN_BEFORE_REVERSED.match(rev, position, position + 80)
    after = None
    if text[end : end + 1] in (" ", "\t"):
        after = _RUN_AFTER_AT.match(text, end, end + 80)
    words_before = len(before.group().split()) if before else 0
    if before and _sentence_start(text, start - len(before.group())):
        words_before -= 1  # the first word of a sentence is capitalised anyway
    words_after = len(after.group().split()) if after else 0
    return words_before + words_after >= 2


_BLANK = re.compile(r"\s")  # what str.split() splits at
_RUN_BEFORE_REVERSED = re.compile(r"(?:[ \t]+[\w'’-]*[A-ZÁÉÍÓÚÑ])+")
_RUN_AFTER_AT = re.compile(rf"(?:[ \t]+{_CAPITALISED_WORD})+")  # _RUN_AFTER, for match(text, pos)


_LEADING_WORDS = re.compile(
    r"(?:el|la|los|las|the|de|del|en|y|and|of|(?:provincia|departamento|estado|ciudad|regi[oó]n|"
    r"province|department|state|city)\s+(?:de|del|of)|aeropuerto(?:\s+internacional)?(?:\s+del?)?)"
    r"\s+",
    re.IGNORECASE,
)


def _drop_leading_word(
    text: str, start: int, end: int, key: str, matcher: _Matcher, gaz: Gazetteer
) -> tuple[int, str]:
    """Leave out a leading article or connector that only happens to start a longer name:
    "el [Callao]", "de [La Paz]", and "[Perú]" rather than the Mexican town "El Perú"
    when the sentence-initial "El" is the article."""
    head = _LEADING_WORDS.match(text, start, end)
    if not head or head.end() >= end:
        return start, key
    rest = key[len(_word_key(head.group())) :].strip()
    if rest not in matcher.index:
        return start, key
    if head.group()[0].islower():
        # "aeropuerto Felipe Ángeles" is kept whole when it names a bigger airport than
        # the name alone (a general, a town), as "Felipe Ángeles airport" is
        if head.group().lower().startswith("aeropuerto") and _best_airport(
            gaz._scan_candidates(key)
        ) > _best_airport(gaz._scan_candidates(rest)):
            return start, key
        return head.end(), rest
    if not _sentence_start(text, start):
        return start, key  # "El Estrecho" mid-sentence: the article is part of the name
    longer = max((c.prior for c in gaz._scan_candidates(key)), default=0.0)
    shorter = max((c.prior for c in gaz._scan_candidates(rest)), default=0.0)
    return (head.end(), rest) if shorter > longer + 0.1 else (start, key)


_AIRPORT_TAIL = re.compile(r"\s+(?:international\s+)?airport$")


def _drop_airport_word(
    text: str, end: int, key: str, matcher: _Matcher, gaz: Gazetteer
) -> tuple[int, str]:
    """The place name alone in "El Dorado airport", "Cairo airport", with "airport" left as
    the cue word after it (an airport's own name, "Jorge Chávez International Airport",
    is capitalised and kept whole, and so is a name that names a bigger airport whole:
    "Kennedy airport" is New York's, not the town Kennedy or a strip called Kennedy)."""
    if not text.startswith("airport", end - 7):
        return end, key  # the pattern ends with the word (lowercase)
    tail = _AIRPORT_TAIL.search(text[max(0, end - 30) : end])
    if tail is None or not tail.group().strip().islower():
        return end, key
    rest = key[: -len(scan_key(tail.group()))].strip()
    if rest not in matcher.index:
        return end, key
    if _best_airport(gaz._scan_candidates(key)) > _best_airport(gaz._scan_candidates(rest)):
        return end, key
    return end - len(tail.group()), rest


def _best_airport(candidates: Iterable[ScanCandidate]) -> float:
    return max((c.prior for c in candidates if c.kind is PlaceKind.AIRPORT), default=0.0)


def _with_short_name_airports(
    key: str, candidates: tuple[ScanCandidate, ...], matcher: _Matcher, gaz: Gazetteer
) -> tuple[ScanCandidate, ...]:
    """The readings of "X Airport" written as a name, with the airports called X: the
    press's "Heathrow Airport" is London's (known as "Heathrow"), not the Texan airstrip
    whose registry name is exactly "Heathrow Airport"; and with a far better-known city
    X (see below)."""
    base = _AIRPORT_SUFFIX.sub("", key)
    if base == key or base not in matcher.index:
        return candidates
    have = {c.pk for c in candidates}
    readings = gaz._scan_candidates(base)
    more = tuple(c for c in readings if c.kind is PlaceKind.AIRPORT and c.pk not in have)
    # "Madrid Airport" is Madrid's, which the registry names otherwise, not a Colombian
    # air base: a city far better known than every airport so named is read (the city's
    # point, as "Madrid airport" lowercase gives).
    airports = [c for c in candidates + more if c.kind is PlaceKind.AIRPORT]
    best = _best_airport(airports)
    more += tuple(
        c
        for c in readings
        if c.kind is not PlaceKind.AIRPORT
        and c.prior >= best + _CITY_OVER_AIRPORT
        # an airport so named near the city is the city's ("Miami Airport")
        and all(abs(a.lat - c.lat) + abs(a.lon - c.lon) > 1.0 for a in airports)
    )
    return candidates + more if more else candidates


_CITY_OVER_AIRPORT = 0.25


_AIRPORT_SUFFIX = re.compile(r" (?:international )?airport$")


def _with_abbreviation_dot(text: str, end: int) -> int:
    """Include the closing dot of a dotted abbreviation ("U.S.", "EE.UU.")."""
    if text[end : end + 1] == "." and "." in text[max(0, end - 4) : end]:
        return end + 1
    return end


def _acronym_ok(text: str, start: int, candidates: tuple[ScanCandidate, ...]) -> bool:
    """An all-capitals name is a place only as a country or in a dateline ("LIMA, 3 May")."""
    if any(
        c.kind in (PlaceKind.COUNTRY, PlaceKind.CONTINENT, PlaceKind.AREA)
        or c.name_type is NameType.ALIAS
        for c in candidates
    ):
        return True
    line_start = text.rfind("\n", 0, start) + 1
    return not text[line_start:start].strip()


_PROPER_AFTER = re.compile(r"[ \t]+([^\W\d_][\w'’]*)")
_PROPER_BEFORE = re.compile(
    r"([^\W\d_]\w*)(?:['’]s)?((?:[ \t]+(?:of|of the|de|del|de la))?)[ \t]+$"
)


def _inside_proper_phrase(
    text: str,
    start: int,
    end: int,
    place_starts: Container[int],
    place_ends: Container[int],
    rev: str | None = None,
    opens_sentence: Callable[[int], bool] | None = None,
) -> bool:
    """True when capitalised non-place words touch the name ("Drug Enforcement Police",
    "Palace of Justice", "Ministry of the Interior", "Juan Lima"): it is part of another
    name. Neighbours that are notable places themselves (starting at one of
    ``place_starts``, ending at one of ``place_ends``) do not count. ``rev`` is
    ``text[::-1]`` and ``opens_sentence`` a memo of ``_sentence_start`` on ``text``, when
    the caller has them."""
    after = _PROPER_AFTER.match(text, end, end + 40) if text[end : end + 1] in (" ", "\t") else None
    if after and after.group(1)[0].isupper():
        word = _word_key(after.group(1))
        if (
            after.start(1) not in place_starts
            and not _is_cue_word(word)
            and word not in _demonyms()
            and word not in _CONNECTORS
        ):
            return True
    if opens_sentence is None:
        opens_sentence = functools.partial(_sentence_start, text)
    if text[start - 1 : start] not in (" ", "\t") or opens_sentence(start):
        return False
    if rev is None:
        rev = text[::-1]
    # _PROPER_BEFORE over the 60 characters before the name, read backwards: the blank,
    # "of the", "'s" and the word (from its first letter, where the leftmost forward
    # match starts) in one anchored match.
    size = len(text)
    before = _PROPER_BEFORE_REVERSED.match(rev, size - start, size - start + 60)
    if before and before.group(1)[-1].isupper():
        written = before.group(1)[::-1]
        word = _word_key(written)
        word_end = size - before.start(1)
        if (
            word_end not in place_ends
            and (not _is_cue_word(word) or word in {"port", "city", "ciudad"})
            and word not in _demonyms()
            and word not in _CONNECTORS
            and not opens_sentence(word_end - len(written))
        ):
            return True
    return False


_PROPER_BEFORE_REVERSED = re.compile(
    r"[ \t]+(?:(?:fo|eht fo|ed|led|al ed)[ \t]+)?(?:s['’])?(\w*[^\W\d_])"
)


def _sentence_start(text: str, start: int) -> bool:
    before = text[max(0, start - 40) : start].rstrip(" \t\"'“‘(¿¡«")
    return not before or before[-1] in ".!?\n\r:;•" or before.endswith(("--", "—"))


_LEADING_LOWER = frozenset(
    "aeropuerto puerto rio lago isla islas valle golfo bahia los las la el the internacional "
    "international de del".split()
)


_GENERIC_TAIL = frozenset(
    "valley valle region región department departamento province provincia river basin "
    "cuenca state estado airport aeropuerto airstrip port".split()
)
_CUE_NOUNS = "provincia departamento estado ciudad region región province department state city"
_WORTH_A_LOOK = _LEADING_LOWER | {"de", "del", "en", "y", "and", "of"} | set(_CUE_NOUNS.split())
# The same words folded (each matcher keeps, by key number, whether a key's first word is
# one of them). None is longer than ten letters but three that cannot be found anyway in the
# eleven characters _recognise reads ("internacional"): one found is followed by a blank.
_WORTH_A_LOOK_FOLDED = frozenset(scan_key(word) for word in _WORTH_A_LOOK)


_LETTERS = re.compile(r"[^\W\d_]+")


@functools.lru_cache(maxsize=1 << 14)
def _capitalised(surface: str) -> bool:
    """Written as a proper name: first word capitalised, and most of the others
    ("Apurimac, Ene and Mantaro valley" yes, "La paz social" no)."""
    words = _LETTERS.findall(surface)
    while len(words) > 1 and _word_key(words[0]) in _LEADING_LOWER:
        words = words[1:]  # "aeropuerto Jorge Chávez", "los Balcanes"
    if not words or not words[0][0].isupper():
        return False
    content = [w for w in words[1:] if w.lower() not in _CONNECTORS]
    while content and (
        content[-1].lower() in _GENERIC_TAIL or _word_key(content[-1]) in _demonyms()
    ):
        content.pop()  # "Huallaga valley", "Beni department", "Putumayo peruano"
    return not content or sum(w[0].isupper() for w in content) * 2 >= len(content)


def _previous_word(text: str, start: int) -> str:
    window = text[max(0, start - 40) : start]
    # The last run of word characters (with apostrophes and dots) followed only by
    # non-word characters on the same line: found by walking back, as _WORD_BEFORE would.
    end = len(window)
    while end and not (window[end - 1].isalnum() or window[end - 1] == "_"):
        if window[end - 1] == "\n":
            match = _WORD_BEFORE.search(window)  # rare: let the pattern decide
            return match.group(1) if match else ""
        end -= 1
    if not end:
        match = _WORD_BEFORE.search(window)
        return match.group(1) if match else ""
    while end < len(window) and window[end] in "'’.":
        end += 1
    begin = end - 1
    while begin and (window[begin - 1].isalnum() or window[begin - 1] in "_'’."):
        begin -= 1
    return window[begin:end]


def _next_word(text: str, end: int) -> str:
    match = _WORD_AFTER.match(text[end : end + 40])
    return match.group(1) if match else ""


def _in_title_case_line(text: str, start: int) -> bool:
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", start)
    if (line_end if line_end >= 0 else len(text)) - line_start > 160:
        return False  # a headline is short (and a long line is not worth copying)
    return _title_case_line(text[line_start : line_end if line_end >= 0 else len(text)])


_LONG_WORD = re.compile(r"[^\W\d_]{4,}")


@functools.lru_cache(maxsize=4096)
def _title_case_line(line: str) -> bool:
    if _SENTENCE_END_RE.search(line.rstrip()):
        return False  # a headline does not end like a sentence
    words = _LONG_WORD.findall(line)
    return len(words) >= 3 and sum(w[0].isupper() for w in words) / len(words) > 0.7


_MONEY_OR_DATE = re.compile(r"\s*(?:\$|\d)")


def _organisation_context(text: str, start: int, end: int, rev: str | None = None) -> bool:
    """True when the name sits inside an organisation's or newspaper's name (``rev``:
    ``text[::-1]``, when the caller has it, to read the words before the name)."""
    after_match = _WORD_AFTER_AT.match(text, end, end + 40)
    after = after_match.group(1) if after_match else ""
    after_key = _word_key(after)
    if after_key in _ORG_AFTER and text[end : end + 1] in (" ", "\t", "\n", "-"):
        return True  # "Sinaloa cartel", not "… and Alexandria, police said"
    if after[:1].isupper() and after_key in _ORG_AFTER_CAPITALISED:
        return True  # "United States Department of Agriculture", not "La Paz department"
    if _MONEY_OR_DATE.match(text, end, end + 3):
        return True  # "US$460", "August 28": a currency or a date, not a place
    if rev is None:
        rev = text[::-1]
    size = len(text)
    # Walk left over capitalised words and connectors: "Policía Nacional del Perú".
    position = start
    for _ in range(5):
        # The word before `position`, read forwards in the reversed text (what
        # _previous_word finds by walking back); the rare windows it leaves (a line break
        # or no word before) go to _previous_word itself.
        back = _PREVIOUS_WORD_REVERSED.match(rev, size - position, size - position + 40)
        if back is not None:
            word = back.group(1)[::-1]
            word_start = size - back.end(1)
        else:
            word = _previous_word(text, position)
            word_start = text.rfind(word, 0, position) if word else -1
        if not word:
            return False
        key = _word_key(word)
        if (key in _ORG_BEFORE and word[0].isupper()) or key in {"cartel", "cartel de"}:
            return True
        if not (word[0].isupper() or key in _CONNECTORS):
            return False
        position = word_start
    return False


# The last word before an offset (see _previous_word), matched in the reversed text: blanks
# and punctuation on the same line, then the word's trailing apostrophes and dots, one word
# character and the rest of the word.
_PREVIOUS_WORD_REVERSED = re.compile(r"[^\w\n]*?(['’.]*\w[\w'’.]*)")
_WORD_AFTER_AT = re.compile(r"[^\w\n]*([\w'’]+)")  # _WORD_AFTER, for match(text, pos)


_BLANK_OR_QUOTE = frozenset(" \t\"'“‘«")
_TITLE_BEFORE = re.compile(r"([^\W\d_][\w'’]*)\.?[ \t]+[\"'“‘«]?$")


def _tail_start(window: str, words: int) -> int:
    """Where the last ``words`` whitespace-separated words of ``window`` begin (0 when it
    has no more than that): an end-anchored pattern spanning at most that many words
    cannot match further left.

    >>> _tail_start("the port of Callao ", 2)
    9
    """
    parts = window.rsplit(None, words)
    if len(parts) <= words:
        return 0
    return window.index(parts[1], len(parts[0]))


def _person_or_ship(text: str, start: int, rev: str | None = None) -> bool:
    """True after a title or a ship word: "Judge Lima", "el buque Santa Rosa"
    (``rev``: ``text[::-1]``, when the caller has it)."""
    if text[start - 1 : start] not in _BLANK_OR_QUOTE:
        return False
    if rev is None:
        rev = text[::-1]
    # _TITLE_BEFORE read backwards: an optional quote, blanks, an optional dot and the
    # run of word characters before them; the title is that run from its first letter
    # (where the leftmost match of the forward pattern starts).
    position = len(text) - start
    run = _TITLE_REVERSED.match(rev, position, position + 40)
    if run is None:
        return False
    word = run.group(1)[::-1]
    letter = _A_LETTER.search(word)
    return letter is not None and _word_key(word[letter.start() :]) in _PERSON_OR_SHIP_BEFORE


_TITLE_REVERSED = re.compile(r"[\"'“‘«]?[ \t]+\.?([\w'’]+)")
_A_LETTER = re.compile(r"[^\W\d_]")


_CUE_WORDS = frozenset(
    """port puerto airport aeropuerto river rio department departamento region province
        provincia state estado city ciudad lake lago gulf golfo bay bahia island isla valley
        valle mount monte northern southern eastern western central north south east west norte
        sur este oeste upper lower alto bajo greater gran san santa""".split()
)


def _is_cue_word(key: str) -> bool:
    return key in _CUE_WORDS


# -- names that head or end another name ("Unidad de Investigaciones", "Isla del Sol") -------

# A match this well known (a country, a capital) keeps its reading whatever follows it:
# "la Venezuela de Maduro". Below it, a common word or an obscure town can head a name.
_HEAD_KEEP_PRIOR = 0.7
# How common (wordfreq Zipf, in the document's language) a word must be to read as the
# ordinary word capitalised inside a name ("Unidad", "Centro", "Sol", "Interior").
_COMMON_ZIPF = 4.5
_OF = r"(?:de|del|de[ \t]+la|de[ \t]+los|de[ \t]+las|of|of[ \t]+the)"
_HEADS_A_NAME = re.compile(
    rf"[ \t]+(?:{_OF}|(for|para(?:[ \t]+la|[ \t]+el)?))[ \t]+([A-ZÁÉÍÓÚÑ][\w'’-]*)"
)
_ARTICLES = frozenset("el la los las the".split())
_AFTER_ARTICLE = re.compile(r"\b(?:el|la|los|las|the)[ \t]+$", re.IGNORECASE)
# Ministerial titles: "ministro del Interior", "secretary of Defense" name a portfolio.
_PORTFOLIO_TITLES = frozenset(
    scan_key(w)
    for w in """minister ministers ministro ministra ministros viceministro viceministra
        vice-minister viceminister secretary secretario secretaria secretaría secretariat
        subsecretario subsecretaria undersecretary portfolio cartera""".split()
)
_PORTFOLIO_BEFORE = re.compile(rf"([^\W\d_][\w-]*)[ \t]+{_OF}[ \t]+$")
# Features named after the cue word ("Isla del Sol", "Lago de Junín"): a common word there
# is the feature's name, not a town elsewhere. Ports, towns and regions are not among them:
# "the Port of Guayaquil" is Guayaquil.
_FEATURE_WORDS = frozenset(
    scan_key(w)
    for w in """isla islas island islands lago laguna lake cerro monte mount mountain sierra
        valle valley golfo gulf bahia bahía bay cabo cape peninsula península playa beach
        parque park reserva reserve""".split()
)
_FEATURE_BEFORE = re.compile(rf"([A-ZÁÉÍÓÚÑ][\w-]*)[ \t]+{_OF}[ \t]+$")
# "the Port of Guayaquil", "Ciudad de Guatemala": a capitalised port or city word with "of"
# is a cue, not another name the place sits in ("Port Arthur", "Ciudad Bolívar" are).
_OF_ENDINGS = (" de ", " del ", " la ", " los ", " las ", " of ", " the ")
_PORT_OR_CITY_OF = re.compile(rf"\b(?:Ports?|Puertos?|City|Ciudad)[ \t]+{_OF}[ \t]+$")


def _content_word(key: str) -> str | None:
    """The one word of a key after its leading articles ("el centro" → "centro"), or None
    when more words are left."""
    words = key.split()
    while len(words) > 1 and words[0] in _ARTICLES:
        words = words[1:]
    return words[0] if len(words) == 1 else None


def _heads_a_name(
    text: str,
    start: int,
    end: int,
    key: str,
    candidates: Sequence[ScanCandidate],
    top: float,
    language: str,
    place_at: Callable[[int], tuple[ScanCandidate, ...] | None],
) -> bool:
    """True when a one-word name heads a capitalised "X de Y" / "X of Y" name it is not
    the place of ("X for Y" too, when X is a common word): "la Unidad de Investigaciones",
    "El Centro de Inteligencia Antinarcóticos", "El Sol de Bolivia" (a newspaper). The head
    is read as such when it is a common word, or when the words after it are no place; but
    a Y holding a reading of X qualifies it ("Trinidad de Bolivia"), and a well-known X
    stays ("la Venezuela de Maduro"). ``place_at(offset)`` gives the candidates of the
    place name starting there (None when no place of note starts there)."""
    if top >= _HEAD_KEEP_PRIOR:
        return False
    word = _content_word(key)
    if word is None:
        return False
    follow = _HEADS_A_NAME.match(text, end, end + 60)
    if follow is None or _word_key(follow.group(2)) in _CONNECTORS:
        return False
    common = _zipf(word, language) >= _COMMON_ZIPF
    if follow.group(1) is not None:
        # "the Centre for Drug Policy"; but "left Mobile for Veracruz" is a ship's course.
        after_article = _AFTER_ARTICLE.search(text, max(0, start - 5), start) is not None
        return common and (word != key or after_article)
    holders = place_at(follow.start(2))
    if holders is not None:
        countries = {c.country for c in holders if c.kind in (PlaceKind.COUNTRY, PlaceKind.REGION)}
        if any(c.country in countries for c in candidates):
            return False  # "Trinidad de Bolivia": a qualifier
    return common or holders is None


def _names_a_portfolio_or_feature(
    text: str, start: int, key: str, top: float, language: str
) -> bool:
    """True after a ministerial title ("el ministro del Interior", "secretary of
    Defense") or, for a common word, after a feature word ("la Isla del Sol")."""
    if top >= 0.9 or not text.endswith(_OF_ENDINGS, max(0, start - 5), start):
        return False  # most names follow no "de" / "of"
    window = text[max(0, start - 60) : start]
    title = _PORTFOLIO_BEFORE.search(window)
    if title is not None and _word_key(title.group(1)) in _PORTFOLIO_TITLES:
        return True
    word = _content_word(key)
    if word is None or top >= _HEAD_KEEP_PRIOR or _zipf(word, language) < _COMMON_ZIPF:
        return False
    feature = _FEATURE_BEFORE.search(window)
    return feature is not None and _word_key(feature.group(1)) in _FEATURE_WORDS


# -- context and resolution ---------------------------------------------------------------------


_CUE_STEMS = re.compile(
    r"port|puert|aeropuert|depart|region|provinc|state|estado|rio|river|city|ciudad|town|"
    r"localidad|distrito|poblado"
)


def _cue(
    text: str, start: int, end: int, sentence_start: int, folded: str | None = None
) -> PlaceKind | None:
    """The kind of place a cue word next to ``text[start:end]`` asks for, if any.
    ``folded`` is ``fold_for_scan(text)`` when the caller has it (folding is per
    character, so its slices are the folded slices)."""
    if folded is None:
        folded = fold_for_scan(text)
    begin = max(sentence_start, start - 80)
    window = folded[begin:start]
    kind = _cue_before(window)
    if kind is None:
        # Only a text ending like a list (what _LIST_TAIL needs) loses a tail: otherwise
        # the same text would be asked again. Every cue word holds a stem of _CUE_STEMS,
        # and what is left of the window is a part of it. (The window without one
        # trailing blank, read in place.)
        last = start - 1 if start > begin and text[start - 1] == " " else start
        if text.endswith(_LIST_TAIL_ENDS, begin, last) and _CUE_STEMS.search(window):
            kind = _cue_before(fold_for_scan(_LIST_TAIL.sub("", text[begin:start])))
    if kind is not None:
        return kind
    if not _CUE_STEMS.search(folded, end, end + 30):
        return None  # no cue word after the name: skip the patterns
    after = _SPACES.sub(" ", folded[end : end + 30])
    if _ANY_CUE_AFTER.search(after):
        for pattern, kind in _CUES_AFTER:
            if pattern.search(after):
                return kind
    return None


_SPACES = re.compile(r"\s+")
# The words _CUES_BEFORE patterns end with (in folded text, and as written).
_CUE_LAST_WORDS = frozenset(
    """of the in de del la puerto puertos aeropuerto aeropuertos internacional region región
    rio rios río ríos river rivers""".split()
)


def _cue_before(folded: str) -> PlaceKind | None:
    """The kind a cue word at the end of ``folded`` asks for. Every pattern starts a word
    and spans three words at most, blanks squeezed: only the last three words are read."""
    words = folded.rsplit(None, 3)
    if not words or words[-1] not in _CUE_LAST_WORDS:
        return None  # every pattern ends with one of these words
    tail = " ".join(words[-3:])
    if _ANY_CUE_BEFORE.search(tail):
        for pattern, kind in _CUES_BEFORE:
            if pattern.search(tail):
                return kind
    return None


@dataclass(slots=True)
class _Found:
    start: int
    end: int
    key: str
    candidates: tuple[ScanCandidate, ...]
    sentence: int
    in_chrome: bool
    cue: PlaceKind | None
    siblings: tuple[str, ...] = ()  # names listed with this one ("Amberes y Valencia")
    # Readings a qualifier leaves ("Athens, Greece", "Tocache (San Martín)"): Place pks.
    allowed: frozenset[int] = frozenset()
    # The kind most names of this one's list take ("Alberta, Manitoba, Ontario and …").
    list_kind: PlaceKind | None = None
    group: int = -1  # which list of names (siblings chained) this one belongs to
    # The best-known reading's prior + fame among towns and regions, ports, airports (by
    # _NAMESAKE_GROUPS number).
    leads: list[float] | None = None
    # Whether some candidate is of the kind the cue word asks for (set when scoring).
    cue_fits: bool | None = None


# How a candidate's score mixes its size and kind (prior), the countries the document is
# about (focus) and nearness to the other places it names. Tuned on the hand-annotated
# examples and on GeoVirus (benchmarks/geoparse_geovirus.py), not on the seeds alone.
W_PRIOR, W_FOCUS, W_NEAR = 0.65, 0.2, 0.15
COUNTRY_MIN_FOCUS = 0.6
NEAR_SCALE_KM, SIBLING_SCALE_KM = 400.0, 1500.0
QUALIFIER_PENALTY, LIST_KIND_PENALTY = 0.35, 0.5
_LISTED = re.compile(r"^\s*(?:,|;|y|e|and|or|o|as well as|así como)?\s*$")


#: An anchor for proximity: (name key, latitude and longitude in radians, cos(latitude),
#: weight as local support: 2 for a curated trafficking area such as the VRAEM, else 1).
_Anchor = tuple[str, float, float, float, int]


def _anchor(key: str, lat: float, lon: float, support: int = 1) -> _Anchor:
    phi = math.radians(lat)
    return (key, phi, math.radians(lon), math.cos(phi), support)


#: Per candidate, what scoring reads again and again: the candidate itself (so a reused
#: id is noticed), its name's quality, prior + fame, its latitude and longitude in
#: radians with cos(latitude), and its namesake group (see _NAMESAKE_GROUPS; -1 for
#: none). Keyed by id(): a ScanCandidate hashes all its fields (and a PlaceKind hashes
#: in Python, so the group is looked up once).
_Facts = tuple[ScanCandidate, float, float, float, float, float, int]
_FACTS: dict[int, _Facts] = {}


def _facts(candidate: ScanCandidate) -> _Facts:
    entry = _FACTS.get(id(candidate))
    if entry is None or entry[0] is not candidate:
        phi = math.radians(candidate.lat)
        entry = (
            candidate,
            candidate.name_type.quality,
            candidate.prior + candidate.fame,
            phi,
            math.radians(candidate.lon),
            math.cos(phi),
            _NAMESAKE_GROUPS.get(candidate.kind, -1),
        )
        if len(_FACTS) > 50_000:
            _FACTS.clear()
        _FACTS[id(candidate)] = entry
    return entry


def _near_and_support(
    found: _Found, facts: _Facts, anchors: Sequence[_Anchor], count_support: bool
) -> tuple[float, int]:
    """The proximity of a candidate, exp(-distance / scale) to the nearest other place the
    document names (the haversine term is minimised first, so only two exponentials are
    taken), and, when ``count_support``, its local support for the namesake pull (how
    many distinct places lie within LOCAL_KM): one pass over the anchors serves both."""
    _, _, _, phi, lam, cos_phi, _ = facts
    sin = math.sin
    near = listed = 2.0  # haversine terms lie in [0, 1]
    own, siblings = found.key, found.siblings
    limit = _LOCAL_H
    points: list[tuple[float, float]] = []
    support = 0
    for key, phi2, lam2, cos_phi2, weight in anchors:
        if key == own:
            continue
        h = sin((phi2 - phi) / 2) ** 2 + cos_phi * cos_phi2 * sin((lam2 - lam) / 2) ** 2
        # Places listed together are usually of one region, if not one country.
        if siblings and key in siblings:
            if h < listed:
                listed = h
        elif h < near:
            near = h
        # Distinct places near the namesake: "Washington" and "District of Columbia" are one.
        if (
            count_support
            and h <= limit
            and all(
                abs(phi2 - other_phi) + abs(lam2 - other_lam) * cos_phi2 > 0.005
                for other_phi, other_lam in points
            )
        ):
            points.append((phi2, lam2))
            support += weight
    proximity = 0.0
    for h, scale in ((near, NEAR_SCALE_KM), (listed, SIBLING_SCALE_KM)):
        if h <= 1.0:
            distance = 12742.0 * math.asin(min(1.0, math.sqrt(h)))
            proximity = max(proximity, math.exp(-distance / scale))
    return proximity, support


# How far the document's countries and places may pull an obscure namesake away from
# the far better-known reading of a name (Madrid, Cundinamarca against Madrid; Leticia,
# Junín against Leticia, Amazonas): fully within NAMESAKE_GAP of the leading reading's
# prior, then less and less, down to NAMESAKE_MIN_PULL — unless the namesake has local
# support (LOCAL_SUPPORT distinct places the document names within LOCAL_KM, as San
# Francisco has beside Pichari in a VRAEM story; a curated area counts twice) or a
# qualifier ("Madrid, Cundinamarca").
NAMESAKE_GAP, NAMESAKE_SPAN, NAMESAKE_MIN_PULL = 0.05, 0.1, 0.15
LOCAL_KM, LOCAL_SUPPORT = 150.0, 2
# Which readings a namesake is compared with: towns and regions with each other, ports
# with ports and airports with airports (a cue word already chose between those kinds).
_NAMESAKE_KINDS = {
    PlaceKind.CITY: (PlaceKind.CITY, PlaceKind.REGION),
    PlaceKind.REGION: (PlaceKind.CITY, PlaceKind.REGION),
    PlaceKind.PORT: (PlaceKind.PORT,),
    PlaceKind.AIRPORT: (PlaceKind.AIRPORT,),
}


# The same groups numbered: towns and regions 0, ports 1, airports 2.
_NAMESAKE_GROUPS = {kind: (0, 0, 1, 2)[number] for number, kind in enumerate(_NAMESAKE_KINDS)}
_LOCAL_H = math.sin(LOCAL_KM / 12742.0) ** 2  # haversine term of LOCAL_KM


def _namesake_gap(found: _Found, candidate: ScanCandidate, group: int | None = None) -> float:
    """How far the leading reading of the name (among readings of this one's kind
    group) is ahead of ``candidate`` by prior + fame (``group``: the candidate's, when
    the caller has it)."""
    leads = found.leads
    if leads is None:
        leads = found.leads = [0.0, 0.0, 0.0]
        for c in found.candidates:
            number = _facts(c)[6]
            if number >= 0:
                leads[number] = max(leads[number], c.prior + c.fame)
    if group is None:
        group = _facts(candidate)[6]
    return leads[group] - candidate.prior - candidate.fame


def _pull_of(gap: float, support: int) -> float:
    if gap <= NAMESAKE_GAP or support >= LOCAL_SUPPORT:
        return 1.0
    return max(NAMESAKE_MIN_PULL, 1.0 - (gap - NAMESAKE_GAP) / NAMESAKE_SPAN)


def _score(
    found: _Found,
    candidate: ScanCandidate,
    countries: dict[str, float],
    anchors: Sequence[_Anchor],
) -> float:
    return _scores(found, (candidate,), countries, anchors)[0]


def _scores(
    found: _Found,
    candidates: Sequence[ScanCandidate],
    countries: dict[str, float],
    anchors: Sequence[_Anchor],
) -> list[float]:
    """The score of each candidate of ``found``: its size and kind (prior), the document's
    focus on its country, its nearness to the ``anchors``, penalties for a qualifier, a
    list's kind and a cue word it does not fit."""
    allowed, list_kind, cue = found.allowed, found.list_kind, found.cue
    if cue is not None and found.cue_fits is None:
        found.cue_fits = any(c.kind is cue for c in found.candidates)
    cue_fits = cue is not None and found.cue_fits
    scores = []
    for candidate in candidates:
        facts = _FACTS.get(id(candidate))
        if facts is None or facts[0] is not candidate:
            facts = _facts(candidate)
        kind = candidate.kind
        pulled = facts[6] >= 0 and not allowed
        gap = _namesake_gap(found, candidate, facts[6]) if pulled else 0.0
        # The namesake pull needs the local support only past the gap: then the proximity
        # pass counts it too.
        wants_support = pulled and gap > NAMESAKE_GAP
        support = -1
        if candidate.country is None:
            # Continents and macro-regions belong to no country and sit near nothing.
            focus = proximity = 1.0
        else:
            focus = countries.get(candidate.country, 0.0)
            if kind is PlaceKind.COUNTRY:
                # Naming a country makes it a subject of the story, however briefly.
                focus = max(focus, COUNTRY_MIN_FOCUS)
                proximity = focus
            elif anchors:
                proximity, support = _near_and_support(found, facts, anchors, wants_support)
            else:
                proximity = 0.0
        if pulled:
            if wants_support and support < 0:
                support = _near_and_support(found, facts, anchors, True)[1]
            pull = _pull_of(gap, support)
            focus, proximity = focus * pull, proximity * pull
        score = facts[1] * (W_PRIOR * facts[2] + W_FOCUS * focus + W_NEAR * proximity)
        if allowed and candidate.pk not in allowed:
            score *= QUALIFIER_PENALTY  # "Athens, Greece" is not Athens, Georgia
        if list_kind is not None and kind is not list_kind:
            score *= LIST_KIND_PENALTY  # a list of states: "Colorado, Georgia, Idaho"
        if cue_fits:
            score *= 1.0 if kind is cue else 0.35
        scores.append(score)
    return scores


def _likeliest(
    found: _Found, countries: dict[str, float], anchors: Sequence[_Anchor] = ()
) -> ScanCandidate:
    """The best-scoring candidate (the first of equals, as ``max`` picks)."""
    if len(found.candidates) == 1:
        return found.candidates[0]
    scores = _scores(found, found.candidates, countries, anchors)
    return found.candidates[scores.index(max(scores))]


def geoparse(doc_or_text: Document | str, *, gazetteer: Gazetteer | None = None) -> list[Mention]:
    """Every place mention in a document, resolved in context, in text order.

    Parameters
    ----------
    doc_or_text : Document or str
        A :class:`routemap.Document` or article text.
    gazetteer : Gazetteer, optional
        Defaults to the embedded offline gazetteer.
    """
    document = Document.for_scanning(doc_or_text)
    gaz = gazetteer or Gazetteer.default()
    found, countries = _recognise(document, gaz)
    return _resolve(document, gaz, found, countries)


_BLANK_CAPITAL = re.compile(r"[ \t]+[A-Z]")


def _chrome_lookup(document: Document) -> Callable[[int], bool]:
    """``document.in_chrome`` by bisection over the blocks (sorted lines, as
    ``Document.from_text`` makes them; other block lists are asked as they are)."""
    blocks = document.blocks
    if any(a.end > b.start for a, b in itertools.pairwise(blocks)):
        return document.in_chrome
    starts = [block.start for block in blocks]

    def in_chrome(offset: int) -> bool:
        index = bisect.bisect_right(starts, offset) - 1
        return index >= 0 and offset < blocks[index].end and blocks[index].chrome

    return in_chrome


def _recognise(document: Document, gaz: Gazetteer) -> tuple[list[_Found], dict[str, float]]:
    """Place-name matches used as places, and the document's focus countries."""
    text = document.flow or document.text  # soft line breaks read as spaces
    language = document.language or "en"
    matcher = _matcher(gaz)
    demonyms = _demonyms()
    found: list[_Found] = []
    context_countries: list[tuple[str, float]] = []
    # Most raw matches are lowercase words that are also towns somewhere ("from", "drug"):
    # only capitalised ones, leading articles ("el Callao") and demonyms are worth a look.
    folded = fold_for_scan(text)
    rev = text[::-1]  # read backwards from a name by forward matches (one copy per text)
    keys, not_place_ids, org_countries = (
        matcher.keys,
        matcher.not_place_ids,
        _organisation_countries(),
    )
    worth = matcher.worth_a_look
    matches = []
    for s, e, n in matcher.find(text, folded):
        if text[s].isupper() or n in not_place_ids:
            matches.append((s, e, n))
            continue
        # A word of _WORTH_A_LOOK written here is the key's whole first word, folded: most
        # keys' first words are none of them, which the memo says without the slicing.
        looks = worth.get(n)
        if looks is None:
            if len(worth) > 50_000:
                worth.clear()
            looks = worth[n] = keys[n].partition(" ")[0] in _WORTH_A_LOOK_FOLDED
        if looks and text[s : s + 11].split(" ", 1)[0].lower() in _WORTH_A_LOOK:
            matches.append((s, e, n))
    # _in_title_case_line once per line: it is asked up to three times per name.
    title_lines: dict[int, bool] = {}

    def in_title_case_line(offset: int) -> bool:
        line_start = text.rfind("\n", 0, offset) + 1
        answer = title_lines.get(line_start)
        if answer is None:
            answer = title_lines[line_start] = _in_title_case_line(text, offset)
        return answer

    sentence_openers: dict[int, bool] = {}

    def opens_sentence(offset: int) -> bool:
        answer = sentence_openers.get(offset)
        if answer is None:
            answer = sentence_openers[offset] = _sentence_start(text, offset)
        return answer

    # Words seen capitalised mid-sentence somewhere in the document are proper nouns here.
    proper_here = {
        keys[n]
        for s, e, n in matches
        if text[s].isupper()
        and not _BLANK_CAPITAL.match(text, e, e + 3)
        and not opens_sentence(s)
        and not in_title_case_line(s)
    }
    # Matches do not overlap: one starts and one ends at an offset at most.
    solid_starts = _SolidEdges({s: n for s, _, n in matches}, matcher, gaz, language)
    solid_ends = _SolidEdges({e: n for _, e, n in matches}, matcher, gaz, language)
    names_of_people: set[str] = set()
    number_at: dict[int, int] = {}

    def place_at(offset: int) -> tuple[ScanCandidate, ...] | None:
        """The readings of the place name starting at ``offset``, if one starts there and
        some reading of it is a place of note by its own name."""
        if not number_at:
            number_at.update((s, n) for s, _, n in matches)
        n = number_at.get(offset)
        if n is None or n in not_place_ids:
            return None
        readings = gaz._scan_candidates(keys[n])
        return readings if _of_note(readings) else None

    # Document.sentence_index and Document.in_chrome, answered from arrays built once.
    sentence_starts = [begin for begin, _ in document.sentences]
    in_chrome = _chrome_lookup(document)
    for start, end, number in matches:
        key = keys[number]
        surface = text[start:end]
        if surface.isupper() and len(surface) <= 3 and _all_caps_line(text, start):
            continue  # "WORK WITH US": a pronoun in a shouted line
        if not in_title_case_line(start) and _in_long_capitalised_run(text, start, end, rev):
            names_of_people.add(key)
            continue  # "José Juan Rodríguez Juárez", "Mauricio López Bonilla": a name
        end = _with_abbreviation_dot(text, end)
        if number not in not_place_ids:
            written = key
            start, key = _drop_leading_word(text, start, end, key, matcher, gaz)
            end, key = _drop_airport_word(text, end, key, matcher, gaz)
            if key is not written:
                number = matcher.index[key]
        surface = text[start:end]
        if number in not_place_ids:
            if key in demonyms:
                context_countries.append((demonyms[key], 0.5))
            elif key in org_countries:
                context_countries.append((org_countries[key], 0.5))
            continue
        if not _capitalised(surface):
            continue
        if key in _GENERIC_TAIL and _previous_word(text, start)[:1].isupper():
            continue  # "Lima Airport": the cue word of the name before it, not a town
        candidates = gaz._scan_candidates(key)
        if key.endswith(" airport"):
            candidates = _with_short_name_airports(key, candidates, matcher, gaz)
        if not candidates:
            continue
        title_case = in_title_case_line(start)
        exposed = opens_sentence(start) or title_case
        if surface.isupper() and len(surface) > 1 and not _acronym_ok(text, start, candidates):
            continue
        if key in _MONTHS_AND_DAYS and max(c.prior for c in candidates) < 0.9:
            continue  # "August", "Mayo": dates far more often than towns
        token = (key, exposed, key in proper_here, language)
        plausible = matcher.plausible.get(token)
        if plausible is None or plausible[0] is not candidates:
            kept = _plausible(key, candidates, *token[1:])
            plausible = (candidates, kept, max((c.prior for c in kept), default=0.0))
            if len(matcher.plausible) > 100_000:
                matcher.plausible.clear()
            matcher.plausible[token] = plausible
        candidates = plausible[1]
        if not candidates or key in _ORG_BEFORE:
            continue  # "La Armada de Colombia": the word is an institution's
        top = plausible[2]
        if _organisation_context(text, start, end, rev):
            best = max(candidates, key=lambda c: c.prior)
            if best.country:
                context_countries.append((best.country, 0.5))
            continue
        if not title_case and (
            _heads_a_name(text, start, end, key, candidates, top, language, place_at)
            or _names_a_portfolio_or_feature(text, start, key, top, language)
        ):
            continue  # "la Unidad de Investigaciones", "el ministro del Interior"
        if top < 0.9 and (
            _person_or_ship(text, start, rev)
            or (
                not title_case
                and not _PORT_OR_CITY_OF.search(text, max(0, start - 30), start)
                and _inside_proper_phrase(
                    text, start, end, solid_starts, solid_ends, rev, opens_sentence
                )
            )
        ):
            names_of_people.add(key)
            continue
        sentence = max(0, bisect.bisect_right(sentence_starts, start) - 1)
        sentence_begin = sentence_starts[sentence] if sentence_starts else 0
        cue = _cue(text, start, end, sentence_begin, folded)
        if cue is PlaceKind.RIVER and not any(c.kind is PlaceKind.RIVER for c in candidates):
            continue  # "río Putumayo": the river, which the gazetteer does not hold
        found.append(_Found(start, end, key, candidates, sentence, in_chrome(start), cue))
    # A surname seen in a full name ("Dr. Thomas Frieden … Frieden said") is not a town
    # when it recurs alone later in the article.
    found = [
        f
        for f in found
        if f.key not in names_of_people or f.cue or max(c.prior for c in f.candidates) >= 0.6
    ]
    group = 0
    for first, second in itertools.pairwise(found):
        if first.sentence == second.sentence and _LISTED.match(text[first.end : second.start]):
            first.siblings += (second.key,)
            second.siblings += (first.key,)
            if first.group < 0:
                first.group, group = group, group + 1
            second.group = first.group
    for first, second in itertools.pairwise(found):
        if first.sentence == second.sentence:
            _qualify(text, first, second, gaz)
    previous: _Found | None = None
    for item in found:
        if not item.allowed:
            _qualify_by_country(text, item, previous, gaz)
        previous = item
    countries = _focus_countries(found, context_countries)
    if language == "es":
        # Spanish-language reporting is about Latin America and Spain: a faint focus there
        # settles names the text gives no other clue for ("Beni" is Bolivia's before the
        # Congolese town), and yields to the countries the text names.
        for code in _SPANISH_SPHERE:
            countries[code] = max(countries.get(code, 0.0), LANGUAGE_FOCUS)
    return found, countries


LANGUAGE_FOCUS = 0.25
# Spanish-speaking countries, and Brazil, whose borders Spanish-language reporting covers.
_SPANISH_SPHERE = frozenset(
    "AR BO BR CL CO CR CU DO EC ES GT HN MX NI PA PE PR PY SV UY VE".split()
)


_POSSESSIVE = re.compile(r"['’]s[ \t]+$")
_DEMONYM_CUE = re.compile(
    r"(?:\b([^\W\d_]+)[ \t]+(?:department|province|state|region|port|city|town|airport)s?"
    r"[ \t]+of(?:[ \t]+the)?|\b(?:departamento|provincia|estado|regi[oó]n|puerto|ciudad|"
    r"aeropuerto)s?[ \t]+([^\W\d_]+)[ \t]+(?:de|del|de[ \t]+la))[ \t]+$"
)


def _qualify_by_country(text: str, item: _Found, previous: _Found | None, gaz: Gazetteer) -> None:
    """Keep the readings in the country a phrase names: "Peru's Putumayo province",
    "el departamento colombiano de Putumayo", "the Bolivian department of Santa Cruz",
    "el Chaco paraguayo".
    When no reading lies there, a curated name "X (Country)" is looked for (the
    Peruvian province of Putumayo is the area "Putumayo (Peru)")."""
    before = text[max(0, item.start - 60) : item.start]
    code: str | None = None
    country_pk: int | None = None
    if (
        previous is not None
        and item.start - previous.end <= 4
        and _POSSESSIVE.fullmatch(text[previous.end : item.start])
    ):
        best = max(previous.candidates, key=lambda c: c.prior)
        if best.kind is PlaceKind.COUNTRY:
            code, country_pk = best.country, best.pk
    if code is None:
        # "the Paraguayan Chaco": an English demonym right before the name.
        adjective = _previous_word(text, item.start)
        if (
            adjective[:1].isupper()
            and text[item.start - len(adjective) - 1 : item.start - 1] == adjective
        ):
            code = _demonyms().get(_word_key(adjective))
    if code is None:
        # "el Chaco paraguayo", "la Amazonía peruana": a demonym right after the name.
        after = _WORD_AFTER_AT.match(text, item.end, item.end + 30)
        if after is not None and after.start(1) - item.end <= 1 and after.group(1).islower():
            code = _demonyms().get(_word_key(after.group(1)))
    if code is None:
        # Most mentions follow no "… of" / "… de": skip the pattern for them.
        if not before.rstrip().endswith((" of", " the", " de", " del", " la")):
            return
        cue = _DEMONYM_CUE.search(before)
        word = (cue.group(1) or cue.group(2)) if cue else None
        code = _demonyms().get(scan_key(word)) if word else None
        if code is None:
            return
    inside = frozenset(
        c.pk
        for c in item.candidates
        if c.country == code and c.kind not in (PlaceKind.COUNTRY, PlaceKind.CONTINENT)
    )
    if inside:
        item.allowed = inside
        return
    if country_pk is None:
        try:
            country_name = gaz.get(f"iso3166:{code}").name
        except LookupError:
            return
    else:
        country_name = gaz._place(country_pk).name
    surface = text[item.start : item.end]
    bare = _LEADING_ARTICLE.sub("", surface)  # "El Chaco": "Chaco (Paraguay)"
    named: tuple[ScanCandidate, ...] = ()
    for name in dict.fromkeys((surface, bare)):
        named = tuple(
            c for c in gaz._name_candidates(f"{name} ({country_name})") if c.country == code
        )
        if named:
            break
    if named:
        item.candidates = named + item.candidates
        item.allowed = frozenset(c.pk for c in named)


_LEADING_ARTICLE = re.compile(r"^(?:el|la|los|las|the)\s+", re.IGNORECASE)
_LIST_GOES_ON = re.compile(
    r"[ \t]*(?:,[ \t]*(?:(?:and|or|y|e|o)[ \t]+)?[A-ZÁÉÍÓÚÑ]|(?:and|or|y|e|o)[ \t]+[A-ZÁÉÍÓÚÑ])"
)
_LIST_CAME_BEFORE = re.compile(r"[A-Za-zÁÉÍÓÚÑáéíóúñ][ \t]*,[ \t]*$")
_QUALIFIER_GAP = re.compile(r"[ \t]*(?:,|\()[ \t]*")
_IN_QUALIFIER_GAP = re.compile(r",[ \t]+(?:en|in)[ \t]+(?:(?:el|la|the)[ \t]+)?")


def _qualify(text: str, first: _Found, second: _Found, gaz: Gazetteer) -> None:
    """Read "X, Y", "X (Y)" and "X, en Y" as a place qualified by the country or region
    holding it ("Athens, Greece", "Atlanta, Georgia", "Tocache (San Martín)", "Pichari,
    en el Cusco"): keep the readings of X that lie in a reading of Y, and those readings
    of Y. Two names alone: in a longer list ("Ohio, Oregon, Texas") the comma only
    separates."""
    gap = text[first.end : second.start]
    if _IN_QUALIFIER_GAP.fullmatch(gap):
        pass  # "San Miguel, en Sucumbíos", "Tocache, in San Martín": X lies in Y
    elif not _QUALIFIER_GAP.fullmatch(gap):
        return
    elif "(" in gap:
        if not text[second.end : second.end + 2].lstrip(" \t").startswith(")"):
            return
    elif first.siblings != (second.key,) or second.siblings != (first.key,):
        return
    elif _LIST_GOES_ON.match(text, second.end) or _LIST_CAME_BEFORE.search(
        text, max(0, first.start - 40), first.start
    ):
        return  # "Cairo, Giza, and Al-Minya": a list, whatever the commas in it say
    if max(first.candidates, key=lambda c: c.prior).kind in (
        PlaceKind.COUNTRY,
        PlaceKind.CONTINENT,
    ):
        return  # "China, Japan": a country is not qualified by another
    places: list[ScanCandidate] = []
    holders: list[ScanCandidate] = []
    for holder in second.candidates:
        if holder.kind not in (PlaceKind.COUNTRY, PlaceKind.REGION):
            continue
        shape = gaz._place(holder.pk).geometry if holder.kind is PlaceKind.REGION else None
        for place in first.candidates:
            if place.country != holder.country or place.kind in (
                PlaceKind.COUNTRY,
                PlaceKind.CONTINENT,
            ):
                continue
            if holder.kind is PlaceKind.REGION:
                if place.kind is PlaceKind.REGION or shape is None:
                    continue
                if shape.distance(_point(place.lon, place.lat)) > 0.05:
                    continue
            places.append(place)
            holders.append(holder)
    if places:
        first.allowed = frozenset(c.pk for c in places)
        second.allowed = frozenset(c.pk for c in holders)


def _point(lon: float, lat: float) -> Any:
    """A shapely Point, kept for the next document (the same candidates come back)."""
    point = _POINTS.get((lon, lat))
    if point is None:
        import shapely

        point = shapely.Point(lon, lat)
        if len(_POINTS) > 20_000:
            _POINTS.clear()
        _POINTS[(lon, lat)] = point
    return point


_POINTS: dict[tuple[float, float], Any] = {}


def _unambiguous_country(candidates: Sequence[ScanCandidate], best: ScanCandidate) -> bool:
    """True when every close rival of the likeliest reading is in the same country (a
    name like "San Francisco" says nothing about which country a story is about)."""
    return all(c.country == best.country for c in candidates if c.prior >= best.prior - 0.15)


_FOCUS_FACTS: dict[int, tuple[tuple[ScanCandidate, ...], ScanCandidate, bool]] = {}


def _focus_countries(
    found: Sequence[_Found], extra: Iterable[tuple[str, float]]
) -> dict[str, float]:
    """Weights in [0, 1] of the countries the document is about."""
    weights: dict[str, float] = defaultdict(float)
    for item in found:
        # The likeliest reading and whether its close rivals share its country, kept per
        # candidate tuple (the recognition memo hands out the same tuples again).
        known = _FOCUS_FACTS.get(id(item.candidates))
        if known is None or known[0] is not item.candidates:
            best = max(item.candidates, key=lambda c: c.prior)
            known = (item.candidates, best, _unambiguous_country(item.candidates, best))
            if len(_FOCUS_FACTS) > 20_000:
                _FOCUS_FACTS.clear()
            _FOCUS_FACTS[id(item.candidates)] = known
        _, best, unambiguous = known
        share = 0.2 if item.in_chrome else 1.0
        if best.kind is PlaceKind.COUNTRY and best.country:
            weights[best.country] += 1.0 * share
        elif best.country and unambiguous:
            weights[best.country] += (0.5 if best.prior >= 0.55 else 0.2) * share
    for code, weight in extra:
        weights[code] += weight
    if not weights:
        return {}
    top = max(weights.values())
    return {code: weight / top for code, weight in weights.items()}


def _shortlist(item: _Found, countries: dict[str, float]) -> tuple[ScanCandidate, ...]:
    """The candidates worth scoring: the most important few, those in the document's
    countries and those of the kind a cue word asks for (common names have hundreds)."""
    if len(item.candidates) <= 30:
        return item.candidates
    return tuple(
        c
        for rank, c in enumerate(item.candidates)
        if rank < 25
        or countries.get(c.country or "", 0.0) >= 0.3
        or c.kind is item.cue
        or c.pk in item.allowed
    )


_Scored = tuple[float, ScanCandidate]


def _agree_on_list_kinds(found: Sequence[_Found], countries: dict[str, float]) -> None:
    """In a list of three names or more, the kind most of them take on their own (by size
    and focus) is the list's: "Alberta, Manitoba, Ontario and New Brunswick" are
    provinces, not the Californian town of Ontario; "Colorado, Georgia, Idaho" are
    states. Only regions and countries are listed this way often enough to count."""
    groups: dict[int, list[_Found]] = defaultdict(list)
    for item in found:
        if item.group >= 0:
            groups[item.group].append(item)
    for members in groups.values():
        if len(members) < 3:
            continue
        kinds = Counter(_likeliest(m, countries).kind for m in members)
        kind, count = kinds.most_common(1)[0]
        if kind not in (PlaceKind.REGION, PlaceKind.COUNTRY) or count * 2 <= len(members):
            continue
        for item in members:
            if item.cue is None and any(c.kind is kind for c in item.candidates):
                item.list_kind = kind


def _resolve(
    document: Document, gaz: Gazetteer, found: list[_Found], countries: dict[str, float]
) -> list[Mention]:
    # A name repeated in the document is scored once per reading of it (same candidates,
    # cue and list neighbours): the results are memoised for this call.
    shortlists: dict[int, tuple[ScanCandidate, ...]] = {}
    originals = [item.candidates for item in found]  # alive while ids key the memo
    for item in found:
        listed = shortlists.get(id(item.candidates))
        if listed is None:
            listed = shortlists[id(item.candidates)] = _shortlist(item, countries)
        item.candidates = listed
    # First pass: the likeliest reading of each name, by size and document focus only, to
    # anchor the proximity of the others.
    anchors: dict[str, _Anchor] = {}
    for item in found:
        if item.key in anchors:
            continue
        best = _likeliest(item, countries)
        if best.kind not in (PlaceKind.COUNTRY, PlaceKind.CONTINENT):
            weight = 2 if best.kind is PlaceKind.AREA else 1  # "San Francisco … the VRAEM"
            anchors[item.key] = _anchor(item.key, best.lat, best.lon, weight)
    anchor_list = list(anchors.values())[:25]
    _agree_on_list_kinds(found, countries)
    memo: dict[tuple[Any, ...], list[_Scored]] = {}
    ranked: list[list[_Scored]] = []
    for item in found:
        token = (
            id(item.candidates),
            item.key,
            item.siblings,
            item.cue,
            item.allowed,
            item.list_kind,
        )
        scored = memo.get(token)
        if scored is None:
            if len(item.candidates) > 1:
                scores = _scores(item, item.candidates, countries, anchor_list)
                scored = sorted(
                    zip(scores, item.candidates, strict=True),
                    key=lambda pair: (-pair[0], pair[1].pk),
                )
                if item.cue is None and item.list_kind is None:
                    scored = _prefer_town_in_namesake_region(scored, gaz)
            else:
                scored = [(_score(item, item.candidates[0], countries, ()), item.candidates[0])]
            memo[token] = scored
        ranked.append(scored)
    del originals
    # One sense per discourse: a name repeated without a cue word takes the reading of its
    # cued or most confident occurrence ("the port of Callao … Callao").
    sense: dict[str, ScanCandidate] = {}
    strength: dict[str, tuple[int, float]] = {}
    for item, scored in zip(found, ranked, strict=True):
        rank = (1 if item.cue or item.allowed else 0, scored[0][0])
        if item.key not in strength or rank > strength[item.key]:
            strength[item.key], sense[item.key] = rank, scored[0][1]
    mentions = []
    # The five best readings as a Mention lists them, once per ranking (repeated names
    # share theirs).
    tops: dict[int, tuple[tuple[str, float], ...]] = {}
    for item, scored in zip(found, ranked, strict=True):
        best_score, best = scored[0]
        if item.cue is None and not item.allowed and sense[item.key].pk != best.pk:
            chosen = sense[item.key]
            # A reading only a qualifier added ("Putumayo (Peru)") is not among this
            # one's: it keeps the qualified occurrence's score.
            best_score = next(
                (score for score, c in scored if c.pk == chosen.pk), strength[item.key][1]
            )
            best = chosen
        runner_up = next((score for score, c in scored if c.pk != best.pk), 0.0)
        top = tops.get(id(scored))
        if top is None:
            top = tops[id(scored)] = tuple((c.id, round(score, 4)) for score, c in scored[:5])
        confidence = best_score / (best_score + runner_up) if best_score > 0 else 0.0
        mentions.append(
            Mention(
                start=item.start,
                end=item.end,
                text=document.text[item.start : item.end],
                place=gaz._place(best.pk),
                candidates=top,
                sentence=item.sentence,
                score=round(min(1.0, confidence * min(1.0, 2 * best_score)), 4),
                in_chrome=item.in_chrome,
                kind_cue=item.cue.value if item.cue else None,
            )
        )
    return mentions


def _prefer_town_in_namesake_region(scored: list[_Scored], gaz: Gazetteer) -> list[_Scored]:
    """A bare name that is both a region and a town inside it ("Cusco", "Puno",
    "Esmeraldas") reads as the town when the town is the likelier reading by itself: the
    context cannot tell the two apart (they lie in one another), so the nearness of other
    places to the region's label point must not decide. A cue word ("departamento de",
    "Cusco region") or a list of regions still picks the region."""
    top_score, top = scored[0]
    if top.kind is not PlaceKind.REGION:
        return scored
    for score, town in scored[1:]:
        if score < top_score * 0.8:
            break
        if (
            town.kind is PlaceKind.CITY
            and town.country == top.country
            and (town.prior + town.fame) * town.name_type.quality
            >= (top.prior + top.fame) * top.name_type.quality
        ):
            shape = gaz._place(top.pk).geometry
            if shape is not None and shape.distance(_point(town.lon, town.lat)) <= 0.05:
                rest = [pair for pair in scored if pair[1].pk not in (top.pk, town.pk)]
                return [(top_score, town), (score, top), *rest]
    return scored


def find_demonyms(
    doc_or_text: Document | str, *, gazetteer: Gazetteer | None = None
) -> list[tuple[int, int, str]]:
    """``(start, end, country code)`` of every demonym ("Peruvian", "bolivianos").

    >>> find_demonyms("Mexican cartels and bolivianos")
    [(0, 7, 'MX'), (20, 30, 'BO')]
    """
    document = Document.coerce(doc_or_text)
    matcher = _matcher(gazetteer or Gazetteer.default())
    demonyms = _demonyms()
    return [
        (start, end, demonyms[matcher.keys[number]])
        for start, end, number in matcher.find(document.text)
        if number in matcher.not_place_ids and matcher.keys[number] in demonyms
    ]


def find_country_cues(
    doc_or_text: Document | str, *, gazetteer: Gazetteer | None = None
) -> list[tuple[int, int, str]]:
    """Demonyms and country-specific institutions ("Serpost", "Guardia Civil") with the
    country they point at: not places, but they say which country a story is about."""
    document = Document.coerce(doc_or_text)
    matcher = _matcher(gazetteer or Gazetteer.default())
    cues = {**_organisation_countries(), **_demonyms()}
    return [
        (start, end, cues[matcher.keys[number]])
        for start, end, number in matcher.find(document.text)
        if number in matcher.not_place_ids and matcher.keys[number] in cues
    ]


def resolve_spans(
    doc_or_text: Document | str,
    spans: Sequence[tuple[int, int]],
    *,
    gazetteer: Gazetteer | None = None,
) -> list[Place | None]:
    """Resolve given spans (e.g. gold annotations) in the document's context.

    Each span is looked up as a name even if recognition would have skipped it; the
    document's own mentions supply the context.
    """
    document = Document.coerce(doc_or_text)
    gaz = gazetteer or Gazetteer.default()
    context, countries = _recognise(document, gaz)
    by_span = {(f.start, f.end): f for f in context}
    items: list[_Found | None] = []
    for start, end in spans:
        if (start, end) in by_span:
            items.append(by_span[(start, end)])
            continue
        key = scan_key(document.text[start:end])
        # A span recognition would not produce ("U.K.", "Mauritious") is looked up the way
        # resolve() does: abbreviations, cue words, spelling.
        candidates = gaz._scan_candidates(key) or gaz._name_candidates(document.text[start:end])
        if not candidates:
            items.append(None)
            continue
        sentence = document.sentence_index(start)
        sentence_begin = document.sentences[sentence][0] if document.sentences else 0
        items.append(
            _Found(
                start,
                end,
                key,
                candidates,
                sentence,
                document.in_chrome(start),
                _cue(document.flow or document.text, start, end, sentence_begin),
            )
        )
    # Resolve the requested spans together with every mention recognition found, so the
    # rest of the document anchors them.
    extra = [i for i in items if i is not None and (i.start, i.end) not in by_span]
    everything = sorted([*context, *extra], key=lambda i: i.start)
    mentions = _resolve(document, gaz, everything, countries)
    by_start = {(m.start, m.end): m.place for m in mentions}
    return [by_start.get((i.start, i.end)) if i is not None else None for i in items]

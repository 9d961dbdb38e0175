"""Gazetteer: look place names up in the offline index and rank what they may mean.

>>> gaz = Gazetteer.default()
>>> gaz.resolve("Cuzco").name
'Cusco'
>>> gaz.resolve("Callao", kind="port").id
'locode:PECLL'
>>> gaz.resolve("Lima", country="US").name
'Lima'
"""

from __future__ import annotations

import functools
import math
import sqlite3
import sys
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from routemap.errors import GazetteerBuildError, InvalidQuery, PlaceNotFound
from routemap.gazetteer.sources.base import NameType, is_code
from routemap.normalize import check_name, normalize_name, strip_article
from routemap.places import Place, PlaceKind

if TYPE_CHECKING:
    from routemap.gazetteer.online import OnlineFallback

__all__ = ["Candidate", "Gazetteer", "NearLike"]

NearLike = Place | tuple[float, float] | str

#: Distance over which ``near=`` proximity halves a candidate's pull (km).
NEAR_SCALE_KM = 250.0

# Words around a name that say what kind of place it is ("port of Callao", "Iquitos
# airport", "departamento de La Paz"). Applied only when the whole phrase is not a name.
_PREFIX_CUES: tuple[tuple[str, PlaceKind], ...] = (
    ("port of ", PlaceKind.PORT),
    ("puerto de ", PlaceKind.PORT),
    ("puerto del ", PlaceKind.PORT),
    ("airport of ", PlaceKind.AIRPORT),
    ("aeropuerto de ", PlaceKind.AIRPORT),
    ("aeropuerto internacional de ", PlaceKind.AIRPORT),
    ("aeropuerto internacional ", PlaceKind.AIRPORT),
    ("aeropuerto ", PlaceKind.AIRPORT),
    ("department of ", PlaceKind.REGION),
    ("departamento de ", PlaceKind.REGION),
    ("departamento del ", PlaceKind.REGION),
    ("region of ", PlaceKind.REGION),
    ("region de ", PlaceKind.REGION),
    ("region ", PlaceKind.REGION),
    ("province of ", PlaceKind.REGION),
    ("provincia de ", PlaceKind.REGION),
    ("provincia del ", PlaceKind.REGION),
    ("state of ", PlaceKind.REGION),
    ("estado de ", PlaceKind.REGION),
    ("city of ", PlaceKind.CITY),
    ("ciudad de ", PlaceKind.CITY),
    ("town of ", PlaceKind.CITY),
    ("river ", PlaceKind.RIVER),
    ("rio ", PlaceKind.RIVER),
)
_SUFFIX_CUES: tuple[tuple[str, PlaceKind], ...] = (
    (" international airport", PlaceKind.AIRPORT),
    (" airport", PlaceKind.AIRPORT),
    (" airstrip", PlaceKind.AIRPORT),
    (" port", PlaceKind.PORT),
    (" department", PlaceKind.REGION),
    (" region", PlaceKind.REGION),
    (" province", PlaceKind.REGION),
    (" state", PlaceKind.REGION),
    (" river", PlaceKind.RIVER),
)


#: Minimum rapidfuzz ratio for a misspelling, by length of the normalised query.
def _fuzzy_cutoff(length: int) -> float:
    if length <= 5:
        return 80.0
    if length <= 8:
        return 85.0
    return 88.0


_KIND_HINT_PENALTY = 0.3  # a candidate of another kind than the cue asks for


@dataclass(frozen=True, slots=True)
class Candidate:
    """One place a name may mean, with its score in [0, 1] and why it ranked there."""

    place: Place
    score: float
    reason: str
    matched: str

    def to_dict(self) -> dict[str, Any]:
        return {**self.place.to_dict(), "score": round(self.score, 4), "reason": self.reason}


@dataclass(frozen=True, slots=True)
class _Form:
    key: str
    quality: float
    how: str
    hint: PlaceKind | None = None
    is_code: bool = False


@dataclass(slots=True)
class _Hit:
    pk: int
    quality: float
    how: str
    matched: str
    name_type: NameType
    hint: PlaceKind | None


@dataclass(frozen=True, slots=True)
class ScanCandidate:
    """A place a name found in text may mean, as the geoparser ranks it."""

    pk: int
    id: str
    name_type: NameType
    kind: PlaceKind
    lat: float
    lon: float
    country: str | None
    prior: float
    fame: float = 0.0  # added to ``prior`` when ranking namesakes (not for recognition)


class Gazetteer:
    """Offline place lookup over the index built from registry packages.

    Use :meth:`default` for the embedded gazetteer; construct one from an index file
    built with :func:`routemap.gazetteer.index.build_index` for a custom set of sources.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            self._conn = sqlite3.connect(
                f"file:{self.path}?mode=ro&immutable=1", uri=True, check_same_thread=False
            )
            complete = self._conn.execute("SELECT value FROM meta WHERE key='complete'")
            if (complete.fetchone() or ("0",))[0] != "1":
                raise GazetteerBuildError(f"{self.path} is an unfinished gazetteer index")
        except sqlite3.Error as exc:
            raise GazetteerBuildError(
                f"cannot open the gazetteer index {self.path}: {exc}; delete it and run "
                "`routemap index` to rebuild"
            ) from exc
        self._lock = threading.Lock()
        self._places: dict[int, Place] = {}
        self._fuzzy: tuple[list[str], list[str]] | None = None
        self._scan_cache: dict[str, tuple[ScanCandidate, ...]] = {}
        self._fuzzy_buckets_cache: dict[tuple[str, int], list[str]] | None = None

    # -- construction -------------------------------------------------------------------

    @classmethod
    def default(cls) -> Gazetteer:
        """The embedded offline gazetteer (the index is built on first use, once)."""
        return _default_gazetteer()

    def __repr__(self) -> str:
        return f"<Gazetteer {self.path.name}>"

    def __len__(self) -> int:
        return int(self._query("SELECT count(*) FROM places")[0][0])

    def __bool__(self) -> bool:
        # Without this, `gazetteer or Gazetteer.default()` would count the places table.
        return True

    def __getstate__(self) -> dict[str, Any]:  # picklable for worker processes
        return {"path": self.path}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["path"])  # type: ignore[misc]

    def _query(self, sql: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    # -- public lookups -----------------------------------------------------------------

    def get(self, place_id: str) -> Place:
        """The place with registry id ``place_id`` (e.g. ``"locode:PECLL"``)."""
        if not isinstance(place_id, str):
            raise TypeError(f"place id must be a str, not {type(place_id).__name__}")
        rows = self._query("SELECT pk FROM places WHERE id = ?", (place_id.strip(),))
        if not rows:
            raise PlaceNotFound(place_id, filters="that id")
        return self._place(rows[0][0])

    def places(
        self, *, kind: PlaceKind | str | None = None, country: str | None = None
    ) -> list[Place]:
        """Every place of a kind and/or in a country, by id (e.g. all ports of Peru).

        >>> [p.id for p in Gazetteer.default().places(kind="port", country="PE")][:2]
        ['locode:PEANC', 'locode:PEATI']
        """
        clauses, params = [], []
        if kind is not None:
            clauses.append("kind = ?")
            params.append(PlaceKind.coerce(kind).value)
        if country is not None:
            clauses.append("country = ?")
            params.append(self._country_filter(country) or "")
        if not clauses:
            raise InvalidQuery("give a kind or a country: the whole gazetteer is 200,000 places")
        rows = self._query(
            f"SELECT pk FROM places WHERE {' AND '.join(clauses)} ORDER BY id", params
        )
        return [self._place(pk) for (pk,) in rows]

    def resolve(
        self,
        name: str,
        *,
        country: str | None = None,
        kind: PlaceKind | str | None = None,
        near: NearLike | None = None,
    ) -> Place:
        """The single best place for ``name``; :class:`PlaceNotFound` when none fits.

        >>> Gazetteer.default().resolve("EE.UU.").id
        'iso3166:US'
        """
        candidates = self.search(name, country=country, kind=kind, near=near, limit=1)
        return candidates[0].place

    def search(
        self,
        name: str,
        *,
        country: str | None = None,
        kind: PlaceKind | str | None = None,
        near: NearLike | None = None,
        limit: int = 10,
    ) -> list[Candidate]:
        """Places ``name`` may mean, best first, each with a score and a reason.

        Raises :class:`PlaceNotFound` (listing close names) when nothing matches.

        >>> [c.place.country for c in Gazetteer.default().search("Lima", limit=2)]
        ['PE', 'PE']
        """
        text = check_name(name)
        country_code = self._country_filter(country)
        kind_filter = PlaceKind.coerce(kind) if kind is not None else None
        origin = self._near_point(near)
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            raise InvalidQuery(f"limit must be a positive int, got {limit!r}")
        hits = self._exact_hits(text)
        if not hits:
            hits = self._fuzzy_hits(normalize_name(text))
        ranked = self._rank(hits, country_code, kind_filter, origin, limit)
        if not ranked:
            filters = ", ".join(
                f"{label}={value}"
                for label, value in (
                    ("country", country_code),
                    ("kind", kind_filter.value if kind_filter else None),
                )
                if value
            )
            suggestions = (
                [str(self._place(r[0])) for r in self._rank_all(hits, None, None, None)[:5]]
                if hits and filters
                else self.suggest(text)
            )
            raise PlaceNotFound(text, suggestions, filters=filters)
        return ranked

    def suggest(self, name: str, limit: int = 5) -> list[str]:
        """Display names of notable places spelled like ``name`` (for error messages):
        first those like the whole name, then those like one of its words."""
        from rapidfuzz import fuzz, process

        norms, displays = self._fuzzy_choices()
        norm = normalize_name(name)
        if not norm:
            return []
        scored: dict[str, float] = {}
        queries = [(norm, 65.0)] + [(w, 80.0) for w in norm.split() if len(w) >= 4 and w != norm]
        for query, cutoff in queries:
            for _, score, index in process.extract(
                query, norms, scorer=fuzz.ratio, score_cutoff=cutoff, limit=limit
            ):
                display = displays[index]
                scored[display] = max(scored.get(display, 0.0), score)
        ranked = sorted(scored, key=lambda d: (-scored[d], d))
        return ranked[:limit]

    def with_online_fallback(
        self, fallback: OnlineFallback | None = None, **options: Any
    ) -> FallbackGazetteer:
        """A gazetteer that asks an online geocoder (Nominatim, via geopy) for names the
        offline index does not hold. Opt-in: nothing is sent anywhere until you call this.

        ``options`` go to :class:`routemap.gazetteer.online.OnlineFallback` (``user_agent``,
        ``cache_path``, ``min_delay_seconds``, ``geocode``).
        """
        if fallback is None:
            from routemap.gazetteer.online import OnlineFallback

            fallback = OnlineFallback(**options)
        return FallbackGazetteer(self, fallback)

    # -- internals ----------------------------------------------------------------------

    def _country_filter(self, country: str | None) -> str | None:
        if country is None:
            return None
        if not isinstance(country, str):
            raise TypeError(f"country must be an ISO alpha-2 code (str), not {type(country)}")
        code = country.strip().upper()
        if len(code) == 2 and code.isalpha():
            return code
        place = self.resolve(country, kind=PlaceKind.COUNTRY)  # "Peru" works too
        return place.country

    def _near_point(self, near: NearLike | None) -> tuple[float, float] | None:
        if near is None:
            return None
        if isinstance(near, Place):
            return near.latlon
        if isinstance(near, str):
            return self.resolve(near).latlon
        try:
            lat, lon = near
            probe = Place("near:point", "near", PlaceKind.AREA, lat, lon)
        except (TypeError, ValueError) as exc:
            raise InvalidQuery(f"near must be a Place, a (lat, lon) pair or a name: {exc}") from exc
        return probe.latlon

    def _forms(self, text: str) -> list[_Form]:
        norm = normalize_name(text)
        forms = [_Form(norm, 1.0, "exact name")]
        if is_code(text):
            forms.append(_Form(text, 1.0, "code", is_code=True))
        bare = strip_article(norm)
        if bare != norm:
            forms.append(_Form(bare, 0.98, "name without article"))
        for phrase in {norm, bare}:
            for prefix, kind in _PREFIX_CUES:
                if phrase.startswith(prefix) and len(phrase) > len(prefix):
                    how = f"'{prefix.strip()} …' names a {kind}"
                    forms += _with_bare(phrase[len(prefix) :], how, kind)
            for suffix, kind in _SUFFIX_CUES:
                if phrase.endswith(suffix) and len(phrase) > len(suffix):
                    how = f"'… {suffix.strip()}' names a {kind}"
                    forms += _with_bare(phrase[: -len(suffix)], how, kind)
        return forms

    def _lookup(self, form: _Form) -> list[_Hit]:
        rows = self._query("SELECT pk, type FROM names WHERE norm = ?", (form.key,))
        hits = []
        for pk, type_value in rows:
            name_type = NameType(type_value)
            if (name_type is NameType.CODE) != form.is_code:
                continue
            quality = form.quality * name_type.quality
            hits.append(_Hit(pk, quality, form.how, form.key, name_type, form.hint))
        return hits

    def _exact_hits(self, text: str) -> list[_Hit]:
        forms = self._forms(text)
        plain = [f for f in forms if f.hint is None]
        hits = [h for f in plain for h in self._lookup(f)]
        # The whole phrase wins when it is a name ("Puerto Maldonado", "Port of Spain"):
        # cue words are read only when it is not.
        if any(h.name_type is not NameType.SERVED for h in hits):
            return hits
        for form in forms:
            if form.hint is not None:
                hits += self._lookup(form)
        return hits

    def _fuzzy_choices(self) -> tuple[list[str], list[str]]:
        if self._fuzzy is None:
            rows = self._query("SELECT norm, display FROM fuzzy")
            self._fuzzy = ([r[0] for r in rows], [r[1] for r in rows])
        return self._fuzzy

    def _fuzzy_buckets(self) -> dict[tuple[str, int], list[str]]:
        if self._fuzzy_buckets_cache is None:
            buckets: dict[tuple[str, int], list[str]] = {}
            for norm in self._fuzzy_choices()[0]:
                buckets.setdefault((norm[0], len(norm)), []).append(norm)
            self._fuzzy_buckets_cache = buckets
        return self._fuzzy_buckets_cache

    def _fuzzy_hits(self, norm: str) -> list[_Hit]:
        from rapidfuzz import fuzz, process

        if len(norm) < 4:
            return []
        cutoff = _fuzzy_cutoff(len(norm))
        # ratio = 2·matches / (len(a) + len(b)) bounds the length of any name that can pass
        # the cutoff, and misspellings seldom touch the first letter: comparing only names
        # of nearby length that share it keeps a guess to about a millisecond.
        slack = int(len(norm) * (100 - cutoff) / cutoff) + 1
        buckets = self._fuzzy_buckets()
        choices = [
            name
            for size in range(len(norm) - slack, len(norm) + slack + 1)
            for name in buckets.get((norm[0], size), ())
        ]
        found = process.extract(norm, choices, scorer=fuzz.ratio, score_cutoff=cutoff, limit=5)
        hits: list[_Hit] = []
        for matched, ratio, _ in found:
            form = _Form(matched, 0.9 * ratio / 100, f"spelled like '{matched}' ({ratio:.0f}%)")
            hits += [h for h in self._lookup(form) if h.name_type is not NameType.SERVED]
        return hits

    def _rank(
        self,
        hits: list[_Hit],
        country: str | None,
        kind: PlaceKind | None,
        origin: tuple[float, float] | None,
        limit: int,
    ) -> list[Candidate]:
        return [
            Candidate(self._place(pk), score, reason, matched)
            for pk, score, reason, matched in self._rank_all(hits, country, kind, origin)[:limit]
        ]

    def _rank_all(
        self,
        hits: list[_Hit],
        country: str | None,
        kind: PlaceKind | None,
        origin: tuple[float, float] | None,
    ) -> list[tuple[int, float, str, str]]:
        """(pk, score, reason, matched name) for every admissible hit, best first."""
        if not hits:
            return []
        pks = sorted({h.pk for h in hits})
        rows = {
            row[0]: row
            for chunk in _chunks(pks, 900)
            for row in self._query(
                "SELECT pk, kind, lat, lon, country, population, importance FROM places "
                f"WHERE pk IN ({','.join('?' * len(chunk))})",
                chunk,
            )
        }
        best: dict[int, tuple[float, float, str, str]] = {}
        for hit in hits:
            _, kind_value, lat, lon, place_country, population, prior = rows[hit.pk]
            place_kind = PlaceKind(kind_value)
            if country and place_country != country:
                continue
            if kind and place_kind is not kind:
                continue
            quality = hit.quality
            wanted = kind or hit.hint
            if hit.name_type is NameType.SERVED:
                # An airport found by the city it serves counts only when asked for airports.
                quality = hit.quality if wanted is not PlaceKind.AIRPORT else 0.95
            reasons = [f"{hit.how} '{hit.matched}' ({hit.name_type.name.lower()} name)"]
            if hit.hint and place_kind is not hit.hint and not kind:
                quality *= _KIND_HINT_PENALTY
            reasons.append(_describe(place_kind, population, place_country))
            if origin is not None:
                distance = _distance_km(origin, (lat, lon))
                proximity = math.exp(-distance / NEAR_SCALE_KM)
                score = quality * (0.4 * prior + 0.6 * proximity)
                reasons.append(f"{distance:,.0f} km from the reference point")
            elif hit.name_type is NameType.CODE:
                # A code written in capitals ("SPJC", "LIM", "PER") is an identifier: it
                # outranks any name it happens to spell.
                score = quality * (0.9 + 0.1 * prior)
            else:
                score = quality * prior
            score = round(min(score, 1.0), 6)
            if hit.pk not in best or score > best[hit.pk][0]:
                best[hit.pk] = (score, prior, "; ".join(reasons), hit.matched)
        order = sorted(best.items(), key=lambda item: (-item[1][0], -item[1][1], item[0]))
        return [(pk, score, reason, matched) for pk, (score, _, reason, matched) in order]

    # -- for the geoparser -----------------------------------------------------------------

    def _scan_keys(self) -> list[str]:
        """Every form under which places are looked for in running text."""
        return [row[0] for row in self._query("SELECT DISTINCT key FROM scan ORDER BY key")]

    def _scan_candidates(self, key: str) -> tuple[ScanCandidate, ...]:
        """Every place a scan key may name, with what ranking needs (no Place built)."""
        cached = self._scan_cache.get(key)
        if cached is not None:
            return cached
        rows = self._query(
            """
            SELECT p.pk, p.id, MIN(n.type), p.kind, p.lat, p.lon, p.country, p.importance,
                p.fame
            FROM scan s JOIN names n ON n.norm = s.norm JOIN places p ON p.pk = n.pk
            WHERE s.key = ? AND n.type NOT IN (?, ?)
            GROUP BY p.pk ORDER BY p.importance DESC, p.pk
            """,
            (key, int(NameType.CODE), int(NameType.SERVED)),
        )
        found = tuple(
            ScanCandidate(pk, pid, NameType(t), PlaceKind(kind), lat, lon, country, prior, fame)
            for pk, pid, t, kind, lat, lon, country, prior, fame in rows
        )
        if len(self._scan_cache) > 200_000:
            self._scan_cache.clear()
        self._scan_cache[key] = found
        return found

    def _name_candidates(self, name: str) -> tuple[ScanCandidate, ...]:
        """Candidates for a name as :meth:`search` finds them (forms, cues, spelling)."""
        try:
            text = check_name(name)
        except (InvalidQuery, TypeError):
            return ()
        hits = self._exact_hits(text) or self._fuzzy_hits(normalize_name(text))
        ranked = self._rank_all(hits, None, None, None)[:30]
        if not ranked:
            return ()
        rows = {
            row[0]: row
            for row in self._query(
                "SELECT pk, id, kind, lat, lon, country, importance, fame FROM places "
                f"WHERE pk IN ({','.join('?' * len(ranked))})",
                [pk for pk, *_ in ranked],
            )
        }
        best_type = {h.pk: h.name_type for h in hits}
        return tuple(
            ScanCandidate(
                pk,
                rows[pk][1],
                best_type.get(pk, NameType.ALTERNATE),
                PlaceKind(rows[pk][2]),
                rows[pk][3],
                rows[pk][4],
                rows[pk][5],
                rows[pk][6],
                rows[pk][7],
            )
            for pk, *_ in ranked
        )

    def _place(self, pk: int) -> Place:
        place = self._places.get(pk)
        if place is not None:
            return place
        (row,) = self._query(
            "SELECT id, name, kind, lat, lon, country, population, source FROM places WHERE pk = ?",
            (pk,),
        )
        wkb = self._query("SELECT wkb FROM geometries WHERE pk = ?", (pk,))
        geometry = None
        if wkb:
            import shapely

            geometry = shapely.from_wkb(wkb[0][0])
        place_id, name, kind, lat, lon, country, population, source = row
        place = Place(
            place_id, name, PlaceKind(kind), lat, lon, country, population, geometry, source
        )
        if len(self._places) > 50_000:
            self._places.clear()
        self._places[pk] = place
        return place


class FallbackGazetteer(Gazetteer):
    """A gazetteer that asks an online geocoder when the offline index has no answer."""

    def __init__(self, offline: Gazetteer, fallback: OnlineFallback) -> None:
        self.__dict__.update(offline.__dict__)
        self.offline = offline
        self.fallback = fallback

    def search(
        self,
        name: str,
        *,
        country: str | None = None,
        kind: PlaceKind | str | None = None,
        near: NearLike | None = None,
        limit: int = 10,
    ) -> list[Candidate]:
        try:
            return self.offline.search(name, country=country, kind=kind, near=near, limit=limit)
        except PlaceNotFound as missing:
            places = self.fallback(check_name(name), country=self._country_filter(country))
            wanted = PlaceKind.coerce(kind) if kind is not None else None
            found = [p for p in places if wanted is None or p.kind is wanted]
            if not found:
                raise missing
            return [
                Candidate(p, round(0.5 * 0.99**i, 6), "online geocoder (Nominatim)", name)
                for i, p in enumerate(found[:limit])
            ]


def _with_bare(phrase: str, how: str, hint: PlaceKind) -> list[_Form]:
    """The name left after a cue word, with and without its own leading article."""
    forms = [_Form(phrase, 1.0, how, hint)]
    bare = strip_article(phrase)
    if bare != phrase:
        forms.append(_Form(bare, 0.98, how, hint))
    return forms


def _describe(kind: PlaceKind, population: int | None, country: str | None) -> str:
    parts = [kind.value]
    if country and kind is not PlaceKind.COUNTRY:
        parts.append(f"in {country}")
    if population:
        parts.append(f"population {population:,}")
    return " ".join(parts)


def _distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    from geopy.distance import great_circle

    return float(great_circle(a, b).km)


def _chunks(values: Sequence[int], size: int) -> Iterable[Sequence[int]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _announce(message: str) -> None:
    print(f"routemap: {message}", file=sys.stderr, flush=True)


@functools.cache
def _default_gazetteer() -> Gazetteer:
    from routemap.gazetteer.index import default_index_path, ensure_index, is_complete

    path = default_index_path()
    progress: Callable[[str], None] | None = None
    if not is_complete(path):
        _announce("building the offline gazetteer index (once; about half a minute) …")
        progress = _announce
    return Gazetteer(ensure_index(path, progress=progress))

"""Routes: the value objects a trafficking route is made of, and the collection of them.

A :class:`Route` runs through its stops (origin → transits → destination), one
:class:`Leg` between each pair of consecutive stops, each leg with a :class:`Mode` and a
drawn path whose honesty is recorded (:class:`GeometryKind`, ``approximate``, ``note``).
What moved (``commodity``, :class:`Quantity`), when (:class:`Period`), how sure we are
(``confidence``) and the sentences that say so (:class:`Citation`) travel with it.
A :class:`RouteSet` is an immutable, ordered collection with the same exports as a Route.

>>> parse_quantity("1,5 toneladas de cocaína")
Quantity(text='1,5 toneladas', value_kg=1500.0)
>>> str(parse_period("between 2007 and 2010"))
'2007/2010'
>>> Mode("AIR"), GeometryKind("great circle")
(<Mode.AIR: 'air'>, <GeometryKind.GREAT_CIRCLE: 'great_circle'>)
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import hashlib
import math
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, overload

from routemap.errors import InvalidRoute
from routemap.places import Place
from routemap.vocabulary import Vocabulary

if TYPE_CHECKING:
    import geopandas

    from routemap.gazetteer import Gazetteer
    from routemap.text import Document

__all__ = [
    "Citation",
    "GeometryKind",
    "Leg",
    "Mode",
    "NetworkLeg",
    "Period",
    "Quantity",
    "Route",
    "RouteSet",
    "parse_period",
    "parse_quantity",
]

LatLon = tuple[float, float]


class Mode(Vocabulary):
    """How goods move along a leg. Accepts its value in any case.

    >>> Mode("Maritime")
    <Mode.MARITIME: 'maritime'>
    >>> Mode("plane")
    Traceback (most recent call last):
    ...
    ValueError: 'plane' is not a mode; use one of: air, maritime, river, land, postal, unknown
    """

    AIR = "air"
    MARITIME = "maritime"
    RIVER = "river"
    LAND = "land"
    POSTAL = "postal"
    UNKNOWN = "unknown"


class GeometryKind(Vocabulary):
    """How a leg's path was drawn: a great circle, a sea lane, a schematic river course or
    a schematic line. Accepts ``"great circle"`` and ``"Great-Circle"`` too.

    >>> GeometryKind("SEA_LANE")
    <GeometryKind.SEA_LANE: 'sea_lane'>
    """

    GREAT_CIRCLE = "great_circle"
    SEA_LANE = "sea_lane"
    RIVER = "river"
    SCHEMATIC = "schematic"


# -- Citation ----------------------------------------------------------------------------------


def _optional_text(owner: str, name: str, value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.date):  # a YAML or datetime date
        return value.isoformat()[:10]
    if not isinstance(value, str):
        raise InvalidRoute(f"{owner}: {name} must be a str or None, not {type(value).__name__}")
    return value.strip() or None


def _offset(owner: str, name: str, value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidRoute(f"{owner}: {name} must be an int offset, not {value!r:.30}")
    if value < 0:
        raise InvalidRoute(f"{owner}: {name} cannot be negative, got {value}")
    return value


@dataclass(frozen=True, slots=True)
class Citation:
    """The sentence of a document that justifies a route.

    ``start`` and ``end`` are the offsets of ``sentence`` in the document's text (both or
    neither); ``date`` is the document's date as an ISO string.

    >>> Citation("seeds/003.txt", sentence="Planes fly from the VRAEM.", start=10, end=36).key
    ('seeds/003.txt', 10, 36, '')
    >>> Citation("seeds/003.txt", start=20, end=10)
    Traceback (most recent call last):
    ...
    routemap.errors.InvalidRoute: citation of seeds/003.txt: start 20 is after end 10
    """

    document: str
    title: str | None = None
    date: str | None = None
    source: str | None = None
    sentence: str = ""
    start: int | None = None
    end: int | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.document, str) or not self.document.strip():
            raise InvalidRoute(
                f"a citation needs a document id (a non-empty str), got {self.document!r:.40}"
            )
        object.__setattr__(self, "document", self.document.strip())
        owner = f"citation of {self.document}"
        for name in ("title", "date", "source"):
            object.__setattr__(self, name, _optional_text(owner, name, getattr(self, name)))
        if not isinstance(self.sentence, str):
            raise InvalidRoute(f"{owner}: sentence must be a str")
        start = _offset(owner, "start", self.start)
        end = _offset(owner, "end", self.end)
        if (start is None) != (end is None):
            raise InvalidRoute(f"{owner}: give both start and end offsets, or neither")
        if start is not None and end is not None and start > end:
            raise InvalidRoute(f"{owner}: start {start} is after end {end}")

    @classmethod
    def from_document(cls, document: Document, start: int, end: int) -> Citation:
        """The citation of ``document.text[start:end]``, with the document's metadata."""
        if not 0 <= start <= end <= len(document.text):
            raise InvalidRoute(
                f"citation offsets {start}..{end} are outside document {document.id} "
                f"({len(document.text)} characters)"
            )
        return cls(
            document=document.id,
            title=document.title,
            date=document.date,
            source=document.source,
            sentence=document.text[start:end],
            start=start,
            end=end,
        )

    @property
    def key(self) -> tuple[str, int, int, str]:
        """What makes two citations the same evidence (document and offsets, or text)."""
        if self.start is not None and self.end is not None:
            return (self.document, self.start, self.end, "")
        return (self.document, -1, -1, self.sentence.strip())

    def to_dict(self) -> dict[str, Any]:
        """The citation as JSON-ready values."""
        return {
            "document": self.document,
            "title": self.title,
            "date": self.date,
            "source": self.source,
            "sentence": self.sentence,
            "start": self.start,
            "end": self.end,
        }


def _dedupe_citations(citations: Iterable[Citation]) -> tuple[Citation, ...]:
    seen: set[tuple[str, int, int, str]] = set()
    kept: list[Citation] = []
    for citation in citations:
        if citation.key not in seen:
            seen.add(citation.key)
            kept.append(citation)
    return tuple(kept)


# -- Quantity ----------------------------------------------------------------------------------

_NUMBER_WORDS = {
    "a": 1.0, "an": 1.0, "one": 1.0, "un": 1.0, "una": 1.0, "uno": 1.0,
    "two": 2.0, "dos": 2.0, "three": 3.0, "tres": 3.0, "four": 4.0, "cuatro": 4.0,
    "five": 5.0, "cinco": 5.0, "six": 6.0, "seis": 6.0, "seven": 7.0, "siete": 7.0,
    "eight": 8.0, "ocho": 8.0, "nine": 9.0, "nueve": 9.0, "ten": 10.0, "diez": 10.0,
    "half a": 0.5, "half a metric": 0.5, "media": 0.5, "medio": 0.5,
}  # fmt: skip
_MULTIPLIERS = {"mil": 1e3, "thousand": 1e3, "million": 1e6, "millones": 1e6, "millón": 1e6}
# Unit spellings → kilograms, longest first. "tons" are taken as metric tonnes, as drug
# reporting uses them; short tons are not distinguished.
_UNITS: tuple[tuple[str, float], ...] = (
    (r"metric\s+tonnes?|metric\s+tons?|toneladas?\s+m[eé]tricas?|tonnes?|tons?|toneladas?", 1e3),
    (r"kilogrammes?|kilograms?|kilogramos?|kilos?|kgs?\.?", 1.0),
    (r"grammes?|grams?|gramos?", 1e-3),
    (r"pounds?|libras?|lbs?\.?", 0.45359237),
    (r"tm|t", 1e3),  # written only after a figure: "4 t", "4t", "2 TM"
    (r"g|gr", 1e-3),
)
_UNIT_FACTORS = [(re.compile(rf"(?:{p})$", re.IGNORECASE), f) for p, f in _UNITS]
_LONG_UNITS = "|".join(p for p, _ in _UNITS[:4])
_ALL_UNITS = "|".join(p for p, _ in _UNITS)
_FIGURE = r"\d{1,3}(?:(?:[.,]|[ \u00a0\u202f](?=\d{3}\b))\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?"
_QUANTITY = re.compile(
    rf"(?<![\w.,])(?:(?P<figure>{_FIGURE})"
    rf"(?:\s+(?P<mult>{'|'.join(_MULTIPLIERS)}))?(?:\s+de)?\s*(?P<unit>{_ALL_UNITS})"
    rf"|(?P<word>{'|'.join(sorted(_NUMBER_WORDS, key=len, reverse=True))})"
    rf"(?:\s+(?P<wmult>{'|'.join(_MULTIPLIERS)}))?(?:\s+de)?\s+(?P<wunit>{_LONG_UNITS}))"
    r"(?!\w)",
    re.IGNORECASE,
)


def _figure_value(figure: str) -> float:
    """A written figure as a number: "1,5" and "1.5" are decimals, "1,091", "1.091" and
    "12 500" thousands, "1,091.5" and "1.091,5" both."""
    figure = re.sub(r"[ \u00a0\u202f]", "", figure)
    if "," in figure and "." in figure:
        decimal = "," if figure.rfind(",") > figure.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        return float(figure.replace(thousands, "").replace(decimal, "."))
    for separator in ",.":
        if separator in figure:
            parts = figure.split(separator)
            if len(parts) > 2 or len(parts[1]) == 3:
                return float("".join(parts))
            return float(figure.replace(separator, "."))
    return float(figure)


@dataclass(frozen=True, slots=True)
class Quantity:
    """An amount as written in the source, with its mass in kilograms when it has one.

    >>> Quantity("60 kilograms", 60)
    Quantity(text='60 kilograms', value_kg=60.0)
    >>> Quantity.coerce("a large shipment").value_kg is None
    True
    """

    text: str
    value_kg: float | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.text, str) or not self.text.strip():
            raise InvalidRoute(f"a quantity needs its text as written, got {self.text!r:.40}")
        object.__setattr__(self, "text", " ".join(self.text.split()))
        value = self.value_kg
        if value is not None:
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise InvalidRoute(f"quantity {self.text!r}: value_kg must be a number or None")
            if not math.isfinite(value) or value < 0:
                raise InvalidRoute(
                    f"quantity {self.text!r}: value_kg must be finite and not negative"
                )
            object.__setattr__(self, "value_kg", float(value))

    @classmethod
    def coerce(cls, value: Quantity | str | float) -> Quantity:
        """A Quantity from a Quantity, a text ("300 kilos") or a number of kilograms."""
        if isinstance(value, Quantity):
            return value
        if isinstance(value, str):
            return parse_quantity(value) or cls(value)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return cls(_format_kg(float(value)), float(value))
        raise InvalidRoute(f"a quantity must be a text or a number of kg, not {value!r:.40}")

    def __str__(self) -> str:
        return self.text


def _format_kg(kg: float) -> str:
    if kg == int(kg):
        return f"{int(kg):,} kg"
    return f"{kg:,.3f}".rstrip("0").rstrip(".") + " kg"


def parse_quantity(text: str) -> Quantity | None:
    """The first amount written in ``text``, or None when it holds none.

    English and Spanish units (kilos, kilogramos, kg, tons, toneladas, metric tons, t,
    grams, pounds) and figures ("1,5" and "1.5" are decimals; "1,091" and "12 500" are
    thousands). Tons are metric tonnes.

    >>> parse_quantity("seized 1,091 kilos of cocaine").value_kg
    1091.0
    >>> parse_quantity("1.5 tons").value_kg, parse_quantity("4t").value_kg
    (1500.0, 4000.0)
    >>> parse_quantity("media tonelada").value_kg, parse_quantity("2 mil kilos").value_kg
    (500.0, 2000.0)
    >>> parse_quantity("in 2014") is None
    True
    """
    if not isinstance(text, str):
        raise TypeError(f"quantity text must be a str, not {type(text).__name__}")
    match = _QUANTITY.search(text)
    if match is None:
        return None
    if match.group("figure"):
        value = _figure_value(match.group("figure"))
        multiplier, unit = match.group("mult"), match.group("unit")
    else:
        value = _NUMBER_WORDS[" ".join(match.group("word").lower().split())]
        multiplier, unit = match.group("wmult"), match.group("wunit")
    if multiplier:
        value *= _MULTIPLIERS[multiplier.lower()]
    factor = next(f for pattern, f in _UNIT_FACTORS if pattern.match(unit))
    kg = round(value * factor, 6)
    # A figure too large for a float is kept as written, without a mass (not a crash).
    return Quantity(match.group(0), kg if math.isfinite(kg) else None)


def _sum_quantities(quantities: Sequence[Quantity | None]) -> Quantity | None:
    known = [q.value_kg for q in quantities if q is not None and q.value_kg is not None]
    if known:
        total = round(sum(known), 6)
        return Quantity(_format_kg(total), total)
    return next((q for q in quantities if q is not None), None)


# -- Period ------------------------------------------------------------------------------------

_MONTHS = {
    "jan": 1, "january": 1, "ene": 1, "enero": 1,
    "feb": 2, "february": 2, "febrero": 2,
    "mar": 3, "march": 3, "marzo": 3,
    "apr": 4, "april": 4, "abr": 4, "abril": 4,
    "may": 5, "mayo": 5,
    "jun": 6, "june": 6, "junio": 6,
    "jul": 7, "july": 7, "julio": 7,
    "aug": 8, "august": 8, "ago": 8, "agosto": 8,
    "sep": 9, "sept": 9, "september": 9, "septiembre": 9, "setiembre": 9,
    "oct": 10, "october": 10, "octubre": 10,
    "nov": 11, "november": 11, "noviembre": 11,
    "dec": 12, "december": 12, "dic": 12, "diciembre": 12,
}  # fmt: skip
_DECADE_WORDS = {
    "sixties": 60, "seventies": 70, "eighties": 80, "nineties": 90,
    "sesenta": 60, "setenta": 70, "ochenta": 80, "noventa": 90,
}  # fmt: skip
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_YEAR = r"(?:19|20)\d{2}"
_ISO = rf"{_YEAR}(?:-\d{{2}}(?:-\d{{2}})?)?"
_PERIOD_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.IGNORECASE))
    for name, pattern in (
        ("interval", rf"(?<![\w/.,-])(?P<a>{_ISO})\s*/\s*(?P<b>{_ISO})(?![\w/-])"),
        (
            "range",
            rf"(?:between|from|entre|desde|de)\s+(?:(?:the\s+)?years?\s+|(?:los\s+)?años\s+)?"
            rf"(?P<a>{_YEAR})\s+(?:and|to|until|through|y|a|al|hasta)\s+(?P<b>{_YEAR})\b"
            rf"|(?<![\w.,-])(?P<c>{_YEAR})\s*[-–—]\s*(?P<d>{_YEAR})(?![\w-])",
        ),
        ("iso_day", rf"(?<![\w.,-])(?P<y>{_YEAR})-(?P<m>\d{{2}})-(?P<d>\d{{2}})(?![\w-])"),
        (
            "day",
            rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?:\s+de|\s+of)?[\s.-]+(?P<m>{_MONTH})\.?"
            rf"(?:\s+de(?:l)?|,)?[\s.-]+(?P<y>{_YEAR})\b"
            rf"|\b(?P<m2>{_MONTH})\.?\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y2>{_YEAR})\b",
        ),
        (
            "numeric_day",
            rf"(?<![\w/.])(?P<a>\d{{1,2}})[/.](?P<b>\d{{1,2}})[/.](?P<y>{_YEAR})(?![\w/])",
        ),
        ("iso_month", rf"(?<![\w.,-])(?P<y>{_YEAR})-(?P<m>\d{{2}})(?![\w-])"),
        ("month", rf"\b(?P<m>{_MONTH})\.?(?:\s+(?:de(?:l)?|of))?\s+(?P<y>{_YEAR})\b"),
        (
            "decade",
            rf"\b(?P<y>{_YEAR[:-5]}\d0)['’]?s\b"  # the 1990s
            rf"|(?:\bthe\s+|\blos\s+|^|\s)['’](?P<yy>\d0)['’]?s\b"  # the '90s
            rf"|\b(?:los\s+años|los|década\s+de(?:\s+los)?|década\s+del)\s+(?P<yy2>\d0)\b"
            rf"|\b(?:los\s+años|década\s+de(?:\s+los)?|década\s+del)\s+(?P<y2>{_YEAR[:-5]}\d0)\b"
            rf"|\b(?:the\s+|los\s+(?:años\s+)?)(?P<w>{'|'.join(_DECADE_WORDS)})\b",
        ),
        ("year", rf"(?<![\w.,/-])(?P<y>{_YEAR})(?![\w/]|[.,-]\d)"),
    )
)


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _bounds(iso: str) -> tuple[dt.date, dt.date]:
    """The first and last day an ISO year, year-month or date covers."""
    parts = [int(p) for p in iso.split("-")]
    if len(parts) == 1:
        return dt.date(parts[0], 1, 1), dt.date(parts[0], 12, 31)
    if len(parts) == 2:
        return dt.date(parts[0], parts[1], 1), _month_end(parts[0], parts[1])
    day = dt.date(parts[0], parts[1], parts[2])
    return day, day


def _two_digit_decade(yy: str) -> int:
    return (1900 if int(yy) >= 30 else 2000) + int(yy)


def _period_from_match(name: str, m: re.Match[str]) -> Period:
    g = m.groupdict()
    if name == "interval":
        return Period(_bounds(g["a"])[0], _bounds(g["b"])[1])
    if name == "range":
        first, last = (g["a"], g["b"]) if g["a"] else (g["c"], g["d"])
        return Period(int(first), int(last))
    if name in ("iso_day", "day"):
        month = int(g["m"]) if name == "iso_day" else _MONTHS[(g["m"] or g["m2"]).lower()]
        day = int(g["d"] or g.get("d2") or 0)
        year = int(g["y"] or g.get("y2") or 0)
        return Period(dt.date(year, month, day), dt.date(year, month, day))
    if name == "numeric_day":
        a, b, year = int(g["a"]), int(g["b"]), int(g["y"])
        day, month = (b, a) if b > 12 >= a else (a, b)  # day first, as Spanish and UK write
        return Period(dt.date(year, month, day), dt.date(year, month, day))
    if name in ("iso_month", "month"):
        year = int(g["y"])
        month = int(g["m"]) if name == "iso_month" else _MONTHS[g["m"].lower()]
        return Period(dt.date(year, month, 1), _month_end(year, month))
    if name == "decade":
        if g["y"] or g["y2"]:
            start = int(g["y"] or g["y2"])
        elif g["yy"] or g["yy2"]:
            start = _two_digit_decade(g["yy"] or g["yy2"])
        else:
            start = 1900 + _DECADE_WORDS[g["w"].lower()]
        return Period(start, start + 9)
    return Period(int(g["y"]), int(g["y"]))


def parse_period(text: str) -> Period | None:
    """The time span ``text`` names, in English or Spanish, or None when it names none.

    Ranges are preferred to decades, decades and dates to bare years; within a kind, the
    first one written wins.

    >>> str(parse_period("in the 1990s")), str(parse_period("en los años noventa"))
    ('1990/1999', '1990/1999')
    >>> str(parse_period("en 2019")), str(parse_period("19 JUL 2012"))
    ('2019', '2012-07-19')
    >>> parse_period("entre 2007 y 2010") == parse_period("between 2007 and 2010")
    True
    >>> parse_period("300 kilos") is None
    True
    """
    if not isinstance(text, str):
        raise TypeError(f"period text must be a str, not {type(text).__name__}")
    for name, pattern in _PERIOD_PATTERNS:
        for match in pattern.finditer(text):
            try:
                return _period_from_match(name, match)
            except (ValueError, InvalidRoute):  # 31 February, a range written backwards
                continue
    return None


def _to_date(owner: str, value: object, *, end: bool) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str) and re.fullmatch(r"\d{4}(?:-\d{2}(?:-\d{2})?)?", value.strip()):
        try:
            return _bounds(value.strip())[1 if end else 0]
        except ValueError as exc:
            raise InvalidRoute(f"{owner}: {value!r} is not a date: {exc}") from exc
    raise InvalidRoute(
        f"{owner} must be a date, a year or an ISO date string ('2012', '2012-07', "
        f"'2012-07-19'), not {value!r:.40}"
    )


PeriodBound = dt.date | int | str


@dataclass(frozen=True, slots=True, order=True, init=False)
class Period:
    """A span of days, both ends included. Years, ISO strings and dates are accepted:
    a year or month at ``start`` means its first day, at ``end`` its last.

    >>> Period(1990, 1999)
    Period(start=datetime.date(1990, 1, 1), end=datetime.date(1999, 12, 31))
    >>> str(Period("2012-07", "2012-07"))
    '2012-07'
    """

    start: dt.date
    end: dt.date

    def __init__(self, start: PeriodBound, end: PeriodBound) -> None:
        first = _to_date("period start", start, end=False)
        last = _to_date("period end", end, end=True)
        if first > last:
            raise InvalidRoute(f"period starts {first} after it ends {last}")
        object.__setattr__(self, "start", first)
        object.__setattr__(self, "end", last)

    @classmethod
    def coerce(cls, value: Period | str | int | dt.date) -> Period:
        """A Period from a Period, a year, a date, or text ``parse_period`` understands."""
        if isinstance(value, Period):
            return value
        if isinstance(value, (int, dt.date)) and not isinstance(value, bool):
            return cls(value, value)
        if isinstance(value, str):
            period = parse_period(value)
            if period is None:
                raise InvalidRoute(
                    f"no period in {value!r:.60}; write a year ('2014'), a range "
                    "('2007/2010', 'between 2007 and 2010'), a decade ('the 1990s') or a date"
                )
            return period
        raise InvalidRoute(f"a period must be a year, a date or a text, not {value!r:.40}")

    def overlaps(self, other: Period) -> bool:
        """True when the two spans share at least one day."""
        return self.start <= other.end and other.start <= self.end

    def span(self, other: Period) -> Period:
        """The smallest period covering both."""
        return Period(min(self.start, other.start), max(self.end, other.end))

    def __str__(self) -> str:
        """Compact ISO 8601: ``2014``, ``2007/2010``, ``2012-07``, ``2012-07-19``."""
        s, e = self.start, self.end
        if (s.month, s.day, e.month, e.day) == (1, 1, 12, 31):
            return str(s.year) if s.year == e.year else f"{s.year}/{e.year}"
        if s.day == 1 and e == _month_end(e.year, e.month):
            first, last = f"{s.year}-{s.month:02d}", f"{e.year}-{e.month:02d}"
            return first if first == last else f"{first}/{last}"
        return s.isoformat() if s == e else f"{s.isoformat()}/{e.isoformat()}"


# -- Leg ---------------------------------------------------------------------------------------


def _check_path(owner: str, path: object) -> tuple[LatLon, ...]:
    if isinstance(path, (str, bytes)) or not isinstance(path, Iterable):
        raise InvalidRoute(f"{owner}: path must be a sequence of (lat, lon) pairs")
    points: list[LatLon] = []
    for i, point in enumerate(path):
        try:
            lat, lon = point
            lat, lon = float(lat), float(lon)
        except (TypeError, ValueError) as exc:
            raise InvalidRoute(f"{owner}: path point {i} is not a (lat, lon) pair") from exc
        if not (math.isfinite(lat) and math.isfinite(lon)):
            raise InvalidRoute(f"{owner}: path point {i} is not finite")
        if not -90 <= lat <= 90:
            raise InvalidRoute(
                f"{owner}: path point {i} has lat {lat} outside ±90 "
                "(paths are (lat, lon): are they swapped?)"
            )
        if not -180 <= lon <= 180:
            raise InvalidRoute(
                f"{owner}: path point {i} has lon {lon} outside ±180 "
                "(store wrapped longitudes; unwrap only for display)"
            )
        points.append((lat, lon))
    return tuple(points)


@dataclass(frozen=True, slots=True)
class Leg:
    """One hop of a route, from a place to the next, with the path drawn for it.

    ``path`` is a tuple of ``(lat, lon)`` with longitudes in [-180, 180] (use
    :func:`routemap.geometry.unwrap` for Leaflet); it defaults to the straight pair of the
    two places. ``approximate`` says the path is not where the goods went (a schematic
    line, a country's representative point, a guessed port) and ``note`` says why.
    Build legs with :func:`routemap.geometry.make_leg` to get a drawn path.
    """

    from_place: Place
    to_place: Place
    mode: Mode = Mode.UNKNOWN
    geometry_kind: GeometryKind = GeometryKind.SCHEMATIC
    path: tuple[LatLon, ...] = field(default=(), repr=False)
    approximate: bool = False
    note: str = ""

    def __post_init__(self) -> None:
        for name in ("from_place", "to_place"):
            value = getattr(self, name)
            if not isinstance(value, Place):
                raise InvalidRoute(f"a leg's {name} must be a Place, not {value!r:.60}")
        owner = f"leg {self.from_place.name} → {self.to_place.name}"
        if self.from_place == self.to_place:
            raise InvalidRoute(f"{owner}: a leg needs two different places")
        try:
            object.__setattr__(self, "mode", Mode.coerce(self.mode))
            object.__setattr__(self, "geometry_kind", GeometryKind.coerce(self.geometry_kind))
        except (TypeError, ValueError) as exc:
            raise InvalidRoute(f"{owner}: {exc}") from exc
        path = _check_path(owner, self.path)
        if not path:
            path = (self.from_place.latlon, self.to_place.latlon)
        if len(path) < 2:
            raise InvalidRoute(f"{owner}: a path needs at least two points, got {len(path)}")
        object.__setattr__(self, "path", path)
        if not isinstance(self.approximate, bool):
            raise InvalidRoute(f"{owner}: approximate must be True or False")
        if not isinstance(self.note, str):
            raise InvalidRoute(f"{owner}: note must be a str")

    @property
    def length_km(self) -> float:
        """The geodesic length of the drawn path, in kilometres."""
        from routemap.geometry import path_length_km

        return path_length_km(self.path)


# -- Route -------------------------------------------------------------------------------------


def _route_id(stops: Sequence[Place], modes: Sequence[Mode]) -> str:
    key = "|".join(p.id for p in stops) + "#" + ",".join(m.value for m in modes)
    return "route:" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def _describe(value: object) -> str:
    return f"{type(value).__name__} {value!r:.60}"


@dataclass(frozen=True, slots=True, repr=False)
class Route:
    """A route through ``stops`` (origin → transits → destination), one leg per hop.

    Construct with :meth:`build` to have the legs drawn; the constructor checks that the
    legs join the stops in order. ``id`` is derived from the stops' ids and the legs'
    modes, so the same route found in two documents gets the same id.

    >>> gaz = __import__("routemap").Gazetteer.default()
    >>> route = Route.build(["VRAEM", "Bolivia", "Brazil"], "air", commodity="cocaine",
    ...                     quantity="300 kilos", period=2014, confidence=0.8)
    >>> route.origin.id, [p.name for p in route.transits], route.destination.id, route.mode
    ('routemap:vraem', ['Bolivia'], 'iso3166:BR', <Mode.AIR: 'air'>)
    >>> route.quantity.value_kg, str(route.period), route.id == Route.build(
    ...     [gaz.get("routemap:vraem"), gaz.get("iso3166:BO"), gaz.get("iso3166:BR")], "AIR").id
    (300.0, '2014', True)
    >>> Route((gaz.get("iso3166:PE"),), ())
    Traceback (most recent call last):
    ...
    routemap.errors.InvalidRoute: a route needs at least two stops (origin and ...), got 1: Peru
    """

    stops: tuple[Place, ...]
    legs: tuple[Leg, ...]
    commodity: str | None = None
    quantity: Quantity | None = None
    period: Period | None = None
    confidence: float = 1.0
    citations: tuple[Citation, ...] = ()
    id: str = field(init=False)

    def __post_init__(self) -> None:
        stops = self._check_stops(self.stops)
        object.__setattr__(self, "stops", stops)
        object.__setattr__(self, "legs", self._check_legs(stops, self.legs))
        if self.commodity is not None:
            if not isinstance(self.commodity, str):
                raise InvalidRoute(
                    f"commodity must be a str or None, not {_describe(self.commodity)}"
                )
            object.__setattr__(self, "commodity", " ".join(self.commodity.split()) or None)
        if self.quantity is not None:
            object.__setattr__(self, "quantity", Quantity.coerce(self.quantity))
        if self.period is not None:
            object.__setattr__(self, "period", Period.coerce(self.period))
        confidence = self.confidence
        if (
            isinstance(confidence, bool)
            or not isinstance(confidence, (int, float))
            or not math.isfinite(confidence)
            or not 0.0 <= confidence <= 1.0
        ):
            raise InvalidRoute(f"confidence must be a number in [0, 1], got {confidence!r:.30}")
        object.__setattr__(self, "confidence", float(confidence))
        citations = self.citations
        if isinstance(citations, Citation) or not isinstance(citations, Iterable):
            raise InvalidRoute("citations must be a sequence of Citation")
        citations = tuple(citations)
        for i, citation in enumerate(citations, 1):
            if not isinstance(citation, Citation):
                raise InvalidRoute(f"citation {i} is not a Citation but {_describe(citation)}")
        object.__setattr__(self, "citations", citations)
        object.__setattr__(self, "id", _route_id(stops, [leg.mode for leg in self.legs]))

    @staticmethod
    def _check_stops(stops: object) -> tuple[Place, ...]:
        if isinstance(stops, (str, Place)) or not isinstance(stops, Iterable):
            raise InvalidRoute("stops must be a sequence of Place (origin, transits, destination)")
        checked = tuple(stops)
        for i, stop in enumerate(checked, 1):
            if not isinstance(stop, Place):
                raise InvalidRoute(
                    f"stop {i} is not a Place but {_describe(stop)}; resolve names with "
                    "Gazetteer.default().resolve(...) or use Route.build([...])"
                )
        if len(checked) < 2:
            got = ", ".join(p.name for p in checked) or "none"
            raise InvalidRoute(
                f"a route needs at least two stops (origin and destination), got {len(checked)}: "
                f"{got}"
            )
        for i in range(1, len(checked)):
            if checked[i] == checked[i - 1]:
                raise InvalidRoute(f"stop {i + 1} repeats stop {i} ({checked[i].name})")
        return checked

    @staticmethod
    def _check_legs(stops: tuple[Place, ...], legs: object) -> tuple[Leg, ...]:
        if isinstance(legs, Leg) or not isinstance(legs, Iterable):
            raise InvalidRoute("legs must be a sequence of Leg")
        checked = tuple(legs)
        if len(checked) != len(stops) - 1:
            raise InvalidRoute(
                f"a route with {len(stops)} stops needs {len(stops) - 1} legs, got "
                f"{len(checked)}; Route.build(...) draws them"
            )
        for i, leg in enumerate(checked):
            if not isinstance(leg, Leg):
                raise InvalidRoute(f"leg {i + 1} is not a Leg but {_describe(leg)}")
            if leg.from_place != stops[i] or leg.to_place != stops[i + 1]:
                raise InvalidRoute(
                    f"leg {i + 1} runs {leg.from_place.name} → {leg.to_place.name} but stops "
                    f"{i + 1} → {i + 2} are {stops[i].name} → {stops[i + 1].name}"
                )
        return checked

    @classmethod
    def build(
        cls,
        stops: Sequence[Place | str],
        mode: Mode | str | Sequence[Mode | str] = Mode.UNKNOWN,
        *,
        commodity: str | None = None,
        quantity: Quantity | str | float | None = None,
        period: Period | str | int | dt.date | None = None,
        confidence: float = 1.0,
        citations: Iterable[Citation] = (),
        geometry: GeometryKind | str | Sequence[GeometryKind | str | None] | None = None,
        gazetteer: Gazetteer | None = None,
    ) -> Route:
        """A route with its legs drawn (:func:`routemap.geometry.make_leg`).

        ``stops`` may be Places or names (resolved with ``gazetteer``, by default
        :meth:`Gazetteer.default`); ``mode`` one mode for every leg or one per leg;
        ``geometry`` overrides how legs are drawn (one kind, or one per leg, None for the
        mode's default).
        """
        from routemap.geometry import make_leg

        if isinstance(stops, (str, Place)) or not isinstance(stops, Iterable):
            raise InvalidRoute("stops must be a sequence of Places or names")
        places = [_resolve_stop(stop, gazetteer) for stop in stops]
        places = list(cls._check_stops(places))
        modes = _per_leg(mode, len(places) - 1, "mode", Mode.coerce)
        kinds = _per_leg(geometry, len(places) - 1, "geometry", GeometryKind.coerce)
        legs = tuple(
            make_leg(a, b, m, kind=k)
            for a, b, m, k in zip(places, places[1:], modes, kinds, strict=False)
        )
        return cls(
            tuple(places),
            legs,
            commodity=commodity,
            quantity=None if quantity is None else Quantity.coerce(quantity),
            period=None if period is None else Period.coerce(period),
            confidence=confidence,
            citations=tuple(citations),
        )

    # -- views ---------------------------------------------------------------------------------

    @property
    def origin(self) -> Place:
        return self.stops[0]

    @property
    def destination(self) -> Place:
        return self.stops[-1]

    @property
    def transits(self) -> tuple[Place, ...]:
        return self.stops[1:-1]

    @property
    def modes(self) -> tuple[Mode, ...]:
        """The mode of each leg."""
        return tuple(leg.mode for leg in self.legs)

    @property
    def mode(self) -> Mode | None:
        """The legs' mode when they share one, else None (a multimodal route)."""
        modes = set(self.modes)
        return modes.pop() if len(modes) == 1 else None

    def replace(self, **changes: Any) -> Route:
        """A copy with some fields changed (and checked again)."""
        return dataclasses.replace(self, **changes)

    def __repr__(self) -> str:
        try:
            via = " → ".join(p.name for p in self.stops)
            mode = self.mode.value if self.mode else "/".join(m.value for m in self.modes)
            extras = [x for x in (self.commodity, self.quantity, self.period) if x is not None]
            extra = "".join(f", {x}" for x in extras)
            return (
                f"<Route {self.id} {via} ({mode}){extra}, confidence {self.confidence:g}, "
                f"{len(self.citations)} citation{'s' if len(self.citations) != 1 else ''}>"
            )
        except Exception:  # a repr never fails
            return f"<Route at {id(self):#x}>"

    # -- exports (the same as RouteSet's) -------------------------------------------------------

    def to_geojson(self) -> dict[str, Any]:
        """This route as an RFC 7946 GeoJSON Feature (see :mod:`routemap.io`)."""
        from routemap.io import route_to_feature

        return route_to_feature(self)

    @property
    def __geo_interface__(self) -> dict[str, Any]:
        return self.to_geojson()

    def to_geodataframe(self, level: Literal["legs", "routes"] = "legs") -> geopandas.GeoDataFrame:
        """This route as a GeoDataFrame, one row per leg or one for the route."""
        return RouteSet([self]).to_geodataframe(level)

    def write(self, path: str | Path) -> Path:
        """Write this route to ``path`` (.geojson, .gpkg, .parquet or .yaml), atomically."""
        return RouteSet([self]).write(path)

    # -- maps ----------------------------------------------------------------------------------

    def explore(self, **kwargs: Any) -> Any:
        """This route on a folium map: :func:`routemap.render.render` with ``kwargs``."""
        from routemap.render import render

        return render(self, **kwargs)

    def _repr_html_(self) -> str:
        return _map_html(self)


def _resolve_stop(stop: Place | str, gazetteer: Gazetteer | None) -> Place:
    if isinstance(stop, Place):
        return stop
    if isinstance(stop, str):
        if gazetteer is None:
            from routemap.gazetteer import Gazetteer

            gazetteer = Gazetteer.default()
        return gazetteer.resolve(stop)
    raise InvalidRoute(f"a stop must be a Place or a name, not {_describe(stop)}")


def _per_leg(value: Any, n: int, what: str, coerce: Any) -> list[Any]:
    """``value`` for each of ``n`` legs: one value for all, or a sequence of ``n``."""
    try:
        if value is None or isinstance(value, str):
            return [None if value is None else coerce(value)] * n
        values = list(value)
        if len(values) != n:
            raise InvalidRoute(f"{n} legs need {n} values of {what}, got {len(values)}")
        return [None if v is None else coerce(v) for v in values]
    except (TypeError, ValueError) as exc:
        if isinstance(exc, InvalidRoute):
            raise
        raise InvalidRoute(f"{what}: {exc}") from exc


# -- RouteSet ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NetworkLeg:
    """A hop several routes share: ``count`` routes use it, carrying ``total_kg`` (the sum
    of their known quantities, None when none is known), on this evidence."""

    from_place: Place
    to_place: Place
    mode: Mode
    geometry_kind: GeometryKind
    path: tuple[LatLon, ...] = field(repr=False)
    approximate: bool
    count: int
    total_kg: float | None
    confidence: float
    route_ids: tuple[str, ...]
    citations: tuple[Citation, ...] = field(repr=False)


def _country_code(value: str | Place) -> str:
    if isinstance(value, Place):
        if value.country is None:
            raise InvalidRoute(f"{value.name} is not in a country; filter by a country code")
        return value.country
    if isinstance(value, str) and re.fullmatch(r"[A-Za-z]{2}", value.strip()):
        return value.strip().upper()
    raise InvalidRoute(f"country must be an ISO alpha-2 code like 'PE' or a Place, not {value!r}")


@dataclass(frozen=True, slots=True, init=False, repr=False)
class RouteSet:
    """An immutable, ordered collection of routes with the same exports as a Route.

    >>> gaz = __import__("routemap").Gazetteer.default()
    >>> a = Route.build(["VRAEM", "Bolivia"], "air", quantity="300 kilos",
    ...                 citations=[Citation("doc1", start=0, end=10)])
    >>> b = Route.build(["VRAEM", "Bolivia"], "air", quantity="1.5 tons",
    ...                 citations=[Citation("doc2", start=5, end=20)])
    >>> routes = RouteSet([a, b])
    >>> len(routes), len(routes.merge()), routes.merge()[0].quantity
    (2, 1, Quantity(text='1,800 kg', value_kg=1800.0))
    >>> [(n.from_place.name, n.count, n.total_kg) for n in routes.network()]
    [('VRAEM (Apurímac, Ene and Mantaro River Valley)', 2, 1800.0)]
    """

    routes: tuple[Route, ...]

    def __init__(self, routes: Iterable[Route] = ()) -> None:
        if isinstance(routes, Route) or not isinstance(routes, Iterable):
            raise InvalidRoute("a RouteSet is made from a sequence of Route")
        checked = tuple(routes)
        for i, route in enumerate(checked, 1):
            if not isinstance(route, Route):
                raise InvalidRoute(f"item {i} of a RouteSet is not a Route but {_describe(route)}")
        object.__setattr__(self, "routes", checked)

    def __len__(self) -> int:
        return len(self.routes)

    def __iter__(self) -> Iterator[Route]:
        return iter(self.routes)

    @overload
    def __getitem__(self, index: int) -> Route: ...

    @overload
    def __getitem__(self, index: slice) -> RouteSet: ...

    def __getitem__(self, index: int | slice) -> Route | RouteSet:
        if isinstance(index, slice):
            return RouteSet(self.routes[index])
        return self.routes[index]

    def __add__(self, other: object) -> RouteSet:
        if not isinstance(other, RouteSet):
            return NotImplemented
        return RouteSet(self.routes + other.routes)

    def __repr__(self) -> str:
        try:
            counts: dict[str, int] = {}
            for route in self.routes:
                key = route.mode.value if route.mode else "multimodal"
                counts[key] = counts.get(key, 0) + 1
            detail = ", ".join(f"{n} {m}" for m, n in counts.items())
            return f"<RouteSet {len(self.routes)} routes{': ' + detail if detail else ''}>"
        except Exception:  # a repr never fails
            return f"<RouteSet at {id(self):#x}>"

    def filter(
        self,
        mode: Mode | str | None = None,
        country: str | Place | None = None,
        period: Period | str | int | dt.date | None = None,
    ) -> RouteSet:
        """The routes with a leg of ``mode``, a stop in ``country`` (ISO alpha-2 code, or a
        Place's country) and a period overlapping ``period``; None leaves a test out.
        Routes without a period are left out when a period is asked for."""
        wanted_mode = Mode.coerce(mode) if mode is not None else None
        code = _country_code(country) if country is not None else None
        span = Period.coerce(period) if period is not None else None
        kept = [
            r
            for r in self.routes
            if (wanted_mode is None or wanted_mode in r.modes)
            and (code is None or any(p.country == code for p in r.stops))
            and (span is None or (r.period is not None and r.period.overlaps(span)))
        ]
        return RouteSet(kept)

    def merge(self) -> RouteSet:
        """One route per distinct stops and modes, in order of first appearance.

        Citations are combined without repeats, the highest confidence is kept, quantities
        are summed where they are known in kilograms, periods are spanned, and commodities
        listed. Exact duplicates are counted once, so merging twice changes nothing.
        """
        groups: dict[str, dict[Route, None]] = {}  # a dict: duplicates found by hash, not a scan
        for route in self.routes:
            groups.setdefault(route.id, {}).setdefault(route, None)
        return RouteSet(_merge_group(list(group)) for group in groups.values())

    def network(self) -> list[NetworkLeg]:
        """The legs of all routes aggregated by (from id, to id, mode), in order of first
        appearance: how many routes use each, their known kilograms, their evidence."""
        groups: dict[tuple[str, str, Mode], list[tuple[Leg, Route]]] = {}
        for route in self.routes:
            for leg in route.legs:
                key = (leg.from_place.id, leg.to_place.id, leg.mode)
                groups.setdefault(key, []).append((leg, route))
        network = []
        for items in groups.values():
            first = items[0][0]
            kgs = [
                r.quantity.value_kg
                for _, r in items
                if r.quantity is not None and r.quantity.value_kg is not None
            ]
            network.append(
                NetworkLeg(
                    from_place=first.from_place,
                    to_place=first.to_place,
                    mode=first.mode,
                    geometry_kind=first.geometry_kind,
                    path=first.path,
                    approximate=any(leg.approximate for leg, _ in items),
                    count=len(items),
                    total_kg=round(sum(kgs), 6) if kgs else None,
                    confidence=max(r.confidence for _, r in items),
                    route_ids=tuple(dict.fromkeys(r.id for _, r in items)),
                    citations=_dedupe_citations(c for _, r in items for c in r.citations),
                )
            )
        return network

    # -- exports -------------------------------------------------------------------------------

    def to_geojson(self) -> dict[str, Any]:
        """An RFC 7946 FeatureCollection, one Feature per route (see :mod:`routemap.io`)."""
        from routemap.io import routes_to_geojson

        return routes_to_geojson(self)

    @property
    def __geo_interface__(self) -> dict[str, Any]:
        return self.to_geojson()

    def to_geodataframe(self, level: Literal["legs", "routes"] = "legs") -> geopandas.GeoDataFrame:
        """A GeoDataFrame (EPSG:4326) with one row per leg or per route."""
        from routemap.io import routes_to_geodataframe

        return routes_to_geodataframe(self, level)

    def write(self, path: str | Path) -> Path:
        """Write the routes to ``path`` (.geojson, .gpkg, .parquet or .yaml), atomically."""
        from routemap.io import write_routes

        return write_routes(self, path)

    # -- maps ----------------------------------------------------------------------------------

    def explore(self, **kwargs: Any) -> Any:
        """These routes on a folium map: :func:`routemap.render.render` with ``kwargs``."""
        from routemap.render import render

        return render(self, **kwargs)

    def _repr_html_(self) -> str:
        return _map_html(self)


def _map_html(routes: Route | RouteSet) -> str:
    """The notebook view: the map, or an escaped text summary when it cannot be drawn."""
    import html

    try:
        from routemap.render import core

        return str(core.render(routes)._repr_html_())
    except Exception as exc:  # a notebook repr never fails
        summary = html.escape(f"{routes!r} (no map: {type(exc).__name__}: {exc})")
        return f"<pre>{summary}</pre>"


def _merge_commodities(values: Iterable[str | None]) -> str | None:
    seen: dict[str, str] = {}
    for value in values:
        for part in (value or "").split(","):
            part = part.strip()
            if part and part.lower() not in seen:
                seen[part.lower()] = part
    return ", ".join(seen.values()) or None


def _merge_group(group: list[Route]) -> Route:
    if len(group) == 1:
        return group[0]
    periods = [r.period for r in group if r.period is not None]
    period = periods[0] if periods else None
    for other in periods[1:]:
        period = other.span(period) if period else other
    return Route(
        group[0].stops,
        group[0].legs,
        commodity=_merge_commodities(r.commodity for r in group),
        quantity=_sum_quantities([r.quantity for r in group]),
        period=period,
        confidence=max(r.confidence for r in group),
        citations=_dedupe_citations(c for r in group for c in r.citations),
    )

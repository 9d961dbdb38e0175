"""routemap: maps of drug-trafficking routes people can defend.

Place names in English and Spanish reporting are resolved offline against a world
gazetteer built from registry data (GeoNames, Natural Earth, ISO 3166, airportsdata,
UN/LOCODE ports via searoute).

>>> import routemap
>>> routemap.Gazetteer.default().resolve("VRAEM").id
'routemap:vraem'
"""

from typing import TYPE_CHECKING, Any

from routemap.errors import (
    GazetteerBuildError,
    InvalidPlace,
    InvalidQuery,
    InvalidRoute,
    MissingDependency,
    OnlineGeocodingError,
    PlaceNotFound,
    RouteFileError,
    RoutemapError,
)
from routemap.gazetteer import Candidate, Gazetteer

# Imported eagerly: the function shares its name with its module, and a lazy import would
# leave `routemap.geoparse` bound to the module once anything imported it.
from routemap.geoparse import Mention, geoparse
from routemap.places import Place, PlaceKind

if TYPE_CHECKING:
    from routemap.extract import extract_routes
    from routemap.io import read_routes, write_routes
    from routemap.routes import (
        Citation,
        GeometryKind,
        Leg,
        Mode,
        NetworkLeg,
        Period,
        Quantity,
        Route,
        RouteSet,
        parse_period,
        parse_quantity,
    )
    from routemap.text import Document, DocumentError, read_document

# Geoparsing, routes and I/O load on first use, so that `import routemap` and a first
# gazetteer lookup stay fast (see benchmarks/gazetteer_speed.py).
_LAZY = {
    "extract_routes": "routemap.extract",
    "read_routes": "routemap.io",
    "write_routes": "routemap.io",
    **dict.fromkeys(
        [
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
        ],
        "routemap.routes",
    ),
    "Document": "routemap.text",
    "DocumentError": "routemap.text",
    "read_document": "routemap.text",
    "save_png": "routemap.render.png",
}


def __getattr__(name: str) -> Any:
    import importlib

    if name == "render":  # the package, which is callable: routemap.render(routes)
        return importlib.import_module("routemap.render")
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'routemap' has no attribute {name!r}")

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__version__ = "0.1.0"

__all__ = [
    "Candidate",
    "Citation",
    "Document",
    "DocumentError",
    "Gazetteer",
    "GazetteerBuildError",
    "GeometryKind",
    "InvalidPlace",
    "InvalidQuery",
    "InvalidRoute",
    "Leg",
    "Mention",
    "MissingDependency",
    "Mode",
    "NetworkLeg",
    "OnlineGeocodingError",
    "Period",
    "Place",
    "PlaceKind",
    "PlaceNotFound",
    "Quantity",
    "Route",
    "RouteFileError",
    "RouteSet",
    "RoutemapError",
    "__version__",
    "extract_routes",
    "geoparse",
    "parse_period",
    "parse_quantity",
    "read_document",
    "read_routes",
    "render",
    "save_png",
    "write_routes",
]

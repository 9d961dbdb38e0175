"""Airports, airfields and airstrips worldwide, from the airportsdata package (MIT)."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator

from routemap.gazetteer.sources.base import (
    NameType,
    PlaceRecord,
    Source,
    importance,
    package_file,
    package_version,
)
from routemap.places import PlaceKind

__all__ = ["Airports", "airport_base_name", "airport_name_variants"]

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


def airport_name_variants(name: str) -> list[str]:
    """Shorter names people use for an airport.

    >>> airport_name_variants("Jorge Chavez International Airport")[-2:]
    ['Aeropuerto Internacional Jorge Chavez', 'Aeropuerto Internacional de Jorge Chavez']
    >>> airport_name_variants("Amsterdam Airport Schiphol")[:3]
    ['Schiphol', 'Schiphol Airport', 'Aeropuerto Schiphol']
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
    if base:
        # The forms prose uses: "X airport", "aeropuerto (internacional) (de) X".
        variants += [base + " Airport", "Aeropuerto " + base, "Aeropuerto de " + base]
        if "international" in name.lower():
            variants += [
                base + " International Airport",
                "Aeropuerto Internacional " + base,
                "Aeropuerto Internacional de " + base,
            ]
    return [v for v in dict.fromkeys(variants) if len(v) >= 3 and v != name]


class Airports(Source):
    """Every airport and landing strip in airportsdata, keyed by ICAO (or local) code."""

    label = "airportsdata"

    def fingerprint(self) -> str:
        return f"airportsdata {package_version('airportsdata')}"

    def records(self) -> Iterator[PlaceRecord]:
        path = package_file("airportsdata", "airports.csv")
        with path.open("r", encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                name = row["name"].strip()
                if not name:
                    continue
                names: list[tuple[str, NameType]] = [(name, NameType.PRIMARY)]
                for variant in airport_name_variants(name):
                    # "Aeropuerto X", "X Airport": the name itself in the forms prose uses
                    kind = NameType.LOCALIZED if " " in variant else NameType.ALTERNATE
                    names.append((variant, kind))
                if row["city"].strip():
                    names.append((row["city"].strip(), NameType.SERVED))
                names.append((row["icao"], NameType.CODE))
                if row["iata"].strip():
                    names.append((row["iata"].strip(), NameType.CODE))
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
                    + (0.05 if row["iata"].strip() else 0.0),
                )

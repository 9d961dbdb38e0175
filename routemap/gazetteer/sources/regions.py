"""First-level administrative regions worldwide (Natural Earth admin-1, with Spanish
names), from routemap/data/admin1.geojson derived by gazetteer/build_natural_earth.py.

A region's point is the centre of its polygon (:func:`representative_point`, as for a
country), where encyclopaedias put a region (Queensland near 23° S 143° E), not Natural
Earth's label point, which its cartographers place for a label to fit."""

from __future__ import annotations

import re
from collections.abc import Iterator

from routemap.gazetteer.sources.base import (
    NameType,
    PlaceRecord,
    Source,
    clean_alternates,
    data_digest,
    importance,
    read_data_geojson,
    representative_point,
)
from routemap.places import PlaceKind

__all__ = ["Admin1Regions", "abbreviation_names"]

_DOTTED_INITIALS = re.compile(r"(?:[A-Z]\.){3,}")


def abbreviation_names(abbrev: str | None) -> list[tuple[str, NameType]]:
    """Natural Earth's abbreviation of a region where press style writes it so: a clipped
    word of four letters or more ("Calif.", "Tenn."), or three initials or more, with and
    without their dots ("N.S.W.", "NSW"). Shorter ones ("Pa.", "S.A.", "U.N.") read as
    other words once dots are folded away, so they are left out.

    >>> abbreviation_names("N.S.W.")
    [('N.S.W.', <NameType.ALTERNATE: 3>), ('NSW', <NameType.ALTERNATE: 3>)]
    >>> abbreviation_names("Calif.")
    [('Calif.', <NameType.ALTERNATE: 3>)]
    >>> abbreviation_names("S.A.") + abbreviation_names("Pa.") + abbreviation_names("W Mid")
    []
    """
    if not abbrev:
        return []
    if _DOTTED_INITIALS.fullmatch(abbrev):
        return [(abbrev, NameType.ALTERNATE), (abbrev.replace(".", ""), NameType.ALTERNATE)]
    if re.fullmatch(r"[A-Z][a-z]{3,6}\.", abbrev):
        return [(abbrev, NameType.ALTERNATE)]
    return []


class Admin1Regions(Source):
    """Departments, states and provinces. Their population is filled in by the index
    builder from the GeoNames towns inside each polygon (Natural Earth has none)."""

    label = "Natural Earth admin-1"
    filename = "admin1.geojson"

    def fingerprint(self) -> str:
        return f"{self.filename} {data_digest(self.filename)}"

    def records(self) -> Iterator[PlaceRecord]:
        for feature in read_data_geojson(self.filename):
            props = feature["properties"]
            names: list[tuple[str, NameType]] = [(props["name"], NameType.PRIMARY)]
            if props.get("name_es"):
                names.append((props["name_es"], NameType.LOCALIZED))
            for alt in clean_alternates(props.get("name_alt") or ()):
                names.append((alt, NameType.ALTERNATE))
            names += abbreviation_names(props.get("abbrev"))
            lat, lon = representative_point(feature["geometry"])
            yield PlaceRecord(
                id=props["id"],
                name=props["name"],
                kind=PlaceKind.REGION,
                lat=lat,
                lon=lon,
                country=props.get("country") or None,
                population=None,
                source=self.label,
                names=tuple(names),
                geometry=feature["geometry"],
                importance=importance(PlaceKind.REGION, None),
            )

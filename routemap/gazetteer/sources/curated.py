"""routemap's own curated layer: domain areas (the VRAEM, Alto Huallaga …) and
macro-regions derived by gazetteer/build_areas.py, Natural Earth rivers where derived,
and aliases that point registry ids at names no registry carries (EE.UU., VRAE …)."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from routemap.errors import GazetteerBuildError
from routemap.gazetteer.sources.base import (
    NameType,
    PlaceRecord,
    Source,
    data_digest,
    data_path,
    importance,
    read_data_geojson,
)
from routemap.places import PlaceKind

__all__ = ["Admin1Groups", "Alias", "CuratedAreas", "Rivers", "read_aliases"]


class _DerivedGeoJSON(Source):
    filename = ""
    kind = PlaceKind.AREA

    def fingerprint(self) -> str:
        return f"{self.filename} {data_digest(self.filename)}"

    def records(self) -> Iterator[PlaceRecord]:
        for feature in read_data_geojson(self.filename):
            props = feature["properties"]
            names: list[tuple[str, NameType]] = [(props["name"], NameType.PRIMARY)]
            if props.get("name_es"):
                names.append((props["name_es"], NameType.LOCALIZED))
            names += [(n, NameType.ALIAS) for n in props.get("names") or ()]
            kind = PlaceKind.coerce(props.get("kind") or self.kind)
            yield PlaceRecord(
                id=props["id"],
                name=props["name"],
                kind=kind,
                lat=float(props["rep_lat"]),
                lon=float(props["rep_lon"]),
                country=props.get("country") or None,
                population=None,
                source=props.get("source") or self.label,
                names=tuple(names),
                geometry=feature["geometry"],
                importance=importance(kind, None),
            )


class CuratedAreas(_DerivedGeoJSON):
    """Areas defined by their member registry ids (gazetteer/areas.yaml) and macro-regions
    defined by their member countries (gazetteer/macro_regions.yaml)."""

    label = "routemap curated"
    filename = "areas.geojson"
    kind = PlaceKind.AREA


class Admin1Groups(_DerivedGeoJSON):
    """Regions one level above Natural Earth's admin-1 where reporting names that level
    (Spain's autonomous communities, Italy's regions, the UK's nations …): admin-1
    polygons dissolved by their ISO 3166-2 parent, by gazetteer/build_admin1_groups.py."""

    label = "Natural Earth admin-1 grouped by ISO 3166-2 parent"
    filename = "admin1_groups.geojson"
    kind = PlaceKind.REGION


class Rivers(_DerivedGeoJSON):
    """Major rivers from Natural Earth's river centre-lines, where derived."""

    label = "Natural Earth rivers"
    filename = "rivers.geojson"
    kind = PlaceKind.RIVER


@dataclass(frozen=True, slots=True)
class Alias:
    """A curated name for a registry id, with where it was written."""

    name: str
    target: str
    lang: str
    file: str
    line: int


ALIASES_FILE = "aliases.csv"


def read_aliases(path: str | os.PathLike[str] | None = None) -> list[Alias]:
    """Read curated aliases (default routemap/data/aliases.csv; columns name, target,
    lang, note). A malformed row raises :class:`GazetteerBuildError` naming file and line.
    """
    source = Path(path) if path is not None else data_path(ALIASES_FILE)
    try:
        text = source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise GazetteerBuildError(f"{source}: cannot read the aliases file: {exc}") from exc
    rows = csv.DictReader(io.StringIO(text))
    aliases = []
    for row in rows:
        line = rows.line_num
        name, target = (row.get("name") or "").strip(), (row.get("target") or "").strip()
        if not name or ":" not in target:
            raise GazetteerBuildError(
                f"{source}:{line}: each alias needs a name and a registry id such as "
                f"'iso3166:US', got name={name!r} target={target!r}"
            )
        aliases.append(Alias(name, target, (row.get("lang") or "").strip(), str(source), line))
    return aliases

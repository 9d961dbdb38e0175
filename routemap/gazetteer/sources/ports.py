"""Sea and river ports with UN/LOCODE codes, from the searoute package's port list
(Eurostat SeaRoute)."""

from __future__ import annotations

import json
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

__all__ = ["SeaPorts"]


class SeaPorts(Source):
    """The ports searoute can route between (``locode:PECLL`` …)."""

    label = "searoute (UN/LOCODE)"

    def fingerprint(self) -> str:
        return f"searoute {package_version('searoute')}"

    def records(self) -> Iterator[PlaceRecord]:
        # Read the data file directly: importing searoute itself loads its whole graph.
        spec = package_file("searoute", "data", "ports.geojson")
        with spec.open("r", encoding="utf-8") as handle:
            features = json.load(handle)["features"]
        seen: set[str] = set()
        for feature in features:
            props = feature["properties"]
            code = (props.get("port") or "").strip().upper()
            name = (props.get("name") or "").strip()
            if len(code) != 5 or not name or code in seen:
                continue
            seen.add(code)
            lon, lat = feature["geometry"]["coordinates"][:2]
            yield PlaceRecord(
                id=f"locode:{code}",
                name=name,
                kind=PlaceKind.PORT,
                lat=float(lat),
                lon=float(lon),
                country=code[:2],
                population=None,
                source=self.label,
                names=((name, NameType.PRIMARY), (code, NameType.CODE)),
                importance=importance(PlaceKind.PORT, None),
            )

"""Sea and river ports with UN/LOCODE codes, from the searoute package's port list
(Eurostat SeaRoute)."""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass

from routemap.gazetteer.sources.base import (
    NameType,
    PlaceRecord,
    Source,
    importance,
    package_file,
    package_version,
)
from routemap.places import PlaceKind

__all__ = ["SeaPorts", "SearoutePort", "port_importance", "searoute_ports"]


@dataclass(frozen=True, slots=True)
class SearoutePort:
    """One port of searoute's list, as both the gazetteer and the sea-lane geometry use it."""

    code: str  # UN/LOCODE, e.g. "PECLL"
    name: str
    lat: float
    lon: float
    scheduled: bool  # searoute marks ports with scheduled traffic ('t' = 1)
    reach: int  # how many countries searoute lists it as sailing to


@functools.cache
def searoute_ports() -> tuple[SearoutePort, ...]:
    """searoute's ports, one per UN/LOCODE, read from its data file directly: importing
    searoute itself loads its whole sea-lane graph."""
    spec = package_file("searoute", "data", "ports.geojson")
    with spec.open("r", encoding="utf-8") as handle:
        features = json.load(handle)["features"]
    ports: list[SearoutePort] = []
    seen: set[str] = set()
    for feature in features:
        props = feature["properties"]
        code = (props.get("port") or "").strip().upper()
        name = (props.get("name") or "").strip()
        if len(code) != 5 or not name or code in seen:
            continue
        seen.add(code)
        lon, lat = feature["geometry"]["coordinates"][:2]
        reach = len(props.get("to_cty") or ())
        ports.append(SearoutePort(code, name, float(lat), float(lon), props.get("t") == 1, reach))
    return tuple(ports)


class SeaPorts(Source):
    """The ports searoute can route between (``locode:PECLL`` …)."""

    label = "searoute (UN/LOCODE)"

    def fingerprint(self) -> str:
        return f"searoute {package_version('searoute')}"

    def records(self) -> Iterator[PlaceRecord]:
        for port in searoute_ports():
            yield PlaceRecord(
                id=f"locode:{port.code}",
                name=port.name,
                kind=PlaceKind.PORT,
                lat=port.lat,
                lon=port.lon,
                country=port.code[:2],
                population=None,
                source=self.label,
                names=((port.name, NameType.PRIMARY), (port.code, NameType.CODE)),
                importance=port_importance(port),
            )


def port_importance(port: SearoutePort) -> float:
    """A port's prior: searoute's scheduled-traffic flag and the number of countries it
    sails to tell a hub (San Antonio, Chile: 18 countries) from a namesake quay (San
    Antonio, Ibiza: none), within a narrow band that keeps a port below its town of the
    same name when no cue word asks for a port.

    >>> port_importance(SearoutePort("CLSAI", "San Antonio", 0, 0, True, 18)) > (
    ...     port_importance(SearoutePort("ESSAA", "San Antonio", 0, 0, False, 0)))
    True
    """
    base = importance(PlaceKind.PORT, None)
    reach = min(1.0, math.log1p(port.reach) / math.log1p(30))
    return round(base - 0.1 + 0.12 * reach + (0.03 if port.scheduled else 0.0), 4)

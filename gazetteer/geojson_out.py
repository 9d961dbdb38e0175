"""GeoJSON output shared by the derivation scripts in gazetteer/: coordinates rounded to
4 decimals (about 11 m) so derived files are small and byte-for-byte reproducible."""

from __future__ import annotations

from typing import Any

from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

__all__ = ["feature", "round_coords"]


def round_coords(obj: Any) -> Any:
    """Nested coordinate lists rounded to 4 decimals (``+ 0.0`` turns -0.0 into 0.0)."""
    if isinstance(obj, (list, tuple)):
        if obj and isinstance(obj[0], (int, float)):
            return [round(float(v), 4) + 0.0 for v in obj]
        return [round_coords(o) for o in obj]
    return obj


def feature(props: dict[str, Any], geom: BaseGeometry) -> dict[str, Any]:
    """A GeoJSON Feature of ``geom`` with rounded coordinates."""
    g = mapping(geom)
    return {
        "type": "Feature",
        "properties": props,
        "geometry": {"type": g["type"], "coordinates": round_coords(g["coordinates"])},
    }

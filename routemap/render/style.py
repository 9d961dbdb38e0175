"""How the map draws things: a colour and a dash pattern per mode, widths, place markers.

The mode colours are the Okabe–Ito palette (distinguishable with the common colour-vision
deficiencies); every mode also has its own dash pattern, so mode reads without colour.
A path that is approximate (schematic, anchored at a country's point, a guessed port) is
drawn lighter and thinner than the same mode drawn faithfully.

>>> MODE_STYLES[Mode.AIR].label, MODE_STYLES[Mode.AIR].dash
('Air bridges', '12 6')
>>> leg_style(Mode.MARITIME, 4.0, approximate=True)["weight"]
2.5
>>> WidthScale.for_routes([3.0, None], "quantity").width_of(3.0)
8.0
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from routemap.places import PlaceKind
from routemap.routes import Mode

__all__ = [
    "MODE_STYLES",
    "PLACE_STYLES",
    "ROLE_STYLES",
    "ModeStyle",
    "PlaceStyle",
    "RoleStyle",
    "WidthBy",
    "WidthScale",
    "leg_style",
    "role_style",
]

WidthBy = Literal["auto", "quantity", "citations", "none"]


@dataclass(frozen=True, slots=True)
class ModeStyle:
    """The look of one mode: a layer name for people, a colour, a dash pattern (SVG
    ``stroke-dasharray``; None for a solid line)."""

    label: str
    color: str
    dash: str | None


MODE_STYLES: dict[Mode, ModeStyle] = {
    Mode.AIR: ModeStyle("Air bridges", "#D55E00", "12 6"),
    Mode.MARITIME: ModeStyle("Maritime / ports", "#0072B2", None),
    Mode.RIVER: ModeStyle("River", "#009E73", "8 4 2 4"),
    Mode.LAND: ModeStyle("Land", "#E69F00", "2 5"),
    Mode.POSTAL: ModeStyle("Postal flows", "#CC79A7", "14 4 2 4 2 4"),
    Mode.UNKNOWN: ModeStyle("Unknown mode", "#555555", "4 4"),
}

#: Opacity of a faithful and of an approximate path, and the approximate width factor.
OPACITY, APPROX_OPACITY, APPROX_WIDTH = 0.9, 0.6, 0.6


def leg_style(mode: Mode, weight: float, *, approximate: bool = False) -> dict[str, Any]:
    """The Leaflet path options of a leg (``className`` lets tests and CSS find it)."""
    style = MODE_STYLES[mode]
    classes = f"routemap-leg routemap-mode-{mode.value}"
    if approximate:
        weight = max(1.0, round(weight * APPROX_WIDTH * 2) / 2)
        classes += " routemap-approximate"
    options: dict[str, Any] = {
        "color": style.color,
        "weight": weight,
        "opacity": APPROX_OPACITY if approximate else OPACITY,
        "className": classes,
        "lineCap": "butt" if style.dash else "round",
    }
    if style.dash:
        options["dashArray"] = style.dash
    return options


@dataclass(frozen=True, slots=True)
class PlaceStyle:
    """A place marker: label in the legend, colour, radius in pixels."""

    label: str
    color: str
    radius: float


PLACE_STYLES: dict[PlaceKind, PlaceStyle] = {
    PlaceKind.PORT: PlaceStyle("port", "#0072B2", 5.0),
    PlaceKind.AIRPORT: PlaceStyle("airport / airstrip", "#D55E00", 5.0),
    PlaceKind.CITY: PlaceStyle("city", "#333333", 4.0),
    PlaceKind.COUNTRY: PlaceStyle("country", "#7f7f7f", 3.5),
    PlaceKind.REGION: PlaceStyle("region", "#7f7f7f", 3.5),
    PlaceKind.AREA: PlaceStyle("area", "#8B4513", 4.0),
    PlaceKind.CONTINENT: PlaceStyle("continent", "#aaaaaa", 3.0),
    PlaceKind.RIVER: PlaceStyle("river", "#009E73", 3.5),
}


@dataclass(frozen=True, slots=True)
class RoleStyle:
    """The fill of a country by its role on the routes: legend label, colour, and an
    outline dash pattern (None: solid) so that "several roles" reads without colour."""

    label: str
    color: str
    dash: str | None = None


#: Country roles, in the order of a route. Four of Paul Tol's light/muted colours chosen
#: for the largest worst-case difference (CIE76 ΔE ≥ 12 after blending at
#: ``ROLE_OPACITY`` over the basemap, with protanopia, deuteranopia and tritanopia
#: simulated), none of them read as the sea; light, so the Okabe–Ito lines stay on top.
ROLE_STYLES: dict[str, RoleStyle] = {
    "origin": RoleStyle("origin", "#BBCC33"),
    "transit": RoleStyle("transit", "#EE8866"),
    "destination": RoleStyle("destination", "#AA88DD"),
    "several": RoleStyle("several roles", "#44AA99", "4 3"),
}
ROLE_OPACITY = 0.55


def role_style(role: str) -> dict[str, Any]:
    """The Leaflet path options of a country shaded by ``role`` (a ROLE_STYLES key)."""
    style = ROLE_STYLES[role]
    options: dict[str, Any] = {
        "color": "#555555" if style.dash else style.color,
        "weight": 1.2 if style.dash else 0.8,
        "opacity": 0.9,
        "fillColor": style.color,
        "fillOpacity": ROLE_OPACITY,
        "className": f"routemap-country routemap-role-{role}",
    }
    if style.dash:
        options["dashArray"] = style.dash
    return options


MIN_WIDTH, MAX_WIDTH, UNKNOWN_WIDTH, FIXED_WIDTH = 2.0, 8.0, 1.5, 3.0


@dataclass(frozen=True, slots=True)
class WidthScale:
    """What line width means on one map.

    ``by="quantity"``: square-root scale from ``MIN_WIDTH`` (0 kg) to ``MAX_WIDTH``
    (``top``, the largest quantity), ``UNKNOWN_WIDTH`` where none is reported;
    ``by="citations"``: one step per citing sentence, capped at 4; ``by="none"``: fixed.
    Widths are rounded to half pixels.
    """

    by: Literal["quantity", "citations", "none"]
    top: float = 1.0

    @classmethod
    def for_routes(cls, kgs: Sequence[float | None], by: WidthBy) -> WidthScale:
        """The scale for routes carrying these quantities (kg, None when unknown).

        ``"auto"`` means quantity when at least half the routes carry one, else citations.
        """
        known = [kg for kg in kgs if kg is not None and kg > 0]
        if by == "auto":
            by = "quantity" if known and 2 * len(known) >= len(kgs) else "citations"
        if by == "quantity":
            return cls("quantity", max(known) if known else 1.0)
        if by in ("citations", "none"):
            return cls(by)
        raise ValueError(f"width_by must be one of auto, quantity, citations, none; got {by!r}")

    def width_of(self, kg: float | None = None, citations: int = 1) -> float:
        """The width in pixels of a route with this quantity or number of citations."""
        if self.by == "quantity":
            if kg is None or kg <= 0:
                return UNKNOWN_WIDTH
            share = math.sqrt(min(kg, self.top) / self.top)
            return _half(MIN_WIDTH + (MAX_WIDTH - MIN_WIDTH) * share)
        if self.by == "citations":
            return _half(1.5 + 1.5 * min(max(citations, 1), 4))
        return FIXED_WIDTH

    def samples(self) -> list[tuple[float, str]]:
        """(width, label) pairs for the legend."""
        if self.by == "quantity":
            quarter = self.top / 4
            return [
                (UNKNOWN_WIDTH, "not reported"),
                (self.width_of(quarter), f"{_kg(quarter)}"),
                (self.width_of(self.top), f"{_kg(self.top)} (largest)"),
            ]
        if self.by == "citations":
            return [(self.width_of(citations=n), t) for n, t in ((1, "1"), (2, "2"), (4, "4+"))]
        return [(FIXED_WIDTH, "all routes")]

    @property
    def caption(self) -> str:
        if self.by == "quantity":
            return "Width: quantity reported (kg, square-root scale)"
        if self.by == "citations":
            return "Width: number of citing sentences"
        return "Width: fixed"


def _half(width: float) -> float:
    return round(width * 2) / 2


def _kg(kg: float) -> str:
    if kg >= 1000:
        return f"{kg / 1000:,.3g} t"
    return f"{kg:,.3g} kg"

from __future__ import annotations

import dataclasses
import math

import pytest

from routemap import InvalidPlace, Place, PlaceKind


def make(**overrides: object) -> Place:
    fields: dict[str, object] = {
        "id": "geonames:3936456",
        "name": "Lima",
        "kind": "city",
        "lat": -12.04,
        "lon": -77.03,
        "country": "PE",
    }
    fields.update(overrides)
    return Place(**fields)  # type: ignore[arg-type]


def test_place_is_frozen_and_coerces_kind() -> None:
    place = make(kind="CITY")
    assert place.kind is PlaceKind.CITY
    with pytest.raises(dataclasses.FrozenInstanceError):
        place.name = "Callao"  # type: ignore[misc]
    assert place.latlon == (-12.04, -77.03)
    assert place.lonlat == (-77.03, -12.04)
    assert place.__geo_interface__["geometry"]["coordinates"] == [-77.03, -12.04]


def test_swapped_coordinates_get_a_hint() -> None:
    with pytest.raises(InvalidPlace, match="swapped"):
        make(lat=-77.03 * 2, lon=-12.04)


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
@pytest.mark.parametrize("axis", ["lat", "lon"])
def test_non_finite_coordinates_are_rejected(axis: str, value: float) -> None:
    with pytest.raises(InvalidPlace, match="finite"):
        make(**{axis: value})


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"lon": 181.0}, "outside"),
        ({"lat": "12"}, "number"),
        ({"lat": True}, "number"),
        ({"id": "no-namespace"}, "namespace"),
        ({"id": ""}, "namespace"),
        ({"name": "  "}, "name"),
        ({"kind": "village"}, "continent, country, region"),
        ({"kind": 3}, "place kind"),
        ({"country": "per"}, "alpha-2"),
        ({"population": -1}, "negative"),
        ({"population": 1.5}, "int"),
        ({"geometry": "POINT (0 0)"}, "shapely"),
    ],
)
def test_bad_fields_raise_invalid_place(overrides: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidPlace, match=message):
        make(**overrides)


def test_invalid_place_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        make(lat=100.0)


def test_place_kind_lists_valid_values() -> None:
    with pytest.raises(ValueError, match="airport, river, area"):
        PlaceKind("plane")
    assert PlaceKind(" Port ") is PlaceKind.PORT


def test_equality_ignores_geometry_and_repr_never_fails() -> None:
    from shapely.geometry import Point

    assert make(geometry=Point(0, 0)) == make()
    assert "Lima" in repr(make()) and "Lima, PE" in str(make())

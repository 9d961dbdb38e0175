"""The online fallback is opt-in, cached and rate-limited; never touches the network here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from routemap import Gazetteer, OnlineGeocodingError, PlaceKind, PlaceNotFound
from routemap.gazetteer.online import OnlineFallback


class FakeLocation:
    def __init__(self, raw: dict[str, Any]) -> None:
        self.raw = raw


class FakeNominatim:
    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def __call__(self, query: str, **kwargs: Any) -> list[FakeLocation]:
        self.calls.append((query, kwargs))
        return [
            FakeLocation(
                {
                    "osm_type": "node",
                    "osm_id": 42,
                    "lat": "-12.9",
                    "lon": "-73.6",
                    "name": "Puerto Nuevo Tsomaveni",
                    "addresstype": "village",
                    "address": {"country_code": "pe"},
                }
            )
        ]


def test_offline_gazetteer_never_falls_back(gaz: Gazetteer) -> None:
    with pytest.raises(PlaceNotFound):
        gaz.resolve("Puerto Nuevo Tsomaveni")


def test_fallback_is_used_only_when_offline_fails(gaz: Gazetteer, tmp_path: Path) -> None:
    fake = FakeNominatim()
    online = gaz.with_online_fallback(
        geocode=fake, cache_path=tmp_path / "cache.sqlite", min_delay_seconds=0
    )
    assert online.resolve("Cusco").id == "geonames:3941584"
    assert fake.calls == []
    place = online.resolve("Puerto Nuevo Tsomaveni", country="PE")
    assert place.id == "osm:n42" and place.kind is PlaceKind.CITY and place.country == "PE"
    assert fake.calls[0][1]["country_codes"] == ["pe"]
    online.resolve("Puerto Nuevo Tsomaveni", country="PE")
    assert len(fake.calls) == 1  # answered from the disk cache
    again = gaz.with_online_fallback(
        geocode=fake, cache_path=tmp_path / "cache.sqlite", min_delay_seconds=0
    )
    again.resolve("Puerto Nuevo Tsomaveni", country="PE")
    assert len(fake.calls) == 1  # the cache survives the process


def test_rate_limit_waits_between_requests(tmp_path: Path, monkeypatch: Any) -> None:
    from geopy.extra.rate_limiter import RateLimiter

    waits: list[float] = []
    monkeypatch.setattr(RateLimiter, "_sleep", lambda self, seconds: waits.append(seconds))
    fallback = OnlineFallback(
        geocode=FakeNominatim(), cache_path=tmp_path / "c.sqlite", min_delay_seconds=1.0
    )
    fallback("one place")
    fallback("another place")
    assert waits and 0 < max(waits) <= 1.0


def test_online_errors_are_wrapped(tmp_path: Path) -> None:
    def broken(query: str, **kwargs: Any) -> None:
        raise OSError("network unreachable")

    fallback = OnlineFallback(geocode=broken, cache_path=tmp_path / "c.sqlite", min_delay_seconds=0)
    with pytest.raises(OnlineGeocodingError, match="network unreachable"):
        fallback("Somewhere")


def test_user_agent_is_required(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="user_agent"):
        OnlineFallback(user_agent="", cache_path=tmp_path / "c.sqlite")


def test_real_nominatim_is_blocked_in_tests(tmp_path: Path) -> None:
    fallback = OnlineFallback(cache_path=tmp_path / "c.sqlite", min_delay_seconds=0)
    with pytest.raises(OnlineGeocodingError):
        fallback("Lima")

"""The opt-in online fallback: Nominatim through geopy, cached on disk and rate-limited.

Nothing here runs unless a caller asks for it with
``Gazetteer.default().with_online_fallback(user_agent="my-newsroom-research")``.
Nominatim's usage policy asks for at most one request per second and an identifying
user agent; both are enforced here. Answers are cached in a small SQLite file so the same
name is never sent twice.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from routemap.errors import MissingDependency, OnlineGeocodingError
from routemap.places import Place, PlaceKind

__all__ = ["OnlineFallback", "place_from_nominatim"]

_KINDS = {
    "country": PlaceKind.COUNTRY,
    "state": PlaceKind.REGION,
    "region": PlaceKind.REGION,
    "province": PlaceKind.REGION,
    "county": PlaceKind.REGION,
    "city": PlaceKind.CITY,
    "town": PlaceKind.CITY,
    "village": PlaceKind.CITY,
    "hamlet": PlaceKind.CITY,
    "municipality": PlaceKind.CITY,
    "suburb": PlaceKind.CITY,
    "aerodrome": PlaceKind.AIRPORT,
    "airport": PlaceKind.AIRPORT,
    "harbour": PlaceKind.PORT,
    "port": PlaceKind.PORT,
    "river": PlaceKind.RIVER,
    "continent": PlaceKind.CONTINENT,
}


def place_from_nominatim(raw: dict[str, Any]) -> Place:
    """A Place from one Nominatim JSON result (``addressdetails=1``)."""
    osm_type = str(raw.get("osm_type") or "node")[:1].lower()
    kind_word = str(raw.get("addresstype") or raw.get("type") or "")
    code = (raw.get("address") or {}).get("country_code")
    return Place(
        id=f"osm:{osm_type}{raw['osm_id']}",
        name=str(raw.get("name") or raw.get("display_name", "").split(",")[0] or "unnamed"),
        kind=_KINDS.get(kind_word, PlaceKind.AREA),
        lat=float(raw["lat"]),
        lon=float(raw["lon"]),
        country=code.upper() if isinstance(code, str) and len(code) == 2 else None,
        source="OpenStreetMap Nominatim (online)",
    )


class OnlineFallback:
    """Geocode a name online, once per name, no faster than Nominatim allows.

    Parameters
    ----------
    user_agent : str
        Identifies your application to Nominatim (required by its policy).
    cache_path : path, optional
        SQLite file for answers (default: ``online-geocoder.sqlite`` in routemap's cache).
    min_delay_seconds : float
        Minimum time between requests (Nominatim: 1 s).
    geocode : callable, optional
        ``geocode(query, country_codes=..., exactly_one=False, addressdetails=True)``
        returning geopy Locations; defaults to geopy's Nominatim. Tests pass a fake.
    """

    def __init__(
        self,
        *,
        user_agent: str = "routemap (https://github.com/routemap)",
        cache_path: str | Path | None = None,
        min_delay_seconds: float = 1.0,
        geocode: Callable[..., Any] | None = None,
        domain: str = "nominatim.openstreetmap.org",
    ) -> None:
        if not user_agent or not isinstance(user_agent, str):
            raise ValueError("user_agent must name your application, as Nominatim requires")
        self.user_agent = user_agent
        self.domain = domain
        if cache_path is None:
            from routemap.gazetteer.index import _cache_dir

            cache_path = _cache_dir() / "online-geocoder.sqlite"
        self.cache_path = Path(cache_path)
        self._geocode_raw = geocode
        self._limited: Callable[..., Any] | None = None
        self.min_delay_seconds = min_delay_seconds
        self._lock = threading.Lock()

    def _geocoder(self) -> Callable[..., Any]:
        if self._limited is None:
            try:
                from geopy.extra.rate_limiter import RateLimiter
            except ImportError as exc:  # pragma: no cover - geopy is a dependency
                raise MissingDependency("install geopy: pip install 'routemap[online]'") from exc
            geocode = self._geocode_raw
            if geocode is None:
                from geopy.geocoders import Nominatim

                geocode = Nominatim(user_agent=self.user_agent, domain=self.domain).geocode
            self._limited = RateLimiter(
                geocode,
                min_delay_seconds=self.min_delay_seconds,
                max_retries=1,
                swallow_exceptions=False,
            )
        return self._limited

    def __call__(self, query: str, *, country: str | None = None) -> list[Place]:
        key = json.dumps([query.casefold(), country])
        cached = self._cache_get(key)
        if cached is not None:
            return [place_from_nominatim(raw) for raw in cached]
        try:
            found = self._geocoder()(
                query,
                exactly_one=False,
                addressdetails=True,
                country_codes=[country.lower()] if country else None,
            )
        except Exception as exc:  # geopy raises many types; one clear error for callers
            raise OnlineGeocodingError(f"online geocoding of {query!r} failed: {exc}") from exc
        raws = [location.raw for location in (found or [])]
        self._cache_put(key, raws)
        return [place_from_nominatim(raw) for raw in raws]

    def _connect(self) -> sqlite3.Connection:
        self.cache_path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.cache_path)
        conn.execute("CREATE TABLE IF NOT EXISTS answers(key TEXT PRIMARY KEY, raw TEXT)")
        return conn

    def _cache_get(self, key: str) -> list[dict[str, Any]] | None:
        with self._lock, contextlib.closing(self._connect()) as conn:
            row = conn.execute("SELECT raw FROM answers WHERE key = ?", (key,)).fetchone()
        return None if row is None else list(json.loads(row[0]))

    def _cache_put(self, key: str, raws: list[dict[str, Any]]) -> None:
        with self._lock, contextlib.closing(self._connect()) as conn, conn:
            conn.execute("INSERT OR REPLACE INTO answers VALUES (?, ?)", (key, json.dumps(raws)))

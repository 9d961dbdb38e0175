"""The compact offline index: one SQLite file built once from the registry sources.

The file lives in the user's cache directory (``ROUTEMAP_CACHE_DIR`` overrides it) under a
name that includes a key of every input's version, so upgrading a data package builds a
new index. A build writes to a temporary file and renames it into place only when it is
complete, under a lock, so a half-finished build is never opened.
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import os
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from routemap.errors import GazetteerBuildError
from routemap.gazetteer.sources import (
    Alias,
    NameType,
    PlaceRecord,
    Source,
    default_sources,
    read_aliases,
)
from routemap.gazetteer.sources.base import data_path, importance
from routemap.normalize import normalize_name, scan_key
from routemap.places import PlaceKind

__all__ = ["SCHEMA_VERSION", "build_index", "default_index_path", "ensure_index", "index_key"]

SCHEMA_VERSION = 5

#: Names short enough to be common words are left out of fuzzy matching.
FUZZY_MIN_LENGTH = 4
#: Towns smaller than this are matched exactly but never by a guess at a misspelling.
FUZZY_MIN_POPULATION = 15_000

_SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE places(
    pk INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    lat REAL NOT NULL,
    lon REAL NOT NULL,
    country TEXT,
    population INTEGER,
    source TEXT NOT NULL,
    importance REAL NOT NULL,
    fame REAL NOT NULL DEFAULT 0
);
CREATE TABLE names(
    norm TEXT NOT NULL,
    pk INTEGER NOT NULL,
    type INTEGER NOT NULL,
    PRIMARY KEY(norm, pk)
) WITHOUT ROWID;
CREATE TABLE geometries(pk INTEGER PRIMARY KEY, wkb BLOB NOT NULL);
CREATE TABLE fuzzy(norm TEXT PRIMARY KEY, display TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE scan(key TEXT NOT NULL, norm TEXT NOT NULL, PRIMARY KEY(key, norm)) WITHOUT ROWID;
"""


def _cache_dir() -> Path:
    override = os.environ.get("ROUTEMAP_CACHE_DIR")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_cache_dir("routemap", appauthor=False))


def _store(path: Path, data: bytes, *, stale: str) -> None:
    """Keep ``data`` at ``path`` in the cache folder (a temporary file renamed, readable as
    the index is) and remove the files beside it that match the glob ``stale``, made from
    earlier inputs. A folder that cannot be written is left as it is: the caller has
    ``data`` and carries on."""
    from routemap.files import write_atomically

    try:
        write_atomically(path, data)
        for old in path.parent.glob(stale):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:
        pass


def index_key(sources: Sequence[Source] | None = None) -> str:
    """A short hash of every input of the index: sources, aliases, schema, builder."""
    from routemap import __version__

    digest = hashlib.sha256(f"schema {SCHEMA_VERSION} routemap {__version__}".encode())
    for source in sources if sources is not None else default_sources():
        digest.update(source.fingerprint().encode())
    digest.update(data_path("aliases.csv").read_bytes())
    # The builder's own code: changing how names are indexed must rebuild the index.
    here = Path(__file__).parent
    for module in sorted([here / "index.py", *(here / "sources").glob("*.py")]):
        digest.update(module.read_bytes())
    return digest.hexdigest()[:16]


def default_index_path() -> Path:
    """Where the default gazetteer's index is (or will be) stored."""
    return _cache_dir() / f"gazetteer-{index_key()}.sqlite"


def ensure_index(
    path: Path | None = None, *, progress: Callable[[str], None] | None = None
) -> Path:
    """Return the path of a complete index, building it first if it is missing."""
    path = path or default_index_path()
    if is_complete(path):
        return path
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with _lock(path.with_name(path.name + ".lock")):
            if not is_complete(path):  # another process may have finished it meanwhile
                build_index(path, progress=progress)
    except OSError as exc:
        # Typically a cache folder owned by another user (a shared home, sudo, a service).
        raise GazetteerBuildError(
            f"cannot build the gazetteer index in {path.parent}: "
            f"{exc.strerror or exc}; set ROUTEMAP_CACHE_DIR to a folder you can write"
        ) from exc
    return path


def is_complete(path: Path) -> bool:
    """True when ``path`` is an index whose build finished."""
    try:
        if not path.is_file():  # raises, not False, when a folder above is not searchable
            return False
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
            row = conn.execute("SELECT value FROM meta WHERE key='complete'").fetchone()
    except (sqlite3.Error, OSError):
        return False
    return row is not None and row[0] == "1"


@contextlib.contextmanager
def _lock(path: Path) -> Iterator[None]:
    with open(path, "a+") as handle:
        if sys.platform != "win32":
            import fcntl

            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            if sys.platform != "win32":
                import fcntl

                fcntl.flock(handle, fcntl.LOCK_UN)


def build_index(
    path: Path,
    sources: Sequence[Source] | None = None,
    *,
    aliases: Sequence[Alias] | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict[str, int]:
    """Build the index at ``path`` from ``sources`` (default: every registry source) and
    curated ``aliases`` (default: routemap/data/aliases.csv).

    Returns the number of places per kind. Writes ``path`` atomically.
    """
    sources = list(sources) if sources is not None else default_sources()
    aliases = list(aliases) if aliases is not None else read_aliases()
    say = progress or (lambda message: None)
    tmp = path.with_name(f"{path.name}.tmp-{os.getpid()}")
    tmp.unlink(missing_ok=True)
    started = time.perf_counter()
    try:
        with contextlib.closing(sqlite3.connect(tmp)) as conn:
            conn.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + _SCHEMA)
            counts = _fill(conn, sources, aliases, say)
            conn.executemany(
                "INSERT INTO meta VALUES (?, ?)",
                [
                    ("schema", str(SCHEMA_VERSION)),
                    ("key", index_key(sources)),
                    ("places", str(sum(counts.values()))),
                    ("complete", "1"),
                ],
            )
            conn.commit()
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    say(f"gazetteer index built in {time.perf_counter() - started:.1f} s: {path}")
    return counts


def _fill(
    conn: sqlite3.Connection,
    sources: Sequence[Source],
    aliases: Sequence[Alias],
    say: Callable[[str], None],
) -> dict[str, int]:
    import shapely
    from shapely.geometry import shape

    counts: dict[str, int] = {}
    pk_of: dict[str, int] = {}
    regions: list[tuple[int, object]] = []
    for source in sources:
        say(f"indexing {type(source).__name__} …")
        place_rows, name_rows, geometry_rows = [], [], []
        scan_rows: set[tuple[str, str]] = set()
        for record in source.records():
            if record.id in pk_of or not _valid_point(record):
                continue  # first source wins for a shared id; registry glitches are skipped
            pk = len(pk_of) + 1
            pk_of[record.id] = pk
            place_rows.append(_place_row(pk, record))
            name_rows.extend(_name_rows(pk, record))
            scan_rows.update(_scan_rows(record))
            if record.geometry is not None:
                geom = shapely.make_valid(shape(record.geometry))
                geometry_rows.append((pk, shapely.to_wkb(geom)))
                if record.kind is PlaceKind.REGION:
                    regions.append((pk, geom))
            counts[record.kind.value] = counts.get(record.kind.value, 0) + 1
        conn.executemany("INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?,?,?)", place_rows)
        conn.executemany("INSERT OR IGNORE INTO names VALUES (?,?,?)", name_rows)
        conn.executemany("INSERT INTO geometries VALUES (?,?)", geometry_rows)
        conn.executemany("INSERT OR IGNORE INTO scan VALUES (?,?)", sorted(scan_rows))
    _add_aliases(conn, pk_of, aliases)
    _estimate_region_populations(conn, regions)
    _rank_airports_by_city(conn)
    _fill_fuzzy(conn)
    return counts


def _place_row(pk: int, record: PlaceRecord) -> tuple[object, ...]:
    return (
        pk,
        record.id,
        record.name,
        record.kind.value,
        record.lat,
        record.lon,
        record.country,
        record.population,
        record.source,
        record.importance,
        record.fame,
    )


def _name_rows(pk: int, record: PlaceRecord) -> list[tuple[str, int, int]]:
    best: dict[str, int] = {}
    for name, name_type in record.names:
        norm = normalize_name(name)
        if not norm:
            continue
        if name_type is NameType.CODE:
            norm = name.strip().upper()  # codes match only as written, in capitals
        best[norm] = min(best.get(norm, 99), int(name_type))
    return [(norm, pk, name_type) for norm, name_type in best.items()]


#: Towns smaller than this are found in text by their own names only, not by the many
#: foreign alternates GeoNames lists for them (noise such as "Puna", "Pun").
SCAN_ALTERNATES_MIN_POPULATION = 15_000
_AIRPORT_WORDS = ("airport", "aeropuerto", "aeroporto", "airfield", "aerodrome", "airstrip")


def _scan_rows(record: PlaceRecord) -> list[tuple[str, str]]:
    """(scan key, lookup key) pairs by which the geoparser finds this place in text."""
    rows = []
    small_city = (
        record.kind is PlaceKind.CITY and (record.population or 0) < SCAN_ALTERNATES_MIN_POPULATION
    )
    for name, name_type in record.names:
        if name_type in (NameType.CODE, NameType.SERVED):
            continue
        if name_type is NameType.ALTERNATE and small_city:
            continue
        key = scan_key(name)
        if (
            record.kind is PlaceKind.AIRPORT
            and name_type is not NameType.ALIAS
            and not any(w in key for w in _AIRPORT_WORDS)
        ):
            # an airport's bare name is mostly a person's name ("Jorge Chavez"); the
            # source types the distinctive ones ("Schiphol") ALIAS
            continue
        norm = normalize_name(name)
        if len(key) >= 3 and norm:
            rows.append((key, norm))
            if key.startswith("the "):  # "(the) Democratic Republic of the Congo"
                rows.append((key[4:], norm))
    return rows


def _add_aliases(conn: sqlite3.Connection, pk_of: dict[str, int], aliases: Sequence[Alias]) -> None:
    rows = []
    scan_rows: list[tuple[str, str]] = []
    for alias in aliases:
        pk = pk_of.get(alias.target)
        if pk is None:
            raise GazetteerBuildError(
                f"{alias.file}:{alias.line}: alias {alias.name!r} points at "
                f"{alias.target!r}, which no gazetteer source holds"
            )
        norm = normalize_name(alias.name)
        if norm:
            rows.append((norm, pk, int(NameType.ALIAS)))
            scan_rows.append((scan_key(alias.name), norm))
    # An alias is curated knowledge: it overrides a weaker registry name for the same pair.
    conn.executemany("INSERT OR REPLACE INTO names VALUES (?,?,?)", rows)
    conn.executemany("INSERT OR IGNORE INTO scan VALUES (?,?)", scan_rows)


def _estimate_region_populations(
    conn: sqlite3.Connection, regions: list[tuple[int, object]]
) -> None:
    """Natural Earth regions carry no population: sum the GeoNames towns inside each."""
    if not regions:
        return
    import numpy as np
    import shapely

    cities = conn.execute(
        "SELECT lon, lat, population FROM places WHERE kind='city' AND population > 0"
    ).fetchall()
    if not cities:
        return
    coords = np.array([(lon, lat) for lon, lat, _ in cities])
    populations = np.array([pop for _, _, pop in cities], dtype=float)
    points = shapely.points(coords)
    tree = shapely.STRtree(points)
    region_geoms = [geom for _, geom in regions]
    region_idx, point_idx = tree.query(region_geoms, predicate="contains")
    totals = np.bincount(region_idx, weights=populations[point_idx], minlength=len(regions))
    updates = []
    for (pk, _), total in zip(regions, totals, strict=True):
        population = int(total)
        updates.append((population or None, importance(PlaceKind.REGION, population or None), pk))
    conn.executemany("UPDATE places SET population=?, importance=? WHERE pk=?", updates)


#: How far an airport may lie from the town it serves and still take its size (km).
AIRPORT_CITY_KM = 60.0
#: How much the size of the town an airport serves adds to the airport's prior.
AIRPORT_CITY_WEIGHT = 0.1


def _rank_airports_by_city(conn: sqlite3.Connection) -> None:
    """airportsdata has no traffic figures: rank an airport by the population of the
    town it serves (its ``city`` field, matched to a GeoNames town of that name in the
    same country and nearby), so Bogotá's El Dorado outranks the Venezuelan and
    Argentine airstrips of the same name."""
    rows = conn.execute(
        """
        SELECT a.pk, a.lat, a.lon, a.importance, c.lat, c.lon, c.population
        FROM places a
        JOIN names sn ON sn.pk = a.pk AND sn.type = ?
        JOIN names cn ON cn.norm = sn.norm AND cn.type <= ?
        JOIN places c ON c.pk = cn.pk AND c.kind = 'city' AND c.country = a.country
        WHERE a.kind = 'airport' AND c.population > 0
        """,
        (int(NameType.SERVED), int(NameType.ALTERNATE)),
    ).fetchall()
    served: dict[int, tuple[float, int]] = {}
    for pk, lat, lon, prior, city_lat, city_lon, population in rows:
        if _km(lat, lon, city_lat, city_lon) <= AIRPORT_CITY_KM and (
            pk not in served or population > served[pk][1]
        ):
            served[pk] = (prior, population)
    updates = [
        (round(prior + AIRPORT_CITY_WEIGHT * min(1.0, math.log10(population) / 7.5), 6), pk)
        for pk, (prior, population) in served.items()
    ]
    conn.executemany("UPDATE places SET importance=? WHERE pk=?", updates)


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    h = (
        math.sin((phi2 - phi1) / 2) ** 2
        + math.cos(phi1) * math.cos(phi2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 12742.0 * math.asin(min(1.0, math.sqrt(h)))


def _fill_fuzzy(conn: sqlite3.Connection) -> None:
    """The names a misspelling may be corrected to: the own names (not the many foreign
    alternates) of notable places only, so a typo finds Cusco but nonsense finds nothing."""
    rows = conn.execute(
        """
        SELECT n.norm, p.name FROM names n JOIN places p ON p.pk = n.pk
        WHERE n.type <= ? AND length(n.norm) >= ?
          AND (p.kind NOT IN ('city', 'airport')
               OR (p.kind = 'city' AND p.population >= ?))
        ORDER BY p.importance DESC, p.pk
        """,
        (int(NameType.ALIAS), FUZZY_MIN_LENGTH, FUZZY_MIN_POPULATION),
    ).fetchall()
    seen: dict[str, str] = {}
    for norm, display in rows:
        seen.setdefault(norm, display)
    conn.executemany("INSERT INTO fuzzy VALUES (?, ?)", sorted(seen.items()))


def _valid_point(record: PlaceRecord) -> bool:
    return (
        math.isfinite(record.lat)
        and math.isfinite(record.lon)
        and -90 <= record.lat <= 90
        and -180 <= record.lon <= 180
    )

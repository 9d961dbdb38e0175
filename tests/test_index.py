"""Building the index: atomic, validated, and independent of any one source."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from routemap import Gazetteer, GazetteerBuildError, PlaceKind
from routemap.gazetteer.index import build_index, ensure_index, is_complete
from routemap.gazetteer.sources import Alias, NameType, PlaceRecord, Source, read_aliases


class Tiny(Source):
    label = "tiny"

    def __init__(self, *records: PlaceRecord, fail_after: int | None = None) -> None:
        self._records = records
        self.fail_after = fail_after

    def records(self) -> Iterator[PlaceRecord]:
        for number, record in enumerate(self._records):
            if self.fail_after is not None and number >= self.fail_after:
                raise RuntimeError("source broke mid-way")
            yield record


def record(pid: str, name: str, lat: float = 1.0, lon: float = 2.0, **kw: object) -> PlaceRecord:
    fields: dict[str, object] = {
        "id": pid,
        "name": name,
        "kind": PlaceKind.CITY,
        "lat": lat,
        "lon": lon,
        "country": "PE",
        "population": 5000,
        "source": "tiny",
        "names": ((name, NameType.PRIMARY),),
        "importance": 0.5,
    }
    fields.update(kw)
    return PlaceRecord(**fields)  # type: ignore[arg-type]


def test_custom_index_resolves(tmp_path: Path) -> None:
    path = tmp_path / "g.sqlite"
    counts = build_index(path, [Tiny(record("x:1", "Ayna"), record("x:2", "Sivia"))], aliases=[])
    assert counts == {"city": 2}
    gaz = Gazetteer(path)
    assert gaz.resolve("ayna").id == "x:1" and len(gaz) == 2


def test_registry_glitches_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "g.sqlite"
    bad = record("x:2", "Broken", lat=float("nan"))
    swapped = record("x:3", "Swapped", lat=-77.0 * 2)
    build_index(path, [Tiny(record("x:1", "Good"), bad, swapped)], aliases=[])
    assert len(Gazetteer(path)) == 1


def test_failed_build_leaves_nothing_behind(tmp_path: Path) -> None:
    path = tmp_path / "g.sqlite"
    source = Tiny(record("x:1", "A"), record("x:2", "B"), fail_after=1)
    with pytest.raises(RuntimeError, match="mid-way"):
        build_index(path, [source], aliases=[])
    assert list(tmp_path.iterdir()) == []
    assert not is_complete(path)


def test_unfinished_file_is_never_opened(tmp_path: Path) -> None:
    path = tmp_path / "g.sqlite"
    path.write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
    assert not is_complete(path)
    with pytest.raises(GazetteerBuildError, match="rebuild"):
        Gazetteer(path)


def test_ensure_index_rebuilds_a_corrupt_file(tmp_path: Path) -> None:
    path = tmp_path / "g.sqlite"
    path.write_text("garbage")
    # ensure_index on a custom path builds the default sources: too slow here, so check the
    # decision only.
    assert not is_complete(path)
    built = tmp_path / "ok.sqlite"
    build_index(built, [Tiny(record("x:1", "A"))], aliases=[])
    assert ensure_index(built) == built


def test_alias_to_unknown_id_names_file_and_line(tmp_path: Path) -> None:
    alias = Alias("Narnia", "geonames:0", "en", "aliases.csv", 7)
    with pytest.raises(GazetteerBuildError, match=r"aliases.csv:7: .*geonames:0"):
        build_index(tmp_path / "g.sqlite", [Tiny(record("x:1", "A"))], aliases=[alias])
    assert list(tmp_path.iterdir()) == []


def test_alias_file_errors_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "aliases.csv"
    path.write_text("name,target,lang,note\nEE.UU.,iso3166:US,es,\nOops,,es,\n", encoding="utf-8")
    with pytest.raises(GazetteerBuildError, match=r"aliases.csv:3"):
        read_aliases(path)
    with pytest.raises(GazetteerBuildError, match="cannot read"):
        read_aliases(tmp_path / "missing.csv")


def test_shipped_aliases_all_point_at_indexed_places(gaz: Gazetteer) -> None:
    for alias in read_aliases():
        assert gaz.get(alias.target).id == alias.target


def test_a_cache_folder_that_cannot_be_made_says_what_to_do(tmp_path: Path) -> None:
    in_the_way = tmp_path / "cache"
    in_the_way.write_text("a file where the cache folder should be", encoding="utf-8")
    target = in_the_way / "gazetteer.sqlite"
    assert not is_complete(target)
    with pytest.raises(GazetteerBuildError, match="ROUTEMAP_CACHE_DIR") as info:
        ensure_index(target)
    assert str(in_the_way) in str(info.value)

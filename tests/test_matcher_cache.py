"""The built scan matcher kept beside the default gazetteer's index (routemap.geoparse)."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from routemap import Gazetteer

geoparse = importlib.import_module("routemap.geoparse")  # the module, not the function

TEXT = "Cocaine left Callao for Antwerp; la droga salió de Pucallpa hacia España."


def test_a_kept_matcher_finds_what_a_built_one_finds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gazetteer = Gazetteer.default()
    cache = tmp_path / "gazetteer-x.matcher-0123.pickle"
    stale = tmp_path / "gazetteer-x.matcher-old.pickle"
    stale.write_bytes(b"from an earlier build")
    monkeypatch.setattr(geoparse, "_built_cache", lambda gaz: cache)
    built = geoparse._Matcher(gazetteer)  # no file yet: built, then kept
    assert cache.is_file() and not stale.exists()
    kept = geoparse._Matcher(gazetteer)  # loaded from the file
    assert kept.automaton is not built.automaton
    assert kept.keys == built.keys and kept.not_place_ids == built.not_place_ids
    assert kept.find(TEXT) == built.find(TEXT) != []
    number = kept.find(TEXT)[0][2]
    assert kept.index[kept.keys[number]] == number and kept.keys[number] in kept.index
    assert "no such place name at all" not in kept.index


def test_a_damaged_kept_matcher_is_built_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "gazetteer-x.matcher-0123.pickle"
    cache.write_bytes(b"\x80\x05 cut short")
    assert geoparse._load_built(cache) is None
    monkeypatch.setattr(geoparse, "_built_cache", lambda gaz: cache)
    matcher = geoparse._Matcher(Gazetteer.default())
    assert matcher.find(TEXT) != []
    assert geoparse._load_built(cache) is not None  # written anew, whole


def test_no_file_is_written_beside_a_custom_index(tmp_path: Path) -> None:
    custom = tmp_path / "mine.sqlite"
    custom.write_bytes(Path(Gazetteer.default().path).read_bytes())
    assert geoparse._built_cache(Gazetteer(custom)) is None
    assert geoparse._built_cache(Gazetteer.default()) is not None

"""The offline world gazetteer: registry sources, the compact index, and lookups."""

from routemap.gazetteer.core import Candidate, FallbackGazetteer, Gazetteer
from routemap.gazetteer.index import build_index, default_index_path, ensure_index

__all__ = [
    "Candidate",
    "FallbackGazetteer",
    "Gazetteer",
    "build_index",
    "default_index_path",
    "ensure_index",
]

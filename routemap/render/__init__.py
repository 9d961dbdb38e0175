"""Maps: folium pages people can publish, offline and byte-for-byte reproducible.

:func:`render` draws routes (one layer per mode, arrows, legend, escaped popups with the
citing sentences, sources footer); :func:`offline_map` and :func:`places_map` are the
offline base and the map of places the CLI draws; :func:`save_html` writes a page
atomically.
"""

from routemap.render.core import LAYER_KEYS, render
from routemap.render.ids import deterministic_ids
from routemap.render.markup import CAVEAT, safe_json
from routemap.render.offline import ATTRIBUTION, offline_map, places_map, save_html
from routemap.render.style import MODE_STYLES, ModeStyle, WidthScale

__all__ = [
    "ATTRIBUTION",
    "CAVEAT",
    "LAYER_KEYS",
    "MODE_STYLES",
    "ModeStyle",
    "WidthScale",
    "deterministic_ids",
    "offline_map",
    "places_map",
    "render",
    "safe_json",
    "save_html",
]

"""Maps: folium pages people can publish, offline and byte-for-byte reproducible.

:func:`render` draws routes (one layer per mode, arrows, legend, escaped popups with the
citing sentences, sources footer); :func:`offline_map` and :func:`places_map` are the
offline base and the map of places the CLI draws; :func:`save_html` writes a page
atomically.

The package itself is callable, so ``routemap.render(routes)`` is ``render(routes)``:

>>> import routemap.render
>>> routemap.render.__call__.__doc__.splitlines()[0]
'``routemap.render(routes, ...)``: the same as :func:`routemap.render.render`.'
"""

import sys
import types
from typing import Any

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


class _CallableModule(types.ModuleType):
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """``routemap.render(routes, ...)``: the same as :func:`routemap.render.render`."""
        return render(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule

"""The map's own Leaflet pieces: small MacroElements whose templates receive values only
through ``tojson`` or :func:`~routemap.render.markup.safe_json` (layer variables, which
are our own deterministic element names, are the one thing written as identifiers).

- :class:`RouteLayers` binds popups and tooltips to one render's layers, adds the
  direction arrows (triangles drawn by the layer's renderer, canvas or SVG) and registers
  the mode layers in ``window.routemapLayers``;
- :class:`TimeFilter` is a two-year range control that takes features out of their layer
  and puts them back (``window.routemapFilter(from, to)`` does the same from a script);
- :class:`Panel` is a Leaflet control holding escaped HTML built in Python (the legend,
  the sources footer);
- :class:`PackedGeoJson` is a ``folium.GeoJson`` written compactly (see its doc).

Big payloads (the record tables, the layers' data, Leaflet itself) are written into the
page as they are (:class:`RawMarkup`): branca would otherwise compile each element's
text once more as a Jinja template, which costs more than building the map.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Literal

import folium
from branca.element import Element, Figure, MacroElement
from folium.template import Template

from routemap.render.ids import _LOCK
from routemap.render.markup import safe_json

__all__ = ["PackedGeoJson", "Panel", "RawMarkup", "RouteLayers", "TimeFilter"]

CSS = """<style>
.routemap-panel{background:rgba(255,255,255,.92);padding:6px 8px;border-radius:4px;
 font:12px/1.35 sans-serif;color:#222;box-shadow:0 1px 4px rgba(0,0,0,.3);max-height:45vh;
 overflow:auto}
#routemap-legend svg{vertical-align:middle}
#routemap-legend{font-size:11px;line-height:1.2;max-width:250px}
#routemap-legend summary{font-weight:600;cursor:pointer}
.routemap-legend-title{font-weight:600;margin-top:4px}
#routemap-footer{max-width:min(480px,60vw);font-size:11px}
#routemap-footer ol{margin:2px 0;padding-left:18px}
.routemap-caveat{font-style:italic}
.routemap-popup{font:12px/1.4 sans-serif}
.routemap-popup .routemap-route{font-weight:600;margin-bottom:3px}
.routemap-popup th{text-align:left;padding-right:6px;vertical-align:top;font-weight:600}
.routemap-popup ol{padding-left:18px;margin:4px 0}
.routemap-popup q{font-style:italic}
.routemap-docid{color:#666}
#routemap-time input{width:4.5em}
</style>"""


class RawMarkup(Element):
    """Markup (script, style or HTML) written into the page as it is: no template, so
    nothing in it is evaluated by Jinja, and nothing is compiled (Leaflet inlined is
    150 kB, which branca's ``Element(text)`` would compile on every page)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "RawMarkup"
        self.text = text

    def render(self, **kwargs: Any) -> str:
        return self.text


def add_script(element: Element, text: str) -> None:
    """Put ``text`` in the page's script under ``element``'s name (once per page render)."""
    root = element.get_root()
    if not isinstance(root, Figure):
        raise TypeError(f"{element.get_name()} is not in a page (branca Figure)")
    root.script.add_child(RawMarkup(text), name=element.get_name())


def _render_macro_once(self: MacroElement, **kwargs: Any) -> str:
    """branca's ``MacroElement.render``, with each macro's output put in the page as it
    is rather than compiled and rendered once more as a Jinja template."""
    figure = self.get_root()
    if not isinstance(figure, Figure):
        raise TypeError(f"{self.get_name()} is not in a page (branca Figure)")
    macros = self._template.module.__dict__
    for part in ("header", "html", "script"):
        macro = macros.get(part)
        if macro is not None:
            getattr(figure, part).add_child(
                RawMarkup(str(macro(self, kwargs))), name=self.get_name()
            )
    for child in self._children.values():
        child.render(**kwargs)
    return ""


@contextmanager
def single_pass() -> Iterator[None]:
    """Within the block, folium's elements put their output into the page as it is
    (:class:`RawMarkup`) instead of having branca compile it once more as a Jinja
    template: that second pass is a third of the cost of a small map, and it would
    evaluate any ``{{ }}`` that reached the output. The replacement is process-wide
    while the block runs, so it holds the lock of :func:`deterministic_ids`.
    """
    with _LOCK:
        original = MacroElement.__dict__["render"]
        setattr(MacroElement, "render", _render_macro_once)  # noqa: B010
        try:
            yield
        finally:
            setattr(MacroElement, "render", original)  # noqa: B010


class _RawMacro(MacroElement):
    """A MacroElement with only a ``script`` macro, whose output goes to the page as it
    is instead of through a second Jinja pass (:class:`RawMarkup`)."""

    def render(self, **kwargs: Any) -> str:
        script = self._template.module.__dict__["script"]
        add_script(self, str(script(self, kwargs)))
        for child in self._children.values():
            child.render(**kwargs)
        return ""


class RouteLayers(_RawMacro):
    """Popups, tooltips and arrows for the layers of one render.

    The popups are assembled here from records (see :mod:`routemap.render.markup`):
    ``texts`` are escaped texts, ``routes``, ``citations`` and ``places`` lists of indices
    into them. A leg feature refers to its route (``r``) and, in a multi-leg route, its
    leg (``i``); it may carry ``b`` (bearing at its end, degrees) and ``a`` (approximate).
    A place or area feature refers to its place (``p``); a country shaded by role to its
    record in ``countries`` (``k``): ``[name, origin of, transit on, destination of]``,
    a text index and three numbers of routes. Only escaped text, numbers and constant
    markup are joined into HTML.
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function() {
  var S = {{ this.json.texts }};
  var R = {{ this.json.routes }};
  var C = {{ this.json.citations }};
  var P = {{ this.json.places }};
  var M = {{ this.json.modes }};
  var MK = {{ this.json.mode_order }};
  var K = {{ this.json.countries }};
  var KR = {{ this.json.role_names }};
  var legs = {
  {%- for key, layer in this.leg_layers %}
    {{ key|tojson }}: {{ layer.get_name() }}{{ "," if not loop.last }}
  {%- endfor %}
  };
  var others = [
  {%- for layer in this.other_layers %}
    {{ layer.get_name() }}{{ "," if not loop.last }}
  {%- endfor %}
  ];
  var countries = [
  {%- for layer in this.country_layers %}
    {{ layer.get_name() }}{{ "," if not loop.last }}
  {%- endfor %}
  ];
  var aboveCountries = [
  {%- for layer in this.above_countries %}
    {{ layer.get_name() }}{{ "," if not loop.last }}
  {%- endfor %}
  ];
  function s(i) { return i < 0 ? '' : S[i]; }
  function row(name, i) {
    return i < 0 ? '' : '<tr><th>' + name + '</th><td>' + S[i] + '</td></tr>';
  }
  function label(m) { return M[MK[m]].label; }
  function cite(k) {
    var c = C[k];
    var about = [c[1] < 0 ? '' : '<cite>' + S[c[1]] + '</cite>', s(c[2]), s(c[3]),
      '<span class="routemap-docid">' + s(c[4]) + '</span>'];
    return '<li><q>' + (c[0] < 0 ? '<i>(no sentence recorded)</i>' : S[c[0]]) + '</q><div>' +
      about.filter(function(a) { return a; }).join(' · ') + '</div></li>';
  }
  function popup(p) {
    var r = R[p.r], n = r[1].length, modes = [];
    r[1].forEach(function(m) { if (modes.indexOf(label(m)) < 0) { modes.push(label(m)); } });
    var html = '<div class="routemap-route">' + r[0].map(s).join(' → ') + '</div><table>' +
      '<tr><th>Mode</th><td>' + modes.join(', ') + '</td></tr>' + row('Commodity', r[3]) +
      row('Quantity', r[4]) + row('Period', r[5]) + row('Confidence', r[6]) +
      (n === 1 ? row('Path', r[2][0]) : '') + '</table>';
    if (n > 1) {
      var i = p.i || 0;
      html += '<div class="routemap-legline">Leg ' + (i + 1) + ' of ' + n + ': ' +
        s(r[0][i]) + ' → ' + s(r[0][i + 1]) + ' (' + label(r[1][i]) + '; ' + s(r[2][i]) +
        ')</div>';
    }
    if (r[7].length) {
      html += '<ol class="routemap-citations">' + r[7].map(cite).join('') + '</ol>';
    }
    return '<div class="routemap-popup">' + html + '</div>';
  }
  function placePopup(q) {
    return '<div class="routemap-popup"><div class="routemap-route">' + s(q[0]) +
      '</div><table>' + row('Kind', q[1]) + row('Country', q[2]) + row('Id', q[3]) +
      row('Source', q[4]) + '</table></div>';
  }
  // An arrowhead: a triangle with its tip on the leg's end, turned to the bearing the
  // leg arrives on (p.b, degrees clockwise from north, computed in Python); drawn by the
  // layer's renderer (canvas or SVG) like any other path.
  var Arrow = L.CircleMarker.extend({
    _updatePath: function() {
      var tip = this._point, t = this.options.bearing * Math.PI / 180;
      var dx = Math.sin(t), dy = -Math.cos(t), bx = tip.x - 10 * dx, by = tip.y - 10 * dy;
      this._parts = this._empty() ? [] : [[tip, L.point(bx - 6 * dy, by + 6 * dx),
        L.point(bx + 6 * dy, by - 6 * dx)]];
      this._renderer._updatePoly(this, true);
    }
  });
  function arrow(p, latlng, mode) {
    return new Arrow(latlng, {
      radius: 10, bearing: +p.b, stroke: false, fill: true, fillColor: M[mode].color,
      fillOpacity: p.a ? {{ this.approx_opacity|tojson }} : 1,
      className: 'routemap-arrow routemap-mode-' + mode
    });
  }
  function tip(p, mode) {
    var r = R[p.r];
    return s(r[0][0]) + ' → ' + s(r[0][r[0].length - 1]) + ' (' + M[mode].label + ')';
  }
  // Popups and tooltips are bound to each layer as a whole (Leaflet hands the clicked or
  // hovered member to the function): one binding per layer, not two per leg.
  Object.keys(legs).forEach(function(mode) {
    var group = legs[mode], arrows = [];
    group.eachLayer(function(line) {
      var p = line.feature.properties;
      if (typeof p.b === 'number') {
        var points = line.getLatLngs();
        var head = arrow(p, points[points.length - 1], mode);
        head.feature = line.feature;
        arrows.push(head);
      }
    });
    arrows.forEach(function(head) { group.addLayer(head); });
    group.bindTooltip(function(item) {
      return tip(item.feature.properties, mode);
    }, {sticky: true});
    group.bindPopup(function(item) { return popup(item.feature.properties); }, {maxWidth: 360});
  });
  others.forEach(function(group) {
    function place(item) { return P[item.feature.properties.p]; }
    group.bindTooltip(function(item) {
      var q = place(item);
      return s(q[0]) + ' (' + s(q[1]) + ')';
    }, {sticky: true});
    group.bindPopup(function(item) { return placePopup(place(item)); }, {maxWidth: 320});
  });
  // A country's record: [name, routes it is the origin of, transit on, destination of].
  function roles(k) {
    var out = [];
    KR.forEach(function(role, j) {
      var n = K[k][j + 1];
      if (n) { out.push([role, n + (n === 1 ? ' route' : ' routes')]); }
    });
    return out;
  }
  countries.forEach(function(group) {
    function record(item) { return item.feature.properties.k; }
    // Ticked again in the layer control, the countries are drawn last, over the lines:
    // put what was drawn above them back on top, in order.
    group.on('add', function() {
      aboveCountries.forEach(function(layer) { if (layer._map) { layer.bringToFront(); } });
    });
    group.bindTooltip(function(item) {
      var k = record(item);
      return s(K[k][0]) + ': ' + roles(k).map(function(r) {
        return r[0] + ' (' + r[1] + ')';
      }).join(', ');
    }, {sticky: true});
    group.bindPopup(function(item) {
      var k = record(item), found = roles(k);
      return '<div class="routemap-popup"><div class="routemap-route">' + s(K[k][0]) +
        '</div><table>' + found.map(function(r) {
          return '<tr><th>' + r[0] + '</th><td>' + r[1] + '</td></tr>';
        }).join('') + '</table>' + (found.length > 1 ? '<div>several roles</div>' : '') +
        '</div>';
    }, {maxWidth: 320});
  });
  window.routemapLayers = Object.assign(window.routemapLayers || {}, legs);
})();
{% endmacro %}
"""
    )

    def __init__(
        self,
        texts: list[str],
        routes: list[list[Any]],
        citations: list[list[int]],
        places: list[list[int]],
        leg_layers: list[tuple[str, MacroElement]],
        other_layers: list[MacroElement],
        modes: dict[str, dict[str, str]],
        mode_order: list[str],
        approx_opacity: float,
        countries: list[list[int]] | None = None,
        country_layers: list[MacroElement] | None = None,
        role_names: list[str] | None = None,
        above_countries: list[MacroElement] | None = None,
    ) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "RouteLayers"
        self.json = {
            "texts": safe_json(texts),
            "routes": safe_json(routes),
            "citations": safe_json(citations),
            "places": safe_json(places),
            "modes": safe_json(modes),
            "mode_order": safe_json(mode_order),
            "countries": safe_json(countries or []),
            "role_names": safe_json(role_names or []),
        }
        self.texts = texts
        self.routes = routes
        self.citations = citations
        self.places = places
        self.leg_layers = leg_layers
        self.other_layers = other_layers
        self.modes = modes
        self.mode_order = mode_order
        self.approx_opacity = approx_opacity
        self.countries = countries or []
        self.country_layers = country_layers or []
        self.above_countries = above_countries or []


class TimeFilter(MacroElement):
    """Two year inputs ("from", "to") that show only the features whose ``start``/``end``
    overlap the years; features without a period stay shown."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function() {
  var groups = [
  {%- for layer in this.layers %}
    {{ layer.get_name() }}{{ "," if not loop.last }}
  {%- endfor %}
  ];
  var members = groups.map(function(group) {
    var all = []; group.eachLayer(function(item) { all.push(item); }); return all;
  });
  function apply(from, to) {
    groups.forEach(function(group, i) {
      members[i].forEach(function(item) {
        var p = (item.feature || {}).properties || {};
        var show = !p.start || (+p.start.slice(0, 4) <= to && +p.end.slice(0, 4) >= from);
        if (show && !group.hasLayer(item)) { group.addLayer(item); }
        if (!show && group.hasLayer(item)) { group.removeLayer(item); }
      });
    });
  }
  window.routemapFilter = apply;
  var control = L.control({position: 'topright'});
  control.onAdd = function() {
    var div = L.DomUtil.create('div', 'routemap-panel');
    div.id = 'routemap-time';
    var label = L.DomUtil.create('div', '', div);
    label.textContent = {{ this.label|tojson }};
    var inputs = [{{ this.first|tojson }}, {{ this.last|tojson }}].map(function(year, i) {
      var input = L.DomUtil.create('input', '', div);
      input.type = 'number';
      input.min = {{ this.first|tojson }};
      input.max = {{ this.last|tojson }};
      input.value = year; input.id = ['routemap-time-from', 'routemap-time-to'][i];
      input.setAttribute('aria-label', ['from year', 'to year'][i]);
      if (i === 0) { div.appendChild(document.createTextNode(' – ')); }
      return input;
    });
    function changed() {
      apply(+inputs[0].value || -Infinity, +inputs[1].value || Infinity);
    }
    inputs.forEach(function(input) { L.DomEvent.on(input, 'input change', changed); });
    L.DomEvent.disableClickPropagation(div);
    L.DomEvent.disableScrollPropagation(div);
    return div;
  };
  control.addTo({{ this._parent.get_name() }});
})();
{% endmacro %}
"""
    )

    def __init__(self, layers: list[MacroElement], first: int, last: int) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "TimeFilter"
        self.layers = layers
        self.first = first
        self.last = last
        self.label = "Years shown (undated routes always shown)"


class Panel(MacroElement):
    """A Leaflet control at ``position`` whose element gets ``element_id`` and the
    (already escaped) ``html``."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function() {
  var control = L.control({position: {{ this.position|tojson }}});
  control.onAdd = function() {
    var div = L.DomUtil.create('div', 'routemap-panel');
    div.id = {{ this.element_id|tojson }};
    div.innerHTML = {{ this.html|tojson }};
    L.DomEvent.disableClickPropagation(div);
    L.DomEvent.disableScrollPropagation(div);
    return div;
  };
  control.addTo({{ this._parent.get_name() }});
})();
{% endmacro %}
"""
    )

    def __init__(self, element_id: str, position: str, html: str = "") -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "Panel"
        self.element_id = element_id
        self.position = position
        self.html = html


Pack = Literal["lines", "points"]

# Rebuilds the GeoJSON features of a packed layer (see PackedGeoJson) and makes the layer.
_UNPACK_JS = """(function(d, options) {
  var features = [], q = Math.pow(10, d.q), k, j, g, c, x, y, p, key, v;
  for (k = 0; k < d.n; k++) {
    if (d.k === 'lines') {
      g = d.g[k]; c = []; x = 0; y = 0;
      for (j = 0; j < g.length; j += 2) { x += g[j]; y += g[j + 1]; c.push([x / q, y / q]); }
      g = {type: 'LineString', coordinates: c};
    } else {
      g = {type: 'Point', coordinates: [d.g[2 * k] / q, d.g[2 * k + 1] / q]};
    }
    p = {};
    for (key in d.c) {
      v = d.c[key];
      v = v.t ? (v.i[k] < 0 ? null : v.t[v.i[k]]) : v[k];
      if (v !== null) { p[key] = v; }
    }
    features.push({type: 'Feature', id: k, geometry: g, properties: p});
  }
  function style(feature) { return d.S[d.s[feature.id]]; }
  options.style = style;
  options.pointToLayer = function(feature, latlng) {
    return L.circleMarker(latlng, style(feature));
  };
  return L.geoJson({type: 'FeatureCollection', features: features}, options);
})"""


class PackedGeoJson(folium.GeoJson):
    """A ``folium.GeoJson`` layer (one ``L.geoJson`` in the page) written compactly.

    ``data`` stays an ordinary FeatureCollection in Python. In the page, ``pack="lines"``
    (LineStrings) writes each feature's coordinates as integers (``decimals`` kept), each
    point as the step from the one before; ``pack="points"`` writes points as integers;
    properties go in one column per key (strings through a table of the distinct
    values); ``styles`` (one Leaflet style per feature, in order) becomes a table of the
    distinct styles and one index per feature. A few lines of script rebuild the same
    features, with ``id`` their position, before they reach ``L.geoJson``. With
    ``pack=None`` the FeatureCollection is written as it is, and ``styles`` is one style
    for every feature, or one per feature (each feature's ``id`` then its position).
    Everything goes through :func:`safe_json`, straight into the page's script.

    >>> fc = {"type": "FeatureCollection", "features": [{"type": "Feature", "id": 0,
    ...       "geometry": {"type": "LineString", "coordinates": [[1.5, 2.0], [1.25, 2.5]]},
    ...       "properties": {"r": 7, "start": "2014-01-01"}}]}
    >>> PackedGeoJson(fc, styles=[{"color": "#000"}], pack="lines").packed()
    '{"S":[{"color":"#000"}],"c":{"r":[7],"start":{"i":[0],"t":["2014-01-01"]}},\
"g":[[1500,2000,-250,500]],"k":"lines","n":1,"q":3,"s":[0]}'
    """

    def __init__(
        self,
        data: dict[str, Any],
        *,
        styles: Sequence[dict[str, Any]] | dict[str, Any],
        pack: Pack | None = None,
        decimals: int = 3,
        name: str | None = None,
        control: bool = True,
        interactive: bool = True,
        smooth_factor: float | None = None,
        data_json: str | None = None,
    ) -> None:
        super().__init__(data, name=name, control=control, smooth_factor=smooth_factor)
        self._name = "GeoJson"
        self.styles = styles
        self.pack = pack
        self.decimals = decimals
        self.interactive = interactive
        self.data_json = data_json
        if isinstance(styles, dict):
            self.style_function = lambda _, s=styles: s
        else:
            self.style_function = lambda f, s=styles: s[f["id"]]
            if len(styles) != len(data["features"]):
                raise ValueError(f"{len(styles)} styles for {len(data['features'])} features")
            if pack is None and any(f.get("id") != k for k, f in enumerate(data["features"])):
                raise ValueError("with one style per feature, each feature's id is its position")

    def packed(self) -> str:
        """The layer's data as it is written in the page (JSON)."""
        import numpy as np

        if self.pack is None:
            return self.data_json or safe_json(self.data)
        features = self.data["features"]
        scale = 10**self.decimals
        kind = "LineString" if self.pack == "lines" else "Point"
        for k, feature in enumerate(features):
            if feature["geometry"]["type"] != kind:
                raise ValueError(
                    f"feature {k} is a {feature['geometry']['type']}; pack={self.pack!r} "
                    f"takes {kind}s only"
                )
        if not features:
            geometry: list[Any] = []
        elif self.pack == "lines":
            lines = [f["geometry"]["coordinates"] for f in features]
            counts = np.fromiter((len(c) for c in lines), dtype=np.int64, count=len(lines))
            flat = np.array([xy for c in lines for xy in c], dtype=float).reshape(-1, 2)
            ints = np.rint(flat * scale).astype(np.int64)
            steps = np.diff(ints, axis=0, prepend=np.zeros((1, 2), dtype=np.int64))
            starts = np.concatenate(([0], np.cumsum(counts)[:-1])).astype(np.int64)
            steps[starts[counts > 0]] = ints[starts[counts > 0]]
            listed = steps.ravel().tolist()
            bounds = np.concatenate(([0], np.cumsum(2 * counts))).tolist()
            geometry = [listed[a:b] for a, b in itertools.pairwise(bounds)]
        else:
            flat = np.array([f["geometry"]["coordinates"][:2] for f in features], dtype=float)
            geometry = np.rint(flat * scale).astype(np.int64).ravel().tolist()
        keys = sorted({k for f in features for k in f["properties"]})
        columns: dict[str, Any] = {}
        for key in keys:
            values = [f["properties"].get(key) for f in features]
            if any(isinstance(v, str) for v in values):
                table: dict[Any, int] = {}
                index = [-1 if v is None else table.setdefault(v, len(table)) for v in values]
                columns[key] = {"t": list(table), "i": index}
            else:
                columns[key] = values
        table_of_styles, style_index = self._style_table()
        payload = {
            "k": self.pack,
            "n": len(features),
            "q": self.decimals,
            "g": geometry,
            "c": columns,
            "s": style_index,
            "S": table_of_styles,
        }
        return safe_json(payload)

    def _style_table(self) -> tuple[list[dict[str, Any]], list[int]]:
        """The distinct styles, and each feature's index into them."""
        distinct: dict[tuple[Any, ...], int] = {}
        table: list[dict[str, Any]] = []
        index = []
        for style in self.styles:
            assert isinstance(style, dict)
            key = tuple(sorted(style.items()))
            if key not in distinct:
                distinct[key] = len(table)
                table.append(style)
            index.append(distinct[key])
        return table, index

    def render(self, **kwargs: Any) -> str:
        options: dict[str, Any] = {"interactive": self.interactive}
        if self.smooth_factor is not None:
            options["smoothFactor"] = self.smooth_factor
        name = self.get_name()
        if self.pack is None and isinstance(self.styles, dict):
            options_js = safe_json(options)[:-1] + ',"style":' + safe_json(self.styles) + "}"
            text = f"var {name} = L.geoJson({self.packed()}, {options_js});\n"
        elif self.pack is None:  # one style per feature, by its id (its position)
            table, index = self._style_table()
            text = (
                f"var {name} = (function(d, S, s, options) {{\n"
                "  options.style = function(feature) { return S[s[feature.id]]; };\n"
                "  return L.geoJson(d, options);\n"
                f"}})({self.packed()}, {safe_json(table)}, {safe_json(index)}, "
                f"{safe_json(options)});\n"
            )
        else:
            text = f"var {name} = {_UNPACK_JS}({self.packed()}, {safe_json(options)});\n"
        add_script(self, text)
        for child in self._children.values():
            child.render(**kwargs)
        return ""

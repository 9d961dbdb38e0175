"""The map's own Leaflet pieces: small MacroElements whose templates receive values only
through ``tojson`` (layer variables, which are our own deterministic element names, are
the one thing written as identifiers).

- :class:`RouteLayers` binds popups and tooltips to the features of one render's layers,
  adds the direction arrows (rotated DivIcons) and registers the mode layers in
  ``window.routemapLayers``;
- :class:`TimeFilter` is a two-year range control that takes features out of their layer
  and puts them back (``window.routemapFilter(from, to)`` does the same from a script);
- :class:`Panel` is a Leaflet control holding escaped HTML built in Python (the legend,
  the sources footer).
"""

from __future__ import annotations

from typing import Any

from branca.element import MacroElement
from folium.template import Template

__all__ = ["Panel", "RouteLayers", "TimeFilter"]

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
.routemap-arrow{background:none;border:none}
.routemap-arrow svg{display:block;pointer-events:auto}
#routemap-time input{width:4.5em}
</style>"""


class RouteLayers(MacroElement):
    """Popups, tooltips and arrows for the layers of one render.

    The popups are assembled here from records (see :mod:`routemap.render.markup`):
    ``texts`` are escaped texts, ``routes``, ``citations`` and ``places`` lists of indices
    into them. A leg feature refers to its route (``r``) and, in a multi-leg route, its
    leg (``i``); it may carry ``b`` (bearing at its end, degrees) and ``a`` (approximate).
    A place or area feature refers to its place (``p``). Only escaped text and constant
    markup are joined into HTML.
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function() {
  var S = {{ this.texts|tojson }};
  var R = {{ this.routes|tojson }};
  var C = {{ this.citations|tojson }};
  var P = {{ this.places|tojson }};
  var M = {{ this.modes|tojson }};
  var MK = {{ this.mode_order|tojson }};
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
  function arrow(p, latlng, mode) {
    var svg = '<svg width="20" height="20" viewBox="0 0 20 20" style="transform:rotate(' +
      (+p.b) + 'deg)"><path d="M10 10 L4 20 L16 20 Z" fill="' + M[mode].color +
      '" fill-opacity="' + (p.a ? {{ this.approx_opacity|tojson }} : 1) + '"/></svg>';
    var icon = L.divIcon({
      className: 'routemap-arrow routemap-mode-' + mode, html: svg,
      iconSize: [20, 20], iconAnchor: [10, 10]
    });
    return L.marker(latlng, {keyboard: false, icon: icon});
  }
  Object.keys(legs).forEach(function(mode) {
    var group = legs[mode], arrows = [];
    group.eachLayer(function(line) {
      var p = line.feature.properties, r = R[p.r];
      var tip = s(r[0][0]) + ' → ' + s(r[0][r[0].length - 1]) + ' (' + M[mode].label + ')';
      var targets = [line];
      if (typeof p.b === 'number') {
        var points = line.getLatLngs();
        var head = arrow(p, points[points.length - 1], mode);
        head.feature = line.feature;
        arrows.push(head);
        targets.push(head);
      }
      targets.forEach(function(t) {
        t.bindTooltip(tip, {sticky: true});
        t.bindPopup(function() { return popup(p); }, {maxWidth: 360});
      });
    });
    arrows.forEach(function(head) { group.addLayer(head); });
  });
  others.forEach(function(group) {
    group.eachLayer(function(item) {
      var q = P[item.feature.properties.p];
      item.bindTooltip(s(q[0]) + ' (' + s(q[1]) + ')', {sticky: true});
      item.bindPopup(function() { return placePopup(q); }, {maxWidth: 320});
    });
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
    ) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "RouteLayers"
        self.texts = texts
        self.routes = routes
        self.citations = citations
        self.places = places
        self.leg_layers = leg_layers
        self.other_layers = other_layers
        self.modes = modes
        self.mode_order = mode_order
        self.approx_opacity = approx_opacity


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

"""The HTML and JSON the map carries, built in Python and escaped on the way out.

Every text that came from a document or a file (sentences, titles, place names,
sources, commodities, quantities) goes through :func:`html.escape` before it becomes HTML,
and reaches JavaScript only as JSON from :func:`safe_json` (or Jinja's ``tojson``), which
escapes ``<``, ``>``, ``&``, ``'`` and every non-ASCII character (U+2028 and U+2029 too).

>>> safe_json({"s": "</script><b>\u2028"})
'{"s":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u2028"}'
>>> esc('"><img src=x onerror=alert(1)>')
'&quot;&gt;&lt;img src=x onerror=alert(1)&gt;'
"""

from __future__ import annotations

import contextlib
import html
import json
from collections.abc import Iterable, Sequence
from typing import Any

from routemap.places import Place, PlaceKind
from routemap.render.style import (
    MODE_STYLES,
    PLACE_STYLES,
    ROLE_OPACITY,
    ROLE_STYLES,
    WidthScale,
    leg_style,
)
from routemap.routes import Citation, Leg, Mode, Route

__all__ = [
    "CAVEAT",
    "MODE_ORDER",
    "TextTable",
    "citation_record",
    "esc",
    "footer_html",
    "legend_html",
    "place_record",
    "route_record",
    "safe_json",
]

CAVEAT = (
    "Routes are indicative and drawn from reporting; each line links to the sentence it rests on."
)


_MORE = str.maketrans({"{": "&#123;", "}": "&#125;", "`": "&#96;", "\\": "&#92;", "\x00": None})


def esc(text: object) -> str:
    """``text`` as HTML text (NUL dropped, as HTML parsers do): quotes escaped too;
    braces, backticks and backslashes as character references, because branca renders a
    MacroElement's output once more as a Jinja template (``{{7*7}}`` would become ``49``)
    and folium's Tooltip puts its text in a JavaScript template literal (where a backtick
    or ``${`` would run code).

    >>> esc("{{7*7}} <b>`")
    '&#123;&#123;7*7&#125;&#125; &lt;b&gt;&#96;'
    """
    return html.escape(str(text), quote=True).translate(_MORE)


def safe_json(value: Any) -> str:
    """Compact JSON that is safe inside a ``<script>`` block, an HTML attribute and a Jinja
    template (``{{``, ``{%`` and ``{#`` only occur inside strings, and are broken up)."""
    text = json.dumps(value, ensure_ascii=True, sort_keys=True, separators=(",", ":"))
    for old, new in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("'", "\\u0027"),
        ("{{", "{\\u007b"),
        ("{%", "{\\u0025"),
        ("{#", "{\\u0023"),
    ):
        text = text.replace(old, new)
    return text


class TextTable:
    """Escaped texts, each kept once; records refer to them by index (-1: none).

    Popups are assembled in the page from these records, so a name or a sentence that
    many routes share is written once.

    >>> texts = TextTable()
    >>> texts.add("<b>"), texts.add("<b>"), texts.add(None), texts.texts
    (0, 0, -1, ['&lt;b&gt;'])
    """

    def __init__(self) -> None:
        self.texts: list[str] = []
        self._index: dict[str, int] = {}
        self._seen: dict[object, int] = {}  # the values added so far, before str()

    def add(self, text: object) -> int:
        try:
            return self._seen[text]  # most texts recur: names, periods, sentences
        except (KeyError, TypeError):
            pass
        if text is None or text == "":
            return -1
        key = str(text)
        index = self._index.get(key)
        if index is None:
            index = self._index[key] = len(self.texts)
            self.texts.append(esc(key))
        with contextlib.suppress(TypeError):  # unhashable: looked up by its text each time
            self._seen[text] = index
        return index


#: The order of modes in records (their index) and in the layers.
MODE_ORDER = list(Mode)


def _path_text(leg: Leg) -> str:
    text = leg.geometry_kind.value.replace("_", " ")
    if leg.approximate:
        text += "; approximate" + (f": {leg.note}" if leg.note else "")
    return text


def _quantity_text(route: Route) -> str | None:
    if route.quantity is None:
        return None
    text = route.quantity.text
    kg = route.quantity.value_kg
    if kg is not None and f"{kg:,.0f} kg" != text:
        text += f" (≈ {kg:,.0f} kg)"
    return text


def route_record(route: Route, texts: TextTable, citations: list[int]) -> list[Any]:
    """``[stops, leg modes, leg paths, commodity, quantity, period, confidence,
    citations]``: text indices, mode indices (:data:`MODE_ORDER`), citation indices."""
    return [
        [texts.add(p.name) for p in route.stops],
        [MODE_ORDER.index(leg.mode) for leg in route.legs],
        [texts.add(_path_text(leg)) for leg in route.legs],
        texts.add(route.commodity),
        texts.add(_quantity_text(route)),
        texts.add(route.period),
        texts.add(f"{route.confidence:.2g}"),
        citations,
    ]


def citation_record(citation: Citation, texts: TextTable) -> list[int]:
    """``[sentence, title, date, source, document]`` as text indices."""
    return [
        texts.add(" ".join(citation.sentence.split())),
        texts.add(citation.title),
        texts.add(citation.date),
        texts.add(citation.source),
        texts.add(citation.document),
    ]


def place_record(place: Place, texts: TextTable) -> list[int]:
    """``[name, kind, country, id, source]`` as text indices."""
    return [
        texts.add(place.name),
        texts.add(PLACE_STYLES[place.kind].label),
        texts.add(place.country),
        texts.add(place.id),
        texts.add(place.source),
    ]


def _swatch(mode: Mode, weight: float = 3.0, *, approximate: bool = False) -> str:
    style = leg_style(mode, weight, approximate=approximate)
    dash = f' stroke-dasharray="{style["dashArray"]}"' if "dashArray" in style else ""
    return (
        f'<svg width="44" height="12" aria-hidden="true"><line x1="1" y1="6" x2="43" y2="6" '
        f'stroke="{style["color"]}" stroke-width="{style["weight"]}" '
        f'stroke-opacity="{style["opacity"]}"{dash}/></svg>'
    )


ARROW_SVG = (
    '<svg width="14" height="14" viewBox="0 0 20 20" aria-hidden="true" '
    'style="transform:rotate(90deg)"><path d="M10 0 L3 14 L17 14 Z" fill="#333"/></svg>'
)


def legend_html(
    modes: Sequence[Mode],
    scales: Sequence[WidthScale],
    kinds: Sequence[PlaceKind],
    areas: bool,
    *,
    roles: Sequence[str] = (),
) -> str:
    """The legend: mode swatches with their dash patterns, what width means, the arrow,
    place kinds, country roles (keys of ``ROLE_STYLES``). Only constants and numbers:
    nothing from documents."""
    parts = ['<div class="routemap-legend-title">Mode</div>']
    for mode in modes:
        parts.append(f"<div>{_swatch(mode)} {esc(MODE_STYLES[mode].label)}</div>")
    if modes:
        parts.append(
            f"<div>{_swatch(modes[0], approximate=True)} approximate / schematic path "
            "(lighter, thinner)</div>"
        )
        parts.append(f"<div>{ARROW_SVG} direction (arrow at the end of each leg)</div>")
    for scale in scales:
        parts.append(f'<div class="routemap-legend-title">{esc(scale.caption)}</div>')
        for width, label in scale.samples():
            parts.append(
                '<div><svg width="44" height="12" aria-hidden="true"><line x1="1" y1="6" '
                f'x2="43" y2="6" stroke="#555" stroke-width="{width}"/></svg> {esc(label)}</div>'
            )
    if kinds or areas:
        parts.append('<div class="routemap-legend-title">Places</div><div>')
    for kind in kinds:
        style = PLACE_STYLES[kind]
        parts.append(
            f'<span><svg width="12" height="12" aria-hidden="true"><circle cx="6" cy="6" '
            f'r="{style.radius}" fill="{style.color}" stroke="#fff"/></svg> '
            f"{esc(style.label)}</span> "
        )
    if areas:
        parts.append(
            '<span><svg width="14" height="12" aria-hidden="true"><rect x="1" y="1" width="12" '
            'height="10" fill="#8B4513" fill-opacity=".25" stroke="#8B4513"/></svg> '
            "area</span>"
        )
    if kinds or areas:
        parts.append("</div>")
    if roles:
        parts.append('<div class="routemap-legend-title">Countries by role</div><div>')
    for role in roles:
        shade = ROLE_STYLES[role]
        outline = (
            f'stroke="#555" stroke-dasharray="{shade.dash}"'
            if shade.dash
            else f'stroke="{shade.color}"'
        )
        parts.append(
            '<span><svg width="14" height="12" aria-hidden="true"><rect x="1" y="1" width="12" '
            f'height="10" fill="{shade.color}" fill-opacity="{ROLE_OPACITY}" {outline}/></svg> '
            f"{esc(shade.label)}</span> "
        )
    if roles:
        parts.append("</div>")
    return f"<details open><summary>Legend</summary>{''.join(parts)}</details>"


def footer_html(documents: Iterable[Citation], attribution: str) -> str:
    """The sources footer: the caveat, the documents cited, the attribution."""
    docs = sorted({c.document: c for c in documents}.values(), key=lambda c: c.document)
    items = "".join(
        f"<li>{esc(c.document)}"
        + (f": <cite>{esc(c.title)}</cite>" if c.title else "")
        + (f" ({esc(c.date)})" if c.date else "")
        + (f", {esc(c.source)}" if c.source else "")
        + "</li>"
        for c in docs
    )
    sources = (
        f"<details><summary>Sources ({len(docs)} documents)</summary><ol>{items}</ol></details>"
        if docs
        else ""
    )
    return (
        f'<div class="routemap-caveat">{esc(CAVEAT)}</div>{sources}'
        f'<div class="routemap-attribution">{esc(attribution)}</div>'
    )

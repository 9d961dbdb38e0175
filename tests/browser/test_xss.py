"""Hostile text in every field a map shows, opened in a real browser.

Article text (the citation sentence), document ids and titles, sources, place names,
commodities, quantities and map titles carry the payloads below. A page passes when no
dialog opened, ``window.__xss`` stayed empty, no console error was logged, no request
left the page, no injected markup (inline handlers, ``javascript:`` URLs, frames …) is in
the document with every popup and tooltip open, and the text reads as written.

Payloads are batched: one page per field group, all payloads at once.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import shapely

import routemap
from routemap.render import places_map, save_html

from .browserkit import RecordingPage, collapse, require_render

PAYLOADS: tuple[str, ...] = (
    # script elements
    "<script>__xss.push(1)</script>",
    "<SCRIPT SRC=x.js></SCRIPT>",
    "<scr<script>ipt>__xss.push(3)</scr</script>ipt>",
    "<script>alert(4)</script>",
    # event-handler attributes
    "<img src=x onerror=__xss.push(5)>",
    '<img src="x" onerror="alert(6)">',
    "<img src=x:alert(7) onerror=eval(src)>",
    "<img src=1 onerror=confirm(8)>",
    "<img src=1 onerror=prompt(9)>",
    "<body onload=__xss.push(10)>",
    "<details open ontoggle=__xss.push(11)>",
    "<video><source onerror=__xss.push(12)></video>",
    "<input autofocus onfocus=__xss.push(13)>",
    "<div onmouseover=__xss.push(14)>hover me</div>",
    # javascript: and other URLs
    '<a href="javascript:__xss.push(15)">click</a>',
    '<a href="jav&#x09;ascript:__xss.push(16)">tab</a>',
    '<iframe src="javascript:parent.__xss.push(17)"></iframe>',
    '<object data="javascript:__xss.push(18)"></object>',
    '<embed src="javascript:__xss.push(19)">',
    '<form action="javascript:__xss.push(20)"><button>go</button></form>',
    '<meta http-equiv="refresh" content="0;url=javascript:__xss.push(21)">',
    "javascript:__xss.push(22)",
    "data:text/html,<script>__xss.push(23)</script>",
    '<base href="http://127.0.0.1:9/">',
    "<link rel=stylesheet href=http://127.0.0.1:9/x.css>",
    "<style>@import 'http://127.0.0.1:9/x.css';</style>",
    '<div style="background:url(http://127.0.0.1:9/x.png)">bg</div>',
    # broken quotes, breaking out of attributes, JSON and JS strings
    '"><script>__xss.push(28)</script>',
    "'><img src=x onerror=__xss.push(29)>",
    '" onmouseover="__xss.push(30)" x="',
    "' onfocus='__xss.push(31)' autofocus='",
    '\\"><img src=x onerror=__xss.push(32)>',
    '"}]);__xss.push(33);//',
    "');__xss.push(34);//",
    # </script> inside JSON, comments, CDATA
    "</script><script>__xss.push(35)</script>",
    "</SCRIPT ><script>__xss.push(36)</script>",
    "<!--<script>__xss.push(37)</script>-->",
    "<!-- never closed",
    "--><script>__xss.push(39)</script>",
    "<![CDATA[<script>__xss.push(40)</script>]]>",
    "]]><script>__xss.push(41)</script>",
    "</title><img src=x onerror=__xss.push(42)>",
    "</style><img src=x onerror=__xss.push(43)>",
    "</textarea><img src=x onerror=__xss.push(44)>",
    "</div></div></div><img src=x onerror=__xss.push(45)>",
    # SVG and MathML
    "<svg onload=__xss.push(46)>",
    "<svg><script>__xss.push(47)</script></svg>",
    '<svg><a xlink:href="javascript:__xss.push(48)"><text y=20>x</text></a></svg>',
    "<svg><animate onbegin=__xss.push(49) attributeName=x dur=1s>",
    '<math href="javascript:__xss.push(50)">m</math>',
    "<math><mtext><table><mglyph><style><img src=x onerror=__xss.push(51)>",
    '<noscript><p title="</noscript><img src=x onerror=__xss.push(52)>">',
    # template injection (Jinja, Angular/Vue, JS template literals)
    "{{ 7*7 }} {% raw %}{{ 6*6 }}{% endraw %}",
    "{{constructor.constructor('__xss.push(54)')()}}",
    "${__xss.push(55)}",
    "`${__xss.push(56)}`",
    "`;__xss.push(57);`",
    "`+__xss.push(72)+`",
    "'+__xss.push(73)+'",
    '"+__xss.push(74)+"',
    "</script><script>__xss.push(75)</script><!--",
    "#{__xss.push(58)} <%= 7*7 %>",
    # Unicode tricks
    "line\u2028separator\u2029paragraph",
    "\u2028</script>\u2029<script>__xss.push(60)</script>",
    "\u202egnp.exe <script>__xss.push(61)</script>",
    "\u202dLRO \u202bRLE \u2066LRI\u2069 \u200fRLM",
    "\ufeff<script>__xss.push(63)</script>",
    "nul\x00<script>__xss.push(64)</script>",
    "\uff1cscript\uff1e__xss.push(65)\uff1c/script\uff1e",
    "\\u003cscript\\u003e__xss.push(66)\\u003c/script\\u003e",
    "&lt;script&gt;__xss.push(67)&lt;/script&gt;",
    "%3Cscript%3E__xss.push(68)%3C/script%3E",
    "zero\u200bwidth\u200djoiner e\u0301 \U0001f1f5\U0001f1ea \U000e0041",
    "\ud7ff\ue000\U0010fffd surrogates' neighbours",
)

MODES = ("air", "maritime", "river", "land", "postal")


def test_there_are_enough_payloads() -> None:
    assert len(PAYLOADS) >= 50
    assert len(set(PAYLOADS)) == len(PAYLOADS)


def visible(text: str) -> str:
    """What a correct page shows for ``text``: NUL dropped (the HTML parser drops it),
    whitespace collapsed."""
    return collapse(text.replace("\x00", ""))


def page_text(page: RecordingPage) -> str:
    return collapse(page.evaluate("document.body.textContent"))


def assert_safe(page: RecordingPage) -> None:
    assert page.dialogs == [], "a payload opened a dialog"
    assert page.xss() == [], "a payload ran"
    assert page.console_errors == []
    assert page.leaving_requests() == []
    assert page.injected_markup() == []


def place(i: int, name: str, *, kind: str = "city") -> routemap.Place:
    lat, lon = -40 + (i % 8) * 6, -90 + (i // 8) * 7
    geometry = shapely.box(lon - 1, lat - 1, lon + 1, lat + 1) if kind == "area" else None
    return routemap.Place(f"xss:{kind}{i}", name, kind, lat, lon, geometry=geometry)


# -- the recorder is not blind -----------------------------------------------------------


def test_the_recorder_sees_dialogs_markers_errors_and_requests(
    page: RecordingPage, tmp_path: Path
) -> None:
    html = tmp_path / "bad.html"
    html.write_text(
        "<!doctype html><title>bad</title><body>"
        "<script>__xss.push('ran'); console.error('boom');</script>"
        "<img src='http://127.0.0.1:9/leak.png'>"
        "<div onclick='x()'>handler</div>"
        "<script>setTimeout(() => alert('hi'), 0); undefinedFunction();</script>",
        encoding="utf-8",
    )
    page.open(html)
    page.settle()
    assert page.xss() == ["ran"]
    assert page.dialogs == [{"type": "alert", "message": "hi"}]
    assert any("boom" in e for e in page.console_errors)
    assert any("undefinedFunction" in e for e in page.console_errors)
    assert page.leaving_requests() == ["http://127.0.0.1:9/leak.png"]
    assert page.injected_markup() == ["DIV[onclick]"]


# -- the places map (places_map), testable now ------------------------------------------


def test_places_map_with_hostile_place_names(page: RecordingPage, tmp_path: Path) -> None:
    places = [place(i, p) for i, p in enumerate(PAYLOADS)]
    places += [place(i, p, kind="area") for i, p in enumerate(PAYLOADS[:12])]
    path = save_html(places_map(places, title="hostile place names"), tmp_path / "m.html")
    page.open(path)
    opened = page.open_all_popups()
    assert_safe(page)
    assert opened >= len(places)
    text = page_text(page)
    assert [p for p in PAYLOADS if visible(p) not in text] == []


def test_places_map_with_a_hostile_title(page: RecordingPage, tmp_path: Path) -> None:
    title = " | ".join(PAYLOADS)
    fmap = places_map([place(0, "Somewhere"), place(1, "Elsewhere")], title=title)
    page.open(save_html(fmap, tmp_path / "m.html"))
    page.open_all_popups()
    assert_safe(page)
    assert visible(title) in page_text(page)


# -- the route map (render) ---------------------------------------------------------------


def hostile_routes(field: str) -> list[Any]:
    """One route per payload, the payload in ``field`` (or the fields of a group)."""
    routes = []
    for i, payload in enumerate(PAYLOADS):
        names = ("origin", "destination")
        if field == "places":
            names = (payload, f"to {payload}")
        text: dict[str, Any] = {
            "document": f"seeds/doc{i}.txt",
            "title": "A document",
            "source": "A newspaper",
            "sentence": "Cocaine was flown from here to there.",
        }
        if field == "sentence":
            text.update(sentence=payload, document=f"{payload} {i}")
        elif field == "title+source":
            text.update(title=payload, source=payload)
        mode = MODES[i % len(MODES)] if field == "sentence" else "air"
        routes.append(
            routemap.Route.build(
                [place(2 * i, names[0]), place(2 * i + 1, names[1])],
                mode,
                commodity=payload if field == "commodity+quantity" else "cocaine",
                quantity=payload if field == "commodity+quantity" else "300 kilos",
                citations=[routemap.Citation(**text, start=0, end=10)],
            )
        )
    return routes


SHOWN = {
    "sentence": ("sentence",),
    "title+source": ("title", "source"),
    "places": ("places",),
    "commodity+quantity": ("commodity",),
}


@pytest.mark.parametrize("field", list(SHOWN))
def test_route_map_with_hostile_text(page: RecordingPage, tmp_path: Path, field: str) -> None:
    render = require_render()
    routes = hostile_routes(field)
    fmap = render(routes, title="hostile " + field, offline=True)
    page.open(save_html(fmap, tmp_path / "m.html"))
    opened = page.open_all_popups()
    assert_safe(page)
    assert opened >= len(routes), "the legs' popups did not open"
    text = page_text(page)
    missing = [p for p in PAYLOADS if visible(p) not in text]
    assert missing == [], f"shown altered or not at all ({', '.join(SHOWN[field])})"


def test_route_map_with_a_hostile_title(page: RecordingPage, tmp_path: Path) -> None:
    render = require_render()
    title = " | ".join(PAYLOADS)
    fmap = render(hostile_routes("none")[:3], title=title, offline=True)
    page.open(save_html(fmap, tmp_path / "m.html"))
    page.open_all_popups()
    assert_safe(page)
    shown = collapse(page.evaluate("document.getElementById('routemap-title').textContent"))
    assert visible(title) in shown
    assert page.evaluate("document.title") in ("", visible(title), title)


def test_payload_markers_are_unique() -> None:
    markers = re.findall(r"(?:push|alert|confirm|prompt)\((\d+)\)", "".join(PAYLOADS))
    assert len(markers) == len(set(markers))


def test_countries_by_role_with_hostile_country_names(page: RecordingPage, tmp_path: Path) -> None:
    from routemap.render.offline import country_shapes

    render = require_render()
    codes = sorted(country_shapes())[: len(PAYLOADS)]  # a country each: each name shown
    routes = [
        routemap.Route.build(
            [
                routemap.Place(f"xss:c{i}", payload, "country", -10.0, -60.0, country=code),
                place(i, "somewhere"),
            ],
            "air",
        )
        for i, (payload, code) in enumerate(zip(PAYLOADS, codes, strict=True))
    ]
    fmap = render(routes, title="hostile country names", country_roles=True)
    page.open(save_html(fmap, tmp_path / "m.html"))
    countries = "document.querySelectorAll('.routemap-popup').length"
    opened = page.open_all_popups()
    assert_safe(page)
    assert opened >= 2 * len(routes) and page.evaluate(countries) >= 2 * len(routes)
    text = page_text(page)
    assert [p for p in PAYLOADS if visible(f"{p}: origin (1 route)") not in text] == []

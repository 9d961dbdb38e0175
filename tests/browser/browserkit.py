"""Helpers for the browser tests: a recording tab, the CI-aware skip, page scripts."""

from __future__ import annotations

import json
import os
import re
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any

import pytest

from routemap.render.png import BrowserError, Page

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"

WIDTH, HEIGHT = 1200, 800

# Every document starts with an empty XSS trap, before any of its own scripts.
XSS_TRAP = "window.__xss = [];"

# URL schemes a page may use without leaving the machine or the page itself.
LOCAL_SCHEMES = ("data:", "blob:", "about:")


def require(condition: bool, what: str) -> None:
    """Skip when ``condition`` is false, except under CI=true where it is a failure."""
    if not condition:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{what} is required in CI but is missing")
        pytest.skip(f"{what} is missing")


def require_render() -> Any:
    """``routemap.render.render``; skip until it lands (fail under CI=true)."""
    import routemap.render

    require(hasattr(routemap.render, "render"), "routemap.render.render() (the route renderer)")
    return routemap.render.render


class RecordingPage:
    """A tab that records requests, console errors and dialogs. See the module doc."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.url: str | None = None
        self.requests: list[dict[str, Any]] = []
        self.console_errors: list[str] = []
        self.dialogs: list[dict[str, Any]] = []
        self._pending: set[str] = set()
        self._idle = threading.Condition()
        page.on(self._on_event)
        page.send("Network.enable")
        page.send("Log.enable")
        page.add_init_script(XSS_TRAP)

    # -- recording (runs on the browser's reader thread) ---------------------------------

    def _on_event(self, method: str, params: dict[str, Any]) -> None:
        if method == "Network.requestWillBeSent":
            request = params["request"]
            self.requests.append(
                {
                    "url": request["url"],
                    "method": request.get("method"),
                    "type": params.get("type"),
                    "initiator": params.get("initiator", {}).get("type"),
                }
            )
            with self._idle:
                self._pending.add(params["requestId"])
        elif method in ("Network.loadingFinished", "Network.loadingFailed"):
            with self._idle:
                self._pending.discard(params["requestId"])
                self._idle.notify_all()
        elif method == "Page.javascriptDialogOpening":
            self.dialogs.append({"type": params.get("type"), "message": params.get("message")})
            self.page.post("Page.handleJavaScriptDialog", {"accept": False})
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            text = " ".join(
                str(arg.get("value", arg.get("description", ""))) for arg in params.get("args", [])
            )
            self.console_errors.append(f"console.{params['type']}: {text}")
        elif method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            description = details.get("exception", {}).get("description") or details.get("text")
            self.console_errors.append(f"uncaught: {description}")
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            entry = params["entry"]
            self.console_errors.append(f"log.{entry.get('source')}: {entry.get('text')}")

    # -- actions ----------------------------------------------------------------------

    def open(self, target: str | os.PathLike[str]) -> RecordingPage:
        """Open a URL or an HTML file and wait for the READY signal and network idle."""
        url = target if isinstance(target, str) and "://" in target else None
        self.url = url or Path(target).resolve().as_uri()
        self.page.goto(self.url)
        self.settle()
        return self

    def evaluate(self, expression: str) -> Any:
        return self.page.evaluate(expression)

    def settle(self, timeout: float = 10.0) -> None:
        """Wait until no request is in flight and two frames have been painted."""
        deadline = time.monotonic() + timeout
        while True:
            self.page.evaluate(FRAMES_JS)
            with self._idle:
                if not self._pending:
                    return
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise BrowserError(f"requests still pending after {timeout:g} s")
                self._idle.wait(min(remaining, 0.5))

    def leaving_requests(self) -> list[str]:
        """URLs requested other than the page itself and data:/blob:/about: URLs."""
        own = (self.url or "").split("#")[0]
        # Over http the browser itself asks the page's origin for /favicon.ico.
        parts = urllib.parse.urlsplit(own)
        icon = f"{parts.scheme}://{parts.netloc}/favicon.ico" if parts.netloc else None
        return [
            r["url"]
            for r in self.requests
            if r["url"].split("#")[0] not in (own, icon) and not r["url"].startswith(LOCAL_SCHEMES)
        ]

    def xss(self) -> list[Any]:
        return list(self.evaluate("window.__xss") or [])

    def mouse(self, kind: str, x: float, y: float) -> None:
        base = {"x": x, "y": y, "button": "left", "pointerType": "mouse"}
        if kind == "click":
            # Hover first and let a frame pass: a press that arrives with the first move
            # to a spot is hit-tested against the previous frame.
            self.page.send("Input.dispatchMouseEvent", {"type": "mouseMoved", **base})
            self.page.evaluate(FRAMES_JS)
            for event in ("mousePressed", "mouseReleased"):
                params = {"type": event, **base, "clickCount": 1}
                self.page.send("Input.dispatchMouseEvent", params)
            self.page.evaluate(FRAMES_JS)  # e.g. the popup's autopan
        else:
            self.page.send("Input.dispatchMouseEvent", {"type": kind, **base})
            self.page.evaluate(FRAMES_JS)

    def point_on(self, selector: str, index: int = 0) -> tuple[float, float] | None:
        """A viewport point where the ``index``-th element matching ``selector`` is the
        topmost element (on the stroke of an SVG path), or None."""
        return self.evaluate(f"({POINT_ON_JS})({json.dumps(selector)}, {index})")  # type: ignore[no-any-return]

    def point_on_layer(self, layer: str) -> tuple[float, float] | None:
        """A viewport point that clicks the Leaflet layer ``layer`` (a JS expression): on
        its line (or at its point), where it is the topmost interactive layer of its
        renderer and the renderer's element is the topmost element; or None."""
        return self.evaluate(f"({POINT_ON_LAYER_JS})({layer})")  # type: ignore[no-any-return]

    def drawn_legs(self) -> dict[str, dict[str, int]]:
        """Per mode layer (``window.routemapLayers``): the legs (polylines) and the other
        layers (arrowheads) its renderer draws now."""
        return self.evaluate(DRAWN_JS)  # type: ignore[no-any-return]

    def painted(self, color: str) -> int:
        """How many pixels of the map's canvases have ``color`` (``#rrggbb``, ±24 per
        channel, any opacity blended over the page)."""
        return int(self.evaluate(f"({PAINTED_JS})({json.dumps(color)})"))

    def wait_for(self, expression: str, timeout_ms: int = 5000) -> Any:
        """The first truthy value of ``expression``, polled once per animation frame."""
        return self.evaluate(
            "new Promise((done, fail) => { const t0 = performance.now(); const poll = () => {"
            f" let v; try {{ v = ({expression}); }} catch (e) {{ return fail(e); }}"
            f" if (v) return done(v); if (performance.now() - t0 > {timeout_ms})"
            f" return done(null); requestAnimationFrame(poll); }}; poll(); }})"
        )

    def open_all_popups(self) -> int:
        """Open every popup and tooltip bound to any layer, or to a group for each of its
        members (popups kept open together), then settle; the number opened."""
        count = self.evaluate(OPEN_ALL_JS)
        self.settle()
        return int(count)

    def injected_markup(self) -> list[str]:
        """Markup in the document that only an injection would put there: inline event
        handler attributes, javascript: URLs, frames, objects, scripts inside SVG or the
        map's panes."""
        return list(self.evaluate(INJECTED_JS))

    def screenshot(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(self.page.screenshot())
        return path


# Two painted frames, then idle maps (no zoom or pan animation, e.g. a popup's autopan).
FRAMES_JS = (
    "new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r))))"
    ".then(() => window.routemapIdle && window.routemapIdle())"
)

POINT_ON_JS = r"""
(selector, index) => {
  const el = document.querySelectorAll(selector)[index];
  if (!el) return null;
  const candidates = [];
  if (el.getTotalLength && el.getScreenCTM) {
    const length = el.getTotalLength();
    for (let i = 0; i <= 20; i++) {
      const f = 0.5 + (i % 2 ? 1 : -1) * Math.ceil(i / 2) * 0.045;  // from the middle out
      const p = el.getPointAtLength(length * f);
      const q = new DOMPoint(p.x, p.y).matrixTransform(el.getScreenCTM());
      candidates.push([q.x, q.y]);
    }
  }
  const box = el.getBoundingClientRect();
  candidates.push([box.left + box.width / 2, box.top + box.height / 2]);
  // Mouse events land on whole pixels: try the pixels around each point.
  for (const [x0, y0] of candidates) {
    for (const [dx, dy] of [[0, 0], [1, 0], [0, 1], [-1, 0], [0, -1]]) {
      const x = Math.round(x0) + dx, y = Math.round(y0) + dy;
      if (x < 1 || y < 1 || x > innerWidth - 2 || y > innerHeight - 2) continue;
      const hit = document.elementFromPoint(x, y);
      if (hit === el || el.contains(hit)) return [x, y];
    }
  }
  return null;
}
"""

POINT_ON_LAYER_JS = r"""
(layer) => {
  const map = layer && layer._map, r = layer && layer._renderer;
  if (!map || !r) return null;
  const box = map.getContainer().getBoundingClientRect();
  const top = (p) => {  // the layer a click at layer point p reaches (canvas: last drawn)
    if (!(r instanceof L.Canvas)) return layer;
    let hit = null;
    for (let o = r._drawFirst; o; o = o.next) {
      if (o.layer.options.interactive && o.layer._containsPoint(p)) hit = o.layer;
    }
    return hit;
  };
  const candidates = [];
  for (const part of layer._parts || []) {
    for (let i = 0; i + 1 < part.length; i++) {
      for (const f of [0.5, 0.35, 0.65, 0.2, 0.8, 0.1, 0.9]) {
        candidates.push(part[i].add(part[i + 1].subtract(part[i]).multiplyBy(f)));
      }
    }
  }
  if (layer._point) candidates.push(layer._point);
  for (const p of candidates) {
    const c = map.layerPointToContainerPoint(p);
    const x = Math.round(box.left + c.x), y = Math.round(box.top + c.y);
    if (x < 1 || y < 1 || x > innerWidth - 2 || y > innerHeight - 2) continue;
    const back = map.containerPointToLayerPoint([x - box.left, y - box.top]);
    if (top(back) !== layer) continue;
    const element = document.elementFromPoint(x, y);
    if (element !== r._container && !(layer._path && element === layer._path)) continue;
    return [x, y];
  }
  return null;
}
"""

DRAWN_JS = r"""
(() => {
  const out = {};
  for (const [mode, group] of Object.entries(window.routemapLayers || {})) {
    let legs = 0, others = 0;
    group.eachLayer((layer) => {
      const r = layer._renderer;
      const drawn = !!(layer._map && r && (r instanceof L.Canvas
        ? r._layers[L.stamp(layer)] : layer._path && layer._path.isConnected));
      if (drawn && layer instanceof L.Polyline) legs++;
      else if (drawn) others++;
    });
    out[mode] = {legs: legs, others: others};
  }
  return out;
})()
"""

PAINTED_JS = r"""
(color) => {
  const want = [1, 3, 5].map((i) => parseInt(color.slice(i, i + 2), 16));
  const bg = [255, 255, 255];
  let count = 0;
  for (const canvas of document.querySelectorAll(".leaflet-overlay-pane canvas")) {
    const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
    for (let i = 0; i < data.length; i += 4) {
      const a = data[i + 3] / 255;
      if (a < 0.3) continue;
      const px = [0, 1, 2].map((k) => data[i + k]);
      // the colour at full opacity, or blended over white at the pixel's opacity
      const close = (target) => target.every((v, k) => Math.abs(v - px[k]) <= 24);
      if (close(want) || close(want.map((v, k) => v * a + bg[k] * (1 - a)))) count++;
    }
  }
  return count;
}
"""

# A popup or tooltip bound to a group serves each member in turn, one at a time: give
# every member its own, with the group's content (the same function, called with the
# member) and options, so that all of them can be open at once.
SPREAD_GROUP_BINDINGS_JS = r"""
((L, layers) => {
  for (const group of layers.filter((layer) => layer instanceof L.FeatureGroup)) {
    const popup = group.getPopup(), tooltip = group.getTooltip();
    group.eachLayer((member) => {
      if (popup && !member.getPopup()) member.bindPopup(popup._content, popup.options);
      if (tooltip && !member.getTooltip()) member.bindTooltip(tooltip._content, tooltip.options);
    });
    if (popup) group.unbindPopup();
    if (tooltip) group.unbindTooltip();
  }
})
"""

OPEN_ALL_JS = r"""
(() => {
  const L = window.L;
  if (!L) return 0;
  const maps = [];
  for (const key of Object.keys(window)) {
    let v; try { v = window[key]; } catch (e) { continue; }
    if (v instanceof L.Map && !maps.includes(v)) maps.push(v);
  }
  let opened = 0;
  for (const map of maps) {
    const layers = [];
    map.eachLayer((layer) => layers.push(layer));
    (SPREAD_GROUP_BINDINGS)(L, layers);
    for (const layer of layers) {
      const popup = layer.getPopup && layer.getPopup();
      if (popup) {
        popup.options.autoClose = false;
        popup.options.closeOnClick = false;
        popup.options.autoPan = false;
        layer.openPopup();
        opened++;
      }
      const tooltip = layer.getTooltip && layer.getTooltip();
      if (tooltip) { layer.openTooltip(); opened++; }
    }
  }
  return opened;
})()
""".replace("(SPREAD_GROUP_BINDINGS)", SPREAD_GROUP_BINDINGS_JS.strip())

INJECTED_JS = r"""
(() => {
  const found = [];
  const skip = new Set(["SCRIPT", "STYLE"]);
  for (const el of document.querySelectorAll("body *")) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      const value = attr.value.replace(/[\s\u0000-\u001f]+/g, "").toLowerCase();
      if (name.startsWith("on")) found.push(`${el.tagName}[${name}]`);
      const url = /^(href|src|action|formaction|xlink:href|data)$/.test(name);
      if (url && /^(javascript|vbscript|data:text\/html)/.test(value))
        found.push(`${el.tagName}[${name}=${attr.value.slice(0, 40)}]`);
    }
    if (["IFRAME", "FRAME", "OBJECT", "EMBED", "BASE", "META", "FORM"].includes(el.tagName))
      found.push(el.tagName);
    if (el.tagName === "SCRIPT" && el.closest(".leaflet-container, svg, math"))
      found.push("SCRIPT inside the map");
    if (el.tagName.toLowerCase() === "script" && el.namespaceURI !== "http://www.w3.org/1999/xhtml")
      found.push("foreign SCRIPT");
  }
  return found;
})()
"""


def collapse(text: str) -> str:
    """Whitespace runs as one space (textContent keeps the source's line breaks)."""
    return re.sub(r"\s+", " ", text).strip()

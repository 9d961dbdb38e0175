"""PNG snapshots of maps, rendered in headless Chromium.

The browser is driven over the DevTools protocol through a pipe
(``--remote-debugging-pipe``): no network socket is opened, no port is listened on and no
Python package beyond the standard library is needed — only a Chromium or Chrome
executable (Debian: ``apt install chromium chromium-driver``).

A snapshot is taken when the page says it is ready, not after a fixed sleep: a script
injected before the page's own scripts resolves ``window.routemapWhenReady`` (and sets
``window.routemapReady``) once the document has loaded, every Leaflet map has its view
and has finished animating (the zoom of a ``fit_bounds``, a pan), every tile layer has
its tiles, web fonts are in, and two animation frames have been painted since.
``window.routemapIdle()`` returns the same wait as a promise, for use after an
interaction.

A batch reuses one browser::

    from routemap.render.png import Browser, save_png

    with Browser() as browser:
        for name, fmap in maps.items():
            save_png(fmap, f"{name}.png", browser=browser)
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from routemap.errors import MissingDependency, RoutemapError
from routemap.files import write_atomically

if TYPE_CHECKING:
    import folium

__all__ = [
    "BROWSER_NAMES",
    "READY_SCRIPT",
    "Browser",
    "BrowserError",
    "Page",
    "find_browser",
    "save_png",
]

#: Executables tried in order; ``$ROUTEMAP_BROWSER`` (a path or a name) comes first.
BROWSER_NAMES = (
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "chrome",
    "chrome-headless-shell",
)

# Headless, and quiet: the background-networking flags stop Chromium from calling Google
# (safe browsing, component updates, variations, sync) while a map is being rendered.
_FLAGS = (
    "--headless",
    "--no-sandbox",  # the pages are maps we wrote; the sandbox fails as root and in containers
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--disable-breakpad",
    "--disable-crash-reporter",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--disable-features=Translate,MediaRouter,OptimizationHints,AutofillServerCommunication",
    "--metrics-recording-only",
    "--password-store=basic",
    "--use-mock-keychain",
    "--mute-audio",
    "--hide-scrollbars",
    "--remote-debugging-pipe",
)

#: Evaluated in every page before its own scripts: the READY signal.
READY_SCRIPT = r"""
(() => {
  if (window.routemapWhenReady) return;
  window.routemapReady = false;
  const frame = () => new Promise((done) => requestAnimationFrame(() => done()));
  const maps = () => {
    const L = window.L, found = [];
    if (!L || !L.Map) return found;
    for (const key of Object.keys(window)) {
      let value;
      try { value = window[key]; } catch (e) { continue; }
      if (value instanceof L.Map && !found.includes(value)) found.push(value);
    }
    return found;
  };
  const moving = (m) => !!(m._animatingZoom || (m._panAnim && m._panAnim._inProgress) ||
    m._flyToFrame);
  const tilesLoading = (m) => {
    let busy = false;
    m.eachLayer((layer) => { if (layer.isLoading && layer.isLoading()) busy = true; });
    return busy;
  };
  // Resolves once every map has its view, no zoom/pan/fly animation runs, every tile
  // layer has its tiles, fonts are in, and two frames have been painted since.
  window.routemapIdle = async () => {
    const all = maps();
    await Promise.all(all.map((m) => new Promise((done) => m.whenReady(() => done()))));
    if (document.fonts) await document.fonts.ready;
    let calm = 0;
    while (calm < 2) {
      await frame();
      calm = all.some((m) => moving(m) || tilesLoading(m)) ? 0 : calm + 1;
    }
    return true;
  };
  const loaded = new Promise((done) => {
    if (document.readyState === "complete") done();
    else window.addEventListener("load", () => done(), { once: true });
  });
  window.routemapWhenReady = loaded.then(() => window.routemapIdle()).then(() => {
    window.routemapReady = true;
    return true;
  });
})();
"""

_INSTALL_HINT = (
    "PNG export needs Chromium or Chrome: install it with `apt install chromium "
    "chromium-driver` (Debian/Ubuntu), or point $ROUTEMAP_BROWSER at a Chrome executable"
)


class BrowserError(RoutemapError, RuntimeError):
    """Headless Chromium failed: it would not start, crashed, timed out or an action failed."""


def find_browser() -> str | None:
    """The path of a Chromium/Chrome executable, or None when none is installed."""
    override = os.environ.get("ROUTEMAP_BROWSER")
    candidates = (override, *BROWSER_NAMES) if override else BROWSER_NAMES
    for name in candidates:
        path = shutil.which(name)
        if path:
            return path
    return None


class _Waiter:
    __slots__ = ("event", "result")

    def __init__(self) -> None:
        self.event = threading.Event()
        self.result: dict[str, Any] | None = None


class Browser:
    """One headless Chromium, driven over the DevTools protocol; a context manager.

    Start it once and reuse it for a batch (:func:`save_png` accepts ``browser=``); each
    :meth:`new_page` is a fresh tab. ``executable`` defaults to :func:`find_browser`;
    ``timeout`` (seconds) bounds every command and every wait.

    Raises :class:`routemap.MissingDependency` when no browser is installed and
    :class:`BrowserError` when it fails.
    """

    def __init__(
        self,
        executable: str | os.PathLike[str] | None = None,
        *,
        timeout: float = 30.0,
        args: tuple[str, ...] = (),
    ) -> None:
        found = str(executable) if executable is not None else find_browser()
        if found is None or shutil.which(found) is None:
            what = f"{found!r} is not an executable; " if found else "no Chromium found; "
            raise MissingDependency(what + _INSTALL_HINT)
        self.executable = found
        self.timeout = timeout
        self._args = tuple(args)
        self._process: subprocess.Popen[bytes] | None = None
        self._profile: str | None = None
        self._write_fd = -1
        self._read_fd = -1
        self._reader: threading.Thread | None = None
        self._lock = threading.Lock()
        self._next_id = 0
        self._waiters: dict[int, _Waiter] = {}
        self._listeners: dict[str | None, list[Callable[[str, dict[str, Any]], None]]] = (
            defaultdict(list)
        )
        self._closed = threading.Event()

    # -- life cycle ---------------------------------------------------------------------

    def __enter__(self) -> Browser:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"<Browser {self.executable} {state}>"

    @property
    def running(self) -> bool:
        return (
            self._process is not None and self._process.poll() is None and not self._closed.is_set()
        )

    def start(self) -> Browser:
        """Launch Chromium (idempotent)."""
        if self._process is not None:
            return self
        self._profile = tempfile.mkdtemp(prefix="routemap-chromium-")
        # Chromium reads commands from fd 3 and writes replies to fd 4 (NUL-terminated
        # JSON). Copies above 9 so that the child can move them onto 3 and 4 safely.
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        child_in = fcntl.fcntl(to_child_r, fcntl.F_DUPFD_CLOEXEC, 10)
        child_out = fcntl.fcntl(from_child_w, fcntl.F_DUPFD_CLOEXEC, 10)
        os.close(to_child_r)
        os.close(from_child_w)

        def wire_pipes() -> None:  # runs in the child between fork and exec
            os.dup2(child_in, 3)
            os.dup2(child_out, 4)

        command = [
            self.executable,
            *_FLAGS,
            f"--user-data-dir={self._profile}",
            *self._args,
            "about:blank",
        ]
        stderr_path = os.path.join(self._profile, "stderr.log")
        try:
            with open(stderr_path, "wb") as stderr:
                self._process = subprocess.Popen(
                    command,
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=stderr,
                    close_fds=False,  # our fds are close-on-exec; 3 and 4 must survive
                    preexec_fn=wire_pipes,
                )
        except OSError as exc:
            for fd in (child_in, child_out, to_child_w, from_child_r):
                os.close(fd)
            self._cleanup_profile()
            raise BrowserError(f"could not start {self.executable}: {exc}") from exc
        os.close(child_in)
        os.close(child_out)
        self._write_fd = to_child_w
        self._read_fd = from_child_r
        self._reader = threading.Thread(
            target=self._read_loop, name="routemap-chromium-reader", daemon=True
        )
        self._reader.start()
        try:
            self.send("Target.setDiscoverTargets", {"discover": False}, timeout=self.timeout)
        except BrowserError:
            self.close()
            raise
        return self

    def close(self) -> None:
        """Close Chromium and remove its temporary profile (idempotent)."""
        process = self._process
        if process is None:
            return
        if self.running:
            with contextlib.suppress(BrowserError):
                self.send("Browser.close", timeout=5)
        self._process = None
        if self._write_fd >= 0:  # end of input also tells Chromium to quit
            os.close(self._write_fd)
            self._write_fd = -1
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        self._closed.set()
        if self._reader is not None:
            self._reader.join(timeout=5)
            self._reader = None
        if self._read_fd >= 0:
            os.close(self._read_fd)
            self._read_fd = -1
        self._fail_waiters()
        self._cleanup_profile()

    def _cleanup_profile(self) -> None:
        if self._profile is not None:
            shutil.rmtree(self._profile, ignore_errors=True)
            self._profile = None

    def _stderr_tail(self) -> str:
        if self._profile is None:
            return ""
        try:
            text = Path(self._profile, "stderr.log").read_text("utf-8", "replace")
        except OSError:
            return ""
        lines = [line for line in text.splitlines() if line.strip()][-5:]
        return ("; chromium said: " + " | ".join(lines)) if lines else ""

    # -- protocol ---------------------------------------------------------------------

    def _read_loop(self) -> None:
        buffer = b""
        try:
            while True:
                chunk = os.read(self._read_fd, 1 << 16)
                if not chunk:
                    break
                buffer += chunk
                *messages, buffer = buffer.split(b"\0")
                for raw in messages:
                    if raw:
                        self._dispatch(json.loads(raw))
        except (OSError, ValueError):
            pass
        finally:
            self._closed.set()
            self._fail_waiters()

    def _dispatch(self, message: dict[str, Any]) -> None:
        if "id" in message:
            with self._lock:
                waiter = self._waiters.pop(message["id"], None)
            if waiter is not None:
                waiter.result = message
                waiter.event.set()
            return
        method = message.get("method", "")
        params = message.get("params", {})
        with self._lock:
            listeners = list(self._listeners.get(message.get("sessionId"), ()))
        for listener in listeners:
            listener(method, params)

    def _fail_waiters(self) -> None:
        with self._lock:
            waiters, self._waiters = self._waiters, {}
        for waiter in waiters.values():
            waiter.event.set()

    def add_listener(
        self, session_id: str | None, callback: Callable[[str, dict[str, Any]], None]
    ) -> None:
        """Call ``callback(method, params)`` for every event of a session (``None``: the
        browser's own events). Callbacks run on the reader thread: use :meth:`post`
        there, never :meth:`send`."""
        with self._lock:
            self._listeners[session_id].append(callback)

    def remove_listeners(self, session_id: str | None) -> None:
        with self._lock:
            self._listeners.pop(session_id, None)

    def _write(
        self, method: str, params: dict[str, Any] | None, session_id: str | None
    ) -> tuple[int, _Waiter]:
        if not self.running:
            raise BrowserError(
                f"the browser is not running (calling {method}){self._stderr_tail()}"
            )
        waiter = _Waiter()
        with self._lock:
            self._next_id += 1
            message_id = self._next_id
            self._waiters[message_id] = waiter
        message: dict[str, Any] = {"id": message_id, "method": method, "params": params or {}}
        if session_id is not None:
            message["sessionId"] = session_id
        data = json.dumps(message).encode() + b"\0"
        with self._lock:
            try:
                while data:
                    data = data[os.write(self._write_fd, data) :]
            except OSError as exc:
                self._waiters.pop(message_id, None)
                raise BrowserError(
                    f"the browser went away (calling {method}): {exc}{self._stderr_tail()}"
                ) from exc
        return message_id, waiter

    def post(
        self, method: str, params: dict[str, Any] | None = None, session_id: str | None = None
    ) -> None:
        """Send a command without waiting for its reply (safe inside a listener)."""
        message_id, _ = self._write(method, params, session_id)
        with self._lock:
            self._waiters.pop(message_id, None)

    def send(
        self,
        method: str,
        params: dict[str, Any] | None = None,
        session_id: str | None = None,
        *,
        timeout: float | None = None,
    ) -> dict[str, Any]:
        """Send a command and return its result; :class:`BrowserError` on an error reply,
        a dead browser or after ``timeout`` seconds."""
        message_id, waiter = self._write(method, params, session_id)
        limit = self.timeout if timeout is None else timeout
        if not waiter.event.wait(limit) and waiter.result is None:
            with self._lock:
                self._waiters.pop(message_id, None)
            raise BrowserError(f"{method} got no reply within {limit:g} s")
        if waiter.result is None:
            raise BrowserError(f"the browser closed while running {method}{self._stderr_tail()}")
        if "error" in waiter.result:
            error = waiter.result["error"]
            raise BrowserError(f"{method} failed: {error.get('message')} {error.get('data', '')}")
        result: dict[str, Any] = waiter.result.get("result", {})
        return result

    # -- pages ------------------------------------------------------------------------

    def new_page(self, *, width: int = 1200, height: int = 800) -> Page:
        """A new tab of ``width`` × ``height`` CSS pixels (device scale 1), with the READY
        script installed. Close it with :meth:`Page.close` or use it as a context manager."""
        self.start()
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        page = Page(self, target, session)
        page.send("Page.enable")
        page.send("Runtime.enable")
        page.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
        )
        page.add_init_script(READY_SCRIPT)
        return page


class Page:
    """One tab of a :class:`Browser` (a DevTools session)."""

    def __init__(self, browser: Browser, target_id: str, session_id: str) -> None:
        self.browser = browser
        self.target_id = target_id
        self.session_id = session_id
        self._events: list[tuple[str, dict[str, Any]]] = []
        self._event_arrived = threading.Condition()
        browser.add_listener(session_id, self._on_event)

    def __enter__(self) -> Page:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<Page {self.target_id[:8]}>"

    def _on_event(self, method: str, params: dict[str, Any]) -> None:
        with self._event_arrived:
            self._events.append((method, params))
            self._event_arrived.notify_all()

    def on(self, callback: Callable[[str, dict[str, Any]], None]) -> None:
        """Call ``callback(method, params)`` for each event of this page (reader thread)."""
        self.browser.add_listener(self.session_id, callback)

    def send(self, method: str, params: dict[str, Any] | None = None, **kw: Any) -> dict[str, Any]:
        return self.browser.send(method, params, self.session_id, **kw)

    def post(self, method: str, params: dict[str, Any] | None = None) -> None:
        self.browser.post(method, params, self.session_id)

    def add_init_script(self, source: str) -> None:
        """Run ``source`` in every document this page loads, before the page's scripts."""
        self.send("Page.addScriptToEvaluateOnNewDocument", {"source": source})

    def wait_event(
        self, method: str, *, after: int = 0, timeout: float | None = None
    ) -> dict[str, Any]:
        """The params of the first ``method`` event at index ``after`` or later."""
        limit = self.browser.timeout if timeout is None else timeout
        deadline = time.monotonic() + limit
        with self._event_arrived:
            while True:
                for name, params in self._events[after:]:
                    if name == method:
                        return params
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not self.browser.running:
                    raise BrowserError(f"no {method} event within {limit:g} s")
                self._event_arrived.wait(min(remaining, 0.5))

    def goto(self, url: str, *, ready: bool = True, timeout: float | None = None) -> None:
        """Load ``url`` and wait for its load event, then (``ready``) for the READY signal."""
        with self._event_arrived:
            mark = len(self._events)
        result = self.send("Page.navigate", {"url": url})
        if result.get("errorText"):
            raise BrowserError(f"could not open {url}: {result['errorText']}")
        self.wait_event("Page.loadEventFired", after=mark, timeout=timeout)
        if ready:
            self.wait_ready(timeout=timeout)

    def wait_ready(self, *, timeout: float | None = None) -> None:
        """Wait for the page's READY signal (``window.routemapWhenReady``)."""
        limit = self.browser.timeout if timeout is None else timeout
        ok = self.evaluate("window.routemapWhenReady", timeout=limit)
        if ok is not True:
            raise BrowserError("the page has no READY signal (was it opened with goto()?)")

    def evaluate(self, expression: str, *, timeout: float | None = None) -> Any:
        """The JSON value of ``expression`` (promises awaited); BrowserError on an exception."""
        result = self.send(
            "Runtime.evaluate",
            {"expression": expression, "awaitPromise": True, "returnByValue": True},
            timeout=timeout,
        )
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            description = details.get("exception", {}).get("description") or details.get("text")
            raise BrowserError(f"script failed: {description}")
        return result.get("result", {}).get("value")

    def screenshot(self) -> bytes:
        """The viewport as PNG bytes."""
        data = self.send("Page.captureScreenshot", {"format": "png", "fromSurface": True})["data"]
        return base64.b64decode(data)

    def close(self) -> None:
        """Close the tab (idempotent; a closed browser closed it already)."""
        self.browser.remove_listeners(self.session_id)
        if self.browser.running:
            with contextlib.suppress(BrowserError):
                self.browser.send("Target.closeTarget", {"targetId": self.target_id})


@contextlib.contextmanager
def _page_source(map_or_html: Any) -> Iterator[str]:
    """A URL for a folium Map, an HTML string or an HTML file (temporary files removed)."""
    if isinstance(map_or_html, (str, os.PathLike)) and not (
        isinstance(map_or_html, str) and map_or_html.lstrip().startswith("<")
    ):
        path = Path(map_or_html)
        if not path.is_file():
            raise FileNotFoundError(f"no HTML file at {path}")
        yield path.resolve().as_uri()
        return
    if isinstance(map_or_html, str):
        page = map_or_html
    elif hasattr(map_or_html, "get_root"):
        page = map_or_html.get_root().render()
    else:
        raise TypeError(
            "save_png needs a folium.Map, an HTML string or the path of an .html file, not "
            f"{type(map_or_html).__name__}"
        )
    with tempfile.TemporaryDirectory(prefix="routemap-png-") as folder:
        path = Path(folder, "map.html")
        path.write_text(page, encoding="utf-8")
        yield path.as_uri()


def _write_atomic(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(target, data)


def save_png(
    map_or_html: folium.Map | str | os.PathLike[str],
    path: str | os.PathLike[str],
    *,
    width: int = 1200,
    height: int = 800,
    browser: Browser | None = None,
) -> Path:
    """Render a map to a ``width`` × ``height`` PNG at ``path`` (written atomically).

    Parameters
    ----------
    map_or_html : folium.Map, str or path
        A map, a whole HTML page as a string (it starts with ``<``), or an HTML file.
    path : str or path
        Where to write the PNG; parent folders are created.
    width, height : int
        The viewport in CSS pixels; the PNG has exactly this size.
    browser : Browser, optional
        A started :class:`Browser` to reuse for a batch; by default one is started and
        closed for this call.

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    routemap.MissingDependency
        No Chromium/Chrome is installed (``apt install chromium chromium-driver``).
    BrowserError
        The browser failed or the page did not become ready in time.
    """
    for name, value in (("width", width), ("height", height)):
        if isinstance(value, bool) or not isinstance(value, int) or not 16 <= value <= 8192:
            raise ValueError(f"{name} must be an int between 16 and 8192, got {value!r}")
    target = Path(path)
    with contextlib.ExitStack() as stack:
        url = stack.enter_context(_page_source(map_or_html))
        if browser is None:
            browser = stack.enter_context(Browser())
        page = stack.enter_context(browser.new_page(width=width, height=height))
        page.goto(url)
        data = page.screenshot()
    _write_atomic(target, data)
    return target

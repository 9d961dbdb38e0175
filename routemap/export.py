"""Batch export: a whole corpus of articles and route files to a folder of maps.

:func:`build` reads articles (``.txt``, ``.md``, ``.html``) and route files (``.geojson``,
``.gpkg``, ``.parquet``, ``.yaml``), extracts each article's routes, and writes::

    OUTDIR/documents/<stem>.html    each article's routes (or its places, or a note)
    OUTDIR/air-bridges.html …       one map per mode that has routes
    OUTDIR/all-routes.html          every route of the batch
    OUTDIR/routes.geojson, .yaml    the batch's routes, for GIS and review
    OUTDIR/index.html               what was written, what failed and why, what was unresolved

Every file is written atomically, and the same inputs give the same bytes (with any
number of worker processes).
"""

from __future__ import annotations

import glob
import html
import multiprocessing
import os
import sys
import tempfile
from collections.abc import Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, replace
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING

from routemap.errors import MissingDependency, RoutemapError
from routemap.places import Place
from routemap.routes import Mode, RouteSet
from routemap.text import Document, DocumentError

if TYPE_CHECKING:
    import folium

__all__ = [
    "ARTICLE_SUFFIXES",
    "ENGINES",
    "MODE_MAPS",
    "ROUTE_SUFFIXES",
    "BuildError",
    "BuildReport",
    "build",
    "html_to_text",
]

#: Article files a folder source contributes (not recursive).
ARTICLE_SUFFIXES = (".txt", ".md", ".html")
#: Route files, read with :func:`routemap.io.read_routes`.
ROUTE_SUFFIXES = (".geojson", ".gpkg", ".parquet", ".yaml")
#: The map written for each mode, when the batch has routes of that mode.
MODE_MAPS: tuple[tuple[Mode, str, str], ...] = (
    (Mode.AIR, "air-bridges.html", "Air bridges"),
    (Mode.MARITIME, "ports.html", "Maritime routes and ports"),
    (Mode.RIVER, "river.html", "River routes"),
    (Mode.LAND, "land.html", "Land routes"),
    (Mode.POSTAL, "postal-flows.html", "Postal flows"),
)
ALL_ROUTES = "all-routes.html"
#: The engines :func:`build` runs the inputs with.
ENGINES = ("local", "dask")


class BuildError(RoutemapError, ValueError):
    """The build cannot start: no source matched, or the output folder is a file."""


@dataclass(frozen=True, slots=True)
class BuildReport:
    """What :func:`build` did.

    Attributes
    ----------
    maps : tuple of str
        The pages written, relative to the output folder, in writing order.
    failures : tuple of (str, str)
        The inputs that could not be used and why.
    unresolved : tuple of (str, str)
        ``(document, text)`` of the mentions whose place was not resolved.
    routes : int
        The number of routes in the batch (after merging).
    skipped : tuple of str
        The mode maps not written because no route has that mode.
    """

    maps: tuple[str, ...]
    failures: tuple[tuple[str, str], ...]
    unresolved: tuple[tuple[str, str], ...]
    routes: int
    skipped: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True when every input was used."""
        return not self.failures


# -- HTML articles ----------------------------------------------------------------------

_SKIPPED_TAGS = frozenset({"script", "style", "nav", "header", "footer", "aside", "noscript"})
_BLOCK_TAGS = frozenset(
    """p div br li ul ol h1 h2 h3 h4 h5 h6 tr table section article blockquote pre dd dt
    figcaption title main hr""".split()
)


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.current: list[str] = []
        self.skipping = 0
        self.title: list[str] = []
        self.in_title = False

    def _flush(self) -> None:
        line = " ".join("".join(self.current).split())
        if line:
            self.blocks.append(line)
        self.current = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED_TAGS:
            self.skipping += 1
        elif tag == "title":
            self.in_title = True
        elif tag in _BLOCK_TAGS:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS:
            self.skipping = max(0, self.skipping - 1)
        elif tag == "title":
            self.in_title = False
        elif tag in _BLOCK_TAGS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title.append(data)
        elif not self.skipping:
            self.current.append(data)


def html_to_text(markup: str) -> tuple[str, str | None]:
    """The text of an HTML page, one block per paragraph, and its ``<title>``.

    Scripts, styles and page chrome (``nav``, ``header``, ``footer``, ``aside``) are
    dropped.

    >>> html_to_text("<title>T</title><nav>Home</nav><p>Cocaine left <b>Callao</b>.</p>")
    ('Cocaine left Callao.\\n', 'T')
    """
    parser = _TextParser()
    parser.feed(markup)
    parser.close()
    parser._flush()
    title = " ".join("".join(parser.title).split()) or None
    return "".join(block + "\n" for block in parser.blocks), title


def _read_article(path: str) -> Document:
    from routemap.text import read_document

    if not path.lower().endswith(".html"):
        return read_document(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise DocumentError(f"{path}: cannot read it: {exc.strerror or exc}") from exc
    if b"\x00" in raw[:4096]:
        raise DocumentError(f"{path}: looks like a binary file, not an HTML page")
    try:
        markup = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DocumentError(f"{path}:{line}: not UTF-8 text (byte 0x{raw[exc.start]:02x})") from exc
    text, title = html_to_text(markup)
    return Document.from_text(text, id=path, title=title)


# -- one input (run in a worker process) ------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Result:
    path: str
    kind: str  # "article" | "routes"
    routes: RouteSet
    title: str | None = None
    places: tuple[Place, ...] = ()
    unresolved: tuple[str, ...] = ()
    error: str | None = None
    page_places: int = 0  # places on the article's own page


def _process(path: str, page: str | None = None, online_tiles: bool = False) -> _Result:
    """Read one source: an article (read → geoparse → extract, then its own page written
    to ``page``, so the costly drawing runs in the worker too) or a route file."""
    from routemap.geoparse import geoparse

    if path.lower().endswith(ROUTE_SUFFIXES):
        from routemap.io import read_routes

        try:
            return _Result(path, "routes", read_routes(path))
        except (RoutemapError, OSError) as exc:
            return _Result(path, "routes", RouteSet(), error=str(exc))
    from routemap.extract import extract_routes

    try:
        document = _read_article(path)
        mentions = geoparse(document)
        routes = extract_routes(document)
    except (RoutemapError, OSError, ValueError) as exc:
        return _Result(path, "article", RouteSet(), error=str(exc))
    places: dict[str, Place] = {}
    for m in mentions:
        if m.place is not None and not m.in_chrome:
            places.setdefault(m.place.id, m.place)
    unresolved = tuple(dict.fromkeys(m.text for m in mentions if m.place is None))
    result = _Result(
        path,
        "article",
        routes,
        title=document.title,
        places=tuple(places.values()),
        unresolved=unresolved,
    )
    if page is None:
        return result
    return replace(result, page_places=_document_page(result, Path(page), online_tiles))


def _document_page(result: _Result, target: Path, online_tiles: bool) -> int:
    """Write an article's page (its routes, else its places); the places drawn."""
    title = result.title or Path(result.path).stem
    if len(result.routes):
        _render_routes(result.routes, title, target, online_tiles)
        return _distinct_places(result.routes)
    if result.places:
        _render_places(result.places, f"{title} — no route found", target)
        return len(result.places)
    body = (
        f"<h1>{html.escape(title)}</h1>\n<p>No route and no place was found in "
        f"<code>{html.escape(result.path)}</code>.</p>"
    )
    _write_text(target, _page(title, body))
    return 0


# -- sources ----------------------------------------------------------------------------


def _expand(sources: Iterable[str | os.PathLike[str]]) -> tuple[list[str], list[tuple[str, str]]]:
    """The input files the sources name, sorted, and the sources that matched nothing."""
    found: set[str] = set()
    missing: list[tuple[str, str]] = []
    for source in sources:
        text = os.fspath(source)
        location = Path(text)
        if location.is_dir():
            files = [
                str(p)
                for p in location.iterdir()
                if p.is_file() and p.suffix.lower() in ARTICLE_SUFFIXES
            ]
            if not files:
                missing.append((text, "no .txt, .md or .html file in this folder"))
            found.update(files)
        elif location.exists():
            found.add(str(location))
        elif glob.has_magic(text):
            files = [p for p in glob.glob(text) if Path(p).is_file()]
            if not files:
                missing.append((text, "no file matches this pattern"))
            found.update(str(Path(p)) for p in files)
        else:
            missing.append((text, "no such file or folder"))
    return sorted(found), missing


def _page_names(articles: Sequence[str]) -> dict[str, str]:
    """``documents/<stem>.html`` for each article; clashing stems get their suffix too."""
    names: dict[str, str] = {}
    taken: set[str] = set()
    for path in articles:
        p = Path(path)
        name = p.stem or "document"
        if name in taken:
            name = f"{p.stem}-{p.suffix.lstrip('.')}"
        base, n = name, 2
        while name in taken:
            name, n = f"{base}-{n}", n + 1
        taken.add(name)
        names[path] = f"documents/{name}.html"
    return names


# -- writing ----------------------------------------------------------------------------


def _write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically (a temporary file beside it, then replaced)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body{{font:15px/1.5 system-ui,sans-serif;max-width:60em;margin:2em auto;padding:0 1em;color:#222}}
table{{border-collapse:collapse}}
td,th{{border-bottom:1px solid #ddd;padding:.2em .8em;text-align:left}}
code{{font-size:90%}}
</style>
</head>
<body>
{body}
</body>
</html>
"""


def _page(title: str, body: str) -> str:
    return _PAGE.format(title=html.escape(title), body=body)


def _save_map(fmap: folium.Map, target: Path) -> None:
    from routemap.render import save_html

    save_html(fmap, target)


def _render_routes(routes: RouteSet, title: str, target: Path, online_tiles: bool) -> None:
    from routemap.render import render

    tiles = "OpenStreetMap" if online_tiles else None
    _save_map(render(routes, title=title, tiles=tiles), target)


def _render_places(places: Sequence[Place], title: str, target: Path) -> None:
    from routemap.render import deterministic_ids, places_map

    with deterministic_ids(prefix="pl"):  # places_map alone gives random element ids
        fmap = places_map(places, title=title)
        _save_map(fmap, target)


def _distinct_places(routes: RouteSet) -> int:
    return len({p.id for route in routes for p in route.stops})


# -- build ------------------------------------------------------------------------------


def build(
    sources: Iterable[str | os.PathLike[str]],
    outdir: str | os.PathLike[str],
    *,
    workers: int = 1,
    online_tiles: bool = False,
    progress: bool | None = None,
    engine: str = "local",
    scheduler: str | None = None,
) -> BuildReport:
    """Build the maps of a batch of articles and route files into ``outdir``.

    Parameters
    ----------
    sources : iterable of str or path
        Files, folders (their ``.txt``, ``.md`` and ``.html`` files, not recursive) or
        glob patterns.
    outdir : str or path
        The output folder (created; files of an earlier run are overwritten).
    workers : int
        Processes reading articles in parallel; the output does not depend on it.
        With ``engine="dask"`` and no ``scheduler``, the worker processes of the local
        cluster started for the build.
    online_tiles : bool
        Draw OpenStreetMap tiles on the route maps (the pages then load them).
    progress : bool, optional
        Show a progress bar on stderr; by default when stderr is a terminal.
    engine : {"local", "dask"}
        ``"local"`` runs the inputs in this process or in ``workers`` processes;
        ``"dask"`` submits the same jobs to a dask.distributed cluster (``pip install
        'routemap[dask]'``). The output is the same bytes with either engine.
    scheduler : str, optional
        With ``engine="dask"``: the address of an existing scheduler to join (e.g.
        ``tcp://10.0.0.5:8786``; its workers must see the input and output paths as this
        process does). Without it, a local cluster of ``workers`` processes is started on
        127.0.0.1 for the build and closed after it.

    Returns
    -------
    BuildReport

    Raises
    ------
    BuildError
        When no source names an input file, or ``outdir`` exists and is not a folder.
    routemap.MissingDependency
        When ``engine="dask"`` and dask.distributed is not installed.
    """
    if workers < 1:
        raise BuildError(f"workers must be at least 1, got {workers}")
    if engine not in ENGINES:
        raise BuildError(f"engine must be one of {', '.join(ENGINES)}, got {engine!r}")
    if scheduler is not None and engine != "dask":
        raise BuildError("a scheduler address needs engine='dask'")
    out = Path(outdir)
    if out.exists() and not out.is_dir():
        raise BuildError(f"{out}: the output folder is a file; choose another -o OUTDIR")
    files, missing = _expand(sources)
    if not files:
        detail = "; ".join(f"{s}: {why}" for s, why in missing)
        raise BuildError(f"no input file matched{': ' + detail if detail else ''}")
    (out / "documents").mkdir(parents=True, exist_ok=True)
    pages = _page_names([f for f in files if not f.lower().endswith(ROUTE_SUFFIXES)])
    jobs = [(f, str(out / pages[f]) if f in pages else None) for f in files]
    show = sys.stderr.isatty() if progress is None else progress
    if engine == "dask":
        results = _run_dask(jobs, workers, show, online_tiles, scheduler)
    else:
        results = _run(jobs, workers, show, online_tiles)

    failures = list(missing) + [(r.path, r.error) for r in results if r.error is not None]
    ok = [r for r in results if r.error is None]
    articles = [r for r in ok if r.kind == "article"]
    maps: list[str] = []
    rows: list[tuple[str, str, int, int]] = []  # (page, title, routes, places)

    for result in articles:
        name = pages[result.path]
        title = result.title or Path(result.path).stem
        maps.append(name)
        rows.append((name, title, len(result.routes), result.page_places))

    batch = RouteSet(route for r in ok for route in r.routes).merge()
    mode_rows: list[tuple[str, str, int, int]] = []
    skipped: list[str] = []
    for mode, name, title in MODE_MAPS:
        subset = batch.filter(mode=mode)
        if not len(subset):
            skipped.append(name)
            (out / name).unlink(missing_ok=True)  # a map of an earlier run is now stale
            continue
        _render_routes(subset, title, out / name, online_tiles)
        maps.append(name)
        mode_rows.append((name, title, len(subset), _distinct_places(subset)))
    _render_routes(batch, "All routes", out / ALL_ROUTES, online_tiles)
    maps.append(ALL_ROUTES)
    mode_rows.append((ALL_ROUTES, "All routes", len(batch), _distinct_places(batch)))

    from routemap.io import write_routes

    write_routes(batch, out / "routes.geojson")
    write_routes(batch, out / "routes.yaml")

    unresolved = tuple((r.path, text) for r in articles for text in r.unresolved)
    report = BuildReport(
        maps=tuple(maps),
        failures=tuple(failures),
        unresolved=unresolved,
        routes=len(batch),
        skipped=tuple(skipped),
    )
    inputs = [(r.path, r.kind) for r in ok]
    _write_text(out / "index.html", _index(report, mode_rows, rows, inputs))
    return report


def _run(
    jobs: Sequence[tuple[str, str | None]], workers: int, progress: bool, online_tiles: bool
) -> list[_Result]:
    from tqdm import tqdm

    bar = tqdm(total=len(jobs), unit="file", disable=not progress, file=sys.stderr)
    try:
        if workers == 1 or len(jobs) == 1:
            results = []
            for path, page in jobs:
                results.append(_process(path, page, online_tiles))
                bar.update()
        else:
            context = multiprocessing.get_context("spawn")  # no fork of a threaded parent
            with ProcessPoolExecutor(min(workers, len(jobs)), mp_context=context) as pool:
                futures: list[Future[_Result]] = [
                    pool.submit(_process, path, page, online_tiles) for path, page in jobs
                ]
                for _ in as_completed(futures):
                    bar.update()
                results = [f.result() for f in futures]
    finally:
        bar.close()
    return sorted(results, key=lambda r: r.path)


def _run_dask(
    jobs: Sequence[tuple[str, str | None]],
    workers: int,
    progress: bool,
    online_tiles: bool,
    scheduler: str | None,
) -> list[_Result]:
    """:func:`_run` on a dask.distributed cluster: the scheduler at ``scheduler``, else a
    local cluster of ``workers`` processes on 127.0.0.1 (no dashboard), closed after."""
    try:
        from distributed import Client, LocalCluster
        from distributed import as_completed as dask_completed
    except ImportError as exc:
        raise MissingDependency(
            "engine='dask' needs dask.distributed: pip install 'routemap[dask]'"
        ) from exc
    from tqdm import tqdm

    paths = [path for path, _ in jobs]
    pages = [page for _, page in jobs]
    cluster = None
    if scheduler is None:
        cluster = LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        )
    bar = tqdm(total=len(jobs), unit="file", disable=not progress, file=sys.stderr)
    try:
        address = cluster if cluster is not None else scheduler
        with Client(address) as client:  # type: ignore[no-untyped-call]
            futures = client.map(_process, paths, pages, [online_tiles] * len(jobs), pure=False)
            for _ in dask_completed(futures):  # type: ignore[no-untyped-call]
                bar.update()
            results: list[_Result] = client.gather(futures)
    finally:
        bar.close()
        if cluster is not None:
            cluster.close()
    return sorted(results, key=lambda r: r.path)


def _index(
    report: BuildReport,
    mode_rows: Sequence[tuple[str, str, int, int]],
    doc_rows: Sequence[tuple[str, str, int, int]],
    inputs: Sequence[tuple[str, str]],
) -> str:
    from urllib.parse import quote  # a file name as a URL path ("50% #1.html")

    e = html.escape

    def table(rows: Sequence[tuple[str, str, int, int]]) -> str:
        lines = ["<table>", "<tr><th>Map</th><th>Routes</th><th>Places</th></tr>"]
        for name, title, routes, places in rows:
            lines.append(
                f'<tr><td><a href="{e(quote(name))}">{e(title)}</a></td>'
                f"<td>{routes}</td><td>{places}</td></tr>"
            )
        lines.append("</table>")
        return "\n".join(lines)

    parts = [
        "<h1>routemap build</h1>",
        f"<p>{report.routes} routes from {len(inputs)} inputs; "
        f"{len(report.failures)} failed; {len(report.unresolved)} unresolved mentions. "
        'Data: <a href="routes.geojson">routes.geojson</a> · '
        '<a href="routes.yaml">routes.yaml</a> (the review file).</p>',
        "<h2>Maps by mode</h2>",
        table(mode_rows),
    ]
    if report.skipped:
        parts.append(
            "<p>No routes, so no map: " + ", ".join(e(n) for n in report.skipped) + ".</p>"
        )
    parts += ["<h2>Documents</h2>", table(doc_rows) if doc_rows else "<p>None.</p>"]
    route_files = [path for path, kind in inputs if kind == "routes"]
    if route_files:
        parts.append("<h2>Route files</h2>\n<ul>")
        parts += [f"<li><code>{e(path)}</code></li>" for path in route_files]
        parts.append("</ul>")
    parts.append("<h2>Failed</h2>")
    if report.failures:
        parts.append("<ul>")
        parts += [
            f"<li><code>{e(path)}</code>: {e(message)}</li>" for path, message in report.failures
        ]
        parts.append("</ul>")
    else:
        parts.append("<p>Every input was read.</p>")
    parts.append("<h2>Unresolved places</h2>")
    if report.unresolved:
        parts.append("<table>\n<tr><th>Document</th><th>Mention</th></tr>")
        parts += [
            f"<tr><td><code>{e(doc)}</code></td><td>{e(text)}</td></tr>"
            for doc, text in report.unresolved
        ]
        parts.append("</table>")
    else:
        parts.append("<p>None.</p>")
    return _page("routemap build", "\n".join(parts))

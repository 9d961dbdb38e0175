"""Batch export: a whole corpus of articles and route files to a folder of maps.

:func:`build` reads articles (``.txt``, ``.md``, ``.html``) and route files (``.geojson``,
``.gpkg``, ``.parquet``, ``.yaml``), extracts each article's routes, and writes::

    OUTDIR/documents/<stem>.html    each article's routes (or its places, or a note)
    OUTDIR/air-bridges.html …       one map per mode that has routes
    OUTDIR/all-routes.html          every route of the batch (past MAP_ROUTES, the most
                                    cited, as each mode map; the map says so)
    OUTDIR/routes.geojson, .yaml    the batch's routes, for GIS and review
    OUTDIR/index.html               what was written, what failed and why, what was unresolved
    OUTDIR/thumbnails/…png          with ``png=True``, a picture of every map
    OUTDIR/.routemap-manifest       the files above, so that a re-run removes those it no
                                    longer writes (and nothing else)

Every file is written atomically, and the same inputs give the same bytes (with any
number of worker processes). Documents are streamed: memory does not grow with them.
"""

from __future__ import annotations

import collections
import contextlib
import dataclasses
import errno
import gc
import glob
import heapq
import html
import multiprocessing
import os
import pickle
import shutil
import sqlite3
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, replace
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any

from routemap.errors import MissingDependency, RoutemapError
from routemap.files import write_atomically
from routemap.places import Place
from routemap.routes import Mode, Route, RouteSet
from routemap.text import Document, DocumentError

if TYPE_CHECKING:
    import folium

    from routemap.render.png import Browser

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
    from routemap.text import check_article_size, read_document

    if not path.lower().endswith(".html"):
        return read_document(path)
    check_article_size(path)  # the markup's size: text is most of an overgrown page
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


#: Errors writing one page that stop the build (no space, read-only or vanished folder).
_FATAL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.ENOENT})

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


@dataclass(frozen=True, slots=True)
class _Done:
    """What the batch keeps of one input. A worker sends it back with each route already
    pickled as the spill stores it, so that the main process neither unpickles nor
    pickles routes while documents stream in."""

    path: str
    kind: str
    title: str | None
    routes: tuple[tuple[str, bytes], ...]  # (route id, pickled route)
    unresolved: tuple[str, ...]
    error: str | None
    page_places: int

    @classmethod
    def of(cls, result: _Result) -> _Done:
        routes = tuple(
            (route.id, pickle.dumps(route, pickle.HIGHEST_PROTOCOL)) for route in result.routes
        )
        return cls(
            result.path,
            result.kind,
            result.title,
            routes,
            result.unresolved,
            result.error,
            result.page_places,
        )


#: Documents between two garbage collections in the process that reads them.
_GC_EVERY = 32
_read_here = 0  # documents read in this process
_freeze_here = False  # set where the build owns the process: the pool's workers, or build()


def _tidy() -> None:
    """Collect the cyclic garbage of the pages drawn (folium elements and their jinja
    templates are cycles) every ``_GC_EVERY`` documents. Left to the collector, it would
    pile up until the long-lived objects (the matcher, the word lists) grow by a quarter,
    and memory would climb by 100 MB before it levels. Where the build owns the process,
    what the first document loaded is frozen first (:func:`gc.freeze`), so that each
    collection scans only the new objects, not the gazetteer's."""
    global _read_here
    _read_here += 1
    if _read_here == 1 and _freeze_here:
        gc.collect()
        gc.freeze()
    elif _read_here % _GC_EVERY == 0:
        gc.collect()


def _release_document_work() -> None:
    """Give back what reading the documents loaded in this process (the scan matcher,
    about 120 MB, and the word-frequency lists) before the batch maps are drawn, so that
    a one-worker build peaks no higher at the end than while reading. A later geoparse
    in this process loads them again (a second or two)."""
    import ctypes
    import importlib

    geoparse = importlib.import_module("routemap.geoparse")  # the module, not the function
    with geoparse._MATCHERS_LOCK:
        if not geoparse._MATCHERS:
            return  # given back already (a worker drawing its second batch map)
        geoparse._MATCHERS.clear()
    geoparse._zipf.cache_clear()
    with contextlib.suppress(ImportError):
        import wordfreq

        wordfreq.get_frequency_dict.cache_clear()
        wordfreq.get_frequency_list.cache_clear()
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):  # glibc: hand freed pages back
        ctypes.CDLL(None).malloc_trim(0)


def _in_worker(task: Callable[..., None], *args: Any) -> None:
    """A batch-phase task (a map, a route file) run by a pool worker once every document
    is read: what reading them loaded is given back first, so that the worker peaks no
    higher than it read."""
    _release_document_work()
    task(*args)


def _worker_init() -> None:
    global _freeze_here
    _freeze_here = True


def _process(
    path: str, page: str | None = None, online_tiles: bool = False, country_roles: bool = False
) -> _Done:
    """Read one source: an article (read → geoparse → extract, then its own page written
    to ``page``, so the costly drawing runs in the worker too) or a route file."""
    try:
        return _Done.of(_process_one(path, page, online_tiles, country_roles))
    finally:
        _tidy()


def _process_one(
    path: str, page: str | None, online_tiles: bool, country_roles: bool = False
) -> _Result:
    from routemap.geoparse import geoparse

    if path.lower().endswith(ROUTE_SUFFIXES):
        from routemap.io import read_routes

        try:
            return _Result(path, "routes", read_routes(path))
        except (RoutemapError, OSError) as exc:
            return _Result(path, "routes", RouteSet(), error=str(exc))
    from routemap.extract import document_routes

    try:
        document = _read_article(path)
        mentions = geoparse(document)
        routes = document_routes(document, mentions)  # geoparsed once, not twice
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
    try:
        drawn = _document_page(result, Path(page), online_tiles, country_roles)
    except OSError as exc:
        if exc.errno in _FATAL_ERRNOS:
            raise  # the whole output is at stake: stop the build
        return _Result(path, "article", RouteSet(), error=f"cannot write its map: {exc}")
    # The places were for the page; the batch needs only their count.
    return replace(result, places=(), page_places=drawn)


def _document_page(
    result: _Result, target: Path, online_tiles: bool, country_roles: bool = False
) -> int:
    """Write an article's page (its routes, else its places); the places drawn."""
    title = result.title or Path(result.path).stem
    if len(result.routes):
        _render_routes(result.routes, title, target, online_tiles, country_roles)
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


@contextlib.contextmanager
def _writing(path: Path) -> Iterator[None]:
    """Name ``path`` in an OSError raised while writing it (disk full, permission …)."""
    try:
        yield
    except OSError as exc:
        if exc.filename is not None:
            raise
        raise OSError(exc.errno, exc.strerror or str(exc), str(path)) from exc


def _write_text(path: Path, text: str | Iterable[str]) -> None:
    """Write ``text`` (a str or its pieces) to ``path`` atomically: a temporary file
    beside it, then renamed over it, so a reader sees the old file or the whole new one."""
    with _writing(path):
        write_atomically(path, text)


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

    with _writing(target):
        save_html(fmap, target)


def _render_routes(
    routes: RouteSet, title: str, target: Path, online_tiles: bool, country_roles: bool = False
) -> None:
    from routemap.render import render

    tiles = "OpenStreetMap" if online_tiles else None
    _save_map(render(routes, title=title, tiles=tiles, country_roles=country_roles), target)


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
    country_roles: bool = False,
    progress: bool | None = None,
    engine: str = "local",
    scheduler: str | None = None,
    png: bool = False,
) -> BuildReport:
    """Build the maps of a batch of articles and route files into ``outdir``.

    Documents are processed as a stream: at most a few per worker are in flight, each
    document's page is written as soon as it is done, and what the batch-wide outputs need
    (its routes, the index rows) waits in a SQLite file in a temporary folder inside
    ``outdir``, so memory does not grow with the number of documents.

    Parameters
    ----------
    sources : iterable of str or path
        Files, folders (their ``.txt``, ``.md`` and ``.html`` files, not recursive) or
        glob patterns.
    outdir : str or path
        The output folder (created). Files of an earlier build are overwritten, and those
        this build no longer writes (the page of a document no longer given, a mode map
        with no route now) are removed; routemap lists what it wrote in
        ``outdir/.routemap-manifest`` and never removes any other file.
    workers : int
        Processes reading articles in parallel: this one and ``workers - 1`` more (it
        keeps them a few documents ahead and reads one itself whenever the oldest is not
        back yet); the output does not depend on it.
        With ``engine="dask"`` and no ``scheduler``, the worker processes of the local
        cluster started for the build.
    online_tiles : bool
        Draw OpenStreetMap tiles on the route maps (the pages then load them).
    country_roles : bool
        Shade the countries on the route maps by role (``render(..., country_roles=True)``).
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
    png : bool
        Also save a PNG thumbnail of every map in ``outdir/thumbnails/`` (one headless
        Chromium for the whole batch) and show them in the index.

    Returns
    -------
    BuildReport

    Raises
    ------
    BuildError
        When no source names an input file, or ``outdir`` exists and is not a folder.
    routemap.MissingDependency
        When ``engine="dask"`` and dask.distributed is not installed, or ``png`` and no
        Chromium is installed.
    OSError
        When an output cannot be written (no space, read-only folder …); its
        ``filename`` is the file. Outputs already in place are left whole.
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
    with contextlib.ExitStack() as stack:
        browser = stack.enter_context(_browser()) if png else None  # no Chromium: fail now
        for folder in (out, out / "documents"):
            with _writing(folder):
                folder.mkdir(parents=True, exist_ok=True)
        pages = _page_names([f for f in files if not f.lower().endswith(ROUTE_SUFFIXES)])
        planned = _planned(pages.values(), png)
        # Claimed before anything is written, so that the files of a killed run are known
        # to the next: what an earlier build wrote, and the names no file has yet.
        claimed = _read_manifest(out) | {name for name in planned if not (out / name).exists()}
        _write_manifest(out, claimed)
        spill = stack.enter_context(_Spill.create(out))
        # A generator: a large batch's jobs are made as the stream takes them.
        jobs = (
            (f, str(out / pages[f]) if f in pages else None, online_tiles, country_roles)
            for f in files
        )
        show = sys.stderr.isatty() if progress is None else progress
        runner = _run_dask(workers, scheduler) if engine == "dask" else _run_local(workers)
        with runner as (stream, run):  # the workers end here, after the batch maps
            written = _collect(stream(jobs), len(files), spill, out, pages, browser, show)
            if engine == "local":  # this process read documents too
                _release_document_work()
            report, written = _batch_outputs(
                out, spill, missing, written, online_tiles, browser, run, country_roles
            )
        _write_manifest(out, written)
        _remove_stale(out, claimed - written)
        _remove_temp_files(out, claimed | planned)
    return report


# -- streaming the inputs ---------------------------------------------------------------

_Job = tuple[str, "str | None", bool, bool]
_Stream = Callable[[Iterable[_Job]], Iterator[_Done]]
#: Runs a batch-phase task: ``run(task, *args)``, a job to wait on (``.result()``).
_Run = Callable[..., Any]


def _run_here(task: Callable[..., None], *args: Any) -> _Now:
    task(*args)
    return _Now(None)


def _ordered(
    jobs: Iterable[_Job], submit: Callable[[_Job], object], window: int
) -> Iterator[_Done]:
    """The results of ``jobs`` in input order, with at most ``window`` submitted and not
    yet consumed: bounded memory, and the same order whatever finishes first."""
    pending: collections.deque[object] = collections.deque()
    for job in jobs:
        pending.append(submit(job))
        if len(pending) >= window:
            yield pending.popleft().result()  # type: ignore[attr-defined]
    while pending:
        yield pending.popleft().result()  # type: ignore[attr-defined]


class _Now:
    """A finished job, for the one-process engine."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def result(self) -> Any:
        return self.value


def _sharing(
    jobs: Iterable[_Job], submit: Callable[[_Job], Future[_Done]], window: int
) -> Iterator[_Done]:
    """The results of ``jobs`` in input order, the pool given up to ``window`` at a time,
    and this process doing the next job itself whenever the oldest is not back yet,
    rather than wait for it: the same order and bounded memory, with every process
    busy."""
    pending: collections.deque[Future[_Done] | _Now] = collections.deque()
    in_pool = 0
    queue = iter(jobs)
    exhausted = False
    while True:
        while not exhausted and in_pool < window:
            job = next(queue, None)
            if job is None:
                exhausted = True
            else:
                pending.append(submit(job))
                in_pool += 1
        if not pending:
            return
        head = pending[0]
        # (Ahead of the oldest by no more than a bound: a stuck document holds back the
        # results behind it, and memory must stay flat.)
        idle = not isinstance(head, _Now) and not head.done()
        if idle and not exhausted and len(pending) < 16 * window:
            job = next(queue, None)
            if job is not None:
                pending.append(_Now(_process(*job)))
                continue
            exhausted = True
        if not isinstance(pending.popleft(), _Now):
            in_pool -= 1
        yield head.result()


class _SharedRun:
    """Runs batch-phase tasks on the pool while it has a free worker, else here."""

    def __init__(self, pool: ProcessPoolExecutor, size: int) -> None:
        self.pool = pool
        self.size = size
        self.submitted: list[Future[None]] = []

    def __call__(self, task: Callable[..., None], *args: Any) -> Future[None] | _Now:
        if sum(not f.done() for f in self.submitted) < self.size:
            future = self.pool.submit(_in_worker, task, *args)
            self.submitted.append(future)
            return future
        _release_document_work()
        return _run_here(task, *args)


@contextlib.contextmanager
def _run_local(workers: int) -> Iterator[tuple[_Stream, _Run]]:
    """``workers`` processes: this one, and a pool of ``workers - 1`` more."""
    global _freeze_here, _read_here
    _read_here = 0
    _freeze_here = not gc.get_freeze_count()  # a caller's own freeze is left as it is
    pool = None
    try:
        if workers == 1:
            yield lambda jobs: _ordered(jobs, lambda job: _Now(_process(*job)), 1), _run_here
            return
        context = multiprocessing.get_context("spawn")  # no fork of a threaded parent
        pool = ProcessPoolExecutor(workers - 1, mp_context=context, initializer=_worker_init)
        window = 4 * (workers - 1)
        yield (
            lambda jobs: _sharing(jobs, lambda job: pool.submit(_process, *job), window),
            _SharedRun(pool, workers - 1),
        )
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        if _freeze_here:
            _freeze_here = False
            gc.unfreeze()  # the caller's objects are collectable again


@contextlib.contextmanager
def _run_dask(workers: int, scheduler: str | None) -> Iterator[tuple[_Stream, _Run]]:
    """The jobs on a dask.distributed cluster: the scheduler at ``scheduler``, else a
    local cluster of ``workers`` processes on 127.0.0.1 (no dashboard), closed after."""
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise MissingDependency(
            "engine='dask' needs dask.distributed: pip install 'routemap[dask]'"
        ) from exc
    cluster = None
    if scheduler is None:
        cluster = LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            # No dashboard; the scheduler's small HTTP server (health, metrics) on a free
            # loopback port, not 8787, which another cluster may hold (a warning then).
            scheduler_kwargs={"dashboard": False, "dashboard_address": "127.0.0.1:0"},
        )
    try:
        address = cluster if cluster is not None else scheduler
        with Client(address) as client:  # type: ignore[no-untyped-call]
            window = 4 * max(1, len(client.nthreads()))

            def submit(job: _Job) -> object:
                return client.submit(_process, *job, pure=False)

            yield (lambda jobs: _ordered(jobs, submit, window)), _run_here
    finally:
        if cluster is not None:
            cluster.close()


# -- what the batch keeps ---------------------------------------------------------------

_SPILL_PREFIX = ".routemap-build-"


class _Spill:
    """Per-input results kept on disk for the batch-wide outputs: a SQLite file in a
    temporary folder of the output folder, removed when the build ends."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / "batch.sqlite"
        self.db = sqlite3.connect(self.path)
        self.db.executescript(
            """
            PRAGMA journal_mode = OFF;
            PRAGMA synchronous = OFF;
            CREATE TABLE inputs (seq INTEGER PRIMARY KEY, path TEXT, kind TEXT, page TEXT,
                                 title TEXT, routes INTEGER, places INTEGER, error TEXT);
            CREATE TABLE unresolved (seq INTEGER, text TEXT);
            CREATE TABLE routes (n INTEGER PRIMARY KEY, rid TEXT, route BLOB);
            CREATE INDEX routes_by_id ON routes (rid);
            CREATE TABLE merged (seq INTEGER PRIMARY KEY, route BLOB);
            """
        )

    @classmethod
    @contextlib.contextmanager
    def create(cls, out: Path) -> Iterator[_Spill]:
        _remove_dead_spills(out)
        with _writing(out):
            folder = Path(tempfile.mkdtemp(prefix=f"{_SPILL_PREFIX}{os.getpid()}-", dir=out))
        spill = cls(folder)
        try:
            yield spill
        finally:
            spill.db.close()
            shutil.rmtree(folder, ignore_errors=True)

    def add(self, seq: int, result: _Done, page: str | None) -> None:
        self.db.execute(
            "INSERT INTO inputs VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                seq,
                result.path,
                result.kind,
                page,
                result.title or Path(result.path).stem,
                len(result.routes),
                result.page_places,
                result.error,
            ),
        )
        self.db.executemany(
            "INSERT INTO unresolved VALUES (?, ?)", [(seq, text) for text in result.unresolved]
        )
        self.db.executemany("INSERT INTO routes (rid, route) VALUES (?, ?)", result.routes)

    def merged(self) -> Iterator[Route]:
        """The batch's routes merged (:meth:`RouteSet.merge`), one group at a time."""
        ids = self.db.execute("SELECT rid FROM routes GROUP BY rid ORDER BY MIN(n)").fetchall()
        for (rid,) in ids:
            rows = self.db.execute("SELECT route FROM routes WHERE rid = ? ORDER BY n", (rid,))
            yield from RouteSet(pickle.loads(blob) for (blob,) in rows).merge()

    def keep(self, seq: int, route: Route) -> None:
        """Keep merged route number ``seq`` for the batch-phase tasks (:func:`_kept`)."""
        self.db.execute(
            "INSERT INTO merged VALUES (?, ?)", (seq, pickle.dumps(route, pickle.HIGHEST_PROTOCOL))
        )

    def rows(self, sql: str) -> Iterator[tuple[Any, ...]]:
        yield from self.db.execute(sql)


def _kept(db: sqlite3.Connection, seqs: Sequence[int] | None = None) -> Iterator[Route]:
    """The merged routes kept in the spill ``db``, all or those numbered ``seqs``, in order."""
    if seqs is None:
        for (blob,) in db.execute("SELECT route FROM merged ORDER BY seq"):
            yield pickle.loads(blob)
        return
    for start in range(0, len(seqs), 500):  # SQLite limits the parameters of a query
        part = seqs[start : start + 500]
        marks = ",".join("?" * len(part))
        sql = f"SELECT route FROM merged WHERE seq IN ({marks}) ORDER BY seq"
        for (blob,) in db.execute(sql, part):
            yield pickle.loads(blob)


@contextlib.contextmanager
def _reading(spill: Path) -> Iterator[sqlite3.Connection]:
    """The spill file open read-only: a batch-phase task in another process reads the
    routes it needs itself, rather than have them pickled to it."""
    db = sqlite3.connect(f"{spill.resolve().as_uri()}?mode=ro", uri=True)
    try:
        yield db
    finally:
        db.close()


def _draw_kept(
    spill: Path,
    seqs: list[int],
    title: str,
    target: Path,
    online_tiles: bool,
    country_roles: bool,
) -> None:
    """A batch map of the kept routes numbered ``seqs``."""
    with _reading(spill) as db:
        routes = RouteSet(_kept(db, seqs))
    _render_routes(routes, title, target, online_tiles, country_roles)


def _write_route_file(spill: Path, target: Path) -> None:
    """``routes.geojson`` or ``routes.yaml`` (by ``target``'s suffix) of all the kept
    routes, a chunk at a time."""
    pieces = _geojson_pieces if target.suffix == ".geojson" else _yaml_pieces
    with _reading(spill) as db:
        _write_text(target, pieces(_kept(db)))


def _collect(
    results: Iterator[_Done],
    total: int,
    spill: _Spill,
    out: Path,
    pages: dict[str, str],
    browser: Browser | None,
    show: bool,
) -> set[str]:
    """Consume the stream of results: keep each in ``spill`` (and shoot its page with
    ``browser``); the files written."""
    from tqdm import tqdm

    written: set[str] = set()
    with tqdm(total=total, unit="file", disable=not show, file=sys.stderr) as bar:
        for seq, result in enumerate(results):
            page = pages.get(result.path) if result.error is None else None
            if page is not None:
                written.add(page)
                if browser is not None:
                    written.add(_thumbnail(browser, out, page))
            spill.add(seq, result, page)
            bar.update()
    spill.db.commit()
    return written


#: The most routes one batch map (a mode map or all-routes.html) draws. A large corpus has
#: tens of thousands of distinct routes: drawing them all would make memory (and the page)
#: grow with the corpus, and no browser shows them legibly. Past it a map draws the most
#: cited routes and says so; every route, with all its citations, stays in
#: routes.geojson, routes.yaml and the document maps.
MAP_ROUTES = 2000
#: Merged routes held at once while writing routes.geojson and routes.yaml.
_FILE_CHUNK = 256


@dataclass(slots=True)
class _Tally:
    """One batch map's share of the merged routes, counted as they stream past: how many,
    their distinct places, and the ``MAP_ROUTES`` most cited (the first seen on a tie)."""

    mode: Mode | None
    count: int = 0
    places: set[str] = dataclasses.field(default_factory=set)
    top: list[tuple[int, int]] = dataclasses.field(default_factory=list)  # (citations, -seq)

    def add(self, seq: int, route: Route) -> None:
        if self.mode is not None and self.mode not in route.modes:
            return
        self.count += 1
        self.places.update(p.id for p in route.stops)
        key = (len(route.citations), -seq)
        if len(self.top) < MAP_ROUTES:
            heapq.heappush(self.top, key)
        elif key > self.top[0]:
            heapq.heapreplace(self.top, key)

    def drawn(self) -> list[int]:
        """The merged routes this map draws, by ``seq``."""
        return sorted(-seq for _, seq in self.top)


def _map_title(title: str, tally: _Tally) -> str:
    if tally.count <= MAP_ROUTES:
        return title
    return (
        f"{title}: the {MAP_ROUTES:,} most cited of {tally.count:,} routes "
        "(every route and citation is in routes.geojson, routes.yaml and the document maps)"
    )


def _chunks(routes: Iterable[Route]) -> Iterator[RouteSet]:
    chunk: list[Route] = []
    for route in routes:
        chunk.append(route)
        if len(chunk) == _FILE_CHUNK:
            yield RouteSet(chunk)
            chunk = []
    if chunk:
        yield RouteSet(chunk)


def _geojson_pieces(routes: Iterable[Route]) -> Iterator[str]:
    """The text of ``write_routes(routes, "x.geojson")``, a chunk of routes at a time:
    each chunk's FeatureCollection with its head and tail cut, the features joined."""
    from routemap.io import _geojson_text

    empty = _geojson_text(RouteSet())
    head, _, tail = empty.partition("[]")
    first = True
    for chunk in _chunks(routes):
        text = _geojson_text(chunk)
        body = text[len(head) + 2 : len(text) - len(tail) - 4]  # inside "[\n … \n  ]"
        if first:
            yield head + "[\n"
            first = False
        else:
            yield ",\n"
        yield body
    yield empty if first else "\n  ]" + tail


def _yaml_pieces(routes: Iterable[Route]) -> Iterator[str]:
    """The text of ``write_routes(routes, "x.yaml")``, a chunk of routes at a time: the
    list items of each chunk's document follow the first's ``routes:`` line."""
    from routemap.io import _yaml_text

    empty = _yaml_text(RouteSet())
    head = empty.removesuffix("routes: []\n")
    first = True
    for chunk in _chunks(routes):
        body = _yaml_text(chunk).removeprefix(head)
        yield head + body if first else body.removeprefix("routes:\n")
        first = False
    if first:
        yield empty


def _batch_outputs(
    out: Path,
    spill: _Spill,
    missing: Sequence[tuple[str, str]],
    written: set[str],
    online_tiles: bool,
    browser: Browser | None,
    run: _Run = _run_here,
    country_roles: bool = False,
) -> tuple[BuildReport, set[str]]:
    """The maps by mode, all routes, the route files and the index, from ``spill``.

    The merged routes stream through once (kept in ``spill``, tallied per map); each map
    then reads back the routes it draws, and the route files are written a chunk at a
    time, so memory is bounded by ``MAP_ROUTES``, not by the size of the batch."""
    tallies = [_Tally(mode) for mode, _, _ in MODE_MAPS] + [_Tally(None)]
    for seq, route in enumerate(spill.merged()):
        spill.keep(seq, route)
        for tally in tallies:
            tally.add(seq, route)
    spill.db.commit()
    mode_rows: list[tuple[str, str, int, int]] = []
    skipped: list[str] = []
    maps = [*MODE_MAPS, (None, ALL_ROUTES, "All routes")]
    for (_, name, title), tally in zip(maps, tallies, strict=True):
        if not tally.count and name != ALL_ROUTES:
            skipped.append(name)
            continue
        mode_rows.append((name, title, tally.count, len(tally.places)))
    # The largest map (all routes) and the route files first, so that the workers finish
    # together; each task reads its routes from the spill itself.
    by_name = {n: (t, tally) for (_, n, t), tally in zip(maps, tallies, strict=True)}
    draws: list[tuple[Callable[..., None], tuple[Any, ...]]] = []
    for name, *_ in reversed(mode_rows):
        title, tally = by_name[name]
        drawn = tally.drawn()
        target = out / name
        map_title = _map_title(title, tally)
        args = (spill.path, drawn, map_title, target, online_tiles, country_roles)
        draws.append((_draw_kept, args))
    files = [(_write_route_file, (spill.path, out / n)) for n in ("routes.geojson", "routes.yaml")]
    total = tallies[-1].count
    del tallies, by_name
    jobs = [run(task, *args) for task, args in [*draws[:1], *files, *draws[1:]]]
    written = written | {"routes.geojson", "routes.yaml"}
    for job in jobs:
        job.result()  # a map or file that could not be written stops the build here
    written |= {name for name, *_ in mode_rows}
    if browser is not None:
        written |= {_thumbnail(browser, out, name) for name, *_ in mode_rows}

    failures = list(missing) + [
        (path, error)
        for path, error in spill.rows(
            "SELECT path, error FROM inputs WHERE error IS NOT NULL ORDER BY seq"
        )
    ]
    doc_maps = [
        page
        for (page,) in spill.rows("SELECT page FROM inputs WHERE page IS NOT NULL ORDER BY seq")
    ]
    unresolved = tuple(
        (path, text)
        for path, text in spill.rows(
            "SELECT path, text FROM unresolved JOIN inputs USING (seq)"
            " ORDER BY seq, unresolved.rowid"
        )
    )
    report = BuildReport(
        maps=(*doc_maps, *(name for name, *_ in mode_rows)),
        failures=tuple(failures),
        unresolved=unresolved,
        routes=total,
        skipped=tuple(skipped),
    )
    _write_text(out / "index.html", _index(report, mode_rows, spill, browser is not None))
    written.add("index.html")
    return report, written


# -- thumbnails -------------------------------------------------------------------------

THUMBNAILS = "thumbnails"
_THUMB_SIZE = (960, 640)  # the viewport shot; the index shows it at a quarter


@contextlib.contextmanager
def _browser() -> Iterator[Browser]:
    from routemap.render.png import Browser

    with Browser() as browser:
        yield browser


def _thumbnail_name(page: str) -> str:
    return f"{THUMBNAILS}/{page.removesuffix('.html')}.png"


def _thumbnail(browser: Browser, out: Path, page: str) -> str:
    """Save the PNG thumbnail of the map ``page``; its name in the output folder."""
    from routemap.render.png import save_png

    name = _thumbnail_name(page)
    width, height = _THUMB_SIZE
    with _writing(out / name):
        save_png(out / page, out / name, width=width, height=height, browser=browser)
    return name


# -- the files of a build: manifest, stale outputs, leftovers ---------------------------

MANIFEST = ".routemap-manifest"
_MANIFEST_HEAD = (
    "# Files routemap build wrote in this folder, one a line. A later build into the same\n"
    "# folder removes those it no longer writes, and only those.\n"
)


def _planned(pages: Iterable[str], png: bool) -> set[str]:
    names = {*pages, *(name for _, name, _ in MODE_MAPS), ALL_ROUTES}
    if png:
        names |= {_thumbnail_name(name) for name in names}
    return names | {"routes.geojson", "routes.yaml", "index.html"}


def _safe_name(name: str) -> bool:
    """A relative path without ``..``: a name the manifest may list."""
    parts = Path(name).parts
    return bool(parts) and not Path(name).is_absolute() and ".." not in parts


def _read_manifest(out: Path) -> set[str]:
    try:
        text = (out / MANIFEST).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return set()
    return {
        line for line in text.splitlines() if line and not line.startswith("#") and _safe_name(line)
    }


def _write_manifest(out: Path, names: set[str]) -> None:
    _write_text(out / MANIFEST, [_MANIFEST_HEAD, *(f"{name}\n" for name in sorted(names))])


def _remove_stale(out: Path, names: Iterable[str]) -> None:
    """Remove the files routemap wrote in an earlier build and not in this one."""
    for name in sorted(names):
        target = out / name
        if target.is_file() or target.is_symlink():
            with _writing(target):
                target.unlink(missing_ok=True)


def _remove_temp_files(out: Path, names: Iterable[str]) -> None:
    """Remove the temporary files (``.<name>.<random>.tmp``) an interrupted build left
    beside the outputs ``names``."""
    by_folder: dict[Path, set[str]] = {}
    for name in names:
        target = out / name
        by_folder.setdefault(target.parent, set()).add(target.name)
    for folder, known in by_folder.items():
        if not folder.is_dir():
            continue
        for tmp in folder.glob(".*.tmp"):
            stem = tmp.name[1:].removesuffix(".tmp").rpartition(".")[0]
            if stem in known:
                tmp.unlink(missing_ok=True)


def _remove_dead_spills(out: Path) -> None:
    """Remove the temporary folders of builds into ``out`` that were killed."""
    for folder in out.glob(f"{_SPILL_PREFIX}*"):
        pid = folder.name.removeprefix(_SPILL_PREFIX).partition("-")[0]
        if not pid.isdigit() or not folder.is_dir():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except PermissionError:
            pass  # a live process of another user


# -- the index --------------------------------------------------------------------------


def _index(
    report: BuildReport,
    mode_rows: Sequence[tuple[str, str, int, int]],
    spill: _Spill,
    thumbnails: bool,
) -> Iterator[str]:
    """The pieces of ``index.html``, its documents read from ``spill`` as they are written."""
    from urllib.parse import quote  # a file name as a URL path ("50% #1.html")

    e = html.escape
    head = "<tr><th>Map</th><th>Routes</th><th>Places</th></tr>\n"
    if thumbnails:
        head = "<tr><th></th><th>Map</th><th>Routes</th><th>Places</th></tr>\n"

    def row(name: str, title: str, routes: int, places: int) -> str:
        thumb = ""
        if thumbnails:
            thumb = (
                f'<td><a href="{e(quote(name))}"><img src="{e(quote(_thumbnail_name(name)))}" '
                f'width="{_THUMB_SIZE[0] // 4}" height="{_THUMB_SIZE[1] // 4}" alt=""></a></td>'
            )
        return (
            f'<tr>{thumb}<td><a href="{e(quote(name))}">{e(title)}</a></td>'
            f"<td>{routes}</td><td>{places}</td></tr>\n"
        )

    inputs = spill.db.execute("SELECT COUNT(*) FROM inputs WHERE error IS NULL").fetchone()[0]
    documents = spill.rows(
        "SELECT page, title, routes, places FROM inputs WHERE page IS NOT NULL ORDER BY seq"
    )
    route_files = [
        path
        for (path,) in spill.rows(
            "SELECT path FROM inputs WHERE kind = 'routes' AND error IS NULL ORDER BY seq"
        )
    ]
    top, bottom = _page("routemap build", "\0").split("\0")
    yield top
    yield (
        "<h1>routemap build</h1>\n"
        f"<p>{report.routes} routes from {inputs} inputs; "
        f"{len(report.failures)} failed; {len(report.unresolved)} unresolved mentions. "
        'Data: <a href="routes.geojson">routes.geojson</a> · '
        '<a href="routes.yaml">routes.yaml</a> (the review file).</p>\n'
        "<h2>Maps by mode</h2>\n<table>\n" + head
    )
    yield from (row(*r) for r in mode_rows)
    yield "</table>\n"
    if report.skipped:
        yield "<p>No routes, so no map: " + ", ".join(e(n) for n in report.skipped) + ".</p>\n"
    yield "<h2>Documents</h2>\n"
    first = next(documents, None)
    if first is None:
        yield "<p>None.</p>\n"
    else:
        yield "<table>\n" + head + row(*first)
        yield from (row(*r) for r in documents)
        yield "</table>\n"
    if route_files:
        yield "<h2>Route files</h2>\n<ul>\n"
        yield from (f"<li><code>{e(path)}</code></li>\n" for path in route_files)
        yield "</ul>\n"
    yield "<h2>Failed</h2>\n"
    if report.failures:
        yield "<ul>\n"
        yield from (
            f"<li><code>{e(path)}</code>: {e(message)}</li>\n" for path, message in report.failures
        )
        yield "</ul>\n"
    else:
        yield "<p>Every input was read.</p>\n"
    yield "<h2>Unresolved places</h2>\n"
    if report.unresolved:
        yield "<table>\n<tr><th>Document</th><th>Mention</th></tr>\n"
        yield from (
            f"<tr><td><code>{e(doc)}</code></td><td>{e(text)}</td></tr>\n"
            for doc, text in report.unresolved
        )
        yield "</table>\n"
    else:
        yield "<p>None.</p>\n"
    yield bottom

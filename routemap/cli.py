"""The ``routemap`` command: a thin shell over the library.

Exit codes: 0 success, 1 some input could not be handled (e.g. a name not found),
2 usage error.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from routemap.errors import GazetteerBuildError

if TYPE_CHECKING:
    from routemap.gazetteer import Candidate

__all__ = ["build_parser", "main"]

EPILOG_RESOLVE = """\
examples:
  routemap resolve Callao                      best match and its rivals
  routemap resolve Callao --kind port          the port (locode:PECLL)
  routemap resolve Lima --country US           Lima, Ohio
  routemap resolve "San Francisco" --near VRAEM
  routemap resolve VRAEM Cusco Iquitos --json  one JSON object per name
  routemap resolve VRAEM Callao --map places.html   also draw them on an offline map
"""


EPILOG_GEOPARSE = """\
examples:
  routemap geoparse seeds/*.txt                 a table per article
  routemap geoparse article.txt --json          {"document", "language", "mentions": [...]}
  routemap geoparse news/*.txt --json --no-chrome > mentions.jsonl

Offsets are character offsets into the file's text as read (after a BOM is removed).
"""


EPILOG_EXTRACT = """\
examples:
  routemap extract seeds/*.txt -o routes.geojson     RFC 7946, one Feature per route
  routemap extract seeds/*.txt -o routes.yaml        the review file: place names, editable
  routemap extract article.txt -o - | jq .           GeoJSON on stdout

The review loop: extract to .yaml, delete a wrong route or fix a place or a mode by hand,
then render the corrected file (routemap render routes.yaml).
"""


EPILOG_RENDER = """\
examples:
  routemap extract seeds/*.txt -o routes.yaml && routemap render routes.yaml -o map.html
  routemap render routes.geojson -o map.html --title "Air bridges from the VRAEM"
  routemap render routes.yaml -o map.html --png map.png
  routemap render routes.yaml -o map.html --country-roles
"""


EPILOG_BUILD = """\
examples:
  routemap build seeds/ -o maps/                      every article of a folder
  routemap build news/*.txt routes.yaml -o maps/      articles and a reviewed route file
  routemap build "news/**/*.html" -o maps/ --workers 4
  routemap build seeds/ -o maps/ --png                with a thumbnail of every map

Writes OUTDIR/index.html (start there), a map per document and per mode, all-routes.html,
routes.geojson and routes.yaml. Every file is written atomically; the same inputs give
the same bytes. Documents are streamed: each page is written as its document is done.
A re-run into the same OUTDIR removes the maps it no longer makes (listed in
OUTDIR/.routemap-manifest), never other files. An article over 10 MB is refused (split
it, or raise the limit with ROUTEMAP_MAX_ARTICLE_MB).
"""


ROLES_HELP = (
    "also shade the countries the routes stop in by role (origin, transit, destination, "
    "several), as a layer of the map"
)


def build_parser() -> argparse.ArgumentParser:
    from routemap import __version__

    parser = argparse.ArgumentParser(
        prog="routemap",
        description="Maps of drug-trafficking routes people can defend — offline.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"routemap {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    resolve = commands.add_parser(
        "resolve",
        help="look place names up in the offline gazetteer",
        description="Resolve place names (English or Spanish) to places with coordinates.",
        epilog=EPILOG_RESOLVE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    resolve.add_argument("names", nargs="+", metavar="NAME", help="a place name, e.g. Cuzco")
    resolve.add_argument("--country", metavar="CC", help="only places in this country (PE)")
    resolve.add_argument(
        "--kind",
        metavar="KIND",
        help="only this kind: continent, country, region, city, port, airport, river, area",
    )
    resolve.add_argument("--near", metavar="PLACE", help="prefer places near this one")
    resolve.add_argument("--limit", type=int, default=5, help="candidates shown (default 5)")
    resolve.add_argument("--json", action="store_true", help="print JSON lines")
    resolve.add_argument("--map", metavar="HTML", help="also write an offline map of the places")
    resolve.add_argument(
        "--online",
        action="store_true",
        help="ask OpenStreetMap Nominatim for names not found offline (sends the name!)",
    )

    geoparse = commands.add_parser(
        "geoparse",
        help="find and resolve the places articles mention",
        description="Find the places each article mentions (English or Spanish) and resolve "
        "them in context, offline.",
        epilog=EPILOG_GEOPARSE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    geoparse.add_argument("files", nargs="+", metavar="FILE", help="article text files (UTF-8)")
    geoparse.add_argument("--json", action="store_true", help="one JSON object per document")
    geoparse.add_argument(
        "--no-chrome", action="store_true", help="leave out mentions found in site chrome"
    )

    extract = commands.add_parser(
        "extract",
        help="extract the trafficking routes articles state, with their evidence",
        description="Extract routes (origin → transits → destination, by mode) from articles. "
        "Every route cites the sentence(s) that state it.",
        epilog=EPILOG_EXTRACT,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    extract.add_argument("files", nargs="+", metavar="FILE", help="article text files (UTF-8)")
    extract.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="OUT",
        help="routes.geojson | .gpkg | .parquet | .yaml (the suffix picks the format); "
        "'-' for GeoJSON on stdout",
    )

    render = commands.add_parser(
        "render",
        help="draw a route file as an interactive map (offline by default)",
        description="Render routes (.geojson, .gpkg, .parquet or the .yaml review file) as "
        "one self-contained HTML map: a layer per mode, arrows, legend, and each line's "
        "popup quoting the sentences it rests on.",
        epilog=EPILOG_RENDER,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    render.add_argument("routes", metavar="ROUTES", help="a route file")
    render.add_argument("-o", "--output", required=True, metavar="HTML", help="the map to write")
    render.add_argument("--title", help="the map's title (default: the file name)")
    render.add_argument(
        "--online-tiles",
        action="store_true",
        help="draw OpenStreetMap tiles (the page then loads them from the network)",
    )
    render.add_argument("--country-roles", action="store_true", help=ROLES_HELP)
    render.add_argument("--png", metavar="PNG", help="also save a picture (needs Chromium)")

    build = commands.add_parser(
        "build",
        help="build the maps of a whole batch of articles into a folder",
        description="Read articles (.txt, .md, .html) and route files (.geojson, .gpkg, "
        ".parquet, .yaml), extract their routes and write a folder of offline maps with an "
        "index.",
        epilog=EPILOG_BUILD,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    build.add_argument(
        "sources", nargs="+", metavar="SOURCE", help="an article, a route file, a folder or a glob"
    )
    build.add_argument("-o", "--output", required=True, metavar="OUTDIR", help="the folder")
    build.add_argument(
        "--workers",
        type=int,
        default=1,
        metavar="N",
        help="processes reading in parallel, this one included (default 1)",
    )
    build.add_argument(
        "--engine",
        choices=("local", "dask"),
        default="local",
        help="run the inputs here (local, the default) or on a dask.distributed cluster "
        "(pip install 'routemap[dask]'); the output is the same",
    )
    build.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="with --engine dask: join this scheduler (tcp://HOST:PORT) instead of starting "
        "a local cluster of --workers processes",
    )
    build.add_argument(
        "--online-tiles",
        action="store_true",
        help="draw OpenStreetMap tiles (the pages then load them from the network)",
    )
    build.add_argument("--country-roles", action="store_true", help=ROLES_HELP)
    build.add_argument(
        "--png",
        action="store_true",
        help="also save a PNG thumbnail of every map (in OUTDIR/thumbnails/, shown in the "
        "index; needs Chromium)",
    )

    index = commands.add_parser(
        "index",
        help="build the offline gazetteer index now (it is otherwise built on first use)",
        description="Build (or locate) the offline gazetteer index.",
    )
    index.add_argument("--path", action="store_true", help="only print where the index is")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        if args.command in ("geoparse", "extract", "build"):
            _check_settings()
        if args.command == "resolve":
            return _resolve(args, parser)
        if args.command == "index":
            return _index(args)
        if args.command == "geoparse":
            return _geoparse(args)
        if args.command == "extract":
            return _extract(args)
        if args.command == "render":
            return _render(args)
        if args.command == "build":
            return _build(args, parser)
    except KeyboardInterrupt:
        return 130
    except GazetteerBuildError as exc:  # the setup, not any one input: nothing could run
        print(f"routemap: error: {exc}", file=sys.stderr)
        return 2
    except _BadSetting as exc:  # e.g. ROUTEMAP_MAX_ARTICLE_MB=abc: no input could be read
        print(f"routemap: error: {exc}", file=sys.stderr)
        return 2
    parser.error(f"unknown command {args.command}")
    return 2  # pragma: no cover - parser.error exits


class _BadSetting(Exception):
    """A setting from the environment that no input can be read with."""


def _check_settings() -> None:
    from routemap.text import DocumentError, max_article_mb

    try:
        max_article_mb()
    except DocumentError as exc:
        raise _BadSetting(str(exc)) from exc


def _resolve(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from routemap import Gazetteer, PlaceKind, PlaceNotFound, RoutemapError

    if args.kind:
        try:
            PlaceKind.coerce(args.kind)
        except ValueError as exc:
            parser.error(str(exc))
    if args.limit < 1:
        parser.error("--limit must be at least 1")
    gazetteer: Gazetteer = Gazetteer.default()
    if args.online:
        gazetteer = gazetteer.with_online_fallback()
    status = 0
    places = []
    for name in args.names:
        try:
            candidates = gazetteer.search(
                name, country=args.country, kind=args.kind, near=args.near, limit=args.limit
            )
        except PlaceNotFound as exc:
            status = 1
            if args.json:
                print(json.dumps({"query": name, "error": str(exc)}, ensure_ascii=False))
            else:
                print(f"routemap: {exc}", file=sys.stderr)
            continue
        except (RoutemapError, TypeError) as exc:
            print(f"routemap: {exc}", file=sys.stderr)
            return 2
        places.append(candidates[0].place)
        if args.json:
            record = {
                "query": name,
                "place": candidates[0].to_dict(),
                "candidates": [c.to_dict() for c in candidates],
            }
            print(json.dumps(record, ensure_ascii=False))
        else:
            _print_table(name, candidates)
    if args.map and places:
        from routemap.render import places_map, save_html

        save_html(places_map(places, title="Places"), args.map)
        print(f"wrote {args.map}", file=sys.stderr)
    return status


def _print_table(query: str, candidates: Sequence[Candidate]) -> None:
    place = candidates[0].place
    print(
        f"{query} → {place.name} [{place.id}] {place.kind.value}, {place.country or '—'}, "
        f"{place.lat:.4f}, {place.lon:.4f}"
    )
    for rank, candidate in enumerate(candidates, 1):
        p = candidate.place
        print(
            f"   {rank}. {candidate.score:.3f}  {p.id:<22} {p.name} "
            f"({p.kind.value}, {p.country or '—'}) — {candidate.reason}"
        )


def _index(args: argparse.Namespace) -> int:
    from routemap.gazetteer.index import default_index_path

    if args.path:
        print(default_index_path())
        return 0
    from routemap import Gazetteer

    gazetteer = Gazetteer.default()
    print(f"{gazetteer.path} ({len(gazetteer):,} places)")
    return 0


def _geoparse(args: argparse.Namespace) -> int:
    from routemap import DocumentError, geoparse, read_document

    status = 0
    for path in args.files:
        try:
            document = read_document(path)
        except DocumentError as exc:
            print(f"routemap: {exc}", file=sys.stderr)
            status = 1
            continue
        mentions = [m for m in geoparse(document) if not (args.no_chrome and m.in_chrome)]
        if args.json:
            record = {
                "document": path,
                "language": document.language,
                "date": document.date,
                "title": document.title,
                "mentions": [m.to_dict() for m in mentions],
            }
            print(json.dumps(record, ensure_ascii=False))
            continue
        print(f"{path}  [{document.language or '?'}] {document.date or ''} {document.title or ''}")
        for m in mentions:
            place = m.place
            where = f"{place.id:<24} {place.kind.value:<9} {place.country or '—'}" if place else "?"
            chrome = "  (site chrome)" if m.in_chrome else ""
            print(f"  {m.start:>6}-{m.end:<6} {m.text[:32]:<32} → {where}  {m.score:.2f}{chrome}")
    return status


def _extract(args: argparse.Namespace) -> int:
    from routemap import DocumentError, RoutemapError, read_document
    from routemap.extract import extract_routes
    from routemap.io import routes_to_geojson, write_routes

    status = 0
    documents = []
    for path in args.files:
        try:
            documents.append(read_document(path))
        except DocumentError as exc:
            print(f"routemap: {exc}", file=sys.stderr)
            status = 1
    routes = extract_routes(documents)
    try:
        if args.output == "-":
            print(json.dumps(routes_to_geojson(routes), ensure_ascii=False))
        else:
            write_routes(routes, args.output)
            print(f"wrote {len(routes)} routes to {args.output}", file=sys.stderr)
    except (RoutemapError, OSError) as exc:
        print(f"routemap: cannot write {args.output}: {exc}", file=sys.stderr)
        return 2 if isinstance(exc, RoutemapError) else 1
    return status


def _render(args: argparse.Namespace) -> int:
    from pathlib import Path

    from routemap import RoutemapError, read_routes
    from routemap.render import render, save_html

    try:
        routes = read_routes(args.routes)
    except (RoutemapError, OSError) as exc:
        print(f"routemap: {exc}", file=sys.stderr)
        return 1
    title = args.title or Path(args.routes).stem
    tiles = "OpenStreetMap" if args.online_tiles else None
    fmap = render(routes, title=title, tiles=tiles, country_roles=args.country_roles)
    try:
        save_html(fmap, args.output)
        print(f"wrote {args.output} ({len(routes)} routes)", file=sys.stderr)
        if args.png:
            from routemap.render.png import save_png

            save_png(fmap, args.png)
            print(f"wrote {args.png}", file=sys.stderr)
    except (RoutemapError, OSError) as exc:
        print(f"routemap: cannot write the map: {exc}", file=sys.stderr)
        return 1
    return 0


def _build(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from routemap import RoutemapError
    from routemap.export import BuildError, build

    if args.workers < 1:
        parser.error("--workers must be at least 1")
    if args.scheduler is not None and args.engine != "dask":
        parser.error("--scheduler needs --engine dask")
    try:
        report = build(
            args.sources,
            args.output,
            workers=args.workers,
            online_tiles=args.online_tiles,
            country_roles=args.country_roles,
            engine=args.engine,
            scheduler=args.scheduler,
            png=args.png,
        )
    except BuildError as exc:
        print(f"routemap: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        where = exc.filename if exc.filename is not None else args.output
        print(
            f"routemap: cannot write {where}: {exc.strerror or exc}. Check that {args.output} "
            "is a folder you can write to and that the disk has space, then run the build "
            "again (the files already in place are whole).",
            file=sys.stderr,
        )
        return 1
    except RoutemapError as exc:
        print(f"routemap: cannot build {args.output}: {exc}", file=sys.stderr)
        return 1
    for path, message in report.failures:
        where = "" if message.startswith(path) else f"{path}: "
        print(f"routemap: {where}{message}", file=sys.stderr)
    print(
        f"wrote {len(report.maps)} maps and {report.routes} routes to {args.output} "
        f"({len(report.failures)} failed, {len(report.unresolved)} unresolved); "
        f"see {os.path.join(args.output, 'index.html')}",
        file=sys.stderr,
    )
    return 1 if report.failures else 0

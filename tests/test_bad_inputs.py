"""Bad inputs through the library and the CLI (issue #7, reliability).

Every broken article, route file or output folder must give a message naming the file
(and the line where there is one) and the documented exit code — 0 ok, 1 some inputs
failed, 2 usage — never a traceback; good inputs next to a bad one are still built, and
no temporary file is left behind.
"""

from __future__ import annotations

import codecs
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

import routemap
from routemap.cli import main

GOOD = "Light aircraft fly cocaine from the VRAEM to Bolivia, from where it is sent on to Brazil.\n"
BODY = (
    "La Policía Nacional incautó 2 toneladas de cocaína en el puerto del Callao con "
    "destino a Amberes. La droga llegó desde el VRAEM.\n"
)
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0

# name -> (bytes, readable?, message fragment when not, line in the message or None)
ARTICLES: dict[str, tuple[bytes, bool, str | None, int | None]] = {
    "empty.txt": (b"", True, None, None),
    "whitespace.txt": (b"  \n\t\r\n   \n", True, None, None),
    "image.txt": (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10" + bytes(range(256)),
        False,
        "binary",
        None,
    ),
    "invalid-utf8.txt": (b"Peru\nBolivia\n\xff\xfe\xfd broken\n", False, "not UTF-8", 3),
    "latin1.txt": (b"Cocaine went to Peru.\n" + BODY.encode("latin-1"), False, "not UTF-8", 2),
    # Decided: a UTF-16 file with its byte-order mark (Windows "Unicode" text) is decoded.
    "utf16-le-bom.txt": (codecs.BOM_UTF16_LE + BODY.encode("utf-16-le"), True, None, None),
    "utf16-be-bom.txt": (codecs.BOM_UTF16_BE + BODY.encode("utf-16-be"), True, None, None),
    "replacement-damage.txt": (
        BODY.replace("í", "?").replace("ó", "\ufffd").encode(),
        True,
        None,
        None,
    ),
    "one-long-line.txt": (
        ("Cocaine goes from Peru to Brazil via Bolivia, police said; " * 4000)[:200_000].encode(),
        True,
        None,
        None,
    ),
    "no-places.txt": (b"The quick brown fox jumps over the lazy dog.\n" * 20, True, None, None),
    "no-movement.txt": (b"Peru and Bolivia are neighbours in South America.\n", True, None, None),
    "many-mentions.txt": (b"Peru. " * 10_000, True, None, None),
    # 2,000 paragraphs that state one route: was quadratic (RouteSet.merge scanned the group
    # for duplicates, Document.in_chrome scanned the blocks, the origin refinement every
    # mention): 95 s for 4,000 paragraphs, now 6 s.
    "many-paragraphs.txt": (
        b"Cocaine is flown from Peru to Bolivia.\n\n" * 2_000,
        True,
        None,
        None,
    ),
}


@pytest.fixture
def good(tmp_path: Path) -> Path:
    path = tmp_path / "good.txt"
    path.write_text(GOOD, encoding="utf-8")
    return path


def _write_article(tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    path.write_bytes(ARTICLES[name][0])
    return path


def _no_tmp(folder: Path) -> None:
    left = [p for p in folder.rglob("*") if ".tmp" in p.name or p.name.endswith("~")]
    assert not left, left


# -- articles: library ---------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(set(ARTICLES) - {"many-mentions.txt"}))  # see below
def test_read_document_and_geoparse(tmp_path: Path, name: str) -> None:
    path = _write_article(tmp_path, name)
    _, readable, fragment, line = ARTICLES[name]
    if not readable:
        with pytest.raises(routemap.DocumentError) as info:
            routemap.read_document(path)
        message = str(info.value)
        assert str(path) in message and fragment in message
        if line is not None:
            assert f"{path}:{line}:" in message
        return
    document = routemap.read_document(path)
    for mention in routemap.geoparse(document):
        assert document.text[mention.start : mention.end] == mention.text
    routemap.extract_routes(document)


def test_utf16_with_bom_is_decoded(tmp_path: Path) -> None:
    path = _write_article(tmp_path, "utf16-le-bom.txt")
    document = routemap.read_document(path)
    assert document.text == BODY and document.language == "es"
    assert "Callao" in [m.text for m in routemap.geoparse(document)]


def test_damaged_utf16_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "half.txt"
    path.write_bytes(codecs.BOM_UTF16_LE + "Peru".encode("utf-16-le") + b"\x00\xd8")
    with pytest.raises(routemap.DocumentError, match=r"half\.txt.*UTF-16"):
        routemap.read_document(path)


def test_ten_thousand_mentions_are_all_found(tmp_path: Path) -> None:
    # Speed is the benchmarks' business (no timed tests); this was quadratic once
    # (Document.sentence_index rebuilt the list of sentence starts per call).
    document = routemap.read_document(_write_article(tmp_path, "many-mentions.txt"))
    mentions = routemap.geoparse(document)
    assert len(mentions) == 10_000
    assert len({m.start for m in mentions}) == 10_000


def test_merge_finds_duplicates_without_comparing_every_pair(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stops = [routemap.Place("x:a", "A", "city", 1, 1), routemap.Place("x:b", "B", "city", 2, 2)]
    routes = [
        routemap.Route.build(stops, "air", citations=[routemap.Citation(f"d{i}.txt")])
        for i in range(300)
    ]
    compared = 0
    equal = routemap.Route.__eq__

    def counting(self: routemap.Route, other: object) -> bool:
        nonlocal compared
        compared += 1
        return equal(self, other)

    monkeypatch.setattr(routemap.Route, "__eq__", counting)
    merged = routemap.RouteSet([*routes, *routes]).merge()  # each route twice
    assert len(merged) == 1 and len(next(iter(merged)).citations) == 300
    assert compared <= 2 * len(routes)  # was 45,000 comparisons (every pair of the group)


def test_in_chrome_agrees_with_the_blocks_everywhere() -> None:
    paragraph = "Police in Peru seized cocaine bound for Bolivia, officials said. " * 3
    text = f"Headline of the story\n\n{paragraph}\n\nShare\nTweet\nComments\nDONATE\n"
    document = routemap.Document.from_text(text)
    assert any(b.chrome for b in document.blocks) and not all(b.chrome for b in document.blocks)
    for offset in range(-1, len(text) + 2):
        expected = any(b.start <= offset < b.end and b.chrome for b in document.blocks)
        assert document.in_chrome(offset) is expected, offset


def test_sentence_index_bisects() -> None:
    document = routemap.Document.from_text("Peru. Bolivia. Brazil.")
    assert [document.sentence_index(i) for i in (0, 6, 15, 21, 999)] == [0, 1, 2, 2, 2]


# -- articles: CLI ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(ARTICLES))
def test_cli_geoparse_json(tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write_article(tmp_path, name)
    _, readable, fragment, line = ARTICLES[name]
    code = main(["geoparse", str(path), "--json"])
    out, err = capsys.readouterr()
    if readable:
        assert code == 0, err
        record = json.loads(out)
        assert record["document"] == str(path)
    else:
        assert code == 1
        assert out == ""
        assert str(path) in err and fragment in err and "Traceback" not in err
        if line is not None:
            assert f"{path}:{line}:" in err


@pytest.mark.parametrize("name", sorted(ARTICLES))
def test_cli_build_keeps_the_good_file(
    tmp_path: Path, good: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write_article(tmp_path, name)
    _, readable, fragment, line = ARTICLES[name]
    out = tmp_path / "maps"
    code = main(["build", str(path), str(good), "-o", str(out)])
    _, err = capsys.readouterr()
    assert "Traceback" not in err
    if readable:
        assert code == 0, err
    else:
        assert code == 1
        assert str(path) in err and fragment in err
        if line is not None:
            assert f"{path}:{line}:" in err
    assert (out / "index.html").is_file()
    assert (out / "documents" / "good.html").is_file()
    assert "routemap:vraem" in (out / "routes.geojson").read_text(encoding="utf-8")
    _no_tmp(tmp_path)


def test_cli_missing_article(tmp_path: Path, good: Path, capsys) -> None:
    missing = tmp_path / "nowhere.txt"
    assert main(["geoparse", str(missing), str(good)]) == 1
    out, err = capsys.readouterr()
    assert str(missing) in err and str(good) in out


# -- route files -----------------------------------------------------------------------------


def _geojson(gaz) -> dict:
    route = routemap.Route.build([gaz.get("iso3166:PE"), gaz.get("iso3166:BO")], "air")
    return routemap.RouteSet([route]).to_geojson()


def _dump(data: dict) -> str:
    return json.dumps(data, indent=1)


def _swapped(gaz) -> str:  # Tokyo written (lon, lat) as (lat, lon)
    data = _geojson(gaz)
    data["features"][0]["properties"]["destination"].update(lat=139.69, lon=35.69)
    return _dump(data)


def _lat_out_of_range(gaz) -> str:
    data = _geojson(gaz)
    data["features"][0]["properties"]["origin"]["lat"] = -123.5
    return _dump(data)


def _position_out_of_range(gaz) -> str:
    data = _geojson(gaz)
    data["features"][0]["geometry"]["coordinates"][1] = [-74.0, -274.5]
    return _dump(data)


# name -> (text or a function of the gazetteer, fragments the message must hold, line?)
ROUTE_FILES = {
    "malformed.yaml": ("routes:\n- stops: [Peru, Bolivia\n  mode: air\n", ["YAML"], True),
    "bad-indent.yaml": ("routes:\n  - stops:\n    - Peru\n   - Bolivia\n", ["YAML"], True),
    "malformed.geojson": ('{"type": "FeatureCollection", "features": [\n{"type": ', ["JSON"], True),
    "unknown-place.yaml": (
        "routes:\n- stops: [Peru, Iquitoss del Sur]\n  mode: air\n",
        ["unknown place 'Iquitoss del Sur'", "did you mean", "Iquitos"],
        True,
    ),
    "nonsense-place.yaml": ("routes:\n- stops: [Peru, Xyzzyqq]\n", ["unknown place"], True),
    "unknown-mode.yaml": (
        "routes:\n- stops: [Peru, Bolivia]\n  mode: submarine\n",
        ["submarine", "air, maritime, river, land, postal, unknown"],
        True,
    ),
    "one-stop.yaml": ("routes:\n- stops: [Peru]\n  mode: air\n", ["1 stop", "two"], True),
    "swapped.geojson": (_swapped, ["lat 139.69", "swapped"], True),
    "lat-out-of-range.geojson": (_lat_out_of_range, ["-123.5", "±90"], True),
    "position-out-of-range.geojson": (_position_out_of_range, ["-274.5", "±90"], True),
    "empty.yaml": ("", ["empty"], False),
    "empty.geojson": ("", ["JSON"], True),
    "scalar.geojson": ("42\n", ["mapping"], False),
    "binary.yaml": (b"\xff\xfe\x00garbage\x89PNG", ["UTF-8"], False),
}


def _write_route_file(tmp_path: Path, gaz, name: str) -> Path:
    content = ROUTE_FILES[name][0]
    if callable(content):
        content = content(gaz)
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def _has_line(message: str, path: Path) -> bool:
    head = message.split(str(path), 1)[1]
    return head.startswith(":") and head[1:].split(":", 1)[0].isdigit()


@pytest.mark.parametrize("name", sorted(ROUTE_FILES))
def test_read_routes_rejects(tmp_path: Path, gaz, name: str) -> None:
    path = _write_route_file(tmp_path, gaz, name)
    _, fragments, with_line = ROUTE_FILES[name]
    with pytest.raises(routemap.RouteFileError) as info:
        routemap.read_routes(path, gazetteer=gaz)
    message = str(info.value)
    assert str(path) in message
    for fragment in fragments:
        assert fragment in message
    if with_line:
        assert _has_line(message, path), message


@pytest.mark.parametrize("name", sorted(ROUTE_FILES))
def test_cli_render_rejects(tmp_path: Path, gaz, name: str, capsys) -> None:
    path = _write_route_file(tmp_path, gaz, name)
    _, fragments, with_line = ROUTE_FILES[name]
    out = tmp_path / "out.html"
    assert main(["render", str(path), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and str(path) in err
    for fragment in fragments:
        assert fragment in err
    if with_line:
        assert _has_line(err, path), err
    assert not out.exists()
    _no_tmp(tmp_path)


def test_route_file_that_does_not_exist(tmp_path: Path, gaz, capsys) -> None:
    missing = tmp_path / "missing.yaml"
    with pytest.raises((routemap.RouteFileError, OSError), match=r"missing\.yaml"):
        routemap.read_routes(missing, gazetteer=gaz)
    out = tmp_path / "out.html"
    assert main(["render", str(missing), "-o", str(out)]) == 1
    assert "missing.yaml" in capsys.readouterr().err
    assert not out.exists()


def test_route_file_in_unreadable_folder(tmp_path: Path, gaz, capsys) -> None:
    if IS_ROOT:  # root reads through any permission bits: run as the user nobody instead
        _unreadable_folder_as_nobody()
        return
    folder = tmp_path / "locked"
    folder.mkdir()
    path = _write_route_file(folder, gaz, "one-stop.yaml")
    path.write_text("routes:\n- stops: [Peru, Bolivia]\n", encoding="utf-8")
    folder.chmod(0o000)
    try:
        with pytest.raises((routemap.RouteFileError, OSError), match=r"one-stop\.yaml"):
            routemap.read_routes(path, gazetteer=gaz)
        out = tmp_path / "out.html"
        assert main(["render", str(path), "-o", str(out)]) == 1
        assert "one-stop.yaml" in capsys.readouterr().err
        assert not out.exists()
    finally:
        folder.chmod(0o700)


# -- as an unprivileged user, when the tests run as root -----------------------------------
#
# Root reads and writes through any permission bits, so as root the permission tests run
# routemap in a child process as the user nobody (setpriv or runuser), in a folder under
# the system temp dir that nobody can enter (pytest's own temp dir is root's, mode 0700).

NOBODY = 65534
READ_ROUTES = """
import sys, routemap
try:
    routemap.read_routes(sys.argv[1])
except (routemap.RouteFileError, OSError) as exc:
    print(type(exc).__name__, exc)
else:
    print("read it")
"""


def _as_nobody() -> list[str]:
    """The command prefix that runs a program as the user nobody; skip without one."""
    if shutil.which("setpriv"):
        return ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", "--"]
    if shutil.which("runuser"):
        return ["runuser", "-u", "nobody", "--"]
    pytest.skip("running as root without setpriv or runuser to drop the privileges")


def _run_as_nobody(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(folder),
        "LANG": "C.UTF-8",
        # nobody's own cache: root's (~/.cache under a 0700 /root) is out of its reach.
        "ROUTEMAP_CACHE_DIR": str(folder / "cache"),
    }
    return subprocess.run(
        [*_as_nobody(), sys.executable, *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=folder,
        timeout=600,
        check=False,
    )


@contextlib.contextmanager
def _nobodys_folder() -> Iterator[Path]:
    """A temp folder owned by nobody; skip when nobody cannot run this Python."""
    folder = Path(tempfile.mkdtemp(prefix="routemap-nobody-"))
    try:
        folder.chmod(0o755)
        os.chown(folder, NOBODY, NOBODY)
        _share_the_index(folder / "cache")
        probe = _run_as_nobody(folder, "-c", "import routemap.cli")
        if probe.returncode != 0:
            pytest.skip(f"the user nobody cannot run this Python: {probe.stderr[-200:]}")
        yield folder
    finally:
        for path in [folder, *folder.rglob("*")]:
            path.chmod(0o700)
        shutil.rmtree(folder)


def _share_the_index(cache: Path) -> None:
    """Copy the parent's built index where nobody may read it (saves a rebuild)."""
    from routemap.gazetteer.index import default_index_path

    cache.mkdir(mode=0o755)
    index = default_index_path()
    if index.is_file():
        shutil.copyfile(index, cache / index.name)
        (cache / index.name).chmod(0o644)
    for item in (cache, *cache.iterdir()):
        os.chown(item, NOBODY, NOBODY)


def _unreadable_folder_as_nobody() -> None:
    with _nobodys_folder() as root:
        folder = root / "locked"
        folder.mkdir()
        path = folder / "one-stop.yaml"
        path.write_text("routes:\n- stops: [Peru, Bolivia]\n", encoding="utf-8")
        for item in (folder, path):
            os.chown(item, NOBODY, NOBODY)
        folder.chmod(0o000)
        library = _run_as_nobody(root, "-c", READ_ROUTES, str(path))
        assert library.returncode == 0, library.stderr
        assert "read it" not in library.stdout and "one-stop.yaml" in library.stdout
        out = root / "out.html"
        cli = _run_as_nobody(root, "-m", "routemap", "render", str(path), "-o", str(out))
        assert cli.returncode == 1, cli.stderr
        assert "one-stop.yaml" in cli.stderr and "Traceback" not in cli.stderr
        assert not out.exists()


def _unwritable_folder_as_nobody(good: Path) -> None:
    with _nobodys_folder() as root:
        article = root / good.name
        article.write_bytes(good.read_bytes())
        article.chmod(0o644)
        target = root / "maps"
        target.mkdir()
        os.chown(target, NOBODY, NOBODY)
        target.chmod(0o500)
        result = _run_as_nobody(root, "-m", "routemap", "build", str(article), "-o", str(target))
        assert result.returncode in (1, 2), result.stderr
        assert str(target) in result.stderr and "Traceback" not in result.stderr
        assert not list(target.iterdir())


# -- output folders --------------------------------------------------------------------------


def test_build_into_a_file_is_a_usage_error(tmp_path: Path, good: Path, capsys) -> None:
    target = tmp_path / "maps"
    target.write_text("not a folder", encoding="utf-8")
    assert main(["build", str(good), "-o", str(target)]) == 2
    assert str(target) in capsys.readouterr().err
    assert target.read_text(encoding="utf-8") == "not a folder"


def test_build_into_an_unwritable_folder(tmp_path: Path, good: Path, capsys) -> None:
    if IS_ROOT:  # root writes through any permission bits: run as the user nobody instead
        _unwritable_folder_as_nobody(good)
        return
    target = tmp_path / "maps"
    target.mkdir()
    target.chmod(0o500)
    try:
        code = main(["build", str(good), "-o", str(target)])
        err = capsys.readouterr().err
        assert code in (1, 2)
        assert str(target) in err and "Traceback" not in err
        assert not list(target.iterdir())
    finally:
        target.chmod(0o700)

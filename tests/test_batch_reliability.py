"""``routemap build`` when the output goes wrong, and what it never does (issue 7).

- OUTDIR not writable: tests run as root, who may write anywhere, so the build runs in a
  subprocess as the unprivileged user ``nobody`` (uid 65534) against a folder owned by
  root (skipped when the tests do not run as root).
- A file in the way of OUTDIR, of ``documents/``, of a batch map, of one document's page.
- Disk full: the writes of one file raise ``OSError(ENOSPC)`` (``os.fdopen`` patched so
  that the temporary file of that output fails); the message names the file, no partial
  file is left, earlier outputs are intact.
- Interrupted: ``routemap build`` in a subprocess, SIGKILLed mid-batch.
- Determinism: twice, and with 1 and 2 workers, byte-identical trees (index included).
- Network: a subprocess with an audit hook (``sys.addaudithook`` in a ``sitecustomize``
  on ``PYTHONPATH``, so worker processes get it too) records every ``socket.connect`` and
  ``socket.getaddrinfo``: none while importing, geoparsing, extracting, rendering and
  building; one when the online fallback is asked (at a closed port on 127.0.0.1).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import io
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from routemap.cli import main
from routemap.export import MANIFEST, build

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
ROOT = SEEDS.parent
ARTICLE = (
    "Police in {town} seized {kilos} kilos of cocaine hidden in a truck bound for Lima, "
    "officials said. The drug was then shipped from the port of Callao to {to}.\n"
)
TOWNS = ("Cusco", "Puno", "Tacna", "Piura", "Arequipa", "Ayacucho", "Juliaca", "Tumbes")
DESTINATIONS = ("Spain", "Belgium", "the Netherlands", "Italy", "Mexico", "Brazil")


def _hashes(tree: Path) -> dict[str, str]:
    return {
        str(p.relative_to(tree)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(tree.rglob("*"))
        if p.is_file()
    }


def _corpus(folder: Path, count: int = 4) -> Path:
    """``count`` short articles over real places, and one seed."""
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        text = ARTICLE.format(
            town=TOWNS[n % len(TOWNS)], kilos=10 * (n + 1), to=DESTINATIONS[n % len(DESTINATIONS)]
        )
        (folder / f"article-{n:02d}.txt").write_text(text, encoding="utf-8")
    shutil.copy(SEEDS / "000_8a9a345fb03fcc62.txt", folder / "seed.txt")
    return folder


def _leftovers(out: Path) -> list[Path]:
    """Temporary files and folders of a build (anything hidden but the manifest)."""
    return [p for p in out.rglob(".*") if p.name != MANIFEST]


def _cli(argv: list[str]) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(argv)
    return code, err.getvalue()


def _env(**extra: str) -> dict[str, str]:
    return {**os.environ, **extra}


# -- the output folder cannot be written ------------------------------------------------


@pytest.fixture
def shared_tmp() -> Iterator[Path]:
    """A temporary folder other users can read (pytest's own is private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="routemap-reliability-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("setpriv") is None,
    reason="needs root and setpriv (util-linux) to run the build as nobody",
)
def test_outdir_not_writable_by_the_user(shared_tmp: Path) -> None:
    corpus = _corpus(shared_tmp / "corpus", count=1)
    for path in corpus.iterdir():
        path.chmod(0o644)
    corpus.chmod(0o755)
    out = shared_tmp / "out"
    out.mkdir(mode=0o755)  # root's: nobody may not write in it
    (out / "mine.txt").write_text("keep me", encoding="utf-8")
    nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    probe = subprocess.run(
        [*nobody, sys.executable, "-c", "import routemap.cli"],
        capture_output=True,
        text=True,
        env=_env(HOME=str(shared_tmp)),
        cwd=shared_tmp,
        timeout=120,
    )
    if probe.returncode != 0:  # e.g. the checkout lies in a folder only root may enter
        pytest.skip(f"the user nobody cannot run this Python: {probe.stderr[-200:]}")
    result = subprocess.run(
        [*nobody, sys.executable, "-m", "routemap", "build", str(corpus), "-o", str(out)],
        capture_output=True,
        text=True,
        env=_env(HOME=str(shared_tmp)),
        cwd=shared_tmp,
        timeout=300,
    )
    assert result.returncode == 1, result.stderr
    assert f"cannot write {out / 'documents'}: Permission denied" in result.stderr
    assert "Check that" in result.stderr and "Traceback" not in result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["mine.txt"]


# -- a file in the way -----------------------------------------------------------------


def test_a_file_in_the_way_of_the_documents_folder(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "documents").write_text("mine", encoding="utf-8")
    code, stderr = _cli(["build", str(SEEDS / "003_aceaf8166e69cb16.txt"), "-o", str(out)])
    assert code == 1
    assert f"cannot write {out / 'documents'}: File exists" in stderr
    assert (out / "documents").read_text(encoding="utf-8") == "mine"


def test_a_file_in_the_way_of_a_parent_of_outdir(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("mine", encoding="utf-8")
    code, stderr = _cli(
        ["build", str(SEEDS / "003_aceaf8166e69cb16.txt"), "-o", str(tmp_path / "file" / "out")]
    )
    assert code == 1
    assert f"cannot write {tmp_path / 'file' / 'out'}: Not a directory" in stderr


def test_a_folder_in_the_way_of_a_document_page_fails_that_document_only(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path / "corpus", count=2)
    out = tmp_path / "out"
    (out / "documents" / "article-00.html").mkdir(parents=True)
    code, stderr = _cli(["build", str(corpus), "-o", str(out)])
    assert code == 1
    assert "article-00.txt: cannot write its map" in stderr
    assert (out / "documents" / "article-01.html").is_file()
    assert (out / "all-routes.html").is_file() and (out / "index.html").is_file()
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "article-00.txt" in index and "cannot write its map" in index
    assert _leftovers(out) == []


def test_a_folder_in_the_way_of_a_batch_map_stops_the_build(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "all-routes.html").mkdir(parents=True)
    code, stderr = _cli(["build", str(SEEDS / "003_aceaf8166e69cb16.txt"), "-o", str(out)])
    assert code == 1
    assert "all-routes.html" in stderr and "Is a directory" in stderr
    assert (out / "all-routes.html").is_dir()
    assert [p for p in _leftovers(out) if p.name.endswith(".tmp")] == []


# -- disk full ------------------------------------------------------------------------


class _FullDisk(io.StringIO):
    def write(self, _: str) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def _fill_disk_for(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """Every write to the temporary file of the output ``name`` fails with ENOSPC."""
    real = os.fdopen

    def fdopen(fd: int, *args: Any, **kwargs: Any) -> Any:
        if os.readlink(f"/proc/self/fd/{fd}").rpartition("/")[2].startswith(f".{name}."):
            os.close(fd)
            return _FullDisk()
        return real(fd, *args, **kwargs)

    monkeypatch.setattr(os, "fdopen", fdopen)


@pytest.mark.parametrize("name", ["all-routes.html", "index.html", "article-01.html"])
def test_disk_full_names_the_file_and_keeps_the_earlier_outputs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    corpus = _corpus(tmp_path / "corpus", count=2)
    out = tmp_path / "out"
    assert _cli(["build", str(corpus), "-o", str(out)])[0] == 0
    earlier = _hashes(out)
    (corpus / "article-00.txt").write_text(
        "Cocaine was flown from the VRAEM to Bolivia by small planes.\n", encoding="utf-8"
    )
    _fill_disk_for(monkeypatch, name)
    code, stderr = _cli(["build", str(corpus), "-o", str(out)])
    assert code == 1
    target = next(out.rglob(name))
    assert f"cannot write {target}: No space left on device" in stderr
    assert "Traceback" not in stderr
    assert [p for p in _leftovers(out) if p.name.endswith(".tmp") or p.is_dir()] == []
    now = _hashes(out)
    # Every earlier output is still there, whole: the old bytes or the new file complete.
    assert set(earlier) <= set(now)
    assert now[str(target.relative_to(out))] == earlier[str(target.relative_to(out))]
    for page in now:
        if page.endswith(".html"):
            assert (out / page).read_text(encoding="utf-8").rstrip().endswith("</html>")
    monkeypatch.undo()
    assert _cli(["build", str(corpus), "-o", str(out)])[0] == 0  # space again: it completes
    assert _leftovers(out) == []


# -- killed mid-batch -----------------------------------------------------------------


def test_a_killed_build_leaves_whole_files_and_a_rerun_completes(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path / "corpus", count=12)
    out = tmp_path / "out"
    command = [sys.executable, "-m", "routemap", "build", str(corpus), "-o", str(out)]
    first = subprocess.run(command, capture_output=True, text=True, env=_env(), timeout=600)
    assert first.returncode == 0, first.stderr
    earlier = _hashes(out)
    for path in corpus.glob("article-*.txt"):  # new text: every page is rewritten
        path.write_text(path.read_text(encoding="utf-8").replace("truck", "bus"), "utf-8")
    started = time.time()
    process = subprocess.Popen(command, stderr=subprocess.DEVNULL, env=_env())
    try:
        # Kill it once it has rewritten two pages (and is drawing the next ones).
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and process.poll() is None:
            rewritten = 0
            for page in (out / "documents").glob("[!.]*.html"):
                with contextlib.suppress(FileNotFoundError):
                    rewritten += page.stat().st_mtime > started
            if rewritten >= 2:
                break
            time.sleep(0.05)
        assert process.poll() is None, "the build ended before it could be killed"
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait()
    assert process.returncode == -signal.SIGKILL
    killed = _hashes(out)
    assert set(earlier) <= set(killed)
    changed = {name for name in earlier if killed[name] != earlier[name]} - {MANIFEST}
    assert changed and all(name.startswith("documents/") for name in changed)
    assert killed["index.html"] == earlier["index.html"]
    for name in killed:
        if name.endswith(".html") and not name.rpartition("/")[2].startswith("."):
            assert (out / name).read_text(encoding="utf-8").rstrip().endswith("</html>")
    assert any(p.name.startswith(".routemap-build-") for p in out.iterdir())  # its temp area

    rerun = subprocess.run(command, capture_output=True, text=True, env=_env(), timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    assert _leftovers(out) == []
    fresh = tmp_path / "fresh"
    assert build([corpus], fresh, progress=False).ok
    assert _hashes(out) == _hashes(fresh)


# -- determinism ----------------------------------------------------------------------


def test_same_bytes_twice_and_with_one_or_two_workers(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path / "corpus", count=5)
    shutil.copy(SEEDS / "004_80e2601664cfa633.txt", corpus / "seed-4.txt")
    (corpus / "bad.txt").write_bytes(b"\x00\x01 binary")
    trees = []
    for name, workers in (("a", 1), ("b", 1), ("c", 2)):
        report = build([corpus], tmp_path / name, workers=workers, progress=False)
        assert [path for path, _ in report.failures] == [str(corpus / "bad.txt")]
        trees.append(_hashes(tmp_path / name))
    assert "index.html" in trees[0] and MANIFEST in trees[0]
    assert trees[0] == trees[1] == trees[2]


# -- no network -----------------------------------------------------------------------

SITECUSTOMIZE = """
import os, sys

_LOG = os.environ["ROUTEMAP_AUDIT_LOG"]
with open(_LOG, "a", encoding="utf-8") as _f:
    _f.write(f"start {os.getpid()}\\n")


def _hook(event, args):
    if event in ("socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "socket.sendto"):
        with open(_LOG, "a", encoding="utf-8") as f:
            where = args[1] if event == "socket.connect" else args
            f.write(f"net {os.getpid()} {event} {where!r}\\n")


sys.addaudithook(_hook)
"""

PIPELINE = """
import routemap
from routemap import Gazetteer, extract_routes, geoparse
from routemap.render import render, save_html
gaz = Gazetteer.default()
assert gaz.resolve("Callao").country == "PE"
text = open({article!r}, encoding="utf-8").read()
assert geoparse(text)
routes = extract_routes(text)
assert len(routes)
save_html(render(routes, title="t"), {page!r})
try:
    gaz.resolve("Xqzvillepampa")
except routemap.RoutemapError:
    pass
print("offline done", flush=True)
"""

ONLINE = """
import routemap
gaz = routemap.Gazetteer.default().with_online_fallback(
    user_agent="routemap-tests", domain="127.0.0.1:9", cache_path={cache!r},
    min_delay_seconds=0,
)
try:
    gaz.resolve("Xqzvillepampa")
except routemap.RoutemapError as exc:
    print("online failed as expected:", type(exc).__name__, flush=True)
"""


def _audited(tmp_path: Path, argv: list[str]) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    hooks = tmp_path / "hooks"
    hooks.mkdir(exist_ok=True)
    (hooks / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    log = tmp_path / f"audit-{len(list(tmp_path.glob('audit-*')))}.log"
    log.touch()
    path = os.pathsep.join([str(hooks), str(ROOT), os.environ.get("PYTHONPATH", "")])
    env = _env(PYTHONPATH=path, ROUTEMAP_AUDIT_LOG=str(log))
    result = subprocess.run(
        [sys.executable, *argv], capture_output=True, text=True, env=env, timeout=600
    )
    return result, log.read_text(encoding="utf-8").splitlines()


def test_build_and_the_pipeline_make_no_network_connection(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path / "corpus", count=3)
    (corpus / "page.html").write_text(
        "<title>T</title><p>Cocaine went from Callao to Antwerp by ship.</p>", encoding="utf-8"
    )
    build_run, build_log = _audited(
        tmp_path,
        ["-m", "routemap", "build", str(corpus), "-o", str(tmp_path / "out"), "--workers", "2"],
    )
    assert build_run.returncode == 0, build_run.stderr
    started = {line.split()[1] for line in build_log if line.startswith("start ")}
    assert len(started) >= 3  # the hook ran in the build and in both worker processes
    assert [line for line in build_log if line.startswith("net ")] == []

    code = PIPELINE.format(article=str(corpus / "article-00.txt"), page=str(tmp_path / "page.html"))
    pipeline_run, pipeline_log = _audited(tmp_path, ["-c", code])
    assert "offline done" in pipeline_run.stdout, pipeline_run.stderr
    assert [line for line in pipeline_log if line.startswith("start ")]
    assert [line for line in pipeline_log if line.startswith("net ")] == []


def test_the_online_fallback_connects_only_when_asked(tmp_path: Path) -> None:
    pytest.importorskip("geopy")
    code = ONLINE.format(cache=str(tmp_path / "geocoder.sqlite"))
    run, log = _audited(tmp_path, ["-c", code])
    assert "online failed as expected: OnlineGeocodingError" in run.stdout, run.stderr
    net = [line for line in log if line.startswith("net ")]
    assert net and all("127.0.0.1" in line for line in net)
    assert any("socket.connect ('127.0.0.1', 9)" in line for line in net), net


def test_the_audit_log_parses(tmp_path: Path) -> None:
    """The hook's log lines are what the tests above read (a guard against a silent
    change of format that would make them pass vacuously)."""
    run, log = _audited(tmp_path, ["-c", "import socket; socket.getaddrinfo('127.0.0.1', 9)"])
    assert run.returncode == 0, run.stderr
    assert any(
        line.startswith("net ") and "socket.getaddrinfo ('127.0.0.1', 9" in line for line in log
    )

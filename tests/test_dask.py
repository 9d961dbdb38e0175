"""``build(engine="dask")``: the same jobs on a dask.distributed cluster, the same bytes.

The cluster is a ``LocalCluster`` on loopback: the test gets pytest-socket's
``allow_hosts(["127.0.0.1"])`` (as the browser tests' ``http_server`` does), every other
test stays offline. Without dask the test skips, except under ``CI=true`` where it fails.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import sys
from pathlib import Path

import pytest

from routemap import MissingDependency
from routemap.cli import main
from routemap.export import BuildError, build

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def require_module(name: str) -> None:
    """Skip without the module ``name``, except in CI where it must be installed."""
    if importlib.util.find_spec(name) is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{name} is required in CI (the test extra) but is missing")
        pytest.skip(f"{name} is not installed")


def _hashes(tree: Path) -> dict[str, str]:
    return {
        str(p.relative_to(tree)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(tree.rglob("*"))
        if p.is_file()
    }


def _corpus(root: Path) -> Path:
    corpus = root / "corpus"
    corpus.mkdir()
    for name in ("000_8a9a345fb03fcc62.txt", "002_a9ed85fdf81ea570.txt"):
        shutil.copy(SEEDS / name, corpus / name)
    (corpus / "callao.txt").write_text(
        "Police said 2 tons of cocaine were shipped from the port of Callao to Antwerp.\n",
        encoding="utf-8",
    )
    (corpus / "meeting.md").write_text(
        "Officials met in Lima and Cusco on Monday to discuss the budget.\n", encoding="utf-8"
    )
    return corpus


@pytest.mark.slow
@pytest.mark.allow_hosts(["127.0.0.1"])
def test_dask_engine_writes_the_same_bytes(tmp_path: Path) -> None:
    require_module("distributed")
    corpus = _corpus(tmp_path)
    local = build([corpus], tmp_path / "local", workers=2, progress=False)
    dask = build([corpus], tmp_path / "dask", workers=2, progress=False, engine="dask")
    assert dask == local and local.ok and local.routes > 0
    hashes = _hashes(tmp_path / "local")
    assert len(hashes) >= 4 + 4  # four documents, index, all-routes, routes.geojson/.yaml
    assert _hashes(tmp_path / "dask") == hashes


def test_dask_missing_is_a_missing_dependency(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed fails
    with pytest.raises(MissingDependency, match=r"routemap\[dask\]"):
        build([SEEDS / "003_aceaf8166e69cb16.txt"], tmp_path / "out", engine="dask")


def test_bad_engine_and_scheduler_without_dask(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = SEEDS / "003_aceaf8166e69cb16.txt"
    with pytest.raises(BuildError, match="engine"):
        build([source], tmp_path / "out", engine="spark")
    with pytest.raises(BuildError, match="scheduler"):
        build([source], tmp_path / "out", scheduler="tcp://127.0.0.1:8786")
    with pytest.raises(SystemExit) as exit_:
        main(["build", str(source), "-o", str(tmp_path / "o"), "--scheduler", "tcp://x:1"])
    assert exit_.value.code == 2
    assert "--scheduler needs --engine dask" in capsys.readouterr().err

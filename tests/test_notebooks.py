"""The notebooks in notebooks/ run top to bottom, offline.

Each notebook runs in a fresh ipykernel driven by nbclient in this process. The kernel
talks to us over ZeroMQ's ``ipc`` transport (Unix domain sockets, made by libzmq, not by
Python's ``socket``), so no TCP port is opened and pytest-socket's ``--disable-socket
--allow-unix-socket`` stays in force for this test. Inside the kernel, a first cell (not
saved) blocks every non-Unix socket with pytest-socket too, so a notebook that reached
for the network would fail here. CI also runs them with ``pytest --nbmake notebooks``.
"""

from __future__ import annotations

import gc
import os
import re
import shutil
import tempfile
import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
TIMEOUT = 120  # seconds per cell; the four notebooks take about 20 s in all

OFFLINE_CELL = "import pytest_socket\npytest_socket.disable_socket(allow_unix_socket=True)"


def _require(module: str) -> None:
    try:
        __import__(module)
    except ImportError:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{module} is required in CI to run the notebooks but is missing")
        pytest.skip(f"{module} is not installed (pip install -e '.[notebooks]')")


def test_notebooks_exist() -> None:
    names = [p.name for p in NOTEBOOKS]
    assert names == [
        "01-quickstart.ipynb",
        "02-air-bridges.ipynb",
        "03-ports.ipynb",
        "04-postal-flows.ipynb",
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_outputs_are_stripped(path: Path) -> None:
    _require("nbformat")
    import nbformat

    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata.kernelspec.name == "python3"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, (
                f"{path.name}: strip the outputs before committing"
            )


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs(path: Path) -> None:
    for module in ("nbformat", "nbclient", "ipykernel"):
        _require(module)
    import nbformat
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.read(path, as_version=4)
    nb.cells.insert(0, nbformat.v4.new_code_cell(OFFLINE_CELL))
    # A short folder: a Unix socket path is limited to about 100 bytes.
    folder = tempfile.mkdtemp(prefix="rmnb-")
    failure = None
    # jupyter_client leaves some ZeroMQ sockets to the garbage collector, which warns
    # (ResourceWarning, an error under our filterwarnings): collect them here, quietly.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        try:
            km = KernelManager(kernel_name="python3", transport="ipc", ip=f"{folder}/k")
            client = NotebookClient(
                nb,
                km=km,
                timeout=TIMEOUT,
                kernel_name="python3",
                resources={"metadata": {"path": str(path.parent)}},
            )
            client.execute()
        except CellExecutionError as error:
            failure = re.sub(r"\x1b\[[0-9;]*m", "", str(error))  # no terminal colours
        finally:
            km = client = None
            gc.collect()
            shutil.rmtree(folder, ignore_errors=True)
    if failure is not None:
        pytest.fail(f"{path.name} failed:\n{failure}", pytrace=False)

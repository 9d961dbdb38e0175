"""Shared fixtures. Tests run offline: pytest-socket blocks every socket (see pyproject)."""

from __future__ import annotations

import os
import shutil

import pytest

from routemap import Gazetteer


@pytest.fixture(scope="session")
def gaz() -> Gazetteer:
    return Gazetteer.default()


def require_program(name: str) -> str:
    """The path of a system program; skip without it, except in CI where it must exist."""
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{name} is required in CI (installed by .ci/run) but is missing")
        pytest.skip(f"{name} is not installed")
    return path

"""Fixtures the integration tests share."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.packaging import STAGES, build


@pytest.fixture(scope="session")
def packages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """`make package` for every stage, into a temporary folder, once per session whichever
    test asks first (the template's tests, the package's import test)."""
    return {stage: build(stage, tmp_path_factory.mktemp(f"package-{stage}")) for stage in STAGES}

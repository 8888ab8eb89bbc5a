"""mypy on what pyproject.toml's [tool.mypy] names, chalicelib/ and the unit tier's fakes (held
to the services' protocols): zero errors, so that `make test` and CI hold the types as they
hold the behaviour. `make typecheck` runs the same check alone."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_mypy_finds_no_errors_in_chalicelib_or_the_fakes(monkeypatch: pytest.MonkeyPatch) -> None:
    from mypy import api

    monkeypatch.chdir(ROOT)  # the configuration, its file list and the cache are the project's
    stdout, stderr, status = api.run([])
    print(stdout, stderr)
    assert status == 0, f"mypy found errors:\n{stdout}{stderr}"
    checked = len(list((ROOT / "chalicelib").rglob("*.py"))) + 1  # and tests/unit/fakes.py
    assert f"Success: no issues found in {checked} source files" in stdout

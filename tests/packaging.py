"""`make package` for the tests: what a deploy uploads, built once per session (see the
``packages`` fixture in tests/integration/conftest.py) and read by the template's tests and
the package's import test."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parents[1]
STAGES = ("dev", "prod")
CHALICE = "import sys; from chalice.cli import main; sys.exit(main())"


def run(args: list[str], **kw: Any) -> str:
    done = subprocess.run(args, cwd=PROJECT, capture_output=True, text=True, timeout=900, **kw)
    assert done.returncode == 0, f"{' '.join(args[:4])} ... failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def build(stage: str, folder: Path) -> Path:
    """`make package STAGE=stage` into ``folder``: the merge template from `python -m
    infra.template`, then `chalice package` (which needs a region, not credentials). Returns
    the folder holding sam.json and deployment.zip."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}  # no emulator, no profile
    env["AWS_DEFAULT_REGION"] = "us-east-1"
    merge = folder / "merge-template.json"
    merge.write_text(run([sys.executable, "-m", "infra.template", stage], env=env))
    out = folder / stage
    run([sys.executable, "-c", CHALICE, "package", "--stage", stage, "--merge-template", str(merge), str(out)], env=env)
    return out

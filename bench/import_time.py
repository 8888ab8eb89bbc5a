"""Cold-start import cost of the app against its bare dependencies, in one run.

Each import is timed in a fresh interpreter (as a Lambda cold start would be), many times,
alternating the two so that machine noise hits both alike; the ratio of the medians is the
result. The issue's bar: ``import app`` at most 1.3x ``import chalice, boto3, pynamodb``.

    .venv/bin/python bench/import_time.py [--runs N]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASELINE = "import chalice, boto3, pynamodb"
APP = "import app"
# What the first request adds: the adapters (boto3 clients, PynamoDB models) the container builds.
APP_WITH_ADAPTERS = (
    "import app, boto3, chalicelib.adapters.dynamodb.repositories, "
    "chalicelib.adapters.cognito, chalicelib.adapters.tokens"
)
LIMIT = 1.3

_TIMER = (
    "import time; t = time.perf_counter(); {stmt}; "
    "print(time.perf_counter() - t)"
)


def time_once(statement: str) -> float:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    out = subprocess.run(
        [sys.executable, "-c", _TIMER.format(stmt=statement)],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True,
    )
    return float(out.stdout.strip())


def heavy_modules() -> list[str]:
    """Modules that must not be imported by ``import app`` (they are loaded on first use)."""
    probe = "import sys, app; print(' '.join(m for m in ('jsonschema', 'jwt', 'cryptography', 'moto', 'email.message', 'chalicelib.services.mail') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    return out.stdout.split()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    time_once(APP)  # warm the file cache and write the .pyc files
    time_once(BASELINE)
    base, app, full = [], [], []
    for _ in range(args.runs):
        base.append(time_once(BASELINE))
        app.append(time_once(APP))
        full.append(time_once(APP_WITH_ADAPTERS))
    ratio = statistics.median(app) / statistics.median(base)
    result = {
        "baseline": BASELINE,
        "baseline_median_ms": round(statistics.median(base) * 1000, 1),
        "app_median_ms": round(statistics.median(app) * 1000, 1),
        "ratio": round(ratio, 3),
        "app_with_adapters_median_ms": round(statistics.median(full) * 1000, 1),
        "app_with_adapters_ratio": round(statistics.median(full) / statistics.median(base), 3),
        "limit": LIMIT,
        "heavy_modules_loaded_by_import_app": heavy_modules(),
        "runs": args.runs,
    }
    print(json.dumps(result, indent=2))
    return 0 if ratio <= LIMIT else 1


if __name__ == "__main__":
    sys.exit(main())

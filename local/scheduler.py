"""EventBridge's part on a laptop: runs the app's ``@app.schedule`` functions on their rates,
with an event shaped like the one AWS sends."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from chalicelib.observability import logger

_UNIT_SECONDS = {"MINUTES": 60, "HOURS": 3600, "DAYS": 86400}


def schedules(chalice_app: Any) -> list[tuple[str, float, Callable[[Any], Any]]]:
    """(name, seconds between runs, handler) for every rate schedule of the app."""
    found = []
    for source in chalice_app.event_sources:
        expression = getattr(source, "schedule_expression", None)
        if expression is None or not hasattr(expression, "unit"):
            continue  # cron expressions: none in this app yet
        handler = chalice_app.handler_map[source.name]
        found.append((source.name, expression.value * _UNIT_SECONDS[expression.unit], handler))
    return found


def scheduled_event(rule: str) -> dict[str, Any]:
    return {
        "version": "0", "id": str(uuid.uuid4()), "detail-type": "Scheduled Event", "source": "aws.events",
        "account": "000000000000", "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": "us-east-1", "resources": [f"arn:aws:events:us-east-1:000000000000:rule/{rule}"], "detail": {},
    }


class Scheduler:
    """One thread; each schedule runs every ``seconds`` (times ``scale``, for tests)."""

    def __init__(self, chalice_app: Any, *, scale: float = 1.0) -> None:
        self.jobs = schedules(chalice_app)
        self.scale = scale
        self.runs: dict[str, int] = {name: 0 for name, _, _ in self.jobs}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="desk-scheduler", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        due = {name: time.monotonic() + seconds * self.scale for name, seconds, _ in self.jobs}
        while not self._stop.is_set():
            now = time.monotonic()
            for name, seconds, handler in self.jobs:
                if now >= due[name]:
                    due[name] = now + seconds * self.scale
                    try:
                        handler(scheduled_event(name), None)  # as Lambda calls it
                    except Exception:  # as in AWS: one failed run is logged, the next one comes
                        logger.exception("scheduled function failed", schedule=name)
                    self.runs[name] += 1
            wait = min(due.values(), default=now + 1) - time.monotonic()
            self._stop.wait(max(0.01, min(wait, 1.0)))

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)


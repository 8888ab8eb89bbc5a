"""A small in-process event bus: each event type maps to the listeners that react to it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from ..observability import logger


class EventBus:
    def __init__(self) -> None:
        self._listeners: dict[type, list[Callable[[Any], None]]] = defaultdict(list)

    def subscribe(self, event_type: type, listener: Callable[[Any], None]) -> None:
        self._listeners[event_type].append(listener)

    def publish(self, event: Any) -> None:
        """Run every listener of the event. The change itself is already stored, so a failing
        listener is logged and the others still run: a failed push loses nothing."""
        for listener in self._listeners[type(event)]:
            try:
                listener(event)
            except Exception:
                logger.exception("listener failed", listener=getattr(listener, "__name__", "?"),
                                 event=type(event).__name__)

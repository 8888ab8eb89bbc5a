"""In-memory stand-ins for the adapters, satisfying the same protocols as the DynamoDB and
SQS ones, so that services are tested in milliseconds (the integration and end-to-end tiers
run the real adapters against the emulators)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from chalicelib.services.events import FailedReaction, LedgerEntry


class FakeLedger:
    """services.events.ReactionLedger in a dict: event id -> reaction -> entry."""

    def __init__(self) -> None:
        self.events: dict[str, dict[str, LedgerEntry]] = {}
        self.writes = 0

    def entries(self, event_id: str) -> dict[str, LedgerEntry]:
        return dict(self.events.get(event_id, {}))

    def write(self, event_id: str, entries: dict[str, LedgerEntry]) -> None:
        self.writes += 1
        self.events[event_id] = dict(entries)


@dataclass
class Page:
    items: list[Any]
    cursor: str | None


class FakeDeadLetters:
    """services.events.DeadLetters in a dict, newest first like the table's listing."""

    def __init__(self) -> None:
        self.failures: dict[str, FailedReaction] = {}
        self._next = 0

    def park(self, reaction: str, envelope: dict[str, Any], error: str, attempts: int, at: datetime) -> str:
        self._next += 1
        failure_id = f"evf_{self._next:014d}"
        self.failures[failure_id] = FailedReaction(failure_id, reaction, envelope, error, attempts, at)
        return failure_id

    def list(self, *, limit: int, cursor: str | None) -> Page:
        return Page(sorted(self.failures.values(), key=lambda f: f.id, reverse=True)[:limit], None)

    def get(self, failure_id: str) -> FailedReaction | None:
        return self.failures.get(failure_id)

    def update(self, failure_id: str, error: str, attempts: int) -> None:
        self.failures[failure_id] = replace(self.failures[failure_id], error=error, attempts=attempts)

    def remove(self, failure_id: str) -> None:
        self.failures.pop(failure_id, None)


class FakeEventSource:
    """services.events.EventSource: records are {"events": [...]} and envelopes name an
    event kept here by id (what the DynamoDB source reads back from the table)."""

    def __init__(self) -> None:
        self.known: dict[str, Any] = {}

    def events(self, record: dict[str, Any]) -> list[Any]:
        for event in record["events"]:
            self.known[event.event_id] = event
        return list(record["events"])

    def envelope(self, event: Any) -> dict[str, Any]:
        return {"event": event.name, "event_id": event.event_id, "ticket_id": event.ticket.id}

    def event(self, envelope: dict[str, Any]) -> Any | None:
        return self.known.get(envelope["event_id"])

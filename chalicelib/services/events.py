"""How events reach their reactions (the table of them is ``chalicelib.reactions``).

``EventBus`` runs an event's REQUEST reactions (the live push) in the function that made the
change. ``TableEvents`` handles a batch of the table's stream: it derives the events from the
changed items and runs their STREAM reactions, each once per event id, retrying a failure
with its batch and parking it in the dead-letter queue when the attempts are used up.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from ..domain.clock import utcnow
from ..domain.errors import NotFoundError
from ..observability import logger
from ..reactions import MAX_ATTEMPTS, REQUEST, STREAM, Reaction, by_name, reactions_to

Resolve = Callable[[Reaction], Callable[[Any], None]]


class EventBus:
    """Runs the REQUEST reactions of the events services publish."""

    def __init__(self, resolve: Resolve | None = None, container: Any = None) -> None:
        self._resolve = resolve
        self._container = container
        self._local = threading.local()

    def bind(self, resolve: Resolve, container: Any = None) -> None:
        """Where the reactions' listeners come from (the container, once it is built)."""
        self._resolve = resolve
        self._container = container

    def publish(self, event: Any) -> None:
        """Run the event's live pushes now, or when the enclosing ``holding()`` releases it.
        The change is already stored: a failing push is logged, the others still run."""
        held = getattr(self._local, "held", None)
        if held is not None:
            held.append(event)
            return
        if self._resolve is None:
            return
        for reaction in reactions_to(event, REQUEST, self._container):
            try:
                self._resolve(reaction)(event)
            except Exception:
                logger.exception("reaction failed", reaction=reaction.name, event=event.name)

    @contextmanager
    def holding(self) -> Iterator[list[Any]]:
        """Hold back the events published in the block (in this thread): the caller answers
        first (a chat sender's ``ack``), then calls ``release``."""
        previous = getattr(self._local, "held", None)
        held: list[Any] = []
        self._local.held = held
        try:
            yield held
        finally:
            self._local.held = previous

    def release(self, held: Iterable[Any]) -> None:
        for event in held:
            self.publish(event)


# ------------------------------------------------------------------ the stream side


@dataclass(frozen=True)
class LedgerEntry:
    state: str  # done, failing, parked
    attempts: int = 0
    error: str | None = None


class ReactionLedger(Protocol):
    """What became of each reaction to an event: read once, written once per delivery."""

    def entries(self, event_id: str) -> dict[str, LedgerEntry]: ...
    def write(self, event_id: str, entries: dict[str, LedgerEntry]) -> None: ...


@dataclass(frozen=True)
class FailedReaction:
    id: str
    reaction: str
    event: dict[str, Any]  # the event's envelope: enough to derive it again
    error: str
    attempts: int
    parked_at: datetime


class DeadLetters(Protocol):
    def park(self, reaction: str, envelope: dict[str, Any], error: str, attempts: int, at: datetime) -> str: ...
    def list(self, *, limit: int, cursor: str | None) -> Any: ...
    def get(self, failure_id: str) -> FailedReaction | None: ...
    def update(self, failure_id: str, error: str, attempts: int) -> None: ...
    def remove(self, failure_id: str) -> None: ...


class EventSource(Protocol):
    """Derives events from the table's stream records, and again from a parked envelope."""

    def events(self, record: dict[str, Any]) -> list[Any]: ...
    def envelope(self, event: Any) -> dict[str, Any]: ...
    def event(self, envelope: dict[str, Any]) -> Any | None: ...


class ReactionsPending(Exception):
    """A reaction that must succeed failed and has attempts left: retry the record."""


def describe(error: BaseException) -> str:
    """A failure as an agent or admin may read it: AWS's error code and own words when it
    gives them, else the kind of error and its message."""
    response = getattr(error, "response", None)
    if isinstance(response, dict) and isinstance(response.get("Error"), dict):
        found = response["Error"]
        text = f"{found.get('Code') or type(error).__name__}: {found.get('Message') or error}"
    else:
        text = f"{type(error).__name__}: {error}"
    return text.strip()[:1000]


class TableEvents:
    """The function on the table's stream: events from records, reactions from events."""

    def __init__(
        self,
        *,
        source: EventSource,
        ledger: ReactionLedger,
        dead_letters: DeadLetters,
        resolve: Resolve,
        resolve_parked: Callable[[Reaction], Callable[[Any, str], None]] | None = None,
        on_parked: Callable[[FailedReaction], None] = lambda failure: None,
        clock: Callable[[], datetime] = utcnow,
        container: Any = None,
    ) -> None:
        self.container = container  # what ``when`` may consult (cached settings, calendars)
        self.source = source
        self.ledger = ledger
        self.dead_letters = dead_letters
        self.resolve = resolve
        self.resolve_parked = resolve_parked or (lambda reaction: lambda event, error: None)
        self.on_parked = on_parked
        self.clock = clock

    def handle(self, records: list[dict[str, Any]]) -> dict[str, Any]:
        """A batch, in stream order. Stops at the first record whose reactions must be tried
        again and reports it (Lambda then delivers it and the rest of the shard again: the
        reactions already done are skipped by the ledger)."""
        for record in records:
            try:
                for event in self.source.events(record):
                    self.run(event)
            except Exception as error:
                sequence = (record.get("dynamodb") or {}).get("SequenceNumber")
                if not isinstance(error, ReactionsPending):
                    logger.exception("stream record failed", sequence=sequence)
                return {"batchItemFailures": [{"itemIdentifier": sequence}]}
        return {"batchItemFailures": []}

    def run(self, event: Any) -> None:
        """Every STREAM reaction of one event, each once; raises ReactionsPending when one
        that must succeed failed with attempts left (the others have run). The ledger is read
        once and written once: one GetItem and one PutItem per event, whatever it causes."""
        todo = reactions_to(event, STREAM, self.container)
        if not todo:
            return
        ledgered = [r for r in todo if not r.keyed]
        entries = self.ledger.entries(event.event_id) if ledgered else {}
        before = dict(entries)
        pending = []
        for reaction in todo:
            entry = entries.get(reaction.name)
            if entry is not None and entry.state in ("done", "parked"):
                continue  # a batch delivered again: nothing twice
            outcome = self._attempt(reaction, event, entry)
            if outcome is not None and not reaction.keyed:
                entries[reaction.name] = outcome
            if outcome is not None and outcome.state == "failing":
                pending.append(reaction.name)
        if entries != before:
            self.ledger.write(event.event_id, entries)
        if pending:
            raise ReactionsPending(", ".join(pending))

    def _attempt(self, reaction: Reaction, event: Any, entry: LedgerEntry | None) -> LedgerEntry | None:
        """What became of it: done, failing (to be tried again) or parked; None when it need
        not succeed and failed (dropped)."""
        try:
            self.resolve(reaction)(event)
        except Exception as error:
            reason = describe(error)
            if not reaction.must_succeed:
                logger.warning("reaction dropped", reaction=reaction.name, event=event.name, error=reason)
                return None
            attempts = (entry.attempts if entry else 0) + 1
            logger.warning("reaction failed", reaction=reaction.name, event=event.name,
                           event_id=event.event_id, attempt=attempts, error=reason)
            if attempts < MAX_ATTEMPTS:
                return LedgerEntry("failing", attempts, reason)
            self._park(reaction, event, reason, attempts)
            return LedgerEntry("parked", attempts, reason)
        return LedgerEntry("done", entry.attempts if entry else 0)

    def _park(self, reaction: Reaction, event: Any, error: str, attempts: int) -> None:
        envelope = self.source.envelope(event)
        at = self.clock()
        failure_id = self.dead_letters.park(reaction.name, envelope, error, attempts, at)
        logger.error("reaction parked", reaction=reaction.name, event=event.name, failure_id=failure_id)
        failure = FailedReaction(failure_id, reaction.name, envelope, error, attempts, at)
        try:
            if reaction.on_parked is not None:
                self.resolve_parked(reaction)(event, error)
            self.on_parked(failure)
        except Exception:
            logger.exception("after parking a reaction", reaction=reaction.name)

    # ------------------------------------------------------------------ admins

    def failed(self, *, limit: int, cursor: str | None) -> Any:
        """Parked reactions, newest first."""
        return self.dead_letters.list(limit=limit, cursor=cursor)

    def failure(self, failure_id: str) -> FailedReaction:
        found = self.dead_letters.get(failure_id)
        if found is None:
            raise NotFoundError(f"No failed reaction {failure_id!r}.", code="failure_not_found")
        return found

    def replay(self, failure_id: str) -> tuple[FailedReaction, str | None]:
        """Run a parked reaction again now. Returns the failure and None when it succeeded
        (it leaves the queue), or the error when it failed again (it stays, counted)."""
        failure = self.failure(failure_id)
        reaction = by_name(failure.reaction)
        event = self.source.event(failure.event)
        if reaction is None or event is None:
            # The reaction no longer exists, or what it was about was deleted (an erasure).
            self.dead_letters.remove(failure_id)
            return failure, None
        try:
            self.resolve(reaction)(event)
        except Exception as error:
            self.dead_letters.update(failure_id, describe(error), failure.attempts + 1)
            return failure, describe(error)
        if not reaction.keyed:
            entries = self.ledger.entries(str(event.event_id))
            entries[reaction.name] = LedgerEntry("done", failure.attempts)
            self.ledger.write(str(event.event_id), entries)
        self.dead_letters.remove(failure_id)
        return failure, None

    def dismiss(self, failure_id: str) -> FailedReaction:
        """Give up on a parked reaction (an admin decided it is not needed any more)."""
        failure = self.failure(failure_id)
        self.dead_letters.remove(failure_id)
        return failure

"""The stream side of the event backbone with in-memory fakes: each reaction runs once per
event id, a failure is retried with its record, then parked; parked ones are replayed."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.domain.events import MessageCreated, TicketChanged
from chalicelib.domain.sla import SlaState
from chalicelib.domain.tickets import AuthorType, Delivery, Message, MessageKind, Priority, Status, Ticket
from chalicelib.reactions import MAX_ATTEMPTS, REACTIONS, REQUEST, STREAM, reactions_to
from chalicelib.services.events import EventBus, ReactionsPending, TableEvents
from tests.unit.fakes import FakeDeadLetters, FakeEventSource, FakeLedger

NOW = datetime(2030, 1, 7, 9, 0, tzinfo=UTC)


def ticket(channel: str = "email") -> Ticket:
    return Ticket(
        id="tkt_1", number=1001, subject="Lamp", status=Status.OPEN, priority=Priority.NORMAL, channel=channel,
        customer_id="cus_1", created_at=NOW, updated_at=NOW, last_activity_at=NOW, sla=SlaState("policy-1"),
    )


def agent_reply(event_id: str, channel: str = "email") -> MessageCreated:
    message = Message(
        id="msg_1", ticket_id="tkt_1", seq=2, kind=MessageKind.REPLY, author_type=AuthorType.AGENT,
        author_id="agt_1", body="It ships today.", channel=channel, created_at=NOW,
        delivery=Delivery.PENDING if channel == "email" else None,
    )
    return MessageCreated(ticket(channel), message, event_id=event_id)


class Listeners:
    """Every stream reaction's listener: records its calls; ``fail`` makes one raise."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self.fail: dict[str, int] = {}  # reaction -> how many more times it fails (-1: always)
        self.parked: list[tuple[str, str]] = []

    def resolve(self, reaction):
        def listener(event):
            self.calls[reaction.name] += 1
            left = self.fail.get(reaction.name, 0)
            if left:
                self.fail[reaction.name] = left - 1 if left > 0 else left
                raise RuntimeError(f"{reaction.name} is down")
        return listener

    def resolve_parked(self, reaction):
        return lambda event, error: self.parked.append((reaction.name, error))


@pytest.fixture
def world():
    listeners, ledger, dead = Listeners(), FakeLedger(), FakeDeadLetters()
    source = FakeEventSource()
    events = TableEvents(
        source=source, ledger=ledger, dead_letters=dead, resolve=listeners.resolve,
        resolve_parked=listeners.resolve_parked, clock=lambda: NOW,
    )
    return events, listeners, ledger, dead


def record(sequence: str, *events) -> dict:
    return {"dynamodb": {"SequenceNumber": sequence}, "events": list(events)}


def test_the_table_says_where_each_reaction_runs_and_only_pushes_run_in_the_request():
    assert {r.name for r in REACTIONS if r.runs == REQUEST} == {
        "push.ticket_opened", "push.message", "push.ticket_changed", "push.message_delivery",
        "push.sla_clocks", "push.forget_agent_card", "push.handed_off",
    }
    assert all(not r.must_succeed for r in REACTIONS if r.runs == REQUEST)
    names = [(r.event, r.name) for r in REACTIONS]
    assert len(names) == len(set(names))
    # An agent's reply by mail is a stream reaction that must succeed; a chat reply is not mailed
    # unless the visitor has gone.
    assert "mail.send_reply" in {r.name for r in reactions_to(agent_reply("e1"), STREAM)}
    chat = {r.name for r in reactions_to(agent_reply("e2", "chat"), STREAM)}
    assert "mail.send_reply" not in chat and "mail.chat_reply_to_absent_visitor" in chat


def test_a_reaction_that_fails_twice_is_retried_with_its_record_and_done_once(world):
    events, listeners, ledger, dead = world
    listeners.fail["mail.send_reply"] = 2
    batch = [record("100", agent_reply("e1")), record("101", agent_reply("e2"))]

    assert events.handle(batch) == {"batchItemFailures": [{"itemIdentifier": "100"}]}
    assert listeners.calls["mail.send_reply"] == 1  # stopped at the failed record: e2 waits its turn
    assert events.handle(batch) == {"batchItemFailures": [{"itemIdentifier": "100"}]}
    assert events.handle(batch) == {"batchItemFailures": []}
    # e1's mail: two failures and one success; e2's: one. The other reactions of e1 ran once.
    assert listeners.calls["mail.send_reply"] == 4
    assert listeners.calls["sla.message_clocks"] == 2 and listeners.calls["audit.message"] >= 2
    assert ledger.entries("e1")["mail.send_reply"].state == "done"
    assert ledger.entries("e1")["mail.send_reply"].attempts == 2
    assert dead.failures == {}

    # The same batch delivered again (at least once): no ledgered reaction runs twice. Keyed
    # ones (the audit entry, the search index's puts) run again and write the same item.
    keyed = {r.name for r in REACTIONS if r.keyed}
    assert {"audit.message", "search.index_message"} <= keyed
    before = Counter(listeners.calls)
    assert events.handle(batch) == {"batchItemFailures": []}
    assert {k: v for k, v in listeners.calls.items() if k not in keyed} == {
        k: v for k, v in before.items() if k not in keyed
    }


def test_one_that_always_fails_is_parked_with_the_event_and_the_error_then_replayed(world):
    events, listeners, ledger, dead = world
    listeners.fail["mail.send_reply"] = -1
    batch = [record("100", agent_reply("e1"))]
    for _ in range(MAX_ATTEMPTS - 1):
        assert events.handle(batch)["batchItemFailures"] == [{"itemIdentifier": "100"}]
    assert events.handle(batch) == {"batchItemFailures": []}  # parked: the stream moves on
    assert listeners.calls["mail.send_reply"] == MAX_ATTEMPTS
    [failure] = dead.failures.values()
    assert failure.reaction == "mail.send_reply" and failure.attempts == MAX_ATTEMPTS
    assert failure.error == "RuntimeError: mail.send_reply is down"
    assert failure.event == {"event": "message.created", "event_id": "e1", "ticket_id": "tkt_1"}
    assert listeners.parked == [("mail.send_reply", "RuntimeError: mail.send_reply is down")]
    events.handle(batch)
    assert listeners.calls["mail.send_reply"] == MAX_ATTEMPTS  # parked is settled: not run again

    _, error = events.replay(failure.id)  # still failing: it stays, counted
    assert error == "RuntimeError: mail.send_reply is down" and dead.failures[failure.id].attempts == MAX_ATTEMPTS + 1
    listeners.fail["mail.send_reply"] = 0
    replayed, error = events.replay(failure.id)
    assert error is None and replayed.id == failure.id and dead.failures == {}
    assert ledger.entries("e1")["mail.send_reply"].state == "done"


def test_a_reaction_that_need_not_succeed_is_dropped_not_retried(world):
    events, listeners, _, dead = world
    listeners.fail["sla.alert_agents"] = -1
    from chalicelib.domain.events import SlaEscalated

    escalated = SlaEscalated(ticket(), "first_response", "breach", NOW, "first_response:breach:x", event_id="e9")
    assert events.handle([record("7", escalated)]) == {"batchItemFailures": []}
    assert listeners.calls["sla.alert_agents"] == 1 and listeners.calls["sla.webhook"] == 1 and dead.failures == {}


def test_a_change_nobody_reacts_to_costs_no_ledger_entry(world):
    events, listeners, ledger, _ = world
    # a customer's rating (a new subject is no longer such a change: the search index takes it)
    change = TicketChanged(ticket(), {"csat": [None, {"score": 4}]}, by=None, event_id="e5")
    events.handle([record("1", change)])
    assert not listeners.calls and ledger.events == {}


def test_an_event_costs_one_ledger_write_per_delivery_whatever_it_causes(world):
    events, listeners, ledger, _ = world
    batch = [record("1", agent_reply("e1"))]
    events.handle(batch)
    assert sum(listeners.calls.values()) >= 3 and ledger.writes == 1
    events.handle(batch)  # delivered again: everything settled, nothing written
    assert ledger.writes == 1


def test_the_bus_holds_pushes_back_until_the_sender_is_answered():
    pushed = []
    bus = EventBus(resolve=lambda reaction: lambda event: pushed.append((reaction.name, event.event_id)))
    with bus.holding() as held:
        bus.publish(agent_reply("e1", "chat"))
        assert pushed == []
    assert pushed == []
    bus.release(held)
    assert pushed == [("push.message", "e1")]
    bus.publish(TicketChanged(ticket(), {"status": ["open", "solved"]}, event_id="e2"))
    assert pushed[-1] == ("push.ticket_changed", "e2")


def test_a_failing_push_does_not_stop_the_others():
    calls = []

    def resolve(reaction):
        def listener(event):
            calls.append(reaction.name)
            raise RuntimeError("gone")
        return listener

    EventBus(resolve=resolve).publish(agent_reply("e1"))
    assert calls == ["push.message"]


def test_parked_failures_list_newest_first(world):
    events, listeners, _, dead = world
    listeners.fail["sla.webhook"] = -1
    from chalicelib.domain.events import SlaEscalated

    for n in range(2):
        escalated = SlaEscalated(ticket(), "resolution", "breach", NOW + timedelta(minutes=n), f"m{n}", event_id=f"w{n}")
        for _ in range(MAX_ATTEMPTS):
            events.handle([record(str(n), escalated)])
    listed = events.failed(limit=10, cursor=None).items
    assert [f.event["event_id"] for f in listed] == ["w1", "w0"]
    with pytest.raises(ReactionsPending):
        listeners.fail["sla.webhook"] = 1
        events.run(SlaEscalated(ticket(), "resolution", "breach", NOW, "m9", event_id="w9"))


def test_every_reaction_is_in_the_event_flow_document():
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "events.md").read_text()
    missing = [r.name for r in REACTIONS if f"`{r.name}`" not in doc]
    assert missing == []

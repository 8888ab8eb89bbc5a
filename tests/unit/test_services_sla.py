"""SlaService over the in-memory fakes, with a clock the test sets: clocks started when a
ticket opens, met, paused and resumed as it lives; the minute tick marking warnings and
breaches at their business minute, once; and what the escalations do (alert and mail agents,
tag, reassign, raise the priority, call a signed webhook). The calendar: 09:00-17:00 Berlin
time on weekdays."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from chalicelib.domain.errors import UnprocessableError
from chalicelib.domain.people import Principal
from chalicelib.domain.sla import Metric
from chalicelib.domain.tickets import AuthorType, Priority, Status, TicketChanges
from chalicelib.services.tickets import OpenTicket, PostMessage
from tests.unit.fakes import Desk, agent

BERLIN = ZoneInfo("Europe/Berlin")
ALEX = agent("agt_alex", "Alex Agent")
AS_ALEX = Principal(ALEX.id, ALEX.email, ALEX.role)
URGENT = {
    "id": "urgent", "name": "Urgent", "priorities": ["urgent"],
    "targets": {"first_response": 30, "next_response": 60, "resolution": 240},
    "business_hours": True, "calendar": "desk", "warn_at_percent": 80,
    "on_warning": [{"action": "notify"}],
    "on_breach": [{"action": "notify"}, {"action": "add_tag", "value": "sla-breached"},
                  {"action": "assign_team", "value": "escalations"}],
}


def berlin(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN).astimezone(UTC)


@pytest.fixture
def desk() -> Desk:
    desk = Desk(agents=[ALEX])
    weekdays = ("monday", "tuesday", "wednesday", "thursday", "friday")
    desk.calendars.put("desk", {"timezone": "Europe/Berlin", "hours": {day: ["09:00-17:00"] for day in weekdays}})
    return desk


def open_ticket(desk: Desk, at: datetime, priority: Priority = Priority.URGENT, **kw):
    desk.clock.now = at
    ticket, _ = desk.tickets.open(OpenTicket(subject="Site down", customer_email="ops@customer.example",
                                             body="Our shop is down!", priority=priority, **kw), AS_ALEX)
    desk.deliver()  # the clocks start from the table's stream
    return desk.tickets.get(ticket.id)


def escalations(desk: Desk, at: datetime) -> list[tuple[str, str]]:
    return [(e.metric, e.level) for e in desk.tick(at) if e.name == "sla.escalated"]


def test_an_urgent_ticket_gets_its_clocks_in_business_time_and_others_none(desk):
    desk.sla.put_policies([URGENT])
    # Friday 16:50: ten business minutes today, twenty more on Monday.
    ticket = open_ticket(desk, berlin(2026, 11, 27, 16, 50))
    first = ticket.sla.clocks[Metric.FIRST_RESPONSE]
    assert (first.due_at, first.warn_at) == (berlin(2026, 11, 30, 9, 20), berlin(2026, 11, 30, 9, 14))
    assert ticket.sla.clocks[Metric.RESOLUTION].due_at == berlin(2026, 11, 30, 12, 50)
    assert Metric.NEXT_RESPONSE not in ticket.sla.clocks
    assert open_ticket(desk, berlin(2026, 11, 27, 16, 50), Priority.NORMAL).sla is None


def test_warning_and_breach_come_at_their_business_minute_and_escalate_once(desk):
    desk.sla.put_policies([URGENT])
    ticket = open_ticket(desk, berlin(2026, 11, 27, 16, 50), assignee_id=ALEX.id)

    assert escalations(desk, berlin(2026, 11, 30, 9, 13)) == []
    assert escalations(desk, berlin(2026, 11, 30, 9, 14)) == [("first_response", "warning")]
    assert escalations(desk, berlin(2026, 11, 30, 9, 19, 59)) == []
    assert escalations(desk, berlin(2026, 11, 30, 9, 20)) == [("first_response", "breach")]
    assert escalations(desk, berlin(2026, 11, 30, 9, 20)) == []  # a repeated or overlapping tick
    assert escalations(desk, berlin(2026, 11, 30, 9, 25)) == []

    # The assignee was alerted, and mailed, once for each.
    assert [(frame["level"], frame["metric"], to) for frame, to in desk.alerts] == [
        ("warning", "first_response", {ALEX.id}), ("breach", "first_response", {ALEX.id}),
    ]
    assert [text for _, text, _ in desk.agent_mail] == [
        f"Ticket #{ticket.number} (Site down) is about to miss its first response target, due Monday, "
        "30 November at 09:20 (Europe/Berlin time).",
        f"Ticket #{ticket.number} (Site down) missed its first response target, due Monday, "
        "30 November at 09:20 (Europe/Berlin time).",
    ]
    after = desk.tickets.get(ticket.id)
    assert "sla-breached" in after.tags and after.team == "escalations"
    assert after.sla.clocks[Metric.FIRST_RESPONSE].breached
    # The breach's change is the 'sla' actor's, in the audit log.
    actions = [(e.actor, e.action) for e in desk.audit.target(ticket.id, limit=10, cursor=None).items]
    assert ("sla", "ticket.changed") in actions


def test_two_ticks_that_overlap_run_each_escalation_once(desk, monkeypatch):
    desk.sla.put_policies([URGENT])
    open_ticket(desk, berlin(2026, 11, 27, 16, 50), assignee_id=ALEX.id)
    at = berlin(2026, 11, 30, 9, 14)
    read_by_the_other_tick = desk.sla_store.due(at, 100)  # it read the same ticket, then we ran
    assert escalations(desk, at) == [("first_response", "warning")]
    monkeypatch.setattr(desk.sla_store, "due", lambda now, limit: read_by_the_other_tick)
    desk.clock.now = at
    assert desk.sla.tick().escalations == []
    assert desk.deliver() == [] and len(desk.alerts) == 1


def test_an_agents_reply_meets_first_response_and_the_resolution_clock_runs_on(desk):
    desk.sla.put_policies([URGENT])
    ticket = open_ticket(desk, berlin(2026, 11, 24, 10, 0))
    desk.clock.now = berlin(2026, 11, 24, 10, 20)
    desk.tickets.post_message(ticket.id, PostMessage(body="Looking into it now."), AS_ALEX)
    desk.deliver()
    clocks = desk.tickets.get(ticket.id).sla.clocks
    first = clocks[Metric.FIRST_RESPONSE]
    assert (first.met_at, first.running, first.breached) == (berlin(2026, 11, 24, 10, 20), False, False)
    assert clocks[Metric.RESOLUTION].due_at == berlin(2026, 11, 24, 14, 0)
    assert escalations(desk, berlin(2026, 11, 24, 10, 40)) == []  # nothing due for first response


def test_an_internal_note_does_not_meet_first_response(desk):
    desk.sla.put_policies([URGENT])
    ticket = open_ticket(desk, berlin(2026, 11, 24, 10, 0))
    from chalicelib.domain.tickets import MessageKind

    desk.tickets.post_message(ticket.id, PostMessage(body="Looking", kind=MessageKind.NOTE), AS_ALEX)
    desk.deliver()
    assert desk.tickets.get(ticket.id).sla.clocks[Metric.FIRST_RESPONSE].met_at is None
    assert escalations(desk, berlin(2026, 11, 24, 10, 30)) == [("first_response", "warning"),
                                                                ("first_response", "breach")]


def test_pending_pauses_resolution_and_reopening_resumes_with_what_was_left(desk):
    desk.sla.put_policies([URGENT])
    ticket = open_ticket(desk, berlin(2026, 11, 24, 10, 0))  # Tuesday 10:00; resolution due 14:00
    assert ticket.sla.clocks[Metric.RESOLUTION].due_at == berlin(2026, 11, 24, 14, 0)

    desk.clock.now = berlin(2026, 11, 24, 11, 0)  # one business hour used; three left
    desk.tickets.post_message(ticket.id, PostMessage(body="Which account?", status=Status.PENDING), AS_ALEX)
    desk.deliver()
    resolution = desk.tickets.get(ticket.id).sla.clocks[Metric.RESOLUTION]
    assert resolution.paused and resolution.due_at is None
    assert escalations(desk, berlin(2026, 11, 24, 14, 0)) == []  # paused: not due

    desk.clock.now = berlin(2026, 11, 24, 16, 0)  # the customer answers: one hour today, two tomorrow
    desk.tickets.post_message(ticket.id, PostMessage(body="Account 5."), author_type=AuthorType.CUSTOMER,
                              author_id=ticket.customer_id)
    desk.deliver()
    after = desk.tickets.get(ticket.id)
    assert after.status == Status.OPEN
    assert not after.sla.clocks[Metric.RESOLUTION].paused
    assert after.sla.clocks[Metric.RESOLUTION].due_at == berlin(2026, 11, 25, 11, 0)
    # The customer's message starts the next-response clock: an hour, used up at closing time.
    assert after.sla.clocks[Metric.NEXT_RESPONSE].due_at == berlin(2026, 11, 24, 17, 0)


def test_a_breach_calls_the_webhook_signed_and_raises_the_priority(desk):
    policy = {
        "id": "high", "priorities": ["high"], "targets": {"first_response": 120}, "business_hours": False,
        "on_breach": [{"action": "raise_priority"}, {"action": "webhook", "value": "https://hooks.example/sla"}],
    }
    desk.sla.put_policies([policy])
    ticket = open_ticket(desk, berlin(2026, 11, 28, 22, 0), Priority.HIGH)  # Saturday night: calendar time
    assert ticket.sla.clocks[Metric.FIRST_RESPONSE].due_at == berlin(2026, 11, 29, 0, 0)

    # A late tick catches up on both.
    assert escalations(desk, berlin(2026, 11, 29, 0, 0)) == [("first_response", "warning"), ("first_response", "breach")]
    [(url, body, headers)] = desk.webhooks  # the warning has no webhook
    assert url == "https://hooks.example/sla"
    expected = hmac.new(Desk.WEBHOOK_SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert headers["X-Desk-Signature"] == f"sha256={expected}"
    assert headers["X-Desk-Delivery"]  # the same delivery again carries the same id
    event = json.loads(body)
    assert (event["event"], event["metric"], event["ticket"]["number"]) == ("sla.breach", "first_response", ticket.number)
    after = desk.tickets.get(ticket.id)
    assert after.priority == Priority.URGENT
    assert after.sla.policy_id == "high"  # urgent has no policy of its own here: the clocks stay


def test_a_webhook_that_keeps_failing_is_parked_and_the_rest_of_the_breach_still_happens(desk):
    policy = {
        "id": "high", "priorities": ["high"], "targets": {"first_response": 60}, "business_hours": False,
        "on_breach": [{"action": "add_tag", "value": "late"}, {"action": "webhook", "value": "https://hooks.example/x"}],
    }
    desk.sla.put_policies([policy])
    desk.webhook_status = 503
    ticket = open_ticket(desk, berlin(2026, 11, 28, 22, 0), Priority.HIGH)
    escalations(desk, berlin(2026, 11, 28, 23, 0))
    assert len(desk.webhooks) == 3  # the stream delivered it three times, then gave up
    assert [f.reaction for f in desk.dead_letters.failures.values()] == ["sla.webhook"]
    assert desk.tickets.get(ticket.id).tags == ("late",)  # tagged once, not once per attempt


def test_raising_a_ticket_to_a_policys_priority_starts_its_clocks_from_the_tickets_start(desk):
    desk.sla.put_policies([URGENT])
    ticket = open_ticket(desk, berlin(2026, 11, 24, 10, 0), Priority.NORMAL)
    assert ticket.sla is None
    desk.clock.now = berlin(2026, 11, 24, 10, 10)
    desk.tickets.update(ticket.id, TicketChanges(priority=Priority.URGENT), ticket.version, AS_ALEX)
    desk.deliver()
    first = desk.tickets.get(ticket.id).sla.clocks[Metric.FIRST_RESPONSE]
    assert first.due_at == berlin(2026, 11, 24, 10, 30)


def test_the_acknowledgement_promises_the_policys_first_response_target(desk):
    from tests.unit.test_services_mail import mail

    desk.sla.put_policies([{"id": "mail", "channels": ["email"], "targets": {"first_response": 120},
                            "business_hours": False}])
    desk.receive(mail("ann@customer.example", "Lamp", "It flickers."))
    [ack] = desk.mailer.to("ann@customer.example")
    assert "We usually answer within 2 hours." in ack.text


@pytest.mark.parametrize(
    ("policies", "code"),
    [
        ([{**URGENT, "calendar": "nope"}], "unknown_calendar"),
        ([URGENT, URGENT], "duplicate_policy"),
        ([{**URGENT, "on_breach": [{"action": "webhook"}]}], "action_value"),
    ],
)
def test_policies_are_validated_and_a_refused_set_changes_nothing(desk, policies, code):
    desk.sla.put_policies([URGENT])
    with pytest.raises(UnprocessableError) as refused:
        desk.sla.put_policies(policies)
    assert refused.value.code == code
    assert [p["id"] for p in desk.sla.stored_policies()] == ["urgent"]

"""The help-desk rules of tickets, without storage."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.domain.errors import UnprocessableError
from chalicelib.domain.tickets import (
    TRANSITIONS,
    UNSET,
    AuthorType,
    MessageKind,
    Priority,
    Status,
    TicketChanges,
    apply_changes,
    check_transition,
    normalise_tags,
    open_ticket,
    record_message,
)

T0 = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


def a_ticket(**kw):
    defaults = dict(ticket_id="tkt_1", number=1001, subject=" Help ", customer_id="cus_1", channel="api", now=T0)
    defaults.update(kw)
    return open_ticket(**defaults)


def test_a_new_ticket_is_new_unless_assigned():
    assert a_ticket().status == Status.NEW
    assert a_ticket(assignee_id="agent-1").status == Status.OPEN
    assert a_ticket().subject == "Help"


@pytest.mark.parametrize("status", [Status.SOLVED, Status.CLOSED])
def test_a_ticket_cannot_be_created_solved_or_closed(status):
    with pytest.raises(UnprocessableError) as error:
        a_ticket(status=status)
    assert error.value.code == "invalid_initial_status"


ALLOWED = [
    ("new", "open"), ("new", "pending"), ("new", "solved"),
    ("open", "pending"), ("open", "solved"),
    ("pending", "open"), ("pending", "solved"),
    ("solved", "open"), ("solved", "closed"),
]


@pytest.mark.parametrize("current", list(Status))
@pytest.mark.parametrize("target", list(Status))
def test_transitions_are_exactly_the_help_desk_ones(current, target):
    expected = current == target or (current.value, target.value) in ALLOWED
    if expected:
        check_transition(current, target)
    else:
        with pytest.raises(UnprocessableError) as error:
            check_transition(current, target)
        assert error.value.details["allowed"] == sorted(s.value for s in TRANSITIONS[current])


def test_solving_stamps_the_time_and_reopening_clears_it():
    t = a_ticket()
    solved, diff = apply_changes(t, TicketChanges(status=Status.SOLVED), T0 + timedelta(hours=1))
    assert solved.solved_at == T0 + timedelta(hours=1)
    assert diff == {"status": ["new", "solved"]}
    reopened, _ = apply_changes(solved, TicketChanges(status=Status.OPEN), T0 + timedelta(hours=2))
    assert reopened.status == Status.OPEN and reopened.solved_at is None
    closed, _ = apply_changes(solved, TicketChanges(status=Status.CLOSED), T0 + timedelta(hours=3))
    assert closed.closed_at == T0 + timedelta(hours=3)


def test_a_closed_ticket_cannot_be_edited_or_written_to():
    t = a_ticket()
    t, _ = apply_changes(t, TicketChanges(status=Status.SOLVED), T0)
    t, _ = apply_changes(t, TicketChanges(status=Status.CLOSED), T0)
    with pytest.raises(UnprocessableError, match="closed"):
        apply_changes(t, TicketChanges(priority=Priority.HIGH), T0)
    with pytest.raises(UnprocessableError, match="closed"):
        record_message(t, kind=MessageKind.REPLY, author_type=AuthorType.CUSTOMER, now=T0)


def test_an_edit_that_changes_nothing_reports_no_diff_and_keeps_the_timestamp():
    t = a_ticket(tags=["billing"])
    same, diff = apply_changes(t, TicketChanges(tags=["Billing"], assignee_id=UNSET), T0 + timedelta(days=1))
    assert diff == {} and same.updated_at == T0


def test_assigning_a_new_ticket_opens_it_and_clearing_unassigns():
    t = a_ticket()
    assigned, diff = apply_changes(t, TicketChanges(assignee_id="agent-1"), T0)
    assert assigned.status == Status.OPEN and diff["assignee_id"] == [None, "agent-1"]
    cleared, diff = apply_changes(assigned, TicketChanges(assignee_id=None), T0)
    assert cleared.assignee_id is None and diff["assignee_id"] == ["agent-1", None]


def test_tags_are_normalised_and_bad_tags_refused():
    assert normalise_tags([" VIP", "vip", "billing:refund"]) == ("vip", "billing:refund")
    with pytest.raises(UnprocessableError):
        normalise_tags(["has space"])
    with pytest.raises(UnprocessableError):
        normalise_tags([f"t{i}" for i in range(21)])


def test_a_customer_writing_in_reopens_pending_and_solved_tickets():
    t = a_ticket()
    for status in (Status.PENDING, Status.SOLVED):
        waiting, _ = apply_changes(t, TicketChanges(status=status), T0)
        after = record_message(waiting, kind=MessageKind.REPLY, author_type=AuthorType.CUSTOMER, now=T0)
        assert after.status == Status.OPEN
        assert after.message_count == waiting.message_count + 1


def test_an_agent_reply_opens_a_new_ticket_but_a_note_does_not():
    t = a_ticket()
    assert record_message(t, kind=MessageKind.REPLY, author_type=AuthorType.AGENT, now=T0).status == Status.OPEN
    assert record_message(t, kind=MessageKind.NOTE, author_type=AuthorType.AGENT, now=T0).status == Status.NEW


def test_an_agent_can_reply_and_set_pending_in_one_go():
    t = a_ticket()
    after = record_message(
        t, kind=MessageKind.REPLY, author_type=AuthorType.AGENT, now=T0, status=Status.PENDING
    )
    assert after.status == Status.PENDING


def test_a_message_moves_last_activity():
    t = a_ticket()
    later = T0 + timedelta(minutes=5)
    after = record_message(t, kind=MessageKind.NOTE, author_type=AuthorType.AGENT, now=later)
    assert after.last_activity_at == later and after.updated_at == T0

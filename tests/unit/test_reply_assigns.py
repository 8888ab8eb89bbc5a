"""An agent's public reply on an unassigned ticket makes it theirs (so it shows under "Mine"),
audited and announced like any assignment; a note does not, and a reply never takes a ticket
someone else holds. Over the in-memory fakes (the DynamoDB side: tests/e2e/test_reply_assigns.py)."""

from __future__ import annotations

import pytest

from chalicelib.domain.events import TicketChanged
from chalicelib.domain.people import Principal
from chalicelib.domain.tickets import AuthorType, MessageKind, Status, TicketChanges, TicketFilter
from chalicelib.services.tickets import OpenTicket, PostMessage
from tests.unit.fakes import Desk, agent

ALEX = agent("agt_alex", "Alex Agent")
KIM = agent("agt_kim", "Kim Colleague")
AS_ALEX = Principal(ALEX.id, ALEX.email, ALEX.role)
AS_KIM = Principal(KIM.id, KIM.email, KIM.role)


@pytest.fixture
def desk() -> Desk:
    return Desk(agents=[ALEX, KIM])


def opened(desk: Desk, **kw):
    ticket, _ = desk.tickets.open(OpenTicket(subject="Lamp flickers", customer_email="ann@customer.example",
                                             body="It flickers.", **kw), None)
    return ticket


def mine(desk: Desk, who: str) -> list[str]:
    return [t.id for t in desk.tickets.list(TicketFilter(assignee_id=who), limit=50, cursor=None).items]


def test_a_reply_on_an_unassigned_ticket_assigns_it_to_the_replier_audited_and_announced(desk):
    ticket = opened(desk)
    desk.clock.advance(minutes=1)
    with desk.events.holding() as held:  # what agents' consoles are told at once
        stored, message = desk.tickets.post_message(ticket.id, PostMessage(body="On it."), AS_ALEX)
    announced = [e for e in held if isinstance(e, TicketChanged)]
    assert (stored.assignee_id, stored.status, message.author_id) == (ALEX.id, Status.OPEN, ALEX.id)
    assert desk.tickets.get(ticket.id).assignee_id == ALEX.id
    assert mine(desk, ALEX.id) == [ticket.id]
    assert [(e.changes, e.by) for e in announced] == [
        ({"status": ["new", "open"], "assignee_id": [None, ALEX.id]}, ALEX.id),
    ]
    desk.deliver()
    entries = desk.audit.target(ticket.id, limit=10, cursor=None, newest_first=False).items
    changed = [e.details for e in entries if e.action == "ticket.changed"]
    assert changed == [{"fields": ["assignee_id", "status"],
                        "changes": {"assignee_id": [None, ALEX.id], "status": ["new", "open"]}}]


def test_a_note_does_not_assign(desk):
    ticket = opened(desk)
    stored, _ = desk.tickets.post_message(ticket.id, PostMessage(body="Looks like the cable.", kind=MessageKind.NOTE),
                                          AS_ALEX)
    assert stored.assignee_id is None
    assert mine(desk, ALEX.id) == []


def test_a_reply_does_not_take_a_ticket_someone_else_holds(desk):
    ticket = opened(desk, assignee_id=KIM.id)
    stored, _ = desk.tickets.post_message(ticket.id, PostMessage(body="Jumping in."), AS_ALEX)
    assert stored.assignee_id == KIM.id
    assert mine(desk, ALEX.id) == []


def test_a_reply_does_not_take_a_ticket_assigned_between_reading_and_writing(desk):
    ticket = opened(desk)
    read = desk.tickets.get(ticket.id)  # Alex's console read it unassigned
    desk.tickets.update(ticket.id, TicketChanges(assignee_id=KIM.id), read.version, AS_KIM)
    stored, _ = desk.tickets.post_message(ticket.id, PostMessage(body="On it."), AS_ALEX, ticket=read)
    assert stored.assignee_id == KIM.id


def test_customers_and_automatic_messages_assign_nobody(desk):
    ticket = opened(desk)
    stored, _ = desk.tickets.post_message(ticket.id, PostMessage(body="Any news?"), author_type=AuthorType.CUSTOMER,
                                          author_id=ticket.customer_id)
    assert stored.assignee_id is None
    stored, _ = desk.tickets.post_message(ticket.id, PostMessage(body="We are closed."), author_type=AuthorType.SYSTEM)
    assert stored.assignee_id is None

"""TicketService and the audit log over the in-memory fakes: opening, reading, editing and
listing tickets, messages and their status rules, stale edits, ratings, and what the audit log
records of agents' work (from the events the stream delivers)."""

from __future__ import annotations

import pytest

from chalicelib.domain.errors import ConflictError, NotFoundError, UnprocessableError
from chalicelib.domain.people import Principal, Role
from chalicelib.domain.tickets import AuthorType, MessageKind, Priority, Status, TicketChanges, TicketFilter
from chalicelib.services.tickets import OpenTicket, PostMessage
from tests.unit.fakes import Desk, agent

ALEX = agent("agt_alex", "Alex Agent")
SAM = agent("agt_sam", "Sam Admin", Role.ADMIN)
AS_ALEX = Principal(ALEX.id, ALEX.email, ALEX.role)
AS_SAM = Principal(SAM.id, SAM.email, SAM.role)


@pytest.fixture
def desk() -> Desk:
    return Desk(agents=[ALEX, SAM])


def open_ticket(desk: Desk, subject: str = "Lamp flickers", email: str = "ann@customer.example", **kw):
    return desk.tickets.open(OpenTicket(subject=subject, customer_email=email, body="It flickers.", **kw), AS_ALEX)


def customer_writes(desk: Desk, ticket, body: str):
    return desk.tickets.post_message(ticket.id, PostMessage(body=body), author_type=AuthorType.CUSTOMER,
                                     author_id=ticket.customer_id)


# ---------------------------------------------------------------- opening and reading


def test_tickets_are_numbered_from_1001_and_found_by_id_or_number(desk):
    first, message = open_ticket(desk)
    second, _ = open_ticket(desk, "Another")
    assert (first.number, second.number) == (1001, 1002)
    assert desk.tickets.get("#1001") == desk.tickets.get("1001") == desk.tickets.get(first.id) == first
    assert first.status == Status.NEW and first.channel == "api"
    assert message is not None and (message.seq, message.author_type, message.body) == (
        1, AuthorType.CUSTOMER, "It flickers.",  # the description is the customer's words
    )
    with pytest.raises(NotFoundError) as missing:
        desk.tickets.get("#4242")
    assert missing.value.code == "ticket_not_found"


def test_one_customer_per_address_whatever_its_case(desk):
    first, _ = open_ticket(desk, email="Ann@Customer.Example")
    second, _ = open_ticket(desk, email="  ann@customer.example ")
    assert first.customer_id == second.customer_id
    assert desk.customers.get(first.customer_id).email == "ann@customer.example"


def test_assigning_on_creation_opens_the_ticket_and_an_unknown_assignee_is_refused(desk):
    ticket, _ = open_ticket(desk, assignee_id=ALEX.id)
    assert (ticket.status, ticket.assignee_id) == (Status.OPEN, ALEX.id)
    with pytest.raises(UnprocessableError) as refused:
        open_ticket(desk, assignee_id="agt_nobody")
    assert refused.value.code == "unknown_assignee"
    assert [t.number for t in desk.tickets.list(TicketFilter(), limit=10, cursor=None).items] == [1001]


# ---------------------------------------------------------------- messages and status


def test_replies_and_notes_are_numbered_in_order_and_an_agents_first_reply_opens_the_ticket(desk):
    ticket, _ = open_ticket(desk)
    ticket, note = desk.tickets.post_message(ticket.id, PostMessage(body="VIP", kind=MessageKind.NOTE), AS_ALEX)
    assert ticket.status == Status.NEW  # a note never changes the status
    ticket, reply = desk.tickets.post_message(ticket.id, PostMessage(body="Which model?"), AS_ALEX)
    assert ticket.status == Status.OPEN
    _, messages, _ = desk.tickets.messages(ticket.id, after_seq=0, limit=10)
    assert [(m.seq, m.kind, m.body) for m in messages] == [
        (1, MessageKind.REPLY, "It flickers."), (2, MessageKind.NOTE, "VIP"), (3, MessageKind.REPLY, "Which model?"),
    ]
    _, public, _ = desk.tickets.messages(ticket.id, after_seq=0, limit=10, include_notes=False)
    assert [m.seq for m in public] == [1, 3]
    assert note.author_id == reply.author_id == ALEX.id


def test_the_customer_writing_reopens_a_pending_or_solved_ticket(desk):
    ticket, _ = open_ticket(desk)
    ticket, _ = desk.tickets.post_message(ticket.id, PostMessage(body="Which model?", status=Status.PENDING), AS_ALEX)
    assert ticket.status == Status.PENDING
    ticket, _ = customer_writes(desk, ticket, "Model 7.")
    assert ticket.status == Status.OPEN
    ticket = desk.tickets.update(ticket.id, TicketChanges(status=Status.SOLVED), ticket.version, AS_ALEX)
    assert ticket.status == Status.SOLVED and ticket.solved_at is not None
    ticket, _ = customer_writes(desk, ticket, "It flickers again.")
    assert ticket.status == Status.OPEN and ticket.solved_at is None


def test_status_moves_along_allowed_paths_and_refuses_the_rest(desk):
    ticket, _ = open_ticket(desk)
    with pytest.raises(UnprocessableError) as refused:
        desk.tickets.update(ticket.id, TicketChanges(status=Status.CLOSED), ticket.version, AS_ALEX)
    assert refused.value.code == "invalid_status_transition"
    assert refused.value.details == {"from": "new", "to": "closed", "allowed": ["open", "pending", "solved"]}
    assert desk.tickets.get(ticket.id).status == Status.NEW  # nothing stored

    ticket = desk.tickets.update(ticket.id, TicketChanges(status=Status.SOLVED), ticket.version, AS_ALEX)
    ticket = desk.tickets.update(ticket.id, TicketChanges(status=Status.CLOSED), ticket.version, AS_ALEX)
    assert ticket.status == Status.CLOSED and ticket.closed_at is not None
    with pytest.raises(UnprocessableError) as closed:
        customer_writes(desk, ticket, "One more thing")
    assert closed.value.code == "ticket_closed"
    with pytest.raises(UnprocessableError) as final:
        desk.tickets.update(ticket.id, TicketChanges(priority=Priority.HIGH), ticket.version, AS_ALEX)
    assert final.value.code == "ticket_closed"


def test_only_agents_set_a_status_with_a_message(desk):
    ticket, _ = open_ticket(desk)
    with pytest.raises(UnprocessableError) as refused:
        desk.tickets.post_message(ticket.id, PostMessage(body="Done!", status=Status.SOLVED),
                                  author_type=AuthorType.CUSTOMER, author_id=ticket.customer_id)
    assert refused.value.code == "status_not_allowed"
    assert desk.tickets.messages(ticket.id, after_seq=1, limit=10)[1] == []


def test_a_message_whose_status_moved_meanwhile_is_decided_again_on_the_new_status(desk):
    ticket, _ = open_ticket(desk, assignee_id=ALEX.id)
    stale = ticket  # open, as a customer's mail read it before the agent set it pending
    desk.tickets.update(ticket.id, TicketChanges(status=Status.PENDING), ticket.version, AS_ALEX)
    after, message = desk.tickets.post_message(stale.id, PostMessage(body="Here you go"),
                                               author_type=AuthorType.CUSTOMER, author_id=stale.customer_id,
                                               ticket=stale)
    assert after.status == Status.OPEN and message.seq == 2  # the customer's answer reopens it
    assert desk.tickets.get(ticket.id).status == Status.OPEN


# ---------------------------------------------------------------- edits and versions


def test_a_stale_edit_is_refused_with_the_current_version(desk):
    ticket, _ = open_ticket(desk)
    desk.tickets.update(ticket.id, TicketChanges(priority=Priority.HIGH), ticket.version, AS_SAM)
    with pytest.raises(ConflictError) as conflict:
        desk.tickets.update(ticket.id, TicketChanges(subject="Mine"), ticket.version, AS_ALEX)
    assert conflict.value.code == "version_conflict"
    assert conflict.value.details == {"current_version": ticket.version + 1}
    stored = desk.tickets.get(ticket.id)
    assert (stored.subject, stored.priority) == ("Lamp flickers", Priority.HIGH)


def test_messages_do_not_invalidate_an_agents_edit(desk):
    ticket, _ = open_ticket(desk, assignee_id=ALEX.id)
    read = ticket.version
    customer_writes(desk, ticket, "Any news?")
    customer_writes(desk, ticket, "Hello?")
    edited = desk.tickets.update(ticket.id, TicketChanges(tags=["VIP", "lamps"]), read, AS_ALEX)
    assert edited.tags == ("vip", "lamps") and edited.version == read + 1 and edited.message_count == 3


def test_an_edit_that_changes_nothing_stores_nothing(desk):
    ticket, _ = open_ticket(desk)
    same = desk.tickets.update(ticket.id, TicketChanges(subject="Lamp flickers"), ticket.version, AS_ALEX)
    assert same.version == ticket.version
    assert [e.name for e in desk.deliver()] == ["ticket.opened"]  # no ticket.changed


def test_assigning_to_an_unknown_agent_is_refused_and_clearing_the_assignee_is_allowed(desk):
    ticket, _ = open_ticket(desk, assignee_id=ALEX.id)
    with pytest.raises(UnprocessableError) as refused:
        desk.tickets.update(ticket.id, TicketChanges(assignee_id="agt_ghost"), ticket.version, AS_ALEX)
    assert refused.value.details == {"assignee_id": "agt_ghost"}
    cleared = desk.tickets.update(ticket.id, TicketChanges(assignee_id=None, team="billing"), ticket.version, AS_ALEX)
    assert (cleared.assignee_id, cleared.team) == (None, "billing")


# ---------------------------------------------------------------- listing


def test_lists_filter_and_put_the_latest_activity_first_a_page_at_a_time(desk):
    lamp, _ = open_ticket(desk, "Lamp", tags=["lamps"])
    desk.clock.advance(minutes=1)
    desk_ticket, _ = open_ticket(desk, "Desk", assignee_id=ALEX.id)
    desk.clock.advance(minutes=1)
    chair, _ = open_ticket(desk, "Chair", email="bob@customer.example")
    desk.clock.advance(minutes=1)
    customer_writes(desk, lamp, "Still broken")  # activity: to the top

    def subjects(**query) -> list[str]:
        return [t.subject for t in desk.tickets.list(TicketFilter(**query), limit=10, cursor=None).items]

    assert subjects() == ["Lamp", "Chair", "Desk"]
    assert subjects(assignee_id=TicketFilter.NONE) == ["Lamp", "Chair"]
    assert subjects(assignee_id=ALEX.id) == ["Desk"]
    assert subjects(tag="lamps") == ["Lamp"]
    assert subjects(status=Status.OPEN) == ["Desk"]
    assert subjects(customer_id=chair.customer_id) == ["Chair"]

    page = desk.tickets.list(TicketFilter(), limit=2, cursor=None)
    assert [t.subject for t in page.items] == ["Lamp", "Chair"] and page.cursor is not None
    rest = desk.tickets.list(TicketFilter(), limit=2, cursor=page.cursor)
    assert [t.subject for t in rest.items] == ["Desk"] and rest.cursor is None


# ---------------------------------------------------------------- ratings


def test_a_solved_conversation_is_rated_and_rating_again_replaces_it(desk):
    ticket, _ = open_ticket(desk)
    with pytest.raises(UnprocessableError) as early:
        desk.tickets.rate(ticket, 5, None)
    assert early.value.code == "conversation_not_solved"
    ticket = desk.tickets.update(ticket.id, TicketChanges(status=Status.SOLVED), ticket.version, AS_ALEX)
    desk.tickets.rate(ticket, 2, "  slow  ")
    desk.tickets.rate(ticket, 4, None)
    rating = desk.tickets.get(ticket.id).csat
    assert rating is not None and (rating.score, rating.comment) == (4, None)
    changes = [e.changes["csat"] for e in desk.deliver() if e.name == "ticket.changed" and "csat" in e.changes]
    assert [(old and old["score"], new["score"]) for old, new in changes] == [(None, 2), (2, 4)]


# ---------------------------------------------------------------- the audit log


def test_the_audit_log_records_agents_ticket_work_by_whoever_did_it_and_no_words(desk):
    ticket, _ = open_ticket(desk, "Secret project")
    desk.clock.advance(minutes=1)
    desk.tickets.update(ticket.id, TicketChanges(status=Status.OPEN, subject="Renamed"), ticket.version, AS_SAM)
    desk.clock.advance(minutes=1)
    desk.tickets.post_message(ticket.id, PostMessage(body="Private words", kind=MessageKind.NOTE), AS_ALEX)
    desk.clock.advance(minutes=1)
    desk.tickets.post_message(ticket.id, PostMessage(body="Public words"), AS_ALEX)
    desk.clock.advance(minutes=1)
    customer_writes(desk, ticket, "Customer words")  # the customer's doing: not in the audit log
    desk.deliver()

    entries = desk.audit.target(ticket.id, limit=10, cursor=None, newest_first=False).items
    assert [(e.actor, e.action) for e in entries] == [
        (ALEX.id, "ticket.opened"), (SAM.id, "ticket.changed"), (ALEX.id, "note.added"), (ALEX.id, "message.replied"),
        (ALEX.id, "ticket.changed"),  # the reply made the unassigned ticket Alex's
    ]
    assert entries[1].details == {"fields": ["status", "subject"], "changes": {"status": ["new", "open"]}}
    assert entries[4].details == {"fields": ["assignee_id"], "changes": {"assignee_id": [None, ALEX.id]}}
    everything = repr([e.details for e in entries])
    assert not any(words in everything for words in ("Secret", "Renamed", "Private", "Public", "Customer"))


def test_an_event_delivered_twice_is_audited_once(desk):
    open_ticket(desk)
    [opened] = [e for e in desk.deliver() if e.name == "ticket.opened"]
    desk.audit.on_ticket_opened(opened)  # the stream delivers a record again
    assert len(desk.audit_store.entries) == 1


def test_a_customers_mail_opens_a_ticket_without_an_audit_entry(desk):
    desk.tickets.open(OpenTicket(subject="By mail", customer_email="cy@customer.example", channel="email"), None)
    desk.deliver()
    assert desk.audit_store.entries == {}

"""Defects of issue #13 on the in-memory fakes: what a customer gets, or what the agent is told
when they cannot get it."""

from __future__ import annotations

import pytest

from chalicelib.domain.people import Principal
from chalicelib.domain.tickets import Delivery
from chalicelib.services.tickets import OpenTicket, PostMessage
from tests.unit.fakes import Desk, agent

ANN = "ann@customer.example"
ALEX = agent("agt_alex", "Alex Agent")
AS_ALEX = Principal(ALEX.id, ALEX.email, ALEX.role)


@pytest.fixture
def desk() -> Desk:
    return Desk(agents=[ALEX])


@pytest.mark.parametrize("channel", ["api", "web", "phone"])
def test_a_reply_on_a_ticket_an_agent_opened_goes_to_the_customer_by_mail(desk, channel):
    ticket, _ = desk.tickets.open(OpenTicket(subject="Phone call", customer_email=ANN, channel=channel), AS_ALEX)
    _, message = desk.tickets.post_message(ticket.id, PostMessage(body="As discussed."), AS_ALEX)
    assert message.delivery == Delivery.PENDING
    desk.deliver()
    [sent] = desk.mailer.to(ANN)
    assert sent.message["Subject"] == f"Re: Phone call [#{ticket.number}]"
    assert sent.message["Reply-To"].startswith(f"support+{ticket.id}.")
    assert sent.text.startswith("As discussed.")
    assert desk.tickets.message_of(ticket, message.seq).delivery == Delivery.SENT


def test_a_reply_to_a_customer_without_an_address_says_it_was_not_sent(desk):
    """A customer known without an address (a chat visitor an agent opened a ticket for after a
    call): the reply is kept, and its delivery says, visibly, why nobody got it."""
    visitor = desk.customers.create_anonymous("Vera", None)
    ticket, _ = desk.tickets.open(OpenTicket(subject="Call back", customer_id=visitor.id, channel="phone"), AS_ALEX)
    _, message = desk.tickets.post_message(ticket.id, PostMessage(body="We called you."), AS_ALEX)
    desk.deliver()
    stored = desk.tickets.message_of(ticket, message.seq)
    assert stored is not None and stored.delivery == Delivery.FAILED
    assert stored.delivery_error == "The customer has no e-mail address."
    assert desk.mailer.sent == []

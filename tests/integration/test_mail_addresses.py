"""Issue #12, item 10: the API acknowledges no address the desk would have to mail but cannot.

SES sends to ASCII addresses only (no SMTPUTF8): a non-ASCII local part cannot be mailed at
all, an internationalised domain only in its IDNA form (xn--...). Python's e-mail package also
writes a broken message for some shapes the API used to accept (a leading dot, some Unicode).
Every address the desk mails is checked before anything is stored: a customer's, a chat
visitor's, an agent's, a transcript's."""

from __future__ import annotations

import uuid

import pytest

from tests.e2e.chat_client import ChatClient

UNMAILABLE = [
    "j\u00fcrgen@example.com",  # non-ASCII local part
    "kunde@b\u00fccher.example",  # an internationalised domain, not in its IDNA form
    ".leading@example.com",  # not a dot-atom: Python's parser fails on the message
    "a..b@example.com",
    "nbsp\u00a0@example.com",
    "x@example.com.",
]


def refused(r, field: str) -> None:
    assert r.status_code == 400, r.text
    error = r.json()["error"]
    assert error["code"] == "validation_failed"
    assert [d["field"] for d in error["details"]] == [field], error


@pytest.mark.parametrize("address", UNMAILABLE)
def test_a_ticket_for_an_address_ses_cannot_mail_is_refused(agent, address):
    r = agent.post("/tickets", json={"subject": "Unmailable", "customer": {"email": address}, "channel": "email"})
    refused(r, "customer/email")


@pytest.mark.parametrize("address", UNMAILABLE)
def test_a_visitor_cannot_leave_an_address_ses_cannot_mail(anonymous, address):
    refused(anonymous.post("/widget/sessions", json={"email": address}), "email")


@pytest.mark.parametrize("address", UNMAILABLE[:2])
def test_an_agent_with_an_address_ses_cannot_mail_is_not_created(admin, address):
    r = admin.post("/agents", json={"email": address, "name": "Unmailable", "password": "Agent-tests-Passw0rd"})
    refused(r, "email")


def test_a_transcript_to_an_address_ses_cannot_mail_is_refused(anonymous, stack):
    session = anonymous.post("/widget/sessions", json={})
    client = ChatClient(stack.gateway.url, visitor=session.json()["token"])
    try:
        conversation = client.say("Send me this, please.")["conversation_id"]
        client.send(action="transcript", conversation_id=conversation, email=UNMAILABLE[0])
        error = client.wait_for("error", lambda f: f.get("action") == "transcript")
        assert error["code"] != "mail_unavailable", error
        assert not [f for f in client.drain() if f.get("type") == "transcript.sent"]
    finally:
        client.ws.close()


def test_an_internationalised_domain_in_its_idna_form_is_mailed(agent, anonymous):
    u = uuid.uuid4().hex[:8]
    domain = "b\u00fccher.example".encode("idna").decode()
    assert domain == "xn--bcher-kva.example"
    address = f"kunde-{u}@{domain}"
    ticket = agent.post("/tickets", json={"subject": f"IDNA {u}", "customer": {"email": address}, "channel": "email"})
    assert ticket.status_code == 201, ticket.text
    assert agent.post(f"/tickets/{ticket.json()['id']}/messages", json={"body": "Danke!"}).status_code == 201
    from tests.e2e.test_mail import sent_to

    assert [m["To"] for m in sent_to(address)] == [address]
    assert anonymous.post("/widget/sessions", json={"email": f"v-{address}"}).status_code == 201

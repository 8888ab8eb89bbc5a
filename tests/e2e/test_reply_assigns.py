"""Replying assigns an unassigned ticket to the replier, over the whole stack (DynamoDB's
conditional write, the stream's audit entry, the live frame): by REST and in chat; a note does
not, and a reply never takes a ticket someone else holds."""

from __future__ import annotations

import uuid

from tests.conftest import sign_in
from tests.desk_env import settle
from tests.e2e.chat_client import ChatClient


def new_agent(admin, anonymous):
    email, password = f"rep-{uuid.uuid4().hex[:8]}@tests.example", f"Reply-{uuid.uuid4().hex[:10]}"
    r = admin.post("/agents", json={"email": email, "name": "Remy Replier", "password": password})
    assert r.status_code == 201, r.text
    api = anonymous.as_token(sign_in(anonymous, email, password))
    api.id = r.json()["id"]
    return api


def mine(api) -> set[str]:
    return {t["id"] for t in api.every("/tickets", assignee="me", limit="100")}


def test_a_reply_assigns_an_unassigned_ticket_to_the_replier_and_it_is_audited(admin, anonymous, unique):
    remy = new_agent(admin, anonymous)
    ticket = admin.post("/tickets", json={"subject": f"Lamp {unique}", "customer": {"email": f"c-{unique}@x.example"},
                                          "body": "It flickers."}).json()
    assert ticket["assignee_id"] is None

    note = remy.post(f"/tickets/{ticket['id']}/messages", json={"body": "Cable?", "kind": "note"})
    assert note.status_code == 201, note.text
    assert note.json()["ticket"]["assignee_id"] is None and mine(remy) == set()

    reply = remy.post(f"/tickets/{ticket['id']}/messages", json={"body": "We'll send a new one."})
    assert reply.status_code == 201, reply.text
    assert (reply.json()["ticket"]["assignee_id"], reply.json()["ticket"]["status"]) == (remy.id, "open")
    assert remy.get(f"/tickets/{ticket['id']}").json()["assignee_id"] == remy.id
    assert mine(remy) == {ticket["id"]}

    settle()  # audited from the table's stream, like any assignment
    log = admin.every("/audit", limit="100", target=ticket["id"], order="oldest")
    changed = [(e["actor"], e["details"]) for e in log if e["action"] == "ticket.changed"]
    assert changed == [(remy.id, {"fields": ["assignee_id", "status"],
                                  "changes": {"assignee_id": [None, remy.id], "status": ["new", "open"]}})]


def test_a_reply_does_not_take_a_ticket_assigned_to_someone_else(admin, anonymous, agent_account, unique):
    remy = new_agent(admin, anonymous)
    ticket = admin.post("/tickets", json={"subject": f"Chair {unique}", "customer": {"email": f"d-{unique}@x.example"},
                                          "assignee_id": agent_account["id"]}).json()
    reply = remy.post(f"/tickets/{ticket['id']}/messages", json={"body": "Helping out."})
    assert reply.status_code == 201, reply.text
    assert reply.json()["ticket"]["assignee_id"] == agent_account["id"]
    assert mine(remy) == set()


def test_a_chat_reply_assigns_the_conversation_and_agents_are_told(admin, anonymous, stack):
    remy = new_agent(admin, anonymous)
    session = anonymous.post("/widget/sessions", json={})
    assert session.status_code == 201, session.text
    visitor = ChatClient(stack.gateway.url, visitor=session.json()["token"])
    console = ChatClient(stack.gateway.url, token=remy.token)
    try:
        conversation = visitor.say("Hello, anyone there?")["conversation_id"]
        console.send(action="join", conversation_id=conversation)
        console.wait_for("joined", lambda f: f["conversation"]["id"] == conversation)
        console.say("Hi! How can I help?", conversation)
        update = console.wait_for("conversation.updated",
                                  lambda f: f["conversation"]["id"] == conversation and "assignee_id" in f["changes"])
        assert update["changes"]["assignee_id"] == [None, remy.id]
        assert remy.get(f"/tickets/{conversation}").json()["assignee_id"] == remy.id
        assert conversation in mine(remy)
    finally:
        visitor.close()
        console.close()

"""A visitor who has left the chat still gets the answer: by mail, threaded back into the
same conversation when they reply."""

from __future__ import annotations

import uuid

from tests.e2e.chat_client import ChatClient
from tests.e2e.test_mail import mail, messages_of, sent_to, wait_for


def test_an_answer_to_a_visitor_who_left_goes_by_mail_and_their_reply_comes_back(stack, anonymous, agent, smtp):
    address = f"gone-{uuid.uuid4().hex[:6]}@customer.example"
    session = anonymous.post("/widget/sessions", json={"name": "Greta", "email": address}).json()
    visitor = ChatClient(stack.gateway.url, visitor=session["token"])
    conversation = visitor.say("Do you deliver on Sundays?")["conversation_id"]

    # While the visitor is there, answers go over the websocket only.
    agent.post(f"/tickets/{conversation}/messages", json={"body": "Let me check."})
    assert visitor.wait_for("message")["message"]["body"] == "Let me check."
    assert sent_to(address) == []

    visitor.close()
    wait_for(lambda: not visitor_ids(stack, conversation))
    agent.post(f"/tickets/{conversation}/messages", json={"body": "Yes, on Sundays between 10 and 14."})
    [answer] = wait_for(lambda: sent_to(address))
    assert answer.get_body(("plain",)).get_content().strip() == "Yes, on Sundays between 10 and 14."
    assert answer["From"].startswith("Alex Agent")

    # Their mail reply lands on the same conversation.
    reply = mail(address, "Re: " + answer["Subject"], "Great, I'll order today.\n\n> Yes, on Sundays")
    del reply["To"]
    reply["To"] = answer["Reply-To"]
    smtp(reply, [answer["Reply-To"]])
    wait_for(lambda: messages_of(agent, conversation)[-1]["body"] == "Great, I'll order today.")
    assert [m["author_type"] for m in messages_of(agent, conversation)] == ["customer", "agent", "agent", "customer"]


def test_a_visitor_who_left_no_address_gets_no_mail_and_nothing_breaks(stack, anonymous, agent):
    session = anonymous.post("/widget/sessions", json={"name": "Anon"}).json()
    visitor = ChatClient(stack.gateway.url, visitor=session["token"])
    conversation = visitor.say("Just looking around")["conversation_id"]
    visitor.close()
    wait_for(lambda: not visitor_ids(stack, conversation))
    r = agent.post(f"/tickets/{conversation}/messages", json={"body": "Happy to help if you come back!"})
    assert r.status_code == 201


def subscribers(stack, conversation):
    from chalicelib import bootstrap
    from chalicelib.domain.chat import conversation_topic

    return bootstrap.container().chat.connections.subscribers(conversation_topic(conversation))


def visitor_ids(stack, conversation) -> list[str]:
    return [s.connection_id for s in subscribers(stack, conversation) if s.role.value == "visitor"]

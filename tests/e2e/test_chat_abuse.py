"""Abuse of live chat by an anonymous visitor (issue #12): the desk as a mail relay, one
visitor holding many connections, and messages stored out of the order they were sent."""

from __future__ import annotations

import os
import uuid

import pytest

from chalicelib.domain.chat import user_hash
from tests.e2e.chat_client import ChatClient


@pytest.fixture
def ws_url(stack) -> str:
    return stack.gateway.url


def session(anonymous, **body) -> dict:
    r = anonymous.post("/widget/sessions", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def mailed_to(fragment: str) -> list:
    """Every SendEmail the desk made whose recipients mention ``fragment``."""
    from moto.backends import get_backend

    return [
        m for backend in get_backend("ses").values() for region in backend.values() for m in region.sent_messages
        if fragment.lower() in str(m.destinations).lower()
    ]


# ------------------------------------------------------------------ the mail relay


@pytest.mark.parametrize("asked", [
    None, "victim@example.org", "victim@example.org\r\nBcc: others@example.org", "not an email",
])
def test_an_anonymous_visitor_cannot_make_the_desk_mail_anyone(anonymous, ws_url, asked):
    """An address typed into the pre-chat form, or put in the frame, is proven by nothing."""
    typed = f"typed-{uuid.uuid4().hex[:8]}@example.org"
    client = ChatClient(ws_url, visitor=session(anonymous, name="Mallory", email=typed)["token"])
    try:
        conversation = client.say("Buy cheap watches at spam.example")["conversation_id"]
        frame = {"action": "transcript", "conversation_id": conversation}
        if asked is not None:
            frame["email"] = asked
        client.send(**frame)
        error = client.wait_for("error")
        assert error["action"] == "transcript"
        assert error["code"] in ("transcript_address_unverified", "validation_failed")
        assert [f for f in client.drain(0.3) if f["type"] == "transcript.sent"] == []
    finally:
        client.close()
    assert mailed_to(typed) == [] and mailed_to("victim@example.org") == [] and mailed_to("others@") == []


def identified(anonymous, ws_url, email: str) -> ChatClient:
    user = f"user-{uuid.uuid4().hex[:8]}"
    s = session(anonymous, user_id=user, user_hash=user_hash(os.environ["DESK_IDENTITY_SECRET"], user), email=email)
    return ChatClient(ws_url, visitor=s["token"])


def test_an_identified_visitor_gets_the_transcript_at_their_own_address_only(anonymous, ws_url, agent):
    own = f"ida-{uuid.uuid4().hex[:8]}@example.com"
    client = identified(anonymous, ws_url, own)
    try:
        conversation = client.say("Can I get this in writing?")["conversation_id"]
        agent.post(f"/tickets/{conversation}/messages", json={"body": "Of course: the lamp ships tomorrow."})
        client.send(action="transcript", conversation_id=conversation, email="victim@example.org")
        assert client.wait_for("error")["code"] == "transcript_address_unverified"
        client.send(action="transcript", conversation_id=conversation)
        assert client.wait_for("transcript.sent")["to"] == own
    finally:
        client.close()
    sent = mailed_to(own)
    assert len(sent) == 1 and "the lamp ships tomorrow" in sent[0].body and "Can I get this in writing?" in sent[0].body
    assert mailed_to("victim@example.org") == []


def test_transcripts_of_a_conversation_are_rate_limited(anonymous, ws_url):
    own = f"rl-{uuid.uuid4().hex[:8]}@example.com"
    client = identified(anonymous, ws_url, own)
    try:
        conversation = client.say("Mail me, again and again")["conversation_id"]
        answers = []
        for _ in range(6):
            client.send(action="transcript", conversation_id=conversation)
            answers.append(_answer(client))
        assert answers[:3] == ["sent"] * 3 and answers[3:] == ["rate_limited"] * 3
    finally:
        client.close()
    assert len(mailed_to(own)) == 3


def _answer(client: ChatClient) -> str:
    for _ in range(50):
        frame = client._receive(10)
        if frame and frame["type"] == "transcript.sent":
            return "sent"
        if frame and frame["type"] == "error":
            return frame["code"]
    raise AssertionError("no answer to the transcript frame")


@pytest.mark.parametrize("address", ["not an email", "ok@example.com\r\nBcc: others@example.org", "a@b@c"])
def test_an_agent_mails_a_transcript_only_to_a_well_formed_address(visitor_conversation, agent, ws_url, address):
    console = ChatClient(ws_url, token=agent.token)
    try:
        console.send(action="transcript", conversation_id=visitor_conversation, email=address)
        error = console.wait_for("error")
        assert error["action"] == "transcript" and error["code"] in ("invalid_email", "validation_failed")
    finally:
        console.close()
    assert mailed_to("others@") == [] and mailed_to("not an email") == [] and mailed_to("a@b@c") == []


@pytest.fixture
def visitor_conversation(anonymous, ws_url) -> str:
    client = ChatClient(ws_url, visitor=session(anonymous)["token"])
    try:
        return client.say("Hello there")["conversation_id"]
    finally:
        client.close()


# ------------------------------------------------------------------ connections per visitor


def test_one_visitor_holds_at_most_a_few_connections(anonymous, ws_url):
    """A visitor token opens MAX_VISITOR_CONNECTIONS at once (tabs); the next $connect is
    refused with 429 until one closes. Another visitor is not affected."""
    import websocket

    from chalicelib.domain.chat import MAX_VISITOR_CONNECTIONS

    token = session(anonymous)["token"]
    opened = [ChatClient(ws_url, visitor=token) for _ in range(MAX_VISITOR_CONNECTIONS)]
    try:
        for _ in range(3):
            with pytest.raises(websocket.WebSocketBadStatusException) as refused:
                ChatClient(ws_url, visitor=token)
            assert refused.value.status_code == 429
        other = ChatClient(ws_url, visitor=session(anonymous)["token"])
        other.send(action="ping")
        assert other.wait_for("pong")
        other.close()
        for client in opened:  # the ones that are open still work
            client.send(action="ping")
            assert client.wait_for("pong")
        opened.pop().close()
        import time

        deadline = time.monotonic() + 5
        while True:  # the gateway reports the close ($disconnect) shortly after
            try:
                opened.append(ChatClient(ws_url, visitor=token))
                break
            except websocket.WebSocketBadStatusException:
                assert time.monotonic() < deadline, "a closed connection still counts"
                time.sleep(0.1)
    finally:
        for client in opened:
            client.close()


def test_many_connections_opened_at_once_are_capped_too(anonymous, ws_url):
    from concurrent.futures import ThreadPoolExecutor

    import websocket

    from chalicelib.domain.chat import MAX_VISITOR_CONNECTIONS

    token = session(anonymous)["token"]

    def open_one(_: int) -> ChatClient | int:
        try:
            return ChatClient(ws_url, visitor=token)
        except websocket.WebSocketBadStatusException as error:
            return error.status_code

    with ThreadPoolExecutor(12) as pool:
        results = list(pool.map(open_one, range(20)))
    clients = [r for r in results if isinstance(r, ChatClient)]
    try:
        assert 1 <= len(clients) <= MAX_VISITOR_CONNECTIONS
        assert sorted({r for r in results if not isinstance(r, ChatClient)}) == [429]
    finally:
        for client in clients:
            client.close()

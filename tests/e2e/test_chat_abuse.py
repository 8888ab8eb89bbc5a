"""Abuse of live chat by an anonymous visitor (issue #12): the desk as a mail relay, one
visitor holding many connections, and messages stored out of the order they were sent."""

from __future__ import annotations

import os
import uuid

import pytest

from chalicelib.domain.chat import email_hash, user_hash
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


def identified(anonymous, ws_url, email: str, *, vouched: bool = True) -> ChatClient:
    """A signed-in user of the business; ``vouched``: its server signed the address too."""
    user, secret = f"user-{uuid.uuid4().hex[:8]}", os.environ["DESK_IDENTITY_SECRET"]
    proof = {"email_hash": email_hash(secret, email)} if vouched else {}
    s = session(anonymous, user_id=user, user_hash=user_hash(secret, user), email=email, **proof)
    return ChatClient(ws_url, visitor=s["token"])


def test_an_address_the_business_did_not_sign_gets_no_transcript(anonymous, ws_url):
    """A signed-in user whose page names an address its server did not sign (a user editing
    the page's settings): kept, but nothing is mailed there."""
    victim = f"victim-{uuid.uuid4().hex[:8]}@example.org"
    client = identified(anonymous, ws_url, victim, vouched=False)
    try:
        conversation = client.say("Mail this to my 'own' address")["conversation_id"]
        client.send(action="transcript", conversation_id=conversation)
        assert client.wait_for("error")["code"] == "transcript_address_unverified"
    finally:
        client.close()
    assert mailed_to(victim) == []
    user, secret = f"user-{uuid.uuid4().hex[:8]}", os.environ["DESK_IDENTITY_SECRET"]
    forged = anonymous.post("/widget/sessions", json={
        "user_id": user, "user_hash": user_hash(secret, user), "email": victim, "email_hash": "0" * 64,
    })
    assert forged.status_code == 401 and forged.json()["error"]["code"] == "invalid_email_hash"
    other = anonymous.post("/widget/sessions", json={
        "user_id": user, "user_hash": user_hash(secret, user), "email": victim,
        "email_hash": email_hash(secret, f"x{victim}"),
    })
    assert other.status_code == 401 and other.json()["error"]["code"] == "invalid_email_hash"


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
        # Each counts the others it sees after storing itself: at most the cap are kept (in a
        # burst this tight, possibly none), and every refusal is a 429.
        assert len(clients) <= MAX_VISITOR_CONNECTIONS
        assert sorted({r for r in results if not isinstance(r, ChatClient)}) == [429]
    finally:
        for client in clients:
            client.close()
    # The refused ones left nothing behind: the visitor can connect again, up to the cap.
    again = [ChatClient(ws_url, visitor=token) for _ in range(MAX_VISITOR_CONNECTIONS)]
    for client in again:
        client.close()


# ------------------------------------------------------------------ hostile input


def nested(depth: int) -> str:
    return '{"a": ' * depth + "1" + "}" * depth


def nested_list(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("raw,codes", [
    pytest.param('{"action": "resume", "conversation_id": "%s", "after_seq": 0.0}', {"resumed"}, id="after_seq-0.0"),
    pytest.param('{"action": "resume", "conversation_id": "%s", "after_seq": 1e12}', {"resumed"}, id="after_seq-1e12"),
    pytest.param('{"action": "resume", "conversation_id": "%s", "after_seq": 1e300}', {"validation_failed"},
                 id="after_seq-1e300"),
    pytest.param('{"action": "resume", "conversation_id": "%s", "after_seq": 2.5}', {"validation_failed"},
                 id="after_seq-2.5"),
    pytest.param('{"action": "rate", "conversation_id": "%s", "score": 5.0}', {"conversation_not_solved"},
                 id="rate-score-5.0"),
    pytest.param('{"action": "page", "url": "https://shop.example/", "seen_at": "2026-02-30T10:00:00Z"}',
                 {"invalid_date", "validation_failed"}, id="seen_at-feb-30"),
    pytest.param('{"action": "page", "url": "https://shop.example/", "seen_at": "2026-13-01T10:00:00Z"}',
                 {"invalid_date", "validation_failed"}, id="seen_at-month-13"),
    pytest.param('{"action": "page", "url": "https://shop.example/", "seen_at": "0000-01-01T00:00:00Z"}',
                 {"invalid_date", "validation_failed"}, id="seen_at-year-0"),
    pytest.param('{"action": "page", "url": "https://shop.example/", "seen_at": "2026-01-01T25:61:61Z"}',
                 {"invalid_date", "validation_failed"}, id="seen_at-hour-25"),
    pytest.param('{"action": "transcript", "conversation_id": "%s", "email": "not an email"}',
                 {"validation_failed", "transcript_address_unverified"}, id="transcript-not-an-email"),
    pytest.param('{"action": "send", "text": "hi", "client_id": "abcdefgh12", "x": ' + nested(400) + "}",
                 {"too_deeply_nested"}, id="send-nested-400"),
    pytest.param(nested(450), {"too_deeply_nested"}, id="object-nested-450"),
    pytest.param(nested_list(900), {"too_deeply_nested"}, id="list-nested-900"),
    pytest.param(nested_list(5000), {"invalid_json", "too_deeply_nested"}, id="list-nested-5000"),
])
def test_hostile_frames_get_an_error_frame_and_the_connection_goes_on(anonymous, ws_url, raw, codes):
    client = ChatClient(ws_url, visitor=session(anonymous)["token"])
    try:
        conversation = client.say("Hello")["conversation_id"]
        client.ws.send(raw.replace("%s", conversation))
        while True:
            frame = client._receive(10)
            assert frame is not None, "no answer"
            if frame["type"] in ("resumed", "error"):
                break
        got = frame["code"] if frame["type"] == "error" else frame["type"]
        assert got in codes, frame
        assert got != "internal_error"
        client.send(action="ping")  # still served
        assert client.wait_for("pong")
    finally:
        client.close()


DEEP_BODIES = [nested(500), nested_list(500), '{"name": ' + nested(300) + "}", nested_list(100000)]


@pytest.mark.parametrize("method,path,who", [
    ("POST", "/widget/sessions", "anonymous"),
    ("POST", "/auth/login", "anonymous"),
    ("POST", "/auth/refresh", "anonymous"),
    ("POST", "/tickets", "agent"),
    ("PATCH", "/agents/me", "agent"),
    ("PUT", "/canned-responses/deep", "admin"),
    ("PUT", "/sla/policies", "admin"),
])
def test_deeply_nested_json_gets_a_400_with_a_json_error(request, method, path, who):
    api = request.getfixturevalue(who)
    for body in DEEP_BODIES:
        r = api.request(method, path, data=body, headers={"Content-Type": "application/json"})
        assert r.status_code == 400, (path, body[:20], r.status_code, r.text[:300])
        assert r.json()["error"]["code"] in ("too_deeply_nested", "invalid_json"), r.text


# ------------------------------------------------------------------ order of messages


VISITORS, MESSAGES = 5, 15


def stored_bodies(agent, conversation: str) -> list[str]:
    items = agent.get(f"/tickets/{conversation}/messages").json()["items"]
    return [m["body"] for m in sorted(items, key=lambda m: m["seq"]) if m["author_type"] == "customer"]


def test_messages_sent_back_to_back_by_many_visitors_are_stored_in_the_order_sent(anonymous, ws_url, agent):
    """As the widget flushes its queue after a reconnect: every visitor's messages go at once,
    all visitors at the same time. Each conversation holds them in the order they were sent."""
    from concurrent.futures import ThreadPoolExecutor

    def visit(n: int) -> tuple[str, list[str]]:
        client = ChatClient(ws_url, visitor=session(anonymous)["token"])
        try:
            texts = [f"visitor {n} message {i:02d}" for i in range(MESSAGES)]
            conversation = client.say(texts[0])["conversation_id"]
            client.say_in_order(texts[1:], conversation)
            return conversation, texts
        finally:
            client.close()

    with ThreadPoolExecutor(VISITORS) as pool:
        results = list(pool.map(visit, range(VISITORS)))
    for conversation, texts in results:
        assert stored_bodies(agent, conversation) == texts


def test_the_desk_stores_a_numbered_message_only_after_the_one_before(anonymous, ws_url, agent):
    """A client that sends numbered messages without waiting (pipelining) gets the ones that
    came too early refused with out_of_order and the number expected; none is stored early."""
    client = ChatClient(ws_url, visitor=session(anonymous)["token"])
    try:
        conversation = client.say("first, unnumbered")["conversation_id"]
        client.send(action="send", text="too early", client_id=uuid.uuid4().hex, conversation_id=conversation,
                    client_seq=3)
        refused = client.wait_for("error")
        assert (refused["code"], refused["details"]["expected_seq"]) == ("out_of_order", 1)

        texts = [f"pipelined {i}" for i in range(1, 7)]
        ids = {uuid.uuid4().hex: (i, text) for i, text in enumerate(texts, start=1)}
        for client_id, (i, text) in ids.items():
            client.send(action="send", text=text, client_id=client_id, conversation_id=conversation, client_seq=i)
        answers = {}
        while len(answers) < len(ids):
            frame = client.wait_for_any(("ack", "error"), lambda f: f.get("client_id") in ids)
            answers[frame["client_id"]] = frame
        stored_early = [ids[c][1] for c, f in answers.items() if f["type"] == "ack"]
        assert all(f["code"] == "out_of_order" for f in answers.values() if f["type"] == "error")
        assert stored_bodies(agent, conversation) == ["first, unnumbered", *sorted(stored_early)]
        client.sent_seq = len(stored_early)
        client.say_in_order(texts[len(stored_early):], conversation)
    finally:
        client.close()
    assert stored_bodies(agent, conversation) == ["first, unnumbered", *texts]

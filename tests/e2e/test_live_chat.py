"""Live chat end to end: real websocket clients through the local gateway, as the widget and
the console use it."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
import websocket

from chalicelib.domain.chat import email_hash, user_hash
from tests.e2e.chat_client import ChatClient


@pytest.fixture
def ws_url(stack) -> str:
    return stack.gateway.url


def visitor_session(anonymous, **body) -> dict:
    r = anonymous.post("/widget/sessions", json=body)
    assert r.status_code == 201, r.text
    return r.json()


@pytest.fixture
def visitor(anonymous, ws_url):
    session = visitor_session(anonymous, name="Vera Visitor")
    client = ChatClient(ws_url, visitor=session["token"])
    client.session = session
    yield client
    client.close()


@pytest.fixture
def agent_ws(agent, ws_url):
    client = ChatClient(ws_url, token=agent.token)
    client.send(action="presence", status="online")
    client.wait_for("presence")  # agents hear presence changes, their own included
    yield client
    client.close()


def test_a_visitor_and_an_agent_chat(visitor, agent_ws, agent, agent_account):
    visitor.send(action="ping")
    assert visitor.wait_for("pong")["available"] is True  # the agent above is online

    first = visitor.say("Hi! Is the blue lamp in stock?")
    conversation = first["conversation_id"]
    assert first["message"]["seq"] == 1 and first["message"]["author_type"] == "customer"

    created = agent_ws.wait_for("conversation.created", lambda f: f["conversation_id"] == conversation)
    assert created["conversation"]["channel"] == "chat"
    assert created["message"]["body"] == "Hi! Is the blue lamp in stock?"

    agent_ws.send(action="join", conversation_id=conversation)
    assert agent_ws.wait_for("joined")["conversation"]["id"] == conversation
    joined = visitor.wait_for("agent.joined")
    assert joined["agent"] == {"id": agent_account["id"], "role": "agent", "name": "Alex Agent",
                               "title": None, "avatar_url": None, "timezone": None}

    agent_ws.send(action="typing", conversation_id=conversation, state=True)
    typing = visitor.wait_for("typing")
    assert typing["state"] is True and typing["who"]["name"] == "Alex Agent"

    reply = agent_ws.say("Yes, we have three left!", conversation)
    assert reply["message"]["seq"] == 2
    live = visitor.wait_for("message")
    assert live["message"]["body"] == "Yes, we have three left!"
    assert live["message"]["author_name"] == "Alex Agent"

    visitor.send(action="read", conversation_id=conversation, seq=2)
    read = agent_ws.wait_for("read")
    assert read["seq"] == 2 and read["who"]["role"] == "visitor"

    # The conversation is a ticket like any other, with the same timeline.
    ticket = agent.get(f"/tickets/{conversation}").json()
    assert ticket["channel"] == "chat" and ticket["status"] == "open"
    bodies = [m["body"] for m in agent.get(f"/tickets/{conversation}/messages").json()["items"]]
    assert bodies == ["Hi! Is the blue lamp in stock?", "Yes, we have three left!"]


def test_a_reply_from_the_rest_api_reaches_nobody_twice_and_notes_stay_with_agents(visitor, agent_ws, agent):
    conversation = visitor.say("Where is my order?")["conversation_id"]
    agent_ws.send(action="join", conversation_id=conversation)
    agent_ws.wait_for("joined")
    agent_ws.say("Customer is VIP, be nice", conversation, kind="note")
    agent_ws.say("Let me check", conversation)
    # Wait for the reply however slow the machine (the note went before it), then for any more.
    reply = visitor.wait_for("message", lambda f: f["message"]["body"] == "Let me check")
    frames = [reply, *visitor.drain(0.5)]
    bodies = [f["message"]["body"] for f in frames if f["type"] == "message"]
    assert bodies == ["Let me check"]


def test_a_dropped_visitor_resumes_with_every_message_exactly_once(anonymous, ws_url, agent_ws):
    session = visitor_session(anonymous)
    first = ChatClient(ws_url, visitor=session["token"])
    conversation = first.say("Hello?")["conversation_id"]
    agent_ws.send(action="join", conversation_id=conversation)
    agent_ws.wait_for("joined")
    agent_ws.say("Hello! One moment.", conversation)
    first.wait_for("message")
    seen = max(first.messages[conversation])
    first.close()  # the visitor's train enters a tunnel

    for text in ("Found it.", "It ships tomorrow.", "Anything else?"):
        agent_ws.say(text, conversation)

    again = ChatClient(ws_url, visitor=session["token"])  # the same visitor, a new connection
    again.messages[conversation] = dict(first.messages[conversation])
    again.send(action="resume", conversation_id=conversation, after_seq=seen)
    resumed = again.wait_for("resumed")
    assert resumed["last_seq"] == 5
    history = [(c, s) for c, s in again.deliveries]
    assert history == [(conversation, 3), (conversation, 4), (conversation, 5)]
    assert again.texts(conversation) == [
        "Hello?", "Hello! One moment.", "Found it.", "It ships tomorrow.", "Anything else?",
    ]
    agent_ws.say("Bye!", conversation)
    assert again.wait_for("message")["message"]["seq"] == 6
    again.close()


def test_a_frame_sent_again_is_stored_once(visitor, agent):
    client_id = uuid.uuid4().hex
    first = visitor.say("Only once please", client_id=client_id)
    conversation = first["conversation_id"]
    again = visitor.say("Only once please", client_id=client_id)
    assert again["duplicate"] is True and again["message"]["seq"] == first["message"]["seq"]
    assert again["conversation_id"] == conversation
    bodies = [m["body"] for m in agent.get(f"/tickets/{conversation}/messages").json()["items"]]
    assert bodies == ["Only once please"]


def test_visitors_see_only_their_own_conversations(anonymous, ws_url, visitor, agent):
    """Another visitor (with a conversation of their own) tries every frame that names a
    conversation on someone else's, and the REST API with its visitor token: each is answered
    as if the conversation did not exist, and nothing reaches or changes the owner's."""
    conversation = visitor.say("My private question")["conversation_id"]
    visitor.send(action="join", conversation_id=conversation)
    visitor.wait_for("joined")  # the owner listens: anything leaked to the conversation would arrive
    number = agent.get(f"/tickets/{conversation}").json()["number"]
    session = visitor_session(anonymous)
    other = ChatClient(ws_url, visitor=session["token"])
    try:
        own = other.say("A question of my own")["conversation_id"]
        for frame in (
            {"action": "join", "conversation_id": conversation},
            {"action": "resume", "conversation_id": conversation, "after_seq": 0},
            {"action": "send", "conversation_id": conversation, "text": "hi", "client_id": uuid.uuid4().hex},
            {"action": "transcript", "conversation_id": conversation, "email": "spy@example.com"},
            {"action": "upload", "conversation_id": conversation, "filename": "x.png", "content_type": "image/png",
             "size": 10},
            {"action": "join", "conversation_id": "tkt_doesnotexist"},
        ):
            other.send(**frame)
            error = other.wait_for("error")
            assert error["code"] == "conversation_not_found", frame
        for frame in (  # these need a joined conversation, which the other visitor cannot get
            {"action": "typing", "conversation_id": conversation, "state": True},
            {"action": "read", "conversation_id": conversation, "seq": 1},
        ):
            other.send(**frame)
            assert other.wait_for("error")["code"] == "not_joined", frame
        for reference in (str(number), f"#{number}"):  # tickets are found by number too; frames are not
            other.send(action="join", conversation_id=reference)
            assert other.wait_for("error")["code"] == "validation_failed"
        assert set(other.messages) == {own}  # only its own conversation ever reached it

        # The visitor's token, as issued, opens nothing on the REST API.
        as_visitor = anonymous.as_token(session["token"])
        for path in (f"/tickets/{conversation}", f"/tickets/{conversation}/messages", f"/tickets/{own}",
                     f"/customers/{session['customer_id']}", "/tickets"):
            refused = as_visitor.get(path)
            assert refused.status_code == 401 and refused.json()["error"]["code"] == "invalid_token", path
    finally:
        other.close()
    assert [f for f in visitor.drain(0.3) if f["type"] in ("message", "typing", "read", "history")] == []
    bodies = [m["body"] for m in agent.get(f"/tickets/{conversation}/messages").json()["items"]]
    assert bodies == ["My private question"]
    assert agent.get(f"/tickets/{conversation}").json()["customer"]["id"] == visitor.session["customer_id"]
    from moto.backends import get_backend

    spied = [m for backend in get_backend("ses").values() for region in backend.values() for m in region.sent_messages
             if "spy@example.com" in str(m.destinations)]
    assert spied == []


@pytest.mark.parametrize(
    "raw,code,field",
    [
        ("not json", "invalid_json", None),
        ('{"text": "no action"}', "validation_failed", "(frame)"),
        ('{"action": "dance"}', "validation_failed", "action"),
        ('{"action": "send", "client_id": "abcdefgh12"}', "validation_failed", "(frame)"),
        ('{"action": "send", "text": "   ", "client_id": "abcdefgh12"}', "validation_failed", "text"),
        ('{"action": "send", "text": "' + "x" * 5001 + '", "client_id": "abcdefgh12"}', "validation_failed", "text"),
        ('{"action": "send", "text": "hi", "client_id": "abcdefgh12", "kind": "note"}', "notes_are_for_agents", None),
        ('{"action": "presence", "status": "online"}', "agents_only", None),
        ('[1, 2, 3]', "validation_failed", "(frame)"),
    ],
)
def test_a_bad_frame_gets_an_error_frame(visitor, raw, code, field):
    visitor.ws.send(raw)
    error = visitor.wait_for("error")
    assert error["code"] == code
    if field:
        assert field in [d["field"] for d in error["details"]]


def test_unauthenticated_connections_are_refused(ws_url, anonymous):
    for query in ("", "?visitor=forged.token.here", "?token=not-a-jwt"):
        with pytest.raises(websocket.WebSocketBadStatusException) as refused:
            websocket.create_connection(f"{ws_url}/{query}", timeout=5)
        assert refused.value.status_code == 401


def test_identified_visitors_need_the_business_hash(anonymous, ws_url, stack):
    import os

    secret = os.environ["DESK_IDENTITY_SECRET"]
    user = f"user-{uuid.uuid4().hex[:8]}"
    bad = anonymous.post("/widget/sessions", json={"user_id": user, "user_hash": "0" * 64})
    assert bad.status_code == 401 and bad.json()["error"]["code"] == "invalid_user_hash"
    first = visitor_session(anonymous, user_id=user, user_hash=user_hash(secret, user), email="id@example.com")
    second = visitor_session(anonymous, user_id=user, user_hash=user_hash(secret, user))
    assert first["customer_id"] == second["customer_id"]  # the same person on another device
    assert first["websocket_url"] == stack.gateway.url


def test_a_stale_connection_is_removed_on_the_first_410_and_only_it(visitor, agent_ws, stack):
    from chalicelib import bootstrap
    from chalicelib.domain.chat import Participant, ParticipantRole, conversation_topic
    from chalicelib.domain.clock import to_iso

    conversation = visitor.say("Anyone?")["conversation_id"]
    chat = bootstrap.container().chat
    connections, broadcaster = chat.connections.store, chat.delivery.broadcaster
    # A connection whose $disconnect was lost: the store has it, the gateway does not.
    ghost = Participant(ParticipantRole.AGENT, "ghost-agent", "GhostConnId0=")
    # Connected minutes ago, well past API Gateway's $connect window (a 410 then means gone).
    connections.add(ghost, to_iso(bootstrap.now() - timedelta(minutes=5)), 400)
    connections.subscribe(ghost, conversation_topic(conversation))
    agent_ws.send(action="join", conversation_id=conversation)
    agent_ws.wait_for("joined")

    visitor.say("Hello?", conversation)
    assert agent_ws.wait_for("message")["message"]["body"] == "Hello?"
    subscribers = {s.connection_id for s in connections.subscribers(conversation_topic(conversation))}
    assert "GhostConnId0=" not in subscribers
    assert connections.get("GhostConnId0=") is None
    assert len(subscribers) == 2  # the visitor and the agent are still there
    # Which connections are posted to next (the stream may still push earlier frames, so the
    # targets are recorded, not the process's count of posts).
    targets: list[str] = []
    post = broadcaster._post
    broadcaster._post = lambda cid, payload: targets.append(cid) or post(cid, payload)
    try:
        visitor.say("Still there?", conversation)
        assert agent_ws.wait_for("message")["message"]["body"] == "Still there?"
    finally:
        del broadcaster._post
    # now posted to the live connections only: the visitor's ack and the agent
    assert "GhostConnId0=" not in targets
    assert subscribers <= set(targets), (subscribers, targets)


def test_a_message_over_128_kb_closes_the_connection_with_1009(anonymous, ws_url):
    import asyncio

    import aiohttp

    token = visitor_session(anonymous)["token"]

    async def send_too_much() -> tuple[object, int | None]:
        async with aiohttp.ClientSession() as session:
            async with session.ws_connect(f"{ws_url}/?visitor={token}") as ws:
                await ws.send_str('{"action": "ping", "pad": "' + "x" * (130 * 1024) + '"}')
                message = await ws.receive(timeout=10)
                return message.type, ws.close_code

    kind, code = asyncio.run(send_too_much())
    assert kind == aiohttp.WSMsgType.CLOSE and code == 1009


def test_too_many_frames_are_refused_with_an_error_frame(visitor):
    from chalicelib.domain.chat import RATE_LIMIT_FRAMES

    # More than twice the limit: one rate window gets over it wherever its boundary falls.
    for _ in range(2 * RATE_LIMIT_FRAMES + 5):
        visitor.send(action="ping")
    error = visitor.wait_for("error", timeout=30)
    assert error["code"] == "rate_limited" and error["action"] == "ping"
    assert error["details"]["retry_after_seconds"] > 0


def test_agents_presence_reaches_other_agents(agent_ws, admin, ws_url):
    other = ChatClient(ws_url, token=admin.token)
    try:
        agent_ws.send(action="presence", status="away")
        update = other.wait_for("presence", lambda f: f["agent"]["name"] == "Alex Agent")
        assert update["status"] == "away"
    finally:
        other.close()


def test_a_transcript_is_mailed_to_the_visitor(anonymous, ws_url, agent_ws, stack):
    """To a signed-in visitor's address (an anonymous visitor's typed one proves nothing: see
    tests/e2e/test_chat_abuse.py)."""
    import os

    from moto.backends import get_backend

    user = f"tia-{uuid.uuid4().hex[:8]}"
    secret = os.environ["DESK_IDENTITY_SECRET"]
    session = visitor_session(anonymous, name="Tia", email="tia@example.com", user_id=user,
                              user_hash=user_hash(secret, user), email_hash=email_hash(secret, "tia@example.com"))
    client = ChatClient(ws_url, visitor=session["token"])
    try:
        conversation = client.say("Can I get this in writing?")["conversation_id"]
        agent_ws.send(action="join", conversation_id=conversation)
        agent_ws.wait_for("joined")
        agent_ws.say("Of course: the lamp ships tomorrow.", conversation)
        client.send(action="transcript", conversation_id=conversation)
        assert client.wait_for("transcript.sent")["to"] == "tia@example.com"
    finally:
        client.close()
    sent = [
        m for backend in get_backend("ses").values() for region in backend.values()
        for m in region.sent_messages
        if isinstance(m.destinations, dict) and "tia@example.com" in m.destinations["ToAddresses"]
    ]  # SendEmail's messages (raw ones, the mail channel's, list their destinations plainly)
    assert sent and "the lamp ships tomorrow" in sent[-1].body and "Can I get this in writing?" in sent[-1].body


@pytest.mark.parametrize(
    "limits,keep_talking",
    [({"idle_timeout": 0.6, "max_lifetime": 60}, False), ({"idle_timeout": 60, "max_lifetime": 1.0}, True)],
    ids=["idle-timeout", "connection-lifetime"],
)
def test_connections_are_closed_at_api_gateway_limits(anonymous, stack, limits, keep_talking):
    """A second gateway with short limits (API Gateway's: 10 minutes idle, 2 hours in all)."""
    import time

    from chalice.local import LambdaContext

    import app as desk_app
    from chalicelib import bootstrap
    from local.gateway import WebsocketGateway

    handlers = {route: getattr(desk_app, c.name) for route, c in desk_app.app.websocket_handlers.items()}
    gateway = WebsocketGateway(
        "127.0.0.1", 0, handlers, context_factory=lambda: LambdaContext("desk-websocket", 512, 29_000), **limits,
    )
    gateway.start()
    try:
        client = ChatClient(gateway.url, visitor=visitor_session(anonymous)["token"])
        deadline = time.monotonic() + 5
        while not gateway.connections and time.monotonic() < deadline:
            time.sleep(0.01)  # the client may see the handshake before the gateway files it
        connection_id = next(iter(gateway.connections))
        assert bootstrap.container().chat.connections.store.get(connection_id) is not None
        started = time.monotonic()
        client.ws.settimeout(0.2)
        while True:
            if keep_talking:  # a busy connection still ends at its lifetime
                client.ws.send('{"action": "ping"}')
            try:
                opcode, data = client.ws.recv_data(control_frame=True)
            except websocket.WebSocketTimeoutException:
                continue
            if opcode == websocket.ABNF.OPCODE_CLOSE:
                break
            assert time.monotonic() - started < 10, "the gateway never closed the connection"
        assert int.from_bytes(data[:2], "big") == 1001
        deadline = time.monotonic() + 5
        while bootstrap.container().chat.connections.store.get(connection_id) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert bootstrap.container().chat.connections.store.get(connection_id) is None  # $disconnect ran
    finally:
        gateway.stop()


def test_replies_and_changes_made_over_rest_reach_the_chat(visitor, agent_ws, agent):
    conversation = visitor.say("Can someone call me back?")["conversation_id"]
    agent_ws.wait_for("conversation.created", lambda f: f["conversation_id"] == conversation)
    r = agent.post(f"/tickets/{conversation}/messages", json={"body": "Calling you in 5 minutes."})
    assert r.status_code == 201
    live = visitor.wait_for("message")
    assert live["message"]["body"] == "Calling you in 5 minutes." and live["message"]["seq"] == 2
    assert visitor.wait_for("conversation.updated")["conversation"]["status"] == "open"

    ticket = agent.get(f"/tickets/{conversation}").json()
    agent.patch(f"/tickets/{conversation}", json={"status": "solved", "tags": ["callback"]},
                headers={"If-Match": f'"{ticket["version"]}"'})
    update = visitor.wait_for("conversation.updated")
    assert update["conversation"] == {"id": conversation, "status": "solved"}
    assert "tags" not in update["changes"]  # internal details stay with agents
    note = agent.post(f"/tickets/{conversation}/messages", json={"body": "internal only", "kind": "note"})
    assert note.status_code == 201
    assert [f for f in visitor.drain(0.4) if f["type"] == "message"] == []


def test_a_visitor_sends_a_picture_through_a_presigned_upload(visitor, agent_ws, agent):
    import requests

    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
    conversation = visitor.say("Here is the broken lamp")["conversation_id"]
    agent_ws.send(action="join", conversation_id=conversation)
    agent_ws.wait_for("joined")

    visitor.send(action="upload", conversation_id=conversation, filename="../../lamp photo.png",
                 content_type="image/png", size=len(png))
    upload = visitor.wait_for("upload")
    assert upload["key"].endswith("/lamp photo.png") and ".." not in upload["key"]
    stored = requests.post(upload["url"], data=upload["fields"], files={"file": ("lamp.png", png, "image/png")}, timeout=10)
    assert stored.status_code in (200, 204), stored.text

    sent = visitor.say("See the picture", conversation, attachments=[upload["key"]])
    attachment = sent["message"]["attachments"][0]
    assert attachment["filename"] == "lamp photo.png" and attachment["size"] == len(png)
    delivered = agent_ws.wait_for("message", lambda f: f["message"]["body"] == "See the picture")
    assert requests.get(delivered["message"]["attachments"][0]["url"], timeout=10).content == png
    via_rest = agent.get(f"/tickets/{conversation}/messages").json()["items"][-1]
    assert requests.get(via_rest["attachments"][0]["url"], timeout=10).content == png


def test_attachments_outside_the_allow_list_or_not_uploaded_are_refused(visitor):
    conversation = visitor.say("One more thing")["conversation_id"]
    visitor.send(action="upload", conversation_id=conversation, filename="run.exe",
                 content_type="application/x-msdownload", size=10)
    assert visitor.wait_for("error")["code"] == "validation_failed"
    visitor.send(action="upload", conversation_id=conversation, filename="huge.pdf",
                 content_type="application/pdf", size=50 * 1024 * 1024)
    assert visitor.wait_for("error")["code"] == "validation_failed"
    visitor.send(action="send", conversation_id=conversation, text="see file", client_id=uuid.uuid4().hex,
                 attachments=[f"attachments/{conversation}/someone-else/x/secret.pdf"])
    assert visitor.wait_for("error")["code"] == "attachment_not_found"


def test_an_agent_console_has_room_for_many_chats(agent_ws):
    from chalicelib.domain.chat import RATE_LIMIT_FRAMES

    # Over twice the visitors' limit in one burst: an agent is not throttled like a visitor.
    for _ in range(2 * RATE_LIMIT_FRAMES + 5):
        agent_ws.send(action="ping")
    frames = [agent_ws.wait_for("pong", timeout=30) for _ in range(2 * RATE_LIMIT_FRAMES + 5)]
    assert len(frames) == 2 * RATE_LIMIT_FRAMES + 5
    assert [f for f in agent_ws.drain(0.3) if f["type"] == "error"] == []


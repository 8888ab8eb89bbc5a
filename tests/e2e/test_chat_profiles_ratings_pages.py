"""Live chat as the widget and the console use it beyond messages: who the agent is (profile),
the visitor's rating of a solved conversation (CSAT), and the pages a visitor opens."""

from __future__ import annotations

import uuid

import pytest

from tests.conftest import sign_in
from tests.e2e.chat_client import ChatClient


def visitor_session(anonymous, **body) -> dict:
    r = anonymous.post("/widget/sessions", json=body)
    assert r.status_code == 201, r.text
    return r.json()


@pytest.fixture(scope="module")
def lead(admin, anonymous):
    """An agent with a full profile, of its own (the shared agent's profile stays bare)."""
    email = f"lead-{uuid.uuid4().hex[:8]}@tests.example"
    r = admin.post("/agents", json={"email": email, "name": "Robin Lead", "password": "Lead-Passw0rd1"})
    assert r.status_code == 201, r.text
    api = anonymous.as_token(sign_in(anonymous, email, "Lead-Passw0rd1"))
    r = api.patch("/agents/me", json={
        "title": "Support lead", "avatar_url": "https://cdn.example.com/robin.jpg", "timezone": "Europe/Tallinn",
    })
    assert r.status_code == 200, r.text
    api.id = r.json()["id"]
    return api


@pytest.fixture
def visitor(anonymous, stack):
    session = visitor_session(anonymous, name="Vic Visitor")
    client = ChatClient(stack.gateway.url, visitor=session["token"])
    client.session = session
    yield client
    client.close()


@pytest.fixture
def lead_ws(lead, stack):
    client = ChatClient(stack.gateway.url, token=lead.token)
    client.send(action="presence", status="online")
    client.wait_for("presence", lambda f: f["agent"]["id"] == lead.id)
    yield client
    client.close()


def started(visitor, agent_ws, text="Hello there") -> str:
    """A conversation the agent has joined."""
    conversation = visitor.say(text)["conversation_id"]
    agent_ws.send(action="join", conversation_id=conversation)
    agent_ws.wait_for("joined", lambda f: f["conversation"]["id"] == conversation)
    return conversation


# ---------------------------------------------------------------- agent profiles

def test_visitors_see_who_the_agent_is_when_they_join_type_and_reply(visitor, lead_ws, lead):
    card = {"id": lead.id, "role": "agent", "name": "Robin Lead", "title": "Support lead",
            "avatar_url": "https://cdn.example.com/robin.jpg", "timezone": "Europe/Tallinn"}
    conversation = started(visitor, lead_ws)
    assert visitor.wait_for("agent.joined")["agent"] == card

    lead_ws.send(action="typing", conversation_id=conversation, state=True)
    assert visitor.wait_for("typing")["who"] == card

    lead_ws.say("Hi, Robin here.", conversation)
    message = visitor.wait_for("message")["message"]
    assert message["author"] == card and message["author_name"] == "Robin Lead"

    # An edit shows in the next frame (this function instance forgets its cached profile).
    assert lead.patch("/agents/me", json={"title": "Team lead", "avatar_url": None}).status_code == 200
    lead_ws.send(action="typing", conversation_id=conversation, state=False)
    assert visitor.wait_for("typing")["who"] == {**card, "title": "Team lead", "avatar_url": None}
    lead.patch("/agents/me", json={"title": "Support lead", "avatar_url": "https://cdn.example.com/robin.jpg"})


def test_a_visitor_is_described_by_role_and_id_only(visitor, lead_ws):
    conversation = started(visitor, lead_ws)
    visitor.send(action="typing", conversation_id=conversation, state=True)
    assert lead_ws.wait_for("typing")["who"] == {"role": "visitor", "id": visitor.session["customer_id"]}


# ---------------------------------------------------------------- CSAT

def test_a_visitor_rates_a_solved_conversation_and_agents_see_it(visitor, lead_ws, lead, agent):
    conversation = started(visitor, lead_ws)
    visitor.send(action="rate", conversation_id=conversation, score=5, client_id="rate-early-1")
    error = visitor.wait_for("error")
    assert (error["code"], error["action"], error["client_id"]) == ("conversation_not_solved", "rate", "rate-early-1")
    assert error["details"] == {"status": "new"}

    ticket = agent.get(f"/tickets/{conversation}").json()
    assert ticket["csat"] is None
    r = agent.patch(f"/tickets/{conversation}", json={"status": "solved"}, headers={"If-Match": f'"{ticket["version"]}"'})
    assert r.status_code == 200, r.text
    visitor.wait_for("conversation.updated", lambda f: f["conversation"]["status"] == "solved")
    lead_ws.wait_for("conversation.updated", lambda f: "status" in f["changes"])

    visitor.send(action="rate", conversation_id=conversation, score=4, comment="Quick and kind", client_id="rate-0001")
    assert visitor.wait_for("rated") == {"type": "rated", "conversation_id": conversation, "score": 4,
                                         "client_id": "rate-0001"}
    update = lead_ws.wait_for("conversation.updated", lambda f: "csat" in f["changes"])
    old, new = update["changes"]["csat"]
    assert old is None and new["score"] == 4 and new["comment"] == "Quick and kind" and new["rated_at"]
    assert update["conversation"]["id"] == conversation

    stored = agent.get(f"/tickets/{conversation}")
    assert stored.json()["csat"] == new
    assert stored.headers["ETag"] == r.headers["ETag"]  # a rating is not an edit: agents' versions hold

    visitor.send(action="rate", conversation_id=conversation, score=2)  # changed their mind
    assert visitor.wait_for("rated")["score"] == 2
    again = lead_ws.wait_for("conversation.updated", lambda f: "csat" in f["changes"])
    assert again["changes"]["csat"][0] == new
    assert again["changes"]["csat"][1]["score"] == 2 and again["changes"]["csat"][1]["comment"] is None
    assert agent.get(f"/tickets/{conversation}").json()["csat"]["score"] == 2
    # The visitor hears of status changes only, not of the rating as a change.
    assert [f for f in visitor.drain(0.4) if f["type"] == "conversation.updated"] == []


def test_a_closed_conversation_can_still_be_rated(visitor, lead_ws, agent):
    conversation = started(visitor, lead_ws)
    for status in ("solved", "closed"):
        version = agent.get(f"/tickets/{conversation}").json()["version"]
        assert agent.patch(f"/tickets/{conversation}", json={"status": status, "version": version}).status_code == 200
    visitor.send(action="rate", conversation_id=conversation, score=3)
    assert visitor.wait_for("rated")["score"] == 3
    assert agent.get(f"/tickets/{conversation}").json()["csat"]["score"] == 3


def test_only_the_conversations_own_visitor_rates_it(visitor, lead_ws, agent, anonymous, stack):
    conversation = started(visitor, lead_ws)
    version = agent.get(f"/tickets/{conversation}").json()["version"]
    agent.patch(f"/tickets/{conversation}", json={"status": "solved", "version": version})
    lead_ws.send(action="rate", conversation_id=conversation, score=5)
    assert lead_ws.wait_for("error")["code"] == "visitors_only"
    other = ChatClient(stack.gateway.url, visitor=visitor_session(anonymous)["token"])
    try:
        other.send(action="rate", conversation_id=conversation, score=1)
        assert other.wait_for("error")["code"] == "conversation_not_found"
    finally:
        other.close()
    assert agent.get(f"/tickets/{conversation}").json()["csat"] is None


@pytest.mark.parametrize(
    "frame,field",
    [
        ({"score": 0}, "score"),
        ({"score": 6}, "score"),
        ({"score": "5"}, "score"),
        ({"score": 4.5}, "score"),
        ({"score": 5, "comment": "x" * 1001}, "comment"),
        ({"score": 5, "client_id": "short"}, "client_id"),
        ({"score": 5, "stars": 5}, "(frame)"),
        ({}, "(frame)"),
    ],
)
def test_a_bad_rating_frame_names_what_is_wrong(visitor, frame, field):
    visitor.send(action="rate", conversation_id="tkt_abc", **frame)
    error = visitor.wait_for("error")
    assert (error["code"], error["action"]) == ("validation_failed", "rate")
    assert field in [d["field"] for d in error["details"]]


# ---------------------------------------------------------------- visited pages

def test_pages_a_visitor_opens_reach_agents_and_the_customer_panel(visitor, lead_ws, agent):
    customer_id = visitor.session["customer_id"]
    visitor.send(action="page", url="https://shop.example.com/lamps/blue?ref=ad", title="Blue lamp – Shop")
    seen = lead_ws.wait_for("visitor.page", lambda f: f["customer_id"] == customer_id)
    assert seen["url"] == "https://shop.example.com/lamps/blue?ref=ad" and seen["title"] == "Blue lamp – Shop"
    assert seen["at"].endswith("Z")
    assert [f for f in visitor.drain(0.3) if f["type"] == "visitor.page"] == []  # for agents only

    visitor.send(action="page", url="http://shop.example.com/cart")  # no title
    assert lead_ws.wait_for("visitor.page", lambda f: f["customer_id"] == customer_id)["title"] is None

    pages = agent.get(f"/customers/{customer_id}").json()["visit_pages"]
    assert pages == [
        {"url": "https://shop.example.com/lamps/blue?ref=ad", "title": "Blue lamp – Shop", "at": seen["at"]},
        {"url": "http://shop.example.com/cart", "title": None, "at": pages[1]["at"]},
    ]
    # Ticket lists stay small: the pages are on the customer's own page only.
    conversation = visitor.say("Which lamp is brighter?")["conversation_id"]
    assert "visit_pages" not in agent.get(f"/tickets/{conversation}").json()["customer"]


def test_only_the_last_20_pages_are_kept_newest_last(visitor, lead_ws, agent, stack):
    from chalicelib.adapters.dynamodb import models as m

    customer_id = visitor.session["customer_id"]
    for i in range(1, 35):  # one page after another, as a visitor browses (frames may run in parallel)
        visitor.send(action="page", url=f"https://shop.example.com/p/{i}", title=f"Page {i}")
        lead_ws.wait_for("visitor.page", lambda f, i=i: f["url"] == f"https://shop.example.com/p/{i}")
    pages = agent.get(f"/customers/{customer_id}").json()["visit_pages"]
    assert [p["url"] for p in pages] == [f"https://shop.example.com/p/{i}" for i in range(15, 35)]
    assert [p["at"] for p in pages] == sorted(p["at"] for p in pages)
    stored = m.CustomerItem.get(f"CUSTOMER#{customer_id}", m.CUSTOMER_SK).visit_pages
    assert len(stored) <= 30  # trimmed as it goes, never an ever-growing item


@pytest.mark.parametrize(
    "frame,field",
    [
        ({"url": "ftp://shop.example.com/x"}, "url"),
        ({"url": "javascript:alert(1)"}, "url"),
        ({"url": "https://shop.example.com/a b"}, "url"),
        ({"url": "https://shop.example.com/" + "a" * 2000}, "url"),
        ({"url": "https://shop.example.com/", "title": "t" * 201}, "title"),
        ({"title": "no url"}, "(frame)"),
        ({"url": "https://shop.example.com/", "referrer": "x"}, "(frame)"),
    ],
)
def test_a_bad_page_frame_names_what_is_wrong(visitor, frame, field):
    visitor.send(action="page", **frame)
    error = visitor.wait_for("error")
    assert (error["code"], error["action"]) == ("validation_failed", "page")
    assert field in [d["field"] for d in error["details"]]


def test_text_that_is_not_unicode_gets_an_error_frame_not_a_failure(visitor):
    visitor.ws.send('{"action": "page", "url": "https://shop.example.com/", "title": "bad \\ud800 half"}')
    error = visitor.wait_for("error")
    assert error["code"] == "invalid_json" and error["action"] == "page"


def test_agents_do_not_report_pages(lead_ws):
    lead_ws.send(action="page", url="https://shop.example.com/")
    error = lead_ws.wait_for("error")
    assert (error["code"], error["action"]) == ("visitors_only", "page")


def test_pages_seen_before_the_widget_connected_keep_their_order_within_the_last_day(visitor, lead_ws, agent):
    from datetime import UTC, datetime, timedelta

    customer_id = visitor.session["customer_id"]
    now = datetime.now(UTC)

    def iso(at: datetime) -> str:
        return at.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"

    # Sent together after connecting (as the widget does), they may be stored in any order.
    visitor.send(action="page", url="https://shop.example.com/second", seen_at=iso(now - timedelta(minutes=1)))
    visitor.send(action="page", url="https://shop.example.com/first", seen_at=iso(now - timedelta(minutes=5)))
    visitor.send(action="page", url="https://shop.example.com/old", seen_at=iso(now - timedelta(days=3)))
    visitor.send(action="page", url="https://shop.example.com/future", seen_at=iso(now + timedelta(days=1)))
    for _ in range(4):
        lead_ws.wait_for("visitor.page", lambda f: f["customer_id"] == customer_id)
    pages = {p["url"].rsplit("/", 1)[1]: p["at"] for p in agent.get(f"/customers/{customer_id}").json()["visit_pages"]}
    order = [p["url"].rsplit("/", 1)[1] for p in agent.get(f"/customers/{customer_id}").json()["visit_pages"]]
    assert order == ["old", "first", "second", "future"]
    # A claimed time more than a day back counts as a day back; one in the future as now.
    assert pages["old"] >= iso(now - timedelta(days=1, minutes=1)) and pages["future"] <= iso(datetime.now(UTC))

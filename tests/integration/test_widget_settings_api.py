"""The widget's settings and proactive chat campaigns over HTTP and the websocket: the allowed
sites are enforced on every way in a visitor's page has (a session, the config, the
websocket, a campaign's greeting), an empty list lets any site in; bad settings and campaigns
get a 4xx with a JSON error, never a 500; every change is in the audit log; only admins may
change or read them."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import websocket

from tests.desk_env import desk_clock, settle

SHOP = "https://shop.example"
ELSEWHERE = "https://elsewhere.example"


def error_of(response: Any) -> str:
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}, body
    return body["error"]["code"]


def refused(response: Any, field: str) -> bool:
    """Whether a validation error names ``field`` (a JSON path), or for an unknown field
    ``"<where>: '<name>' was unexpected"``, says so of the object it is in."""
    where, _, unexpected = field.partition(": ")
    return any(d["field"] == where and unexpected in d["message"] for d in response.json()["error"]["details"])


@pytest.fixture
def widget_settings(admin) -> Iterator[dict[str, Any]]:
    """The widget's settings as they are (a body for PUT); put back after the test."""
    before = admin.get("/settings/widget").json()
    before.pop("widget_key")
    yield dict(before)
    assert admin.request("PUT", "/settings/widget", json=before).status_code == 200


def put(admin, settings: dict[str, Any], **changes: Any):
    return admin.request("PUT", "/settings/widget", json={**settings, **changes})


def campaign_body(admin, **changes: Any) -> dict[str, Any]:
    return {
        "name": f"Campaign {uuid.uuid4().hex[:6]}", "message": "Need a hand?",
        "agent_id": admin.get("/agents/me").json()["id"], "conditions": {"url": "/lamps*"}, **changes,
    }


@pytest.fixture
def campaign(admin) -> Iterator[dict[str, Any]]:
    r = admin.post("/campaigns", json=campaign_body(admin))
    assert r.status_code == 201, r.text
    yield r.json()
    admin.request("DELETE", f"/campaigns/{r.json()['id']}")


def connect_visitor(stack, token: str, origin: str) -> websocket.WebSocket:
    """A visitor's websocket, from a page of ``origin`` (a browser sends its page's Origin)."""
    return websocket.create_connection(f"{stack.gateway.url}/?visitor={token}", origin=origin, timeout=10)


def month_entries(admin, action: str) -> list[dict[str, Any]]:
    month = datetime.now(UTC).strftime("%Y-%m")
    return [e for e in admin.every("/audit", month=month, limit="100", order="oldest") if e["action"] == action]


# ---------------------------------------------------------------- the allowed sites


def test_a_site_not_allowed_gets_no_session_config_websocket_or_greeting(anonymous, admin, stack, widget_settings,
                                                                          campaign):
    token = anonymous.post("/widget/sessions", json={}).json()["token"]  # before the list
    assert put(admin, widget_settings, allowed_origins=[SHOP]).status_code == 200

    refused = [
        anonymous.post("/widget/sessions", json={}, headers={"Origin": ELSEWHERE}),
        anonymous.post("/widget/sessions", json={}),  # no Origin at all: not a page of the shop either
        anonymous.get("/widget/config", headers={"Origin": ELSEWHERE}),
        anonymous.post(f"/widget/campaigns/{campaign['id']}/shown", headers={"Origin": ELSEWHERE}, json={
            "token": token, "url": f"{ELSEWHERE}/lamps", "seconds_on_page": 5, "pages_seen": 1,
            "returning": False, "language": "en"}),
    ]
    for r in refused:
        assert r.status_code == 403 and error_of(r) == "origin_not_allowed", (r.request.url, r.text)
        assert r.json()["error"]["details"]["origin"] in (ELSEWHERE, None)
    with pytest.raises(websocket.WebSocketBadStatusException) as connect:
        connect_visitor(stack, token, ELSEWHERE)
    assert connect.value.status_code == 403 and b"origin_not_allowed" in connect.value.resp_body

    # The shop itself (any case, a trailing slash) is let in everywhere.
    assert anonymous.post("/widget/sessions", json={}, headers={"Origin": SHOP}).status_code == 201
    assert anonymous.get("/widget/config", headers={"Origin": "HTTPS://Shop.Example/"}).status_code == 200
    assert anonymous.get("/widget/config").status_code == 200  # a check of the snippet (no browser) sends none
    connect_visitor(stack, token, SHOP).close()


def test_without_allowed_sites_any_site_may_use_the_widget(anonymous, admin, stack, widget_settings):
    assert put(admin, widget_settings, allowed_origins=[]).status_code == 200
    for origin in (SHOP, ELSEWHERE):
        session = anonymous.post("/widget/sessions", json={}, headers={"Origin": origin})
        assert session.status_code == 201, session.text
        assert anonymous.get("/widget/config", headers={"Origin": origin}).status_code == 200
        connect_visitor(stack, session.json()["token"], origin).close()


# ---------------------------------------------------------------- validation


@pytest.mark.parametrize("change,field", [
    ({"color": "red"}, "color"),
    ({"color": "#12345"}, "color"),
    ({"position": "top"}, "position"),
    ({"languages": []}, "languages"),
    ({"languages": ["en", "xx"]}, "languages/1"),
    ({"prechat": {"name": "always", "email": "off"}}, "prechat/name"),
    ({"allowed_origins": ["shop.example"]}, "allowed_origins/0"),
    ({"allowed_origins": ["https://shop.example/path"]}, "allowed_origins/0"),
    ({"greeting": ""}, "greeting"),
    ({"reply_time": "soon"}, "reply_time"),
    ({"colour": "#000000"}, "(body): 'colour' was unexpected"),
])
def test_bad_widget_settings_are_refused_with_the_field(admin, widget_settings, change, field):
    r = put(admin, widget_settings, **change)
    assert r.status_code == 400 and error_of(r) == "validation_failed", r.text
    assert refused(r, field), (field, r.json())
    assert admin.get("/settings/widget").json()["color"] == widget_settings["color"]  # nothing saved


def test_a_widget_settings_body_must_be_complete(admin, widget_settings):
    partial = {k: v for k, v in widget_settings.items() if k != "position"}
    r = admin.request("PUT", "/settings/widget", json=partial)
    assert r.status_code == 400 and error_of(r) == "validation_failed", r.text


@pytest.mark.parametrize("change,field", [
    ({"name": ""}, "name"),
    ({"message": " "}, "message"),
    ({"conditions": {"seconds_on_page": -1}}, "conditions/seconds_on_page"),
    ({"conditions": {"pages_seen": 0}}, "conditions/pages_seen"),
    ({"conditions": {"visitor": "vip"}}, "conditions/visitor"),
    ({"conditions": {"url": "/lamps *"}}, "conditions/url"),
    ({"conditions": {"where": "/lamps"}}, "conditions: 'where' was unexpected"),
    ({"sender": "someone"}, "(body): 'sender' was unexpected"),
])
def test_bad_campaigns_are_refused_with_the_field(admin, campaign, change, field):
    for method, path in (("POST", "/campaigns"), ("PUT", f"/campaigns/{campaign['id']}")):
        r = admin.request(method, path, json=campaign_body(admin, **change))
        assert r.status_code == 400 and error_of(r) == "validation_failed", (method, r.text)
        assert refused(r, field), (field, r.json())
    assert admin.get(f"/campaigns/{campaign['id']}").json()["name"] == campaign["name"]


def test_a_campaign_from_someone_who_is_no_agent_is_refused(admin, campaign):
    names = {c["name"] for c in admin.get("/campaigns").json()["items"]}
    body = campaign_body(admin, agent_id="agt_nobody")
    for method, path in (("POST", "/campaigns"), ("PUT", f"/campaigns/{campaign['id']}")):
        r = admin.request(method, path, json=body)
        assert r.status_code == 422 and error_of(r) == "unknown_agent", r.text
        assert r.json()["error"]["details"] == {"agent_id": "agt_nobody"}
    assert body["name"] not in {c["name"] for c in admin.get("/campaigns").json()["items"]} | names
    assert admin.get(f"/campaigns/{campaign['id']}").json()["agent_id"] == campaign["agent_id"]


@pytest.mark.parametrize("bad_id", ["nope", "cmp_UPPER", "cmp_" + "a" * 41, "cmp_0000000000"])
def test_a_bad_or_unknown_campaign_id_is_not_found(admin, anonymous, bad_id):
    for method, body in (("GET", None), ("PUT", campaign_body(admin)), ("DELETE", None)):
        r = admin.request(method, f"/campaigns/{bad_id}", **({"json": body} if body else {}))
        assert r.status_code == 404 and error_of(r) == "campaign_not_found", (method, r.text)
    token = anonymous.post("/widget/sessions", json={}).json()["token"]
    r = anonymous.post(f"/widget/campaigns/{bad_id}/shown", json={
        "token": token, "url": "https://shop.example/", "seconds_on_page": 1, "pages_seen": 1,
        "returning": False, "language": "en"})
    assert r.status_code == 404 and error_of(r) == "campaign_not_found", r.text


# ---------------------------------------------------------------- audit and who may


def test_each_change_is_audited_with_who_and_what(admin, widget_settings):
    me = admin.get("/agents/me").json()["id"]
    colour = "#" + uuid.uuid4().hex[:6]
    corner = "left" if widget_settings["position"] == "right" else "right"
    before = len(month_entries(admin, "widget_settings.updated"))
    assert put(admin, widget_settings, color=colour, position=corner).status_code == 200
    entries = month_entries(admin, "widget_settings.updated")
    assert len(entries) == before + 1
    changed = entries[-1]
    assert changed["actor"] == me and changed["target"] == {"type": "widget_settings", "id": None}
    assert changed["details"] == {"fields": ["color", "position"]}
    assert colour not in str(entries)  # which fields, not their values

    created = admin.post("/campaigns", json=campaign_body(admin))
    assert created.status_code == 201, created.text
    cid = created.json()["id"]
    assert admin.request("PUT", f"/campaigns/{cid}", json=campaign_body(admin, enabled=False)).status_code == 200
    assert admin.request("DELETE", f"/campaigns/{cid}").status_code == 204
    log = admin.every("/audit", target=cid, order="oldest", limit="100")
    assert [(e["actor"], e["action"], e["target"]) for e in log] == [
        (me, "campaign.created", {"type": "campaign", "id": cid}),
        (me, "campaign.updated", {"type": "campaign", "id": cid}),
        (me, "campaign.deleted", {"type": "campaign", "id": cid}),
    ]


def test_only_admins_read_or_change_the_widget_and_campaigns(agent, admin, campaign, widget_settings):
    calls = [
        ("GET", "/settings/widget", None), ("PUT", "/settings/widget", {**widget_settings, "color": "#000000"}),
        ("GET", "/campaigns", None), ("POST", "/campaigns", campaign_body(admin)),
        ("GET", f"/campaigns/{campaign['id']}", None), ("PUT", f"/campaigns/{campaign['id']}", campaign_body(admin)),
        ("DELETE", f"/campaigns/{campaign['id']}", None),
    ]
    for method, path, body in calls:
        r = agent.request(method, path, **({"json": body} if body else {}))
        assert r.status_code == 403 and error_of(r) == "admin_required", (method, path, r.text)
    assert admin.get("/settings/widget").json()["color"] == widget_settings["color"]
    assert admin.get(f"/campaigns/{campaign['id']}").json()["name"] == campaign["name"]


# ---------------------------------------------------------------- a page view's cost


def calls_during(stack, action: Any) -> dict[str, int]:
    """The DynamoDB requests (by operation) the desk made while ``action`` ran."""
    settle()  # the stream's reactions to earlier writes are done: they are not counted
    before = dict(stack.aws.dynamodb_calls)
    action()
    return {op: n - before.get(op, 0) for op, n in stack.aws.dynamodb_calls.items() if n != before.get(op, 0)}


def test_page_views_read_the_widget_settings_and_campaigns_once_per_instance_for_a_while(
        stack, anonymous, admin, widget_settings, campaign):
    from chalicelib.adapters.dynamodb.campaigns import DynamoCampaignStore

    def page_view() -> dict[str, Any]:
        r = anonymous.get("/widget/config", headers={"Origin": SHOP})
        assert r.status_code == 200, r.text
        return r.json()

    assert put(admin, widget_settings, color="#123456").status_code == 200
    first = calls_during(stack, page_view)  # reads the settings (GetItem) and campaigns (Query) once
    ten = calls_during(stack, lambda: [page_view() for _ in range(10)])
    # Each view still asks who is online (a Query of the agents), nothing else: not the
    # campaigns, not the settings (the business hours' own 30 s cache may lapse once: 1 GetItem).
    assert ten.get("Query") == 10 * (first["Query"] - 1) and ten.get("GetItem", 0) <= 1, (first, ten)

    # Another instance saves (here: straight into the table): the console reads it at once, a
    # page view of this instance within 30 s still shows what it read; after them, the new look.
    at = datetime.now(UTC)
    with desk_clock(at):
        assert page_view()["settings"]["color"] == "#123456"
        DynamoCampaignStore().put_widget_settings({**widget_settings, "color": "#654321"})
        assert admin.get("/settings/widget").json()["color"] == "#654321"
        assert page_view()["settings"]["color"] == "#123456"
    with desk_clock(at + timedelta(seconds=31)):
        assert page_view()["settings"]["color"] == "#654321"

    # A change made through this instance shows on its next page view, campaigns too.
    assert page_view()["settings"]["color"] == "#654321"  # read (and kept) now
    assert put(admin, widget_settings, color="#abcdef").status_code == 200
    assert page_view()["settings"]["color"] == "#abcdef"
    assert admin.request("DELETE", f"/campaigns/{campaign['id']}").status_code == 204
    assert campaign["id"] not in {c["id"] for c in page_view()["campaigns"]}

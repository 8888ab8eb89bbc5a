"""A campaign greets a visitor at most once, whatever the browser does: the desk checks the
campaign's conditions again (the widget's word is not trusted) and records the greeting with
a conditional write, so two tabs asking at the same instant get one greeting between them,
and the count says one."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from tests.desk_env import settle

SHOP = "https://shop.example"


def visit(token: str, **changes: Any) -> dict[str, Any]:
    return {"token": token, "url": f"{SHOP}/lamps/reading", "seconds_on_page": 30, "pages_seen": 1,
            "returning": False, "language": "en", **changes}


@pytest.fixture
def campaign(admin) -> Iterator[dict[str, Any]]:
    body = {"name": f"Lamps {uuid.uuid4().hex[:6]}", "message": "Looking for a lamp?",
            "agent_id": admin.get("/agents/me").json()["id"],
            "conditions": {"url": "/lamps*", "seconds_on_page": 20, "pages_seen": 1}}
    r = admin.post("/campaigns", json=body)
    assert r.status_code == 201, r.text
    yield r.json()
    admin.request("DELETE", f"/campaigns/{r.json()['id']}")


def counts(admin, campaign_id: str) -> tuple[int, int]:
    settle()  # counted from the table's stream
    c = admin.get(f"/campaigns/{campaign_id}").json()
    return c["shown"], c["replied"]


def test_two_tabs_asking_at_once_get_one_greeting_and_one_count(anonymous, admin, campaign):
    token = anonymous.post("/widget/sessions", json={}).json()["token"]
    tabs = 6
    start = threading.Barrier(tabs)

    def ask(_: int) -> Any:
        start.wait()
        return anonymous.post(f"/widget/campaigns/{campaign['id']}/shown", json=visit(token))

    with ThreadPoolExecutor(tabs) as pool:
        answers = list(pool.map(ask, range(tabs)))
    assert [r.status_code for r in answers] == [200] * tabs, [r.text for r in answers]
    greeted = [r.json() for r in answers if r.json()["show"]]
    assert len(greeted) == 1 and greeted[0]["message"] == "Looking for a lamp?"
    assert counts(admin, campaign["id"]) == (1, 0)

    # Another visitor is greeted too: once per visitor, not once in all.
    other = anonymous.post("/widget/sessions", json={}).json()["token"]
    assert anonymous.post(f"/widget/campaigns/{campaign['id']}/shown", json=visit(other)).json()["show"] is True
    assert counts(admin, campaign["id"]) == (2, 0)


@pytest.mark.parametrize("changes,unmet", [
    ({"seconds_on_page": 5}, ["seconds_on_page"]),
    ({"url": f"{SHOP}/chairs"}, ["url"]),
    ({"seconds_on_page": 0, "url": f"{SHOP}/"}, ["seconds_on_page", "url"]),
])
def test_a_greeting_asked_for_before_its_conditions_hold_is_refused(anonymous, admin, campaign, changes, unmet):
    token = anonymous.post("/widget/sessions", json={}).json()["token"]
    early = anonymous.post(f"/widget/campaigns/{campaign['id']}/shown", json=visit(token, **changes))
    assert early.status_code == 422, early.text
    error = early.json()["error"]
    assert error["code"] == "campaign_not_eligible" and error["details"] == {"unmet": unmet}
    assert counts(admin, campaign["id"]) == (0, 0)
    # Refused is not greeted: when the conditions hold, the visitor is greeted (once).
    on_time = anonymous.post(f"/widget/campaigns/{campaign['id']}/shown", json=visit(token))
    assert on_time.status_code == 200 and on_time.json()["show"] is True, on_time.text
    assert counts(admin, campaign["id"]) == (1, 0)


def test_a_paused_campaign_greets_no_one(anonymous, admin, campaign):
    body = {k: campaign[k] for k in ("name", "message", "agent_id", "conditions")}
    assert admin.request("PUT", f"/campaigns/{campaign['id']}", json={**body, "enabled": False}).status_code == 200
    token = anonymous.post("/widget/sessions", json={}).json()["token"]
    r = anonymous.post(f"/widget/campaigns/{campaign['id']}/shown", json=visit(token))
    assert r.status_code == 422 and r.json()["error"]["details"] == {"unmet": ["enabled"]}, r.text


def test_erasing_a_greeted_visitor_removes_their_greeting_and_answer(stack, anonymous, admin, campaign):
    import boto3

    from tests.e2e.chat_client import ChatClient

    session = anonymous.post("/widget/sessions", json={"name": "Gina Greeted"}).json()
    customer_id, cid = session["customer_id"], campaign["id"]
    assert anonymous.post(f"/widget/campaigns/{cid}/shown", json=visit(session["token"])).json()["show"] is True
    client = ChatClient(stack.gateway.url, visitor=session["token"])
    try:
        client.say("Which lamp for reading?", campaign_id=cid)  # answers the greeting
    finally:
        client.close()
    assert counts(admin, cid) == (1, 1)

    table = boto3.resource("dynamodb").Table(stack.table_name)
    marks = [{"pk": f"CAMPAIGN#{cid}", "sk": f"SHOWN#{customer_id}"}, {"pk": f"CAMPAIGN#{cid}", "sk": f"REPLIED#{customer_id}"}]
    assert all("Item" in table.get_item(Key=key, ConsistentRead=True) for key in marks)

    r = admin.post(f"/customers/{customer_id}/erase", json={"confirm": customer_id})
    assert r.status_code == 200, r.text
    assert r.json()["removed"]["campaign_greetings"] == 1
    assert [key for key in marks if "Item" in table.get_item(Key=key, ConsistentRead=True)] == []
    partition = table.query(KeyConditionExpression="pk = :pk", ExpressionAttributeValues={":pk": f"CUSTOMER#{customer_id}"},
                            ConsistentRead=True)["Items"]
    assert partition == []
    assert counts(admin, cid) == (1, 1)  # the counts are no one's: they stay

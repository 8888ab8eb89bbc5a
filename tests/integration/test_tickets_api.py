"""The ticket API over HTTP, as an agent (or a script) uses it."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest


def new_ticket(api, unique, **extra):
    body = {
        "subject": f"Order {unique} never arrived",
        "customer": {"email": f"Customer.{unique}@Example.com", "name": "Casey Customer"},
        "body": "I ordered a lamp two weeks ago and nothing came.",
    }
    body.update(extra)
    r = api.post("/tickets", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def test_open_a_ticket_and_read_it_back_by_id_and_number(agent, unique):
    created = new_ticket(agent, unique, tags=["Shipping", "shipping"], priority="high")
    assert created["number"] >= 1001
    assert created["status"] == "new" and created["priority"] == "high"
    assert created["tags"] == ["shipping"]
    assert created["customer"]["email"] == f"customer.{unique}@example.com"
    assert created["message_count"] == 1 and created["version"] == 1

    by_id = agent.get(f"/tickets/{created['id']}")
    assert by_id.status_code == 200 and by_id.json() == created
    assert by_id.headers["ETag"] == '"1"'
    for ref in (str(created["number"]), f"%23{created['number']}"):
        assert agent.get(f"/tickets/{ref}").json()["id"] == created["id"]

    messages = agent.get(f"/tickets/{created['id']}/messages").json()["items"]
    assert [(m["seq"], m["author_type"], m["body"]) for m in messages] == [
        (1, "customer", "I ordered a lamp two weeks ago and nothing came.")
    ]


def test_ticket_numbers_are_consecutive_and_unique_under_concurrency(agent, unique):
    with ThreadPoolExecutor(8) as pool:
        tickets = list(pool.map(lambda i: new_ticket(agent, f"{unique}-{i}"), range(16)))
    numbers = sorted(t["number"] for t in tickets)
    assert len(set(numbers)) == 16
    assert numbers[-1] - numbers[0] == 15


def test_one_customer_per_address_whatever_its_case(agent, unique):
    a = new_ticket(agent, unique)
    b = agent.post(
        "/tickets",
        json={"subject": "Again", "customer": {"email": f"CUSTOMER.{unique}@example.COM"}},
    ).json()
    assert a["customer"]["id"] == b["customer"]["id"]
    mine = agent.get("/tickets", params={"customer": a["customer"]["id"]}).json()["items"]
    assert [t["id"] for t in mine] == [b["id"], a["id"]]
    assert agent.get(f"/customers/{a['customer']['id']}").json()["email"] == f"customer.{unique}@example.com"


def test_replies_and_notes_in_order_with_status_rules(agent, agent_account, unique):
    t = new_ticket(agent, unique)
    path = f"/tickets/{t['id']}/messages"
    note = agent.post(path, json={"body": "Checking with the courier", "kind": "note"})
    assert note.status_code == 201
    assert note.json()["ticket"]["status"] == "new"  # a note alone does not open the ticket
    reply = agent.post(path, json={"body": "It is on its way, sorry!"})
    assert reply.json()["ticket"]["status"] == "open"
    assert reply.json()["message"]["author_id"] == agent_account["id"]
    solved = agent.post(path, json={"body": "Delivered today.", "status": "solved"})
    assert solved.json()["ticket"]["status"] == "solved"
    assert solved.json()["ticket"]["solved_at"] is not None

    items = agent.get(path).json()["items"]
    assert [(m["seq"], m["kind"]) for m in items] == [(1, "reply"), (2, "note"), (3, "reply"), (4, "reply")]
    after = agent.get(path, params={"after": "2", "limit": "1"}).json()
    assert [m["seq"] for m in after["items"]] == [3] and after["next_after"] == 3


def test_concurrent_messages_get_distinct_consecutive_sequence_numbers(agent, unique):
    t = new_ticket(agent, unique)
    with ThreadPoolExecutor(6) as pool:
        results = list(
            pool.map(
                lambda i: agent.post(f"/tickets/{t['id']}/messages", json={"body": f"note {i}", "kind": "note"}),
                range(12),
            )
        )
    assert all(r.status_code == 201 for r in results), [r.text for r in results if r.status_code != 201]
    seqs = [m["seq"] for m in agent.get(f"/tickets/{t['id']}/messages").json()["items"]]
    assert seqs == list(range(1, 14))


def patch(api, ticket, body, version=None):
    v = ticket["version"] if version is None else version
    return api.patch(f"/tickets/{ticket['id']}", json=body, headers={"If-Match": f'"{v}"'})


def test_status_moves_along_allowed_paths_and_refuses_the_rest(agent, unique):
    t = new_ticket(agent, unique)
    for status in ("open", "pending", "solved", "open", "solved", "closed"):
        r = patch(agent, t, {"status": status})
        assert r.status_code == 200, (status, r.text)
        t = r.json()
        assert t["status"] == status
    assert t["version"] == 7 and t["closed_at"] is not None
    refused = patch(agent, t, {"status": "open"})
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "ticket_closed"

    fresh = new_ticket(agent, unique + "b")
    bad = patch(agent, fresh, {"status": "closed"})
    assert bad.status_code == 422
    error = bad.json()["error"]
    assert error["code"] == "invalid_status_transition"
    assert error["details"] == {"from": "new", "to": "closed", "allowed": ["open", "pending", "solved"]}
    assert agent.get(f"/tickets/{fresh['id']}").json()["status"] == "new"


def test_two_agents_racing_one_edit_get_exactly_one_409(agent, admin, unique):
    t = new_ticket(agent, unique)
    barrier = threading.Barrier(2)

    def edit(api, priority):
        barrier.wait()
        return patch(api, t, {"priority": priority})

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(edit, (agent, admin), ("urgent", "low")))
    codes = sorted(r.status_code for r in results)
    assert codes == [200, 409]
    winner = next(r for r in results if r.status_code == 200).json()
    loser = next(r for r in results if r.status_code == 409).json()
    assert loser["error"]["code"] == "version_conflict"
    stored = agent.get(f"/tickets/{t['id']}").json()
    assert stored["priority"] == winner["priority"] and stored["version"] == 2


def test_a_stale_edit_is_refused_and_an_edit_needs_a_version(agent, unique):
    t = new_ticket(agent, unique)
    assert patch(agent, t, {"subject": "First edit"}).status_code == 200
    stale = patch(agent, t, {"subject": "Second edit from an old page"})
    assert stale.status_code == 409
    assert stale.json()["error"]["details"] == {"current_version": 2}
    assert agent.get(f"/tickets/{t['id']}").json()["subject"] == "First edit"
    unversioned = agent.patch(f"/tickets/{t['id']}", json={"subject": "x"})
    assert unversioned.status_code == 428
    body_version = agent.patch(f"/tickets/{t['id']}", json={"subject": "Third", "version": 2})
    assert body_version.status_code == 200 and body_version.headers["ETag"] == '"3"'


def test_messages_do_not_invalidate_an_agents_edit(agent, unique):
    t = new_ticket(agent, unique)
    agent.post(f"/tickets/{t['id']}/messages", json={"body": "internal", "kind": "note"})
    assert patch(agent, t, {"priority": "high"}).status_code == 200


def test_assign_to_agents_team_and_tags(agent, agent_account, unique):
    t = new_ticket(agent, unique)
    r = patch(agent, t, {"assignee_id": agent_account["id"], "team": "billing", "tags": ["refund", "VIP"]})
    assert r.status_code == 200
    t = r.json()
    assert (t["assignee_id"], t["team"], t["tags"], t["status"]) == (agent_account["id"], "billing", ["refund", "vip"], "open")
    unknown = patch(agent, t, {"assignee_id": "no-such-agent"})
    assert unknown.status_code == 422 and unknown.json()["error"]["code"] == "unknown_assignee"
    cleared = patch(agent, t, {"assignee_id": None, "team": None})
    assert cleared.json()["assignee_id"] is None and cleared.json()["team"] is None


def ids(response):
    assert response.status_code == 200, response.text
    return [t["id"] for t in response.json()["items"]]


def test_list_filters(agent, agent_account, unique):
    team = f"t{unique}"
    a = new_ticket(agent, unique + "a", team=team, priority="urgent", tags=["vip"])
    b = new_ticket(agent, unique + "b", team=team, assignee_id=agent_account["id"])
    c = new_ticket(agent, unique + "c", team=team, tags=["vip"], status="pending")
    assert ids(agent.get("/tickets", params={"team": team})) == [c["id"], b["id"], a["id"]]
    assert ids(agent.get("/tickets", params={"team": team, "priority": "urgent"})) == [a["id"]]
    assert ids(agent.get("/tickets", params={"team": team, "tag": "vip"})) == [c["id"], a["id"]]
    assert ids(agent.get("/tickets", params={"team": team, "status": "open"})) == [b["id"]]
    assert ids(agent.get("/tickets", params={"team": team, "assignee": "me"})) == [b["id"]]
    assert ids(agent.get("/tickets", params={"team": team, "assignee": "none"})) == [c["id"], a["id"]]
    # Without the team: every page of the listing (other tests' tickets, some at instants of
    # their own choosing, may come before these).
    assert b["id"] in {t["id"] for t in agent.every("/tickets", assignee=agent_account["id"], limit="100")}
    assert ids(agent.get("/tickets", params={"customer": a["customer"]["id"]})) == [a["id"]]
    assert c["id"] in {t["id"] for t in agent.every("/tickets", status="pending", limit="100")}


def test_activity_moves_a_ticket_to_the_top(agent, unique):
    team = f"t{unique}"
    old = new_ticket(agent, unique + "a", team=team)
    new = new_ticket(agent, unique + "b", team=team)
    assert ids(agent.get("/tickets", params={"team": team})) == [new["id"], old["id"]]
    agent.post(f"/tickets/{old['id']}/messages", json={"body": "bump"})
    assert ids(agent.get("/tickets", params={"team": team})) == [old["id"], new["id"]]


def test_page_through_tickets(agent, unique):
    """Every ticket once, newest activity first, in pages of the size asked for (63 tickets
    in pages of 25 walk the same cursors as 250 in pages of 100, in a quarter of the time)."""
    team = f"t{unique}"
    with ThreadPoolExecutor(8) as pool:
        created = list(pool.map(lambda i: new_ticket(agent, f"{unique}-{i}", team=team), range(63)))
    whole = agent.get("/tickets", params={"team": team, "limit": "100"}).json()
    assert len(whole["items"]) == 63 and whole["next_cursor"] is None
    seen, pages, cursor = [], [], None
    while True:
        params = {"team": team, "limit": "25"}
        if cursor:
            params["cursor"] = cursor
        body = agent.get("/tickets", params=params).json()
        pages.append(len(body["items"]))
        seen += body["items"]
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert sum(pages) == 63 and pages[:3] == [25, 25, 13]
    assert sorted(t["id"] for t in seen) == sorted(t["id"] for t in created)
    stamps = [t["last_activity_at"] for t in seen]
    assert stamps == sorted(stamps, reverse=True)


def test_a_filter_by_a_rare_tag_pages_without_reading_everything(agent, stack, unique, monkeypatch):
    """Residual filters read a bounded number of index pages per request and hand back a
    cursor, so a rare tag can never make one request read the whole index."""
    from chalicelib.adapters.dynamodb.repositories import DynamoTicketRepository as Repo

    # The app runs in this process: use small pages so that a few tickets exceed the budget.
    monkeypatch.setattr(Repo, "PAGE_SIZE", 5)
    monkeypatch.setattr(Repo, "MAX_PAGES_PER_LIST", 2)
    team = f"t{unique}"
    rare = new_ticket(agent, unique + "rare", team=team, tags=["rare"])
    budget = Repo.MAX_PAGES_PER_LIST * Repo.PAGE_SIZE
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda i: new_ticket(agent, f"{unique}-{i}", team=team), range(budget + 20)))
    pages, found, cursor = [], [], None
    while True:
        params = {"team": team, "tag": "rare", **({"cursor": cursor} if cursor else {})}
        body = agent.get("/tickets", params=params).json()
        pages.append(len(body["items"]))
        found += [t["id"] for t in body["items"]]
        cursor = body["next_cursor"]
        if not cursor:
            break
    # 31 tickets, 10 read per request: four requests, the first three empty but not final.
    assert found == [rare["id"]]
    assert pages == [0, 0, 0, 1]


def test_unknown_tickets_are_404(agent):
    for ref in ("tkt_doesnotexist", "999999", "not-a-ticket!", "x" * 200):
        r = agent.get(f"/tickets/{ref}")
        assert r.status_code == 404, ref
        assert r.json()["error"]["code"] == "ticket_not_found"
    assert agent.post("/tickets/tkt_nope/messages", json={"body": "hi"}).status_code == 404
    assert agent.patch("/tickets/tkt_nope", json={"subject": "x", "version": 1}).status_code == 404
    assert agent.get("/customers/cus_nope").status_code == 404


@pytest.mark.parametrize(
    "body,field",
    [
        ({"customer": {"email": "a@example.com"}}, "(body)"),
        ({"subject": "   ", "customer": {"email": "a@example.com"}}, "subject"),
        ({"subject": "x", "customer": {"email": "not-an-address"}}, "customer/email"),
        ({"subject": "x", "customer": {"email": "a@example.com"}, "priority": "asap"}, "priority"),
        ({"subject": "x", "customer": {"email": "a@example.com"}, "status": "closed"}, "status"),
        ({"subject": "x", "customer": {"email": "a@example.com"}, "colour": "red"}, "(body)"),
        ({"subject": "x", "customer": {"email": "a@example.com"}, "tags": "vip"}, "tags"),
        ({"subject": "x" * 251, "customer": {"email": "a@example.com"}}, "subject"),
        ({"subject": "x", "customer": {"email": "a@example.com"}, "team": "Has Spaces"}, "team"),
    ],
)
def test_bad_ticket_bodies_are_400_naming_the_field(agent, body, field):
    r = agent.post("/tickets", json=body)
    assert r.status_code == 400
    error = r.json()["error"]
    assert error["code"] == "validation_failed"
    assert field in [d["field"] for d in error["details"]]


@pytest.mark.parametrize(
    "raw,content_type,status,code",
    [
        (b"{not json", "application/json", 400, "invalid_json"),
        (b"", "application/json", 400, "body_required"),
        (b"[1, 2]", "application/json", 400, "validation_failed"),
        (b"\xff\xfe", "application/json", 400, "invalid_json"),
        (b"subject=x", "application/x-www-form-urlencoded", 415, "unsupported_media_type"),
        (b'{"subject": "' + b"x" * 300_000 + b'"}', "application/json", 413, "payload_too_large"),
    ],
)
def test_malformed_requests_get_a_clear_4xx(agent, raw, content_type, status, code):
    r = agent.post("/tickets", data=raw, headers={"Content-Type": content_type})
    assert r.status_code == status
    assert r.json()["error"]["code"] == code


@pytest.mark.parametrize(
    "params,code",
    [
        ({"status": "lost"}, "validation_failed"),
        ({"limit": "0"}, "validation_failed"),
        ({"limit": "1000"}, "validation_failed"),
        ({"sort": "asc"}, "unknown_parameter"),
        ({"cursor": "bm90LWEtY3Vyc29y"}, "invalid_cursor"),
        ({"cursor": "!!!"}, "validation_failed"),
    ],
)
def test_bad_list_queries_are_400(agent, params, code):
    r = agent.get("/tickets", params=params)
    assert r.status_code == 400
    assert r.json()["error"]["code"] == code


def test_a_cursor_from_one_listing_is_refused_by_another(agent, unique):
    team = f"t{unique}"
    for i in range(3):
        new_ticket(agent, f"{unique}{i}", team=team)
    cursor = agent.get("/tickets", params={"team": team, "limit": "1"}).json()["next_cursor"]
    assert cursor
    r = agent.get("/tickets", params={"status": "new", "cursor": cursor})
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_cursor"
    r = agent.get("/tickets", params={"team": "another-team", "cursor": cursor})
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_cursor"


def test_wrong_methods_and_paths_answer_in_the_error_shape(agent):
    r = agent.request("DELETE", "/tickets")
    assert r.status_code == 405 and r.json()["error"]["code"] == "method_not_allowed"
    r = agent.get("/no/such/path")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"

"""The audit log over HTTP: admins read a month of agents' actions, or everything about one
id (a ticket, a customer, an agent, a calendar) across months, newest first, a page at a
time; entries say who did what to which id, never the personal data involved."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from tests.desk_env import desk_clock, settle


def entries(admin, **params) -> list[dict]:
    """Every entry of a listing (one id's, or a month's), following the cursor to the end."""
    return admin.every("/audit", limit="100", **params)


def shown(log: list[dict]) -> list[tuple]:
    return [(e["actor"], e["action"], e["target"], e["details"]) for e in log]


def test_settings_and_team_changes_are_recorded_with_who_and_no_personal_data(admin, agent_account):
    me = admin.get("/agents/me").json()["id"]
    u = uuid.uuid4().hex[:8]
    email, name = f"new-{u}@tests.example", f"Nina New{u}"
    created = admin.post("/agents", json={"email": email, "name": name, "password": "Agent-tests-Passw0rd"}).json()
    calendar = f"team-audit{u}"
    hours = {"timezone": "Europe/Berlin", "hours": {"monday": ["09:00-17:00"]}}
    assert admin.request("PUT", f"/calendars/{calendar}", json=hours).status_code == 200
    assert admin.request("DELETE", f"/calendars/{calendar}").status_code == 204
    policies = {"policies": [{"id": f"p{u}", "targets": {"first_response": 30}, "business_hours": False}]}
    assert admin.request("PUT", "/sla/policies", json=policies).status_code == 200
    assert admin.request("PUT", "/sla/policies", json={"policies": []}).status_code == 200

    # The new agent's and the calendar's own histories, found by their ids.
    about_agent = entries(admin, target=created["id"])
    assert shown(about_agent) == [(me, "agent.created", {"type": "agent", "id": created["id"]}, {"role": "agent"})]
    about_calendar = entries(admin, target=calendar, order="oldest")
    assert shown(about_calendar) == [
        (me, "calendar.updated", {"type": "calendar", "id": calendar}, {}),
        (me, "calendar.deleted", {"type": "calendar", "id": calendar}, {}),
    ]
    # The SLA policies have no id: they are in the month's listing, read to its end (other
    # tests write to the same months, some at instants of their own choosing).
    months = {e["at"][:7] for e in about_agent + about_calendar} | {datetime.now(UTC).strftime("%Y-%m")}
    by_month = [e for month in sorted(months) for e in entries(admin, month=month, order="oldest")]
    sla = [e for e in by_month if e["actor"] == me and e["action"] == "sla_policies.updated"]
    ours = next(i for i, e in enumerate(sla) if e["details"] == {"policies": [f"p{u}"]})
    assert shown(sla[ours:ours + 2]) == [
        (me, "sla_policies.updated", {"type": "sla_policies", "id": None}, {"policies": [f"p{u}"]}),
        (me, "sla_policies.updated", {"type": "sla_policies", "id": None}, {"policies": []}),
    ]
    log = about_agent + about_calendar + by_month
    assert email not in str(log) and name not in str(log)


def test_ticket_work_is_recorded_by_whoever_did_it(agent, agent_account, admin):
    u = uuid.uuid4().hex[:8]
    opened = agent.post("/tickets", json={"subject": f"Secret subject {u}", "customer": {"email": f"a-{u}@x.example"}})
    ticket = opened.json()
    agent.post(f"/tickets/{ticket['id']}/messages", json={"body": f"Private words {u}", "status": "pending"})
    r = agent.patch(f"/tickets/{ticket['id']}", json={"subject": f"Other secret {u}", "tags": ["vip"]},
                    headers={"If-Match": agent.get(f"/tickets/{ticket['id']}").headers["ETag"]})
    assert r.status_code == 200, r.text
    settle()  # ticket work is recorded from the table's stream
    # Oldest first; the reply and the status change it made share an instant (ordered by action).
    log = sorted(entries(admin, target=ticket["id"], order="oldest"), key=lambda e: (e["at"], e["action"]))
    assert [(e["actor"], e["action"], e["target"]) for e in log] == [
        (agent_account["id"], "ticket.opened", {"type": "ticket", "id": ticket["id"]}),
        (agent_account["id"], "message.replied", {"type": "ticket", "id": ticket["id"]}),
        (agent_account["id"], "ticket.changed", {"type": "ticket", "id": ticket["id"]}),
        (agent_account["id"], "ticket.changed", {"type": "ticket", "id": ticket["id"]}),
    ]
    status_change, edit = log[2]["details"], log[3]["details"]
    # The reply also made the unassigned ticket its author's (one write, one entry).
    assert status_change == {"fields": ["assignee_id", "status"], "changes": {
        "assignee_id": [None, agent_account["id"]], "status": ["new", "pending"]}}
    assert edit == {"fields": ["subject", "tags"], "changes": {"tags": [[], ["vip"]]}}
    assert u not in str(log)
    newest_first = entries(admin, target=ticket["id"])  # unless asked
    assert [e["at"] for e in newest_first] == sorted((e["at"] for e in log), reverse=True)
    assert sorted(newest_first, key=lambda e: e["id"]) == sorted(log, key=lambda e: e["id"])


def test_one_tickets_history_spans_months_newest_first_a_page_at_a_time(admin, agent):
    u = uuid.uuid4().hex[:8]
    now = datetime.now(UTC)
    with desk_clock(now - timedelta(days=45)):  # opened in an earlier month than it is worked on
        ticket = agent.post("/tickets", json={"subject": f"Old one {u}", "customer": {"email": f"o-{u}@x.example"}}).json()
    agent.post(f"/tickets/{ticket['id']}/messages", json={"body": "Still on it", "kind": "note"})
    settle()  # ticket work is recorded from the table's stream

    first = admin.get("/audit", params={"target": ticket["id"], "limit": "1"})
    assert first.status_code == 200, first.text
    page = first.json()
    assert page["target"] == ticket["id"] and "month" not in page
    assert [e["action"] for e in page["items"]] == ["note.added"] and page["next_cursor"]
    second = admin.get("/audit", params={"target": ticket["id"], "limit": "1", "cursor": page["next_cursor"]}).json()
    assert [e["action"] for e in second["items"]] == ["ticket.opened"]
    assert second["items"][0]["at"][:7] != page["items"][0]["at"][:7]  # another month's partition
    assert [e["action"] for e in entries(admin, target=ticket["id"])] == ["note.added", "ticket.opened"]

    # A cursor belongs to its listing: not to another id's, nor to a month's.
    other = admin.get("/audit", params={"target": "tkt_other", "cursor": page["next_cursor"]})
    assert other.status_code == 400 and other.json()["error"]["code"] == "invalid_cursor"
    month = admin.get("/audit", params={"cursor": page["next_cursor"]})
    assert month.status_code == 400 and month.json()["error"]["code"] == "invalid_cursor"
    assert admin.get("/audit", params={"target": f"tkt_none{u}"}).json() == {
        "target": f"tkt_none{u}", "items": [], "next_cursor": None,
    }
    for bad in ({"target": "tkt_1", "month": "2026-01"}, {"target": "tkt 1"}, {"target": "x" * 65}):
        r = admin.get("/audit", params=bad)
        assert r.status_code == 400 and r.json()["error"]["code"] == "validation_failed", bad
    assert agent.get("/audit", params={"target": ticket["id"]}).status_code == 403


def test_the_log_pages_by_month_and_only_admins_read_it(admin, agent, anonymous):
    with desk_clock(datetime.now(UTC)) as clock:  # so that both entries are in the month read below
        for _ in range(2):
            clock[0] += timedelta(milliseconds=1)
            assert admin.request("PUT", "/sla/policies", json={"policies": []}).status_code == 200
    month = clock[0].strftime("%Y-%m")
    first = admin.get("/audit", params={"limit": "1", "month": month}).json()
    assert first["month"] == month and len(first["items"]) == 1 and first["next_cursor"]
    second = admin.get("/audit", params={"limit": "1", "month": month, "cursor": first["next_cursor"]}).json()
    assert second["items"][0]["at"] <= first["items"][0]["at"] and second["items"] != first["items"]
    oldest = admin.get("/audit", params={"limit": "1", "month": month, "order": "oldest"}).json()["items"][0]
    assert oldest["at"] <= second["items"][0]["at"] <= first["items"][0]["at"]  # equal under a set clock
    assert oldest != first["items"][0]
    assert admin.get("/audit", params={"month": "2001-01"}).json() == {"month": "2001-01", "items": [], "next_cursor": None}

    elsewhere = admin.get("/audit", params={"month": "2001-02", "cursor": first["next_cursor"]})
    assert elsewhere.status_code == 400 and elsewhere.json()["error"]["code"] == "invalid_cursor"
    for bad in ({"month": "2026-13"}, {"month": "26-01"}, {"order": "sideways"}, {"limit": "0"}):
        r = admin.get("/audit", params=bad)
        assert r.status_code == 400 and r.json()["error"]["code"] == "validation_failed", bad
    assert agent.get("/audit").status_code == 403
    assert anonymous.get("/audit").status_code == 401

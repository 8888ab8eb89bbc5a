"""The audit log over HTTP: admins read a month of agents' actions, newest first, a page at a
time; entries say who did what to which id, never the personal data involved."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from tests.desk_env import settle


def entries(admin, **params) -> list[dict]:
    r = admin.get("/audit", params={"limit": "100", **params})
    assert r.status_code == 200, r.text
    return r.json()["items"]


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

    log = entries(admin)  # newest first
    # Ours, oldest first, from the agent created above (other tests may have set the desk's
    # clock ahead, so entries of theirs can sort before ours).
    by_me = [(e["actor"], e["action"], e["target"], e["details"]) for e in log if e["actor"] == me][::-1]
    start = by_me.index((me, "agent.created", {"type": "agent", "id": created["id"]}, {"role": "agent"}))
    mine = by_me[start:start + 5]
    assert mine == [
        (me, "agent.created", {"type": "agent", "id": created["id"]}, {"role": "agent"}),
        (me, "calendar.updated", {"type": "calendar", "id": calendar}, {}),
        (me, "calendar.deleted", {"type": "calendar", "id": calendar}, {}),
        (me, "sla_policies.updated", {"type": "sla_policies", "id": None}, {"policies": [f"p{u}"]}),
        (me, "sla_policies.updated", {"type": "sla_policies", "id": None}, {"policies": []}),
    ]
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
    # Oldest first; the reply and the status change it made happened at the same instant.
    log = sorted((e for e in entries(admin) if (e["target"] or {}).get("id") == ticket["id"]),
                 key=lambda e: (e["at"], e["action"]))
    assert [(e["actor"], e["action"]) for e in log] == [
        (agent_account["id"], "ticket.opened"), (agent_account["id"], "message.replied"),
        (agent_account["id"], "ticket.changed"), (agent_account["id"], "ticket.changed"),
    ]
    status_change, edit = log[2]["details"], log[3]["details"]
    assert status_change == {"fields": ["status"], "changes": {"status": ["new", "pending"]}}
    assert edit == {"fields": ["subject", "tags"], "changes": {"tags": [[], ["vip"]]}}
    assert u not in str(log)


def test_the_log_pages_by_month_and_only_admins_read_it(admin, agent, anonymous):
    admin.request("PUT", "/sla/policies", json={"policies": []})
    admin.request("PUT", "/sla/policies", json={"policies": []})
    month = datetime.now(UTC).strftime("%Y-%m")
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

"""Merging two tickets of one customer, and changing several tickets at once, through the API
as the console uses it; a merged ticket's mail thread goes on in the ticket it went into."""

from __future__ import annotations

import uuid

from tests.desk_env import settle
from tests.e2e.test_mail import mail, messages_of, sent_to, tickets_of, wait_for


def open_ticket(api, email, subject, body):
    r = api.post("/tickets", json={"subject": subject, "body": body, "customer": {"email": email}})
    assert r.status_code == 201, r.text
    return r.json()


def test_merging_appends_the_messages_in_order_closes_the_source_and_is_audited(agent, admin, unique):
    email = f"merge.{unique}@example.com"
    target = open_ticket(agent, email, "Lamp flickers", "My lamp flickers.")
    source = open_ticket(agent, email, "Also: the lamp flickers", "Second mail about the lamp.")
    assert agent.post(f"/tickets/{source['id']}/messages", json={"body": "Asked for a photo", "kind": "note"}).status_code == 201
    assert agent.post(f"/tickets/{target['id']}/messages", json={"body": "Looking into it"}).status_code == 201

    r = agent.post(f"/tickets/{source['id']}/merge", json={"into": f"#{target['number']}"},
                   headers={"If-Match": '"1"'})
    assert r.status_code == 200, r.text
    merged = r.json()
    assert merged["copied"] == 2
    assert merged["source"]["status"] == "closed" and merged["source"]["merged_into"] == target["id"]
    assert merged["target"]["merged_into"] is None and merged["target"]["status"] != "closed"

    timeline = messages_of(agent, target["id"])
    assert [m["body"] for m in timeline] == [
        "My lamp flickers.", "Looking into it",
        f"Merged from #{source['number']} “Also: the lamp flickers”: its 2 messages follow, in their order.",
        "Second mail about the lamp.", "Asked for a photo",
    ]
    assert [m["seq"] for m in timeline] == [1, 2, 3, 4, 5]
    assert [m["kind"] for m in timeline[2:]] == ["note", "reply", "note"]
    assert agent.get(f"/tickets/{source['id']}").json()["merged_into"] == target["id"]

    settle()
    entries = admin.get("/audit", params={"target": source["id"]}).json()["items"]
    assert any(e["action"] == "ticket.merged" and e["details"]["into"] == target["id"] for e in entries)

    # merged once is enough; and the target cannot go into its merged source
    again = agent.post(f"/tickets/{source['id']}/merge", json={"into": target["id"]})
    assert again.status_code == 422 and again.json()["error"]["code"] == "already_merged"
    back = agent.post(f"/tickets/{target['id']}/merge", json={"into": source["id"]})
    assert back.status_code == 422 and back.json()["error"]["code"] == "already_merged"


def test_merging_is_refused_across_customers_into_itself_and_when_stale(agent, unique):
    a = open_ticket(agent, f"a.{unique}@example.com", "One", "one")
    b = open_ticket(agent, f"b.{unique}@example.com", "Two", "two")
    r = agent.post(f"/tickets/{a['id']}/merge", json={"into": b["id"]})
    assert r.status_code == 422 and r.json()["error"]["code"] == "different_customers"
    assert "different customers" in r.json()["error"]["message"]
    r = agent.post(f"/tickets/{a['id']}/merge", json={"into": str(a["number"])})
    assert r.status_code == 422 and r.json()["error"]["code"] == "same_ticket"
    c = open_ticket(agent, f"a.{unique}@example.com", "Three", "three")
    r = agent.post(f"/tickets/{a['id']}/merge", json={"into": c["id"], "version": 7})
    assert r.status_code == 409 and r.json()["error"]["code"] == "version_conflict"
    r = agent.post(f"/tickets/{a['id']}/merge", json={"into": c["id"]}, headers={"If-Match": "yesterday"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_if_match"
    for body in ({}, {"into": "nonsense!"}, {"into": c["id"], "extra": 1}):
        r = agent.post(f"/tickets/{a['id']}/merge", json=body)
        assert r.status_code == 400, (body, r.text)
    assert agent.post("/tickets/tkt_nothere/merge", json={"into": c["id"]}).status_code == 404
    # nothing happened to any of them
    assert [agent.get(f"/tickets/{t['id']}").json()["status"] for t in (a, b, c)] == ["new", "new", "new"]


def test_a_reply_to_the_merged_tickets_mail_lands_in_the_target(smtp, agent):
    customer = f"thread-{uuid.uuid4().hex[:6]}@customer.example"
    first = mail(customer, "Broken lamp", "The lamp arrived broken.")
    smtp(first)
    target = wait_for(lambda: tickets_of(agent, customer))[0]
    second = mail(customer, "Photo of the broken lamp", "Here is a photo.")
    smtp(second)
    source = wait_for(lambda: [t for t in tickets_of(agent, customer) if t["id"] != target["id"]])[0]
    acks = wait_for(lambda: len(sent_to(customer)) == 2 and sent_to(customer))
    source_ack = next(a for a in acks if a["In-Reply-To"] == second["Message-ID"])

    r = agent.post(f"/tickets/{source['id']}/merge", json={"into": target["id"]})
    assert r.status_code == 200, r.text
    reply = mail(customer, "Re: Photo of the broken lamp", "Any news about my lamp?",
                 In_Reply_To=f"<{source_ack.ses_id}@email.amazonses.com>",
                 References=f"{second['Message-ID']} <{source_ack.ses_id}@email.amazonses.com>")
    smtp(reply)
    wait_for(lambda: messages_of(agent, target["id"])[-1]["body"] == "Any news about my lamp?")
    signed = mail(customer, "lamp", "Sent to the old reply address.")
    del signed["To"]
    signed["To"] = source_ack["Reply-To"]
    smtp(signed, [source_ack["Reply-To"]])
    wait_for(lambda: messages_of(agent, target["id"])[-1]["body"] == "Sent to the old reply address.")
    assert len(tickets_of(agent, customer)) == 2  # no new ticket for either reply
    assert [m["body"] for m in messages_of(agent, source["id"])] == ["Here is a photo."]


def test_a_bulk_change_applies_to_each_ticket_on_its_own_and_says_what_failed(agent, agent_account, unique):
    email = f"bulk.{unique}@example.com"
    one, two, three = (open_ticket(agent, email, f"Bulk {i}", "text") for i in range(3))
    assert agent.patch(f"/tickets/{two['id']}", json={"tags": ["vip", "old"], "version": 1}).status_code == 200

    r = agent.patch("/tickets", json={
        "tickets": [{"id": one["id"], "version": 1}, {"id": f"#{two['number']}"},
                    {"id": three["id"], "version": 5}, {"id": "tkt_missing"}],
        "changes": {"status": "pending", "priority": "high", "assignee_id": agent_account["id"],
                    "add_tags": ["bulk"], "remove_tags": ["old"]},
    })
    assert r.status_code == 200, r.text
    result = r.json()
    assert (result["succeeded"], result["failed"]) == (2, 2)
    by_id = {x["id"]: x for x in result["results"]}
    assert by_id[one["id"]]["ok"] and by_id[f"#{two['number']}"]["ok"]
    assert by_id[three["id"]]["error"]["code"] == "version_conflict"
    assert by_id["tkt_missing"]["error"]["code"] == "ticket_not_found"
    for t, tags in ((one, ["bulk"]), (two, ["vip", "bulk"])):
        now = agent.get(f"/tickets/{t['id']}").json()
        assert (now["status"], now["priority"], now["assignee_id"], now["tags"]) == (
            "pending", "high", agent_account["id"], tags)
    assert agent.get(f"/tickets/{three['id']}").json()["status"] == "new"

    # a move the rules refuse fails for that ticket only
    r = agent.patch("/tickets", json={"tickets": [{"id": one["id"]}], "changes": {"status": "closed"}})
    assert r.json()["results"][0]["ok"] is False and r.json()["results"][0]["error"]["code"]

    for body in ({"tickets": [], "changes": {"status": "open"}},
                 {"tickets": [{"id": one["id"]}] * 51, "changes": {"status": "open"}},
                 {"tickets": [{"id": one["id"]}], "changes": {}},
                 {"tickets": [{"id": one["id"]}], "changes": {"status": "gone"}}):
        bad = agent.patch("/tickets", json=body)
        assert bad.status_code == 400 and bad.json()["error"]["code"], bad.text

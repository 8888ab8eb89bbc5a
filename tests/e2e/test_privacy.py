"""A customer's data on request, end to end: an admin exports everything about a customer
(mail with attachments and HTML, replies, notes, people copied, SLA clocks, their words on
someone else's ticket, a chat with a picture), erases them, and then nothing about them is
left in any item of the table, any index, or the bucket. Checked the blunt way, for the test
only: a full Scan of the table and of every index, and every object of the bucket, searched
for the customer's id, address, name and words. And closed tickets expire when retention is
on: TTL on every item the ticket reaches, its files tagged for the bucket's lifecycle rule."""

from __future__ import annotations

import copy
import json
import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests
import websocket

from chalicelib.domain.chat import user_hash
from chalicelib.domain.privacy import ERASED_BODY, RETENTION_TAG
from tests.desk_env import settle
from tests.e2e.chat_client import ChatClient
from tests.e2e.test_mail import mail, tickets_of, wait_for

SUPPORT = "support@desk.localhost"
PDF = b"%PDF-1.4\n% a receipt\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def ticket_from(agent: Any, address: str) -> dict:
    """The newest ticket of the customer with this address, once there is one."""
    return wait_for(lambda: next(iter(tickets_of(agent, address)), None))


def messages_of(agent: Any, ticket_id: str) -> list[dict]:
    return agent.get(f"/tickets/{ticket_id}/messages").json()["items"]


# ---------------------------------------------------------------- looking everywhere (tests only)


def table_hits(stack: Any, terms: list[str], *, indexes: bool = True) -> list[tuple[str, str, str, str]]:
    """(where, term, pk, sk) for every item of the table (and of each index) holding a term."""
    ddb = boto3.client("dynamodb")
    names = [i["IndexName"] for i in ddb.describe_table(TableName=stack.table_name)["Table"]["GlobalSecondaryIndexes"]]
    hits = []
    for index in [None, *(names if indexes else [])]:
        scan = {"TableName": stack.table_name, **({"IndexName": index} if index else {})}
        for page in ddb.get_paginator("scan").paginate(**scan):
            for item in page["Items"]:
                text = json.dumps(item, ensure_ascii=False).lower()
                hits += [(index or "table", t, item["pk"]["S"], item["sk"]["S"]) for t in terms if t.lower() in text]
    return hits


def bucket_hits(stack: Any, terms: list[str], since: datetime) -> list[tuple[str, str]]:
    """(key, term) for every object whose key holds a term, or whose content does (objects
    written since ``since``: older ones cannot hold this test's words)."""
    s3 = boto3.client("s3")
    hits = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=stack.bucket_name):
        for obj in page.get("Contents", []):
            text = obj["Key"].lower()
            if obj["LastModified"] >= since:
                body = s3.get_object(Bucket=stack.bucket_name, Key=obj["Key"])["Body"].read()
                text += "\n" + body.decode("utf-8", "replace").lower()
            hits += [(obj["Key"], t) for t in terms if t.lower() in text]
    return hits


@pytest.fixture
def since() -> datetime:
    return datetime.now(UTC).replace(microsecond=0) - timedelta(seconds=2)  # S3 keeps whole seconds


@pytest.fixture
def sla_policy(admin: Any) -> Iterator[None]:
    """Mail tickets get SLA clocks (so that the export has an SLA state to show)."""
    r = admin.request("PUT", "/sla/policies", json={"policies": [{
        "id": "mail", "channels": ["email"], "targets": {"first_response": 60, "resolution": 600},
        "business_hours": False,
    }]})
    assert r.status_code == 200, r.text
    yield
    assert admin.request("PUT", "/sla/policies", json={"policies": []}).status_code == 200


def bounce(address: str) -> None:
    """SES reports a permanent bounce for the address (through SNS, as in AWS)."""
    from chalice.local import LambdaContext

    import app as desk_app

    sample = json.loads((Path(__file__).resolve().parents[1] / "fixtures" / "aws-events" / "snsEvent.json").read_text())
    event = copy.deepcopy(sample)
    event["Records"][0]["Sns"]["Message"] = json.dumps({
        "notificationType": "Bounce",
        "bounce": {"bounceType": "Permanent", "bouncedRecipients": [{"emailAddress": address}]},
    })
    assert desk_app.mail_feedback(event, LambdaContext("mail_feedback", 512, 60_000)) == {"suppressed": 1}


# ---------------------------------------------------------------- a customer who wrote by mail


def test_a_mail_customer_exported_then_erased_leaves_no_trace(stack, smtp, agent, admin, sla_policy, since):
    u = uuid.uuid4().hex[:10]
    erin, name = f"erin-{u}@customer.example", f"Erin Ersatz{u}"
    olga, carl = f"olga-{u}@customer.example", f"carl-{u}@customer.example"
    words = {
        "first": f"My lamp {u} flickers at night",
        "reply": f"We will send a new bulb {u}",
        "note": f"Internal note on Erin {u}",
        "elsewhere": f"Erin adds {u} on the office order",
        "olga": f"Olga orders lamps {u}",
    }

    # Erin writes with HTML, a PDF, and her colleague Carl copied.
    first = mail(f"{name} <{erin}>", f"Lamp {u}", words["first"], Cc=carl)
    first.add_alternative(f"<p>{words['first']}</p>", subtype="html")
    first.add_attachment(PDF, maintype="application", subtype="pdf", filename=f"receipt-{u}.pdf")
    smtp(first, [SUPPORT, carl])
    ticket = ticket_from(agent, erin)
    customer_id = ticket["customer"]["id"]
    assert agent.post(f"/tickets/{ticket['id']}/messages", json={"body": words["reply"]}).status_code == 201
    assert agent.post(f"/tickets/{ticket['id']}/messages", json={"body": words["note"], "kind": "note"}).status_code == 201
    version = agent.get(f"/tickets/{ticket['id']}").headers["ETag"]
    edit = agent.patch(f"/tickets/{ticket['id']}", json={"priority": "high"}, headers={"If-Match": version})
    assert edit.status_code == 200, edit.text

    # Olga copies Erin on her own ticket, and Erin answers there by its tag.
    olga_mail = mail(olga, f"Office lamps {u}", words["olga"], Cc=erin)
    smtp(olga_mail, [SUPPORT, erin])
    olgas = ticket_from(agent, olga)
    smtp(mail(f"{name} <{erin}>", f"Re: Office lamps [#{olgas['number']}]", words["elsewhere"]))
    wait_for(lambda: len(messages_of(agent, olgas["id"])) == 2)
    bounce(erin)  # and later her mailbox is gone for good

    terms = [customer_id, erin, name, *words.values()]
    assert {t for _, t, _, _ in table_hits(stack, terms, indexes=False)} >= {customer_id, erin, name, *words.values()}
    assert {t for _, t in bucket_hits(stack, terms, since)} >= {erin, name, words["first"], words["elsewhere"]}

    # ---- export: only admins; everything about Erin, and nothing of Olga's
    assert agent.get(f"/customers/{customer_id}/export").status_code == 403
    r = admin.get(f"/customers/{customer_id}/export")
    assert r.status_code == 200, r.text
    assert r.headers["Content-Disposition"] == f'attachment; filename="customer-{customer_id}.json"'
    archive = r.json()
    assert archive["format"] == "desk.customer-export/1"
    assert (archive["customer"]["id"], archive["customer"]["email"], archive["customer"]["name"]) == (customer_id, erin, name)
    [exported] = archive["tickets"]
    assert (exported["id"], exported["subject"], exported["priority"]) == (ticket["id"], f"Lamp {u}", "high")
    assert exported["cc_emails"] == [carl]
    assert exported["sla"]["policy_id"] == "mail" and "first_response" in exported["sla"]["clocks"]
    bodies = [(m["kind"], m["author_type"], m["body"]) for m in exported["messages"]]
    assert bodies == [
        ("reply", "customer", words["first"]), ("reply", "agent", words["reply"]), ("note", "agent", words["note"]),
    ]
    original = exported["messages"][0]
    [pdf] = original["attachments"]
    assert pdf["filename"] == f"receipt-{u}.pdf" and "key" not in pdf
    assert requests.get(pdf["url"], timeout=10).content == PDF
    assert words["first"] in requests.get(original["original_url"], timeout=10).text
    assert words["first"] in requests.get(original["html_url"], timeout=10).text
    [elsewhere] = archive["messages_on_other_tickets"]
    assert elsewhere["ticket_id"] == olgas["id"]
    assert [m["body"] for m in elsewhere["messages"]] == [words["elsewhere"]]
    assert words["olga"] not in r.text and olga not in r.text
    assert archive["mail_suppression"]["reason"] == "Bounce"

    # ---- erase: only admins, only when confirmed
    assert agent.post(f"/customers/{customer_id}/erase", json={"confirm": customer_id}).status_code == 403
    wrong = admin.post(f"/customers/{customer_id}/erase", json={"confirm": "cus_someoneelse"})
    assert wrong.status_code == 422 and wrong.json()["error"]["code"] == "confirmation_mismatch"
    assert admin.get(f"/customers/{customer_id}").status_code == 200  # nothing happened
    r = admin.post(f"/customers/{customer_id}/erase", json={"confirm": customer_id, "reason": "customer_request"})
    assert r.status_code == 200, r.text
    erased = r.json()
    assert erased["customer_id"] == customer_id
    removed = erased["removed"]
    assert (removed["tickets"], removed["messages"], removed["messages_on_other_tickets"]) == (1, 3, 1)
    assert removed["files"] >= 4  # the PDF, the HTML, both original mails
    assert (removed["claims"], removed["mail_suppressions"], removed["customers"]) == (1, 1, 1)

    # ---- what a user sees now
    for path in (f"/customers/{customer_id}", f"/tickets/{ticket['id']}", f"/customers/{customer_id}/export"):
        gone = admin.get(path)
        assert gone.status_code == 404 and gone.json()["error"]["code"] in ("customer_not_found", "ticket_not_found")
    assert admin.post(f"/customers/{customer_id}/erase", json={"confirm": customer_id}).status_code == 404
    kept, placeholder = messages_of(agent, olgas["id"])
    assert kept["body"] == words["olga"]  # Olga's conversation stays, without Erin's words
    assert (placeholder["body"], placeholder["author_id"], placeholder["attachments"]) == (ERASED_BODY, None, [])
    assert placeholder["author_type"] == "customer" and "mail" not in placeholder

    # ---- and nowhere else: only the audit log names the customer (by id), nothing else of her;
    # Olga's ticket keeps her words, and her original mail without Erin's address in its Cc.
    hers = [customer_id, erin, name, words["first"], words["reply"], words["note"], words["elsewhere"], ticket["id"]]
    # The privacy request log, like the audit log, keeps the id of whom a request was about
    # (an id that leads nowhere now) so an admin can show the request was carried out.
    leftovers = table_hits(stack, hers)
    assert {(t, pk.split("#", 1)[0]) for _, t, pk, _ in leftovers} <= {
        (customer_id, "AUDIT"), (ticket["id"], "AUDIT"), (customer_id, "PRIVACY"),
    }
    assert_request_log_shows(admin, customer_id)
    assert bucket_hits(stack, hers, since) == []
    assert {t for _, t in bucket_hits(stack, [words["olga"], "erased@erased.invalid"], since)} == {
        words["olga"], "erased@erased.invalid",
    }
    assert removed["addresses_scrubbed_from_other_mail"] == 1

    # ---- the audit log: who exported and erased whom, with counts; never her data
    mine = admin.every("/audit", target=customer_id)
    assert [e["action"] for e in mine] == ["customer.erased", "customer.exported"]  # newest first
    assert mine[0]["details"]["removed"] == removed and mine[0]["details"]["reason"] == "customer_request"
    assert {e["actor"] for e in mine} == {admin_id(admin)}
    # Newest first; the first reply and the status change it made share an instant.
    on_ticket = sorted(admin.every("/audit", target=ticket["id"]), key=lambda e: (e["at"], e["action"]), reverse=True)
    assert [(e["action"], e["details"].get("fields")) for e in on_ticket] == [
        ("ticket.changed", ["priority"]), ("note.added", None),
        ("ticket.changed", ["assignee_id", "status"]), ("message.replied", None),  # the first reply opened it, hers now
    ]
    log = mine + on_ticket + admin.every("/audit", target=olgas["id"])
    assert not any(t.lower() in json.dumps(log).lower() for t in [erin, name, olga, *words.values()])


def assert_request_log_shows(admin: Any, customer_id: str) -> None:
    """Settings > Privacy lists this customer's export and erasure, both completed."""
    log = admin.get("/privacy/requests", params={"limit": 100})
    assert log.status_code == 200, log.text
    theirs = [(r["kind"], r["state"]) for r in log.json()["items"] if r["customer_id"] == customer_id]
    assert sorted(theirs) == [("erasure", "completed"), ("export", "completed")], theirs


def admin_id(admin: Any) -> str:
    return admin.get("/agents/me").json()["id"]


# ---------------------------------------------------------------- a chat visitor


def test_a_chat_visitor_exported_then_erased_is_disconnected_and_leaves_no_trace(stack, anonymous, admin, agent, since):
    u = uuid.uuid4().hex[:10]
    user, address, name = f"shop-user-{u}", f"vic-{u}@visitor.example", f"Vic Visitor{u}"
    words = [f"Is the blue lamp {u} in stock", f"Here is a photo {u}"]
    secret = os.environ["DESK_IDENTITY_SECRET"]
    session = anonymous.post("/widget/sessions", json={
        "user_id": user, "user_hash": user_hash(secret, user), "email": address, "name": name,
    })
    assert session.status_code == 201, session.text
    customer_id = session.json()["customer_id"]
    visitor = ChatClient(stack.gateway.url, visitor=session.json()["token"])
    other_tab = ChatClient(stack.gateway.url, visitor=session.json()["token"])  # connected, in no conversation
    conversation = visitor.say(words[0])["conversation_id"]
    visitor.send(action="upload", conversation_id=conversation, filename=f"lamp-{u}.png", content_type="image/png",
                 size=len(PNG))
    upload = visitor.wait_for("upload")
    assert requests.post(upload["url"], data=upload["fields"], files={"file": ("x.png", PNG, "image/png")},
                         timeout=10).status_code in (200, 204)
    visitor.say(words[1], conversation, attachments=[upload["key"]])
    agent.post(f"/tickets/{conversation}/messages", json={"body": "Yes, three left"})

    terms = [customer_id, user, address, name, *words]
    assert {t for _, t, _, _ in table_hits(stack, terms, indexes=False)} == set(terms)
    assert bucket_hits(stack, [customer_id], since)  # the picture, under the uploader's id

    archive = admin.get(f"/customers/{customer_id}/export").json()
    assert archive["customer"]["external_id"] == user
    [chat] = archive["tickets"]
    assert chat["channel"] == "chat" and [m["body"] for m in chat["messages"]] == [*words, "Yes, three left"]
    assert requests.get(chat["messages"][1]["attachments"][0]["url"], timeout=10).content == PNG

    r = admin.post(f"/customers/{customer_id}/erase", json={"confirm": customer_id})
    assert r.status_code == 200, r.text
    assert r.json()["removed"]["live_connections"] == 2 and r.json()["removed"]["chat_dedupe_records"] == 2

    for client in (visitor, other_tab):  # the gateway closed both of the visitor's connections
        with pytest.raises(websocket.WebSocketConnectionClosedException):
            for _ in range(50):
                client.ws.recv()
    leftovers = table_hits(stack, [*terms, conversation])
    assert {pk.split("#", 1)[0] for _, _, pk, _ in leftovers} <= {"AUDIT", "PRIVACY"}
    assert {t for _, t, _, _ in leftovers if t != customer_id} <= {conversation}
    assert {pk.split("#", 1)[0] for _, t, pk, _ in leftovers if t == conversation} <= {"AUDIT"}
    assert_request_log_shows(admin, customer_id)
    assert bucket_hits(stack, [*terms, conversation], since) == []
    # The token the browser still holds speaks for nobody now.
    again = anonymous.post("/widget/sessions", json={"token": session.json()["token"]})
    assert again.status_code == 404 and again.json()["error"]["code"] == "customer_not_found"


def test_a_visitor_being_erased_is_no_ones_to_find_and_an_erasure_cut_short_finishes(stack, anonymous, admin, agent):
    """From the moment an erasure begins, the visitor's widget cannot renew its session (nor
    so reconnect and open a conversation the erasure would miss); and an erasure that stopped
    there (a Lambda timeout) is finished by asking again."""
    from chalicelib.adapters.dynamodb.privacy import DynamoPrivacyStore

    visitor = anonymous.post("/widget/sessions", json={"name": "Vera"}).json()
    client = ChatClient(stack.gateway.url, visitor=visitor["token"])
    try:
        conversation = client.say("Forget me, please")["conversation_id"]
    finally:
        client.close()
    customer_id = visitor["customer_id"]
    DynamoPrivacyStore().begin_erasure(customer_id, datetime.now(UTC).isoformat())  # then stopped

    renewal = anonymous.post("/widget/sessions", json={"token": visitor["token"]})
    assert renewal.status_code == 404 and renewal.json()["error"]["code"] == "customer_not_found"
    assert admin.get(f"/customers/{customer_id}").status_code == 404

    r = admin.post(f"/customers/{customer_id}/erase", json={"confirm": customer_id, "reason": "customer_request"})
    assert r.status_code == 200, r.text
    assert r.json()["removed"]["tickets"] == 1 and r.json()["removed"]["customers"] == 1
    assert agent.get(f"/tickets/{conversation}").status_code == 404


def test_erasing_needs_a_well_formed_request(admin):
    bad_id = admin.get("/customers/not-an-id/export")
    assert bad_id.status_code == 404 and bad_id.json()["error"]["code"] == "customer_not_found"
    missing = admin.post("/customers/cus_0000000000/erase", json={"confirm": "cus_0000000000"})
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "customer_not_found"
    for body, field in (({}, "(body)"), ({"confirm": "x", "reason": "because"}, "reason"), ({"confirm": 5}, "confirm")):
        r = admin.post("/customers/cus_0000000000/erase", json=body)
        assert r.status_code == 400 and r.json()["error"]["code"] == "validation_failed", body
        assert field in {p["field"] for p in r.json()["error"]["details"]}


# ---------------------------------------------------------------- retention


@pytest.fixture
def retention_30_days() -> Iterator[int]:
    from chalicelib import bootstrap

    os.environ["DESK_RETENTION_DAYS"] = "30"
    bootstrap.reset()
    yield 30
    os.environ.pop("DESK_RETENTION_DAYS")
    bootstrap.reset()


def closed(agent: Any, ticket_id: str) -> dict:
    for status in ("solved", "closed"):
        version = agent.get(f"/tickets/{ticket_id}").headers["ETag"]
        r = agent.patch(f"/tickets/{ticket_id}", json={"status": status}, headers={"If-Match": version})
        assert r.status_code == 200, r.text
    settle()  # retention's expiry is set from the table's stream
    return r.json()


def partition(stack: Any, ticket_id: str) -> list[dict]:
    ddb = boto3.client("dynamodb")
    return ddb.query(
        TableName=stack.table_name, KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": f"TICKET#{ticket_id}"}},
    )["Items"]


def files_of(stack: Any, ticket_id: str) -> list[str]:
    s3 = boto3.client("s3")
    keys = []
    for prefix in (f"attachments/{ticket_id}/", f"mail/html/{ticket_id}/"):
        keys += [o["Key"] for o in s3.list_objects_v2(Bucket=stack.bucket_name, Prefix=prefix).get("Contents", [])]
    return keys


def test_without_retention_a_closed_ticket_is_kept(stack, smtp, agent):
    u = uuid.uuid4().hex[:8]
    smtp(mail(f"kept-{u}@customer.example", f"Kept {u}", "Please keep this."))
    ticket = ticket_from(agent, f"kept-{u}@customer.example")
    closed(agent, ticket["id"])
    assert all("expires_at" not in item for item in partition(stack, ticket["id"]))


def test_with_retention_a_closed_ticket_expires_with_its_messages_mail_records_and_files(
    stack, smtp, agent, retention_30_days,
):
    u = uuid.uuid4().hex[:8]
    address = f"old-{u}@customer.example"
    message = mail(address, f"Old order {u}", f"Where is order {u}?")
    message.add_alternative(f"<p>Where is order {u}?</p>", subtype="html")
    message.add_attachment(PDF, maintype="application", subtype="pdf", filename="order.pdf")
    smtp(message)
    ticket = ticket_from(agent, address)
    assert agent.post(f"/tickets/{ticket['id']}/messages", json={"body": "Sent today."}).status_code == 201
    [original] = [m for m in messages_of(agent, ticket["id"]) if m["author_type"] == "customer"]
    s3 = boto3.client("s3")
    raw_key = f"mail/inbound/{original['mail']['original_url'].split('/mail/inbound/', 1)[1].split('?', 1)[0]}"
    files = [*files_of(stack, ticket["id"]), raw_key]
    assert len(files) == 3  # the PDF, the HTML, the original
    assert all(s3.get_object_tagging(Bucket=stack.bucket_name, Key=k)["TagSet"] == [] for k in files)

    before_close = datetime.now(UTC).replace(microsecond=0)
    done = closed(agent, ticket["id"])
    due = int((datetime.strptime(done["closed_at"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC) + timedelta(days=30)).timestamp())
    items = partition(stack, ticket["id"])
    kinds = sorted(i["sk"]["S"].split("#", 1)[0] or "#" for i in items if "expires_at" in i)
    assert kinds == ["#", "MSG", "MSG"]  # the ticket and both messages
    assert {int(i["expires_at"]["N"]) for i in items if "expires_at" in i} == {due}
    ddb = boto3.client("dynamodb")
    refs = ddb.get_item(TableName=stack.table_name, Key={"pk": {"S": f"TICKET#{ticket['id']}"}, "sk": {"S": "#TICKET"}})
    ref_keys = refs["Item"]["mailref_keys"]["SS"]
    assert len(ref_keys) >= 3  # the delivery, the customer's Message-ID, our acknowledgement's ids
    for ref in ref_keys:
        item = ddb.get_item(TableName=stack.table_name, Key={"pk": {"S": f"MAILREF#{ref}"}, "sk": {"S": "#MAILREF"}})["Item"]
        assert int(item["expires_at"]["N"]) == due, ref

    key, value = RETENTION_TAG
    for k in files:  # tagged, and their age counts from the closing
        assert s3.get_object_tagging(Bucket=stack.bucket_name, Key=k)["TagSet"] == [{"Key": key, "Value": value}]
        assert s3.head_object(Bucket=stack.bucket_name, Key=k)["LastModified"] >= before_close
    assert requests.get(messages_of(agent, ticket["id"])[0]["attachments"][0]["url"], timeout=10).content == PDF
    rules = s3.get_bucket_lifecycle_configuration(Bucket=stack.bucket_name)["Rules"]
    assert [r["ID"] for r in rules if r["Filter"].get("Tag") == {"Key": key, "Value": value}] == ["expire-closed-tickets-files"]

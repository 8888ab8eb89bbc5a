"""The event backbone through the running stack: reactions run from the table's stream (read
by the local poller as Lambda's event source mapping reads it), failures are retried, then
parked in the dead-letter queue where an admin replays them; a batch delivered again does
nothing twice."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import boto3

from tests.desk_env import settle
from tests.e2e.test_mail import mail, sent_to, tickets_of, wait_for

MAIL_DOMAIN = "desk.localhost"


class Receiver:
    """A business's webhook endpoint on loopback: answers ``statuses`` in turn (then 204)."""

    def __init__(self) -> None:
        self.statuses: list[int] = []
        self.calls: list[dict[str, Any]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                status = receiver.statuses.pop(0) if receiver.statuses else 204
                receiver.calls.append({"body": body, "status": status, "delivery": self.headers["X-Desk-Delivery"]})
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def delivered(self) -> list[dict[str, Any]]:
        return [c for c in self.calls if 200 <= c["status"] < 300]


@contextmanager
def breach_webhook(admin: Any) -> Iterator[Receiver]:
    """A policy whose breach raises the priority, mails the agents and calls the receiver."""
    receiver = Receiver()
    policy = {
        "id": f"hook{uuid.uuid4().hex[:6]}", "priorities": ["high"], "targets": {"first_response": 30},
        "business_hours": False,
        "on_breach": [{"action": "raise_priority"}, {"action": "notify"}, {"action": "webhook", "value": receiver.url}],
    }
    assert admin.request("PUT", "/sla/policies", json={"policies": [policy]}).status_code == 200
    try:
        yield receiver
    finally:
        admin.request("PUT", "/sla/policies", json={"policies": []})
        receiver.server.shutdown()


def breach(agent: Any, clock: Any) -> dict[str, Any]:
    """A high-priority ticket whose first response is 31 minutes late at the next tick."""
    from datetime import timedelta

    from chalicelib import bootstrap

    ticket = agent.post("/tickets", json={
        "subject": "Site down", "customer": {"email": f"b-{uuid.uuid4().hex[:6]}@customer.example"},
        "priority": "high",
    }).json()
    settle()  # its clocks start from the stream
    report = bootstrap.container().sla.tick(clock.at + timedelta(minutes=31))
    assert [e["level"] for e in report.escalations if e["ticket_id"] == ticket["id"]] == ["warning", "breach"]
    settle()  # the escalations' reactions
    return ticket


def failed_items(admin: Any) -> list[dict[str, Any]]:
    r = admin.get("/events/failed", params={"limit": "100"})
    assert r.status_code == 200, r.text
    return r.json()["items"]


def dead_letter_bodies(stack: Any) -> list[dict[str, Any]]:
    sqs = boto3.client("sqs")
    url = stack.provisioned.dead_letter_queue_url
    found = []
    for _ in range(5):
        batch = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=0).get("Messages", [])
        found += [json.loads(m["Body"]) for m in batch]
        if len(batch) < 10:
            break
    return found


def test_a_webhook_that_fails_twice_is_retried_and_called_once_more_only(admin, agent, clock):
    with breach_webhook(admin) as receiver:
        receiver.statuses = [503, 500]
        ticket = breach(agent, clock)
    assert [c["status"] for c in receiver.calls] == [503, 500, 204]
    assert {c["delivery"] for c in receiver.calls} == {receiver.calls[0]["delivery"]}  # the same event each time
    [done] = receiver.delivered()
    assert done["body"]["event"] == "sla.breach" and done["body"]["ticket"]["id"] == ticket["id"]
    assert not [f for f in failed_items(admin) if f["event"]["ticket_id"] == ticket["id"]]
    assert agent.get(f"/tickets/{ticket['id']}").json()["priority"] == "urgent"  # raised once: high -> urgent


def test_a_webhook_that_always_fails_is_parked_listed_and_replayed_when_it_can_succeed(admin, agent, clock, stack):
    with breach_webhook(admin) as receiver:
        receiver.statuses = [500] * 50
        ticket = breach(agent, clock)
        assert len(receiver.calls) == 3 and not receiver.delivered()  # three attempts, then parked

        [failure] = [f for f in failed_items(admin) if f["event"]["ticket_id"] == ticket["id"]]
        assert failure["reaction"] == "sla.webhook" and failure["attempts"] == 3
        assert failure["error"] == "WebhookError: the webhook answered 500"
        assert failure["event"]["event"] == "sla.escalated" and failure["event"]["level"] == "breach"
        # The dead-letter queue holds it too, with the event and the error.
        [queued] = [b for b in dead_letter_bodies(stack) if b.get("failure_id") == failure["id"]]
        assert queued["reaction"] == "sla.webhook" and queued["event"]["ticket_id"] == ticket["id"]
        assert queued["error"] == failure["error"]

        # Only admins see and replay them.
        assert agent.get("/events/failed").status_code == 403
        assert agent.post(f"/events/failed/{failure['id']}/replay").status_code == 403

        again = admin.post(f"/events/failed/{failure['id']}/replay")  # still down: it stays
        assert again.status_code == 409 and again.json()["error"]["code"] == "still_failing"
        assert again.json()["error"]["details"]["error"] == "WebhookError: the webhook answered 500"

        receiver.statuses = []  # the receiver is back
        replayed = admin.post(f"/events/failed/{failure['id']}/replay")
        assert replayed.status_code == 200, replayed.text
        assert replayed.json()["replayed"] is True and replayed.json()["failure"]["id"] == failure["id"]
        [done] = receiver.delivered()
        assert done["body"]["ticket"]["id"] == ticket["id"]
        assert not [f for f in failed_items(admin) if f["id"] == failure["id"]]
        assert not [b for b in dead_letter_bodies(stack) if b.get("failure_id") == failure["id"]]
        assert admin.post(f"/events/failed/{failure['id']}/replay").status_code == 404
    settle()
    # Both replays are in the audit log (at the same instant under the test's clock).
    replays = admin.every("/audit", target=failure["id"])
    assert sorted(e["details"]["succeeded"] for e in replays) == [False, True]
    assert {e["action"] for e in replays} == {"event.replayed"}


def test_a_batch_delivered_again_sends_no_second_mail_webhook_or_escalation(admin, agent, clock, stack, smtp):
    customer = f"again-{uuid.uuid4().hex[:6]}@customer.example"
    smtp(mail(customer, "Broken lamp", "It flickers."))
    [ticket] = tickets_of(agent, customer)
    reply = agent.post(f"/tickets/{ticket['id']}/messages", json={"body": "A new one is on its way."})
    assert reply.status_code == 201
    with breach_webhook(admin) as receiver:
        escalated = breach(agent, clock)
        mine = {f"TICKET#{ticket['id']}", f"TICKET#{escalated['id']}"}
        batches = [
            {"Records": [r for r in batch["Records"] if r["dynamodb"]["Keys"]["pk"]["S"] in mine]}
            for batch in stack.streams.delivered
        ]
        batches = [b for b in batches if b["Records"]]
        assert len(batches) >= 3
        before = (len(sent_to(customer)), len(receiver.calls), agent.get(f"/tickets/{escalated['id']}").json())
        for batch in batches:  # Lambda may deliver any of them again
            assert stack.streams.deliver_again(batch) == {"batchItemFailures": []}
        settle()
        after = (len(sent_to(customer)), len(receiver.calls), agent.get(f"/tickets/{escalated['id']}").json())
    assert before[0] == 2  # the acknowledgement and the reply
    assert after[:2] == before[:2]
    assert after[2]["priority"] == before[2]["priority"] == "urgent" and after[2]["version"] == before[2]["version"]
    sla_changes = [e for e in admin.every("/audit", target=escalated["id"]) if e["actor"] == "sla"]
    assert len(sla_changes) == 1


@contextmanager
def ses_refusing() -> Iterator[Any]:
    """SES refuses to send (the desk's domain is not verified) until ``allow()`` or the end."""
    ses = boto3.client("ses")
    settle()  # what was left to send goes first

    def allow() -> None:
        ses.verify_domain_identity(Domain=MAIL_DOMAIN)

    ses.delete_identity(Identity=MAIL_DOMAIN)
    try:
        yield allow
    finally:
        allow()


def test_a_reply_ses_refuses_shows_as_not_sent_then_sent_when_a_retry_succeeds(agent, smtp, stack):
    customer = f"refused-{uuid.uuid4().hex[:6]}@customer.example"
    smtp(mail(customer, "Invoice", "A copy, please."))
    [ticket] = tickets_of(agent, customer)
    stack.streams.retry_seconds = 2.0  # time to look at it between attempts
    try:
        with ses_refusing() as allow:
            r = agent.post(f"/tickets/{ticket['id']}/messages", json={"body": "Here is your invoice."})
            seq = r.json()["message"]["seq"]
            assert r.json()["message"]["delivery"] == {"state": "pending", "error": None}

            def delivery() -> dict[str, Any]:
                return agent.get(f"/tickets/{ticket['id']}/messages").json()["items"][seq - 1]["delivery"]

            waiting = wait_for(lambda: delivery()["state"] == "retrying" and delivery())
            assert waiting["error"].startswith("MessageRejected")
            allow()  # the domain is verified again: the next attempt goes through
            wait_for(lambda: delivery()["state"] == "sent", timeout=15)
    finally:
        stack.streams.retry_seconds = 0.05
    replies = [m for m in sent_to(customer) if "Here is your invoice." in m.get_body(("plain",)).get_content()]
    assert len(replies) == 1


def test_a_reply_never_sent_is_failed_in_the_console_and_an_admin_sends_it(admin, agent, smtp, stack):
    customer = f"parked-{uuid.uuid4().hex[:6]}@customer.example"
    smtp(mail(customer, "Refund", "Where is my refund?"))
    [ticket] = tickets_of(agent, customer)
    with ses_refusing():
        seq = agent.post(f"/tickets/{ticket['id']}/messages", json={"body": "Refunded today."}).json()["message"]["seq"]
        settle()
        message = agent.get(f"/tickets/{ticket['id']}/messages").json()["items"][seq - 1]
        assert message["delivery"]["state"] == "failed" and message["delivery"]["error"].startswith("MessageRejected")
        [failure] = [f for f in failed_items(admin) if f["event"]["ticket_id"] == ticket["id"]]
        assert failure["reaction"] == "mail.send_reply" and failure["event"]["seq"] == seq
    assert admin.post(f"/events/failed/{failure['id']}/replay").status_code == 200
    message = agent.get(f"/tickets/{ticket['id']}/messages").json()["items"][seq - 1]
    assert message["delivery"] == {"state": "sent", "error": None}
    assert len([m for m in sent_to(customer) if "Refunded today." in m.get_body(("plain",)).get_content()]) == 1


def test_a_batch_the_function_keeps_failing_goes_to_the_on_failure_destination(stack):
    """Lambda's own bound, under the reactions' (which park themselves first): when the
    function itself keeps failing, the batch is described on the dead-letter queue and the
    shard moves on."""
    import time

    from local.streams import StreamPoller

    ddb = boto3.client("dynamodb")
    table = f"probe-{uuid.uuid4().hex[:8]}"
    ddb.create_table(
        TableName=table, BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )
    calls = []

    def broken(event: dict[str, Any], context: Any) -> Any:
        calls.append(event)
        raise RuntimeError("the function is broken")

    sent: list[dict[str, Any]] = []
    poller = StreamPoller(
        endpoint=stack.aws.endpoint, region="us-east-1", table_name=table, handler=broken,
        on_failure=sent.append, retry_seconds=0.01, max_retries=2, poll_seconds=0.01,
        record_filter=lambda record: True,
    )
    try:
        for n in range(2):
            ddb.put_item(TableName=table, Item={"pk": {"S": f"item-{n}"}})
        poller.start()
        deadline = time.monotonic() + 10
        while not sent and time.monotonic() < deadline:
            time.sleep(0.01)
        ddb.put_item(TableName=table, Item={"pk": {"S": "after"}})
        deadline = time.monotonic() + 10
        while len(sent) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        poller.stop()
        ddb.delete_table(TableName=table)
    assert len(calls) == 6  # per batch: the first attempt and two retries
    first = sent[0]
    info = first["DDBStreamBatchInfo"]
    assert first["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert info["streamArn"] == poller.stream_arn and info["batchSize"] == 2
    assert int(info["endSequenceNumber"]) == int(info["startSequenceNumber"]) + 1
    # It moved on: the next record came in a batch of its own.
    assert sent[1]["DDBStreamBatchInfo"]["batchSize"] == 1

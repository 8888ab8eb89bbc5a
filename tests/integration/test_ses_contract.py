"""Contract: the inbound mail function takes SES's real Lambda-action event (the sample in
``tests/fixtures/aws-events``), reads the raw message SES stored in S3, and honours verdicts."""

from __future__ import annotations

import copy
import json
import uuid
from email.message import EmailMessage
from pathlib import Path

from chalice.local import LambdaContext

import app as desk_app

SAMPLE = json.loads((Path(__file__).resolve().parents[1] / "fixtures" / "aws-events" / "sesEvent.json").read_text())


def _event(message_id: str, spam: str = "PASS", virus: str = "PASS") -> dict:
    event = copy.deepcopy(SAMPLE)
    record = event["Records"][0]["ses"]
    record["mail"]["messageId"] = message_id
    record["receipt"]["spamVerdict"]["status"] = spam
    record["receipt"]["virusVerdict"]["status"] = virus
    return event


def _store(stack, message_id: str, sender: str) -> None:
    from chalicelib import bootstrap

    raw = EmailMessage()
    raw["From"], raw["To"], raw["Subject"] = sender, "support@desk.localhost", "From SES"
    raw["Message-ID"] = f"<{uuid.uuid4().hex}@customer.example>"
    raw.set_content("Hello from SES.")
    bootstrap.container().files.put_bytes(f"mail/inbound/{message_id}", raw.as_bytes(), "message/rfc822")


def test_the_sample_event_is_ingested_once(stack, agent):
    message_id = uuid.uuid4().hex
    sender = f"ses-{message_id[:6]}@customer.example"
    _store(stack, message_id, sender)
    context = LambdaContext("mail_inbound", 512, 60_000)
    [first] = desk_app.mail_inbound(_event(message_id), context)["results"]
    assert (first["messageId"], first["outcome"], first["reason"]) == (message_id, "ticketed", None)
    ticket = agent.get(f"/tickets/{first['ticket_id']}").json()
    assert ticket["customer"]["email"] == sender and ticket["subject"] == "From SES"
    again = desk_app.mail_inbound(_event(message_id), context)  # SES retries an Event invocation
    assert again["results"][0]["outcome"] == "duplicate"


def test_a_failed_virus_or_spam_verdict_is_quarantined_not_ticketed(stack):
    from chalicelib import bootstrap

    for spam, virus in (("FAIL", "PASS"), ("PASS", "FAIL")):
        message_id = uuid.uuid4().hex
        _store(stack, message_id, f"bad-{message_id[:6]}@customer.example")
        result = desk_app.mail_inbound(_event(message_id, spam, virus), LambdaContext("mail_inbound", 512, 60_000))
        assert result["results"][0]["outcome"] == "quarantined"
        files = bootstrap.container().files
        assert files.get_bytes(f"mail/quarantine/{message_id}").startswith(b"From:")

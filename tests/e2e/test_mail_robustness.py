"""Mail that is long, broken or odd, through the local SMTP inbound (SES's part): each is
accepted (SMTP 250, never a 451 that makes the sender retry for days), and an agent sees one
ticket with the mail's text through the REST API."""

from __future__ import annotations

import smtplib
import uuid
from email.message import EmailMessage
from email.utils import make_msgid

import boto3
import pytest

from chalicelib.domain import storage
from tests.e2e.test_mail import SUPPORT, messages_of, tickets_of


def long_mail(customer: str, size: int) -> tuple[EmailMessage, str]:
    line = "The lamp flickers when it is cold, and the shop said it would be replaced.\n"
    text = "".join(f"{n:06d} {line}" for n in range(size // (len(line) + 7)))
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = customer, SUPPORT, "A long story"
    message["Message-ID"] = make_msgid(domain="customer.example")
    message.set_content(text)
    return message, text.strip()


def raw_send(stack, customer: str, raw: bytes) -> None:
    with smtplib.SMTP(stack.settings.host, stack.settings.smtp_port, timeout=120) as client:
        client.sendmail(customer, [SUPPORT], raw)  # raises on anything but 250


def test_a_450_kb_mail_is_one_ticket_with_its_start_and_its_whole_text(smtp, agent):
    customer = f"long-{uuid.uuid4().hex[:6]}@customer.example"
    message, text = long_mail(customer, 450 * 1024)
    smtp(message)
    smtp(message)  # delivered again: still one ticket
    [ticket] = tickets_of(agent, customer)
    [shown] = messages_of(agent, ticket["id"])
    assert shown["body"].startswith("000000 The lamp flickers") and text.startswith(shown["body"])
    assert 30_000 < len(shown["body"]) < len(text)
    assert shown["mail"]["body_truncated"] is True
    whole = agent.get(f"/tickets/{ticket['id']}/messages/1/text")
    assert whole.status_code == 200, whole.text
    assert whole.json() == {"text": text, "body_truncated": True}


def test_a_3_mb_mail_is_ingested(smtp, agent, stack):
    """(How long it takes, against its size, is bench/mail_size.py's to measure.)"""
    customer = f"huge-{uuid.uuid4().hex[:6]}@customer.example"
    message, text = long_mail(customer, 3 * 1024 * 1024)
    smtp(message)
    [ticket] = tickets_of(agent, customer)
    [shown] = messages_of(agent, ticket["id"])
    assert shown["mail"]["body_truncated"] is True
    assert agent.get(f"/tickets/{ticket['id']}/messages/1/text").json()["text"] == text

    # Its whole text gone from the bucket (a lifecycle rule, a hand in the console): a 404 that
    # says so, not a 500; the excerpt is still the message's body.
    s3 = boto3.client("s3")
    listed = s3.list_objects_v2(Bucket=stack.bucket_name, Prefix=f"{storage.MAIL_TEXT_PREFIX}{ticket['id']}/")
    [stored] = [o["Key"] for o in listed.get("Contents", [])]
    s3.delete_object(Bucket=stack.bucket_name, Key=stored)
    gone = agent.get(f"/tickets/{ticket['id']}/messages/1/text")
    assert gone.status_code == 404 and gone.json()["error"]["code"] == "text_not_found"
    assert messages_of(agent, ticket["id"])[0]["body"] == shown["body"]


HEAD = ("From: {customer}\r\nTo: " + SUPPORT + "\r\nSubject: Cheese\r\nMessage-ID: <{unique}@customer.example>\r\n"
        "MIME-Version: 1.0\r\n")
PART = b"Content-Type: text/plain; charset=utf-8\r\n\r\nMy order of cheese never came.\r\n"
BROKEN = {
    "boundary that does not match": b'Content-Type: multipart/mixed; boundary="declared"\r\n\r\n--used\r\n'
    + PART + b"--used--\r\n",
    "no boundary": b"Content-Type: multipart/mixed\r\n\r\n--used\r\n" + PART + b"--used--\r\n",
    "multipart with no parts": b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
    b"My order of cheese never came.\r\n--b--\r\n",
    "msg_17": b'Content-Type: multipart/mixed; boundary="BOUNDARY"\r\n\r\nMy order of cheese never came.\r\n\r\n'
    b"[Non-text (image/gif) part of message omitted, filename dingusfish.gif]\r\n",
}


def _nested(depth: int) -> bytes:
    body = b"Content-Type: text/plain\r\n\r\nMy order of cheese never came.\r\n"
    for level in range(depth):
        boundary = b"b%d" % level
        body = (b'Content-Type: multipart/mixed; boundary="' + boundary + b'"\r\n\r\n--' + boundary + b"\r\n"
                + body + b"\r\n--" + boundary + b"--\r\n")
    return body


BROKEN["nested 1,500 deep"] = _nested(1500)


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_mime_is_a_ticket_with_the_text_a_mail_client_shows(stack, agent, name):
    customer = f"broken-{uuid.uuid4().hex[:6]}@customer.example"
    raw = HEAD.format(customer=customer, unique=uuid.uuid4().hex).encode() + BROKEN[name]
    raw_send(stack, customer, raw)
    [ticket] = tickets_of(agent, customer)
    [shown] = messages_of(agent, ticket["id"])
    assert shown["body"].startswith("My order of cheese never came."), shown["body"]
    assert shown["attachments"] == []


def test_undeclared_latin1_reads_as_latin1(stack, agent):
    customer = f"kaese-{uuid.uuid4().hex[:6]}@customer.example"
    raw = (HEAD.format(customer=customer, unique=uuid.uuid4().hex).encode()
           + b"Content-Type: text/plain\r\nContent-Transfer-Encoding: 8bit\r\n\r\nK\xe4se, bitte.\r\n")
    raw_send(stack, customer, raw)
    [ticket] = tickets_of(agent, customer)
    assert [m["body"] for m in messages_of(agent, ticket["id"])] == ["Käse, bitte."]


# A few of the mutated corpus's cases (tests/unit/test_mail_mutations.py) through SMTP.
MUTATED = [
    ("replies/talon__gmail.eml", "alter boundaries"),
    ("mime/djhelpdesk__quoted_printable.eml", "nest deeper"),  # (talon__outlook has lines over SMTP's 1,000)
    ("mime/rubymail__raw_email_with_nested_attachment.eml", "drop boundaries"),
    ("replies/talon__apple_mail.eml", "stray 8-bit bytes"),
    ("mime/djhelpdesk__quoted_printable.eml", "duplicate headers"),
    ("mime/rubymail__japanese_shift_jis.eml", "truncate"),
]


@pytest.mark.parametrize(("seed", "mutation_name"), MUTATED)
def test_mutated_mail_through_smtp_is_a_ticket(stack, agent, seed, mutation_name):
    import random

    from tests.unit.test_mail_mutations import MUTATIONS, mutated

    mutation = next(m for m in MUTATIONS if m.name == mutation_name)
    case_seed = random.Random(f"{seed}:{mutation_name}").randrange(2**32)
    raw = mutated(seed, mutation, case_seed)
    customer = f"case-{case_seed}@customer.example"
    raw_send(stack, customer, raw)
    [ticket] = tickets_of(agent, customer)
    [shown] = messages_of(agent, ticket["id"])
    assert shown["author_type"] == "customer" and shown["seq"] == 1
    if mutation.keeps_text:
        assert shown["body"].strip()

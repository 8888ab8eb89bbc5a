"""MailService over the in-memory fakes with mail that is long, has many files, or is
delivered again after a failure: nothing is half-stored, and nothing is stored twice."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import make_msgid

import pytest

from chalicelib.domain.storage import ATTACHMENTS_PREFIX
from chalicelib.domain.tickets import TicketFilter
from chalicelib.services import mail as mail_service
from tests.unit.fakes import Desk

ANN = "ann@customer.example"


@pytest.fixture
def desk() -> Desk:
    return Desk()


def mail(body: str, subject: str = "The lamp") -> EmailMessage:
    message = EmailMessage()
    message["From"] = f"Ann <{ANN}>"
    message["To"] = Desk.SUPPORT
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="customer.example")
    message.set_content(body)
    return message


def tickets_of(desk: Desk, address: str) -> list[str]:
    customer = desk.customers.by_email(address)
    return [t.id for t in desk.tickets.list(TicketFilter(customer_id=customer.id), limit=100, cursor=None).items]


def test_a_mail_longer_than_a_message_holds_keeps_its_start_and_its_whole_text(desk):
    line = "The lamp flickers when it is cold, and the shop said it would be replaced.\n"
    text = "".join(f"{n:05d} {line}" for n in range(450 * 1024 // len(line)))  # about 450 KB
    ticket_id = str(desk.receive(mail(text)).ticket_id)
    [message] = desk.tickets.messages(ticket_id, after_seq=0, limit=10)[1]
    assert len(message.body.encode()) <= mail_service.MAX_BODY_BYTES
    assert message.body.startswith("00000 The lamp flickers") and text.startswith(message.body)
    assert message.text_key is not None
    assert desk.mail.message_text(message) == text.strip()


def test_the_files_of_a_mail_are_stored_before_its_ticket_is(desk, monkeypatch):
    """An agent must never see (and answer) the ticket while its first mail is not on it."""
    seen: list[tuple[str, bool]] = []
    put_bytes = desk.files.put_bytes

    def watching(key: str, data: bytes, content_type: str) -> None:
        if key.startswith(ATTACHMENTS_PREFIX):
            ticket_id = key.split("/")[1]
            seen.append((key, ticket_id in desk.store.tickets))
        put_bytes(key, data, content_type)

    monkeypatch.setattr(desk.files, "put_bytes", watching)
    message = mail("Three photos of the lamp.")
    for n in range(3):
        message.add_attachment(b"\x89PNG photo %d" % n, maintype="image", subtype="png", filename=f"lamp{n}.png")
    ticket_id = str(desk.receive(message).ticket_id)
    assert len(seen) == 3 and not any(existed for _, existed in seen)
    [first] = desk.tickets.messages(ticket_id, after_seq=0, limit=10)[1]
    assert (first.seq, first.body, len(first.attachments)) == (1, "Three photos of the lamp.", 3)


def test_a_mail_delivered_again_after_a_failure_is_stored_once_with_the_same_files(desk, monkeypatch):
    message = mail("Photo of the lamp.")
    message.add_attachment(b"\x89PNG photo", maintype="image", subtype="png", filename="lamp.png")
    message["Cc"] = "bob@customer.example"
    add_ccs = desk.store.add_ccs  # the last write of storing a mail
    failures = iter([RuntimeError("DynamoDB throttled")])

    def failing_once(*args, **kwargs):
        for failure in failures:
            raise failure
        return add_ccs(*args, **kwargs)

    monkeypatch.setattr(desk.store, "add_ccs", failing_once)
    with pytest.raises(RuntimeError):
        desk.receive(message)  # SES (or the SMTP sender, after a 451) delivers it again
    files_after_first = sorted(desk.files.keys(ATTACHMENTS_PREFIX))
    again = desk.receive(message)
    assert again.outcome == "ticketed"
    assert tickets_of(desk, ANN) == [again.ticket_id]
    [stored] = desk.tickets.messages(str(again.ticket_id), after_seq=0, limit=10)[1]
    assert stored.body == "Photo of the lamp."
    assert sorted(desk.files.keys(ATTACHMENTS_PREFIX)) == files_after_first  # the same keys, reused
    assert desk.store.ccs(str(again.ticket_id)) == {"bob@customer.example"}
    assert desk.receive(message).outcome == "duplicate"
    assert len(desk.mailer.to(ANN)) == 1  # acknowledged once


def test_a_mail_nested_too_deep_is_a_ticket_with_its_text_and_a_note(desk):
    body = b"Content-Type: text/plain\r\n\r\nDeep down, my cheese.\r\n"
    for level in range(1500):
        boundary = b"b%d" % level
        body = (b'Content-Type: multipart/mixed; boundary="' + boundary + b'"\r\n\r\n--' + boundary + b"\r\n"
                + body + b"\r\n--" + boundary + b"--\r\n")
    raw = f"From: {ANN}\r\nTo: {Desk.SUPPORT}\r\nSubject: Deep\r\nMessage-ID: <deep@customer.example>\r\n".encode() + body
    desk.files.put_bytes("mail/inbound/deep", raw, "message/rfc822")
    ingested = desk.mail.ingest("mail/inbound/deep", recipients=[Desk.SUPPORT], ses_message_id="deep")
    [message] = desk.tickets.messages(str(ingested.ticket_id), after_seq=0, limit=10)[1]
    assert message.body == f"Deep down, my cheese.\n\n{mail_service.STRUCTURE_NOTE}"
    assert message.source_key == "mail/inbound/deep"


def test_the_mails_message_id_is_in_the_thread_before_its_message_is(desk, monkeypatch):
    """The acknowledgement (or away notice) is sent from the table's stream as soon as the
    message is written, and threads itself on the ticket's Message-IDs: they must be there."""
    seen: list[list[str]] = []
    add, put_message = desk.store.add, desk.store.put_message

    def adding(ticket, first_message, **kwargs):
        add(ticket, first_message, **kwargs)
        seen.append(desk.store.mail_refs(ticket.id))

    def putting(message):
        seen.append(desk.store.mail_refs(message.ticket_id))
        put_message(message)

    monkeypatch.setattr(desk.store, "add", adding)
    monkeypatch.setattr(desk.store, "put_message", putting)
    first = mail("It flickers.")
    ticket_id = str(desk.receive(first).ticket_id)
    reply = mail("Still.", subject="Re: The lamp")
    reply["In-Reply-To"] = first["Message-ID"]
    assert desk.receive(reply).ticket_id == ticket_id
    [at_opening, at_reply] = seen
    assert at_opening == [first["Message-ID"].strip("<>")]
    assert reply["Message-ID"].strip("<>") in at_reply

"""Privacy and audit rules without storage: what an audit entry keeps of an edit, when a
ticket expires, how an export shows files, and what the retention listener does when a
ticket is closed or leaves closed (fakes at the edge: a store and a bucket in memory)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib.domain.audit import AuditEntry, ticket_change_details
from chalicelib.domain.events import MessageCreated, TicketChanged
from chalicelib.domain.privacy import (
    RETENTION_TAG,
    expiry,
    export_message,
    export_ticket,
    hours_around,
    inbound_delivery_ref,
    message_files,
    retention_move,
    ses_ref,
)
from chalicelib.domain.tickets import AuthorType, Message, MessageKind, open_ticket
from chalicelib.services.audit import AuditLog
from chalicelib.services.ports import StoredTicket
from chalicelib.services.privacy import PrivacyService

T0 = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


def test_an_audit_entry_keeps_field_names_and_only_values_that_are_about_no_one():
    details = ticket_change_details({
        "status": ["new", "open"], "subject": ["Ann's lamp", "Ann Smith's lamp"],
        "tags": [[], ["vip"]], "csat": [None, {"score": 1, "comment": "Ann hates it"}],
    })
    assert details == {"fields": ["csat", "status", "subject", "tags"],
                       "changes": {"status": ["new", "open"], "tags": [[], ["vip"]]}}
    assert "Ann" not in repr(details)


@pytest.mark.parametrize(("old", "new", "move"), [
    ("solved", "closed", "expire"), ("closed", "open", "keep"), ("open", "solved", None), ("closed", "closed", None),
])
def test_retention_acts_when_a_ticket_is_closed_or_leaves_closed(old, new, move):
    assert retention_move({"status": [old, new]}) == move
    assert retention_move({"priority": ["low", "high"]}) is None


def test_a_closed_ticket_expires_its_retention_after_closing_and_mail_hours_are_covered():
    assert expiry(T0, 30) == int((T0 + timedelta(days=30)).timestamp())
    assert hours_around([T0.replace(minute=59)]) == ["2026112209", "2026112210"]


def test_mail_references_are_derived_as_they_are_stored():
    assert inbound_delivery_ref("mail/inbound/abc123") == "ses:abc123"
    assert inbound_delivery_ref("attachments/x") is None
    assert ses_ref("0100018c-1@email.amazonses.com") == "0100018c-1"
    assert ses_ref("CAx1@mail.gmail.com") == "CAx1@mail.gmail.com"


def test_an_export_shows_files_as_links_and_leaves_the_tables_plumbing_out():
    url_for = lambda key, name: f"https://files.example/{key}?as={name}"  # noqa: E731
    message = export_message({
        "pk": "TICKET#t", "sk": "MSG#000000000001", "seq": 1, "body": "hi",
        "attachments": [{"key": "attachments/t/c/1/a.pdf", "filename": "a.pdf", "content_type": "application/pdf", "size": 3}],
        "source_key": "mail/inbound/abc", "html_key": "mail/html/t/1.html", "text_key": "mail/text/t/1.txt",
        "expires_at": 1798000000,
    }, url_for)
    assert message == {
        "seq": 1, "body": "hi", "expires_at": "2026-12-23T04:26:40Z",
        "attachments": [{"filename": "a.pdf", "content_type": "application/pdf", "size": 3,
                         "url": "https://files.example/attachments/t/c/1/a.pdf?as=a.pdf"}],
        "original_url": "https://files.example/mail/inbound/abc?as=message-1.eml",
        "html_url": "https://files.example/mail/html/t/1.html?as=message-1.html",
        "text_url": "https://files.example/mail/text/t/1.txt?as=message-1.txt",
    }
    ticket = export_ticket({"pk": "TICKET#t", "activity": "x", "version": 3, "id": "t", "sla": '{"policy_id": "p"}'})
    assert ticket == {"id": "t", "sla": {"policy_id": "p"}}


# ---------------------------------------------------------------- the listeners, with fakes


class MemoryStore:
    def __init__(self, ticket: StoredTicket) -> None:
        self.stored = ticket
        self.expired: list[int | None] = []
        self.links: list[tuple[str, str]] = []

    def ticket(self, ticket_id: str) -> StoredTicket | None:
        return self.stored if ticket_id == self.stored.id else None

    def expire(self, ticket: StoredTicket, at: int | None) -> int:
        self.expired.append(at)
        return 1

    def note_written_on(self, customer_id: str, ticket_id: str) -> None:
        self.links.append((customer_id, ticket_id))


class MemoryBucket:
    DOWNLOAD_SECONDS = 3600

    def __init__(self, keys: list[str]) -> None:
        self.objects = dict.fromkeys(keys, "")

    def keys(self, prefix: str) -> list[str]:
        return [k for k in self.objects if k.startswith(prefix)]

    def tag_for_expiry(self, key: str, tag: tuple[str, str]) -> bool:
        self.objects[key] = "=".join(tag)
        return True

    def untag(self, key: str) -> bool:
        self.objects[key] = ""
        return True


class MemoryAudit:
    def __init__(self) -> None:
        self.entries: list[AuditEntry] = []

    def add(self, entry: AuditEntry, *, once: bool = False) -> None:
        if once and any(e.id == entry.id for e in self.entries):
            return
        self.entries.append(entry)

    def month(self, *a: Any, **kw: Any) -> Any:
        raise NotImplementedError


def a_closed_ticket() -> tuple[StoredTicket, list[str]]:
    files = ["attachments/tkt_1/cus_1/u/a.pdf", "mail/inbound/ses1", "mail/html/tkt_1/h.html", "mail/text/tkt_1/t.txt"]
    stored = StoredTicket("tkt_1", {"id": "tkt_1", "customer_id": "cus_1", "closed_at": "2026-11-22T09:00:00.000000Z"}, [
        {"pk": "TICKET#tkt_1", "sk": "MSG#000000000001", "seq": 1, "author_id": "cus_1", "author_type": "customer",
         "attachments": [{"key": files[0]}], "source_key": files[1], "html_key": files[2], "text_key": files[3]},
    ])
    return stored, files


def privacy(store: MemoryStore, bucket: MemoryBucket, days: int) -> PrivacyService:
    return PrivacyService(store=store, files=bucket, audit=AuditLog(MemoryAudit()), close_connection=lambda c: None,
                          retention_days=days, clock=lambda: T0)


def ticket_event(changes: dict, by: str | None = "agent-1", event_id: str = "ev-1") -> TicketChanged:
    return TicketChanged(open_ticket(ticket_id="tkt_1", number=1, subject="s", customer_id="cus_1", channel="email", now=T0),
                         changes, by=by, event_id=event_id)


def test_closing_a_ticket_sets_its_ttl_and_tags_its_files_only_when_retention_is_on():
    stored, files = a_closed_ticket()
    store, bucket = MemoryStore(stored), MemoryBucket(files + ["attachments/tkt_1/cus_1/never-sent.png"])
    privacy(store, bucket, 0).on_ticket_changed(ticket_event({"status": ["solved", "closed"]}))
    assert store.expired == [] and set(bucket.objects.values()) == {""}

    privacy(store, bucket, 30).on_ticket_changed(ticket_event({"status": ["solved", "closed"]}))
    assert store.expired == [expiry(T0, 30)]
    assert set(bucket.objects.values()) == {"=".join(RETENTION_TAG)}  # an upload never sent, too


def test_a_ticket_that_leaves_closed_is_kept_again_even_with_retention_off():
    stored, files = a_closed_ticket()
    store, bucket = MemoryStore(stored), MemoryBucket(files)
    privacy(store, bucket, 30).on_ticket_changed(ticket_event({"status": ["solved", "closed"]}))
    privacy(store, bucket, 0).on_ticket_changed(ticket_event({"status": ["closed", "open"]}))
    assert store.expired == [expiry(T0, 30), None]
    assert set(bucket.objects.values()) == {""}


def test_a_customer_writing_on_someone_elses_ticket_is_linked_to_it():
    stored, _ = a_closed_ticket()
    store = MemoryStore(stored)
    service = privacy(store, MemoryBucket([]), 0)
    ticket = ticket_event({}).ticket

    def message(author: str, author_type: AuthorType = AuthorType.CUSTOMER) -> MessageCreated:
        return MessageCreated(ticket, Message("msg_1", "tkt_1", 2, MessageKind.REPLY, author_type, author, "hi", "email", T0))

    service.on_message_created(message("cus_1"))  # the requester: their own ticket
    service.on_message_created(message("agent-1", AuthorType.AGENT))
    service.on_message_created(message("cus_2"))  # someone copied in
    assert store.links == [("cus_2", "tkt_1")]


def test_the_audit_log_hears_agents_not_customers():
    entries = MemoryAudit()
    log = AuditLog(entries, clock=lambda: T0)
    log.on_ticket_changed(ticket_event({"status": ["solved", "open"]}, by=None, event_id="e1"))  # a customer wrote in
    edit = ticket_event({"subject": ["a", "b"], "priority": ["normal", "high"]}, event_id="e2")
    log.on_ticket_changed(edit)
    log.on_ticket_changed(edit)  # the stream delivered it again: one entry all the same
    note = Message("msg_1", "tkt_1", 2, MessageKind.NOTE, AuthorType.AGENT, "agent-1", "secret words", "email", T0)
    log.on_message_created(MessageCreated(ticket_event({}).ticket, note, event_id="e3"))
    customer = Message("msg_2", "tkt_1", 3, MessageKind.REPLY, AuthorType.CUSTOMER, "cus_1", "hello", "email", T0)
    log.on_message_created(MessageCreated(ticket_event({}).ticket, customer, event_id="e4"))
    assert [(e.actor, e.action, e.target_id, e.month) for e in entries.entries] == [
        ("agent-1", "ticket.changed", "tkt_1", "2026-11"), ("agent-1", "note.added", "tkt_1", "2026-11"),
    ]
    assert entries.entries[0].details == {"fields": ["priority", "subject"], "changes": {"priority": ["normal", "high"]}}
    assert entries.entries[1].details == {"message_id": "msg_1", "seq": 2}
    assert "secret" not in repr(entries.entries)


def test_a_messages_files_include_the_whole_text_of_a_long_mail():
    stored, files = a_closed_ticket()
    assert sorted(message_files(stored.messages[0])) == sorted(files)

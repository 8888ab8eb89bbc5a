"""The bucket's key layout, as its one owner builds it (chalicelib.domain.storage)."""

from __future__ import annotations

from chalicelib.domain import storage


def test_each_kind_of_key_has_the_documented_shape() -> None:
    assert storage.inbound_mail_key("0abc") == "mail/inbound/0abc"
    assert storage.quarantine_key("mail/inbound/0abc") == "mail/quarantine/0abc"
    assert storage.mail_html_key("t1", "f00") == "mail/html/t1/f00.html"
    assert storage.mail_text_key("t1", "f00") == "mail/text/t1/f00.txt"
    assert storage.attachment_prefix("t1", "c9") == "attachments/t1/c9/"
    assert storage.attachment_key("t1", "c9", "f00", "invoice.pdf") == "attachments/t1/c9/f00/invoice.pdf"


def test_the_inbound_message_id_is_read_back_only_from_inbound_mail() -> None:
    assert storage.inbound_message_id(storage.inbound_mail_key("0abc")) == "0abc"
    assert storage.inbound_message_id("attachments/t1/c9/f00/a.eml") is None
    assert storage.inbound_message_id(None) is None


def test_a_tickets_file_prefixes_hold_its_files_and_no_other_tickets() -> None:
    mine = [storage.mail_html_key("t1", "f00"), storage.mail_text_key("t1", "f00"),
            storage.attachment_key("t1", "a7", "f00", "x.png")]
    theirs = [storage.mail_html_key("t10", "f00"), storage.mail_text_key("t10", "f00"),
              storage.attachment_key("t10", "a7", "f00", "x.png")]
    prefixes = storage.ticket_file_prefixes("t1")
    assert all(any(k.startswith(p) for p in prefixes) for k in mine)
    assert not any(k.startswith(p) for k in theirs for p in prefixes)

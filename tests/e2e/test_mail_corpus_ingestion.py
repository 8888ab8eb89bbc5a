"""Every real-world message of the corpus through the whole ingestion (S3, parsing,
threading, tickets, acknowledgements): none crashes it, and no robot gets an answer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.desk_env import settle

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "email"
MAIL = [x for x in json.loads((CORPUS / "MANIFEST.json").read_text()) if x["file"].endswith(".eml")]


def _acks_to(address: str) -> int:
    from moto.backends import get_backend

    return sum(
        1
        for account in get_backend("ses").values()
        for region in account.values()
        for message in region.sent_messages
        if address in (getattr(message, "destinations", None) or [])
    )


@pytest.mark.parametrize("entry", MAIL, ids=lambda e: e["file"])
def test_the_message_is_ingested_or_rejected_with_a_reason(stack, entry):
    from chalicelib.domain.mail.parse import parse_mail

    raw = (CORPUS / entry["file"]).read_bytes()
    sender = parse_mail(raw).sender
    settle()
    before = _acks_to(sender.email) if sender else 0
    # What the SMTP inbound does: into S3, then mail_inbound with SES's receipt event.
    [outcome] = stack.deliver_mail(raw, ["support@desk.localhost"], sender.email if sender else None)["results"]
    assert outcome["outcome"] in ("ticketed", "threaded", "duplicate", "rejected")
    if outcome["outcome"] == "rejected":
        assert outcome["reason"]
    if entry["file"].startswith("auto/") and sender:
        settle()
        assert _acks_to(sender.email) == before

"""Privacy rules: what a customer's export holds, what erasing them removes, and when a
closed ticket expires under the retention setting."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from .storage import MAIL_INBOUND_PREFIX
from .storage import ticket_file_prefixes as ticket_file_prefixes  # re-exported for services.privacy

EXPORT_FORMAT = "desk.customer-export/1"

# What stays of a message a customer wrote on someone else's ticket once they are erased:
# the other customer's conversation keeps its numbering, not the erased person's words.
ERASED_BODY = "(removed: the author's personal data was erased)"

# What replaces an erased person's address in other people's mail (their originals are kept:
# they are the other customer's record). The .invalid domain is reserved: it reaches no one.
ERASED_ADDRESS = "erased@erased.invalid"

# Why an admin erased a customer: a choice, not free text, so that the audit log holds no
# personal data by accident.
ERASURE_REASONS = ("customer_request", "legal_obligation", "no_longer_needed", "other")

# The S3 object tag a closed ticket's files get when retention is on; the bucket's lifecycle
# rule expires objects with it (infra/resources.py). Files are copied onto themselves as they
# are tagged, so that S3 counts the retention period from the ticket's closing, as TTL does.
RETENTION_TAG = ("desk-retention", "closed-ticket")


# A stored message's own files besides its attachments: the original mail, its HTML, and the
# whole text of a mail too long for the message item.
MAIL_FILE_FIELDS = ("source_key", "html_key", "text_key")


def message_files(message: Mapping[str, Any]) -> list[str]:
    """The S3 keys a stored message points at: attachments, the original mail, its HTML, its
    whole text."""
    keys = [a["key"] for a in message.get("attachments") or () if a.get("key")]
    keys += [message[name] for name in MAIL_FILE_FIELDS if message.get(name)]
    return keys


def inbound_delivery_ref(source_key: str | None, inbound_prefix: str = MAIL_INBOUND_PREFIX) -> str | None:
    """The delivery claim (``ses:<id>``) of a mail stored at ``source_key``: SES names the
    object after its message id."""
    if source_key and source_key.startswith(inbound_prefix):
        return f"ses:{source_key[len(inbound_prefix):]}"
    return None


def ses_ref(thread_ref: str) -> str:
    """A thread's Message-ID as stored under MAILREF: SES's ids are kept without the domain
    they carry on the wire (``<id>@email.amazonses.com``)."""
    return thread_ref.split("@", 1)[0] if thread_ref.lower().endswith("amazonses.com") else thread_ref


def expiry(closed_at: datetime, retention_days: int) -> int:
    """The TTL (epoch seconds) of a ticket closed at ``closed_at``."""
    return int((closed_at + timedelta(days=retention_days)).timestamp())


def retention_move(changes: Mapping[str, Any]) -> str | None:
    """What a ticket change means for retention: 'expire' when it was closed, 'keep' when it
    left closed (reopened), None otherwise."""
    if "status" not in changes:
        return None
    old, new = changes["status"]
    if new == "closed" and old != "closed":
        return "expire"
    if old == "closed" and new != "closed":
        return "keep"
    return None


def hours_around(instants: Iterable[datetime]) -> list[str]:
    """The hours (``%Y%m%d%H``) an acknowledgement counter may be keyed by for mail received at
    these instants: that hour and the next (the answer may go out after the hour turns)."""
    hours = set()
    for at in instants:
        for shift in (0, 1):
            hours.add((at + timedelta(hours=shift)).strftime("%Y%m%d%H"))
    return sorted(hours)


# Attributes that are the table's plumbing (keys, index keys, locks, bookkeeping), not
# information about anyone: left out of an export.
PLUMBING = frozenset({
    "pk", "sk", "entity", "activity", "assignee_key", "team_key", "timer_pk", "timer_at", "sla_rev",
    "sla_fired", "mailref_keys", "ooh_period", "version",
})


def _export_attributes(stored: Mapping[str, Any]) -> dict[str, Any]:
    out = {name: value for name, value in sorted(stored.items()) if name not in PLUMBING}
    if isinstance(out.get("expires_at"), int):  # the TTL, as the instant it is due
        out["expires_at"] = datetime.fromtimestamp(out["expires_at"], UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return out


def export_customer(stored: Mapping[str, Any]) -> dict[str, Any]:
    return _export_attributes(stored)


def export_ticket(stored: Mapping[str, Any]) -> dict[str, Any]:
    """A ticket as stored, with its SLA state readable (it is kept as JSON text)."""
    out = _export_attributes(stored)
    if isinstance(out.get("sla"), str):
        out["sla"] = json.loads(out["sla"])
    return out


def export_message(stored: Mapping[str, Any], url_for: Callable[[str, str], str]) -> dict[str, Any]:
    """A message as stored; its files as short-lived download links instead of bucket keys."""
    out = _export_attributes(stored)
    if out.get("attachments"):
        out["attachments"] = [
            {**{k: v for k, v in a.items() if k != "key"}, "url": url_for(a["key"], a.get("filename") or "file")}
            for a in out["attachments"]
        ]
    if out.get("source_key"):
        out["original_url"] = url_for(out.pop("source_key"), f"message-{out.get('seq')}.eml")
    if out.get("html_key"):
        out["html_url"] = url_for(out.pop("html_key"), f"message-{out.get('seq')}.html")
    if out.get("text_key"):
        out["text_url"] = url_for(out.pop("text_key"), f"message-{out.get('seq')}.txt")
    return out

"""Where the desk keeps what in its bucket: the one owner of the S3 key layout.

    mail/inbound/<SES message id>                    raw mail, as SES's receipt rule stores it
                                                     (locally, the SMTP server plays SES)
    mail/quarantine/<SES message id>                 a copy of raw mail whose spam or virus
                                                     verdict was FAIL; expires by this prefix
    mail/html/<ticket>/<unique>.html                 a mail's sanitised HTML
    mail/text/<ticket>/<unique>.txt                  the whole text of a mail longer than a
                                                     message item holds (it keeps an excerpt)
    attachments/<ticket>/<uploader>/<unique>/<name>  a file a browser uploaded (pre-signed POST)
                                                     or one taken out of a mail; <uploader> is
                                                     the agent's or the customer's id

A ticket's files are what lies under its two ticket prefixes (``ticket_file_prefixes``):
erasure deletes them, retention tags them. Raw mail is named by SES and only pointed at.

Everything that names a key gets it from here: the services and entrypoints build keys with
these functions; ``infra.resources`` (lifecycle rules), ``infra.template`` (SES's S3 action,
the bucket policy) and ``infra.policy`` (the IAM policy files) use the prefixes. The policy
files are generated from the prefixes (``python -m infra.policy``, run by ``make package``; a
test holds the committed files equal to what it writes) rather than written by hand and
checked: ``chalice package`` reads them as static JSON, and a generated file cannot grant a
prefix the code no longer writes, nor miss one it starts to.

Standard library only, and no randomness: callers pass the unique part (a uuid's hex).
"""

from __future__ import annotations

__all__ = [
    "MAIL_INBOUND_PREFIX", "MAIL_QUARANTINE_PREFIX", "MAIL_HTML_PREFIX", "MAIL_TEXT_PREFIX", "ATTACHMENTS_PREFIX",
    "inbound_mail_key", "inbound_message_id", "quarantine_key", "mail_html_key", "mail_text_key",
    "attachment_prefix", "attachment_key", "ticket_file_prefixes",
]

MAIL_INBOUND_PREFIX = "mail/inbound/"
MAIL_QUARANTINE_PREFIX = "mail/quarantine/"
MAIL_HTML_PREFIX = "mail/html/"
MAIL_TEXT_PREFIX = "mail/text/"
ATTACHMENTS_PREFIX = "attachments/"


def inbound_mail_key(ses_message_id: str) -> str:
    """Where SES stores a received message (the receipt rule's S3 action names it so)."""
    return f"{MAIL_INBOUND_PREFIX}{ses_message_id}"


def inbound_message_id(key: str | None) -> str | None:
    """The SES message id of raw mail stored at ``key``; None for any other key."""
    if key and key.startswith(MAIL_INBOUND_PREFIX):
        return key[len(MAIL_INBOUND_PREFIX):]
    return None


def quarantine_key(inbound_key: str) -> str:
    """Where a copy of the raw mail at ``inbound_key`` goes when it failed the scan."""
    return f"{MAIL_QUARANTINE_PREFIX}{inbound_key.rsplit('/', 1)[-1]}"


def mail_html_key(ticket_id: str, unique: str) -> str:
    """A mail's sanitised HTML, kept beside its ticket's other files."""
    return f"{MAIL_HTML_PREFIX}{ticket_id}/{unique}.html"


def mail_text_key(ticket_id: str, unique: str) -> str:
    """The whole text of a long mail, kept beside its ticket's other files."""
    return f"{MAIL_TEXT_PREFIX}{ticket_id}/{unique}.txt"


def attachment_prefix(ticket_id: str, uploader_id: str) -> str:
    """Where ``uploader_id`` may put files of ``ticket_id`` (a pre-signed POST's condition)."""
    return f"{ATTACHMENTS_PREFIX}{ticket_id}/{uploader_id}/"


def attachment_key(ticket_id: str, uploader_id: str, unique: str, filename: str) -> str:
    """One attachment; ``filename`` is already safe in a key (``domain.chat.safe_filename``)."""
    return f"{attachment_prefix(ticket_id, uploader_id)}{unique}/{filename}"


def ticket_file_prefixes(ticket_id: str) -> tuple[str, ...]:
    """Where a ticket's files live, whoever uploaded them: its attachments (browser uploads
    and mail parts), the sanitised HTML of its mail and the whole text of its long mail. Raw
    inbound mail is named by SES; messages point at it."""
    return (f"{ATTACHMENTS_PREFIX}{ticket_id}/", f"{MAIL_HTML_PREFIX}{ticket_id}/", f"{MAIL_TEXT_PREFIX}{ticket_id}/")

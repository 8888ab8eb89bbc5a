"""Outgoing mail through SES (the emulated SES locally)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from .aws_client import LazyClient


class SesMailer(LazyClient):
    def __init__(self, client_factory: Callable[[], Any], sender: str) -> None:
        super().__init__(client_factory)
        self.sender = sender

    def send_text(self, *, to: str, subject: str, text: str) -> str:
        """Send a plain-text mail; returns the id SES gave it."""
        response = self.client.send_email(
            Source=self.sender,
            Destination={"ToAddresses": [to]},
            Message={
                "Subject": {"Data": subject, "Charset": "UTF-8"},
                "Body": {"Text": {"Data": text, "Charset": "UTF-8"}},
            },
        )
        return response["MessageId"]

    def send_raw(self, mime: bytes, destinations: list[str]) -> str:
        """Send a complete MIME message (our headers kept); returns the id SES gave it, which
        is also the Message-ID the recipient sees (``<id@...amazonses.com>``)."""
        response = self.client.send_raw_email(
            Source=self.sender, Destinations=destinations, RawMessage={"Data": mime}
        )
        return response["MessageId"]

    def send_notification(self, *, to: str, subject: str, text: str, at: datetime) -> str:
        """A plain-text mail the desk writes by itself (an SLA alert to an agent), with the
        headers a mail client sorts and threads by (Date, Message-ID) and marked as automatic
        (RFC 3834), so that an out-of-office answer does not come back to the desk."""
        from email.message import EmailMessage
        from email.utils import format_datetime, make_msgid

        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = to
        message["Subject"] = subject
        message["Date"] = format_datetime(at)
        message["Message-ID"] = make_msgid(domain=self.sender.rpartition("@")[2] or None)
        message["Auto-Submitted"] = "auto-generated"
        message.set_content(text, cte="quoted-printable")
        return self.send_raw(message.as_bytes(), [to])

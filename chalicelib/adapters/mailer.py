"""Outgoing mail through SES (the emulated SES locally)."""

from __future__ import annotations

from collections.abc import Callable
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

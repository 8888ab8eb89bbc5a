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

"""Outgoing mail through SES (the emulated SES locally)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class SesMailer:
    def __init__(self, client_factory: Callable[[], Any], sender: str) -> None:
        self._client_factory = client_factory
        self._client: Any = None
        self.sender = sender

    def send_text(self, *, to: str, subject: str, text: str) -> str:
        """Send a plain-text mail; returns the id SES gave it."""
        if self._client is None:
            self._client = self._client_factory()
        response = self._client.send_email(
            Source=self.sender,
            Destination={"ToAddresses": [to]},
            Message={
                "Subject": {"Data": subject, "Charset": "UTF-8"},
                "Body": {"Text": {"Data": text, "Charset": "UTF-8"}},
            },
        )
        return response["MessageId"]

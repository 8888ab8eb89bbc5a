"""SES inbound, played locally: an SMTP server on loopback that stores each message in the
emulated S3 (as SES's S3 action does) and runs the same ingestion the deployed function runs."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable
from typing import Any

from chalicelib.domain.storage import inbound_mail_key

MAX_MESSAGE_BYTES = 40 * 1024 * 1024  # SES's limit for a received message


class _Handler:
    def __init__(self, deliver: Callable[[bytes, list[str]], Any]) -> None:
        self.deliver = deliver

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = envelope.original_content or envelope.content
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(None, self.deliver, raw, list(envelope.rcpt_tos))
        except Exception:
            logging.getLogger("desk.local.smtp").exception("inbound mail failed")
            return "451 Requested action aborted: error in processing (the message is kept)"
        return "250 Message accepted for delivery"


class SmtpInbound:
    def __init__(self, host: str, port: int, deliver: Callable[[bytes, list[str]], Any]) -> None:
        self.host = host
        self.port = port
        self._deliver = deliver
        self._controller: Any = None

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        logging.getLogger("mail.log").setLevel(logging.WARNING)
        self._controller = Controller(
            _Handler(self._deliver), hostname=self.host, port=self.port, data_size_limit=MAX_MESSAGE_BYTES
        )
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()


def deliver_like_ses(container: Any, raw: bytes, recipients: list[str]) -> Any:
    """What SES's receipt rule does: keep the raw message in S3, then hand it to ingestion
    with a message id of its own."""
    ses_id = uuid.uuid4().hex
    key = inbound_mail_key(ses_id)
    container.mail.files.put_bytes(key, raw, "message/rfc822")
    return container.mail.ingest(key, recipients=recipients, ses_message_id=ses_id)

"""SES inbound, played locally: an SMTP server on loopback that stores each message in the
emulated S3 (as SES's S3 action does) and invokes the desk's ``mail_inbound`` function with
the event SES's Lambda action sends, as the receipt rule does in AWS."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable
from typing import Any

from chalicelib.domain.storage import inbound_mail_key

MAX_MESSAGE_BYTES = 40 * 1024 * 1024  # SES's limit for a received message


class _Handler:
    def __init__(self, deliver: Callable[[bytes, list[str], str | None], Any]) -> None:
        self.deliver = deliver

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = envelope.original_content or envelope.content
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(None, self.deliver, raw, list(envelope.rcpt_tos), envelope.mail_from)
        except Exception:
            logging.getLogger("desk.local.smtp").exception("inbound mail failed")
            return "451 Requested action aborted: error in processing (the message is kept)"
        return "250 Message accepted for delivery"


class SmtpInbound:
    def __init__(self, host: str, port: int, deliver: Callable[[bytes, list[str], str | None], Any]) -> None:
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


def deliver_like_ses(
    raw: bytes, recipients: list[str], *, sender: str | None, store: Callable[[str, bytes], None],
    invoke: Callable[[dict[str, Any]], Any],
) -> Any:
    """What SES's receipt rule does: keep the raw message in S3 (the S3 action), then invoke
    the desk's ``mail_inbound`` function with the Lambda action's event, which carries the
    headers and verdicts but no body. An error from the function is raised (SMTP 451)."""
    ses_id = uuid.uuid4().hex
    store(inbound_mail_key(ses_id), raw)
    return invoke(receipt_event(ses_id, raw, recipients, sender))


def receipt_event(ses_id: str, raw: bytes, recipients: list[str], sender: str | None) -> dict[str, Any]:
    """SES's Lambda-action event for a received message (the shape of the AWS sample in
    ``tests/fixtures/aws-events/sesEvent.json``). The local inbound scans nothing: every
    verdict is PASS, as for clean mail."""
    from datetime import UTC, datetime
    from email import policy
    from email.parser import BytesHeaderParser

    headers = BytesHeaderParser(policy=policy.compat32).parsebytes(raw)
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{datetime.now(UTC).microsecond // 1000:03d}Z"

    def all_of(name: str) -> list[str]:
        return [str(v) for v in headers.get_all(name) or []]

    common: dict[str, Any] = {"returnPath": sender or "", "from": all_of("From"), "to": all_of("To")}
    for key, name in (("messageId", "Message-ID"), ("date", "Date"), ("subject", "Subject")):
        if headers.get(name) is not None:
            common[key] = str(headers.get(name))
    if all_of("Cc"):
        common["cc"] = all_of("Cc")
    passed = {"status": "PASS"}
    return {"Records": [{
        "eventSource": "aws:ses",
        "eventVersion": "1.0",
        "ses": {
            "mail": {
                "timestamp": now, "source": sender or "", "messageId": ses_id, "destination": list(recipients),
                "headersTruncated": False,
                "headers": [{"name": name, "value": str(value)} for name, value in headers.items()],
                "commonHeaders": common,
            },
            "receipt": {
                "timestamp": now, "processingTimeMillis": 1, "recipients": list(recipients),
                "spamVerdict": passed, "virusVerdict": passed, "spfVerdict": passed, "dkimVerdict": passed,
                "dmarcVerdict": passed,
                "action": {"type": "Lambda", "functionArn": "mail_inbound", "invocationType": "Event"},
            },
        },
    }]}

"""Mail arriving in AWS: SES's receipt rule stores the raw message in S3 (under
``domain.storage.inbound_mail_key``) and then invokes this function with the mail's headers
and the spam and virus verdicts (the Lambda action's event; it carries no body)."""

from __future__ import annotations

from typing import Any

from ..bootstrap import container
from ..domain.storage import inbound_mail_key
from ..observability import logger


def on_ses_receipt(event: dict[str, Any]) -> dict[str, Any]:
    results = []
    for record in event.get("Records", []):
        ses = record.get("ses") or {}
        mail, receipt = ses.get("mail") or {}, ses.get("receipt") or {}
        message_id = mail.get("messageId")
        if not message_id:
            logger.warning("ses record without a messageId")
            continue
        verdicts = {
            name: (receipt.get(f"{name}Verdict") or {}).get("status", "")
            for name in ("spam", "virus")
        }
        outcome = container().mail.ingest(
            inbound_mail_key(message_id),
            recipients=list(receipt.get("recipients") or mail.get("destination") or []),
            ses_message_id=message_id,
            verdicts=verdicts,
        )
        results.append({"messageId": message_id, "outcome": outcome.outcome, "reason": outcome.reason,
                        "ticket_id": outcome.ticket_id})
    # The Lambda action is invoked as an Event: nothing waits for this, but it reads well in logs.
    return {"results": results}


def on_feedback(message: str) -> dict[str, Any]:
    """SES's bounce and complaint notifications, delivered through SNS."""
    import json

    try:
        notification = json.loads(message)
    except ValueError:
        logger.warning("feedback that is not JSON ignored")
        return {"suppressed": 0}
    return {"suppressed": len(container().mail.on_feedback(notification))}

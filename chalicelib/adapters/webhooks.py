"""Calling a business's webhook (an SLA escalation): one POST with a short timeout. It runs
as a reaction on the table's stream: a failure is retried with its record, then parked for
an admin to replay (``chalicelib.reactions``), so no retry loop here holds up the stream."""

from __future__ import annotations

from ..observability import logger

TIMEOUT_SECONDS = 5


def post_webhook(url: str, body: bytes, headers: dict[str, str]) -> int:
    """POST ``body``; the HTTP status, or 0 when the receiver could not be reached."""
    import requests

    try:
        return requests.post(url, data=body, headers=headers, timeout=TIMEOUT_SECONDS).status_code
    except requests.RequestException as error:
        logger.warning("webhook unreachable", url=url, error=type(error).__name__)
        return 0

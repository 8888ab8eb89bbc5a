"""Calling a business's webhook (an SLA escalation): one POST, a short timeout, no retries
inside the tick (a slow receiver must not hold up every other escalation)."""

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

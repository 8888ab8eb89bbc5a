"""The table's DynamoDB stream: Lambda hands over a batch of changed items (in order per
item); every reaction to them that leaves the request runs here (``chalicelib.reactions``).
The answer names the first record to deliver again (``ReportBatchItemFailures``)."""

from __future__ import annotations

from typing import Any

from ..bootstrap import container
from ..observability import logger

# Chalice wants the stream's ARN when the app is imported; the table (and so its stream) is
# made by the same stack, so the deploy template puts its real ARN in place of this one.
STREAM_ARN = "arn:aws:dynamodb:us-east-1:000000000000:table/desk/stream/deployed-by-the-template"


def on_table_records(event: Any) -> dict[str, Any]:
    logger.thread_safe_clear_keys()
    records = [record.to_dict() if hasattr(record, "to_dict") else record for record in event]
    logger.thread_safe_append_keys(route="table_events", records=len(records))
    return container().table_events.handle(records)

# How Lambda reads the stream (the deploy template's event source mapping, and the local
# stack's poller that plays it): batches of up to BATCH_SIZE records; a batch whose function
# fails, or reports a record as failed, is delivered again from that record, at most
# MAXIMUM_RETRY_ATTEMPTS times, then described on the on-failure destination (the dead-letter
# queue). The reactions park themselves well before that (chalicelib.reactions.MAX_ATTEMPTS):
# this bound only matters when parking itself fails.
BATCH_SIZE = 100
MAXIMUM_RETRY_ATTEMPTS = 10
MAXIMUM_RECORD_AGE_SECONDS = 6 * 3600

# Only tickets and their messages, campaigns' greetings and answers, portal sign-in links
# (one asked for: its mail), invitations, agents and the knowledge base have reactions: Lambda drops every other record (connections, counters, the reactions' own
# ledger) before invoking, so they cost no invocation. The template sets this as the
# mapping's FilterCriteria; the local poller applies it the same way.
REACTING_PREFIXES = ("TICKET#", "CAMPAIGN#", "PORTALLINK#")
TEAM_PARTITIONS = ("INVITES", "AGENTS", "KB")  # (and the knowledge base's one partition)
RECORD_FILTER: dict[str, Any] = {
    "dynamodb": {"Keys": {"pk": {"S": [*({"prefix": p} for p in REACTING_PREFIXES), *TEAM_PARTITIONS]}}}
}


def wanted(record: dict[str, Any]) -> bool:
    """Whether a stream record passes ``RECORD_FILTER``."""
    key = (((record.get("dynamodb") or {}).get("Keys") or {}).get("pk") or {}).get("S", "")
    return isinstance(key, str) and (key.startswith(REACTING_PREFIXES) or key in TEAM_PARTITIONS)

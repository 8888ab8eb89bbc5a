"""What the desk costs in AWS a month: requests measured per operation, times list prices.

    .venv/bin/python bench/cost.py              # the bill, from the measurements recorded below
    .venv/bin/python bench/cost.py --measure    # measure the operations on the local stack first

Request counts come from the emulator, on the wire (DynamoDB requests by operation, and which
of the writes touch a ticket item, whose seven indexes are written too), from the local
websocket gateway (management-API posts) and from the local SES and S3. What the emulator
cannot tell (Lambda durations in AWS, item sizes on average, how people use the desk) is an
assumption, listed in ASSUMPTIONS and printed with the bill. docs/cost.md shows the output.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

PROJECT = Path(__file__).resolve().parents[1]
STAGE = "prod"

# ---------------------------------------------------------------------------- prices

PRICES_DATE = "2026-11-22"
PRICES_NOTE = (
    f"AWS list prices for us-east-1 in USD, as known on {PRICES_DATE} (taken without internet "
    "access, from what was published until then): check the AWS pricing pages before relying on them."
)
# name: (USD, per how many units, unit)
PRICES: dict[str, tuple[float, float, str]] = {
    "lambda_request": (0.20, 1e6, "Lambda requests"),
    "lambda_gb_second": (0.0000166667, 1, "Lambda GB-second (x86)"),
    "rest_request": (3.50, 1e6, "API Gateway REST API requests (first 333 M)"),
    "ws_message": (1.00, 1e6, "API Gateway WebSocket messages, 32 KB each (first 1 B)"),
    "ws_connection_minute": (0.25, 1e6, "API Gateway WebSocket connection minutes"),
    "dynamodb_wru": (0.625, 1e6, "DynamoDB on-demand write request units"),
    "dynamodb_rru": (0.125, 1e6, "DynamoDB on-demand read request units"),
    "dynamodb_gb_month": (0.25, 1, "DynamoDB storage, GB-month (Standard table class)"),
    "dynamodb_pitr_gb_month": (0.20, 1, "DynamoDB point-in-time recovery, GB-month"),
    "s3_put": (0.005, 1e3, "S3 PUT, COPY, POST, LIST requests"),
    "s3_get": (0.0004, 1e3, "S3 GET requests"),
    "s3_gb_month": (0.023, 1, "S3 Standard storage, GB-month (first 50 TB)"),
    "ses_inbound_message": (0.10, 1e3, "SES messages received"),
    "ses_inbound_chunk": (0.09, 1e3, "SES incoming mail chunks of 256 KB"),
    "ses_outbound_message": (0.10, 1e3, "SES messages sent"),
    "ses_outbound_gb": (0.12, 1, "SES attachments sent, GB"),
    "sns_publish": (0.50, 1e6, "SNS publishes (deliveries to Lambda are free)"),
    "alarm_month": (0.10, 1, "CloudWatch standard-resolution alarm, month"),
    "logs_ingested_gb": (0.50, 1, "CloudWatch Logs ingestion, GB"),
    "logs_stored_gb_month": (0.03, 1, "CloudWatch Logs storage, GB-month"),
    "cognito_mau": (0.0, 1, "Cognito monthly active users: the first 10,000 are free (Lite and Essentials)"),
    "secret_month": (0.40, 1, "Secrets Manager secret, month"),
    "secrets_api_call": (0.05, 1e4, "Secrets Manager API calls"),
    "schedule_invocation": (0.0, 1, "EventBridge scheduled rule invocations: no charge"),
}
# The always-free tiers (not the 12-month or credit offers of new accounts).
FREE_TIERS = {
    "lambda_request": 1e6,
    "lambda_gb_second": 400_000,
    "dynamodb_gb_month": 25,
    "sns_publish": 1e6,
    "alarm_month": 10,
    "logs_ingested_gb": 5,
    "logs_stored_gb_month": 5,
}


def price(name: str, quantity: float) -> float:
    usd, per, _ = PRICES[name]
    return usd * quantity / per


# ---------------------------------------------------------------------------- what was measured


@dataclass(frozen=True)
class Operation:
    """One thing the desk does, as AWS would bill it (all counts per occurrence)."""

    what: str
    dynamodb: dict[str, float]  # requests by DynamoDB operation
    ticket_writes: float = 0  # of the write requests, those that write a ticket item
    functions: dict[str, float] = field(default_factory=dict)  # Lambda invocations by function
    rest_requests: float = 0
    ws_in: float = 0  # frames clients send (each is a websocket message and an invocation)
    ws_out: float = 0  # management-API posts (each a websocket message)
    ses_in: float = 0
    ses_out: float = 0
    s3_put: float = 0
    s3_get: float = 0

    @property
    def reads(self) -> float:
        return sum(n for op, n in self.dynamodb.items() if op in READS)

    @property
    def writes(self) -> float:
        return sum(n for op, n in self.dynamodb.items() if op not in READS)


READS = {"GetItem", "Query", "Scan", "BatchGetItem", "TransactGetItems"}

# Measured 2026-11-22 with `bench/cost.py --measure` on the local stack (moto's server, the
# local websocket gateway and SMTP inbound, three agents connected), ten of each. Chat: ten
# conversations of 12 messages, 9.72 DynamoDB requests a message; bench/chat_load.py's 100 of
# 50 messages measured 8.12 (UpdateItem 4.0, PutItem 2.06, Query 1.04, GetItem 1.02) and 2.26
# posts, the difference being the per-conversation work (join, announcements) spread over more
# messages. The SLA event is bench/sla_tick.py's (41 items read for 10 due tickets).
MEASURED: dict[str, Operation] = {}  # filled in below from MEASURED_JSON
MEASURED_TICKET_KB = 0.6  # a ticket item's size, averaged over the measured tickets
MEASURED_JSON = """{
 "rest_ticket_create": {"what": "POST /tickets", "dynamodb": {"PutItem": 5.0, "UpdateItem": 1.0, "GetItem": 2.1, "Query": 1.0, "BatchGetItem": 1.0}, "ticket_writes": 1.0, "functions": {"api_handler": 1}, "rest_requests": 1, "ws_out": 3.0},
 "email_ticket_create": {"what": "a mail from a new customer", "dynamodb": {"PutItem": 8.0, "UpdateItem": 7.0, "GetItem": 5.1, "Query": 2.0}, "ticket_writes": 6.0, "functions": {"mail_inbound": 1}, "ws_out": 3.0, "ses_in": 1, "ses_out": 1.0, "s3_put": 1.0, "s3_get": 1},
 "agent_reads_ticket": {"what": "GET a ticket and its messages", "dynamodb": {"GetItem": 2.0, "Query": 1.0, "BatchGetItem": 1.0}, "functions": {"api_handler": 2}, "rest_requests": 2},
 "agent_reply": {"what": "POST a reply on an e-mail ticket", "dynamodb": {"PutItem": 5.0, "UpdateItem": 4.0, "GetItem": 6.1, "Query": 2.0, "BatchGetItem": 1.0}, "ticket_writes": 4.0, "functions": {"api_handler": 1}, "rest_requests": 1, "ses_out": 1.0},
 "customer_email_reply": {"what": "the customer's mail answering a reply", "dynamodb": {"PutItem": 3.0, "UpdateItem": 3.0, "GetItem": 6.0, "Query": 2.0}, "ticket_writes": 2.0, "functions": {"mail_inbound": 1}, "ses_in": 1, "s3_put": 1.0, "s3_get": 1},
 "solve_ticket": {"what": "GET and PATCH status solved", "dynamodb": {"PutItem": 1.0, "UpdateItem": 1.0, "GetItem": 4.0, "Query": 1.0, "BatchGetItem": 2.0}, "ticket_writes": 1.0, "functions": {"api_handler": 2}, "rest_requests": 2},
 "widget_opened": {"what": "connect, ping, page, leave", "dynamodb": {"PutItem": 3.0, "UpdateItem": 4.0, "Query": 3.0, "DeleteItem": 2.0}, "functions": {"websocket_connect": 1, "websocket_message": 2, "websocket_disconnect": 1}, "ws_in": 2, "ws_out": 4.0},
 "widget_page_view": {"what": "a page view: the session only (rate limit, visitor, availability)", "dynamodb": {"UpdateItem": 1.0, "GetItem": 1.0, "Query": 1.0}, "functions": {"api_handler": 1}, "rest_requests": 1},
 "idle_tick": {"what": "an SLA tick with nothing due", "dynamodb": {"Query": 1.0}, "functions": {"sla_tick": 1}},
 "chat_message": {"what": "a chat message (send, store, deliver)", "dynamodb": {"UpdateItem": 3.6, "PutItem": 2.83, "GetItem": 2.12, "Query": 1.17}, "ticket_writes": 1.0, "functions": {"websocket_message": 1}, "ws_in": 1, "ws_out": 2.67},
 "sla_event": {"what": "a due SLA warning or breach (bench/sla_tick.py)", "dynamodb": {"UpdateItem": 2.0, "GetItem": 1.55, "Query": 0.55}, "ticket_writes": 2.0}
}"""


# ---------------------------------------------------------------------------- how it is used

ASSUMPTIONS: dict[str, Any] = {
    "share_by_channel": {"chat": 0.5, "email": 0.4, "api": 0.1},
    "chat_messages_per_conversation": 12,  # half the visitor's, half the agent's
    "chat_minutes_connected": 15,  # the visitor's websocket during a conversation
    "widget_page_views_per_chat": 20,  # pages that load the widget for each chat that starts
    # Since 2026-11-22 the widget connects only when opened or with a conversation going, so a
    # page view holds no websocket; the measured page view was split in two accordingly
    # (the session, and the connection a chat opens), not measured again.
    "email_agent_replies": 2,  # per e-mail or API ticket
    "email_customer_replies": 1,
    "agent_reads_per_reply": 2,  # ticket and its messages opened before answering
    "share_with_an_sla_event": 0.1,  # tickets that hit an SLA warning or breach
    "agents": 3,
    "agent_hours_online_per_month": 8 * 22,
    "lambda_ms": {  # billed duration per invocation in AWS, cold starts (init is billed) included
        "api_handler": 120, "websocket_connect": 80, "websocket_message": 120, "websocket_disconnect": 60,
        "mail_inbound": 600, "mail_feedback": 60, "sla_tick": 60,
    },
    "log_kb_per_invocation": 1.0,  # START/END/REPORT plus the desk's JSON lines
    "item_kb": 1.0,  # other items stay under 1 KB: one WRU per item written
    # A ticket item is in seven indexes (ALL projection): a write that moves its `activity`
    # (five of them sort by it) is a delete and a put there, other writes one put each.
    "index_writes_per_ticket_write": 10,
    "rru_per_read_request": 1.0,  # up to 4 KB strongly consistent (8 KB eventually)
    "kb_per_stored_message": 1.0,  # DynamoDB, a message item
    "kb_per_page_view": 0.5,  # DynamoDB, the visitor's record and the pages they saw
    "email_kb": 40,  # a received mail as stored in S3 (raw); its sanitised HTML adds 10 KB
    "attachment_share": 0.2,  # e-mails and chats carrying a file
    "attachment_kb": 500,
}


@lru_cache(maxsize=1)
def _lambda_memory_gb() -> dict[str, float]:
    config = json.loads((PROJECT / ".chalice" / "config.json").read_text())["stages"][STAGE]
    default = config.get("lambda_memory_size", 128)
    functions = ASSUMPTIONS["lambda_ms"]
    return {
        name: config.get("lambda_functions", {}).get(name, {}).get("lambda_memory_size", default) / 1024
        for name in functions
    }


def _template_counts() -> dict[str, int]:
    """Alarms and secrets the deployed template creates (they cost while the desk sleeps)."""
    from infra.template import merge_template

    resources = merge_template(STAGE)["Resources"]
    kinds = Counter(r.get("Type") for r in resources.values())
    return {"alarms": kinds["AWS::CloudWatch::Alarm"], "secrets": kinds["AWS::SecretsManager::Secret"]}


# ---------------------------------------------------------------------------- the bill


@dataclass
class Usage:
    """Billable quantities in a month."""

    quantities: Counter = field(default_factory=Counter)
    by_service: dict[str, Counter] = field(default_factory=dict)

    def add(self, service: str, name: str, quantity: float) -> None:
        self.quantities[name] += quantity
        self.by_service.setdefault(service, Counter())[name] += quantity

    def run(self, op: Operation, times: float) -> None:
        a = ASSUMPTIONS
        ticket_wru = math.ceil(MEASURED_TICKET_KB)  # per copy of a ticket item written
        other_writes = op.writes - op.ticket_writes
        wru = other_writes * math.ceil(a["item_kb"]) + op.ticket_writes * ticket_wru * (1 + a["index_writes_per_ticket_write"])
        self.add("DynamoDB", "dynamodb_wru", times * wru)
        self.add("DynamoDB", "dynamodb_rru", times * op.reads * a["rru_per_read_request"])
        for function, invocations in op.functions.items():
            self.lambda_(function, times * invocations)
        self.add("API Gateway", "rest_request", times * op.rest_requests)
        self.add("API Gateway", "ws_message", times * (op.ws_in + op.ws_out))
        self.add("SES", "ses_inbound_message", times * op.ses_in)
        self.add("SES", "ses_inbound_chunk", times * op.ses_in * math.ceil(a["email_kb"] / 256))
        self.add("SES", "ses_outbound_message", times * op.ses_out)
        self.add("S3", "s3_put", times * op.s3_put)
        self.add("S3", "s3_get", times * op.s3_get)

    def lambda_(self, function: str, invocations: float) -> None:
        seconds = ASSUMPTIONS["lambda_ms"][function] / 1000
        self.add("Lambda", "lambda_request", invocations)
        self.add("Lambda", "lambda_gb_second", invocations * seconds * _lambda_memory_gb()[function])
        self.add("CloudWatch", "logs_ingested_gb", invocations * ASSUMPTIONS["log_kb_per_invocation"] / 1024**2)


def idle_usage() -> Usage:
    """A desk nobody writes to: the every-minute SLA tick, alarms, secrets."""
    usage = Usage()
    counts = _template_counts()
    ticks = 60 * 24 * 365 / 12  # a one-minute schedule: 43,800 invocations in an average month
    usage.run(MEASURED["idle_tick"], ticks)
    usage.add("EventBridge", "schedule_invocation", ticks)
    usage.add("Secrets Manager", "secret_month", counts["secrets"])
    usage.add("CloudWatch", "alarm_month", counts["alarms"])
    # The logs of a month, kept (prod keeps 90 days): a month's worth stored on average.
    usage.add("CloudWatch", "logs_stored_gb_month", usage.quantities["logs_ingested_gb"])
    return usage


def traffic_usage(conversations: float) -> Usage:
    """What ``conversations`` a month add to the idle desk."""
    a = ASSUMPTIONS
    usage = Usage()
    share = a["share_by_channel"]
    chats, emails, api = (conversations * share[k] for k in ("chat", "email", "api"))
    op = MEASURED

    # Chat: the widget on every page, the conversation's messages, connections.
    page_views = chats * a["widget_page_views_per_chat"]
    usage.run(op["widget_page_view"], page_views)
    usage.run(op["widget_opened"], chats)
    usage.run(op["chat_message"], chats * a["chat_messages_per_conversation"])
    usage.add("API Gateway", "ws_connection_minute", chats * a["chat_minutes_connected"])
    # E-mail tickets: the first mail, replies both ways, the agent reading, solving.
    replies = (emails + api) * a["email_agent_replies"]
    usage.run(op["email_ticket_create"], emails)
    usage.run(op["rest_ticket_create"], api)
    usage.run(op["agent_reply"], replies)
    usage.run(op["customer_email_reply"], (emails + api) * a["email_customer_replies"])
    usage.run(op["agent_reads_ticket"], replies * a["agent_reads_per_reply"])
    usage.run(op["solve_ticket"], conversations)
    usage.run(op["sla_event"], conversations * a["share_with_an_sla_event"])
    # Agents online: their console's websocket.
    usage.add("API Gateway", "ws_connection_minute", a["agents"] * a["agent_hours_online_per_month"] * 60)
    # Files: S3 storage of mail and attachments kept for the month, and DynamoDB's.
    mail_in = emails + (emails + api) * a["email_customer_replies"]
    files_gb = (mail_in * (a["email_kb"] + 10) + (mail_in + chats) * a["attachment_share"] * a["attachment_kb"]) / 1024**2
    usage.add("S3", "s3_gb_month", files_gb)
    messages = chats * a["chat_messages_per_conversation"] + (emails + api) * (
        1 + a["email_agent_replies"] + a["email_customer_replies"])
    ticket_kb = MEASURED_TICKET_KB * (1 + 7)  # the item and its seven index copies
    table_gb = (messages * a["kb_per_stored_message"] + conversations * ticket_kb
                + page_views * a["kb_per_page_view"]) / 1024**2
    usage.add("DynamoDB", "dynamodb_gb_month", table_gb)
    usage.add("DynamoDB", "dynamodb_pitr_gb_month", table_gb)
    usage.add("SES", "ses_outbound_gb", replies * a["attachment_share"] * a["attachment_kb"] / 1024**2)
    return usage


def cost(usage: Usage, free_tiers: bool = False) -> dict[str, float]:
    """USD by service."""
    totals: dict[str, float] = {}
    for service, quantities in usage.by_service.items():
        for name, quantity in quantities.items():
            if free_tiers and name in FREE_TIERS:
                share = quantity / usage.quantities[name] if usage.quantities[name] else 0
                quantity = max(0.0, usage.quantities[name] - FREE_TIERS[name]) * share
            totals[service] = totals.get(service, 0.0) + price(name, quantity)
    return totals


def _merge(*usages: Usage) -> Usage:
    total = Usage()
    for usage in usages:
        for service, quantities in usage.by_service.items():
            for name, quantity in quantities.items():
                total.add(service, name, quantity)
    return total


SCENARIOS = (0, 1_000, 10_000, 100_000)


def bill() -> str:
    """The monthly bill at each scenario, by service, as text."""
    idle = idle_usage()
    rows = {n: _merge(idle, traffic_usage(n)) if n else idle for n in SCENARIOS}
    services = sorted({s for u in rows.values() for s in u.by_service})
    header = ["conversations a month"] + [f"{n:,}" if n else "idle" for n in SCENARIOS]
    lines = [" | ".join(header), " | ".join("---" for _ in header)]
    listed = {n: cost(u) for n, u in rows.items()}
    free = {n: cost(u, free_tiers=True) for n, u in rows.items()}
    for service in services:
        lines.append(" | ".join([service] + [f"${listed[n].get(service, 0):,.2f}" for n in SCENARIOS]))
    lines.append(" | ".join(["**total, list prices**"] + [f"**${sum(listed[n].values()):,.2f}**" for n in SCENARIOS]))
    lines.append(" | ".join(["total after the always-free tiers"] + [f"${sum(free[n].values()):,.2f}" for n in SCENARIOS]))
    per = [f"${sum(listed[n].values()) / n * 1000:,.2f}" if n else "" for n in SCENARIOS]
    lines.append(" | ".join(["per 1,000 conversations (list, idle included)"] + per))
    page = Usage()
    page.run(MEASURED["widget_page_view"], 1000)
    notes = [f"1,000 page views with the widget cost ${sum(cost(page).values()):.3f} (list)."]
    for n in SCENARIOS[1:]:
        month = traffic_usage(n).quantities
        stored = price("dynamodb_gb_month", month["dynamodb_gb_month"]) + price(
            "dynamodb_pitr_gb_month", month["dynamodb_pitr_gb_month"]) + price("s3_gb_month", month["s3_gb_month"])
        notes.append(f"At {n:,} a month the data grows by {month['dynamodb_gb_month']:.2f} GB in DynamoDB and "
                     f"{month['s3_gb_month']:.2f} GB in S3: each month kept adds ${stored:.2f} to every later bill.")
    return "\n".join(lines) + "\n\n" + "\n".join(notes) + "\n"


def idle_breakdown() -> str:
    idle = idle_usage()
    lines = []
    for service, quantities in sorted(idle.by_service.items()):
        for name, quantity in quantities.items():
            if quantity:
                lines.append(f"  {service:<16} {PRICES[name][2]:<56} {quantity:>10,.3f}  ${price(name, quantity):.3f}")
    return "\n".join(lines)


def prices_table() -> str:
    lines = ["what | USD | per", "--- | ---: | ---"]
    for name, (usd, per, what) in PRICES.items():
        free = f" ({FREE_TIERS[name]:,.0f} a month free)" if name in FREE_TIERS else ""
        lines.append(f"{what}{free} | {f'{usd:.10f}'.rstrip('0').rstrip('.')} | {per:,.0f}")
    return "\n".join(lines)


def operations_table() -> str:
    lines = ["operation | DynamoDB requests (by operation) | ticket writes | other requests", "--- | --- | --- | ---"]
    for name, op in MEASURED.items():
        ddb = ", ".join(f"{k} {v:g}" for k, v in sorted(op.dynamodb.items(), key=lambda kv: -kv[1]))
        other = ", ".join(
            f"{label} {value:g}" for label, value in (
                ("REST", op.rest_requests), ("ws in", op.ws_in), ("ws posts", op.ws_out), ("SES in", op.ses_in),
                ("SES out", op.ses_out), ("S3 PUT", op.s3_put), ("S3 GET", op.s3_get),
                *((f"{function}", n) for function, n in op.functions.items()),
            ) if value
        )
        lines.append(f"{name} ({op.what}) | {sum(op.dynamodb.values()):g}: {ddb} | {op.ticket_writes:g} | {other}")
    return "\n".join(lines)


# ---------------------------------------------------------------------------- measuring


class _WriteCounter:
    """WSGI middleware in front of moto: which DynamoDB writes touch a ticket item (the
    emulator's own count is by operation only)."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.ticket_writes = 0

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        import io

        target = environ.get("HTTP_X_AMZ_TARGET", "")
        if target.startswith("DynamoDB_"):
            body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
            environ["wsgi.input"] = io.BytesIO(body)
            self.ticket_writes += _ticket_items_written(target.split(".", 1)[1], json.loads(body or b"{}"))
        return self.app(environ, start_response)


def _ticket_items_written(operation: str, request: dict[str, Any]) -> int:
    from chalicelib.adapters.dynamodb.models import TICKET_SK

    def is_ticket(key: dict[str, Any] | None) -> bool:
        return bool(key) and key.get("sk", {}).get("S") == TICKET_SK  # type: ignore[union-attr]

    if operation in ("PutItem",):
        return int(is_ticket(request.get("Item")))
    if operation in ("UpdateItem", "DeleteItem"):
        return int(is_ticket(request.get("Key")))
    if operation == "TransactWriteItems":
        found = 0
        for item in request.get("TransactItems", []):
            for kind, body in item.items():
                found += kind != "ConditionCheck" and is_ticket(body.get("Item") or body.get("Key"))
        return found
    if operation == "BatchWriteItem":
        return sum(is_ticket((w.get("PutRequest") or {}).get("Item") or (w.get("DeleteRequest") or {}).get("Key"))
                   for writes in request.get("RequestItems", {}).values() for w in writes)
    return 0


@dataclass
class _Meter:
    stack: Any
    counter: _WriteCounter

    def snapshot(self) -> dict[str, Any]:
        from local.outbox import sent_mail

        s3 = self.s3()
        objects = sum(1 for page in s3.get_paginator("list_objects_v2").paginate(Bucket=self.stack.bucket_name)
                      for _ in page.get("Contents", []))
        return {
            "dynamodb": Counter(self.stack.aws.dynamodb_calls),
            "ticket_writes": self.counter.ticket_writes,
            "posts": self.stack.gateway.management_posts,
            "ses_out": len(sent_mail()),
            "s3_objects": objects,
        }

    @staticmethod
    @lru_cache(maxsize=1)
    def s3() -> Any:
        import boto3

        return boto3.client("s3")  # the local stack's environment points it at the emulator

    def since(self, before: dict[str, Any], times: int) -> dict[str, Any]:
        after = self.snapshot()
        return {
            "dynamodb": {k: round(v / times, 2) for k, v in (after["dynamodb"] - before["dynamodb"]).items()},
            "ticket_writes": round((after["ticket_writes"] - before["ticket_writes"]) / times, 2),
            "ws_out": round((after["posts"] - before["posts"]) / times, 2),
            "ses_out": round((after["ses_out"] - before["ses_out"]) / times, 2),
            "s3_put": round((after["s3_objects"] - before["s3_objects"]) / times, 2),
        }


def _item_bytes(value: dict[str, Any]) -> int:
    """An attribute value's size as DynamoDB counts it (near enough: names and values)."""
    (kind, inner), = value.items()
    if kind in ("S", "B"):
        return len(inner.encode() if isinstance(inner, str) else inner)
    if kind == "N":
        return len(inner) // 2 + 1
    if kind in ("SS", "NS", "BS"):
        return sum(len(str(v)) for v in inner)
    if kind == "L":
        return 3 + sum(1 + _item_bytes(v) for v in inner)
    if kind == "M":
        return 3 + sum(1 + len(k) + _item_bytes(v) for k, v in inner.items())
    return 1


def _ticket_item_kb(table: str) -> float:
    import boto3

    from chalicelib.adapters.dynamodb.models import TICKET_SK

    sizes = [
        sum(len(name) + _item_bytes(v) for name, v in item.items()) / 1024
        for page in boto3.client("dynamodb").get_paginator("scan").paginate(TableName=table)
        for item in page["Items"] if item.get("sk", {}).get("S") == TICKET_SK
    ]
    return round(sum(sizes) / len(sizes), 2)


def measure(repeat: int = 10) -> tuple[dict[str, Operation], float]:
    """Run each operation ``repeat`` times on a fresh local stack and count what it asked of AWS.
    Returns the operations and the average ticket item's size in KB."""
    import os
    import smtplib
    import time
    import uuid
    from datetime import UTC, datetime
    from email.message import EmailMessage

    import requests
    import websocket

    from bench import chat_load
    from chalicelib import bootstrap
    from chalicelib.config import LocalSettings
    from local.stack import MAIL_DOMAIN, Stack

    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")  # the desk's request logs are not the report
    settings = LocalSettings("127.0.0.1", 0, 0, 0, 0, "", *chat_load.ADMIN)
    stack = Stack(settings, persist=False, run_schedules=False)
    stack.start()
    # The emulator's WSGI app, as local/aws.py serves it; the counter listens in front of moto.
    served = stack.aws._server.app
    counter = _WriteCounter(served.app)
    served.app = counter
    meter = _Meter(stack, counter)
    api = stack.api_url
    support = f"support@{MAIL_DOMAIN}"
    found: dict[str, Operation] = {}
    try:
        token = requests.post(f"{api}/auth/login", json=dict(zip(("email", "password"), chat_load.ADMIN, strict=True)),
                              timeout=30).json()["token"]
        auth = {"Authorization": f"Bearer {token}"}
        # Agents online, as in a working day: what the desk tells them is part of the cost.
        agents = [websocket.create_connection(f"{stack.gateway.url}/?token={token}", timeout=30)
                  for _ in range(ASSUMPTIONS["agents"])]

        def record(name: str, what: str, before: dict[str, Any], **fixed: Any) -> None:
            got = meter.since(before, repeat)
            found[name] = Operation(what=what, dynamodb=got["dynamodb"], ticket_writes=got["ticket_writes"],
                                    ws_out=got["ws_out"], ses_out=got["ses_out"],
                                    s3_put=fixed.pop("s3_put", got["s3_put"]), **fixed)

        # A ticket opened through the API (a web form or a script).
        before = meter.snapshot()
        created = [requests.post(f"{api}/tickets", headers=auth, timeout=30, json={
            "subject": f"Lamp {i} never arrived", "customer": {"email": f"api-{uuid.uuid4().hex[:8]}@customer.example"},
            "body": "Ordered two weeks ago."}).json() for i in range(repeat)]
        record("rest_ticket_create", "POST /tickets", before, rest_requests=1, functions={"api_handler": 1})

        # A mail from a new customer: SES stores it (S3 PUT), mail_inbound reads it (GET), a
        # ticket, the acknowledgement.
        def send(sender: str, subject: str, to: str = support) -> None:
            message = EmailMessage()
            message["From"], message["To"], message["Subject"] = sender, to, subject
            message.set_content("Hello, my new lamp flickers when I switch it on. What can I do?")
            with smtplib.SMTP(stack.settings.host, stack.settings.smtp_port, timeout=60) as smtp:
                smtp.send_message(message)

        customers = [f"mail-{uuid.uuid4().hex[:8]}@customer.example" for _ in range(repeat)]
        before = meter.snapshot()
        for i, sender in enumerate(customers):
            send(sender, f"Flickering lamp {i}")
        record("email_ticket_create", "a mail from a new customer", before, functions={"mail_inbound": 1},
               ses_in=1, s3_get=1)

        tickets = requests.get(f"{api}/tickets", headers=auth, params={"limit": "100"}, timeout=30).json()["items"]
        by_customer = {t["customer"]["email"]: t for t in tickets}
        mail_tickets = [by_customer[c] for c in customers]

        # An agent reads a ticket and its messages, then replies (mailed to the customer).
        before = meter.snapshot()
        for t in mail_tickets:
            requests.get(f"{api}/tickets/{t['id']}", headers=auth, timeout=30)
            requests.get(f"{api}/tickets/{t['id']}/messages", headers=auth, timeout=30)
        record("agent_reads_ticket", "GET a ticket and its messages", before, functions={"api_handler": 2},
               rest_requests=2)
        before = meter.snapshot()
        for t in mail_tickets:
            requests.post(f"{api}/tickets/{t['id']}/messages", headers=auth, timeout=30,
                          json={"body": "Please try another bulb.", "status": "pending"})
        record("agent_reply", "POST a reply on an e-mail ticket", before, functions={"api_handler": 1},
               rest_requests=1)

        # The customer answers the reply (to the signed reply address it came from).
        from local.outbox import sent_mail

        reply_to = {}
        for m in sent_mail():
            for to in m["to"]:
                reply_to[to] = m["headers"].get("Reply-To") or m["from"]
        before = meter.snapshot()
        for sender, t in zip(customers, mail_tickets, strict=True):
            send(sender, f"Re: [#{t['number']}] {t['subject']}", to=reply_to.get(sender, support))
        record("customer_email_reply", "the customer's mail answering a reply", before,
               functions={"mail_inbound": 1}, ses_in=1, s3_get=1)

        # Solving: read the ticket's version, then PATCH.
        before = meter.snapshot()
        for t in created:
            current = requests.get(f"{api}/tickets/{t['id']}", headers=auth, timeout=30)
            requests.patch(f"{api}/tickets/{t['id']}", headers={**auth, "If-Match": current.headers["ETag"]},
                           json={"status": "solved"}, timeout=30)
        record("solve_ticket", "GET and PATCH status solved", before, functions={"api_handler": 2}, rest_requests=2)

        # The widget on a page: a session, the websocket, its first frames, leaving.
        before = meter.snapshot()
        for _ in range(repeat):
            visitor = requests.post(f"{api}/widget/sessions", json={}, timeout=30).json()["token"]
            ws = websocket.create_connection(f"{stack.gateway.url}/?visitor={visitor}", timeout=30)
            ws.send(json.dumps({"action": "ping"}))
            ws.recv()
            ws.send(json.dumps({"action": "page", "url": "https://shop.example/lamps", "title": "Lamps"}))
            time.sleep(0.05)
            ws.close()
        time.sleep(0.5)
        page = meter.since(before, repeat)
        found["widget_opened"] = Operation(  # the session included: what a chat's first open costs
            what="session, connect, ping, page, leave", dynamodb=page["dynamodb"], ticket_writes=page["ticket_writes"],
            functions={"api_handler": 1, "websocket_connect": 1, "websocket_message": 2, "websocket_disconnect": 1},
            rest_requests=1, ws_in=2, ws_out=page["ws_out"], s3_put=page["s3_put"],
        )

        # A tick with nothing due (every minute, all month).
        container = bootstrap.container()
        before = meter.snapshot()
        for _ in range(repeat):
            container.sla.tick(datetime.now(UTC))
        record("idle_tick", "an SLA tick with nothing due", before, functions={"sla_tick": 1})

        # Chat: bench/chat_load.py's conversations, smaller.
        before = meter.snapshot()
        conversations, messages = 10, 12
        report = chat_load.run(stack, conversations, messages, 2)
        total = conversations * messages
        chat = meter.since(before, total)
        found["chat_message"] = Operation(
            what="a chat message (send, store, deliver)", dynamodb=report["dynamodb_requests_per_message_by_operation"],
            ticket_writes=chat["ticket_writes"], functions={"websocket_message": 1}, ws_in=1,
            ws_out=report["management_posts_per_message"],
        )
        for agent in agents:
            agent.close()
        ticket_kb = _ticket_item_kb(stack.table_name)
    finally:
        stack.stop()
    # From bench/sla_tick.py (10,000 open tickets, 10 due: 11 Queries, 31 GetItems, 40
    # UpdateItems for 20 escalations), per escalation; its writes counted as ticket writes.
    # It runs inside the minute's tick: no invocation of its own.
    found["sla_event"] = Operation(
        what="a due SLA warning or breach (bench/sla_tick.py)",
        dynamodb={"UpdateItem": 2.0, "GetItem": 1.55, "Query": 0.55}, ticket_writes=2.0,
    )
    return found, ticket_kb


# ---------------------------------------------------------------------------- main


def _load(text: str) -> dict[str, Operation]:
    return {name: Operation(**fields) for name, fields in json.loads(text).items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--measure", action="store_true", help="measure on the local stack first")
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    if args.measure:
        global MEASURED_TICKET_KB
        measured, MEASURED_TICKET_KB = measure(args.repeat)
        MEASURED.update(measured)
        print(f"Measured (keep them in MEASURED_JSON and MEASURED_TICKET_KB = {MEASURED_TICKET_KB}):")
        print(json.dumps({k: {f: v for f, v in op.__dict__.items() if v} for k, op in MEASURED.items()}))
    print(PRICES_NOTE, "\n")
    print(prices_table(), "\n")
    print(operations_table(), "\n")
    print(bill())
    print("Idle, by line:")
    print(idle_breakdown())
    print("\nAssumptions:", json.dumps(ASSUMPTIONS, indent=1))
    return 0


MEASURED.update(_load(MEASURED_JSON))

if __name__ == "__main__":
    sys.exit(main())

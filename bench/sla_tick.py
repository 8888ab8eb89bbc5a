"""What one SLA tick costs when few of many open tickets are due.

Stores N open tickets with running SLA clocks (through the same repository code the app
uses, written in batches to save time), of which D are past a warning or breach, then runs
one tick and reports what the emulator saw on the wire: items DynamoDB examined and requests
by operation. The claim to check: a tick reads on the order of D items, not N.

    .venv/bin/python bench/sla_tick.py [--tickets 10000] [--due 10]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=10_000)
    parser.add_argument("--due", type=int, default=10)
    args = parser.parse_args()

    from chalicelib.config import LocalSettings
    from local.stack import Stack

    settings = LocalSettings("127.0.0.1", 0, 0, 0, 0, "", "admin@bench.example", "Bench-admin-Passw0rd", demo_port=0)
    stack = Stack(settings, persist=False, run_schedules=False)
    stack.start()
    try:
        return run(stack, args.tickets, args.due)
    finally:
        stack.stop()


def run(stack, tickets: int, due: int) -> int:  # type: ignore[no-untyped-def]
    from chalicelib import bootstrap
    from chalicelib.adapters.dynamodb import models as m
    from chalicelib.adapters.dynamodb.repositories import _ticket_to_item
    from chalicelib.domain import sla
    from chalicelib.domain.clock import to_iso
    from chalicelib.domain.hours import Calendar
    from chalicelib.domain.tickets import Priority, Status, open_ticket

    container = bootstrap.container()
    policy = {"id": "bench", "targets": {"first_response": 60, "resolution": 480}, "business_hours": False,
              "on_breach": [{"action": "add_tag", "value": "sla-breached"}]}
    container.sla.put_policies([policy])
    now = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
    calendar = Calendar.always_open()

    started = time.monotonic()
    with m.TicketItem.batch_write() as batch:
        for i in range(tickets):
            # The due ones were opened two hours ago; the rest five minutes ago.
            created = now - (timedelta(hours=2) if i < due else timedelta(minutes=5))
            ticket = open_ticket(ticket_id=f"tkt_bench{i:06d}", number=100_000 + i, subject=f"Bench {i}",
                                 customer_id="cus_bench", channel="api", now=created, priority=Priority.HIGH,
                                 status=Status.OPEN)
            state = sla.start(sla_policy(policy), calendar, created)
            item = _ticket_to_item(ticket)
            item.sla = json.dumps(sla.to_dict(state), separators=(",", ":"))
            item.sla_rev = 1
            item.timer_pk = m.TIMER_PK
            item.timer_at = to_iso(sla.next_timer(state, ()))
            batch.save(item)
    stored_in = time.monotonic() - started

    calls_before = Counter(stack.aws.dynamodb_calls)
    read_before = Counter(stack.aws.dynamodb_items_read)
    report = container.sla.tick(now)
    calls = Counter(stack.aws.dynamodb_calls) - calls_before
    read = Counter(stack.aws.dynamodb_items_read) - read_before
    second = container.sla.tick(now)  # nothing left: what an idle tick costs

    result = {
        "open_tickets": tickets,
        "due": due,
        "escalations_run": len(report.escalations),
        "items_read_by_the_due_query": read["Query"],
        "items_read_in_all": sum(read.values()),
        "items_read_per_due_ticket": round(sum(read.values()) / max(due, 1), 2),
        "requests_by_operation": dict(sorted(calls.items())),
        "second_tick_escalations": len(second.escalations),
        "seconds_to_store_the_tickets": round(stored_in, 1),
    }
    print(json.dumps(result, indent=2))
    # Two escalations per due ticket (warning and breach); nothing in the next tick.
    ok = len(report.escalations) == 2 * due and read["Query"] <= due and not second.escalations
    return 0 if ok else 1


def sla_policy(data):  # type: ignore[no-untyped-def]
    from chalicelib.services.sla import policy_from_json

    return policy_from_json(data)


if __name__ == "__main__":
    sys.exit(main())

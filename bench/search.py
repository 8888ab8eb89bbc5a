"""What the search index costs: items and write capacity units per message, and items read
per search, on real mail (the 68 messages of tests/fixtures/email, their visible text as the
desk stores it) and on a desk of generated tickets.

An index entry is ``pk = SEARCH#<term>``, ``sk = T#<12 digits>``, ``ticket_id``: its size by
DynamoDB's rules (attribute names plus UTF-8 values) is under 1 KB, so each entry written is
one write request unit (on demand) and BatchWriteItem bills each item on its own. A Query
reads up to ``PER_TERM`` entries of a term: 0.5 read units per 4 KB, eventually consistent.

    .venv/bin/python bench/search.py [tickets]
"""

from __future__ import annotations

import logging
import math
import random
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from chalicelib.domain.mail.parse import parse_mail  # noqa: E402
from chalicelib.domain.people import Principal, Role  # noqa: E402
from chalicelib.domain.search import index_terms  # noqa: E402
from chalicelib.services.search import SearchService  # noqa: E402
from chalicelib.services.tickets import OpenTicket  # noqa: E402
from tests.unit.fakes import Desk, FakeSearchIndex  # noqa: E402

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "email"
TICKET_ID = "tkt_" + "0" * 25


def entry_bytes(term: str) -> int:
    """The item's size as DynamoDB bills it: names and values of pk, sk and ticket_id."""
    return len("pk") + len(f"SEARCH#{term}".encode()) + len("sk") + len("T#000000001001") \
        + len("ticket_id") + len(TICKET_ID)


def write_units(terms: set[str]) -> int:
    return sum(math.ceil(entry_bytes(t) / 1024) for t in terms)


def corpus() -> list[str]:
    texts = []
    for path in sorted(FIXTURES.rglob("*.eml")):
        try:
            texts.append(parse_mail(path.read_bytes()).text or "")
        except Exception:  # noqa: BLE001 - a fixture the parser refuses is not a message here
            continue
    return [t for t in texts if t.strip()]


class CountingIndex(FakeSearchIndex):
    def __init__(self, tickets) -> None:  # type: ignore[no-untyped-def]
        super().__init__(tickets)
        self.read = 0

    def numbers(self, term, *, below, limit):  # type: ignore[no-untyped-def]
        found = super().numbers(term, below=below, limit=limit)
        self.read += len(found)
        return found

    def tickets(self, ticket_ids):  # type: ignore[no-untyped-def]
        found = super().tickets(ticket_ids)
        self.read += len(found)
        return found


def main() -> int:
    logging.disable(logging.CRITICAL)
    texts = corpus()
    per_message = [len(index_terms([t])) for t in texts]
    units = [write_units(index_terms([t])) for t in texts]
    print(f"messages: {len(texts)} (tests/fixtures/email, visible text)")
    print(f"index entries per message: median {statistics.median(per_message):.0f}, "
          f"mean {statistics.mean(per_message):.0f}, max {max(per_message)}")
    print(f"write units per message:  median {statistics.median(units):.0f}, mean {statistics.mean(units):.0f} "
          f"(each entry < 1 KB: one unit; largest entry {max(entry_bytes(t) for t in index_terms(texts))} bytes)")
    print(f"on-demand cost per 1000 messages at $1.25 per million writes: ${statistics.mean(units) * 1000 * 1.25e-6:.4f}")

    tickets = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    desk = Desk()
    index = CountingIndex(desk.store)
    search = SearchService(index, desk.tickets, desk.customers)
    rng = random.Random(13)
    words = ["lamp", "flicker", "refund", "invoice", "shipping", "broken", "delivery", "colour", "cable", "order"]
    for i in range(tickets):
        body = " ".join(rng.sample(words, 3)) + f" ticket{i}"
        ticket, _ = desk.tickets.open(OpenTicket(subject=f"Question {i}", customer_email=f"c{i % 300}@example.com",
                                                 body=body), None)
        index.add(ticket, index_terms([ticket.subject, body, f"c{i % 300} example com"]))
    agent = Principal("bench", "bench@example.com", Role.AGENT)
    print(f"\n{tickets} tickets indexed; PER_TERM = {SearchService.PER_TERM}")
    print(f"{'query':<22} {'found':>6} {'items read':>11} {'read units (est.)':>18}")
    for q in ("lamp", "lamp refund", "flick brok ord", f"ticket{tickets - 5}", "nothing"):
        index.read = 0
        found = search.search(q, agent, limit=20, cursor=None)
        entries = index.read - len(found.tickets)
        rcu = entries * 60 / 4096 * 0.5 + len(found.tickets) * 0.5 * 1  # entries ~60 B; tickets < 4 KB each
        print(f"{q:<22} {len(found.tickets):>6} {index.read:>11} {rcu:>18.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

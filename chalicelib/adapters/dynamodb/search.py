"""The search index in the desk table: ``SEARCH#<term>`` / ``T#<ticket number>`` (see
``docs/search.md``). Written by the stream's search reactions with idempotent puts; read by
a Query per term, newest ticket first, a bounded number of entries at a time."""

from __future__ import annotations

from collections.abc import Iterable

from ...domain.tickets import Ticket
from . import models as m
from .repositories import _ticket_from_item

PREFIX = "SEARCH#"


def search_sk(number: int) -> str:
    return f"T#{number:012d}"


class DynamoSearchIndex:
    """Which tickets have which terms."""

    def __init__(self) -> None:
        self.written = 0  # entries put by this instance (bench/search.py reads it)
        self.read = 0  # entries and tickets read by this instance

    def add(self, ticket: Ticket, terms: Iterable[str]) -> int:
        """Put one entry per term (BatchWriteItem, 25 a call); an entry there already is
        written again unchanged, so a redelivered event does no harm. The number written."""
        count = 0
        with m.SearchItem.batch_write() as batch:
            for term in sorted(set(terms)):
                item = m.SearchItem(f"{PREFIX}{term}", search_sk(ticket.number))
                item.ticket_id = ticket.id
                batch.save(item)
                count += 1
        self.written += count
        return count

    def numbers(self, term: str, *, below: int | None, limit: int) -> dict[int, str]:
        """Up to ``limit`` tickets with ``term`` whose number is below ``below``, newest first:
        number -> ticket id."""
        condition = m.SearchItem.sk < search_sk(below) if below is not None else m.SearchItem.sk.startswith("T#")
        found: dict[int, str] = {}
        for item in m.SearchItem.query(
            f"{PREFIX}{term}", range_key_condition=condition, scan_index_forward=False, limit=limit, page_size=limit,
        ):
            found[int(item.sk[2:])] = item.ticket_id
        self.read += len(found)
        return found

    def tickets(self, ticket_ids: list[str]) -> dict[str, Ticket]:
        """The tickets still there, by id (BatchGetItem)."""
        keys = [(m.ticket_pk(tid), m.TICKET_SK) for tid in dict.fromkeys(ticket_ids)]
        found = {item.id: _ticket_from_item(item) for item in m.TicketItem.batch_get(keys)}
        self.read += len(found)
        return found

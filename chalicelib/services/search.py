"""Search across tickets and customers: by ticket number, by a customer's e-mail address, or
by words of a ticket's subject, messages (notes too: only agents search) and customer.

No Scan: a number is the number index, an address the customer's claim and then their
tickets, words the search index (``domain/search.py``, ``docs/search.md``), which the
listeners below keep from the table's stream. Each word is read as one Query of at most
``PER_TERM`` entries, newest ticket first; the tickets having every word are where those
lists meet. A page stops where the shortest-read list stops, and the cursor goes on below it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from ..domain.errors import BadRequestError, NotFoundError
from ..domain.events import MessageCreated, TicketChanged, TicketOpened
from ..domain.people import Customer, Principal
from ..domain.search import Query, address_texts, index_terms, parse_query
from ..domain.tickets import Ticket, TicketFilter
from .customers import CustomerService
from .tickets import TicketService


class SearchIndex(Protocol):
    def add(self, ticket: Ticket, terms: Iterable[str]) -> int: ...
    def numbers(self, term: str, *, below: int | None, limit: int) -> dict[int, str]: ...
    def tickets(self, ticket_ids: list[str]) -> dict[str, Ticket]: ...


@dataclass
class SearchResult:
    kind: str  # number, email, words
    terms: list[str]
    tickets: list[Ticket]
    customers: dict[str, Customer] = field(default_factory=dict)  # of those tickets, and the one asked for
    customer: Customer | None = None  # the customer an address named
    cursor: str | None = None


class SearchService:
    """Finds tickets and customers; keeps the search index (stream listeners)."""

    PER_TERM = 200  # index entries read per word and page

    def __init__(self, index: SearchIndex, tickets: TicketService, customers: CustomerService) -> None:
        self.index = index
        self.tickets = tickets
        self.customers = customers

    # ------------------------------------------------------------------ searching

    def search(self, text: str, by: Principal, *, limit: int, cursor: str | None) -> SearchResult:
        """What ``text`` finds that ``by`` may see, newest ticket first."""
        query = parse_query(text)
        if query.number is not None:
            return self._by_number(query)
        if query.email is not None:
            return self._by_email(query, limit, cursor)
        if not query.words:
            raise BadRequestError(
                "Search for a ticket number, an e-mail address or a word of at least two letters.",
                code="empty_query",
            )
        return self._by_words(query, limit, cursor)

    def _by_number(self, query: Query) -> SearchResult:
        try:
            found = [self.tickets.get(str(query.number))]
        except NotFoundError:
            found = []
        return self._result("number", [], found)

    def _by_email(self, query: Query, limit: int, cursor: str | None) -> SearchResult:
        assert query.email is not None
        try:
            customer = self.customers.by_email(query.email)
        except NotFoundError:
            return SearchResult("email", [], [])
        page = self.tickets.list(TicketFilter(customer_id=customer.id), limit=limit, cursor=cursor)
        result = self._result("email", [], page.items)
        result.customer, result.cursor = customer, page.cursor
        result.customers[customer.id] = customer
        return result

    def _by_words(self, query: Query, limit: int, cursor: str | None) -> SearchResult:
        below = _cursor(cursor)
        # The rarest word first would read least; without counts, the longest is the best guess.
        terms = sorted(query.words, key=len, reverse=True)
        matches: dict[int, str] | None = None
        floor = 0  # below this number some word's list was not read: the next page starts there
        for term in terms:
            found = self.index.numbers(term, below=below, limit=self.PER_TERM)
            if len(found) == self.PER_TERM:
                floor = max(floor, min(found))
            matches = found if matches is None else {n: t for n, t in matches.items() if n in found}
            if not matches:
                break
        numbers = sorted((n for n in matches or {} if n >= floor), reverse=True)
        next_below = floor if floor else None
        if len(numbers) > limit:
            numbers, next_below = numbers[:limit], numbers[limit - 1]
        assert matches is not None
        by_id = self.index.tickets([matches[n] for n in numbers])
        found_tickets: list[Ticket] = []
        seen: set[str] = set()
        for n in numbers:
            ticket = by_id.get(matches[n])
            if ticket is None:  # gone (erased) since it was indexed
                continue
            if ticket.merged_into:  # merged: its words are in the ticket it went into
                ticket = by_id.get(ticket.merged_into) or self._target(ticket.merged_into)
            if ticket is not None and ticket.id not in seen:
                seen.add(ticket.id)
                found_tickets.append(ticket)
        result = self._result("words", list(query.words), found_tickets)
        result.cursor = str(next_below) if next_below else None
        return result

    def _target(self, ticket_id: str) -> Ticket | None:
        try:
            return self.tickets.get(ticket_id)
        except NotFoundError:
            return None

    def _result(self, kind: str, terms: list[str], tickets: list[Ticket]) -> SearchResult:
        customers = self.customers.many([t.customer_id for t in tickets])
        # Every agent sees every ticket today; a customer being erased is nobody's to find.
        visible = [t for t in tickets if t.customer_id in customers]
        return SearchResult(kind, terms, visible, customers)

    # ------------------------------------------------------------------ keeping the index

    def on_ticket_opened(self, event: TicketOpened) -> None:
        """A new ticket: its subject, its customer's name and address, its first message."""
        ticket = event.ticket
        texts = [ticket.subject]
        customer = self.customers.many([ticket.customer_id]).get(ticket.customer_id)
        if customer is not None:
            texts += address_texts(customer.email, customer.name)
        first = event.message
        if first is None and ticket.message_count:
            first = self.tickets.message_of(ticket, 1)
        if first is not None:
            texts.append(first.body)
        self.index.add(ticket, index_terms(texts))

    def on_message_created(self, event: MessageCreated) -> None:
        self.index.add(event.ticket, index_terms([event.message.body]))

    def on_ticket_changed(self, event: TicketChanged) -> None:
        """A new subject is found too (the old one's words stay: a ticket is found by what it
        was called before as well)."""
        self.index.add(event.ticket, index_terms([event.ticket.subject]))


def _cursor(cursor: str | None) -> int | None:
    if cursor is None:
        return None
    if not cursor.isdigit() or len(cursor) > 12:
        raise BadRequestError("The cursor is not valid for this search; start again without it.",
                              code="invalid_cursor")
    return int(cursor)

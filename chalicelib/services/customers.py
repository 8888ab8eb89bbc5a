"""Customers (contacts): one per e-mail address, found or created as mail and tickets arrive."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from ..domain import ids
from ..domain.clock import utcnow
from ..domain.errors import NotFoundError, UnprocessableError
from ..domain.people import Customer, VisitedPage, mail_address, normalise_email
from .ports import CustomerRepository


def email_claim(address: str) -> str:
    return f"EMAIL#{address}"


def external_claim(user_id: str) -> str:
    return f"EXTUSER#{user_id}"


class CustomerService:
    def __init__(self, customers: CustomerRepository, clock: Callable[[], datetime] = utcnow) -> None:
        self.customers = customers
        self.clock = clock

    def find_or_create(self, email: str, name: str | None = None) -> Customer:
        """The customer with this address, created on first contact. Safe under races:
        the address is claimed with a conditional write, and the loser reads the winner."""
        address = normalise_email(email)
        return self._find_or_create(
            email_claim(address),
            lambda: Customer(ids.customer_id(), address, _name(name), self.clock(), email_proven=True),
        )

    def find_or_create_identified(
        self, user_id: str, email: str | None, name: str | None, *, email_proven: bool = False
    ) -> Customer:
        """The customer behind a business's signed-in user (the business vouched for the id
        with user_hash; for the address only with email_hash: ``email_proven``)."""
        address = normalise_email(email) if email else None
        customer = self._find_or_create(
            external_claim(user_id),
            lambda: Customer(ids.customer_id(), address, _name(name), self.clock(), external_id=user_id,
                             email_proven=email_proven and address is not None),
        )
        if email_proven and address is not None and customer.email == address and customer.email_proven:
            # The business vouched for the address: its owner sees these chats in the portal.
            self.customers.link_email(address, customer.id)
        return customer

    def ids_for_address(self, email: str) -> list[str]:
        """Every customer the owner of this address is: the one the address finds (mail, the
        web form, the API), then those the business proved it for (signed-in chat users)."""
        address = normalise_email(email)
        owner = self.customers.get_by_claim(email_claim(address))
        found = [owner.id] if owner is not None else []
        return found + [cid for cid in self.customers.linked_customer_ids(address) if cid not in found]

    def proven_email(self, customer: Customer) -> str | None:
        """The customer's address if a source proves it is theirs (see ``Customer.email_proven``;
        a customer stored before that flag counts when the address finds them), else None."""
        if not customer.email:
            return None
        if not customer.email_proven:
            owner = self.customers.get_by_claim(email_claim(normalise_email(customer.email)))
            if owner is None or owner.id != customer.id:
                return None
        return mail_address(customer.email)

    def prove_email(self, customer_id: str, email: str) -> None:
        """A visitor confirmed ``email`` (a link mailed there was opened): from now on it is
        their proven address, where their transcripts may go."""
        if not self.customers.prove_email(customer_id, normalise_email(email)):
            raise NotFoundError(f"No customer {customer_id!r}.", code="customer_not_found")

    def create_anonymous(self, name: str | None, email: str | None) -> Customer:
        """A new website visitor. The address they typed is kept as contact information but
        claims nothing: typing someone's address must not open their conversations."""
        customer = Customer(
            ids.customer_id(), normalise_email(email) if email else None, _name(name), self.clock()
        )
        self.customers.add(customer, None)
        return customer

    def _find_or_create(self, claim: str, make: Callable[[], Customer]) -> Customer:
        for _ in range(3):
            existing = self.customers.get_by_claim(claim)
            if existing is not None:
                return existing
            customer = make()
            if self.customers.add(customer, claim):
                return customer
        raise RuntimeError(f"customer for {claim} could not be created or read")

    def fill_in(self, customer_id: str, name: str | None, email: str | None) -> Customer:
        """Contact details a visitor gave later (the leave-a-message form); what the customer
        already has is kept."""
        if name or email:
            self.customers.fill_in(customer_id, name, email)
        return self.get(customer_id)

    def record_page(self, customer_id: str, url: str, title: str | None, seen_at: str | None = None) -> VisitedPage:
        """A page of the business's site the visitor opened (the console's 'pages visited').
        ``seen_at`` (the browser's time) is taken within the last day, else it is now."""
        now = self.clock()
        at = now
        if seen_at:
            try:
                claimed = datetime.fromisoformat(seen_at)
            except ValueError:  # the pattern lets 2026-02-30, month 13, year 0 through
                raise UnprocessableError(
                    "seen_at is not a date and time (UTC, like 2026-03-01T09:30:00Z).", code="invalid_date",
                    details=[{"field": "seen_at", "message": "not a valid date and time"}],
                ) from None
            at = min(max(claimed, now - timedelta(days=1)), now)
        page = VisitedPage(url, (title or "").strip() or None, at)
        if not self.customers.add_visit_page(customer_id, page):
            raise NotFoundError(f"No customer {customer_id!r}.", code="customer_not_found")
        return page

    def get(self, customer_id: str) -> Customer:
        customer = self.customers.get(customer_id)
        if customer is None:
            raise NotFoundError(f"No customer {customer_id!r}.", code="customer_not_found")
        return customer

    def by_email(self, email: str) -> Customer:
        customer = self.customers.get_by_claim(email_claim(normalise_email(email)))
        if customer is None:
            raise NotFoundError("No customer with that e-mail address.", code="customer_not_found")
        return customer

    def many(self, customer_ids: list[str]) -> dict[str, Customer]:
        return self.customers.get_many(customer_ids) if customer_ids else {}


def _name(name: str | None) -> str | None:
    return (name or "").strip() or None

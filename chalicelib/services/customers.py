"""Customers (contacts): one per e-mail address, found or created as mail and tickets arrive."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from ..domain import ids
from ..domain.clock import utcnow
from ..domain.errors import NotFoundError
from ..domain.people import Customer, normalise_email


class CustomerRepository(Protocol):
    def get(self, customer_id: str) -> Customer | None: ...
    def get_by_email(self, email: str) -> Customer | None: ...
    def add(self, customer: Customer) -> bool: ...
    def get_many(self, customer_ids: list[str]) -> dict[str, Customer]: ...


class CustomerService:
    def __init__(self, customers: CustomerRepository, clock: Callable[[], datetime] = utcnow) -> None:
        self.customers = customers
        self.clock = clock

    def find_or_create(self, email: str, name: str | None = None) -> Customer:
        """The customer with this address, created on first contact. Safe under races:
        the address is claimed with a conditional write, and the loser reads the winner."""
        address = normalise_email(email)
        for _ in range(3):
            existing = self.customers.get_by_email(address)
            if existing is not None:
                return existing
            customer = Customer(ids.customer_id(), address, (name or "").strip() or None, self.clock())
            if self.customers.add(customer):
                return customer
        raise RuntimeError(f"customer for {address} could not be created or read")

    def get(self, customer_id: str) -> Customer:
        customer = self.customers.get(customer_id)
        if customer is None:
            raise NotFoundError(f"No customer {customer_id!r}.", code="customer_not_found")
        return customer

    def by_email(self, email: str) -> Customer:
        customer = self.customers.get_by_email(normalise_email(email))
        if customer is None:
            raise NotFoundError("No customer with that e-mail address.", code="customer_not_found")
        return customer

    def many(self, customer_ids: list[str]) -> dict[str, Customer]:
        return self.customers.get_many(customer_ids) if customer_ids else {}

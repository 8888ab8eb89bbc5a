"""Canned responses: the saved replies admins keep and agents insert, filled in for a ticket."""

from __future__ import annotations

from ..domain.canned import CannedResponse, placeholder_values, render
from ..domain.errors import NotFoundError
from ..domain.people import Customer, Principal
from .agents import AgentService
from .customers import CustomerService
from .ports import CannedResponseStore
from .tickets import TicketService


class CannedResponseService:
    def __init__(
        self, store: CannedResponseStore, tickets: TicketService, customers: CustomerService, agents: AgentService
    ) -> None:
        self.store = store
        self.tickets = tickets
        self.customers = customers
        self.agents = agents

    def list(self) -> list[CannedResponse]:
        """Every canned response, by title (as the console's picker shows them)."""
        return sorted(self.store.canned_responses(), key=lambda c: (c.title.casefold(), c.id))

    def put(self, canned_id: str, title: str, body: str) -> CannedResponse:
        """Create or replace one (admins)."""
        return self.store.put_canned_response(canned_id, title.strip(), body)

    def delete(self, canned_id: str) -> None:
        if not self.store.delete_canned_response(canned_id):
            raise _not_found(canned_id)

    def render(self, ticket_reference: str, canned_id: str, by: Principal) -> str:
        """The canned response's text with the ticket's, its customer's and the calling
        agent's details filled in."""
        ticket = self.tickets.get(ticket_reference)
        canned = self.store.canned_response(canned_id)
        if canned is None:
            raise _not_found(canned_id)
        try:
            customer: Customer | None = self.customers.get(ticket.customer_id)
        except NotFoundError:  # an erased customer: the neutral fallbacks apply
            customer = None
        agent = self.agents.find(by.agent_id)
        values = placeholder_values(
            customer_name=customer.name if customer else None,
            customer_email=customer.email if customer else None,
            agent_name=agent.name if agent else None,
            ticket_number=ticket.number,
            ticket_subject=ticket.subject,
        )
        return render(canned.body, values)


def _not_found(canned_id: str) -> NotFoundError:
    return NotFoundError(f"No canned response {canned_id!r}.", code="canned_response_not_found")

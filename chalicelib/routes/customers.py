"""Customers, and what privacy law asks of them: an export of their data, its erasure."""

from __future__ import annotations

import re
from typing import Any

from chalice import Blueprint, Response

from ..bootstrap import container
from ..entrypoints import representations as rep
from ..entrypoints.http import ADMIN, AGENT, Call, operation, path_id
from ..schemas import EMAIL_PATTERN

bp = Blueprint(__name__)

_CUSTOMER_ID = re.compile(r"cus_[a-z0-9]{1,40}")


def _customer_id(value: str) -> str:
    return path_id(value, _CUSTOMER_ID, "No customer {value}.", "customer_not_found")


@operation(
    bp, "GET", "/customers/{customer_id}", summary="A customer", auth=AGENT, response="Customer",
    errors=(404,),
)
def get_customer(call: Call, customer_id: str) -> Any:
    return rep.customer(container().customers.get(customer_id), with_pages=True)


@operation(
    bp, "GET", "/customers", summary="The customer with an e-mail address", auth=AGENT, response="Customer",
    query={"email": {"pattern": EMAIL_PATTERN, "maxLength": 254, "required": True, "description": "an e-mail address"}},
    errors=(404,),
)
def find_customer(call: Call) -> Any:
    return rep.customer(container().customers.by_email(call.query["email"]), with_pages=True)



@operation(
    bp, "GET", "/customers/{customer_id}/export",
    summary="Everything the desk keeps about a customer as one JSON document (admins); "
    "files as download links valid for an hour",
    auth=ADMIN, response="CustomerExport", errors=(404,),
)
def export_customer(call: Call, customer_id: str) -> Any:
    assert call.principal is not None
    archive = container().privacy.export(_customer_id(customer_id), by=call.principal.agent_id)
    return Response(body=archive, status_code=200, headers={
        "Content-Type": "application/json",
        "Content-Disposition": f'attachment; filename="customer-{archive["customer"]["id"]}.json"',
    })


@operation(
    bp, "POST", "/customers/{customer_id}/erase",
    summary="Permanently delete a customer with their tickets, messages, files and mail records "
    "(admins; send their id again as 'confirm')",
    auth=ADMIN, body="CustomerErase", response="CustomerErasure", errors=(404, 422),
)
def erase_customer(call: Call, customer_id: str) -> Any:
    assert call.principal is not None
    return container().privacy.erase(
        _customer_id(customer_id), confirm=call.body["confirm"],
        reason=call.body.get("reason", "customer_request"), by=call.principal.agent_id,
    )

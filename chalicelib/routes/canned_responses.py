"""Canned responses: stored replies, filled in for a ticket."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Response

from ..bootstrap import container
from ..domain.errors import ValidationError
from ..entrypoints import representations as rep
from ..entrypoints.http import ADMIN, AGENT, Call, audit, operation
from .tickets import reference

bp = Blueprint(__name__)


def _canned_id(value: str) -> str:
    """An id is chosen by an admin (``PUT``): one that cannot be an id is a mistake in the
    request, answered as such (400), not as a response that is missing (404)."""
    from urllib.parse import unquote

    from ..domain.canned import CANNED_ID

    if not CANNED_ID.fullmatch(unquote(value)):
        raise ValidationError(
            "A canned response's id is 1 to 40 lower-case letters, digits, '-' and '_', starting with a "
            "letter or digit.",
            details=[{"field": "canned_id", "message": "is not in the expected format"}],
        )
    return unquote(value)


@operation(
    bp, "GET", "/canned-responses", summary="The canned responses, by title", auth=AGENT,
    response="CannedResponseList",
)
def list_canned_responses(call: Call) -> Any:
    return {"items": [rep.canned_response(c) for c in container().canned.list()]}


@operation(
    bp, "PUT", "/canned-responses/{canned_id}", summary="Create or replace a canned response (admins)",
    auth=ADMIN, body="CannedResponsePut", response="CannedResponse", errors=(400, 404),
)
def put_canned_response(call: Call, canned_id: str) -> Any:
    canned = container().canned.put(_canned_id(canned_id), call.body["title"], call.body["body"])
    audit(call, "canned_response.saved", "canned_response", canned.id)
    return rep.canned_response(canned)


@operation(
    bp, "DELETE", "/canned-responses/{canned_id}", summary="Remove a canned response (admins)", auth=ADMIN,
    status=204, errors=(400, 404),
)
def delete_canned_response(call: Call, canned_id: str) -> Any:
    container().canned.delete(_canned_id(canned_id))
    audit(call, "canned_response.deleted", "canned_response", canned_id)
    return Response(body="", status_code=204)


@operation(
    bp, "GET", "/tickets/{ticket_id}/canned-responses/{canned_id}",
    summary="A canned response filled in for this ticket, its customer and you", auth=AGENT,
    response="CannedResponseText", errors=(400, 404),
)
def render_canned_response(call: Call, ticket_id: str, canned_id: str) -> Any:
    assert call.principal is not None
    text = container().canned.render(reference(ticket_id), _canned_id(canned_id), call.principal)
    return {"text": text}

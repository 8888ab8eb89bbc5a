"""Canned responses: stored replies, filled in for a ticket."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Response

from ..bootstrap import container
from ..entrypoints import representations as rep
from ..entrypoints.http import ADMIN, AGENT, Call, operation, path_id
from .tickets import reference

bp = Blueprint(__name__)


def _canned_id(value: str) -> str:
    from ..domain.canned import CANNED_ID

    return path_id(
        value, CANNED_ID,
        "No canned response {value}: ids are lower-case letters, digits, '-' and '_' (at most 40).",
        "canned_response_not_found",
    )


@operation(
    bp, "GET", "/canned-responses", summary="The canned responses, by title", auth=AGENT,
    response="CannedResponseList",
)
def list_canned_responses(call: Call) -> Any:
    return {"items": [rep.canned_response(c) for c in container().canned.list()]}


@operation(
    bp, "PUT", "/canned-responses/{canned_id}", summary="Create or replace a canned response (admins)",
    auth=ADMIN, body="CannedResponsePut", response="CannedResponse", errors=(404,),
)
def put_canned_response(call: Call, canned_id: str) -> Any:
    canned = container().canned.put(_canned_id(canned_id), call.body["title"], call.body["body"])
    return rep.canned_response(canned)


@operation(
    bp, "DELETE", "/canned-responses/{canned_id}", summary="Remove a canned response (admins)", auth=ADMIN,
    status=204, errors=(404,),
)
def delete_canned_response(call: Call, canned_id: str) -> Any:
    container().canned.delete(_canned_id(canned_id))
    return Response(body="", status_code=204)


@operation(
    bp, "GET", "/tickets/{ticket_id}/canned-responses/{canned_id}",
    summary="A canned response filled in for this ticket, its customer and you", auth=AGENT,
    response="CannedResponseText", errors=(404,),
)
def render_canned_response(call: Call, ticket_id: str, canned_id: str) -> Any:
    assert call.principal is not None
    text = container().canned.render(reference(ticket_id), _canned_id(canned_id), call.principal)
    return {"text": text}

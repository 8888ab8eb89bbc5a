"""Reactions to table events that kept failing: list them, run one again, give one up."""

from __future__ import annotations

import re
from typing import Any

from chalice import Blueprint, Response

from ..bootstrap import container
from ..domain.errors import ConflictError
from ..entrypoints import representations as rep
from ..entrypoints.http import ADMIN, Call, audit, operation, path_id

bp = Blueprint(__name__)

_FAILURE_ID = re.compile(r"evf_[0-9a-z]{14,40}")


def _failure_id(value: str) -> str:
    return path_id(value, _FAILURE_ID, "No failed reaction {value}.", "failure_not_found")


@operation(
    bp, "GET", "/events/failed",
    summary="Reactions to events that kept failing (a mail not sent, a webhook refused), newest first "
    "(admins)",
    auth=ADMIN, response="FailedReactionList",
    query={
        "limit": {"pattern": r"[1-9][0-9]?|100", "description": "a number from 1 to 100"},
        "cursor": {"pattern": r"[A-Za-z0-9_-]{1,2048}", "description": "a cursor from a previous page"},
    },
)
def list_failed_events(call: Call) -> Any:
    page = container().table_events.failed(limit=int(call.query.get("limit", "50")), cursor=call.query.get("cursor"))
    return {"items": [rep.failed_reaction(f) for f in page.items], "next_cursor": page.cursor}


@operation(
    bp, "POST", "/events/failed/{failure_id}/replay",
    summary="Run a failed reaction again now (admins); it leaves the list when it succeeds",
    auth=ADMIN, response="Replayed", errors=(404, 409),
)
def replay_failed_event(call: Call, failure_id: str) -> Any:
    failure, error = container().table_events.replay(_failure_id(failure_id))
    audit(call, "event.replayed", "failed_reaction", failure.id, reaction=failure.reaction, succeeded=error is None)
    if error is not None:
        raise ConflictError(
            "It failed again; the reason is in the details. It stays in the list.",
            code="still_failing", details={"error": error},
        )
    return {"replayed": True, "failure": rep.failed_reaction(failure)}


@operation(
    bp, "DELETE", "/events/failed/{failure_id}",
    summary="Give up on a failed reaction (admins)", auth=ADMIN, status=204, errors=(404,),
)
def dismiss_failed_event(call: Call, failure_id: str) -> Any:
    failure = container().table_events.dismiss(_failure_id(failure_id))
    audit(call, "event.dismissed", "failed_reaction", failure.id, reaction=failure.reaction)
    return Response(body="", status_code=204)

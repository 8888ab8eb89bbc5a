"""The chat widget's endpoints, called from customers' pages (CORS: any origin)."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from ..bootstrap import container
from ..domain.clock import to_iso
from ..entrypoints.http import PUBLIC, Call, operation

bp = Blueprint(__name__)


@operation(
    bp, "POST", "/widget/sessions", summary="A visitor token for the chat widget", auth=PUBLIC,
    body="WidgetSessionCreate", response="WidgetSession", status=201, errors=(401,),
    rate_limit="widget_sessions", cors=True,
)
def start_widget_session(call: Call) -> Any:
    settings = container().settings
    session = container().widget.start(call.body)
    hours = container().out_of_hours.availability()
    return {
        **session, "available": container().chat.available(), "websocket_url": settings.websocket_url,
        "open": hours.open, "next_opening": hours.next_opening and to_iso(hours.next_opening),
        "timezone": hours.timezone,
    }


@operation(
    bp, "GET", "/widget/config",
    summary="What the chat widget shows before a session: is its key the desk's, is anyone there, "
    "business hours",
    auth=PUBLIC, response="WidgetConfig",
    query={"key": {"pattern": r"[\x21-\x7e]{1,100}", "description": "the snippet's data-key"}},
    cors=True,
)
def widget_config(call: Call) -> Any:
    hours = container().out_of_hours.availability()
    return {
        "key_valid": container().widget.key_valid(call.query.get("key")),
        "available": container().chat.available(),
        "open": hours.open, "next_opening": hours.next_opening and to_iso(hours.next_opening),
        "timezone": hours.timezone,
    }

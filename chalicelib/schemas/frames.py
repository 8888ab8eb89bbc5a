"""JSON Schemas of the websocket frames a client may send (one per ``action``)."""

from __future__ import annotations

from typing import Any

from ..domain.chat import ATTACHMENT_TYPES, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, MAX_TEXT
from . import MAILABLE_EMAIL, VISIBLE_TEXT

ACTIONS = [
    "ping", "send", "upload", "typing", "read", "join", "leave", "resume", "presence", "transcript", "rate", "page",
    "confirm_email", "handoff",
]

_CONVERSATION = {"type": "string", "pattern": r"^tkt_[a-z0-9]{1,40}$"}
_CLIENT_ID = {
    "type": "string",
    "pattern": r"^[A-Za-z0-9_-]{8,64}$",
    "description": "Chosen by the client, unique per message: a resent frame is stored once.",
}
_SEQ = {"type": "integer", "minimum": 0, "maximum": 10**12}
_ZONE = {"type": "string", "maxLength": 64, "pattern": r"^[A-Za-z][A-Za-z0-9_+\-]*(/[A-Za-z0-9_+\-]+){0,2}$"}


def _frame(action: str, properties: dict[str, Any] | None = None, required: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["action", *required],
        "properties": {"action": {"const": action}, **(properties or {})},
        "additionalProperties": False,
    }


ENVELOPE: dict[str, Any] = {
    "type": "object",
    "required": ["action"],
    "properties": {"action": {"enum": ACTIONS}},
}

FRAMES: dict[str, dict[str, Any]] = {
    "ping": _frame("ping"),
    "send": _frame(
        "send",
        {
            "conversation_id": _CONVERSATION,
            "text": {"type": "string", "minLength": 1, "maxLength": MAX_TEXT, "pattern": VISIBLE_TEXT},
            "client_id": _CLIENT_ID,
            "client_seq": {
                "type": "integer", "minimum": 1, "maximum": 10**9,
                "description": "1, 2, 3, ... for the messages sent on this connection: one is stored only "
                "after the one before it, else it is refused with out_of_order (details.expected_seq).",
            },
            "kind": {"enum": ["reply", "note"], "description": "Agents only; notes never reach visitors."},
            "attachments": {
                "type": "array", "maxItems": MAX_ATTACHMENTS, "uniqueItems": True,
                "items": {"type": "string", "maxLength": 400, "description": "a key from an upload frame"},
            },
            "timezone": {**_ZONE, "description": "The visitor's IANA time zone: out-of-hours notices name times in it."},
            "language": {
                "type": "string", "maxLength": 35, "pattern": r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{1,8}){0,3}$",
                "description": "The widget's language (a BCP 47 tag): the conversation's language when "
                "the visitor's first words are too few to tell.",
            },
            "campaign_id": {
                "type": "string", "pattern": r"^cmp_[a-z0-9]{1,40}$",
                "description": "A visitor's first message answering a campaign's greeting: the greeting "
                "opens the conversation.",
            },
        },
        ("text", "client_id"),
    ),
    "upload": _frame(
        "upload",
        {
            "conversation_id": _CONVERSATION,
            "filename": {"type": "string", "minLength": 1, "maxLength": 200},
            "content_type": {"enum": sorted(ATTACHMENT_TYPES)},
            "size": {"type": "integer", "minimum": 1, "maximum": MAX_ATTACHMENT_BYTES},
        },
        ("conversation_id", "filename", "content_type", "size"),
    ),
    "typing": _frame("typing", {"conversation_id": _CONVERSATION, "state": {"type": "boolean"}}, ("conversation_id", "state")),
    "read": _frame("read", {"conversation_id": _CONVERSATION, "seq": _SEQ}, ("conversation_id", "seq")),
    "join": _frame("join", {"conversation_id": _CONVERSATION}, ("conversation_id",)),
    "leave": _frame("leave", {"conversation_id": _CONVERSATION}, ("conversation_id",)),
    "resume": _frame("resume", {"conversation_id": _CONVERSATION, "after_seq": _SEQ}, ("conversation_id", "after_seq")),
    "presence": _frame("presence", {"status": {"enum": ["online", "away"]}}, ("status",)),
    "transcript": _frame(
        "transcript",
        {"conversation_id": _CONVERSATION, "email": {
            **MAILABLE_EMAIL,
            "description": "Agents only: where to send it. A visitor's transcript goes to their "
            "proven address (an identified visitor's), never to one the frame names."},
            "timezone": {**_ZONE, "description": "The visitor's IANA time zone: the transcript's times are in it "
                         "(else in the zone of their first message, else the business's)."}},
        ("conversation_id",),
    ),
    "handoff": {**_frame("handoff", {"conversation_id": _CONVERSATION}, ("conversation_id",)),
                "description": "A visitor asks for a person: the FAQ bot stops and the conversation goes to the "
                "agents (answered by a handoff frame)."},
    "rate": _frame(
        "rate",
        {
            "conversation_id": _CONVERSATION,
            "score": {"type": "integer", "minimum": 1, "maximum": 5, "description": "1 (poor) to 5 (great)"},
            "comment": {"type": "string", "maxLength": 1000},
            "client_id": _CLIENT_ID,
        },
        ("conversation_id", "score"),
    ),
    "page": _frame(
        "page",
        {
            "url": {"type": "string", "maxLength": 2000, "pattern": r"^https?://[^\x00-\x20\x7f-\x9f]+$",
                    "description": "The page the visitor opened (http or https)."},
            "title": {"type": "string", "maxLength": 200},
            "seen_at": {
                "type": "string", "maxLength": 40,
                "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?Z$",
                "description": "When the visitor opened it, if earlier than now (the widget sends "
                "the pages seen before it connected); kept within the last day.",
            },
        },
        ("url",),
    ),
    "confirm_email": _frame(
        "confirm_email",
        {"conversation_id": _CONVERSATION,
         "email": {**MAILABLE_EMAIL, "description": "The address the visitor typed: a link to confirm it is "
                   "mailed there (a fixed text); opening it sends the transcript."},
         "timezone": _ZONE},
        ("conversation_id", "email"),
    ),
}

_validators: dict[str, Any] = {}


def frame_validator(action: str) -> Any:
    found = _validators.get(action)
    if found is None:
        from jsonschema import Draft202012Validator

        found = Draft202012Validator(ENVELOPE if action == "" else FRAMES[action])
        _validators[action] = found
    return found

"""JSON Schemas (draft 2020-12, as OpenAPI 3.1 uses) of every request and response body.

Request bodies are validated against these before any handler runs; ``/openapi.json`` is
built from the same dictionaries, so the document cannot drift from what is enforced.
"""

from __future__ import annotations

from typing import Any

STATUSES = ["new", "open", "pending", "solved", "closed"]
PRIORITIES = ["low", "normal", "high", "urgent"]
ROLES = ["admin", "agent"]

# Patterns are written to mean the same in Python's `re` (which validates) and in ECMA-262
# (which OpenAPI clients use): explicit classes instead of \s and \S, whose edges differ.
_ADDRESS_PART = r"[^\x00-\x20\x7f-\x9f@<>()\[\]\\,;:\"\u2028\u2029]+"
EMAIL_PATTERN = rf"{_ADDRESS_PART}@{_ADDRESS_PART}\.{_ADDRESS_PART}"  # also a query parameter's
_EMAIL = {
    "type": "string",
    "maxLength": 254,
    "pattern": rf"^{EMAIL_PATTERN}$",
    "description": "An e-mail address.",
}
# An address the desk sends mail to. SES sends to ASCII addresses only (no SMTPUTF8), and
# Python's e-mail package writes a broken message for some others: the local part is an
# RFC 5322 dot-atom of ASCII, the domain's labels are ASCII (an internationalised domain in
# its IDNA form, xn--...). Accepting more would acknowledge mail that can never be sent.
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]"
_LABEL = r"[A-Za-z0-9_-]+"
MAILABLE_EMAIL_PATTERN = rf"{_ATEXT}+(\.{_ATEXT}+)*@{_LABEL}(\.{_LABEL})+"
MAILABLE_EMAIL = {
    **_EMAIL,
    "pattern": rf"^{MAILABLE_EMAIL_PATTERN}$",
    "description": "An e-mail address the desk can mail: ASCII, an internationalised domain in its "
    "IDNA form (xn--...).",
}
VISIBLE_TEXT = r"[^\x00-\x20\x7f-\x9f\u00a0\u2000-\u200b\u2028\u2029\u3000\ufeff]"
_SUBJECT = {"type": "string", "minLength": 1, "maxLength": 250, "pattern": VISIBLE_TEXT}
_BODY = {"type": "string", "minLength": 1, "maxLength": 65536, "pattern": VISIBLE_TEXT}
_TEAM = {"type": ["string", "null"], "pattern": r"^[a-z0-9][a-z0-9-]{0,39}$"}
_AGENT_ID = {"type": ["string", "null"], "minLength": 1, "maxLength": 64}
_TAGS = {
    "type": "array",
    "maxItems": 20,
    "items": {"type": "string", "minLength": 1, "maxLength": 50},
}
_TIME = {"type": "string", "format": "date-time"}
_ZONE = {"type": "string", "pattern": r"^[A-Za-z][A-Za-z0-9_+\-]*(/[A-Za-z0-9_+\-]+){0,2}$",
         "maxLength": 64, "description": "An IANA time zone, e.g. Europe/Berlin."}
# The agent console's languages: the widget's six (domain/phrases.py LANGUAGES); null is the
# browser's best match, else English.
_CONSOLE_LANGUAGE = {"enum": ["en", "de", "fr", "es", "he", "et", None],
                     "description": "The agent console's language; null: the browser's."}
_HTTPS_URL = {
    "type": "string", "maxLength": 500,
    "pattern": r'^https://[^/?#\x00-\x20\x7f-\x9f"<>\\]+([/?#][^\x00-\x20\x7f-\x9f"<>\\]*)?$',
    "description": "An https URL.",
}
_CANNED = {
    "type": "object",
    "required": ["id", "title", "body", "updated_at"],
    "properties": {
        "id": {"type": "string"},
        "title": {"type": "string"},
        "body": {"type": "string", "description": "With placeholders such as {{customer.first_name}}."},
        "updated_at": _TIME,
    },
}

_SLOT = {"type": "string", "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9]-(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$"}
_INSTANT = {"type": "string", "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?Z$"}
_CALENDAR: dict[str, Any] = {
    "type": "object",
    "description": "Business hours: slots per weekday in the calendar's time zone, holidays and closures.",
    "required": ["timezone", "hours"],
    "properties": {
        "name": {"type": "string", "maxLength": 100},
        "timezone": {"type": "string", "pattern": r"^[A-Za-z][A-Za-z0-9_+\-]*(/[A-Za-z0-9_+\-]+){0,2}$",
                     "maxLength": 64, "description": "An IANA time zone, e.g. Europe/Berlin."},
        "hours": {
            "type": "object",
            "description": "Open slots per weekday, e.g. 09:00-17:00; 22:00-02:00 runs past midnight.",
            "propertyNames": {"enum": ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]},
            "additionalProperties": {"type": "array", "maxItems": 8, "items": _SLOT},
        },
        "holidays": {"type": "array", "maxItems": 400, "uniqueItems": True,
                     "items": {"type": "string", "format": "date", "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}},
        "country": {"type": "string", "pattern": "^[A-Z]{2}$",
                    "description": "Add this country's public holidays (ISO 3166 code)."},
        "subdivision": {"type": "string", "pattern": "^[A-Z0-9]{1,5}$", "description": "A state or region, e.g. BY."},
        "closures": {
            "type": "array", "maxItems": 100,
            "description": "Extra closed times: a whole local date (date), or a period (start, end); reason names it.",
            "items": {
                "type": "object",
                "properties": {
                    "start": _INSTANT, "end": _INSTANT,
                    "date": {"type": "string", "format": "date", "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
                             "description": "Closed all day, in the calendar's time zone."},
                    "reason": {"type": "string", "maxLength": 200},
                },
                "oneOf": [{"required": ["start", "end"], "not": {"required": ["date"]}},
                          {"required": ["date"], "not": {"anyOf": [{"required": ["start"]}, {"required": ["end"]}]}}],
                "additionalProperties": False,
            },
        },
    },
    "additionalProperties": False,
}
_ACTION = {
    "type": "object",
    "required": ["action"],
    "properties": {
        "action": {"enum": ["raise_priority", "assign_team", "assign_agent", "add_tag", "notify", "webhook"]},
        "value": {"type": "string", "minLength": 1, "maxLength": 500,
                  "description": "The team, agent id, tag, or webhook URL (https)."},
    },
    "additionalProperties": False,
    "allOf": [
        {"if": {"properties": {"action": {"const": "webhook"}}},
         "then": {"properties": {"value": {"pattern": "^https?://[^\\s]+$"}}, "required": ["value"]}},
        {"if": {"properties": {"action": {"const": "add_tag"}}},
         "then": {"properties": {"value": {"pattern": r"^[a-z0-9][a-z0-9_:\-]{0,49}$"}}, "required": ["value"]}},
        {"if": {"properties": {"action": {"enum": ["assign_team", "assign_agent"]}}},
         "then": {"required": ["value"]}},
    ],
}
_MINUTES = {"type": ["integer", "null"], "minimum": 1, "maximum": 525600}
_POLICY: dict[str, Any] = {
    "type": "object",
    "required": ["id", "targets"],
    "properties": {
        "id": {"type": "string", "pattern": "^[a-z0-9][a-z0-9_-]{0,39}$"},
        "name": {"type": "string", "maxLength": 100},
        "priorities": {"type": "array", "uniqueItems": True, "items": {"enum": ["low", "normal", "high", "urgent"]}},
        "channels": {"type": "array", "uniqueItems": True, "items": {"enum": ["api", "web", "phone", "email", "chat"]}},
        "tags": {"type": "array", "uniqueItems": True, "maxItems": 20,
                 "items": {"type": "string", "pattern": r"^[a-z0-9][a-z0-9_:\-]{0,49}$"}},
        "targets": {
            "type": "object",
            "description": "Minutes (business minutes when business_hours is true).",
            "properties": {"first_response": _MINUTES, "next_response": _MINUTES, "resolution": _MINUTES},
            "additionalProperties": False,
            "minProperties": 1,
        },
        "business_hours": {"type": "boolean", "default": True},
        "calendar": {"type": "string", "pattern": "^[a-z0-9][a-z0-9_-]{0,39}$", "default": "desk"},
        "warn_at_percent": {"type": "integer", "minimum": 1, "maximum": 99, "default": 80},
        "on_warning": {"type": "array", "maxItems": 10, "items": _ACTION},
        "on_breach": {"type": "array", "maxItems": 10, "items": _ACTION},
    },
    "additionalProperties": False,
}

REQUESTS: dict[str, dict[str, Any]] = {
    "LoginRequest": {
        "type": "object",
        "required": ["email", "password"],
        "properties": {
            "email": _EMAIL,
            "password": {"type": "string", "minLength": 1, "maxLength": 256},
            "device": {
                "type": "string", "maxLength": 200,
                "description": "The device token an earlier sign-in to this address gave this browser.",
            },
        },
        "additionalProperties": False,
    },
    "RefreshRequest": {
        "type": "object",
        "required": ["refresh_token"],
        "properties": {"refresh_token": {"type": "string", "minLength": 1, "maxLength": 4096}},
        "additionalProperties": False,
    },
    "AgentCreate": {
        "type": "object",
        "required": ["email", "name", "password"],
        "properties": {
            "email": MAILABLE_EMAIL,
            "name": {"type": "string", "minLength": 1, "maxLength": 100, "pattern": VISIBLE_TEXT},
            "password": {"type": "string", "minLength": 8, "maxLength": 256},
            "role": {"enum": ROLES, "default": "agent"},
        },
        "additionalProperties": False,
    },
    "TicketCreate": {
        "type": "object",
        "required": ["subject", "customer"],
        "properties": {
            "subject": _SUBJECT,
            "body": {**_BODY, "description": "The customer's description: the first message."},
            "customer": {
                "type": "object",
                "required": ["email"],
                "properties": {
                    "email": MAILABLE_EMAIL,
                    "name": {"type": "string", "maxLength": 100},
                },
                "additionalProperties": False,
            },
            "priority": {"enum": PRIORITIES},
            "status": {"enum": ["new", "open", "pending"]},
            "assignee_id": _AGENT_ID,
            "team": _TEAM,
            "tags": _TAGS,
            "channel": {"enum": ["api", "web", "phone", "email", "chat"], "default": "api"},
        },
        "additionalProperties": False,
    },
    "TicketUpdate": {
        "type": "object",
        "minProperties": 1,
        "properties": {
            "subject": _SUBJECT,
            "status": {"enum": STATUSES},
            "priority": {"enum": PRIORITIES},
            "assignee_id": _AGENT_ID,
            "team": _TEAM,
            "tags": _TAGS,
            "version": {
                "type": "integer",
                "minimum": 1,
                "description": "The version the edit was made against (or send If-Match).",
            },
        },
        "additionalProperties": False,
    },
    "WidgetSessionCreate": {
        "type": "object",
        "properties": {
            "token": {
                "type": "string", "maxLength": 4096,
                "description": "The visitor token this browser already holds: renewed, same visitor.",
            },
            "name": {"type": "string", "maxLength": 100},
            "email": MAILABLE_EMAIL,
            "user_id": {
                "type": "string", "minLength": 1, "maxLength": 128,
                "description": "The business's id of a signed-in user; needs user_hash.",
            },
            "user_hash": {
                "type": "string", "pattern": "^[0-9a-fA-F]{64}$",
                "description": "HMAC-SHA256 of user_id with the desk's identity secret, in hex.",
            },
            "email_hash": {
                "type": "string", "pattern": "^[0-9a-fA-F]{64}$",
                "description": "HMAC-SHA256 of 'email:' and the address in lower case, with the desk's "
                "identity secret, in hex: the signed-in user's address is theirs (transcripts go there).",
            },
            "key": {
                "type": "string", "minLength": 1, "maxLength": 100,
                "description": "The desk's public widget key (the snippet's data-key). One that is not "
                "the desk's is refused (401); leaving it out is still accepted, for older snippets.",
            },
        },
        "dependentRequired": {"user_id": ["user_hash"], "user_hash": ["user_id"], "email_hash": ["user_id", "email"]},
        "additionalProperties": False,
    },
    "AgentProfileUpdate": {
        "type": "object",
        "minProperties": 1,
        "description": "What visitors see of an agent; null clears a field (not the name).",
        "properties": {
            "name": {"type": "string", "minLength": 1, "maxLength": 100, "pattern": VISIBLE_TEXT},
            "title": {"type": ["string", "null"], "maxLength": 60, "pattern": r"^[^\x00-\x1f\x7f]*$",
                      "description": "e.g. Support lead"},
            "avatar_url": {**_HTTPS_URL, "type": ["string", "null"]},
            "timezone": {**_ZONE, "type": ["string", "null"]},
            "language": _CONSOLE_LANGUAGE,
        },
        "additionalProperties": False,
    },
    "CannedResponsePut": {
        "type": "object",
        "required": ["title", "body"],
        "properties": {
            "title": {"type": "string", "minLength": 1, "maxLength": 100, "pattern": VISIBLE_TEXT},
            "body": {
                "type": "string", "minLength": 1, "maxLength": 5000, "pattern": VISIBLE_TEXT,
                "description": "Placeholders: {{customer.name}}, {{customer.first_name}}, {{customer.email}}, "
                "{{agent.name}}, {{ticket.number}}, {{ticket.subject}}.",
            },
        },
        "additionalProperties": False,
    },
    "CalendarPut": _CALENDAR,
    "SlaPoliciesPut": {
        "type": "object",
        "required": ["policies"],
        "properties": {"policies": {"type": "array", "maxItems": 50, "items": _POLICY}},
        "additionalProperties": False,
    },
    "MessageCreate": {
        "type": "object",
        "required": ["body"],
        "properties": {
            "body": _BODY,
            "kind": {"enum": ["reply", "note"], "default": "reply"},
            "status": {
                "enum": ["open", "pending", "solved"],
                "description": "Set the ticket's status with the message, e.g. reply and solve.",
            },
        },
        "additionalProperties": False,
    },
    "CustomerErase": {
        "type": "object",
        "required": ["confirm"],
        "properties": {
            "confirm": {
                "type": "string", "maxLength": 64,
                "description": "The customer's id again: erasing cannot be undone.",
            },
            "reason": {
                "enum": ["customer_request", "legal_obligation", "no_longer_needed", "other"],
                "default": "customer_request",
                "description": "Why (kept in the audit log; a choice, so that no personal data ends up there).",
            },
        },
        "additionalProperties": False,
    },
}

RESPONSES: dict[str, dict[str, Any]] = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message", "details"],
                "properties": {
                    "code": {"type": "string"},
                    "message": {"type": "string"},
                    "details": {},
                },
            }
        },
    },
    "Tokens": {
        "type": "object",
        "required": ["token", "access_token", "expires_in", "token_type"],
        "properties": {
            "token": {"type": "string", "description": "Send as 'Authorization: Bearer <token>'."},
            "access_token": {"type": "string"},
            "refresh_token": {"type": "string"},
            "device": {
                "type": "string",
                "description": "Sign-in only: keep it and send it with the next sign-in from this browser "
                               "(failed sign-ins from elsewhere cannot lock this one out).",
            },
            "expires_in": {"type": "integer"},
            "token_type": {"const": "Bearer"},
        },
    },
    "Agent": {
        "type": "object",
        "required": ["id", "email", "name", "role", "created_at", "title", "avatar_url", "timezone"],
        "properties": {
            "id": {"type": "string"},
            "email": {"type": "string"},
            "name": {"type": "string"},
            "role": {"enum": ROLES},
            "presence": {"enum": ["online", "away", "offline"]},
            "created_at": _TIME,
            "title": {"type": ["string", "null"]},
            "avatar_url": {"type": ["string", "null"]},
            "timezone": {"type": ["string", "null"], "description": "The agent's IANA time zone."},
            "language": _CONSOLE_LANGUAGE,
        },
    },
    "AgentList": {
        "type": "object",
        "required": ["items"],
        "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/Agent"}}},
    },
    "Customer": {
        "type": "object",
        "required": ["id", "email", "name", "external_id", "created_at"],
        "properties": {
            "id": {"type": "string"},
            "email": {"type": ["string", "null"]},
            "name": {"type": ["string", "null"]},
            "external_id": {"type": ["string", "null"]},
            "created_at": {"type": ["string", "null"], "format": "date-time"},
            "visit_pages": {
                "type": "array",
                "description": "GET /customers/{customer_id} only: the last pages the chat visitor opened, "
                "newest last (at most 20).",
                "items": {
                    "type": "object",
                    "required": ["url", "title", "at"],
                    "properties": {"url": {"type": "string"}, "title": {"type": ["string", "null"]}, "at": _TIME},
                },
            },
        },
    },
    "Ticket": {
        "type": "object",
        "required": [
            "id", "number", "subject", "status", "priority", "channel", "customer",
            "assignee_id", "team", "tags", "created_at", "updated_at", "last_activity_at",
            "version", "message_count", "csat",
        ],
        "properties": {
            "id": {"type": "string"},
            "number": {"type": "integer"},
            "subject": {"type": "string"},
            "status": {"enum": STATUSES},
            "priority": {"enum": PRIORITIES},
            "channel": {"type": "string"},
            "customer": {"$ref": "#/components/schemas/Customer"},
            "assignee_id": {"type": ["string", "null"]},
            "team": {"type": ["string", "null"]},
            "tags": {"type": "array", "items": {"type": "string"}},
            "created_at": _TIME,
            "updated_at": _TIME,
            "last_activity_at": _TIME,
            "solved_at": {"type": ["string", "null"], "format": "date-time"},
            "closed_at": {"type": ["string", "null"], "format": "date-time"},
            "version": {"type": "integer"},
            "message_count": {"type": "integer"},
            "language": {
                "type": ["string", "null"],
                "description": "The customer's language (ISO 639-1), when detected.",
            },
            "sla": {
                "type": ["object", "null"],
                "description": "The SLA policy that applies and its clocks (null: none applies).",
                "properties": {
                    "policy_id": {"type": "string"},
                    "clocks": {"type": "object", "additionalProperties": {"$ref": "#/components/schemas/SlaClock"}},
                },
            },
            "csat": {
                "type": ["object", "null"],
                "description": "The customer's latest satisfaction rating (chat), null when not rated.",
                "required": ["score", "comment", "rated_at"],
                "properties": {
                    "score": {"type": "integer", "minimum": 1, "maximum": 5},
                    "comment": {"type": ["string", "null"]},
                    "rated_at": _TIME,
                },
            },
            "merged_into": {"type": ["string", "null"],
                            "description": "Merged into this ticket (by id), and closed; null otherwise."},
            "bot": {"enum": ["active", "handed_off", "ended", None],
                    "description": "A chat's FAQ bot: active while it may answer (not yet in the agents' queue), "
                    "handed_off once a person has it, ended if solved while the bot had it; null: never the bot's."},
        },
    },
    "SlaClock": {
        "type": "object",
        "required": ["target_minutes", "due_at", "met_at", "paused", "breached"],
        "properties": {
            "target_minutes": {"type": "integer"},
            "started_at": _TIME,
            "due_at": {"type": ["string", "null"], "format": "date-time", "description": "null while paused or met"},
            "warning_at": {"type": ["string", "null"], "format": "date-time"},
            "met_at": {"type": ["string", "null"], "format": "date-time"},
            "paused": {"type": "boolean"},
            "breached": {"type": "boolean"},
        },
    },
    "TicketList": {
        "type": "object",
        "required": ["items", "next_cursor"],
        "properties": {
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/Ticket"}},
            "next_cursor": {"type": ["string", "null"]},
        },
    },
    "Message": {
        "type": "object",
        "required": [
            "id", "ticket_id", "seq", "kind", "author_type", "author_id", "body", "channel", "created_at",
            "attachments",
        ],
        "properties": {
            "id": {"type": "string"},
            "ticket_id": {"type": "string"},
            "seq": {"type": "integer"},
            "kind": {"enum": ["reply", "note"]},
            "author_type": {"enum": ["agent", "customer", "system", "bot"]},
            "articles": {"type": "array", "description": "The FAQ bot's answer: knowledge-base articles.",
                         "items": {"type": "object", "required": ["slug", "title", "url"],
                                   "properties": {"slug": {"type": "string"}, "title": {"type": "string"},
                                                  "url": {"type": "string"}}}},
            "marker": {"enum": ["handoff"], "description": "What an automatic message marks: handoff, a person "
                       "has the conversation now."},
            "author_id": {"type": ["string", "null"]},
            "body": {"type": "string"},
            "channel": {"type": "string"},
            "created_at": _TIME,
            "attachments": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["filename", "content_type", "size"],
                    "properties": {
                        "filename": {"type": "string"},
                        "content_type": {"type": "string"},
                        "size": {"type": "integer"},
                        "inline": {"type": "boolean", "description": "An image shown inside the mail's HTML."},
                        "url": {"type": "string", "description": "A download link valid for an hour."},
                    },
                },
            },
            "delivery": {
                "type": "object",
                "description": "An agent's reply that goes to the customer by mail: pending until sent; "
                "retrying (with the reason) after a failed attempt; failed once the attempts are used up "
                "(an admin can send it again from GET /events/failed).",
                "required": ["state", "error"],
                "properties": {
                    "state": {"enum": ["pending", "sent", "retrying", "failed"]},
                    "error": {"type": ["string", "null"]},
                },
            },
            "mail": {
                "type": "object",
                "description": "Messages that came by mail (agents only).",
                "required": ["thread_rule", "original_url", "has_html", "body_truncated"],
                "properties": {
                    "thread_rule": {
                        "type": ["string", "null"],
                        "description": "What placed the mail on this ticket.",
                    },
                    "original_url": {"type": "string", "description": "The raw message (.eml), for an hour."},
                    "has_html": {"type": "boolean", "description": "GET .../messages/{seq}/html shows it."},
                    "body_truncated": {
                        "type": "boolean",
                        "description": "The mail was too long for a message: the body is its start, "
                        "GET .../messages/{seq}/text the whole text.",
                    },
                },
            },
        },
    },
    "MessageHtml": {
        "type": "object",
        "required": ["html"],
        "properties": {
            "html": {
                "type": "string",
                "description": "The mail's HTML, sanitised; inline images point at their stored copies. "
                "Show it in a sandboxed iframe.",
            },
        },
    },
    "MessageText": {
        "type": "object",
        "required": ["text", "body_truncated"],
        "properties": {
            "text": {"type": "string", "description": "The message's whole text (its body, unless that is an excerpt)."},
            "body_truncated": {"type": "boolean", "description": "Whether the message's body is an excerpt of it."},
        },
    },
    "MessageList": {
        "type": "object",
        "required": ["items", "next_after"],
        "properties": {
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/Message"}},
            "next_after": {"type": ["integer", "null"]},
        },
    },
    "MessageCreated": {
        "type": "object",
        "required": ["message", "ticket"],
        "properties": {
            "message": {"$ref": "#/components/schemas/Message"},
            "ticket": {"$ref": "#/components/schemas/Ticket"},
        },
    },
    "WidgetSession": {
        "type": "object",
        "required": ["token", "customer_id", "expires_in", "available", "websocket_url"],
        "properties": {
            "token": {"type": "string", "description": "Connect with ?visitor=<token>."},
            "customer_id": {"type": "string"},
            "expires_in": {"type": "integer"},
            "available": {"type": "boolean", "description": "Is an agent online now."},
            "open": {"type": "boolean", "description": "Is it within business hours now."},
            "next_opening": {"type": ["string", "null"], "format": "date-time",
                             "description": "When closed: when the team is back."},
            "timezone": {"type": ["string", "null"], "description": "The business hours' time zone."},
            "websocket_url": {"type": "string"},
        },
    },
    "Calendar": {**_CALENDAR, "required": ["timezone", "hours"]},
    "CalendarList": {
        "type": "object",
        "required": ["items"],
        "properties": {"items": {"type": "object", "additionalProperties": {"$ref": "#/components/schemas/Calendar"}}},
    },
    "SlaPolicies": {
        "type": "object",
        "required": ["policies"],
        "properties": {"policies": {"type": "array", "items": _POLICY}},
    },
    "SlaTick": {
        "type": "object",
        "required": ["tickets_read", "escalations"],
        "properties": {
            "tickets_read": {"type": "integer"},
            "escalations": {"type": "array", "items": {"type": "object"}},
        },
    },
    "CannedResponse": _CANNED,
    "CannedResponseList": {
        "type": "object",
        "required": ["items"],
        "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/CannedResponse"}}},
    },
    "CannedResponseText": {
        "type": "object",
        "required": ["text"],
        "properties": {"text": {"type": "string", "description": "The body with the ticket's details filled in."}},
    },
    "WidgetConfig": {
        "type": "object",
        "required": ["key_valid", "available", "open", "next_opening", "timezone"],
        "properties": {
            "key_valid": {"type": "boolean", "description": "Is this the desk's widget key."},
            "available": {"type": "boolean", "description": "Is an agent online now."},
            "open": {"type": "boolean", "description": "Is it within business hours now."},
            "next_opening": {"type": ["string", "null"], "format": "date-time",
                             "description": "When closed: when the team is back."},
            "timezone": {"type": ["string", "null"], "description": "The business hours' time zone."},
        },
    },
    "Health": {
        "type": "object",
        "required": ["status"],
        "properties": {"status": {"const": "ok"}, "stage": {"type": "string"}},
    },
    "CustomerExport": {
        "type": "object",
        "description": "Everything the desk keeps about a customer (format desk.customer-export/1): "
        "stored fields as they are, files as download links valid until links_expire_at.",
        "required": ["format", "exported_at", "links_expire_at", "audit_id", "customer", "tickets",
                     "messages_on_other_tickets", "mail_suppression", "proven_addresses",
                     "portal_sign_in_links"],
        "properties": {
            "format": {"const": "desk.customer-export/1"},
            "exported_at": _TIME,
            "links_expire_at": _TIME,
            "audit_id": {"type": "string"},
            "customer": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}},
            "tickets": {
                "type": "array",
                "description": "Every ticket of the customer (any channel), with every message and internal note, "
                "the people copied (cc_emails) and the SLA state (sla).",
                "items": {
                    "type": "object",
                    "required": ["id", "number", "subject", "status", "messages"],
                    "properties": {"messages": {"type": "array", "items": {"$ref": "#/components/schemas/ExportedMessage"}}},
                },
            },
            "messages_on_other_tickets": {
                "type": "array",
                "description": "What the customer wrote on other people's tickets (copied on their mail): only their own messages.",
                "items": {
                    "type": "object",
                    "required": ["ticket_id", "number", "messages"],
                    "properties": {"messages": {"type": "array", "items": {"$ref": "#/components/schemas/ExportedMessage"}}},
                },
            },
            "mail_suppression": {
                "type": ["object", "null"],
                "description": "Whether mail to the customer's address is stopped (a permanent bounce or a complaint).",
            },
            "proven_addresses": {
                "type": "array", "items": {"type": "string"},
                "description": "The address the business proved is this customer's (a signed-in user of its site, "
                "email_hash): the portal shows their tickets to whoever signs in with it.",
            },
            "portal_sign_in_links": {
                "type": "array",
                "description": "Sign-in links of the customer portal mailed to the address (never their token).",
                "items": {"type": "object", "properties": {
                    "valid_until": {"type": ["integer", "null"]}, "used_at": {"type": ["integer", "null"]}}},
            },
        },
    },
    "ExportedMessage": {
        "type": "object",
        "required": ["id", "seq", "kind", "author_type", "body", "created_at"],
        "properties": {
            "attachments": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["filename", "content_type", "size", "url"],
                    "properties": {"url": {"type": "string", "description": "A download link, until links_expire_at."}},
                },
            },
            "original_url": {"type": "string", "description": "The original mail (.eml), until links_expire_at."},
            "html_url": {"type": "string", "description": "The mail's HTML, sanitised, until links_expire_at."},
        },
    },
    "CustomerErasure": {
        "type": "object",
        "required": ["customer_id", "erased_at", "audit_id", "removed"],
        "properties": {
            "customer_id": {"type": "string"},
            "erased_at": _TIME,
            "audit_id": {"type": "string", "description": "The audit log's entry of this erasure."},
            "removed": {"type": "object", "additionalProperties": {"type": "integer"},
                        "description": "How many of each thing were removed (tickets, messages, files, ...)."},
        },
    },
    "AuditEntry": {
        "type": "object",
        "required": ["id", "at", "actor", "action", "target", "details"],
        "properties": {
            "id": {"type": "string"},
            "at": _TIME,
            "actor": {"type": "string", "description": "The agent's id ('sla' for escalations; a customer's id for what "
                      "they did themselves, such as closing their request in the portal)."},
            "action": {"type": "string", "description": "e.g. ticket.changed, message.replied, note.added, "
                       "agent.created, calendar.updated, sla_policies.updated, customer.exported, customer.erased"},
            "target": {
                "type": ["object", "null"],
                "properties": {"type": {"type": "string"}, "id": {"type": ["string", "null"]}},
            },
            "details": {"type": "object", "description": "Ids, field names and counts; never personal data."},
        },
    },
    "FailedReaction": {
        "type": "object",
        "required": ["id", "reaction", "event", "error", "attempts", "parked_at"],
        "properties": {
            "id": {"type": "string"},
            "reaction": {"type": "string", "description": "What failed, e.g. mail.send_reply, sla.webhook."},
            "event": {
                "type": "object",
                "description": "The event it reacted to: its name and id, the ticket, and what changed.",
                "required": ["event", "event_id", "ticket_id"],
                "properties": {
                    "event": {"type": "string"}, "event_id": {"type": ["string", "null"]},
                    "ticket_id": {"type": "string"},
                },
            },
            "error": {"type": "string", "description": "The last attempt's error."},
            "attempts": {"type": "integer"},
            "parked_at": _TIME,
        },
    },
    "FailedReactionList": {
        "type": "object",
        "required": ["items", "next_cursor"],
        "properties": {
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/FailedReaction"}},
            "next_cursor": {"type": ["string", "null"]},
        },
    },
    "Replayed": {
        "type": "object",
        "required": ["replayed", "failure"],
        "properties": {
            "replayed": {"type": "boolean", "const": True},
            "failure": {"$ref": "#/components/schemas/FailedReaction"},
        },
    },
    "AuditLog": {
        "type": "object",
        "description": "A month's entries (month), or one id's from every month (target).",
        "required": ["items", "next_cursor"],
        "oneOf": [{"required": ["month"]}, {"required": ["target"]}],
        "properties": {
            "month": {"type": "string"},
            "target": {"type": "string"},
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/AuditEntry"}},
            "next_cursor": {"type": ["string", "null"]},
        },
    },
}

# ---------------------------------------------------------------- the team (routes/team.py, routes/auth.py)
_SLUG = {"type": "string", "pattern": r"^[a-z0-9][a-z0-9-]{0,39}$"}
_INVITE_TOKEN = {"type": "string", "minLength": 1, "maxLength": 200, "pattern": r"^[A-Za-z0-9_.-]+$"}
_NAME = {"type": "string", "minLength": 1, "maxLength": 100, "pattern": VISIBLE_TEXT}
REQUESTS.update({
    "AgentUpdate": {
        "type": "object",
        "minProperties": 1,
        "description": "An admin's change of an agent: role, teams (slugs of existing teams), capacity "
        "(chats at once; null: no limit), languages (e.g. de, pt-BR).",
        "properties": {
            "role": {"enum": ROLES},
            "teams": {"type": "array", "maxItems": 20, "items": _SLUG},
            "capacity": {"type": ["integer", "null"], "minimum": 1, "maximum": 50},
            "languages": {"type": "array", "maxItems": 20,
                          "items": {"type": "string", "pattern": r"^[a-z]{2,3}(-[A-Z]{2})?$"}},
        },
        "additionalProperties": False,
    },
    "InviteCreate": {
        "type": "object",
        "required": ["email"],
        "properties": {
            "email": MAILABLE_EMAIL,
            "role": {"enum": ROLES, "default": "agent"},
            "name": {**_NAME, "description": "How the admin calls them; the invitee chooses their own."},
        },
        "additionalProperties": False,
    },
    "InviteLookup": {
        "type": "object",
        "required": ["token"],
        "properties": {"token": _INVITE_TOKEN},
        "additionalProperties": False,
    },
    "InviteAccept": {
        "type": "object",
        "required": ["token", "name", "password"],
        "properties": {
            "token": _INVITE_TOKEN,
            "name": _NAME,
            "password": {"type": "string", "minLength": 8, "maxLength": 256},
        },
        "additionalProperties": False,
    },
    "TeamPut": {
        "type": "object",
        "required": ["name"],
        "properties": {
            "name": _NAME,
            "members": {"type": "array", "maxItems": 200, "items": {"type": "string", "minLength": 1, "maxLength": 64},
                        "description": "Exactly these agents are in the team (leave out: unchanged)."},
        },
        "additionalProperties": False,
    },
})
RESPONSES["Agent"]["properties"].update({
    "status": {"enum": ["active", "deactivated", "removed"]},
    "teams": {"type": "array", "items": {"type": "string"}},
    "capacity": {"type": ["integer", "null"]},
    "languages": {"type": "array", "items": {"type": "string"}},
})
RESPONSES.update({
    "Invite": {
        "type": "object",
        "required": ["id", "email", "role", "name", "invited_by", "created_at", "valid_until", "expired"],
        "properties": {
            "id": {"type": "string"},
            "email": {"type": "string"},
            "role": {"enum": ROLES},
            "name": {"type": ["string", "null"]},
            "invited_by": {"type": "string"},
            "created_at": _TIME,
            "valid_until": _TIME,
            "expired": {"type": "boolean"},
        },
    },
    "InviteList": {
        "type": "object",
        "required": ["items"],
        "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/Invite"}}},
    },
    "InvitePreview": {
        "type": "object",
        "required": ["email", "role", "valid_until"],
        "properties": {"email": {"type": "string"}, "role": {"enum": ROLES}, "valid_until": _TIME},
    },
    "InviteAccepted": {
        "type": "object",
        "required": ["agent", "token", "access_token", "expires_in", "token_type"],
        "properties": {
            "agent": {"$ref": "#/components/schemas/Agent"},
            "token": {"type": "string"},
            "access_token": {"type": "string"},
            "refresh_token": {"type": "string"},
            "expires_in": {"type": "integer"},
            "token_type": {"const": "Bearer"},
        },
    },
    "Team": {
        "type": "object",
        "required": ["id", "name", "members", "created_at"],
        "properties": {
            "id": {"type": "string"},
            "name": {"type": "string"},
            "members": {"type": "array", "items": {"type": "string"}},
            "created_at": _TIME,
        },
    },
    "TeamList": {
        "type": "object",
        "required": ["items"],
        "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/Team"}}},
    },
})
# ---- the console's settings sections (routes/settings.py, the week preview of routes/calendars.py)
_DAYS = {"type": ["integer", "null"], "minimum": 0, "maximum": 3650,
         "description": "Days after closing; 0 keeps them; null: the deploy's default (DESK_RETENTION_DAYS)."}
REQUESTS["MailSettingsPut"] = {
    "type": "object",
    "required": ["display_name", "signature"],
    "properties": {
        "display_name": {"type": ["string", "null"], "maxLength": 80, "pattern": r"^[^\x00-\x1f\x7f<>\"]*$",
                         "description": "The business's name beside the agent's in From, e.g. Lamp Shop."},
        "signature": {"type": ["string", "null"], "maxLength": 1000, "pattern": r"^[^\x00-\x08\x0b-\x1f\x7f]*$",
                      "description": "Plain text after agents' replies by mail; {{agent.name}} is the agent's name."},
    },
    "additionalProperties": False,
}
REQUESTS["RetentionPut"] = {
    "type": "object",
    "required": ["tickets_days", "chats_days"],
    "properties": {"tickets_days": _DAYS, "chats_days": _DAYS},
    "additionalProperties": False,
}
RESPONSES["MailSettings"] = {
    "type": "object",
    "required": ["support_address", "display_name", "signature"],
    "properties": {
        "support_address": {"type": "string", "description": "Set at deploy (DESK_MAIL_FROM)."},
        "display_name": {"type": ["string", "null"]},
        "signature": {"type": ["string", "null"]},
    },
}
RESPONSES["SendingDns"] = {
    "type": "object",
    "required": ["domain", "records", "checked", "verified", "error"],
    "properties": {
        "domain": {"type": "string"},
        "checked": {"type": "boolean", "description": "Whether SES answered."},
        "verified": {"type": ["boolean", "null"],
                     "description": "Whether SES has verified the domain (null: SES did not answer)."},
        "error": {"type": ["string", "null"]},
        "records": {"type": "array", "items": {
            "type": "object", "required": ["type", "name", "value", "purpose", "status"],
            "properties": {"type": {"type": "string"}, "name": {"type": "string"}, "value": {"type": "string"},
                           "purpose": {"type": "string"}, "status": {"enum": ["present", "missing", "unchecked"]}},
        }},
    },
}
RESPONSES["Retention"] = {
    "type": "object",
    "required": ["tickets_days", "chats_days", "default_days"],
    "properties": {"tickets_days": _DAYS, "chats_days": _DAYS, "default_days": {"type": "integer"}},
}
RESPONSES["PrivacyRequests"] = {
    "type": "object",
    "required": ["items"],
    "properties": {"items": {"type": "array", "items": {
        "type": "object", "required": ["id", "kind", "customer_id", "by", "requested_at", "state"],
        "properties": {
            "id": {"type": "string"}, "kind": {"enum": ["export", "erasure"]}, "customer_id": {"type": "string"},
            "by": {"type": "string"}, "requested_at": _TIME, "completed_at": {"type": ["string", "null"]},
            "state": {"enum": ["in_progress", "completed"]}, "reason": {"type": "string"},
            "audit_id": {"type": "string"}, "counts": {"type": "object"},
        },
    }}},
}
RESPONSES["CalendarWeek"] = {
    "type": "object",
    "required": ["calendar_id", "timezone", "now", "open_now", "next_opening", "days"],
    "properties": {
        "calendar_id": {"type": "string"}, "timezone": {"type": "string"}, "now": _TIME,
        "open_now": {"type": "boolean"}, "next_opening": {"type": ["string", "null"]},
        "days": {"type": "array", "items": {
            "type": "object", "required": ["date", "weekday", "holiday", "closures", "open"],
            "properties": {
                "date": {"type": "string", "format": "date"}, "weekday": {"type": "string"},
                "holiday": {"type": ["string", "null"]}, "closures": {"type": "array", "items": {"type": "string"}},
                "open": {"type": "array", "items": {
                    "type": "object", "required": ["start", "end", "local_start", "local_end"],
                    "properties": {"start": _TIME, "end": _TIME, "local_start": {"type": "string"},
                                   "local_end": {"type": "string"}},
                }},
            },
        }},
    },
}
# ---------------------------------------------------------------- the customer portal

_LANGUAGE = {"enum": ["en", "de", "fr", "es", "he", "et"], "description": "The page's language."}
_FORM_TOKEN = {"type": "string", "maxLength": 200, "pattern": r"^[A-Za-z0-9_.-]+$",
               "description": "From GET /portal/form: names the form and when it was served."}
_ATTACHMENT_TYPE = {"enum": ["application/pdf", "image/gif", "image/jpeg", "image/png", "image/webp", "text/plain"]}
_PORTAL_MESSAGE = {
    "type": "object",
    "required": ["seq", "author", "body", "created_at", "attachments"],
    "properties": {
        "seq": {"type": "integer"},
        "author": {"enum": ["customer", "agent", "system"]},
        "body": {"type": "string"},
        "created_at": _TIME,
        "attachments": {"type": "array", "items": {
            "type": "object", "required": ["filename", "content_type", "size", "url"],
            "properties": {"filename": {"type": "string"}, "content_type": {"type": "string"},
                           "size": {"type": "integer"}, "url": {"type": "string"}},
        }},
    },
}
_PORTAL_TICKET = {
    "type": "object",
    "required": ["number", "subject", "status", "channel", "created_at", "last_activity_at"],
    "properties": {
        "number": {"type": "integer"},
        "subject": {"type": "string"},
        "status": {"enum": STATUSES},
        "channel": {"type": "string"},
        "created_at": _TIME,
        "last_activity_at": _TIME,
        "messages": {"type": "array", "items": _PORTAL_MESSAGE},
    },
}
REQUESTS.update({
    "PortalUploadCreate": {
        "type": "object",
        "required": ["form_token", "filename", "content_type"],
        "properties": {
            "form_token": _FORM_TOKEN,
            "filename": {"type": "string", "minLength": 1, "maxLength": 200},
            "content_type": _ATTACHMENT_TYPE,
        },
        "additionalProperties": False,
    },
    "PortalTicketCreate": {
        "type": "object",
        "required": ["form_token", "email", "subject", "body"],
        "properties": {
            "form_token": _FORM_TOKEN,
            "email": MAILABLE_EMAIL,
            "name": {"type": "string", "maxLength": 100},
            "subject": _SUBJECT,
            "body": {**_BODY, "maxLength": 20000},
            "attachments": {"type": "array", "maxItems": 5, "items": {"type": "string", "maxLength": 400}},
            "language": _LANGUAGE,
            "website": {"type": "string", "maxLength": 200,
                        "description": "Left empty by people (it is hidden); bots fill it in."},
        },
        "additionalProperties": False,
    },
    "PortalLinkCreate": {
        "type": "object",
        "required": ["email"],
        "properties": {"email": MAILABLE_EMAIL, "language": _LANGUAGE},
        "additionalProperties": False,
    },
    "PortalSessionCreate": {
        "type": "object",
        "required": ["token"],
        "properties": {"token": {"type": "string", "minLength": 20, "maxLength": 100, "pattern": r"^[A-Za-z0-9_-]+$"}},
        "additionalProperties": False,
    },
    "PortalReply": {
        "type": "object",
        "required": ["body"],
        "properties": {
            "body": {**_BODY, "maxLength": 20000},
            "attachments": {"type": "array", "maxItems": 5, "items": {"type": "string", "maxLength": 400},
                            "description": "keys from POST /portal/tickets/{number}/uploads, uploaded first"},
        },
        "additionalProperties": False,
    },
    "PortalReplyUploadCreate": {
        "type": "object",
        "required": ["filename", "content_type"],
        "properties": {"filename": {"type": "string", "minLength": 1, "maxLength": 200}, "content_type": _ATTACHMENT_TYPE},
        "additionalProperties": False,
    },
})
RESPONSES.update({
    "PortalForm": {
        "type": "object",
        "required": ["form_token", "min_seconds", "max_files", "max_bytes", "content_types"],
        "properties": {
            "form_token": {"type": "string"}, "min_seconds": {"type": "integer"}, "max_files": {"type": "integer"},
            "max_bytes": {"type": "integer"}, "content_types": {"type": "array", "items": {"type": "string"}},
        },
    },
    "PortalUpload": {
        "type": "object",
        "required": ["key", "url", "fields", "max_bytes"],
        "properties": {"key": {"type": "string"}, "url": {"type": "string"}, "fields": {"type": "object"},
                       "max_bytes": {"type": "integer"}},
    },
    "PortalTicketReceived": {"type": "object", "required": ["number"], "properties": {"number": {"type": "integer"}}},
    "PortalLinkSent": {
        "type": "object", "required": ["sent"],
        "properties": {"sent": {"const": True, "description": "The same for every address."}},
    },
    "PortalSession": {
        "type": "object", "required": ["token", "expires_in", "email"],
        "properties": {"token": {"type": "string"}, "expires_in": {"type": "integer"}, "email": {"type": "string"}},
    },
    "PortalTicket": _PORTAL_TICKET,
    "PortalTicketList": {
        "type": "object", "required": ["email", "items"],
        "properties": {"email": {"type": "string"}, "items": {"type": "array", "items": _PORTAL_TICKET}},
    },
    "PortalMessage": _PORTAL_MESSAGE,
})

# ---- the widget's settings and proactive chat campaigns (chalicelib/domain/campaigns.py)
_LANGUAGES = {"type": "array", "uniqueItems": True, "maxItems": 6,
              "items": {"enum": ["en", "de", "fr", "es", "he", "et"]}}
_PRECHAT_FIELD = {"enum": ["off", "optional", "required"]}
_WIDGET_SETTINGS: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["color", "position", "greeting", "reply_time", "languages", "prechat", "allowed_origins"],
    "properties": {
        "color": {"type": "string", "pattern": r"^#[0-9a-fA-F]{6}$", "description": "The brand colour."},
        "position": {"enum": ["right", "left"], "description": "The bottom corner the widget sits in."},
        "greeting": {"type": ["string", "null"], "minLength": 1, "maxLength": 300, "pattern": VISIBLE_TEXT},
        "reply_time": {"enum": ["minutes", "hours", "day", None],
                       "description": "What the widget says of how soon the team answers."},
        "languages": {**_LANGUAGES, "minItems": 1,
                      "description": "The languages the widget speaks; a visitor's other language gets the first."},
        "prechat": {"type": "object", "additionalProperties": False, "required": ["name", "email"],
                    "properties": {"name": _PRECHAT_FIELD, "email": _PRECHAT_FIELD}},
        "allowed_origins": {
            "type": "array", "maxItems": 50, "uniqueItems": True,
            "items": {"type": "string", "pattern": r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?$"},
            "description": "The sites (origins) that may use the widget; none: any site.",
        },
    },
}
_CAMPAIGN_CONDITIONS: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "url": {"type": ["string", "null"], "maxLength": 300, "pattern": r"^[^\s]+$",
                "description": "'*' is anything; against the page's path, or its whole address if it starts with http."},
        "seconds_on_page": {"type": "integer", "minimum": 0, "maximum": 3600},
        "pages_seen": {"type": "integer", "minimum": 1, "maximum": 100, "description": "at least, this visit"},
        "visitor": {"enum": ["any", "new", "returning"]},
        "business_hours_only": {"type": "boolean"},
        "languages": {**_LANGUAGES, "description": "none: any language"},
    },
}
_CAMPAIGN_ID = {"type": "string", "pattern": r"^cmp_[a-z0-9]{1,40}$"}
REQUESTS.update({
    "WidgetSettings": _WIDGET_SETTINGS,
    "CampaignPut": {
        "type": "object",
        "additionalProperties": False,
        "required": ["name", "message", "agent_id", "conditions"],
        "properties": {
            "name": {"type": "string", "minLength": 1, "maxLength": 80, "pattern": VISIBLE_TEXT},
            "message": {"type": "string", "minLength": 1, "maxLength": 1000, "pattern": VISIBLE_TEXT},
            "agent_id": {"type": "string", "minLength": 1, "maxLength": 64},
            "enabled": {"type": "boolean"},
            "conditions": _CAMPAIGN_CONDITIONS,
        },
    },
    "CampaignShow": {
        "type": "object",
        "additionalProperties": False,
        "required": ["token", "url", "seconds_on_page", "pages_seen", "returning", "language"],
        "properties": {
            "token": {"type": "string", "minLength": 1, "maxLength": 2000, "description": "the visitor token"},
            "url": {"type": "string", "minLength": 1, "maxLength": 2000},
            "seconds_on_page": {"type": "integer", "minimum": 0, "maximum": 86400},
            "pages_seen": {"type": "integer", "minimum": 1, "maximum": 10000},
            "returning": {"type": "boolean"},
            "language": {"type": "string", "maxLength": 8},
        },
    },
})
_CAMPAIGN: dict[str, Any] = {
    "type": "object",
    "required": ["id", "name", "message", "agent_id", "enabled", "conditions", "shown", "replied"],
    "properties": {
        "id": _CAMPAIGN_ID, "name": {"type": "string"}, "message": {"type": "string"},
        "agent_id": {"type": "string"}, "enabled": {"type": "boolean"}, "conditions": _CAMPAIGN_CONDITIONS,
        "shown": {"type": "integer", "description": "visitors greeted"},
        "replied": {"type": "integer", "description": "visitors who answered the greeting"},
    },
}
RESPONSES.update({
    "WidgetSettingsSaved": {
        **_WIDGET_SETTINGS, "additionalProperties": True,
        "properties": {**_WIDGET_SETTINGS["properties"],
                       "widget_key": {"type": "string", "description": "the snippet's data-key (public)"}},
    },
    "Campaign": _CAMPAIGN,
    "CampaignList": {"type": "object", "required": ["items"],
                     "properties": {"items": {"type": "array", "items": _CAMPAIGN}}},
    "CampaignShown": {
        "type": "object", "required": ["show"],
        "properties": {
            "show": {"type": "boolean", "description": "false: this visitor was greeted by this campaign before "
                     "(a visit that does not meet its conditions is refused: 422 campaign_not_eligible)"},
            "message": {"type": "string"},
            "agent": {"type": "object", "description": "name, title, avatar_url"},
        },
    },
})

_validators: dict[str, Any] = {}


def validator(name: str) -> Any:
    """A compiled validator for a request schema; jsonschema is imported on first use only."""
    found = _validators.get(name)
    if found is None:
        from jsonschema import Draft202012Validator

        found = Draft202012Validator(REQUESTS[name])
        _validators[name] = found
    return found


# ---------------------------------------------------------------- daily work: search, merge, bulk
_TAG = {"type": "string", "pattern": r"^[a-z0-9][a-z0-9_:\-]{0,49}$"}
REQUESTS.update({
    "TicketMerge": {
        "type": "object",
        "required": ["into"],
        "properties": {
            "into": {"type": "string", "pattern": r"^(#?[1-9][0-9]{0,11}|tkt_[a-z0-9]{1,40})$",
                     "description": "The ticket (id or number) this one is merged into: same customer."},
            "version": {"type": "integer", "minimum": 1,
                        "description": "The version of this ticket the agent saw (or send If-Match)."},
        },
        "additionalProperties": False,
    },
    "TicketsBulkUpdate": {
        "type": "object",
        "required": ["tickets", "changes"],
        "properties": {
            "tickets": {
                "type": "array", "minItems": 1, "maxItems": 50,
                "items": {
                    "type": "object", "required": ["id"],
                    "properties": {
                        "id": {"type": "string", "pattern": r"^(#?[1-9][0-9]{0,11}|tkt_[a-z0-9]{1,40})$"},
                        "version": {"type": "integer", "minimum": 1,
                                    "description": "The version the agent saw: changed since, it fails alone (409)."},
                    },
                    "additionalProperties": False,
                },
            },
            "changes": {
                "type": "object", "minProperties": 1,
                "properties": {
                    "status": {"enum": STATUSES},
                    "priority": {"enum": PRIORITIES},
                    "assignee_id": _AGENT_ID,
                    "team": _TEAM,
                    "add_tags": {"type": "array", "maxItems": 20, "items": _TAG},
                    "remove_tags": {"type": "array", "maxItems": 20, "items": _TAG},
                },
                "additionalProperties": False,
            },
        },
        "additionalProperties": False,
    },
})
RESPONSES.update({
    "SearchResults": {
        "type": "object",
        "required": ["query", "kind", "terms", "tickets", "customers", "next_cursor"],
        "properties": {
            "query": {"type": "string"},
            "kind": {"enum": ["number", "email", "words"],
                     "description": "What the query was read as: a ticket number, an address, or words."},
            "terms": {"type": "array", "items": {"type": "string"}, "description": "The words looked up."},
            "tickets": {"type": "array", "items": {"$ref": "#/components/schemas/Ticket"}},
            "customers": {"type": "array", "items": {"$ref": "#/components/schemas/Customer"},
                          "description": "The customer an address names, else the customers of the tickets found."},
            "next_cursor": {"type": ["string", "null"]},
        },
    },
    "TicketMerged": {
        "type": "object",
        "required": ["source", "target", "copied"],
        "properties": {
            "source": {"$ref": "#/components/schemas/Ticket"},
            "target": {"$ref": "#/components/schemas/Ticket"},
            "copied": {"type": "integer", "description": "Messages appended to the target."},
        },
    },
    "BulkResult": {
        "type": "object",
        "required": ["results", "succeeded", "failed"],
        "properties": {
            "succeeded": {"type": "integer"},
            "failed": {"type": "integer"},
            "results": {
                "type": "array",
                "items": {
                    "type": "object", "required": ["id", "ok"],
                    "properties": {
                        "id": {"type": "string", "description": "As asked for (an id or a number)."},
                        "ok": {"type": "boolean"},
                        "ticket": {"$ref": "#/components/schemas/Ticket"},
                        "error": {"type": "object", "required": ["code", "message", "details"],
                                  "properties": {"code": {"type": "string"}, "message": {"type": "string"},
                                                 "details": {}}},
                    },
                },
            },
        },
    },
})


# ------------------------------------------------------------------ the knowledge base

_KB_LOCALE = {"type": "string", "pattern": r"^[a-z]{2}$", "description": "A language (ISO 639-1)."}
_KB_SLUG = {"type": "string", "pattern": r"^[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?$"}
_KB_NAME = {"type": "string", "minLength": 1, "maxLength": 120, "pattern": VISIBLE_TEXT}
REQUESTS.update({
    "KbArticlePut": {
        "type": "object",
        "required": ["title", "body"],
        "properties": {
            "title": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": VISIBLE_TEXT},
            # 20,000 characters (about 3,000 words) fit the API's 256 KB body even as JSON escapes
            # (12 bytes for a character beyond the BMP, an emoji): a valid body is never a 413
            "body": {"type": "string", "maxLength": 20000, "description": "Markdown (CommonMark, tables)."},
            "category": {**_KB_SLUG, "description": "A category's slug (PUT /kb/categories/{slug} names it)."},
            "keywords": {"type": "array", "maxItems": 20,
                         "items": {"type": "string", "minLength": 1, "maxLength": 60, "pattern": VISIBLE_TEXT}},
            "status": {"enum": ["draft", "published"]},
            "rev": {"type": "integer", "minimum": 0,
                    "description": "The revision the editor started from: a save since is refused (409)."},
        },
        "additionalProperties": False,
    },
    "KbCategoryPut": {
        "type": "object",
        "required": ["names"],
        "properties": {
            "names": {"type": "object", "minProperties": 1, "maxProperties": 50,
                      "propertyNames": {"pattern": r"^[a-z]{2}$"}, "additionalProperties": _KB_NAME},
            "position": {"type": "integer", "minimum": 0, "maximum": 10000},
        },
        "additionalProperties": False,
    },
    "KbSettingsPatch": {
        "type": "object",
        "minProperties": 1,
        "properties": {
            "default_locale": _KB_LOCALE,
            "editors": {"type": "array", "maxItems": 500, "items": {"type": "string", "minLength": 1, "maxLength": 64}},
            "bot_enabled": {"type": "boolean"},
            "name": {**_KB_NAME, "description": "The help center's name (the business's)."},
            "logo_url": {"type": ["string", "null"], "maxLength": 2000, "pattern": r"^https://[^\s\"'<>]+$"},
            "color": {"type": ["string", "null"], "pattern": r"^#[0-9a-fA-F]{6}$"},
        },
        "additionalProperties": False,
    },
    "HelpFeedback": {
        "type": "object", "required": ["helpful"],
        "properties": {"helpful": {"type": "boolean", "description": "Did the article help?"},
                       "locale": {**_KB_LOCALE, "description": "The version the reader read."}},
        "additionalProperties": False,
    },
    "KbImageUpload": {
        "type": "object", "required": ["filename", "content_type"],
        "properties": {"filename": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": VISIBLE_TEXT},
                       "content_type": {"enum": ["image/png", "image/jpeg", "image/gif", "image/webp"]}},
        "additionalProperties": False,
    },
    "KbPreview": {
        "type": "object", "required": ["body"],
        "properties": {"body": {"type": "string", "maxLength": 20000}}, "additionalProperties": False,
    },
})
_KB_ARTICLE = {
    "type": "object",
    "required": ["slug", "locale", "title", "body", "html", "category", "keywords", "status", "rev", "updated_at",
                 "url"],
    "properties": {
        "slug": _KB_SLUG, "locale": _KB_LOCALE, "title": {"type": "string"},
        "body": {"type": "string", "description": "Markdown."},
        "html": {"type": "string", "description": "The body rendered and sanitised, as readers see it."},
        "category": {"type": "string"}, "keywords": {"type": "array", "items": {"type": "string"}},
        "status": {"enum": ["draft", "published"]}, "rev": {"type": "integer"},
        "updated_at": _TIME, "updated_by": {"type": ["string", "null"]},
        "published_at": {"type": ["string", "null"], "format": "date-time"},
        "url": {"type": "string", "description": "The help-center page (once published)."},
    },
}
RESPONSES.update({
    "KbArticle": _KB_ARTICLE,
    "KbArticleList": {
        "type": "object", "required": ["items"],
        "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/KbArticle"}}},
    },
    "KbRevisionList": {
        "type": "object", "required": ["items"],
        "properties": {"items": {"type": "array", "items": {
            "type": "object", "required": ["rev", "title", "body", "status", "at"],
            "properties": {"rev": {"type": "integer"}, "title": {"type": "string"}, "body": {"type": "string"},
                           "category": {"type": "string"}, "keywords": {"type": "array", "items": {"type": "string"}},
                           "status": {"type": "string"}, "at": _TIME, "by": {"type": ["string", "null"]}}}}},
    },
    "KbCategory": {
        "type": "object", "required": ["slug", "names", "position"],
        "properties": {"slug": _KB_SLUG, "names": {"type": "object", "additionalProperties": {"type": "string"}},
                       "position": {"type": "integer"}},
    },
    "KbCategoryList": {
        "type": "object", "required": ["items"],
        "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/KbCategory"}}},
    },
    "KbSettings": {
        "type": "object", "required": ["default_locale", "editors", "bot_enabled", "name"],
        "properties": {"default_locale": _KB_LOCALE, "editors": {"type": "array", "items": {"type": "string"}},
                       "bot_enabled": {"type": "boolean"}, "name": {"type": "string"},
                       "logo_url": {"type": ["string", "null"]}, "color": {"type": ["string", "null"]},
                       "can_edit": {"type": "boolean", "description": "Whether you may write articles."}},
    },
    "HelpArticle": {
        "type": "object", "required": ["slug", "locale", "title", "html", "url", "locales"],
        "properties": {"slug": _KB_SLUG, "locale": _KB_LOCALE, "title": {"type": "string"},
                       "html": {"type": "string", "description": "Sanitised when saved: safe to show."},
                       "url": {"type": "string", "description": "Its help-center page."},
                       "locales": {"type": "array", "items": _KB_LOCALE, "description": "Published in."}},
    },
    "KbReport": {
        "type": "object", "required": ["days", "totals", "articles", "unanswered"],
        "properties": {
            "days": {"type": "array", "items": {"type": "object", "required": ["date"],
                                                "properties": {"date": {"type": "string", "format": "date"}},
                                                "additionalProperties": {"type": "integer"}},
                     "description": "Each day's counters that are not zero: searches, no_result, views, helpful, "
                     "unhelpful, bot_answers, handoffs, bot_resolved (bot answers 72 hours old with no person "
                     "and no reopening, counted on the day of the answer), answered."},
            "totals": {"type": "object", "additionalProperties": {"type": "integer"}},
            "articles": {"type": "array", "description": "The most viewed articles of the range (20).",
                         "items": {"type": "object", "required": ["slug", "locale"],
                                   "properties": {"slug": {"type": "string"}, "locale": {"type": "string"}},
                                   "additionalProperties": {"type": "integer"}}},
            "unanswered": {"type": "array", "description": "Searches that found nothing, most asked first (20).",
                           "items": {"type": "object", "required": ["query", "count"],
                                     "properties": {"query": {"type": "string"}, "count": {"type": "integer"}}}},
        },
    },
    "KbImage": {
        "type": "object", "required": ["id", "url", "upload", "max_bytes"],
        "properties": {
            "id": {"type": "string"},
            "url": {"type": "string", "description": "The picture's address for the article's Markdown: "
                    "![what it shows](url)."},
            "upload": {"type": "object", "required": ["url", "fields"], "description": "POST the file here "
                       "(multipart, these fields first) within 10 minutes.",
                       "properties": {"url": {"type": "string"}, "fields": {"type": "object"}}},
            "max_bytes": {"type": "integer"},
        },
    },
    "KbPreviewHtml": {"type": "object", "required": ["html"], "properties": {"html": {"type": "string"}}},
    "HelpSearch": {
        "type": "object", "required": ["items"],
        "properties": {"items": {"type": "array", "items": {
            "type": "object", "required": ["slug", "locale", "title", "url", "snippet"],
            "properties": {"slug": _KB_SLUG, "locale": _KB_LOCALE, "title": {"type": "string"},
                           "url": {"type": "string"}, "snippet": {"type": "string"}}}}},
    },
})

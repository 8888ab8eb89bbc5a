"""The chat widget's endpoints, called from customers' pages (CORS: any origin)."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from ..bootstrap import container
from ..domain.clock import to_iso
from ..domain.errors import DeskError
from ..entrypoints.http import ADMIN, PUBLIC, Call, audit, operation, path_id

bp = Blueprint(__name__)

# What a visitor's widget is told of the settings (not the allowed sites: the desk enforces those).
_SHOWN_SETTINGS = ("color", "position", "greeting", "reply_time", "languages", "prechat")


def _origin(call: Call) -> str | None:
    return call.request.headers.get("origin")


@operation(
    bp, "POST", "/widget/sessions", summary="A visitor token for the chat widget", auth=PUBLIC,
    body="WidgetSessionCreate", response="WidgetSession", status=201, errors=(401, 403),
    rate_limit="widget_sessions", cors=True,
)
def start_widget_session(call: Call) -> Any:
    container().widget.check_origin(_origin(call))
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
    "business hours, its look, and the proactive chat campaigns to wait for",
    auth=PUBLIC, response="WidgetConfig", errors=(403,),
    query={"key": {"pattern": r"[\x21-\x7e]{1,100}", "description": "the snippet's data-key"}},
    cors=True,
)
def widget_config(call: Call) -> Any:
    origin = _origin(call)
    if origin is not None:  # a browser on a page elsewhere; a check of the snippet sends none
        container().widget.check_origin(origin)
    hours = container().out_of_hours.availability()
    settings = container().widget.settings(kept=True)  # each page view asks: one read a while per instance
    return {
        "settings": {name: settings[name] for name in _SHOWN_SETTINGS},
        "campaigns": container().campaigns.public(),
        "key_valid": container().widget.key_valid(call.query.get("key")),
        "available": container().chat.available(),
        "open": hours.open, "next_opening": hours.next_opening and to_iso(hours.next_opening),
        "timezone": hours.timezone,
    }


@operation(bp, "GET", "/settings/widget", summary="The chat widget's settings (admins)", auth=ADMIN,
           response="WidgetSettingsSaved")
def get_widget_settings(call: Call) -> Any:
    return {**container().widget.settings(), "widget_key": container().settings.widget_key}


@operation(
    bp, "PUT", "/settings/widget",
    summary="Set the chat widget's look, languages, pre-chat form and allowed sites (admins)",
    auth=ADMIN, body="WidgetSettings", response="WidgetSettingsSaved",
)
def put_widget_settings(call: Call) -> Any:
    before = container().widget.settings()
    saved = container().widget.put_settings(call.body)
    audit(call, "widget_settings.updated", "widget_settings", None,
          fields=sorted(k for k in saved if saved[k] != before.get(k)))
    return {**saved, "widget_key": container().settings.widget_key}


def _campaign_id(value: str) -> str:
    from ..domain.campaigns import CAMPAIGN_ID

    return path_id(value, CAMPAIGN_ID, "No campaign {value}.", "campaign_not_found")


@operation(
    bp, "POST", "/widget/campaigns/{campaign_id}/shown",
    summary="The widget would greet this visitor with a campaign now: the desk checks the conditions "
    "and that it never greeted them before, and answers with the greeting",
    auth=PUBLIC, body="CampaignShow", response="CampaignShown", errors=(401, 403, 404, 422),
    rate_limit="widget_sessions", cors=True,
)
def show_campaign(call: Call, campaign_id: str) -> Any:
    container().widget.check_origin(_origin(call))
    customer_id = container().widget.visitor_tokens.verify(call.body["token"])
    return container().campaigns.show(_campaign_id(campaign_id), customer_id, call.body)
@operation(
    bp, "GET", "/widget/transcripts/confirm",
    summary="A visitor confirms the address they typed for a chat transcript (the link mailed there): "
    "a page asking to confirm, then, with confirm=yes, the transcript is sent",
    auth=PUBLIC, response="text/html", errors=(400, 404, 422, 429), rate_limit="address_confirmation_links",
    query={"token": {"required": True, "maxLength": 1000, "pattern": r"[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+",
                     "description": "the link's token"},
           "confirm": {"enum": ["yes"]}},
)
def confirm_transcript_address(call: Call) -> Any:
    from ..entrypoints.pages import confirmation_page

    use = call.query.get("confirm") == "yes"
    try:
        ticket, address = container().chat.conversations.confirm_address(call.query["token"], use=use)
    except DeskError as error:
        return confirmation_page(error.status, "This link does not work", error.message)
    if use:
        return confirmation_page(200, "Conversation sent",
                                 f"We sent conversation #{ticket.number} to {address}. You may close this page.")
    return confirmation_page(200, "Send me the conversation",
                             f"Send conversation #{ticket.number} to {address}?",
                             form={"token": call.query["token"], "confirm": "yes"})

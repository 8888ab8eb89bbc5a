"""Settings admins set in the console that have no area of their own: how agents' mail is
signed (with the DNS records SES still needs for the support address), how long closed
tickets and chats are kept, and the customers' privacy requests."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from ..bootstrap import container
from ..entrypoints.http import ADMIN, Call, audit, operation

bp = Blueprint(__name__)


@operation(
    bp, "GET", "/settings/mail", summary="The support address, display name and signature (admins)", auth=ADMIN,
    response="MailSettings",
)
def get_mail_settings(call: Call) -> Any:
    return container().desk_settings.mail()


@operation(
    bp, "PUT", "/settings/mail",
    summary="Set the display name and the signature of agents' replies by mail (admins)",
    auth=ADMIN, body="MailSettingsPut", response="MailSettings", errors=(422,),
)
def put_mail_settings(call: Call) -> Any:
    saved = container().desk_settings.put_mail(call.body)
    audit(call, "settings.mail_updated", "settings", "mail",
          fields=sorted(k for k in ("display_name", "signature") if saved.get(k)))
    return saved


@operation(
    bp, "GET", "/settings/mail/dns",
    summary="The DNS records SES needs to send from the support address, each present or missing (admins)",
    auth=ADMIN, response="SendingDns",
)
def get_sending_dns(call: Call) -> Any:
    return container().desk_settings.dns()


@operation(
    bp, "GET", "/settings/retention", summary="How long closed tickets and chats are kept (admins)", auth=ADMIN,
    response="Retention",
)
def get_retention(call: Call) -> Any:
    return container().desk_settings.retention()


@operation(
    bp, "PUT", "/settings/retention", summary="Set how long closed tickets and chats are kept (admins)",
    auth=ADMIN, body="RetentionPut", response="Retention",
)
def put_retention(call: Call) -> Any:
    saved = container().desk_settings.put_retention(call.body)
    audit(call, "settings.retention_updated", "settings", "retention",
          tickets_days=saved["tickets_days"], chats_days=saved["chats_days"])
    return saved


@operation(
    bp, "GET", "/privacy/requests", summary="The latest customer exports and erasures with their state (admins)",
    auth=ADMIN, response="PrivacyRequests",
    query={"limit": {"pattern": r"[1-9][0-9]?|100", "description": "a number from 1 to 100"}},
)
def list_privacy_requests(call: Call) -> Any:
    return {"items": container().privacy.request_log(int(call.query.get("limit", "50")))}

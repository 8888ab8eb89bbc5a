"""Calendars: the desk's and the teams' business hours."""

from __future__ import annotations

import re
from typing import Any

from chalice import Blueprint, Response

from ..bootstrap import container
from ..entrypoints.http import ADMIN, AGENT, Call, audit, operation, path_id

bp = Blueprint(__name__)

_CONFIG_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")


def _calendar_id(value: str) -> str:
    return path_id(
        value, _CONFIG_ID, "No calendar {value}: ids are 'desk' or like 'team-billing'.", "calendar_not_found"
    )


@operation(bp, "GET", "/calendars", summary="Every calendar (business hours)", auth=AGENT, response="CalendarList")
def list_calendars(call: Call) -> Any:
    return {"items": container().calendars.all()}


@operation(
    bp, "GET", "/calendars/{calendar_id}", summary="A calendar: 'desk', or 'team-<team>'", auth=AGENT,
    response="Calendar", errors=(404,),
)
def get_calendar(call: Call, calendar_id: str) -> Any:
    return container().calendars.get(_calendar_id(calendar_id))


@operation(
    bp, "GET", "/calendars/{calendar_id}/week",
    summary="The next 7 days as the desk counts them: open intervals in the calendar's time zone, holidays marked",
    auth=AGENT, response="CalendarWeek", errors=(404,),
)
def get_calendar_week(call: Call, calendar_id: str) -> Any:
    return container().calendars.week(_calendar_id(calendar_id))


@operation(
    bp, "PUT", "/calendars/{calendar_id}", summary="Set business hours (admins): 'desk', or 'team-<team>'",
    auth=ADMIN, body="CalendarPut", response="Calendar", errors=(404, 422),
)
def put_calendar(call: Call, calendar_id: str) -> Any:
    calendar = container().calendars.put(_calendar_id(calendar_id), call.body)
    closed = sorted(c["date"] for c in calendar.get("closures", ()) if "date" in c)
    audit(call, "calendar.updated", "calendar", calendar_id, **({"closed_dates": closed} if closed else {}))
    return calendar


@operation(
    bp, "DELETE", "/calendars/{calendar_id}", summary="Remove a calendar (admins)", auth=ADMIN, status=204,
    errors=(404,),
)
def delete_calendar(call: Call, calendar_id: str) -> Any:
    container().calendars.delete(_calendar_id(calendar_id))
    audit(call, "calendar.deleted", "calendar", calendar_id)
    return Response(body="", status_code=204)

"""The desk's configuration items: calendars (business hours), SLA policies and canned
responses, stored as validated JSON in the ``CONFIG`` partition (one GetItem to read each,
one Query to list)."""

from __future__ import annotations

import json
from typing import Any

from pynamodb.exceptions import DeleteError

from ...domain.canned import CannedResponse
from ...domain.clock import from_iso, to_iso, utcnow
from . import models as m

CONFIG_PK = "CONFIG"
CALENDAR_PREFIX = "CALENDAR#"
POLICIES_SK = "SLA#POLICIES"
CANNED_PREFIX = "CANNED#"
SETTING_PREFIX = "SETTING#"


class DynamoDeskConfig:
    def _get(self, sk: str) -> dict[str, Any] | None:
        try:
            return json.loads(m.ConfigItem.get(CONFIG_PK, sk).data)
        except m.ConfigItem.DoesNotExist:
            return None

    def _put(self, sk: str, data: dict[str, Any]) -> None:
        item = m.ConfigItem(CONFIG_PK, sk)
        item.data = json.dumps(data, separators=(",", ":"), sort_keys=True)
        item.updated_at = to_iso(utcnow())
        item.save()

    def calendar(self, calendar_id: str) -> dict[str, Any] | None:
        """A calendar's stored definition, or None."""
        return self._get(CALENDAR_PREFIX + calendar_id)

    def put_calendar(self, calendar_id: str, data: dict[str, Any]) -> None:
        self._put(CALENDAR_PREFIX + calendar_id, data)

    def delete_calendar(self, calendar_id: str) -> bool:
        try:
            m.ConfigItem(CONFIG_PK, CALENDAR_PREFIX + calendar_id).delete(condition=m.ConfigItem.pk.exists())
        except Exception as error:  # a conditional failure: it was not there
            if "ConditionalCheckFailed" in str(error):
                return False
            raise
        return True

    def calendars(self) -> dict[str, dict[str, Any]]:
        """Every calendar by id (a Query on the config partition)."""
        return {
            item.sk[len(CALENDAR_PREFIX):]: json.loads(item.data)
            for item in m.ConfigItem.query(CONFIG_PK, m.ConfigItem.sk.startswith(CALENDAR_PREFIX))
        }

    def policies(self) -> list[dict[str, Any]]:
        data = self._get(POLICIES_SK)
        return list((data or {}).get("policies", []))

    def put_policies(self, policies: list[dict[str, Any]]) -> None:
        self._put(POLICIES_SK, {"policies": policies})

    # ------------------------------------------------------------- canned responses

    def canned_responses(self) -> list[CannedResponse]:
        """Every canned response (a Query on the config partition), in key order."""
        return [
            _canned(item)
            for item in m.ConfigItem.query(CONFIG_PK, m.ConfigItem.sk.startswith(CANNED_PREFIX))
        ]

    def canned_response(self, canned_id: str) -> CannedResponse | None:
        try:
            return _canned(m.ConfigItem.get(CONFIG_PK, CANNED_PREFIX + canned_id))
        except m.ConfigItem.DoesNotExist:
            return None

    def put_canned_response(self, canned_id: str, title: str, body: str) -> CannedResponse:
        """Create or replace a canned response."""
        item = m.ConfigItem(CONFIG_PK, CANNED_PREFIX + canned_id)
        item.data = json.dumps({"title": title, "body": body}, separators=(",", ":"))
        item.updated_at = to_iso(utcnow())
        item.save()
        return _canned(item)

    def delete_canned_response(self, canned_id: str) -> bool:
        """False if there was none by that id."""
        try:
            m.ConfigItem(CONFIG_PK, CANNED_PREFIX + canned_id).delete(condition=m.ConfigItem.pk.exists())
        except DeleteError as error:
            if getattr(error, "cause_response_code", None) == "ConditionalCheckFailedException":
                return False
            raise
        return True

    # ------------------------------------------------------------- settings

    def setting(self, name: str) -> dict[str, Any] | None:
        """A setting set in the console (``mail``, ``retention``), or None when never set."""
        return self._get(SETTING_PREFIX + name)

    def put_setting(self, name: str, data: dict[str, Any]) -> None:
        self._put(SETTING_PREFIX + name, data)


def _canned(item: m.ConfigItem) -> CannedResponse:
    data = json.loads(item.data)
    return CannedResponse(item.sk[len(CANNED_PREFIX):], data["title"], data["body"], from_iso(item.updated_at))

"""Customers' privacy requests (exports, erasures) and what became of each, newest first:
``PRIVACY`` / ``<requested at>#<request id>``, one Query to list."""

from __future__ import annotations

import json
from typing import Any

from ...domain.clock import to_iso, utcnow
from . import models as m

PRIVACY_PK = "PRIVACY"


class DynamoPrivacyRequests:
    def put_request(self, record: dict[str, Any]) -> None:
        """Store a request's record (again, as its state moves on: same key)."""
        item = m.ConfigItem(PRIVACY_PK, f"{record['requested_at']}#{record['id']}")
        item.data = json.dumps(record, separators=(",", ":"), sort_keys=True)
        item.updated_at = to_iso(utcnow())
        item.save()

    def requests(self, limit: int) -> list[dict[str, Any]]:
        """The latest ``limit`` requests, newest first."""
        return [
            json.loads(item.data)
            for item in m.ConfigItem.query(PRIVACY_PK, scan_index_forward=False, limit=limit, page_size=limit)
        ]

"""The audit log in the desk table: one partition per month (``AUDIT#yyyy-mm``), entries
sorted by time (``<time>#<entry id>``), read a page at a time; and, through the sparse
``audit_by_target`` index, one id's entries (a ticket's, a customer's) across months."""

from __future__ import annotations

import json
from typing import Any

from pynamodb.exceptions import PutError

from ...domain.audit import AuditEntry
from ...domain.clock import from_iso, to_iso
from . import models as m
from .repositories import Page, _conditional_failure, _decode_cursor, _encode_cursor

INDEX = "audit"  # names the listing in cursors
TARGET_INDEX = "audit_by_target"


def _pk(month: str) -> str:
    return f"AUDIT#{month}"


class DynamoAuditStore:
    def add(self, entry: AuditEntry, *, once: bool = False) -> None:
        """Store an entry; ``once``: an entry with this key already stored stays as it is
        (an event delivered again)."""
        item = m.AuditItem(_pk(entry.month), f"{to_iso(entry.at)}#{entry.id}")
        item.id, item.at, item.actor, item.action = entry.id, to_iso(entry.at), entry.actor, entry.action
        item.target_type, item.target_id = entry.target_type, entry.target_id
        item.details = json.dumps(entry.details, separators=(",", ":"), sort_keys=True) if entry.details else None
        try:
            item.save(condition=m.AuditItem.pk.does_not_exist() if once else None)
        except PutError as error:
            if not (once and _conditional_failure(error)):
                raise

    def month(self, month: str, *, limit: int, cursor: str | None, newest_first: bool) -> Page:
        """A month's entries in time order (or newest first), ``limit`` at most."""
        start = _decode_cursor(cursor, INDEX, ("pk", _pk(month))) if cursor else None
        results = m.AuditItem.query(
            _pk(month), scan_index_forward=not newest_first, limit=limit, page_size=limit,
            last_evaluated_key=start,
        )
        return _page(results, INDEX, limit)

    def target(self, target_id: str, *, limit: int, cursor: str | None, newest_first: bool) -> Page:
        """The entries about one id (every month), in time order (or newest first), ``limit``
        at most."""
        start = _decode_cursor(cursor, TARGET_INDEX, ("target_id", target_id)) if cursor else None
        results = m.AuditItem.audit_by_target.query(
            target_id, scan_index_forward=not newest_first, limit=limit, page_size=limit,
            last_evaluated_key=start,
        )
        return _page(results, TARGET_INDEX, limit)


def _page(results: Any, index: str, limit: int) -> Page:
    entries = [
        AuditEntry(
            id=item.id, at=from_iso(item.at), actor=item.actor, action=item.action,
            target_type=item.target_type, target_id=item.target_id,
            details=json.loads(item.details) if item.details else {},
        )
        for item in results
    ]
    key = results.last_evaluated_key
    return Page(entries, _encode_cursor(index, key) if key and len(entries) == limit else None)

"""TransactWriteItems in the emulator at the cost of the items it writes, not of the table.

moto makes a transaction all-or-nothing by deep-copying every table it names, once per
action, before it starts, and putting the copies back if an action fails. That is
O(table size) per transaction: with the desk's one table, creating a ticket (ticket and first
message in one transaction) slowed as the data folder grew, to over half a second at a few
thousand items. Here the undo record holds only what the transaction can touch: for each
action's key, a copy of the item as it was (or its absence), and the length of the table's
stream, so that a transaction that fails leaves the items and the stream exactly as before,
as moto's copy did.

The emulator runs one request at a time (``aws._OneAtATime``), so nothing else reads or
writes a table while a transaction runs or is undone.
"""

from __future__ import annotations

import copy
import types
from typing import Any

_installed = False


def install() -> None:
    """Replace moto's table copy with the per-key undo record (once per process)."""
    global _installed
    if _installed:
        return
    from moto.dynamodb import models
    from moto.dynamodb.models.table import Table

    original = models.DynamoDBBackend.transact_write_items

    def _copy_all_but_tables(value: Any, memo: Any = None) -> Any:
        # moto's transact_write_items is the only user of this module's deepcopy of a table;
        # it puts the "copy" back on failure, which is then the live table, already undone.
        return value if isinstance(value, Table) else copy.deepcopy(value, memo)

    models.copy = types.SimpleNamespace(deepcopy=_copy_all_but_tables)  # type: ignore[attr-defined]

    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
        undo = _undo_record(self, transact_items)
        try:
            original(self, transact_items)
        except BaseException:
            _roll_back(undo)
            raise

    models.DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]
    _installed = True


def _undo_record(backend: Any, transact_items: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """What each action's item is now, and each table's stream length, before any action runs."""
    from moto.dynamodb.models.dynamo_type import DynamoType

    undo: list[tuple[Any, ...]] = []
    streams: dict[int, tuple[Any, int]] = {}
    for action in transact_items[:100]:  # moto refuses more, before it writes anything
        if not isinstance(action, dict) or len(action) != 1:
            continue
        op = next(iter(action.values()))
        table = backend.tables.get(op.get("TableName")) if isinstance(op, dict) else None
        if table is None:
            continue
        attrs = op.get("Item") if "Item" in op else op.get("Key")
        try:
            hash_value = DynamoType(attrs[table.hash_key_attr])
            range_value = DynamoType(attrs[table.range_key_attr]) if table.range_key_attr else None
            before = table.get_item(hash_value, range_value)
        except Exception:  # a key moto will refuse: that action never writes
            continue
        undo.append(("item", table, hash_value, range_value, copy.deepcopy(before)))
        shard = table.stream_shard
        if shard is not None and id(table) not in streams:
            streams[id(table)] = (shard, len(shard.items))
    undo.extend(("stream", shard, length) for shard, length in streams.values())
    return undo


def _roll_back(undo: list[tuple[Any, ...]]) -> None:
    # In reverse: an item named twice ends as it was before the first action.
    for entry in reversed(undo):
        if entry[0] == "stream":
            _, shard, length = entry
            del shard.items[length:]
            continue
        _, table, hash_value, range_value, before = entry
        if range_value is None:
            if before is None:
                table.items.pop(hash_value, None)
            else:
                table.items[hash_value] = before
        elif before is None:
            bucket = table.items.get(hash_value)
            if bucket is not None:
                bucket.pop(range_value, None)
                if not bucket:
                    del table.items[hash_value]
        else:
            table.items[hash_value][range_value] = before

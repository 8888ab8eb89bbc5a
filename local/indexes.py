"""Global secondary index queries in the emulator at the cost of the partitions that can be in
the index, not of the whole table.

moto answers a Query on a GSI by looking at every item of the table. The desk keeps everything
in one table, and most of its items are in no index at all (the search index's ``SEARCH#``
entries: tens per message), so every list of tickets slowed as the data grew: five
``GET /tickets`` took 0.27 s on an empty table and 3.2 s at 125,000 search entries, while the
emulator, which runs one request at a time, held everyone else up.

A Query on the table's own key is worse: moto sorts the whole table to find one partition.
Here it reads that partition alone (moto still checks each item's key and sorts the result).

For GSI queries, a table remembers which of its partitions hold no item with any GSI's hash key attribute
(an item without it is in no GSI), and a GSI query skips them. A partition is forgotten as
index-free as soon as anything is put in it or updated in it (PutItem, UpdateItem, and what
BatchWriteItem, TransactWriteItems and PartiQL do through them); a delete cannot put an item
into an index. It is found index-free again the next time a GSI query reads it whole.
The emulator runs one request at a time (``aws._OneAtATime``), so no write lands mid-query.
"""

from __future__ import annotations

import inspect
from typing import Any

_installed = False


def install() -> None:
    """Patch moto's Table and backend (once per process)."""
    global _installed
    if _installed:
        return
    from moto.dynamodb import models
    from moto.dynamodb.models.dynamo_type import DynamoType
    from moto.dynamodb.models.table import Table

    original_query = Table.query
    signature = inspect.signature(original_query)
    original_all_items = Table.all_items
    original_put = Table.put_item
    original_update = models.DynamoDBBackend.update_item

    def query(self: Any, *args: Any, **kwargs: Any) -> Any:
        arguments = signature.bind(self, *args, **kwargs).arguments
        index_name = arguments.get("index_name")
        if index_name is None and arguments.get("hash_key") is not None and self.range_key_attr:
            self._desk_partition = arguments["hash_key"]  # the table's own key: one partition
            try:
                return original_query(self, *args, **kwargs)
            finally:
                self._desk_partition = None
        if index_name not in {index.name for index in self.global_indexes}:
            return original_query(self, *args, **kwargs)
        self._desk_gsi_query = True
        try:
            return original_query(self, *args, **kwargs)
        finally:
            self._desk_gsi_query = False

    def all_items(self: Any) -> list[Any]:
        partition = getattr(self, "_desk_partition", None)
        if partition is not None:
            return list(self.items[partition].values()) if partition in self.items else []
        if not getattr(self, "_desk_gsi_query", False) or not self.range_key_attr:
            return original_all_items(self)
        free = _index_free(self)
        attributes = {key["AttributeName"] for index in self.global_indexes for key in index.schema
                      if key["KeyType"] == "HASH"}
        items: list[Any] = []
        for hash_value, partition in self.items.items():
            if hash_value in free:
                continue
            before = len(items)
            items.extend(partition.values())
            if not any(name in item.attrs for item in items[before:] for name in attributes):
                free.add(hash_value)
        return items

    def put_item(self: Any, item_attrs: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        _forget(self, item_attrs.get(self.hash_key_attr), DynamoType)
        return original_put(self, item_attrs, *args, **kwargs)

    def update_item(self: Any, table_name: str, key: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        table = self.tables.get(table_name)
        if table is not None:
            _forget(table, key.get(table.hash_key_attr), DynamoType)
        return original_update(self, table_name, key, *args, **kwargs)

    Table.query = query  # type: ignore[method-assign]
    Table.all_items = all_items  # type: ignore[method-assign]
    Table.put_item = put_item  # type: ignore[method-assign]
    models.DynamoDBBackend.update_item = update_item  # type: ignore[method-assign]
    _installed = True


def _index_free(table: Any) -> set[Any]:
    """The table's partitions known to hold no GSI key (reset if moto replaced its items, as a
    restore from a backup does)."""
    known = getattr(table, "_desk_index_free", None)
    if known is None or known[0] is not table.items:
        known = (table.items, set())
        table._desk_index_free = known
    return known[1]


def _forget(table: Any, hash_attribute: Any, dynamo_type: Any) -> None:
    if not isinstance(hash_attribute, dict):
        return
    try:
        _index_free(table).discard(dynamo_type(hash_attribute))
    except Exception:  # a malformed key: moto refuses the write itself
        return

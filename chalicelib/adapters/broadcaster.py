"""Pushes frames to websocket connections through API Gateway's management API.

Built on boto3's ``apigatewaymanagementapi`` client with the endpoint from configuration (the
deployed API's in AWS, the local gateway's on a laptop), so that any function - a websocket
handler, a REST route, a schedule, mail ingestion - can push, which Chalice's own
``websocket_api`` cannot (it only works inside websocket handlers)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from .aws_client import LazyClient


class ApiGatewayBroadcaster(LazyClient):
    MAX_PARALLEL = 16

    def __init__(self, client_factory: Callable[[], Any]) -> None:
        super().__init__(client_factory)
        self._pool: ThreadPoolExecutor | None = None
        self.posts = 0  # management API calls made (read by the load benchmark)

    def send(self, connection_ids: Iterable[str], payload: bytes) -> list[str]:
        """Post ``payload`` to every connection, in parallel; returns the ids that are gone
        (410), which the caller removes. Any other failure of one post is raised."""
        targets = list(dict.fromkeys(connection_ids))
        if not targets:
            return []
        if len(targets) == 1:
            return [targets[0]] if not self._post(targets[0], payload) else []
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self.MAX_PARALLEL, thread_name_prefix="desk-push")
        results = list(self._pool.map(lambda cid: (cid, self._post(cid, payload)), targets))
        return [cid for cid, delivered in results if not delivered]

    def _post(self, connection_id: str, payload: bytes) -> bool:
        self.posts += 1
        try:
            self.client.post_to_connection(ConnectionId=connection_id, Data=payload)
        except self.client.exceptions.GoneException:
            return False
        return True

    def alive(self, connection_id: str) -> bool:
        """Whether the gateway still has the connection (GET @connections/{id})."""
        try:
            self.client.get_connection(ConnectionId=connection_id)
        except self.client.exceptions.GoneException:
            return False
        return True

    def close(self, connection_id: str) -> None:
        try:
            self.client.delete_connection(ConnectionId=connection_id)
        except self.client.exceptions.GoneException:
            pass

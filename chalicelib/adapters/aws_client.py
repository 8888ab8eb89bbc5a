"""The one shape every AWS adapter shares: a boto3 client built on first use (imports and
client construction are cold-start time; a function that never mails never builds SES)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class LazyClient:
    def __init__(self, client_factory: Callable[[], Any]) -> None:
        self._client_factory = client_factory
        self._client: Any = None

    @property
    def client(self) -> Any:
        if self._client is None:
            self._client = self._client_factory()
        return self._client

"""Running the session's stack with other settings for one test, as a deployed function
would get them (environment variables), and at a chosen instant."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

_stack: Any = None


def use_stack(stack: Any) -> None:
    global _stack
    _stack = stack


def settle(timeout: float = 90.0) -> None:
    """Wait until the reactions to everything written so far have run: they run from the
    table's stream, after the request that made the change has answered (as in AWS).
    Everything: what a bulk test just before wrote too. On the emulator the requests now
    outrun the stream's reactions (bench/chat_load.py), so a worker's backlog can take over
    30 s to work off; a stream that is stuck still fails here."""
    if _stack is not None:
        _stack.settle(timeout)


@contextmanager
def desk_settings(**env: str | None) -> Iterator[object]:
    """The app reads these variables (``None``: unset) until the block ends; the container is
    rebuilt on the way in and out, as a cold start would."""
    from chalicelib import bootstrap

    saved = {name: os.environ.get(name) for name in env}
    try:
        for name, value in env.items():
            _set(name, value)
        bootstrap.reset()
        yield bootstrap.container().settings
    finally:
        for name, value in saved.items():
            _set(name, value)
        bootstrap.reset()


@contextmanager
def desk_clock(at: datetime) -> Iterator[list[datetime]]:
    """The services' 'now' is ``at`` (change ``clock[0]`` to move it) until the block ends."""
    from chalicelib import bootstrap
    from chalicelib.domain.clock import utcnow

    clock = [at]
    bootstrap.use_clock(lambda: clock[0])
    try:
        yield clock
    finally:
        bootstrap.use_clock(utcnow)


def _set(name: str, value: str | None) -> None:
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = value

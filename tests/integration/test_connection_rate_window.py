"""The per-connection rate window under concurrency: frames of one connection are processed
concurrently and sometimes late, and must never be refused for that alone."""

from __future__ import annotations

import pytest

from chalicelib.domain.chat import Participant, ParticipantRole
from chalicelib.domain.clock import to_iso
from chalicelib.domain.errors import RateLimitedError


def test_a_late_frame_counts_in_the_newer_window_and_the_limit_still_holds(stack):
    from chalicelib import bootstrap

    connections = bootstrap.container().chat.connections.store
    who = Participant(ParticipantRole.VISITOR, "cus_late", "LateConn0=")
    connections.add(who, to_iso(bootstrap.now()), 40)
    try:
        assert connections.admit_frame("LateConn0=", 1000) is not None  # opens window 1000
        assert connections.admit_frame("LateConn0=", 999) is not None  # computed earlier, run later
        for _ in range(38):
            assert connections.admit_frame("LateConn0=", 1000) is not None
        with pytest.raises(RateLimitedError):
            connections.admit_frame("LateConn0=", 999)
        with pytest.raises(RateLimitedError):
            connections.admit_frame("LateConn0=", 1000)
        assert connections.admit_frame("LateConn0=", 1001) is not None  # a new window
    finally:
        connections.remove("LateConn0=")
    assert connections.admit_frame("LateConn0=", 1002) is None  # unknown connection

"""Issue #12, item 10 (local stack only): the API server takes a burst of connections."""

from __future__ import annotations

import http.client
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

CONCURRENT = 50


def test_50_concurrent_requests_are_all_answered_without_a_retransmitted_connect(stack):
    # With a listen backlog of 5, connections beyond it are dropped (Linux: the client's SYN
    # is retransmitted a second later, so the connect takes > 1 s; macOS resets them).
    start = threading.Barrier(CONCURRENT)

    def one(_: int) -> tuple[float, int]:
        start.wait()
        began = time.monotonic()
        sock = socket.create_connection((stack.settings.host, stack.settings.http_port), timeout=0.9)
        connected = time.monotonic() - began
        conn = http.client.HTTPConnection(stack.settings.host, stack.settings.http_port, timeout=60)
        conn.sock = sock
        conn.request("GET", "/health")
        status = conn.getresponse().status
        conn.close()
        return connected, status

    with ThreadPoolExecutor(CONCURRENT) as pool:
        results = list(pool.map(one, range(CONCURRENT)))
    assert [status for _, status in results] == [200] * CONCURRENT
    assert max(connected for connected, _ in results) < 0.9

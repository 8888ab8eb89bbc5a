"""The local API server (local/http.py) as a newcomer running ``make dev`` meets it."""

from __future__ import annotations

import socket
import struct
import time
from urllib.parse import urlsplit

import requests


def test_a_client_that_goes_away_mid_request_prints_no_traceback(stack, capfd):
    """A browser leaving a page resets its connections: that is no error of the desk's, and
    the terminal of `make dev` shows no traceback for it. The server still answers after."""
    url = urlsplit(stack.api_url)
    capfd.readouterr()
    for _ in range(3):
        client = socket.create_connection((url.hostname, url.port))
        client.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")  # the request is not finished ...
        client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        client.close()  # ... and the connection is reset
    time.sleep(0.5)  # the server's threads read the reset
    assert requests.get(f"{stack.api_url}/health", timeout=10).status_code == 200
    err = capfd.readouterr().err
    assert "Traceback" not in err and "ConnectionResetError" not in err, err

"""Issue #12, item 10 (local stack only): the API server takes a burst of connections, and
the local outbox shows every mail the desk sent, whatever its addresses look like."""

from __future__ import annotations

import http.client
import socket
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from email.message import EmailMessage

import boto3

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


# Addresses the API used to accept, as the desk's mailer writes them into a message (RFC 2047
# encoded words), on which Python's e-mail parser fails: IndexError, and TypeError twice.
AWKWARD = [
    "/\u0436\u03a9b?\ufeff|/b!$?\xad9^~%+'0{\xa0_'\U0001f600@'ycz9!!\U0001f600%.^\u2060\u0436",
    ".M0.!ytu6{j+*/!RJFD8yJN0XEySd9C8xTe@'dmeVmoVTwF1gn*ZEh55APhASlL`+vjvLoy-HY.G6",
    ".@\u00e9\xa0%\u03a9&+\u2060\xa0=!by|$!y\u03a9{\ufeff*~\u0436\ufeff`\ufeff.1.'\xad!",
]


def test_the_outbox_shows_mail_to_any_address(stack, anonymous):
    ses = boto3.client("ses", endpoint_url=stack.aws.endpoint, region_name="us-east-1")
    sent = []
    for address in AWKWARD:
        mail = EmailMessage()  # as chalicelib/services/mail.py writes a reply
        mail["From"] = "Support <support@desk.localhost>"
        mail["To"] = address
        mail["Subject"] = f"Awkward {uuid.uuid4().hex[:8]}"
        mail.set_content("Hello.", cte="quoted-printable")
        answer = ses.send_raw_email(
            Source="support@desk.localhost", Destinations=[address], RawMessage={"Data": mail.as_bytes()}
        )
        sent.append(answer["MessageId"])

    r = anonymous.get("/_local/outbox.json")
    assert r.status_code == 200, r.text[:500]
    shown = {m["id"]: m for m in r.json()["items"]}
    # (The first message's To header is folded without indentation by Python itself: what
    # follows it reads as the body. The outbox shows the message as it is.)
    for ses_id, address in zip(sent, AWKWARD, strict=True):
        assert address in shown[ses_id]["to"]
        assert "Hello." in shown[ses_id]["text"]
    page = anonymous.get("/_local/outbox")
    assert page.status_code == 200 and "Outbox" in page.text

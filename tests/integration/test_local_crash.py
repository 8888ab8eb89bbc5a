"""Issue #12: what the local stack acknowledged survives ``kill -9``.

A 201, an ack frame and an SMTP 250 mean stored durably, in AWS and in ``make dev`` alike.
The stack runs as ``make dev`` runs it (``python -m local``, a data folder, its own ports),
is killed with SIGKILL right after the writes (long before an autosave), and is started again
on the same folder: everything acknowledged is there, and nothing is handed out twice."""

from __future__ import annotations

import os
import signal
import smtplib
import subprocess
import sys
import time
import uuid
from email.message import EmailMessage
from pathlib import Path

import requests

from tests.e2e.chat_client import ChatClient
from tests.integration.test_local_stack import free_port

ROOT = Path(__file__).resolve().parents[2]
ADMIN = {"email": "admin@crash.example", "password": "Crash-tests-Passw0rd"}


def start(data_dir: Path, ports: dict[str, int]) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "DESK_"))}
    env.update(
        DESK_DATA_DIR=str(data_dir), DESK_ADMIN_EMAIL=ADMIN["email"], DESK_ADMIN_PASSWORD=ADMIN["password"],
        PYTHONUNBUFFERED="1", **{f"DESK_{name.upper()}_PORT": str(port) for name, port in ports.items()},
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "local"], cwd=ROOT, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    lines = []
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
        if "Press Ctrl-C to stop" in line:
            return proc
    proc.kill()
    raise AssertionError("the stack did not start:\n" + "".join(lines))


def kill(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    proc.stdout.close()


def sign_in(api: str, email: str, password: str) -> requests.Response:
    return requests.post(f"{api}/auth/login", json={"email": email, "password": password}, timeout=30)


def test_everything_acknowledged_survives_kill_9(tmp_path):
    ports = {name: free_port() for name in ("http", "ws", "smtp", "aws", "demo")}
    api = f"http://127.0.0.1:{ports['http']}"
    ws = f"ws://127.0.0.1:{ports['ws']}"
    u = uuid.uuid4().hex[:8]

    proc = start(tmp_path, ports)
    try:
        r = sign_in(api, ADMIN["email"], ADMIN["password"])
        assert r.status_code == 200, r.text
        admin = {"Authorization": f"Bearer {r.json()['token']}"}

        ticket = requests.post(
            f"{api}/tickets", json={"subject": f"Kept {u}", "customer": {"email": f"t-{u}@example.com"}},
            headers=admin, timeout=30,
        )
        assert ticket.status_code == 201, ticket.text

        session = requests.post(f"{api}/widget/sessions", json={"email": f"v-{u}@example.com"}, timeout=30)
        assert session.status_code == 201, session.text
        visitor = ChatClient(ws, visitor=session.json()["token"])
        try:
            ack = visitor.say(f"Chat {u}")
        finally:
            visitor.ws.close()

        mail = EmailMessage()
        mail["From"], mail["To"], mail["Subject"] = f"m-{u}@example.com", "support@desk.localhost", f"Mail {u}"
        mail.set_content("Acknowledged with 250.")
        with smtplib.SMTP("127.0.0.1", ports["smtp"], timeout=60) as client:
            refused = client.send_message(mail)  # raises unless the server answered 250
        assert refused == {}

        password = "Agent-crash-Passw0rd"
        agent = requests.post(
            f"{api}/agents", json={"email": f"a-{u}@crash.example", "name": "Kim Kept", "password": password},
            headers=admin, timeout=30,
        )
        assert agent.status_code == 201, agent.text
    finally:
        kill(proc)  # at once: no autosave ran (the first is 30 s after the start)

    proc = start(tmp_path, ports)
    try:
        r = sign_in(api, ADMIN["email"], ADMIN["password"])
        assert r.status_code == 200, r.text
        admin = {"Authorization": f"Bearer {r.json()['token']}"}

        again = requests.get(f"{api}/tickets/{ticket.json()['number']}", headers=admin, timeout=30)
        assert again.status_code == 200, again.text
        assert again.json()["subject"] == f"Kept {u}"

        chat = requests.get(f"{api}/tickets/{ack['conversation_id']}/messages", headers=admin, timeout=30)
        assert chat.status_code == 200, chat.text
        assert [m["body"] for m in chat.json()["items"]] == [f"Chat {u}"]

        customer = requests.get(f"{api}/customers", params={"email": f"m-{u}@example.com"}, headers=admin, timeout=30)
        assert customer.status_code == 200, customer.text
        from_mail = requests.get(f"{api}/tickets", params={"customer": customer.json()["id"]}, headers=admin, timeout=30)
        assert [t["subject"] for t in from_mail.json()["items"]] == [f"Mail {u}"]

        agents = requests.get(f"{api}/agents", headers=admin, timeout=30)
        assert agent.json()["id"] in {a["id"] for a in agents.json()["items"]}, agents.text
        assert sign_in(api, f"a-{u}@crash.example", password).status_code == 200  # Cognito and the table agree

        conversation = requests.get(f"{api}/tickets/{ack['conversation_id']}", headers=admin, timeout=30).json()
        numbers = {ticket.json()["number"], conversation["number"], from_mail.json()["items"][0]["number"]}
        after = requests.post(
            f"{api}/tickets", json={"subject": f"After {u}", "customer": {"email": f"t-{u}@example.com"}},
            headers=admin, timeout=30,
        )
        assert after.status_code == 201, after.text
        assert after.json()["number"] > max(numbers), "a ticket number is handed out again"
    finally:
        kill(proc)

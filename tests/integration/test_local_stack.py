"""``make dev``'s process as a newcomer meets it: it prints its URLs and the admin's
credentials once, answers, keeps data across a restart, and stops cleanly on Ctrl-C."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(data_dir: Path, http_port: int, aws_port: int) -> tuple[subprocess.Popen, str]:
    env = {
        k: v for k, v in os.environ.items()
        if not k.startswith(("AWS_", "DESK_"))
    }
    env.update(
        DESK_HTTP_PORT=str(http_port), DESK_AWS_PORT=str(aws_port), DESK_DATA_DIR=str(data_dir),
        DESK_WS_PORT=str(free_port()), DESK_SMTP_PORT=str(free_port()), PYTHONUNBUFFERED="1",
        DESK_DEMO_PORT=str(free_port()),  # not 8003: another desk on the machine may hold it
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "local"], cwd=ROOT, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    lines = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
        if "Press Ctrl-C to stop" in line:
            return proc, "".join(lines)
    proc.kill()
    raise AssertionError("the stack did not start:\n" + "".join(lines))


def stop(proc: subprocess.Popen) -> str:
    proc.send_signal(signal.SIGINT)
    try:
        out, _ = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGUSR1)  # the stack prints every thread's stack: where it hangs
        try:
            out, _ = proc.communicate(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, _ = proc.communicate()
        raise AssertionError("the stack did not stop within 30 s of Ctrl-C:\n" + out[-12000:]) from None
    assert proc.returncode == 0, out
    return out


def test_the_stack_prints_urls_keeps_data_and_stops_cleanly(tmp_path):
    http_port, aws_port = free_port(), free_port()
    api = f"http://127.0.0.1:{http_port}"
    proc, banner = start(tmp_path, http_port, aws_port)
    try:
        assert f"{api}/health" in banner and f"{api}/openapi.json" in banner
        assert "ws://127.0.0.1:" in banner and "smtp://127.0.0.1:" in banner and "/_local/outbox" in banner
        assert f"http://127.0.0.1:{aws_port}" in banner
        email = re.search(r"e-mail:\s+(\S+)", banner).group(1)
        password = re.search(r"password:\s+(\S+)", banner).group(1)
        assert requests.get(f"{api}/health", timeout=10).json()["status"] == "ok"
        token = requests.post(f"{api}/auth/login", json={"email": email, "password": password}, timeout=10).json()["token"]
        created = requests.post(
            f"{api}/tickets",
            json={"subject": "Survives a restart", "customer": {"email": "kept@example.com"}},
            headers={"Authorization": f"Bearer {token}"}, timeout=10,
        ).json()
    finally:
        out = stop(proc)
    assert "Stopped in " in out
    assert "Traceback" not in out

    proc, banner = start(tmp_path, http_port, aws_port)
    try:
        assert password not in banner, "the admin's password is printed only once"
        assert email in banner
        token = requests.post(f"{api}/auth/login", json={"email": email, "password": password}, timeout=10).json()["token"]
        again = requests.get(f"{api}/tickets/{created['number']}", headers={"Authorization": f"Bearer {token}"}, timeout=10)
        assert again.status_code == 200 and again.json()["subject"] == "Survives a restart"
        nxt = requests.post(
            f"{api}/tickets",
            json={"subject": "Numbering goes on", "customer": {"email": "kept@example.com"}},
            headers={"Authorization": f"Bearer {token}"}, timeout=10,
        ).json()
        assert nxt["number"] == created["number"] + 1
        assert nxt["customer"]["id"] == created["customer"]["id"]
    finally:
        stop(proc)


def test_a_busy_port_is_a_clear_message_not_a_traceback(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "DESK_"))}
        env.update(
            DESK_HTTP_PORT=str(free_port()), DESK_AWS_PORT=str(port), DESK_DATA_DIR=str(tmp_path),
            DESK_WS_PORT=str(free_port()), DESK_SMTP_PORT=str(free_port()),
        )
        result = subprocess.run(
            [sys.executable, "-m", "local"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
        )
    assert result.returncode == 1
    assert "Could not start the desk" in result.stderr and "Traceback" not in result.stderr

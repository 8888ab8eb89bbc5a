"""What the local emulator's write-ahead journal costs (local/journal.py): every AWS request
that may change state is fsynced to the data folder before moto answers it.

Two measures, each with the journal off (no data folder: what the tests run) and on (``make
dev``), each in a fresh process (moto's state is global to a process):

- the emulator alone: ``--writes`` DynamoDB PutItems of a ~300-byte item over HTTP, one at a
  time and from 8 threads, then as many GetItems (reads are not journaled); ms per request,
  requests/s, and the bytes the journal grew by per write;
- the whole stack: ``--tickets`` tickets created with ``POST /tickets`` (each is several
  DynamoDB writes, and the table's stream reactions write more), ms per ticket and the
  journal entries per ticket once the reactions have settled.

    .venv/bin/python bench/local_journal.py [--writes 500] [--tickets 50]

The journal's cost is mostly the disk's: an fdatasync per write, under the emulator's lock
(requests run one at a time anyway), so the number depends on the machine's disk.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

_RESULT = "LOCAL-JOURNAL-RESULT "


def _journal_bytes(folder: str | None) -> tuple[int, int]:
    """Bytes and entries in the folder's journals."""
    if folder is None:
        return 0, 0
    from local import journal as wal

    paths = sorted(Path(folder).glob("aws-state-journal-*.log"))
    return sum(p.stat().st_size for p in paths), sum(1 for p in paths for _ in wal.entries(str(p)))


def emulator(journal: bool, writes: int) -> dict[str, Any]:
    import boto3

    from local.aws import AwsEmulator

    folder = tempfile.mkdtemp(prefix="desk-bench-") if journal else None
    emu = AwsEmulator("127.0.0.1", 0, os.path.join(folder, "aws-state.pickle") if folder else None)
    emu.start()
    ddb = boto3.client("dynamodb", endpoint_url=emu.endpoint, region_name="us-east-1")
    ddb.create_table(
        TableName="bench", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST",
    )
    filler = "x" * 250

    def put(i: int) -> None:
        ddb.put_item(TableName="bench", Item={"pk": {"S": f"item-{i}"}, "body": {"S": filler}})

    def get(i: int) -> None:
        ddb.get_item(TableName="bench", Key={"pk": {"S": f"item-{i}"}})

    for i in range(20):  # warm the connection pool and moto's code paths
        put(-i - 1)
    before, _ = _journal_bytes(folder)
    started = time.perf_counter()
    for i in range(writes):
        put(i)
    sequential = time.perf_counter() - started
    after, _ = _journal_bytes(folder)
    with ThreadPoolExecutor(8) as pool:
        started = time.perf_counter()
        list(pool.map(put, range(writes, 2 * writes)))
        threaded = time.perf_counter() - started
    started = time.perf_counter()
    for i in range(writes):
        get(i)
    reads = time.perf_counter() - started
    emu.stop()
    return {
        "put_ms": 1000 * sequential / writes, "put_per_s_8_threads": writes / threaded,
        "get_ms": 1000 * reads / writes, "bytes_per_put": (after - before) / writes,
    }


def stack(journal: bool, tickets: int) -> dict[str, Any]:
    import requests

    from chalicelib.config import RATE_LIMITS, LocalSettings
    from local.stack import Stack

    for name in RATE_LIMITS:
        os.environ[f"DESK_RATE_LIMIT_{name.upper()}"] = "off"
    folder = tempfile.mkdtemp(prefix="desk-bench-")
    settings = LocalSettings(
        host="127.0.0.1", http_port=0, ws_port=0, smtp_port=0, aws_port=0, data_dir=folder,
        admin_email="admin@bench.example", admin_password="Bench-admin-Passw0rd", demo_port=0,
    )
    running = Stack(settings, persist=journal, run_schedules=False)
    running.start()
    api = running.api_url
    token = requests.post(f"{api}/auth/login", json={"email": settings.admin_email, "password": settings.admin_password}, timeout=30).json()["token"]
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"

    def create(i: int) -> None:
        r = session.post(f"{api}/tickets", json={"subject": f"Bench {i}", "customer": {"email": f"c{i}@bench.example"}}, timeout=30)
        assert r.status_code == 201, r.text

    for i in range(5):
        create(-i - 1)
    running.settle()
    _, entries_before = _journal_bytes(folder if journal else None)
    started = time.perf_counter()
    for i in range(tickets):
        create(i)
    elapsed = time.perf_counter() - started
    running.settle()
    _, entries_after = _journal_bytes(folder if journal else None)
    running.stop()
    return {"ticket_ms": 1000 * elapsed / tickets, "journal_entries_per_ticket": (entries_after - entries_before) / tickets}


def disk_sync_ms(rounds: int = 300) -> float:
    """This disk's price of one append + fdatasync of a journal entry's size, for scale."""
    with tempfile.TemporaryDirectory(prefix="desk-bench-") as folder:
        fd = os.open(os.path.join(folder, "probe"), os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        try:
            started = time.perf_counter()
            for _ in range(rounds):
                os.write(fd, b"x" * 1400)
                os.fdatasync(fd)
            return 1000 * (time.perf_counter() - started) / rounds
        finally:
            os.close(fd)


def child(kind: str, journal: bool, count: int) -> dict[str, Any]:
    args = [sys.executable, __file__, "--child", kind, "--journal" if journal else "--no-journal", "--count", str(count)]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "DESK_"))}
    env.update(AWS_ACCESS_KEY_ID="local", AWS_SECRET_ACCESS_KEY="local", AWS_DEFAULT_REGION="us-east-1")
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800)
    for line in done.stdout.splitlines():
        if line.startswith(_RESULT):
            return json.loads(line[len(_RESULT):])
    raise SystemExit(f"the {kind} run failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--writes", type=int, default=500)
    parser.add_argument("--tickets", type=int, default=50)
    parser.add_argument("--child", choices=("emulator", "stack"))
    parser.add_argument("--journal", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--count", type=int, default=0)
    args = parser.parse_args()
    if args.child:
        run = emulator if args.child == "emulator" else stack
        print(_RESULT + json.dumps(run(args.journal, args.count)), flush=True)
        return

    print(f"This disk: append + fdatasync of 1.4 kB in {disk_sync_ms():.2f} ms")
    off, on = child("emulator", False, args.writes), child("emulator", True, args.writes)
    print(f"Emulator alone, {args.writes} DynamoDB PutItems of ~300 bytes (journal off -> on):")
    print(f"  PutItem, one at a time   {off['put_ms']:7.2f} ms -> {on['put_ms']:7.2f} ms "
          f"({on['put_ms'] - off['put_ms']:+.2f} ms per write)")
    print(f"  PutItem, 8 threads       {off['put_per_s_8_threads']:7.0f}/s -> {on['put_per_s_8_threads']:7.0f}/s")
    print(f"  GetItem (not journaled)  {off['get_ms']:7.2f} ms -> {on['get_ms']:7.2f} ms")
    print(f"  journal bytes per PutItem: {on['bytes_per_put']:.0f}")
    off, on = child("stack", False, args.tickets), child("stack", True, args.tickets)
    print(f"Whole stack, {args.tickets} x POST /tickets (journal off -> on):")
    print(f"  per ticket               {off['ticket_ms']:7.1f} ms -> {on['ticket_ms']:7.1f} ms")
    print(f"  journal entries per ticket, with its stream reactions: {on['journal_entries_per_ticket']:.1f}")


if __name__ == "__main__":
    main()

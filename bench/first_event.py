"""What a function instance's first event costs: the AWS clients it builds, its DynamoDB
requests and its time, for each kind of event the desk's functions handle.

Each event is handled in a fresh Python process (a Lambda cold start: ``import app``, then
the handler Lambda calls, given the event Lambda would deliver), pointed at a local stack
this script starts (moto's server over the real wire protocol, the websocket gateway). The
child counts the botocore clients it creates and the calls each makes; the time of import
plus first event is set against the bare dependencies' import time (``import chalice, boto3,
pynamodb``, as in ``bench/import_time.py``), medians of ``--runs``. The bar: one DynamoDB
client per instance, whatever the event (PynamoDB would build one per model class).

    .venv/bin/python bench/first_event.py [--runs 5]

A new kind of event is one more ``Kind`` in ``KINDS``: the name of its handler in ``app.py``
and a function that prepares its event in the stack (and checks what the event did).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

ADMIN = ("admin@bench.example", "Bench-admin-Passw0rd")
EVENTS = ROOT / "tests" / "fixtures" / "aws-events"  # real event shapes (see their README)
_RESULT = "FIRST-EVENT-RESULT "  # marks the child's result line among the app's logs
BASELINE = "import chalice, boto3, pynamodb"  # the bare dependencies (bench/import_time.py's)
BASELINE_CHILD = "-"
MAX_DYNAMODB_CLIENTS = 1


def sample(name: str) -> dict[str, Any]:
    return json.loads((EVENTS / f"{name}.json").read_text())


# ---------------------------------------------------------------- in the bench's process


class Desk:
    """The running local stack, as the kinds' preparations use it."""

    def __init__(self, stack: Any, admin: tuple[str, str]) -> None:
        self.stack = stack
        self.admin = admin

    def call(self, method: str, path: str, body: Any = None, token: str | None = None) -> dict[str, Any]:
        from urllib.request import Request, urlopen

        headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})}
        data = None if body is None else json.dumps(body).encode()
        with urlopen(Request(self.stack.api_url + path, data, headers, method=method), timeout=30) as response:
            return json.loads(response.read())

    @cached_property
    def agent_token(self) -> str:
        email, password = self.admin
        return self.call("POST", "/auth/login", {"email": email, "password": password})["token"]

    @cached_property
    def container(self) -> Any:
        from chalicelib import bootstrap

        return bootstrap.container()


@dataclass(frozen=True)
class Prepared:
    event: dict[str, Any]
    # Given the handler's return value: what the event did, or AssertionError if it did not.
    check: Callable[[Any], str]
    cleanup: Callable[[], None] = lambda: None


@dataclass(frozen=True)
class Kind:
    name: str
    handler: str  # the name in app.py that Lambda invokes ("app": the REST API)
    prepare: Callable[[Desk], Prepared]


def _http_request(desk: Desk) -> Prepared:
    """An agent opens a ticket: POST /tickets, as API Gateway's proxy integration delivers it."""
    from chalice.local import LambdaEventConverter, RouteMatcher

    import app as desk_app

    body = {"subject": "Lamp never arrived", "customer": {"email": f"{uuid.uuid4().hex[:8]}@bench.example"},
            "body": "Ordered two weeks ago."}
    converter = LambdaEventConverter(RouteMatcher(list(desk_app.app.routes)))
    event = converter.create_lambda_event(
        "POST", "/tickets", {"Authorization": f"Bearer {desk.agent_token}", "Content-Type": "application/json"},
    )
    event["body"] = json.dumps(body)

    def check(response: Any) -> str:
        assert response["statusCode"] == 201, response
        return f"{response['statusCode']} #{json.loads(response['body'])['number']}"

    return Prepared(event, check)


def _websocket_frame(desk: Desk) -> Prepared:
    """A chat visitor's first message, on a connection the gateway's $connect (in this process)
    registered; the ack the cold process posts must reach the visitor's socket."""
    import websocket

    token = desk.call("POST", "/widget/sessions", {})["token"]
    gateway = desk.stack.gateway
    before = set(gateway.connections)
    ws = websocket.create_connection(f"{gateway.url}/?visitor={token}", timeout=10)
    deadline = time.monotonic() + 5
    while not set(gateway.connections) - before and time.monotonic() < deadline:
        time.sleep(0.01)  # the gateway records the connection just after the handshake
    (connection_id,) = set(gateway.connections) - before
    client_id = uuid.uuid4().hex
    event = sample("apiGatewayWebSocketMessage")
    event["requestContext"].update(
        routeKey="$default", connectionId=connection_id, apiId=gateway.api_id, stage=gateway.stage,
        domainName=f"{gateway.host}:{gateway.port}", connectedAt=int(time.time() * 1000),
    )
    event["body"] = json.dumps({"action": "send", "text": "Hello, is anyone there?", "client_id": client_id})

    def check(response: Any) -> str:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            frame = json.loads(ws.recv())
            assert frame.get("type") != "error", frame
            if frame.get("type") == "ack" and frame.get("client_id") == client_id:
                return f"ack, message {frame['message']['seq']}"
        raise AssertionError("the visitor got no ack")

    return Prepared(event, check, cleanup=ws.close)


def _inbound_mail(desk: Desk) -> Prepared:
    """A customer's mail to the support address: SES stored it in S3, then invokes the function."""
    from email.message import EmailMessage

    support = desk.container.settings.mail_from
    ses_id = uuid.uuid4().hex
    mail = EmailMessage()
    mail["From"] = f"Ann <ann-{ses_id[:8]}@bench.example>"
    mail["To"] = support
    mail["Subject"] = "Where is my order?"
    mail["Message-ID"] = f"<{ses_id}@bench.example>"
    mail.set_content("Hello, my order has not arrived yet.\n\nAnn\n")
    desk.container.files.put_bytes(f"mail/inbound/{ses_id}", mail.as_bytes(), "message/rfc822")
    event = sample("sesEvent")
    event["Records"][0]["ses"]["mail"].update(messageId=ses_id, destination=[support])
    event["Records"][0]["ses"]["receipt"]["recipients"] = [support]

    def check(response: Any) -> str:
        (result,) = response["results"]
        assert result["outcome"] == "ticketed", response
        return result["outcome"]

    return Prepared(event, check)


def _sla_tick(desk: Desk) -> Prepared:
    """EventBridge's minute schedule."""
    event = {
        "version": "0", "id": str(uuid.uuid4()), "detail-type": "Scheduled Event", "source": "aws.events",
        "account": "123456789012", "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "region": "us-east-1", "resources": ["arn:aws:events:us-east-1:123456789012:rule/desk-sla_tick"],
        "detail": {},
    }

    def check(response: Any) -> str:
        assert "tickets_read" in response, response
        return f"{response['tickets_read']} due"

    return Prepared(event, check)


def _stream_batch(desk: Desk) -> Prepared:
    """The table's stream: a batch with a new ticket and an agent's reply on it, as Lambda
    reads them (the local poller holds back meanwhile, so this process handles them first)."""
    desk.stack.settle(120)  # what was written before (a bulk test's backlog) is handled first:
    pause = desk.stack.streams.paused()  # the batch read below is then this ticket's
    pause.__enter__()
    ticket = desk.call("POST", "/tickets", {
        "subject": "Stream bench", "customer": {"email": f"{uuid.uuid4().hex[:8]}@bench.example"},
        "body": "Where is it?",
    }, token=desk.agent_token)
    desk.call("POST", f"/tickets/{ticket['id']}/messages", {"body": "On its way.", "kind": "note"},
              token=desk.agent_token)
    records = desk.stack.streams.peek()
    mine = [r for r in records if r["dynamodb"]["Keys"]["pk"]["S"] == f"TICKET#{ticket['id']}"]
    assert len(mine) >= 3, mine  # the ticket, its note, the ticket's counter moving on

    def check(response: Any) -> str:
        assert response == {"batchItemFailures": []}, response
        return f"{len(mine)} records"

    return Prepared({"Records": mine}, check, cleanup=lambda: pause.__exit__(None, None, None))


KINDS: tuple[Kind, ...] = (
    Kind("HTTP POST /tickets", "app", _http_request),
    Kind("websocket frame", "ws_message", _websocket_frame),
    Kind("inbound mail", "mail_inbound", _inbound_mail),
    Kind("SLA tick", "sla_tick", _sla_tick),
    Kind("stream batch", "table_events", _stream_batch),
)


@dataclass(frozen=True)
class Measurement:
    kind: str
    outcome: str
    clients: dict[str, int]  # botocore clients built, by service
    calls: dict[str, dict[str, int]]  # requests, by service and operation
    import_seconds: float
    event_seconds: float

    @property
    def dynamodb_clients(self) -> int:
        return self.clients.get("dynamodb", 0)

    @property
    def seconds(self) -> float:
        return self.import_seconds + self.event_seconds


def measure(stack: Any, kind: Kind, admin: tuple[str, str] = ADMIN) -> Measurement:
    """Handle one event of ``kind`` as the first event of a fresh process."""
    prepared = kind.prepare(Desk(stack, admin))
    try:
        result = _cold(["--child", kind.handler], json.dumps(prepared.event), kind.name)
        outcome = prepared.check(result.pop("response"))
    finally:
        prepared.cleanup()
    return Measurement(kind.name, outcome, **result)


def baseline_seconds() -> float:
    """The bare dependencies' import time, in a fresh process started the same way."""
    return _cold(["--child", BASELINE_CHILD], "null", "baseline")["import_seconds"]


def _cold(args: list[str], stdin: str, what: str) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    out = subprocess.run(
        [sys.executable, __file__, *args], input=stdin, cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=120,
    )
    lines = [line for line in out.stdout.splitlines() if line.startswith(_RESULT)]
    if out.returncode != 0 or not lines:
        raise RuntimeError(f"{what}: the cold process failed\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}")
    return json.loads(lines[-1][len(_RESULT):])


# ---------------------------------------------------------------- in the cold process


def _count_clients(clients: dict[str, int], calls: dict[str, dict[str, int]]) -> None:
    """Count every botocore client this process creates, and each one's API calls: a
    measuring shim, installed before anything else is imported."""
    from botocore.client import ClientCreator

    create_client = ClientCreator.create_client

    def counting_create_client(self: Any, service_name: str, *args: Any, **kwargs: Any) -> Any:
        client = create_client(self, service_name, *args, **kwargs)
        clients[service_name] = clients.get(service_name, 0) + 1
        by_operation = calls.setdefault(service_name, {})

        def count_call(model: Any, **_: Any) -> None:
            by_operation[model.name] = by_operation.get(model.name, 0) + 1

        client.meta.events.register("before-call", count_call)
        return client

    ClientCreator.create_client = counting_create_client  # type: ignore[method-assign]


class _LambdaContext:
    function_name = "desk-first-event"
    function_version = "$LATEST"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:desk-first-event"
    memory_limit_in_mb = 512
    aws_request_id = str(uuid.uuid4())
    log_group_name = "/aws/lambda/desk-first-event"
    log_stream_name = "bench"

    def get_remaining_time_in_millis(self) -> int:
        return 29_000


def _child(handler: str) -> None:
    event = json.loads(sys.stdin.read())
    clients: dict[str, int] = {}
    calls: dict[str, dict[str, int]] = {}
    started = time.perf_counter()
    if handler == BASELINE_CHILD:
        exec(BASELINE)
        print(_RESULT + json.dumps({"import_seconds": time.perf_counter() - started}), flush=True)
        return
    _count_clients(clients, calls)
    import app

    imported = time.perf_counter()
    response = getattr(app, handler)(event, _LambdaContext())
    handled = time.perf_counter()
    print(_RESULT + json.dumps({
        "response": response, "clients": clients, "calls": calls,
        "import_seconds": imported - started, "event_seconds": handled - imported,
    }), flush=True)


# ---------------------------------------------------------------- the report


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{name} {n}" for name, n in sorted(counts.items())) or "-"


def report(runs: dict[str, list[Measurement]], baseline: list[float]) -> str:
    base = statistics.median(baseline)
    rows = [("first event", "DynamoDB clients", "other clients", "import ms", "event ms", "x baseline", "outcome")]
    for name, measured in runs.items():
        first = measured[0]
        others = {s: n for s, n in first.clients.items() if s != "dynamodb"}
        rows.append((
            name, str(max(m.dynamodb_clients for m in measured)), _counts(others),
            f"{statistics.median(m.import_seconds for m in measured) * 1000:.0f}",
            f"{statistics.median(m.event_seconds for m in measured) * 1000:.0f}",
            f"{statistics.median(m.seconds for m in measured) / base:.2f}", first.outcome,
        ))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    lines += ["", "DynamoDB requests of the first event, by operation:"]
    lines += [f"  {name:<{widths[0]}}  {_counts(measured[0].calls.get('dynamodb', {}))}" for name, measured in runs.items()]
    lines += ["", f"baseline: {BASELINE} in {base * 1000:.0f} ms (medians of {len(baseline)} fresh processes each)"]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child)
        return 0

    # The desk's request logs are not the report (the cold processes inherit it: a few lines less).
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
    from chalicelib.config import LocalSettings
    from local.stack import Stack

    settings = LocalSettings("127.0.0.1", 0, 0, 0, 0, "", ADMIN[0], ADMIN[1], demo_port=0)
    stack = Stack(settings, persist=False, run_schedules=False)
    stack.start()
    try:
        # Warm the file cache, and compile the app's .pyc files outside the measured runs.
        subprocess.run([sys.executable, "-m", "compileall", "-q", "app.py", "chalicelib"], cwd=ROOT, check=True)
        baseline_seconds()
        runs: dict[str, list[Measurement]] = {kind.name: [] for kind in KINDS}
        baseline = []
        for _ in range(args.runs):  # alternating, so that machine noise hits all alike
            baseline.append(baseline_seconds())
            for kind in KINDS:
                runs[kind.name].append(measure(stack, kind))
    finally:
        stack.stop()
    print(report(runs, baseline))
    too_many = [name for name, measured in runs.items()
                if max(m.dynamodb_clients for m in measured) > MAX_DYNAMODB_CLIENTS]
    if too_many:
        print(f"\nMore than {MAX_DYNAMODB_CLIENTS} DynamoDB client per instance: {', '.join(too_many)}")
    return 1 if too_many else 0


if __name__ == "__main__":
    sys.exit(main())

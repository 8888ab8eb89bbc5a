"""One process that runs the whole desk locally (``make dev``)."""

from __future__ import annotations

import faulthandler
import os
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from chalicelib.config import LocalSettings

from .aws import AwsEmulator
from .provision import Provisioned, generated_password, load_secrets, provision

REGION = "us-east-1"
MAIL_DOMAIN = "desk.localhost"
AUTOSAVE_SECONDS = 30


@dataclass
class Stack:
    settings: LocalSettings
    table_name: str = "desk"
    bucket_name: str = "desk-files"
    persist: bool = True
    aws: AwsEmulator = field(init=False)
    provisioned: Provisioned | None = None
    admin: dict[str, Any] = field(default_factory=dict)
    _http: Any = None
    gateway: Any = None
    smtp: Any = None
    # The websocket gateway's idle timeout and connection lifetime (API Gateway's by default).
    ws_idle_timeout: float | None = None
    ws_max_lifetime: float | None = None
    run_schedules: bool = True  # tests run the ticks themselves, at the instants they choose
    scheduler: Any = None
    streams: Any = None  # the table's stream, read as Lambda's event source mapping does
    stream_retry_seconds: float = 1.0  # how soon a failed batch is delivered again
    demo: Any = None
    deliver_mail: Any = None
    _threads: list[threading.Thread] = field(default_factory=list)
    _stopping: threading.Event = field(default_factory=threading.Event)

    @property
    def api_url(self) -> str:
        return f"http://{self.settings.host}:{self.settings.http_port}"

    def start(self) -> None:
        state_path = None
        if self.persist:
            os.makedirs(self.settings.data_dir, exist_ok=True)
            state_path = os.path.join(self.settings.data_dir, "aws-state.pickle")
        self.aws = AwsEmulator(self.settings.host, self.settings.aws_port, state_path)
        self.aws.start()
        self._configure_environment()
        self.provisioned = provision(
            self.aws.endpoint, REGION, table_name=self.table_name, bucket_name=self.bucket_name,
            mail_domain=MAIL_DOMAIN,
        )
        os.environ["DESK_USER_POOL_ID"] = self.provisioned.user_pool_id
        os.environ["DESK_USER_POOL_CLIENT_ID"] = self.provisioned.user_pool_client_id
        os.environ["DESK_DEAD_LETTER_QUEUE_URL"] = self.provisioned.dead_letter_queue_url
        secrets_path = os.path.join(self.settings.data_dir, "secrets.json") if self.persist else None
        local_secrets = load_secrets(secrets_path)
        os.environ.setdefault("DESK_WIDGET_SECRET", local_secrets["widget_secret"])
        os.environ.setdefault("DESK_IDENTITY_SECRET", local_secrets["identity_secret"])
        os.environ.setdefault("DESK_MAIL_SECRET", local_secrets["mail_secret"])
        os.environ.setdefault("DESK_WEBHOOK_SECRET", local_secrets["webhook_secret"])
        os.environ.setdefault("DESK_WIDGET_KEY", local_secrets["widget_key"])  # public, not a secret
        self._start_gateway()

        from chalicelib import bootstrap

        bootstrap.reset()
        self._seed_admin(bootstrap.container())
        self._start_streams()
        self._start_http()
        # Links in the desk's mail (the console, confirmation links) point here: known once
        # the port is, so the container is built again with it.
        os.environ["DESK_PUBLIC_URL"] = self.api_url
        bootstrap.reset()
        from .demo import DemoSite

        self.demo = DemoSite(self.settings.host, self.settings.demo_port, self.api_url)
        self.demo.start()
        if self.run_schedules:
            import app as desk_app

            from .scheduler import Scheduler

            self.scheduler = Scheduler(desk_app.app)
            self.scheduler.start()
        self._start_smtp()
        if self.persist:
            self._spawn(self._autosave, "autosave")

    def _configure_environment(self) -> None:
        # The app reads its settings from the environment, as a deployed function does.
        os.environ.update(
            {
                "AWS_ENDPOINT_URL": self.aws.endpoint,
                "AWS_DEFAULT_REGION": REGION,
                "AWS_REGION": REGION,
                # The emulator accepts any credentials; these are placeholders, not secrets.
                "AWS_ACCESS_KEY_ID": "local",
                "AWS_SECRET_ACCESS_KEY": "local",
                "DESK_STAGE": "local",
                "DESK_TABLE_NAME": self.table_name,
                "DESK_BUCKET_NAME": self.bucket_name,
            }
        )
        os.environ.pop("AWS_PROFILE", None)
        os.environ.pop("DESK_JWKS_URL", None)

    def _seed_admin(self, container: Any) -> None:
        import boto3

        from chalicelib.domain.errors import ConflictError
        from chalicelib.domain.people import Role

        cognito = boto3.client("cognito-idp", endpoint_url=self.aws.endpoint, region_name=REGION)
        pool = self.provisioned.user_pool_id  # type: ignore[union-attr]
        admins = cognito.list_users_in_group(UserPoolId=pool, GroupName="admin")["Users"]
        email = self.settings.admin_email
        existing = {
            a["Value"] for u in admins for a in u.get("Attributes", []) if a["Name"] == "email"
        }
        if admins and (email is None or email.lower() in existing):
            self.admin = {"email": email or sorted(existing)[0], "password": None, "created": False}
            return
        email = email or "admin@desk.localhost"
        password = self.settings.admin_password or generated_password()
        try:
            container.agents.create(email=email, name="Admin", password=password, role=Role.ADMIN, by=None)
        except ConflictError:
            self.admin = {"email": email, "password": None, "created": False}
            return
        self.admin = {"email": email, "password": password, "created": True}

    def _start_gateway(self) -> None:
        from chalice.local import LambdaContext

        import app as desk_app

        from .gateway import WebsocketGateway

        handlers = {
            route: getattr(desk_app, config.name) for route, config in desk_app.app.websocket_handlers.items()
        }
        limits = {}
        if self.ws_idle_timeout is not None:
            limits["idle_timeout"] = self.ws_idle_timeout
        if self.ws_max_lifetime is not None:
            limits["max_lifetime"] = self.ws_max_lifetime
        self.gateway = WebsocketGateway(
            self.settings.host, self.settings.ws_port, handlers,
            context_factory=lambda: LambdaContext("desk-websocket", 512, 29_000), **limits,
        )
        self.gateway.start()
        self.settings = _with_port(self.settings, "ws_port", self.gateway.port)
        os.environ["DESK_WS_MANAGEMENT_URL"] = self.gateway.management_url
        os.environ["DESK_WEBSOCKET_URL"] = self.gateway.url
        os.environ["DESK_MAIL_FROM"] = f"support@{MAIL_DOMAIN}"

    def _start_streams(self) -> None:
        from chalice.local import LambdaContext

        import app as desk_app

        from .streams import StreamPoller, sqs_destination

        assert self.provisioned is not None
        self.streams = StreamPoller(
            endpoint=self.aws.endpoint, region=REGION, table_name=self.table_name,
            handler=desk_app.table_events,
            on_failure=sqs_destination(self.aws.endpoint, REGION, self.provisioned.dead_letter_queue_url),
            before_poll=lambda: self.aws.prune_stream(self.table_name, self.streams.checkpoints),
            retry_seconds=self.stream_retry_seconds,
            context_factory=lambda: LambdaContext("desk-table-events", 512, 60_000),
        )
        self.streams.start()

    def settle(self, timeout: float = 30.0) -> None:
        """Wait until the reactions to everything written so far have run (tests)."""
        self.streams.settle(timeout)

    def _start_http(self) -> None:
        import app as desk_app

        from .http import make_server

        self._http = make_server(desk_app.app, self.settings.host, self.settings.http_port)
        self.settings = _with_port(self.settings, "http_port", self._http.server.server_address[1])
        # Where the portal's sign-in links point: known only once the port is.
        os.environ["DESK_PUBLIC_URL"] = self.api_url
        from chalicelib import bootstrap

        bootstrap.reset()
        self._spawn(self._http.server.serve_forever, "http")

    def _start_smtp(self) -> None:
        import boto3
        from chalice.local import LambdaContext

        import app as desk_app

        from .smtp import SmtpInbound, deliver_like_ses

        s3 = boto3.client("s3", endpoint_url=self.aws.endpoint, region_name=REGION)

        def store(key: str, raw: bytes) -> None:
            s3.put_object(Bucket=self.bucket_name, Key=key, Body=raw, ContentType="message/rfc822")

        def invoke(event: dict[str, Any]) -> Any:  # as SES's Lambda action calls the function
            return desk_app.mail_inbound(event, LambdaContext("desk-mail-inbound", 1024, 120_000))

        def deliver(raw: bytes, rcpts: list[str], sender: str | None) -> Any:
            return deliver_like_ses(raw, rcpts, sender=sender, store=store, invoke=invoke)

        self.deliver_mail = deliver  # what the SMTP inbound does with a message (tests call it too)
        port = self.settings.smtp_port or _free_port(self.settings.host)
        self.smtp = SmtpInbound(self.settings.host, port, deliver)
        self.smtp.start()
        self.settings = _with_port(self.settings, "smtp_port", port)

    def _spawn(self, target: Any, name: str) -> None:
        thread = threading.Thread(target=target, name=f"desk-{name}", daemon=True)
        thread.start()
        self._threads.append(thread)

    def _autosave(self) -> None:
        while not self._stopping.wait(AUTOSAVE_SECONDS):
            self.aws.save()

    def stop(self) -> dict[str, float]:
        """Stop every part, the emulator last; returns the seconds each part took."""
        self._stopping.set()

        def http() -> None:
            assert self._http is not None
            self._http.server.shutdown()
            self._http.server.server_close()

        parts: list[tuple[str, Any]] = [
            ("scheduler", self.scheduler and self.scheduler.stop),
            ("demo shop", self.demo and self.demo.stop),
            ("HTTP API", self._http and http),
            ("SMTP inbound", self.smtp and self.smtp.stop),
            ("stream consumer", self.streams and self.streams.stop),
            ("websocket gateway", self.gateway and self.gateway.stop),
            ("AWS emulator", self.aws.stop),  # saves the state last, after the app has stopped writing
        ]
        took = {}
        for name, stop in parts:
            if stop:
                began = time.monotonic()
                stop()
                took[name] = time.monotonic() - began
        return took

    def widget_snippet(self) -> str:
        """The tag a business pastes into its pages to put this desk's chat widget there."""
        return f'<script src="{self.api_url}/widget.js" data-key="{os.environ.get("DESK_WIDGET_KEY", "")}" async></script>'

    def urls(self) -> dict[str, str]:
        return {
            "API": self.api_url,
            "Health": f"{self.api_url}/health",
            "OpenAPI": f"{self.api_url}/openapi.json",
            "Websocket (live chat)": self.gateway.url,
            "SMTP inbound (mail to the desk)": f"smtp://{self.settings.host}:{self.settings.smtp_port}",
            "Outbox (mail the desk sent)": f"{self.api_url}/_local/outbox",
            "Agent console": f"{self.api_url}/console",
            "Customer portal (web form: /portal/new)": f"{self.api_url}/portal",
            "Demo shop with the chat widget": self.demo.url,
            "Help center (knowledge base)": f"{self.api_url}/help",
            "AWS emulator (DynamoDB, S3, SES, Cognito)": self.aws.endpoint,
        }


def seed_knowledge_base() -> None:
    """A new desk's knowledge base: ten articles of the demo shop in English and German
    (local/demo/kb.json), published, so the help center, the widget's suggestions and the FAQ
    bot have something to show. Editors change or delete them in the console."""
    import json
    from pathlib import Path

    from chalicelib import bootstrap
    from chalicelib.domain.people import Principal, Role

    data = json.loads((Path(__file__).with_name("demo") / "kb.json").read_text())
    kb = bootstrap.container().kb
    seeder = Principal("local-seed", "admin@desk.localhost", Role.ADMIN)
    if kb.list():
        return
    kb.put_settings({"name": "Lamps & Co.", "default_locale": "en"})
    for position, slug in enumerate(sorted({c for names in data["categories"].values() for c in names})):
        kb.put_category(slug, {locale: names[slug] for locale, names in data["categories"].items() if slug in names},
                        position, seeder)
    for a in data["articles"]:
        kb.put(a["slug"], a["locale"], {"title": a["title"], "body": a["body"], "category": a["category"],
                                        "keywords": a["keywords"], "status": "published"}, seeder)


def _free_port(host: str) -> int:
    import socket

    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def _with_port(settings: LocalSettings, name: str, port: int) -> LocalSettings:
    from dataclasses import replace

    return replace(settings, **{name: port})


def main() -> int:
    # Ctrl-C from the start: one during start-up stops the desk once it is up, cleanly (with
    # Python's default, the KeyboardInterrupt could leave the parts' threads running).
    # `kill -USR1 <pid>` prints what every thread is doing (a stop that hangs, a slow request).
    faulthandler.register(signal.SIGUSR1, all_threads=True)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    settings = LocalSettings.from_env()
    stack = Stack(settings)
    try:
        stack.start()
    except OSError as error:
        print(f"Could not start the desk: {error}", file=sys.stderr)
        print(
            "Is another copy running? Stop it, or choose free ports with DESK_HTTP_PORT, "
            "DESK_WS_PORT, DESK_SMTP_PORT and DESK_AWS_PORT.",
            file=sys.stderr,
        )
        return 1
    print("Support desk running locally. Data folder:", os.path.abspath(settings.data_dir))
    for name, url in stack.urls().items():
        print(f"  {name:<42} {url}")
    print("\nPut the chat widget on a page of yours with:\n  " + stack.widget_snippet())
    if stack.admin.get("created"):
        seed_knowledge_base()
        print("\nAdmin agent created (shown only this once, keep it):")
        print(f"  e-mail:   {stack.admin['email']}\n  password: {stack.admin['password']}")
    else:
        print(f"\nAdmin agent: {stack.admin['email']} (password shown when it was created)")
    print("\nPress Ctrl-C to stop.", flush=True)

    # Woken twice a second: the kernel may deliver Ctrl-C to any of the parts' threads, and
    # then only a main thread that wakes runs Python's handler (a wait without a timeout hung).
    while not stop.wait(0.5):
        pass
    print("\nStopping: saving data ...", flush=True)
    took = stack.stop()
    slow = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in took.items() if seconds >= 2)
    print(f"Stopped in {sum(took.values()):.1f} s" + (f" ({slow})." if slow else "."), flush=True)
    return 0

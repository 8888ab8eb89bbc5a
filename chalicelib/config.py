"""Typed settings: the one place that reads ``os.environ``.

The same names are used by the deployed functions (set by the template), the local stack and
the tests, so a script can rely on them everywhere.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class RateLimit:
    """At most ``requests`` in each fixed window of ``seconds`` (``requests`` 0: no limit)."""

    requests: int
    seconds: int

    @classmethod
    def parse(cls, value: str, variable: str) -> RateLimit:
        """``"10/60"`` (ten a minute), or ``"off"``."""
        if value.strip().lower() == "off":
            return cls(0, 60)
        count, _, seconds = value.partition("/")
        try:
            limit = cls(int(count), int(seconds))
        except ValueError:
            raise ValueError(f"{variable} must look like '10/60' (requests/seconds) or 'off', not {value!r}") from None
        if limit.requests < 0 or limit.seconds < 1:
            raise ValueError(f"{variable} must look like '10/60' (requests/seconds) or 'off', not {value!r}")
        return limit


# The public endpoints' limits; each is set with DESK_RATE_LIMIT_<NAME> ("10/60" or "off").
RATE_LIMITS = {
    "widget_sessions": RateLimit(60, 60),  # POST /widget/sessions, per client IP
    "login": RateLimit(20, 60),  # POST /auth/login, per client IP
    # POST /auth/login, failures only (services/sign_in.py): per e-mail address from devices
    # that never signed in to it (under Cognito's five), and per device that did.
    "login_email": RateLimit(4, 900),
    "login_device": RateLimit(10, 900),
    "refresh": RateLimit(30, 60),  # POST /auth/refresh, per client IP
    "invites": RateLimit(10, 300),  # POST /invites/lookup and /invites/accept, per client IP
    # The customer portal (services/portal.py): the web form, per IP and per address it names;
    # its file uploads per IP; sign-in links per IP and per address; a link's use per IP; the
    # signed-in customer's requests per IP.
    "portal_form": RateLimit(10, 3600),
    "portal_form_email": RateLimit(5, 3600),
    "portal_uploads": RateLimit(30, 3600),
    "portal_links": RateLimit(10, 900),
    "portal_links_email": RateLimit(3, 900),
    "portal_sign_in": RateLimit(20, 900),
    "portal": RateLimit(120, 60),
    # A visitor's typed address, confirmed by a link mailed there (services/chat/confirmations.py):
    # links asked for per visitor and per address, and GET /widget/transcripts/confirm per IP.
    "address_confirmations_per_visitor": RateLimit(3, 3600),
    "address_confirmations_per_address": RateLimit(3, 24 * 3600),
    "address_confirmation_links": RateLimit(30, 60),
    # The help center's "was this helpful?" votes, per client IP (each is a counter's write).
    "help_feedback": RateLimit(30, 3600),
}


@dataclass(frozen=True)
class Settings:
    stage: str
    region: str
    table_name: str
    bucket_name: str
    user_pool_id: str
    user_pool_client_id: str
    # Where boto3/PynamoDB talk to AWS; None means the real endpoints.
    aws_endpoint_url: str | None
    # Where the user pool's signing keys are published (derived when not given).
    jwks_url: str
    max_body_bytes: int
    log_level: str
    # Live chat: where functions post frames (API Gateway's management endpoint, or the local
    # gateway), the URL browsers connect to, and the secrets of the widget.
    ws_management_url: str = ""
    websocket_url: str = ""
    # The four secrets have no default that works: in AWS the template generates each in
    # Secrets Manager and injects it, the local stack keeps its own in the data folder, and
    # an empty or short one fails at its first use (domain.keys) instead of signing with it.
    widget_secret: str = ""  # signs visitor tokens (Secrets Manager in AWS)
    identity_secret: str = ""  # the business computes user_hash with it (Secrets Manager in AWS)
    widget_key: str = ""  # the desk's public key in the widget snippet (data-key); empty: not checked
    mail_from: str = "support@desk.localhost"  # the support address: mail in and out
    mail_secret: str = ""  # signs reply addresses (Secrets Manager in AWS)
    webhook_secret: str = ""  # signs the webhooks escalations call (Secrets Manager in AWS)
    # What the acknowledgement promises until SLA policies say otherwise.
    expected_response_minutes: int = 24 * 60
    # Closed tickets (their messages, mail references and files) expire this many days after
    # closing; 0 keeps them. The bucket's lifecycle rule is deployed with the same number.
    retention_days: int = 0
    # Public endpoints' rate limits, by name (RATE_LIMITS above).
    rate_limits: Mapping[str, RateLimit] = field(default_factory=lambda: dict(RATE_LIMITS))
    # Behind proxies of your own that append the caller to X-Forwarded-For: how many entries
    # from its right end to go back to find the client. 0: API Gateway's sourceIp, which a
    # client cannot choose.
    trusted_proxy_hops: int = 0
    # Origins (scheme://host[:port]) whose pages may call the agent API; none: same origin only.
    cors_origins: tuple[str, ...] = ()
    # The SQS queue where stream reactions that kept failing are parked (with the event and
    # the error) for an admin to replay; empty: kept in the table only.
    dead_letter_queue_url: str = ""
    # Where people reach the desk (scheme://host[/stage], no trailing slash): links in the mail
    # it sends (an SLA alert's ticket in the console, a visitor's confirmation link). Empty:
    # mail names the ticket without a link, and a visitor's address cannot be confirmed.
    public_url: str = ""
    # How old a function instance's knowledge-base search index may get before it asks which is
    # current (one GetItem): a publication reaches every instance within this many seconds.
    kb_index_check_seconds: float = 5.0

    @property
    def console_url(self) -> str:
        """The agent console's address, or "" when the desk's public address is not set."""
        return f"{self.public_url}/console" if self.public_url else ""

    @property
    def token_issuer(self) -> str:
        # Cognito (and moto, which copies it) issue tokens with the AWS-style URL.
        return f"https://cognito-idp.{self.region}.amazonaws.com/{self.user_pool_id}"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        region = env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "us-east-1"
        endpoint = env.get("AWS_ENDPOINT_URL") or None
        pool_id = env.get("DESK_USER_POOL_ID", "")
        jwks_url = env.get("DESK_JWKS_URL") or (
            f"{endpoint.rstrip('/')}/{pool_id}/.well-known/jwks.json"
            if endpoint
            else f"https://cognito-idp.{region}.amazonaws.com/{pool_id}/.well-known/jwks.json"
        )
        return cls(
            stage=env.get("DESK_STAGE", "dev"),
            region=region,
            table_name=env.get("DESK_TABLE_NAME", "desk"),
            bucket_name=env.get("DESK_BUCKET_NAME", "desk-files"),
            user_pool_id=pool_id,
            user_pool_client_id=env.get("DESK_USER_POOL_CLIENT_ID", ""),
            aws_endpoint_url=endpoint,
            jwks_url=jwks_url,
            max_body_bytes=int(env.get("DESK_MAX_BODY_BYTES", str(256 * 1024))),
            log_level=env.get("DESK_LOG_LEVEL", "INFO"),
            ws_management_url=env.get("DESK_WS_MANAGEMENT_URL", ""),
            websocket_url=env.get("DESK_WEBSOCKET_URL", ""),
            widget_secret=env.get("DESK_WIDGET_SECRET", ""),
            identity_secret=env.get("DESK_IDENTITY_SECRET", ""),
            widget_key=env.get("DESK_WIDGET_KEY", ""),
            mail_from=env.get("DESK_MAIL_FROM", "support@desk.localhost"),
            mail_secret=env.get("DESK_MAIL_SECRET", ""),
            webhook_secret=env.get("DESK_WEBHOOK_SECRET", ""),
            expected_response_minutes=int(env.get("DESK_EXPECTED_RESPONSE_MINUTES", str(24 * 60))),
            retention_days=max(0, int(env.get("DESK_RETENTION_DAYS") or "0")),
            rate_limits={
                name: RateLimit.parse(env[f"DESK_RATE_LIMIT_{name.upper()}"], f"DESK_RATE_LIMIT_{name.upper()}")
                if env.get(f"DESK_RATE_LIMIT_{name.upper()}") else default
                for name, default in RATE_LIMITS.items()
            },
            trusted_proxy_hops=int(env.get("DESK_TRUSTED_PROXY_HOPS") or "0"),
            cors_origins=_origins(env.get("DESK_CORS_ORIGINS", "")),
            dead_letter_queue_url=env.get("DESK_DEAD_LETTER_QUEUE_URL", ""),
            public_url=env.get("DESK_PUBLIC_URL", "").strip().rstrip("/"),
            kb_index_check_seconds=float(env.get("DESK_KB_INDEX_CHECK_SECONDS") or "5"),
        )


def _origins(value: str) -> tuple[str, ...]:
    """``DESK_CORS_ORIGINS``: origins separated by commas or spaces, each exactly as a browser
    sends it in ``Origin`` (no path, no wildcard)."""
    import re

    origins = tuple(o.rstrip("/").lower() for o in re.split(r"[\s,]+", value) if o)
    for origin in origins:
        if not re.fullmatch(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?", origin):
            raise ValueError(f"DESK_CORS_ORIGINS: {origin!r} is not an origin like https://desk.example.com")
    return origins


@dataclass(frozen=True)
class LocalSettings:
    """Settings of the embedded local stack (``make dev``)."""

    host: str
    http_port: int
    ws_port: int
    smtp_port: int
    aws_port: int
    data_dir: str
    admin_email: str | None
    admin_password: str | None
    demo_port: int = 8003  # the sample business website with the widget

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> LocalSettings:
        env = os.environ if environ is None else environ
        return cls(
            host=env.get("DESK_HOST", "127.0.0.1"),
            http_port=int(env.get("DESK_HTTP_PORT", "8000")),
            ws_port=int(env.get("DESK_WS_PORT", "8001")),
            smtp_port=int(env.get("DESK_SMTP_PORT", "2525")),
            aws_port=int(env.get("DESK_AWS_PORT", "8002")),
            data_dir=env.get("DESK_DATA_DIR", ".desk-data"),
            admin_email=env.get("DESK_ADMIN_EMAIL") or None,
            admin_password=env.get("DESK_ADMIN_PASSWORD") or None,
            demo_port=int(env.get("DESK_DEMO_PORT", "8003")),
        )

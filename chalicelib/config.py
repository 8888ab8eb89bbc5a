"""Typed settings: the one place that reads ``os.environ``.

The same names are used by the deployed functions (set by the template), the local stack and
the tests, so a script can rely on them everywhere.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass


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
    widget_secret: str = ""  # signs visitor tokens (from SSM in AWS)
    identity_secret: str = ""  # the business computes user_hash with it (from SSM in AWS)
    mail_from: str = "support@desk.localhost"  # the support address: mail in and out
    mail_secret: str = ""  # signs reply addresses (from SSM in AWS)
    webhook_secret: str = ""  # signs the webhooks escalations call (from SSM in AWS)
    # What the acknowledgement promises until SLA policies say otherwise.
    expected_response_minutes: int = 24 * 60

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
            mail_from=env.get("DESK_MAIL_FROM", "support@desk.localhost"),
            mail_secret=env.get("DESK_MAIL_SECRET", ""),
            webhook_secret=env.get("DESK_WEBHOOK_SECRET", ""),
            expected_response_minutes=int(env.get("DESK_EXPECTED_RESPONSE_MINUTES", str(24 * 60))),
        )


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
        )

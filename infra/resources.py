"""Definitions of the AWS resources the desk needs, shared by the deploy template and the
local stack so that what runs on a laptop is what runs in AWS.

Everything here is in the AWS API's shape (what boto3 takes); ``infra.template`` turns it into
CloudFormation properties. The table's definition lives with its PynamoDB models
(``chalicelib.adapters.dynamodb``); this module re-exports it next to the user pool's.
"""

from __future__ import annotations

from typing import Any

from chalicelib.adapters.dynamodb.models import TTL_ATTRIBUTE, table_schema
from chalicelib.domain.privacy import RETENTION_TAG
from chalicelib.domain.storage import (  # the bucket's key layout has one owner; re-exported
    ATTACHMENTS_PREFIX,
    MAIL_HTML_PREFIX,
    MAIL_INBOUND_PREFIX,
    MAIL_QUARANTINE_PREFIX,
    MAIL_TEXT_PREFIX,
)

__all__ = [
    "table_schema", "TABLE_TTL", "USER_POOL", "USER_POOL_CLIENT", "AGENT_GROUPS",
    "MAIL_INBOUND_PREFIX", "MAIL_QUARANTINE_PREFIX", "ATTACHMENTS_PREFIX", "MAIL_HTML_PREFIX", "MAIL_TEXT_PREFIX",
    "RETENTION_TAG", "NEVER_DAYS", "DEAD_LETTER_QUEUE", "DEAD_LETTER_QUEUE_ATTRIBUTES",
    "bucket_settings", "configure_bucket",
]

# Stream reactions that kept failing are parked here (with the event and the error), and
# Lambda describes a stream batch it gave up on here; kept 14 days, SQS's longest, and
# encrypted at rest with SQS's own keys (what the parked events say is customers' business).
DEAD_LETTER_QUEUE = "desk-dead-letters"  # the local stack's; a deployed stage's is desk-STAGE-dead-letters
DEAD_LETTER_QUEUE_ATTRIBUTES = {"MessageRetentionPeriod": str(14 * 24 * 3600), "SqsManagedSseEnabled": "true"}

# Connections, subscriptions and message dedupe records expire by themselves.
TABLE_TTL = {"AttributeName": TTL_ATTRIBUTE, "Enabled": True}

# Agents sign in with their e-mail address; the app verifies ID tokens.
USER_POOL: dict[str, Any] = {
    "UsernameAttributes": ["email"],
    "AutoVerifiedAttributes": ["email"],
    "Policies": {
        "PasswordPolicy": {
            "MinimumLength": 10,
            "RequireUppercase": True,
            "RequireLowercase": True,
            "RequireNumbers": True,
            "RequireSymbols": False,
        }
    },
    "AdminCreateUserConfig": {"AllowAdminCreateUserOnly": True},
    "Schema": [{"Name": "name", "AttributeDataType": "String", "Mutable": True, "Required": False}],
}

USER_POOL_CLIENT: dict[str, Any] = {
    "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    "GenerateSecret": False,
    "PreventUserExistenceErrors": "ENABLED",
    "IdTokenValidity": 60,
    "AccessTokenValidity": 60,
    "RefreshTokenValidity": 30,
    "TokenValidityUnits": {"IdToken": "minutes", "AccessToken": "minutes", "RefreshToken": "days"},
}

# A role is a group of the pool; the ID token lists it in ``cognito:groups``.
AGENT_GROUPS = {
    "admin": "Admins: manage agents and settings, and do everything agents do.",
    "agent": "Agents: answer customers.",
}


QUARANTINE_DAYS = 30  # long enough to look at a false positive, short enough not to hoard malware
ABORT_UPLOADS_DAYS = 7  # browser uploads are single POSTs; only a stray multipart upload lingers
# Retention off (DESK_RETENTION_DAYS 0): the app tags nothing, and the rule waits a century.
NEVER_DAYS = 36500


def bucket_settings(upload_origins: Any, retention_days: Any = 0) -> dict[str, dict[str, Any]]:
    """The bucket's configuration as S3 API calls: operation name -> arguments (less
    ``Bucket``). ``upload_origins`` is the list of web origins that may upload with a
    pre-signed POST, ``retention_days`` how long a closed ticket's files are kept (0: for
    ever); the template passes parameter references for both."""
    expire_after = (retention_days or NEVER_DAYS) if isinstance(retention_days, int) else retention_days
    return {
        # Nothing in the bucket is ever public: browsers use pre-signed URLs.
        "put_public_access_block": {
            "PublicAccessBlockConfiguration": {
                "BlockPublicAcls": True,
                "IgnorePublicAcls": True,
                "BlockPublicPolicy": True,
                "RestrictPublicBuckets": True,
            }
        },
        # ACLs off: whoever writes (SES, a browser's POST), the bucket owns the object.
        "put_bucket_ownership_controls": {
            "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
        },
        # SSE-S3, not KMS: SES can write to it without a key policy.
        "put_bucket_encryption": {
            "ServerSideEncryptionConfiguration": {
                "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
            }
        },
        # Raw inbound mail, attachments and mail HTML are the tickets' record and are kept
        # while the ticket is: when retention is on, a closed ticket's files are tagged (and
        # copied onto themselves, so that their age counts from the closing) and expire with it.
        "put_bucket_lifecycle_configuration": {
            "LifecycleConfiguration": {
                "Rules": [
                    {
                        "ID": "abort-incomplete-uploads",
                        "Status": "Enabled",
                        "Filter": {"Prefix": ""},
                        "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": ABORT_UPLOADS_DAYS},
                    },
                    {
                        "ID": "expire-quarantined-mail",
                        "Status": "Enabled",
                        "Filter": {"Prefix": MAIL_QUARANTINE_PREFIX},
                        "Expiration": {"Days": QUARANTINE_DAYS},
                    },
                    {
                        "ID": "expire-closed-tickets-files",
                        "Status": "Enabled",
                        "Filter": {"Tag": {"Key": RETENTION_TAG[0], "Value": RETENTION_TAG[1]}},
                        "Expiration": {"Days": expire_after},
                    },
                ]
            }
        },
        # The widget and the console upload straight to S3 with a pre-signed POST (the signed
        # policy is what authorises; CORS only lets the browser read the answer) and may
        # fetch a pre-signed download.
        "put_bucket_cors": {
            "CORSConfiguration": {
                "CORSRules": [
                    {
                        "ID": "browser-uploads",
                        "AllowedMethods": ["POST", "GET"],
                        "AllowedOrigins": upload_origins,
                        "AllowedHeaders": ["*"],
                        "ExposeHeaders": ["ETag", "Location"],
                        "MaxAgeSeconds": 3000,
                    }
                ]
            }
        },
    }


def configure_bucket(s3: Any, bucket: str, upload_origins: list[str], retention_days: int = 0) -> None:
    """Apply ``bucket_settings`` to an existing bucket through a boto3 S3 client (what the
    local stack does; CloudFormation applies the same settings in AWS)."""
    for operation, arguments in bucket_settings(upload_origins, retention_days).items():
        getattr(s3, operation)(Bucket=bucket, **arguments)

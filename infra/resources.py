"""Definitions of the AWS resources the desk needs, shared by the deploy template and the
local stack so that what runs on a laptop is what runs in AWS.

Everything here is in the AWS API's shape (what boto3 takes); ``infra.template`` turns it into
CloudFormation properties. The table's definition lives with its PynamoDB models
(``chalicelib.adapters.dynamodb``); this module re-exports it next to the user pool's.
"""

from __future__ import annotations

from typing import Any

from chalicelib.adapters.dynamodb.models import TTL_ATTRIBUTE, table_schema
from chalicelib.entrypoints.mail import INBOUND_PREFIX

__all__ = [
    "table_schema", "TABLE_TTL", "USER_POOL", "USER_POOL_CLIENT", "AGENT_GROUPS",
    "MAIL_INBOUND_PREFIX", "MAIL_QUARANTINE_PREFIX", "ATTACHMENTS_PREFIX",
    "bucket_settings", "configure_bucket",
]

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


# Where the desk keeps what in its bucket. SES writes raw mail under the inbound prefix;
# mail that failed the virus or spam scan is copied under quarantine; attachments (uploaded
# by browsers or taken out of mail) live under attachments/<ticket>/<uploader>/.
MAIL_INBOUND_PREFIX = INBOUND_PREFIX
MAIL_QUARANTINE_PREFIX = "mail/quarantine/"
ATTACHMENTS_PREFIX = "attachments/"

QUARANTINE_DAYS = 30  # long enough to look at a false positive, short enough not to hoard malware
ABORT_UPLOADS_DAYS = 7  # browser uploads are single POSTs; only a stray multipart upload lingers


def bucket_settings(upload_origins: Any) -> dict[str, dict[str, Any]]:
    """The bucket's configuration as S3 API calls: operation name -> arguments (less
    ``Bucket``). ``upload_origins`` is the list of web origins that may upload with a
    pre-signed POST (the template passes a parameter reference)."""
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
        # Raw inbound mail and attachments are the tickets' record and are kept.
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


def configure_bucket(s3: Any, bucket: str, upload_origins: list[str]) -> None:
    """Apply ``bucket_settings`` to an existing bucket through a boto3 S3 client (what the
    local stack does; CloudFormation applies the same settings in AWS)."""
    for operation, arguments in bucket_settings(upload_origins).items():
        getattr(s3, operation)(Bucket=bucket, **arguments)

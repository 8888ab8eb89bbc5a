"""Creates what the desk needs in the emulator (idempotent: safe on every start), from the
same definitions the deploy template uses."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

import boto3

from chalicelib.config import Settings
from infra import resources

POOL_NAME = "desk-agents"
CLIENT_NAME = "desk-app"


@dataclass(frozen=True)
class Provisioned:
    table_name: str
    bucket_name: str
    user_pool_id: str
    user_pool_client_id: str
    dead_letter_queue_url: str


def _client(service: str, endpoint: str, region: str) -> Any:
    return boto3.client(service, endpoint_url=endpoint, region_name=region)


def _add_missing_indexes(ddb: Any, table_name: str) -> None:
    """A data folder from an older version: add the indexes it lacks, as a deploy would."""
    schema = resources.table_schema()
    have = {i["IndexName"] for i in ddb.describe_table(TableName=table_name)["Table"].get("GlobalSecondaryIndexes", [])}
    for index in schema["GlobalSecondaryIndexes"]:
        if index["IndexName"] not in have:
            names = {k["AttributeName"] for k in index["KeySchema"]}
            ddb.update_table(
                TableName=table_name,
                AttributeDefinitions=[a for a in schema["AttributeDefinitions"] if a["AttributeName"] in names],
                GlobalSecondaryIndexUpdates=[{"Create": index}],
            )


def provision(
    endpoint: str, region: str, *, table_name: str, bucket_name: str, mail_domain: str
) -> Provisioned:
    ddb = _client("dynamodb", endpoint, region)
    if table_name not in ddb.list_tables()["TableNames"]:
        ddb.create_table(**{**resources.table_schema(), "TableName": table_name})
        ddb.update_time_to_live(TableName=table_name, TimeToLiveSpecification=resources.TABLE_TTL)
    else:
        _add_missing_indexes(ddb, table_name)
        if not ddb.describe_table(TableName=table_name)["Table"].get("StreamSpecification", {}).get("StreamEnabled"):
            # A data folder from before the stream: what happens next is read from it now.
            ddb.update_table(TableName=table_name, StreamSpecification=resources.table_schema()["StreamSpecification"])

    sqs = _client("sqs", endpoint, region)
    queue_url = sqs.create_queue(QueueName=resources.DEAD_LETTER_QUEUE, Attributes=resources.DEAD_LETTER_QUEUE_ATTRIBUTES)["QueueUrl"]

    ses = _client("ses", endpoint, region)
    ses.verify_domain_identity(Domain=mail_domain)

    s3 = _client("s3", endpoint, region)
    existing = {b["Name"] for b in s3.list_buckets().get("Buckets", [])}
    if bucket_name not in existing:
        s3.create_bucket(Bucket=bucket_name)
    # The deployed bucket's settings (no public access, encryption, lifecycle, CORS), on every
    # start so that a data folder from an older version gets them too.
    # The retention the app applies (DESK_RETENTION_DAYS) is the one the lifecycle rule expires by.
    resources.configure_bucket(s3, bucket_name, ["*"], Settings.from_env().retention_days)

    cognito = _client("cognito-idp", endpoint, region)
    pools = cognito.list_user_pools(MaxResults=60)["UserPools"]
    pool_id = next((p["Id"] for p in pools if p["Name"] == POOL_NAME), None)
    if pool_id is None:
        pool_id = cognito.create_user_pool(PoolName=POOL_NAME, **resources.USER_POOL)["UserPool"]["Id"]
    clients = cognito.list_user_pool_clients(UserPoolId=pool_id, MaxResults=60)["UserPoolClients"]
    client_id = next((c["ClientId"] for c in clients if c["ClientName"] == CLIENT_NAME), None)
    if client_id is None:
        client_id = cognito.create_user_pool_client(
            UserPoolId=pool_id, ClientName=CLIENT_NAME, **resources.USER_POOL_CLIENT
        )["UserPoolClient"]["ClientId"]
    groups = {g["GroupName"] for g in cognito.list_groups(UserPoolId=pool_id)["Groups"]}
    for name, description in resources.AGENT_GROUPS.items():
        if name not in groups:
            cognito.create_group(UserPoolId=pool_id, GroupName=name, Description=description)
    return Provisioned(table_name, bucket_name, pool_id, client_id, queue_url)


def generated_password() -> str:
    # Meets the pool's policy whatever the random part holds.
    return f"Desk-{secrets.token_urlsafe(12)}9a"


def load_secrets(path: str | None) -> dict[str, str]:
    """The desk's local secrets (visitor-token key, identity-verification key, reply-address
    key), made on first need and kept in the data folder, never in the repository. Secrets
    already there are kept: changing one would invalidate what was issued with it."""
    import json
    import os

    kept: dict[str, str] = {}
    if path and os.path.exists(path):
        with open(path) as f:
            kept = json.load(f)
    names = ("widget_secret", "identity_secret", "mail_secret", "webhook_secret", "widget_key")
    missing = [name for name in names if name not in kept]
    for name in missing:
        # The widget key is public (it is in every page with the widget), kept here with the rest.
        kept[name] = f"pk_{secrets.token_hex(16)}" if name == "widget_key" else secrets.token_urlsafe(32)
    if path and missing:
        # Whole or not at all, and on the disk before anything is signed with it: a torn file
        # would stop the next start, a lost one would void every token issued with it.
        tmp = f"{path}.tmp"
        with open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
            json.dump(kept, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
        from .journal import fsync_directory

        fsync_directory(os.path.dirname(path) or ".")
    return kept

"""One command from a clean clone to a running desk in your own AWS account.

    make deploy STAGE=prod SUPPORT_DOMAIN=help.example.com [ADMIN_EMAIL=you@example.com] [ALARM_EMAIL=...]
    python -m infra.deploy --stage prod --support-domain help.example.com \\
        [--region eu-west-1] [--admin-email you@example.com] [--alarm-email ops@example.com]

In order: package the app (what ``make package`` does, unless ``--packaged`` names its output),
upload the deployment zip and the template to an artifact bucket (made if missing: private,
versioned, encrypted), point the template's ``CodeUri`` at the upload (what ``aws cloudformation
package`` does), create or update the stack through a change set and wait for it, then do what
CloudFormation cannot: make the stack's SES receipt rule set the active one, send the domain's
bounces and complaints to the stack's feedback topic, start the domain's verification and DKIM
(printing the DNS records SES needs), create the first admin agent, and print the addresses a
business needs (API, websocket, agent console, the widget's script tag).

Every AWS call goes through one ``Aws`` object, a boto3 session plus an optional endpoint, so
the tests run this same code against the emulator.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import secrets
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

__all__ = [
    "Aws", "DeployOptions", "DeployError", "StackOutputs", "DnsRecord", "FirstAdmin", "Deployed",
    "deploy", "package", "artifact_bucket_name", "ensure_artifact_bucket", "upload_artifacts",
    "deploy_stack", "read_outputs", "finish", "activate_rule_set", "send_feedback_to",
    "verify_domain", "create_first_admin", "stack_failures", "summary", "main",
]

PROJECT_DIR = Path(__file__).resolve().parent.parent
CHALICE = "import sys; from chalice.cli import main; sys.exit(main())"
# The properties that name a local file `aws cloudformation package` would upload.
PACKAGED_PROPERTIES = {"AWS::Serverless::Function": "CodeUri", "AWS::Serverless::LayerVersion": "ContentUri"}
# Chalice's roles have generated names (CAPABILITY_IAM); its template is SAM (AUTO_EXPAND).
CAPABILITIES = ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"]
NO_CHANGES = ("didn't contain changes", "No updates are to be performed")
DONE = {"CREATE_COMPLETE", "UPDATE_COMPLETE"}
# The stack outputs the steps after CloudFormation read (Chalice names the first two).
OUTPUTS = {
    "EndpointURL": "api_url",
    "WebsocketConnectEndpointURL": "websocket_url",
    "TableName": "table_name",
    "BucketName": "bucket_name",
    "UserPoolId": "user_pool_id",
    "UserPoolClientId": "user_pool_client_id",
    "SupportAddress": "support_address",
    "ReceiptRuleSetName": "receipt_rule_set",
    "MailFeedbackTopicArn": "feedback_topic_arn",
}


class DeployError(Exception):
    """A step could not be done; the message says which and why."""


def _aws_errors() -> tuple[type[Exception], ...]:
    from botocore.exceptions import BotoCoreError, ClientError
    from botocore.parsers import ResponseParserError  # an answer that is not AWS's (not a BotoCoreError)

    return ClientError, BotoCoreError, ResponseParserError


_AWS_ERRORS = _aws_errors()


def _say(text: str = "") -> None:
    print(text, flush=True)


@contextmanager
def _step(title: str) -> Iterator[None]:
    _say(f"\n==> {title}")
    try:
        yield
    except _AWS_ERRORS as error:
        raise DeployError(f"{title}: {error}") from error


class Aws:
    """The deploy's one door to AWS: a boto3 session (its credentials and region) and, for the
    emulator, an endpoint URL."""

    def __init__(self, session: Any, endpoint_url: str | None = None) -> None:
        if not session.region_name:
            raise DeployError("No region: pass --region (one where SES receives mail, e.g. us-east-1 or eu-west-1).")
        self.session = session
        self.endpoint_url = endpoint_url
        self._clients: dict[str, Any] = {}

    @property
    def region(self) -> str:
        return str(self.session.region_name)

    def client(self, service: str) -> Any:
        if service not in self._clients:
            from botocore.config import Config

            self._clients[service] = self.session.client(
                service, endpoint_url=self.endpoint_url,
                config=Config(retries={"mode": "standard", "max_attempts": 5}),
            )
        return self._clients[service]

    def credentials(self) -> Any:
        credentials = self.session.get_credentials()
        if credentials is None:
            raise DeployError("No AWS credentials: set AWS_PROFILE (or pass --profile) for the account to deploy to.")
        return credentials.get_frozen_credentials()


@dataclass(frozen=True)
class DeployOptions:
    stage: str
    support_domain: str
    support_mailbox: str = "support"
    alarm_email: str | None = None
    admin_email: str | None = None
    admin_name: str = "Admin"
    upload_origins: str | None = None  # comma-separated; the template's default is *
    retention_days: int | None = None  # closed tickets are deleted after it; the template's default 0 keeps them
    artifact_bucket: str | None = None  # default: desk-deploy-<account>-<region>, made if missing
    packaged: Path | None = None  # the output of `make package`; None: package now
    build_dir: Path | None = None  # where to package (default build/<stage>)
    replace_active_rule_set: bool = False
    poll_seconds: float = 5.0


@dataclass(frozen=True)
class StackOutputs:
    table_name: str
    bucket_name: str
    user_pool_id: str
    user_pool_client_id: str
    support_address: str
    receipt_rule_set: str
    feedback_topic_arn: str
    # Chalice's APIs; None only where they could not be made (the emulator has no API Gateway
    # v2 in CloudFormation), and then nothing is printed for them.
    api_url: str | None = None
    websocket_url: str | None = None
    widget_key: str | None = None  # older stacks have none

    @property
    def support_domain(self) -> str:
        return self.support_address.rpartition("@")[2]

    @classmethod
    def from_stack(cls, outputs: dict[str, str]) -> StackOutputs:
        missing = sorted(set(OUTPUTS) - set(outputs))
        if missing:
            raise DeployError(f"the stack has no output {', '.join(missing)}: is it the desk's template?")
        return cls(**{name: outputs[key] for key, name in OUTPUTS.items()}, widget_key=outputs.get("WidgetKey"))


@dataclass(frozen=True)
class DnsRecord:
    type: str
    name: str
    value: str
    purpose: str
    status: str = ""


@dataclass(frozen=True)
class FirstAdmin:
    email: str
    password: str | None  # only when created now: it is shown once
    created: bool


@dataclass
class Deployed:
    stack_name: str
    account: str
    region: str
    outputs: StackOutputs | None = None
    dns: list[DnsRecord] = field(default_factory=list)
    admin: FirstAdmin | None = None
    notes: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------- package


def package(stage: str, out: Path, region: str) -> Path:
    """What ``make package STAGE=stage`` does, into ``out``: the policy file, the merge
    template, ``chalice package`` (needs a region name, not credentials), then cfn-lint, which
    must find nothing."""
    import shutil

    from cfnlint.api import ManualArgs, lint

    from .policy import write_policy_files
    from .template import merge_template

    write_policy_files([stage])
    shutil.rmtree(out, ignore_errors=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    merge = out.parent / f"merge-template-{stage}.json"
    merge.write_text(json.dumps(merge_template(stage), indent=2))
    done = subprocess.run(
        [sys.executable, "-c", CHALICE, "package", "--stage", stage, "--merge-template", str(merge), str(out)],
        cwd=PROJECT_DIR, env={**os.environ, "AWS_DEFAULT_REGION": region}, capture_output=True, text=True,
    )
    if done.returncode != 0:
        raise DeployError(f"chalice package failed:\n{done.stdout}{done.stderr}")
    matches = lint((out / "sam.json").read_text(), config=ManualArgs(regions=[region]))
    if matches:
        found = "\n".join(f"  {m.rule.id} line {m.linenumber}: {m.message}" for m in matches)
        raise DeployError(f"cfn-lint found problems in {out / 'sam.json'}:\n{found}")
    return out


# ---------------------------------------------------------------------------- artifacts


def artifact_bucket_name(account: str, region: str) -> str:
    """One artifact bucket per account and region (Lambda reads code from its own region)."""
    return f"desk-deploy-{account}-{region}"


ARTIFACT_BUCKET_SETTINGS: dict[str, dict[str, Any]] = {
    "put_public_access_block": {
        "PublicAccessBlockConfiguration": dict.fromkeys(
            ["BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"], True
        )
    },
    "put_bucket_ownership_controls": {"OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}},
    "put_bucket_encryption": {
        "ServerSideEncryptionConfiguration": {"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]}
    },
    "put_bucket_versioning": {"VersioningConfiguration": {"Status": "Enabled"}},
    # Uploads are named by their content, so a key is rarely overwritten; old versions and
    # abandoned uploads go. Current objects stay: a rollback re-reads the previous code.
    "put_bucket_lifecycle_configuration": {
        "LifecycleConfiguration": {
            "Rules": [
                {
                    "ID": "tidy-artifacts",
                    "Status": "Enabled",
                    "Filter": {"Prefix": ""},
                    "NoncurrentVersionExpiration": {"NoncurrentDays": 30},
                    "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1},
                }
            ]
        }
    },
}


def ensure_artifact_bucket(aws: Aws, name: str, *, ours: bool = True) -> bool:
    """Make the artifact bucket if it is missing; returns whether it was made. A bucket of the
    deploy's own name gets its settings (private, versioned, encrypted) on every run; a bucket
    the operator named is used as it is, if it is in the deploy's region."""
    from botocore.exceptions import ClientError

    s3 = aws.client("s3")
    try:
        s3.head_bucket(Bucket=name)
        created = False
    except ClientError as error:
        code = str(error.response.get("Error", {}).get("Code"))
        if code in ("403", "Forbidden", "AccessDenied"):
            raise DeployError(
                f"the bucket name {name} belongs to another account (bucket names are global): "
                "choose another with --artifact-bucket"
            ) from None
        if code not in ("404", "NoSuchBucket", "NotFound"):
            raise
        where = {} if aws.region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": aws.region}}
        s3.create_bucket(Bucket=name, **where)
        created = True
    location = s3.get_bucket_location(Bucket=name).get("LocationConstraint") or "us-east-1"
    if location != aws.region:
        raise DeployError(f"the artifact bucket {name} is in {location}; Lambda needs it in {aws.region}")
    if ours or created:
        for operation, arguments in ARTIFACT_BUCKET_SETTINGS.items():
            getattr(s3, operation)(Bucket=name, **arguments)
    return created


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _object_exists(s3: Any, bucket: str, key: str) -> bool:
    from botocore.exceptions import ClientError

    try:
        s3.head_object(Bucket=bucket, Key=key)
        return True
    except ClientError as error:
        if str(error.response.get("Error", {}).get("Code")) in ("404", "NoSuchKey", "NotFound"):
            return False
        raise


def _template_url(bucket: str, key: str, region: str) -> str:
    if "." in bucket:  # a dotted name breaks the virtual host's TLS certificate
        return f"https://s3.{region}.amazonaws.com/{bucket}/{key}"
    return f"https://{bucket}.s3.{region}.amazonaws.com/{key}"


def upload_artifacts(aws: Aws, template: dict[str, Any], template_dir: Path, bucket: str, prefix: str) -> dict[str, str]:
    """Upload every local file the template names (the deployment zip) under ``prefix``,
    named by its SHA-256 (an unchanged zip is not uploaded again), and point the template at it
    in place: ``./deployment.zip`` becomes ``s3://bucket/prefix/<sha256>.zip``. Returns each
    file's new location."""
    s3 = aws.client("s3")
    uploaded: dict[str, str] = {}
    for logical_id, resource in template.get("Resources", {}).items():
        prop = PACKAGED_PROPERTIES.get(resource.get("Type", ""))
        value = resource.get("Properties", {}).get(prop) if prop else None
        if not isinstance(value, str) or value.startswith("s3://"):
            continue
        path = (template_dir / value).resolve()
        if not path.is_file():
            raise DeployError(f"{logical_id}.{prop} names {value}, which is not in {template_dir}")
        if str(path) not in uploaded:
            key = f"{prefix}/{_sha256(path)}{path.suffix}"
            if _object_exists(s3, bucket, key):
                _say(f"  {path.name}: unchanged, already at s3://{bucket}/{key}")
            else:
                _say(f"  {path.name} ({path.stat().st_size / 1e6:.1f} MB) -> s3://{bucket}/{key}")
                s3.upload_file(str(path), bucket, key)
            uploaded[str(path)] = f"s3://{bucket}/{key}"
        resource["Properties"][prop] = uploaded[str(path)]
    return uploaded


def upload_template(aws: Aws, template: dict[str, Any], bucket: str, prefix: str) -> str:
    """Store the template next to the code (it is over CloudFormation's 51,200-byte limit for
    an inline body) and return the URL CloudFormation reads it from."""
    body = json.dumps(template, indent=1, sort_keys=True).encode()
    key = f"{prefix}/templates/{hashlib.sha256(body).hexdigest()}.json"
    aws.client("s3").put_object(Bucket=bucket, Key=key, Body=body, ContentType="application/json")
    _say(f"  template -> s3://{bucket}/{key}")
    return _template_url(bucket, key, aws.region)


# ---------------------------------------------------------------------------- the stack


def _describe_stack(cf: Any, name: str) -> dict[str, Any] | None:
    from botocore.exceptions import ClientError

    try:
        return cf.describe_stacks(StackName=name)["Stacks"][0]  # type: ignore[no-any-return]
    except ClientError as error:
        if "does not exist" in str(error):
            return None
        raise


def _parameters(
    given: dict[str, str], existing: dict[str, Any] | None, declared: set[str] | None
) -> list[dict[str, Any]]:
    """What to pass: the given values; on an update, the stack's current value of every other
    parameter the template still declares (left out, CloudFormation would go back to the
    template's default)."""
    out: list[dict[str, Any]] = [{"ParameterKey": k, "ParameterValue": v} for k, v in given.items()]
    for parameter in (existing or {}).get("Parameters", []):
        name = parameter["ParameterKey"]
        if name not in given and (declared is None or name in declared):
            out.append({"ParameterKey": parameter["ParameterKey"], "UsePreviousValue": True})
    return out


def _events_since(cf: Any, stack: str, last_seen: str | None) -> list[dict[str, Any]]:
    """The stack's events newer than ``last_seen``, oldest first."""
    new: list[dict[str, Any]] = []
    for page in cf.get_paginator("describe_stack_events").paginate(StackName=stack):
        for event in page["StackEvents"]:  # newest first
            if event["EventId"] == last_seen:
                return new[::-1]
            new.append(event)
    return new[::-1]


def stack_failures(events: list[dict[str, Any]]) -> list[str]:
    """The failed resources among ``events`` (oldest first) with CloudFormation's reasons,
    the cause first: resources cancelled because another failed come last."""
    failed = [e for e in events if e["ResourceStatus"].endswith("_FAILED")]
    failed.sort(key=lambda e: "cancelled" in (e.get("ResourceStatusReason") or ""))  # stable: keeps time order
    return [
        f"{e['LogicalResourceId']} ({e['ResourceType']}) {e['ResourceStatus']}: {e.get('ResourceStatusReason') or 'no reason given'}"
        for e in failed
    ]


def _wait(poll: Callable[[], str | None], seconds: float, timeout: float, what: str, sleep: Callable[[float], None]) -> None:
    deadline = time.monotonic() + timeout
    while poll() is None:
        if time.monotonic() > deadline:
            raise DeployError(f"gave up waiting for {what} after {timeout / 60:.0f} minutes")
        sleep(seconds)


def deploy_stack(
    aws: Aws, stack_name: str, template_url: str, parameters: dict[str, str], *,
    declared: set[str] | None = None, poll_seconds: float = 5.0, timeout: float = 3600,
    sleep: Callable[[float], None] = time.sleep,
) -> dict[str, Any]:
    """Create or update the stack through a change set (printing what it changes), execute it,
    and wait, printing the stack's events; on failure the error names each failed resource and
    CloudFormation's reason. ``declared``: the template's parameters (an update keeps the
    stack's value of those not given). Returns the stack's description."""
    cf = aws.client("cloudformation")
    existing = _describe_stack(cf, stack_name)
    status = existing["StackStatus"] if existing else None
    if status == "ROLLBACK_COMPLETE":
        raise DeployError(
            f"{stack_name} is ROLLBACK_COMPLETE: its first deploy failed and it cannot be updated. "
            "Delete it (the CloudFormation console, or boto3 delete_stack), delete what it retained "
            "(the table, bucket, user pool and secrets named after it, if they are empty), and deploy again."
        )
    if status and status.endswith("_IN_PROGRESS") and status != "REVIEW_IN_PROGRESS":
        raise DeployError(f"{stack_name} is {status}: wait for that to finish, then deploy again")
    change_type = "CREATE" if status in (None, "REVIEW_IN_PROGRESS") else "UPDATE"
    change_set = f"deploy-{datetime.now(UTC):%Y%m%d-%H%M%S}"
    cf.create_change_set(
        StackName=stack_name, ChangeSetName=change_set, ChangeSetType=change_type, TemplateURL=template_url,
        Parameters=_parameters(parameters, existing if change_type == "UPDATE" else None, declared),
        Capabilities=CAPABILITIES, Description="python -m infra.deploy",
    )
    _say(f"  change set {change_set} ({change_type.lower()} {stack_name})")

    described: dict[str, Any] = {}

    def change_set_ready() -> str | None:
        described.update(cf.describe_change_set(StackName=stack_name, ChangeSetName=change_set))
        return described["Status"] if described["Status"] in ("CREATE_COMPLETE", "FAILED") else None

    _wait(change_set_ready, min(poll_seconds, 2.0), 600, "the change set", sleep)
    if described["Status"] == "FAILED":
        reason = described.get("StatusReason", "")
        if any(text in reason for text in NO_CHANGES):
            cf.delete_change_set(StackName=stack_name, ChangeSetName=change_set)
            _say("  nothing to change: the stack is up to date")
            return _describe_stack(cf, stack_name) or {}
        raise DeployError(f"CloudFormation refused the change set: {reason}")
    changes = []
    for page in cf.get_paginator("describe_change_set").paginate(StackName=stack_name, ChangeSetName=change_set):
        changes += [c["ResourceChange"] for c in page["Changes"] if c.get("Type") == "Resource"]
    for change in changes:
        replace = " (replaced)" if change.get("Replacement") == "True" else ""
        _say(f"  {change['Action']:<7} {change['LogicalResourceId']} ({change['ResourceType']}){replace}")

    events = cf.describe_stack_events(StackName=stack_name)["StackEvents"]
    last_seen = events[0]["EventId"] if events else None
    seen: list[dict[str, Any]] = []
    try:
        cf.execute_change_set(StackName=stack_name, ChangeSetName=change_set)
    except _AWS_ERRORS as error:
        raise DeployError(f"executing the change set {change_set} of {stack_name} failed: {error}") from error
    state: dict[str, Any] = {}

    def stack_settled() -> str | None:
        nonlocal last_seen
        for event in _events_since(cf, stack_name, last_seen):
            reason = f": {event['ResourceStatusReason']}" if event.get("ResourceStatusReason") else ""
            _say(f"  {event['ResourceStatus']:<20} {event['LogicalResourceId']}{reason}")
            seen.append(event)
            last_seen = event["EventId"]
        state.update(_describe_stack(cf, stack_name) or {})
        status = state.get("StackStatus", "")
        return None if status.endswith("_IN_PROGRESS") else status

    _wait(stack_settled, poll_seconds, timeout, f"{stack_name} to deploy", sleep)
    if state["StackStatus"] not in DONE:
        failures = stack_failures(seen) or [state.get("StackStatusReason") or "no reason given"]
        raise DeployError(f"{stack_name} ended {state['StackStatus']}:\n  " + "\n  ".join(failures))
    return state


def read_outputs(aws: Aws, stack_name: str) -> StackOutputs:
    stack = _describe_stack(aws.client("cloudformation"), stack_name) or {}
    return StackOutputs.from_stack({o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs") or []})


# ---------------------------------------------------------------------------- once per account


def activate_rule_set(aws: Aws, rule_set: str, *, replace: bool = False) -> None:
    """Make the stack's receipt rule set the active one. SES has one active set per account
    and region: another one (mail for something else) is replaced only when asked."""
    ses = aws.client("ses")
    active = ses.describe_active_receipt_rule_set().get("Metadata", {}).get("Name")
    if active == rule_set:
        _say(f"  {rule_set} is already the active receipt rule set")
        return
    if active and not replace:
        raise DeployError(
            f"the receipt rule set {active} is active in {aws.region}: SES has one active set per region, so "
            f"making {rule_set} active would stop whatever {active} does. Move its rules into {rule_set} "
            "or pass --replace-active-rule-set."
        )
    ses.set_active_receipt_rule_set(RuleSetName=rule_set)
    _say(f"  {rule_set} is now the active receipt rule set" + (f" (was {active})" if active else ""))


def send_feedback_to(aws: Aws, identity: str, topic_arn: str) -> None:
    """Point the identity's bounce and complaint notifications at the stack's topic, which
    ``mail_feedback`` listens to."""
    ses = aws.client("ses")
    for kind in ("Bounce", "Complaint"):
        ses.set_identity_notification_topic(Identity=identity, NotificationType=kind, SnsTopic=topic_arn)
    _say(f"  bounces and complaints for {identity} -> {topic_arn}")


def verify_domain(aws: Aws, domain: str) -> list[DnsRecord]:
    """Start (or look at) the domain's verification and Easy DKIM; returns the DNS records SES
    needs, with SES's current status of each."""
    ses = aws.client("ses")
    ses.verify_domain_identity(Domain=domain)
    ses.verify_domain_dkim(Domain=domain)
    # Read back what SES holds rather than what the calls returned: that is what it checks.
    verification = ses.get_identity_verification_attributes(Identities=[domain])["VerificationAttributes"][domain]
    dkim = ses.get_identity_dkim_attributes(Identities=[domain])["DkimAttributes"][domain]
    records = [
        DnsRecord("TXT", f"_amazonses.{domain}", f'"{verification["VerificationToken"]}"',
                  "proves to SES that the domain is yours", verification.get("VerificationStatus", "")),
        *[
            DnsRecord("CNAME", f"{token}._domainkey.{domain}", f"{token}.dkim.amazonses.com",
                      "DKIM: SES signs the desk's mail", dkim.get("DkimVerificationStatus", ""))
            for token in dkim.get("DkimTokens", [])
        ],
        DnsRecord("MX", domain, f"10 inbound-smtp.{aws.region}.amazonaws.com",
                  "mail to the domain goes to SES, which hands it to the desk"),
    ]
    return records


def _sending_note(aws: Aws) -> str | None:
    """Whether SES may mail anyone from this account and region (new accounts may not)."""
    try:
        account = aws.client("sesv2").get_account()
    except _AWS_ERRORS as error:
        return f"Could not read SES's account status ({error}); check that it is out of the sandbox."
    if not account.get("ProductionAccessEnabled"):
        return (
            f"SES is in the sandbox in {aws.region}: until AWS grants production access (SES console, "
            "'Request production access') the desk can only mail verified addresses, not your customers."
        )
    return None


def _generated_password() -> str:
    # Meets the pool's policy (10+ characters, upper, lower, digit) whatever the random part holds.
    return f"Desk-{secrets.token_urlsafe(15)}7a"


def app_settings(aws: Aws, outputs: StackOutputs, stage: str) -> Any:
    """The app's own settings, read the way a deployed function reads them, from the stack."""
    from chalicelib.config import Settings

    return Settings.from_env({
        "AWS_REGION": aws.region,
        "AWS_ENDPOINT_URL": aws.endpoint_url or "",
        "DESK_STAGE": stage,
        "DESK_TABLE_NAME": outputs.table_name,
        "DESK_BUCKET_NAME": outputs.bucket_name,
        "DESK_USER_POOL_ID": outputs.user_pool_id,
        "DESK_USER_POOL_CLIENT_ID": outputs.user_pool_client_id,
        "DESK_MAIL_FROM": outputs.support_address,
    })


@contextmanager
def _app_tables(aws: Aws, settings: Any) -> Iterator[None]:
    """Point the app's PynamoDB models at the stack's table, with the deploy's credentials,
    and put them back afterwards (the deploy may run in a process that runs the app too)."""
    from chalicelib.adapters.dynamodb import models

    keys = ("table_name", "region", "host", "aws_access_key_id", "aws_secret_access_key", "aws_session_token")
    saved = [(model, {k: getattr(model.Meta, k, None) for k in keys}) for model in models.MODELS]
    credentials = aws.credentials()
    models.configure(table_name=settings.table_name, region=settings.region, host=settings.aws_endpoint_url)
    for model in models.MODELS:
        model.Meta.aws_access_key_id = credentials.access_key
        model.Meta.aws_secret_access_key = credentials.secret_key
        model.Meta.aws_session_token = credentials.token
        model._connection = None
    try:
        yield
    finally:
        for model, values in saved:
            for key, value in values.items():
                setattr(model.Meta, key, value)
            model._connection = None


def create_first_admin(aws: Aws, outputs: StackOutputs, stage: str, email: str, name: str = "Admin") -> FirstAdmin:
    """Create the first admin the way the app creates agents (``AgentService.create``: the
    user-pool account with a permanent password, the admin group, the agent's profile in the
    table). If the address already has an account it is left as it is, made an admin, and
    given a profile if it has none."""
    from chalicelib.adapters.cognito import CognitoDirectory
    from chalicelib.adapters.dynamodb.repositories import DynamoAgentRepository
    from chalicelib.adapters.tokens import JwksTokenVerifier
    from chalicelib.domain.errors import DeskError
    from chalicelib.domain.people import Agent, Role, normalise_email
    from chalicelib.services.agents import AgentService

    cognito = aws.client("cognito-idp")
    settings = app_settings(aws, outputs, stage)
    address = normalise_email(email)
    with _app_tables(aws, settings):
        agents = DynamoAgentRepository()
        try:
            user = cognito.admin_get_user(UserPoolId=settings.user_pool_id, Username=address)
        except cognito.exceptions.UserNotFoundException:
            user = None
        if user is None:
            service = AgentService(
                agents,
                CognitoDirectory(lambda: cognito, settings.user_pool_id, settings.user_pool_client_id),
                JwksTokenVerifier(jwks_url=settings.jwks_url, issuer=settings.token_issuer, audience=settings.user_pool_client_id),
            )
            password = _generated_password()
            try:
                service.create(email=address, name=name, password=password, role=Role.ADMIN, by=None)
            except DeskError as error:  # e.g. an address the pool refuses
                raise DeployError(f"the user pool refused the admin {address}: {error}") from error
            _say(f"  created the admin {address}")
            return FirstAdmin(address, password, True)
        sub = next(a["Value"] for a in user["UserAttributes"] if a["Name"] == "sub")
        groups = cognito.admin_list_groups_for_user(UserPoolId=settings.user_pool_id, Username=address)["Groups"]
        if Role.ADMIN.value not in {g["GroupName"] for g in groups}:
            cognito.admin_add_user_to_group(UserPoolId=settings.user_pool_id, Username=address, GroupName=Role.ADMIN.value)
        if agents.get(sub) is None:
            agents.save(Agent(sub, address, name, Role.ADMIN, datetime.now(UTC)))
        _say(f"  {address} already has an account: it is an admin (password unchanged)")
        return FirstAdmin(address, None, False)


def finish(aws: Aws, outputs: StackOutputs, options: DeployOptions, deployed: Deployed) -> Deployed:
    """The steps CloudFormation cannot do, each safe to run again."""
    with _step("SES: the receipt rule set"):
        activate_rule_set(aws, outputs.receipt_rule_set, replace=options.replace_active_rule_set)
    with _step("SES: bounce and complaint notifications"):
        send_feedback_to(aws, outputs.support_domain, outputs.feedback_topic_arn)
    with _step(f"SES: verifying {outputs.support_domain}"):
        deployed.dns = verify_domain(aws, outputs.support_domain)
        note = _sending_note(aws)
        if note:
            deployed.notes.append(note)
    if options.admin_email:
        with _step("The first admin"):
            deployed.admin = create_first_admin(aws, outputs, options.stage, options.admin_email, options.admin_name)
    deployed.outputs = outputs
    return deployed


# ---------------------------------------------------------------------------- all of it


def deploy(aws: Aws, options: DeployOptions) -> Deployed:
    """Every step, in order; stops at the first that fails (``DeployError``)."""
    from .template import stage_prefix

    stack_name = stage_prefix(options.stage)
    built = options.packaged
    if built is None:
        built = options.build_dir or PROJECT_DIR / "build" / options.stage
        with _step(f"Packaging the {options.stage} stage into {built}"):
            package(options.stage, built, aws.region)
    with _step("The account"):
        account = aws.client("sts").get_caller_identity()["Account"]
        _say(f"  deploying {stack_name} to account {account} in {aws.region}")
    deployed = Deployed(stack_name, account, aws.region)
    bucket = options.artifact_bucket or artifact_bucket_name(account, aws.region)
    with _step(f"The artifact bucket {bucket}"):
        created = ensure_artifact_bucket(aws, bucket, ours=options.artifact_bucket is None)
        _say("  created" if created else "  exists")
    with _step("Uploading the code and the template"):
        template = json.loads((built / "sam.json").read_text())
        upload_artifacts(aws, template, built, bucket, stack_name)
        template_url = upload_template(aws, template, bucket, stack_name)
    parameters = {"SupportDomain": options.support_domain.lower(), "SupportMailbox": options.support_mailbox}
    if options.alarm_email is not None:
        parameters["AlarmEmail"] = options.alarm_email
    if options.upload_origins is not None:
        parameters["UploadOrigins"] = options.upload_origins
    if options.retention_days is not None:
        parameters["RetentionDays"] = str(options.retention_days)
    with _step(f"The stack {stack_name}"):
        deploy_stack(aws, stack_name, template_url, parameters, declared=set(template.get("Parameters", {})),
                     poll_seconds=options.poll_seconds)
        outputs = read_outputs(aws, stack_name)
    return finish(aws, outputs, options, deployed)


def summary(deployed: Deployed) -> str:
    """What the operator needs next, as printed at the end of a deploy."""
    out = deployed.outputs
    lines = [f"The desk {deployed.stack_name} is deployed in {deployed.region} (account {deployed.account}).", ""]
    if out is not None:
        if out.api_url:
            api = out.api_url.rstrip("/")
            lines += [
                f"  API              {api}",
                f"  Websocket        {out.websocket_url or ''}",
                f"  Agent console    {api}/console",
                f"  Support address  {out.support_address}",
                "",
                "Put the chat widget on your site with:",
                f'  <script src="{api}/widget.js"'
                + (f' data-key="{out.widget_key}"' if out.widget_key else "") + " async></script>",
                "",
            ]
        else:
            lines += [f"  Support address  {out.support_address}", ""]
    if deployed.dns:
        domain = out.support_domain if out else ""
        lines += [f"DNS records {domain} needs (add them at your DNS provider; SES checks them for up to 72 hours):"]
        width = max(len(r.name) for r in deployed.dns)
        for record in deployed.dns:
            status = f" [{record.status}]" if record.status else ""
            lines.append(f"  {record.type:<5} {record.name:<{width}}  {record.value}")
            lines.append(f"        {record.purpose}{status}")
        lines += [
            "  The MX record sends all mail for the domain to the desk: use a domain only the desk receives.",
            "",
        ]
    if deployed.admin is not None:
        if deployed.admin.password:
            lines += [
                "First admin (the password is shown only this once; keep it):",
                f"  e-mail:   {deployed.admin.email}",
                f"  password: {deployed.admin.password}",
                "",
            ]
        else:
            lines += [f"Admin: {deployed.admin.email} (existing account, password unchanged)", ""]
    lines += [f"Note: {note}" for note in deployed.notes]
    return "\n".join(lines).rstrip() + "\n"


def main(argv: list[str] | None = None, session: Any = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.deploy", description=__doc__.splitlines()[0])
    parser.add_argument("--stage", required=True, help="a stage of .chalice/config.json, e.g. prod")
    parser.add_argument("--support-domain", required=True, help="the domain SES receives the desk's mail for, e.g. help.example.com")
    parser.add_argument("--support-mailbox", default="support", help="the support address's local part (default support)")
    parser.add_argument("--region", help="default: the profile's or AWS_REGION")
    parser.add_argument("--profile", help="an AWS CLI profile (default: the usual credential chain)")
    parser.add_argument("--admin-email", help="create the first admin agent with this address")
    parser.add_argument("--admin-name", default="Admin")
    parser.add_argument("--alarm-email", help="e-mail alarms here (AWS asks the address to confirm)")
    parser.add_argument("--upload-origins", help="web origins allowed to upload attachments (default *)")
    parser.add_argument("--retention-days", type=int, help="delete closed tickets this many days after closing (default 0: keep)")
    parser.add_argument("--artifact-bucket", help="default: desk-deploy-<account>-<region>, made if missing")
    parser.add_argument("--packaged", type=Path, help="use what `make package` built in this folder")
    parser.add_argument("--replace-active-rule-set", action="store_true",
                        help="make the desk's SES receipt rule set active even if another one is")
    parser.add_argument("--endpoint-url", help="an AWS emulator's URL (the tests); never for AWS itself")
    args = parser.parse_args(argv)

    from .template import stage_prefix

    stages = json.loads((PROJECT_DIR / ".chalice" / "config.json").read_text())["stages"]
    if args.stage not in stages:
        parser.error(f"unknown stage {args.stage!r}; .chalice/config.json has {', '.join(stages)}")
    options = DeployOptions(
        stage=args.stage, support_domain=args.support_domain, support_mailbox=args.support_mailbox,
        alarm_email=args.alarm_email, admin_email=args.admin_email, admin_name=args.admin_name,
        upload_origins=args.upload_origins, retention_days=args.retention_days,
        artifact_bucket=args.artifact_bucket, packaged=args.packaged,
        replace_active_rule_set=args.replace_active_rule_set,
    )
    try:
        if session is None:
            import boto3

            session = boto3.Session(profile_name=args.profile, region_name=args.region)
        deployed = deploy(Aws(session, endpoint_url=args.endpoint_url), options)
    except (DeployError, *_AWS_ERRORS) as error:  # an unknown profile is a botocore error
        print(f"\nThe deploy of {stage_prefix(args.stage)} stopped: {error}", file=sys.stderr, flush=True)
        return 1
    _say("\n" + summary(deployed))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The one-command deploy (``infra/deploy.py``) against moto's server, over the wire, as far as
moto goes. Each test's name says which part of the deploy it runs.

What moto 5.2 does with the desk's deploy, found by trying it:

- STS, the artifact bucket (create, versioning, public access block, encryption, lifecycle),
  the uploads, and CloudFormation change sets read from a TemplateURL (create, describe, list):
  yes, with the desk's real packaged template.
- Executing that change set: no. moto ignores the SAM transform (every AWS::Serverless::*
  resource is skipped with a warning), then answers 500 creating an AWS::Lambda::Permission
  whose function was skipped. Without SAM it still cannot create Cognito pools, clients or
  groups, SES receipt rule sets or rules, Secrets Manager secrets, API Gateway v2, CloudWatch
  alarms, S3 bucket policies, SNS topic policies or subscriptions, and it refuses a template
  with a GetAtt of one of them. So the stack step is run on the part of the real template moto
  creates (table, bucket, topics, dead-letter queue, roles, log groups).
- A stack made by executing a change set has no Outputs in moto (its ChangeSet.apply never
  builds them), so the steps after CloudFormation are given the stack's physical resources,
  and the user pool and rule set the template would have made are made from the same
  definitions the way ``local/provision.py`` makes them.
- Updates: moto never finds "no changes" when the deploy passes UsePreviousValue for the
  parameters it was not given (it compares them with the ones given at creation), and it
  answers 500 to UsePreviousValue of a CommaDelimitedList that was given explicitly.
- SES receipt rule sets and activating one, domain verification and DKIM tokens: yes (moto
  marks a domain verified at once; SES says Pending until it finds the DNS records).
  Notification topics are kept but GetIdentityNotificationAttributes does not return them;
  mail to SES's mailbox simulator does reach them, which is what the test checks. SES v2
  GetAccount (the sandbox check): no, it answers 404.
- Cognito users and groups, ID tokens and their JWKS, DynamoDB, SNS to SQS: yes. S3 buckets
  are not kept apart by account, so a bucket name taken by another account cannot be tried.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from infra import deploy, resources
from infra.deploy import Aws, Deployed, DeployError, DeployOptions, StackOutputs

PROJECT = Path(__file__).resolve().parents[2]
REGION = "us-east-1"
STAGE = "prod"
STACK = "desk-prod"
DOMAIN = "help.example.com"
MAILBOX = "hello"  # not the template's default, to tell a kept value from a default
# What moto's CloudFormation creates of the desk's resource types (tried one by one).
MOTO_CREATES = {
    "AWS::DynamoDB::Table", "AWS::S3::Bucket", "AWS::SNS::Topic", "AWS::SQS::Queue", "AWS::IAM::Role", "AWS::Logs::LogGroup",
}


@pytest.fixture(scope="module")
def emulator() -> Iterator[Any]:
    """moto's server as the local stack runs it, without a data folder."""
    from local.aws import AwsEmulator

    aws = AwsEmulator("127.0.0.1", 0, None)
    aws.start()
    yield aws
    aws.stop()


@pytest.fixture
def session(emulator: Any) -> boto3.Session:
    """Credentials of an account of its own in the emulator (moto keeps one state per account,
    and other tests' emulators in this process share moto's state): STS AssumeRole into a
    random account id. The first credentials are placeholders moto accepts."""
    base = boto3.Session(aws_access_key_id="emulator", aws_secret_access_key="emulator", region_name=REGION)
    account = str(random.randrange(10**11, 10**12))
    credentials = base.client("sts", endpoint_url=emulator.endpoint).assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/deployer", RoleSessionName="deploy-test"
    )["Credentials"]
    return boto3.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
        region_name=REGION,
    )


@pytest.fixture
def aws(session: boto3.Session, emulator: Any) -> Aws:
    return Aws(session, endpoint_url=emulator.endpoint)


@pytest.fixture(scope="module")
def packaged(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``deploy.package``: what `make package STAGE=prod` builds (chalice package, cfn-lint)."""
    return deploy.package(STAGE, tmp_path_factory.mktemp("build") / STAGE, REGION)


def _account(aws: Aws) -> str:
    return str(aws.client("sts").get_caller_identity()["Account"])


# ---------------------------------------------------------------------------- the whole command


def _run_cli(session: boto3.Session, emulator: Any, packaged: Path) -> subprocess.CompletedProcess[str]:
    credentials = session.get_credentials().get_frozen_credentials()
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env |= {
        "AWS_ACCESS_KEY_ID": credentials.access_key,
        "AWS_SECRET_ACCESS_KEY": credentials.secret_key,
        "AWS_SESSION_TOKEN": credentials.token,
    }
    return subprocess.run(
        [sys.executable, "-m", "infra.deploy", "--stage", STAGE, "--support-domain", DOMAIN, "--region", REGION,
         "--admin-email", f"owner@{DOMAIN}", "--packaged", str(packaged), "--endpoint-url", emulator.endpoint],
        cwd=PROJECT, env=env, capture_output=True, text=True, timeout=600,
    )


def test_the_command_uploads_the_package_and_makes_the_change_set_then_stops_where_moto_cannot_run_sam(
    session: boto3.Session, emulator: Any, packaged: Path
) -> None:
    first = _run_cli(session, emulator, packaged)
    s3 = session.client("s3", endpoint_url=emulator.endpoint)
    cf = session.client("cloudformation", endpoint_url=emulator.endpoint)
    bucket = f"desk-deploy-{_account(Aws(session, emulator.endpoint))}-{REGION}"

    # It stops at executing the change set, says so, and does nothing after it.
    assert first.returncode == 1, first.stdout + first.stderr
    assert f"The deploy of {STACK} stopped: executing the change set deploy-" in first.stderr
    assert "==> SES" not in first.stdout
    ses = session.client("ses", endpoint_url=emulator.endpoint)
    assert "Metadata" not in ses.describe_active_receipt_rule_set()
    assert ses.list_identities()["Identities"] == []

    # The artifact bucket: private, versioned, encrypted.
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    assert set(s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"].values()) == {True}
    (rule,) = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
    assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    assert s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}]

    # It holds the zip as built, named by its content, and the template pointing at it.
    zip_bytes = (packaged / "deployment.zip").read_bytes()
    digest = hashlib.sha256(zip_bytes).hexdigest()
    keys = sorted(o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"])
    (template_key,) = [k for k in keys if k.startswith(f"{STACK}/templates/")]
    assert keys == sorted([f"{STACK}/{digest}.zip", template_key])
    assert s3.get_object(Bucket=bucket, Key=f"{STACK}/{digest}.zip")["Body"].read() == zip_bytes
    uploaded = json.loads(s3.get_object(Bucket=bucket, Key=template_key)["Body"].read())
    built = json.loads((packaged / "sam.json").read_text())
    functions = {k for k, v in built["Resources"].items() if v["Type"] == "AWS::Serverless::Function"}
    assert functions and {uploaded["Resources"][f]["Properties"]["CodeUri"] for f in functions} == {f"s3://{bucket}/{STACK}/{digest}.zip"}
    assert {k: v for k, v in uploaded["Resources"].items() if k not in functions} == {
        k: v for k, v in built["Resources"].items() if k not in functions
    }

    # The stack waits for review with a change set that adds every resource of the template.
    (stack,) = cf.describe_stacks(StackName=STACK)["Stacks"]
    assert stack["StackStatus"] == "REVIEW_IN_PROGRESS"
    (summary,) = cf.list_change_sets(StackName=STACK)["Summaries"]
    change_set = cf.describe_change_set(StackName=STACK, ChangeSetName=summary["ChangeSetName"])
    assert change_set["Status"] == "CREATE_COMPLETE"
    assert {(c["ResourceChange"]["LogicalResourceId"], c["ResourceChange"]["ResourceType"], c["ResourceChange"]["Action"])
            for c in change_set["Changes"]} == {(k, v["Type"], "Add") for k, v in built["Resources"].items()}
    parameters = {p["ParameterKey"]: p["ParameterValue"] for p in change_set["Parameters"]}
    assert {k: parameters.get(k) for k in ("SupportDomain", "SupportMailbox")} == {"SupportDomain": DOMAIN, "SupportMailbox": "support"}
    assert "Add     DeskTable (AWS::DynamoDB::Table)" in first.stdout

    # Again: the same zip is not uploaded twice; a stack still in review gets a new create.
    second = _run_cli(session, emulator, packaged)
    assert second.returncode == 1
    assert f"deployment.zip: unchanged, already at s3://{bucket}/{STACK}/{digest}.zip" in second.stdout
    assert "(create desk-prod)" in second.stdout
    assert len(s3.list_object_versions(Bucket=bucket, Prefix=f"{STACK}/{digest}.zip")["Versions"]) == 1


# ---------------------------------------------------------------------------- the stack step


def _refers_to(value: Any) -> set[str]:
    """The logical ids a template value refers to (Ref, GetAtt, ${...} in Sub)."""
    import re

    found: set[str] = set()
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "Ref" and isinstance(inner, str):
                found.add(inner)
            elif key == "Fn::GetAtt":
                found.add(inner[0] if isinstance(inner, list) else inner.split(".")[0])
            elif key == "Fn::Sub":
                text = inner if isinstance(inner, str) else inner[0]
                found |= {name.split(".")[0] for name in re.findall(r"\$\{([^}!]+)\}", text)}
                found |= _refers_to(inner)
            else:
                found |= _refers_to(inner)
    elif isinstance(value, list):
        for inner in value:
            found |= _refers_to(inner)
    return found


def _depends_on(resource: dict[str, Any]) -> set[str]:
    value = resource.get("DependsOn") or []
    return {value} if isinstance(value, str) else set(value)


def _what_moto_creates(template: dict[str, Any]) -> dict[str, Any]:
    """The desk's template less SAM and every resource moto's CloudFormation cannot create,
    and less whatever refers to one of those."""
    resources_ = dict(template["Resources"])
    dropped = {k for k, v in resources_.items() if v["Type"] not in MOTO_CREATES}
    while True:
        more = {
            k for k, v in resources_.items()
            if k not in dropped and (_refers_to(v) | _depends_on(v)) & dropped
        }
        if not more:
            break
        dropped |= more
    kept = {k: v for k, v in resources_.items() if k not in dropped}
    outputs = {k: v for k, v in template["Outputs"].items() if not _refers_to(v) & dropped}
    return {**{k: v for k, v in template.items() if k != "Transform"}, "Resources": kept, "Outputs": outputs}


@pytest.fixture
def stack_of_what_moto_creates(aws: Aws, packaged: Path) -> dict[str, Any]:
    template = _what_moto_creates(json.loads((packaged / "sam.json").read_text()))
    bucket = deploy.artifact_bucket_name(_account(aws), REGION)
    deploy.ensure_artifact_bucket(aws, bucket)
    url = deploy.upload_template(aws, template, bucket, STACK)
    deploy.deploy_stack(aws, STACK, url, {"SupportDomain": DOMAIN, "SupportMailbox": MAILBOX}, poll_seconds=0.05)
    return {"template": template, "url": url}


def test_the_stack_step_creates_then_updates_the_part_of_the_template_moto_creates(
    aws: Aws, stack_of_what_moto_creates: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    template = stack_of_what_moto_creates["template"]
    assert {v["Type"] for v in template["Resources"].values()} == MOTO_CREATES
    assert {"DeskTable", "DeskBucket", "MailFeedbackTopic", "AlarmTopic", "DeadLetterQueue"} <= set(template["Resources"])
    cf = aws.client("cloudformation")
    (stack,) = cf.describe_stacks(StackName=STACK)["Stacks"]
    assert stack["StackStatus"] == "CREATE_COMPLETE"
    physical = {r["LogicalResourceId"]: r["PhysicalResourceId"] for r in cf.describe_stack_resources(StackName=STACK)["StackResources"]}
    assert set(physical) == set(template["Resources"])

    table = aws.client("dynamodb").describe_table(TableName=physical["DeskTable"])["Table"]
    assert table["KeySchema"] == template["Resources"]["DeskTable"]["Properties"]["KeySchema"]
    assert physical["DeskTable"] == STACK
    aws.client("s3").head_bucket(Bucket=physical["DeskBucket"])
    topic = aws.client("sns").get_topic_attributes(TopicArn=physical["MailFeedbackTopic"])["Attributes"]
    assert topic["TopicArn"].endswith(":desk-prod-mail-feedback")
    queue = aws.client("sqs").get_queue_attributes(QueueUrl=physical["DeadLetterQueue"], AttributeNames=["All"])["Attributes"]
    assert queue["QueueArn"].endswith(":desk-prod-dead-letters")
    assert (queue["MessageRetentionPeriod"], queue["SqsManagedSseEnabled"]) == (str(14 * 24 * 3600), "true")

    # Deploying again updates the stack in place, keeping the parameters it was not given.
    # (moto never says "no changes" here: it compares the given parameters with those it lists
    # with their defaults, so the deploy's "nothing to change" path is not exercised.)
    capsys.readouterr()
    deploy.deploy_stack(aws, STACK, stack_of_what_moto_creates["url"], {"SupportDomain": DOMAIN},
                        declared=set(template["Parameters"]), poll_seconds=0.05)
    assert "(update desk-prod)" in capsys.readouterr().out
    (stack,) = cf.describe_stacks(StackName=STACK)["Stacks"]
    assert stack["StackStatus"] == "UPDATE_COMPLETE"
    assert {p["ParameterKey"]: p["ParameterValue"] for p in stack["Parameters"]}["SupportMailbox"] == MAILBOX
    assert {r["LogicalResourceId"]: r["PhysicalResourceId"] for r in cf.describe_stack_resources(StackName=STACK)["StackResources"]} == physical


def test_a_stack_that_failed_is_reported_by_resource_with_cloudformations_reason() -> None:
    # Events as describe_stack_events gives them, oldest first: the cause, then what it cancelled.
    events = [
        {"LogicalResourceId": STACK, "ResourceType": "AWS::CloudFormation::Stack", "ResourceStatus": "CREATE_IN_PROGRESS",
         "ResourceStatusReason": "User Initiated"},
        {"LogicalResourceId": "DeskTable", "ResourceType": "AWS::DynamoDB::Table", "ResourceStatus": "CREATE_FAILED",
         "ResourceStatusReason": "Resource handler returned message: \"Resource of type 'AWS::DynamoDB::Table' with identifier 'desk-prod' already exists.\""},
        {"LogicalResourceId": "InboundRule", "ResourceType": "AWS::SES::ReceiptRule", "ResourceStatus": "CREATE_FAILED",
         "ResourceStatusReason": "Resource creation cancelled"},
        {"LogicalResourceId": "DeskBucket", "ResourceType": "AWS::S3::Bucket", "ResourceStatus": "CREATE_COMPLETE"},
        {"LogicalResourceId": STACK, "ResourceType": "AWS::CloudFormation::Stack", "ResourceStatus": "ROLLBACK_COMPLETE"},
    ]
    assert deploy.stack_failures(events) == [
        "DeskTable (AWS::DynamoDB::Table) CREATE_FAILED: Resource handler returned message: "
        "\"Resource of type 'AWS::DynamoDB::Table' with identifier 'desk-prod' already exists.\"",
        "InboundRule (AWS::SES::ReceiptRule) CREATE_FAILED: Resource creation cancelled",
    ]


# ---------------------------------------------------------------------------- after CloudFormation


def _as_the_template_would(aws: Aws) -> dict[str, str]:
    """The user pool (client, groups) and the receipt rule set the template makes and moto's
    CloudFormation cannot, made from infra.resources the way local/provision.py makes them."""
    cognito = aws.client("cognito-idp")
    pool = cognito.create_user_pool(PoolName=f"{STACK}-agents", **resources.USER_POOL)["UserPool"]["Id"]
    client = cognito.create_user_pool_client(UserPoolId=pool, ClientName=f"{STACK}-app", **resources.USER_POOL_CLIENT)
    for name, description in resources.AGENT_GROUPS.items():
        cognito.create_group(UserPoolId=pool, GroupName=name, Description=description)
    aws.client("ses").create_receipt_rule_set(RuleSetName=STACK)
    return {"UserPoolId": pool, "UserPoolClientId": client["UserPoolClient"]["ClientId"], "ReceiptRuleSetName": STACK}


def _feedback_on_the_topic(aws: Aws, topic_arn: str) -> list[str]:
    sqs = aws.client("sqs")
    queue = sqs.create_queue(QueueName=f"feedback-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    aws.client("sns").subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn)
    for who in ("bounce", "complaint"):
        aws.client("ses").send_email(
            Source=f"{MAILBOX}@{DOMAIN}", Destination={"ToAddresses": [f"{who}@simulator.amazonses.com"]},
            Message={"Subject": {"Data": "Re: your order"}, "Body": {"Text": {"Data": "Hello"}}},
        )
    received = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])
    notifications = [json.loads(m["Body"])["Message"] for m in received]  # SNS's envelope
    # SNS sends the notification as a JSON string; moto passes SES's dict through as it is, and
    # fills notificationType with a placeholder: the bounce or complaint object tells them apart.
    parsed = [json.loads(n) if isinstance(n, str) else n for n in notifications]
    return sorted(kind.title() for n in parsed for kind in ("bounce", "complaint") if kind in n)


def test_the_steps_after_cloudformation_on_the_stack_moto_made_and_a_pool_made_like_local_provision(
    aws: Aws, stack_of_what_moto_creates: dict[str, Any], emulator: Any
) -> None:
    from chalicelib.adapters.dynamodb import models

    physical = {
        r["LogicalResourceId"]: r["PhysicalResourceId"]
        for r in aws.client("cloudformation").describe_stack_resources(StackName=STACK)["StackResources"]
    }
    made = _as_the_template_would(aws)
    outputs = StackOutputs(
        table_name=physical["DeskTable"], bucket_name=physical["DeskBucket"], feedback_topic_arn=physical["MailFeedbackTopic"],
        user_pool_id=made["UserPoolId"], user_pool_client_id=made["UserPoolClientId"],
        receipt_rule_set=made["ReceiptRuleSetName"], support_address=f"{MAILBOX}@{DOMAIN}",
    )
    options = DeployOptions(stage=STAGE, support_domain=DOMAIN, admin_email=f"Owner@{DOMAIN}", admin_name="Olive Owner")
    host_before = models.AgentItem.Meta.host
    deployed = deploy.finish(aws, outputs, options, Deployed(STACK, "-", REGION))
    ses = aws.client("ses")

    # The stack's rule set receives mail.
    assert ses.describe_active_receipt_rule_set()["Metadata"]["Name"] == STACK
    # Bounces and complaints reach mail_feedback's topic: mail to SES's mailbox simulator
    # (which moto plays too) comes back on it. A queue stands in for the function.
    assert _feedback_on_the_topic(aws, physical["MailFeedbackTopic"]) == ["Bounce", "Complaint"]

    # Verification started, and the DNS records printed are the ones SES holds.
    assert DOMAIN in ses.list_identities(IdentityType="Domain")["Identities"]
    token = ses.get_identity_verification_attributes(Identities=[DOMAIN])["VerificationAttributes"][DOMAIN]["VerificationToken"]
    dkim = ses.get_identity_dkim_attributes(Identities=[DOMAIN])["DkimAttributes"][DOMAIN]["DkimTokens"]
    assert len(dkim) == 3
    assert [(r.type, r.name, r.value) for r in deployed.dns] == [
        ("TXT", f"_amazonses.{DOMAIN}", f'"{token}"'),
        *[("CNAME", f"{t}._domainkey.{DOMAIN}", f"{t}.dkim.amazonses.com") for t in dkim],
        ("MX", DOMAIN, f"10 inbound-smtp.{REGION}.amazonaws.com"),
    ]
    text = deploy.summary(deployed)
    assert f'TXT   _amazonses.{DOMAIN}' in text and f"MX    {DOMAIN}" in text
    for t in dkim:
        assert f"CNAME {t}._domainkey.{DOMAIN}" in text
    # moto has no SES v2 GetAccount: the sandbox check says it could not tell.
    assert any("check that it is out of the sandbox" in note for note in deployed.notes)

    # The first admin signs in with the printed password and the app sees an admin.
    admin = deployed.admin
    assert admin is not None and admin.created and admin.password
    assert f"password: {admin.password}" in text
    assert admin.email == f"owner@{DOMAIN}"
    from chalicelib.adapters.tokens import JwksTokenVerifier
    from chalicelib.domain.people import Role
    from chalicelib.services.agents import principal_from_claims

    cognito = aws.client("cognito-idp")
    signed_in = cognito.initiate_auth(
        ClientId=outputs.user_pool_client_id, AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": admin.email, "PASSWORD": admin.password},
    )["AuthenticationResult"]
    settings = deploy.app_settings(aws, outputs, STAGE)
    verifier = JwksTokenVerifier(jwks_url=settings.jwks_url, issuer=settings.token_issuer, audience=settings.user_pool_client_id)
    principal = principal_from_claims(verifier.verify(signed_in["IdToken"]))
    assert (principal.role, principal.email) == (Role.ADMIN, admin.email)
    # ... and has the profile the app reads agents from.
    item = aws.client("dynamodb").get_item(
        TableName=outputs.table_name, Key={"pk": {"S": models.AGENTS_PK}, "sk": {"S": f"AGENT#{principal.agent_id}"}}
    )["Item"]
    assert {k: item[k]["S"] for k in ("id", "email", "name", "role")} == {
        "id": principal.agent_id, "email": admin.email, "name": "Olive Owner", "role": "admin",
    }
    assert models.AgentItem.Meta.host == host_before  # the app's models point where they did

    # Every step may run again: the admin is kept, not made twice, and no password is shown.
    again = deploy.finish(aws, outputs, options, Deployed(STACK, "-", REGION))
    assert again.admin is not None and (again.admin.created, again.admin.password) == (False, None)
    assert "password:" not in deploy.summary(again)
    assert len(cognito.list_users(UserPoolId=outputs.user_pool_id)["Users"]) == 1
    assert ses.describe_active_receipt_rule_set()["Metadata"]["Name"] == STACK


def test_another_active_receipt_rule_set_is_replaced_only_when_asked(aws: Aws) -> None:
    ses = aws.client("ses")
    ses.create_receipt_rule_set(RuleSetName="shop-mail")
    ses.set_active_receipt_rule_set(RuleSetName="shop-mail")
    ses.create_receipt_rule_set(RuleSetName=STACK)

    with pytest.raises(DeployError, match="shop-mail is active in us-east-1"):
        deploy.activate_rule_set(aws, STACK)
    assert ses.describe_active_receipt_rule_set()["Metadata"]["Name"] == "shop-mail"
    deploy.activate_rule_set(aws, STACK, replace=True)
    assert ses.describe_active_receipt_rule_set()["Metadata"]["Name"] == STACK


def test_the_summary_gives_the_console_address_and_the_widget_tag() -> None:
    # Outputs as a deployed stack has them (Chalice's EndpointURL ends with the stage and a slash).
    outputs = StackOutputs.from_stack({
        "EndpointURL": "https://abc123.execute-api.eu-west-1.amazonaws.com/api/",
        "WebsocketConnectEndpointURL": "wss://def456.execute-api.eu-west-1.amazonaws.com/api/",
        "TableName": STACK, "BucketName": "b", "UserPoolId": "p", "UserPoolClientId": "c",
        "SupportAddress": f"support@{DOMAIN}", "ReceiptRuleSetName": STACK, "MailFeedbackTopicArn": "arn",
        "WidgetKey": "pk_0a1b2c3d-1111-2222-3333-444455556666",
    })
    text = deploy.summary(Deployed(STACK, "123456789012", "eu-west-1", outputs=outputs))
    assert "Agent console    https://abc123.execute-api.eu-west-1.amazonaws.com/api/console\n" in text
    assert "Websocket        wss://def456.execute-api.eu-west-1.amazonaws.com/api/\n" in text
    assert ('<script src="https://abc123.execute-api.eu-west-1.amazonaws.com/api/widget.js"'
            ' data-key="pk_0a1b2c3d-1111-2222-3333-444455556666" async></script>') in text
    with pytest.raises(DeployError, match="no output UserPoolId"):
        StackOutputs.from_stack({"EndpointURL": "x"} | {k: "x" for k in deploy.OUTPUTS if k != "UserPoolId"})

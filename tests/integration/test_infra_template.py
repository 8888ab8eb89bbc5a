"""The deploy template as `make package` builds it: `chalice package` with the generated merge
template, linted by cfn-lint, and held to what the code needs - the inbound mail path SES
takes, least-privilege policies, every setting the functions read - and to the local stack,
whose table, user pool and bucket must come from the same definitions."""

from __future__ import annotations

import json
import re
import uuid
import zipfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import boto3
import pytest

from chalicelib.config import Settings
from chalicelib.domain import storage
from chalicelib.entrypoints import stream
from infra import resources
from infra.policy import BUCKET_GRANTS, QUEUE_ACTIONS, policy_document, policy_path
from infra.template import ChaliceFunction, bucket_properties, chalice_functions, queue_properties
from tests.packaging import PROJECT, STAGES

LINT_REGIONS = ["us-east-1", "eu-west-1"]  # two of the regions where SES receives mail

# Settings the functions read that the template deliberately leaves alone.
NOT_FROM_THE_TEMPLATE = {
    "AWS_REGION": "set by Lambda",
    "AWS_DEFAULT_REGION": "set by Lambda",
    "AWS_ENDPOINT_URL": "the emulator's; must stay unset in AWS",
    "DESK_JWKS_URL": "derived from the region and the user pool",
    "DESK_MAX_BODY_BYTES": "has a default",
    "DESK_EXPECTED_RESPONSE_MINUTES": "has a default (SLA policies say otherwise)",
    "DESK_RATE_LIMIT_WIDGET_SESSIONS": "has a default; tune per stage in .chalice/config.json",
    "DESK_RATE_LIMIT_LOGIN": "has a default; tune per stage in .chalice/config.json",
    "DESK_RATE_LIMIT_LOGIN_EMAIL": "has a default; tune per stage in .chalice/config.json",
    "DESK_RATE_LIMIT_LOGIN_DEVICE": "has a default; tune per stage in .chalice/config.json",
    "DESK_RATE_LIMIT_REFRESH": "has a default; tune per stage in .chalice/config.json",
    "DESK_RATE_LIMIT_INVITES": "has a default; tune per stage in .chalice/config.json",
    "DESK_RATE_LIMIT_ADDRESS_CONFIRMATIONS_PER_VISITOR": "has a default; tune per stage in .chalice/config.json",
    "DESK_RATE_LIMIT_ADDRESS_CONFIRMATIONS_PER_ADDRESS": "has a default; tune per stage in .chalice/config.json",
    "DESK_RATE_LIMIT_ADDRESS_CONFIRMATION_LINKS": "has a default; tune per stage in .chalice/config.json",
    **{f"DESK_RATE_LIMIT_PORTAL{part}": "has a default; tune per stage in .chalice/config.json"
       for part in ("", "_FORM", "_FORM_EMAIL", "_UPLOADS", "_LINKS", "_LINKS_EMAIL", "_SIGN_IN")},
    "DESK_RATE_LIMIT_HELP_FEEDBACK": "has a default; tune per stage in .chalice/config.json",
    "DESK_TRUSTED_PROXY_HOPS": "0 behind API Gateway (it reports the client's address)",
    "DESK_KB_INDEX_CHECK_SECONDS": "has a default (5 s: how soon an instance looks for a new search index)",
    "DESK_CORS_ORIGINS": "same-origin by default; set per stage in .chalice/config.json (read at packaging)",
}
# What the settings that name a resource must point at.
RESOURCE_SETTINGS = {
    "DESK_TABLE_NAME": "AWS::DynamoDB::Table",
    "DESK_BUCKET_NAME": "AWS::S3::Bucket",
    "DESK_USER_POOL_ID": "AWS::Cognito::UserPool",
    "DESK_USER_POOL_CLIENT_ID": "AWS::Cognito::UserPoolClient",
    "DESK_DEAD_LETTER_QUEUE_URL": "AWS::SQS::Queue",
}
# The properties SAM takes on a function's DynamoDB event (samtranslator's PullEventSource and
# DynamoDB): cfn-lint does not look inside SAM's events, so a misspelt one would only fail in AWS.
SAM_DYNAMODB_EVENT_PROPERTIES = {
    "Stream", "StartingPosition", "StartingPositionTimestamp", "BatchSize", "Enabled",
    "MaximumBatchingWindowInSeconds", "MaximumRetryAttempts", "BisectBatchOnFunctionError",
    "MaximumRecordAgeInSeconds", "DestinationConfig", "ParallelizationFactor", "TumblingWindowInSeconds",
    "FunctionResponseTypes", "FilterCriteria", "KmsKeyArn", "MetricsConfig",
}
STREAM_READ = {"dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"}


@pytest.fixture(params=STAGES)
def stage(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def template(packages: dict[str, Path], stage: str) -> dict[str, Any]:
    return json.loads((packages[stage] / "sam.json").read_text())


def _of_type(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == kind}


def _one(template: dict[str, Any], kind: str) -> tuple[str, dict[str, Any]]:
    found = _of_type(template, kind)
    assert len(found) == 1, f"{kind}: {sorted(found)}"
    return next(iter(found.items()))


def _ref(value: Any) -> str:
    assert isinstance(value, dict) and set(value) == {"Ref"}, value
    return value["Ref"]


# ---------------------------------------------------------------------------- the package


def test_cfn_lint_finds_no_error_and_no_warning(packages: dict[str, Path], stage: str) -> None:
    from cfnlint.api import ManualArgs, lint

    text = (packages[stage] / "sam.json").read_text()
    matches = lint(text, config=ManualArgs(regions=LINT_REGIONS))
    assert [f"{m.rule.id} line {m.linenumber}: {m.message}" for m in matches] == []


def test_the_package_holds_the_app_within_lambdas_limit(packages: dict[str, Path], stage: str, template: dict[str, Any]) -> None:
    bundle = packages[stage] / "deployment.zip"
    assert bundle.stat().st_size < 50 * 1024 * 1024
    names = set(zipfile.ZipFile(bundle).namelist())
    assert {"app.py", "chalicelib/config.py", "chalicelib/entrypoints/mail.py", "pynamodb/__init__.py"} <= names
    assert not any(name.startswith(("infra/", "local/", "tests/")) for name in names)
    functions = _of_type(template, "AWS::Serverless::Function")
    assert {f.logical_id for f in chalice_functions(stage)} == set(functions)
    assert {f["Properties"]["CodeUri"] for f in functions.values()} == {"./deployment.zip"}


def test_the_stateful_resources_are_retained(template: dict[str, Any]) -> None:
    kinds = ("AWS::DynamoDB::Table", "AWS::S3::Bucket", "AWS::Cognito::UserPool", "AWS::SecretsManager::Secret", "AWS::SQS::Queue")
    for kind in kinds:
        for name, resource in _of_type(template, kind).items():
            assert (resource.get("DeletionPolicy"), resource.get("UpdateReplacePolicy")) == ("Retain", "Retain"), name


def test_the_outputs_name_what_a_client_and_an_operator_need(template: dict[str, Any]) -> None:
    outputs = template["Outputs"]
    assert {"EndpointURL", "WebsocketConnectEndpointURL", "UserPoolId", "UserPoolClientId", "BucketName"} <= set(outputs)
    assert outputs["EndpointURL"]["Value"]["Fn::Sub"].startswith("https://${RestAPI}.")
    assert outputs["WebsocketConnectEndpointURL"]["Value"]["Fn::Sub"].startswith("wss://${WebsocketAPI}.")
    assert outputs["DeadLetterQueueUrl"]["Value"] == {"Ref": _one(template, "AWS::SQS::Queue")[0]}


# ---------------------------------------------------------------------------- mail in


def test_ses_stores_inbound_mail_where_mail_inbound_reads_it_then_invokes_it(template: dict[str, Any]) -> None:
    resources_ = template["Resources"]
    _, rule = _one(template, "AWS::SES::ReceiptRule")
    rule_set_id, rule_set = _one(template, "AWS::SES::ReceiptRuleSet")
    assert _ref(rule["Properties"]["RuleSetName"]) == rule_set_id
    body = rule["Properties"]["Rule"]
    assert body["Enabled"] is True and body["ScanEnabled"] is True
    assert body["Recipients"] == [{"Ref": "SupportDomain"}]
    store, invoke = body["Actions"]  # in this order: the function reads what S3 holds
    bucket_id, _ = _one(template, "AWS::S3::Bucket")
    assert store["S3Action"] == {"BucketName": {"Ref": bucket_id}, "ObjectKeyPrefix": storage.MAIL_INBOUND_PREFIX}
    function_id, attribute = invoke["LambdaAction"]["FunctionArn"]["Fn::GetAtt"]
    assert (attribute, invoke["LambdaAction"]["InvocationType"]) == ("Arn", "Event")
    assert resources_[function_id]["Properties"]["Handler"] == "app.mail_inbound"

    rule_arn = (
        "arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:receipt-rule-set/"
        f"{rule_set['Properties']['RuleSetName']}:receipt-rule/{body['Name']}"
    )
    (permission,) = [
        p["Properties"] for p in _of_type(template, "AWS::Lambda::Permission").values()
        if p["Properties"]["Principal"] == "ses.amazonaws.com"
    ]
    assert _ref(permission["FunctionName"]) == function_id
    assert permission["SourceAccount"] == {"Ref": "AWS::AccountId"}
    assert permission["SourceArn"] == {"Fn::Sub": rule_arn}

    _, policy = _one(template, "AWS::S3::BucketPolicy")
    allows = [s for s in policy["Properties"]["PolicyDocument"]["Statement"] if s["Effect"] == "Allow"]
    assert allows == [
        {
            "Sid": "SesStoresInboundMail",
            "Effect": "Allow",
            "Principal": {"Service": "ses.amazonaws.com"},
            "Action": "s3:PutObject",
            "Resource": {"Fn::Sub": f"${{{bucket_id}.Arn}}/{storage.MAIL_INBOUND_PREFIX}*"},
            "Condition": {
                "StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}},
                "ArnLike": {"aws:SourceArn": {"Fn::Sub": rule_arn}},
            },
        }
    ]
    # SES checks both grants when the rule is created, so they must exist first.
    assert set(rule["DependsOn"]) == {_one(template, "AWS::S3::BucketPolicy")[0], _permission_id(template)}


def _permission_id(template: dict[str, Any]) -> str:
    (found,) = [k for k, v in _of_type(template, "AWS::Lambda::Permission").items() if v["Properties"]["Principal"] == "ses.amazonaws.com"]
    return found


def test_mail_feedback_listens_to_the_topic_ses_may_publish_to(template: dict[str, Any]) -> None:
    topic_id = next(k for k, v in _of_type(template, "AWS::SNS::Topic").items() if v["Properties"]["TopicName"].endswith("-mail-feedback"))
    (feedback,) = [f for f in _of_type(template, "AWS::Serverless::Function").values() if f["Properties"]["Handler"] == "app.mail_feedback"]
    (event,) = feedback["Properties"]["Events"].values()
    assert event == {"Type": "SNS", "Properties": {"Topic": {"Fn::Sub": f"${{{topic_id}}}"}}}
    (policy,) = [p["Properties"] for p in _of_type(template, "AWS::SNS::TopicPolicy").values() if p["Properties"]["Topics"] == [{"Ref": topic_id}]]
    (statement,) = policy["PolicyDocument"]["Statement"]
    assert (statement["Principal"], statement["Action"]) == ({"Service": "ses.amazonaws.com"}, "sns:Publish")
    assert statement["Condition"] == {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}}


# ---------------------------------------------------------------------------- the bucket


def test_the_bucket_is_private_encrypted_and_owner_enforced(template: dict[str, Any]) -> None:
    _, bucket = _one(template, "AWS::S3::Bucket")
    props = bucket["Properties"]
    assert props["PublicAccessBlockConfiguration"] == dict.fromkeys(
        ["BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"], True
    )
    assert props["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"]["SSEAlgorithm"]
    assert props["OwnershipControls"] == {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    cors = props["CorsConfiguration"]["CorsRules"]
    assert any("POST" in rule["AllowedMethods"] for rule in cors)


class _RecordingFiles:
    def __init__(self) -> None:
        self.copies: list[tuple[str, str]] = []

    def copy(self, key: str, new_key: str) -> None:
        self.copies.append((key, new_key))


def test_quarantined_mail_expires_where_the_mail_service_puts_it(template: dict[str, Any]) -> None:
    from chalicelib.services.mail import MailService

    files = _RecordingFiles()
    service = MailService(
        tickets=None, customers=None, refs=None, limits=None, files=files, mailer=None,  # type: ignore[arg-type]
        threads=None, support_address="support@desk.test", secret="s",  # type: ignore[arg-type]
    )
    outcome = service.ingest(f"{storage.MAIL_INBOUND_PREFIX}abc123", verdicts={"virus": "FAIL"})
    assert outcome.outcome == "quarantined"
    ((_, quarantined),) = files.copies
    _, bucket = _one(template, "AWS::S3::Bucket")
    rules = bucket["Properties"]["LifecycleConfiguration"]["Rules"]
    # Only quarantined mail expires by where it is: raw mail and attachments are the tickets'
    # record, and expire only once tagged with their closed ticket (retention, below).
    expiring = [r for r in rules if "ExpirationInDays" in r and "TagFilters" not in r]
    assert [r.get("Prefix", "") for r in expiring] == [storage.MAIL_QUARANTINE_PREFIX]
    assert quarantined == storage.quarantine_key(f"{storage.MAIL_INBOUND_PREFIX}abc123") == "mail/quarantine/abc123"


def test_closed_tickets_files_expire_after_the_retention_the_functions_apply(template: dict[str, Any]) -> None:
    _, bucket = _one(template, "AWS::S3::Bucket")
    rules = bucket["Properties"]["LifecycleConfiguration"]["Rules"]
    (retention,) = [r for r in rules if "TagFilters" in r]
    key, value = resources.RETENTION_TAG
    assert retention["TagFilters"] == [{"Key": key, "Value": value}] and "Prefix" not in retention
    condition, off, on = retention["ExpirationInDays"]["Fn::If"]
    assert (off, on) == (resources.NEVER_DAYS, {"Ref": "RetentionDays"})
    assert template["Conditions"][condition] == {"Fn::Equals": [{"Ref": "RetentionDays"}, "0"]}
    assert template["Parameters"]["RetentionDays"]["Default"] == 0  # off unless the business sets it
    for fn in _of_type(template, "AWS::Serverless::Function").values():
        assert fn["Properties"]["Environment"]["Variables"]["DESK_RETENTION_DAYS"] == {"Ref": "RetentionDays"}


# ---------------------------------------------------------------------------- failed reactions


def test_the_dead_letter_queue_keeps_parked_reactions_two_weeks_encrypted(template: dict[str, Any], stage: str) -> None:
    _, queue = _one(template, "AWS::SQS::Queue")
    assert queue["Properties"] == {
        "QueueName": f"desk-{stage}-dead-letters",
        "MessageRetentionPeriod": 14 * 24 * 3600,
        "SqsManagedSseEnabled": True,
    }


def test_a_parked_reaction_raises_an_alarm(template: dict[str, Any]) -> None:
    alarms = [a["Properties"] for a in _of_type(template, "AWS::CloudWatch::Alarm").values()]
    queue_id, _ = _one(template, "AWS::SQS::Queue")
    (parked,) = [a for a in alarms if a["Namespace"] == "AWS/SQS"]
    assert parked["MetricName"] == "ApproximateNumberOfMessagesVisible"
    assert parked["Dimensions"] == [{"Name": "QueueName", "Value": {"Fn::GetAtt": [queue_id, "QueueName"]}}]
    assert (parked["Statistic"], parked["ComparisonOperator"], parked["Threshold"]) == (
        "Maximum", "GreaterThanOrEqualToThreshold", 1
    )
    alarm_topic = next(k for k, v in _of_type(template, "AWS::SNS::Topic").items() if v["Properties"]["TopicName"].endswith("-alarms"))
    assert parked["AlarmActions"] == [{"Ref": alarm_topic}]


def test_the_local_dead_letter_queue_is_the_deployed_one(stack: Any, packages: dict[str, Path]) -> None:
    template = json.loads((packages["prod"] / "sam.json").read_text())
    _, queue = _one(template, "AWS::SQS::Queue")
    names = [name for name in queue["Properties"] if name != "QueueName"]
    live = boto3.client("sqs").get_queue_attributes(QueueUrl=stack.provisioned.dead_letter_queue_url, AttributeNames=names)
    assert queue_properties(live["Attributes"]) == {name: queue["Properties"][name] for name in names}


# ---------------------------------------------------------------------------- the table's stream


def _stream_reader(template: dict[str, Any], stage: str) -> tuple[ChaliceFunction, dict[str, Any]]:
    (fn,) = [f for f in chalice_functions(stage) if f.dynamodb_event]
    return fn, template["Resources"][fn.logical_id]


def test_table_events_reads_the_tables_own_stream_and_reports_the_record_that_failed(
    template: dict[str, Any], stage: str
) -> None:
    fn, function = _stream_reader(template, stage)
    assert function["Properties"]["Handler"] == "app.table_events"
    assert list(function["Properties"]["Events"]) == [fn.dynamodb_event]
    event = function["Properties"]["Events"][fn.dynamodb_event]
    props = event["Properties"]
    assert event["Type"] == "DynamoDB" and set(props) <= SAM_DYNAMODB_EVENT_PROPERTIES
    table_id, table = _one(template, "AWS::DynamoDB::Table")
    assert props["Stream"] == {"Fn::GetAtt": [table_id, "StreamArn"]}
    assert table["Properties"]["StreamSpecification"] == {"StreamViewType": "NEW_AND_OLD_IMAGES"}
    assert stream.STREAM_ARN not in json.dumps(template)  # the app's placeholder is gone
    assert (props["StartingPosition"], props["BatchSize"]) == ("TRIM_HORIZON", stream.BATCH_SIZE)
    # The function answers {"batchItemFailures": [...]}; without this Lambda would ignore it.
    assert props["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert props["BisectBatchOnFunctionError"] is False


def test_only_ticket_records_invoke_the_stream_function(template: dict[str, Any], stage: str) -> None:
    """The mapping's filter is the one the local poller applies (the app's RECORD_FILTER)."""
    fn, function = _stream_reader(template, stage)
    props = function["Properties"]["Events"][fn.dynamodb_event]["Properties"]
    [rule] = props["FilterCriteria"]["Filters"]
    pattern = json.loads(rule["Pattern"])
    assert pattern == stream.RECORD_FILTER == {
        "dynamodb": {"Keys": {"pk": {"S": [{"prefix": "TICKET#"}, {"prefix": "CAMPAIGN#"}, {"prefix": "PORTALLINK#"},
                                     "INVITES", "AGENTS", "KB"]}}}}

    def record(pk: str) -> dict[str, Any]:
        return {"dynamodb": {"Keys": {"pk": {"S": pk}, "sk": {"S": "x"}}}}

    assert stream.wanted(record("TICKET#tkt_1")) and not stream.wanted(record("EVENT#abc"))
    assert stream.wanted(record("CAMPAIGN#cmp_1")) and not stream.wanted(record("CONFIG"))
    assert stream.wanted(record("KB")) and not stream.wanted(record("KBREV#returns#en"))  # revisions: history only
    assert not stream.wanted(record("CONN#abc")) and not stream.wanted({})
    assert stream.wanted(record("INVITES")) and stream.wanted(record("AGENTS")) and not stream.wanted(record("AGENTSX"))
    assert stream.wanted(record("PORTALLINK#abc")) and not stream.wanted(record("EMAIL#ann@example.org"))


def test_a_batch_lambda_gives_up_on_is_described_in_the_dead_letter_queue_within_the_apps_bounds(
    template: dict[str, Any], stage: str
) -> None:
    fn, function = _stream_reader(template, stage)
    props = function["Properties"]["Events"][fn.dynamodb_event]["Properties"]
    assert props["MaximumRetryAttempts"] == stream.MAXIMUM_RETRY_ATTEMPTS
    assert props["MaximumRecordAgeInSeconds"] == stream.MAXIMUM_RECORD_AGE_SECONDS
    # Lambda's limits for a stream (cfn-lint does not check SAM's events), and a stream keeps
    # records for 24 hours: an older bound would never apply.
    assert 0 <= props["MaximumRetryAttempts"] <= 10000
    assert 60 <= props["MaximumRecordAgeInSeconds"] <= 24 * 3600
    queue_id, _ = _one(template, "AWS::SQS::Queue")
    assert props["DestinationConfig"] == {"OnFailure": {"Destination": {"Fn::GetAtt": [queue_id, "Arn"]}}}


def test_a_stream_falling_behind_raises_an_alarm(template: dict[str, Any], stage: str) -> None:
    fn, _ = _stream_reader(template, stage)
    (lag,) = [a["Properties"] for a in _of_type(template, "AWS::CloudWatch::Alarm").values()
              if a["Properties"]["MetricName"] == "IteratorAge"]
    assert (lag["Namespace"], lag["Dimensions"]) == ("AWS/Lambda", [{"Name": "FunctionName", "Value": {"Ref": fn.logical_id}}])
    assert (lag["Statistic"], lag["ComparisonOperator"], lag["Threshold"]) == (
        "Maximum", "GreaterThanThreshold", 5 * 60 * 1000  # milliseconds
    )
    alarm_topic = next(k for k, v in _of_type(template, "AWS::SNS::Topic").items() if v["Properties"]["TopicName"].endswith("-alarms"))
    assert lag["AlarmActions"] == [{"Ref": alarm_topic}]


# ---------------------------------------------------------------------------- least privilege


def _statements(template: dict[str, Any], role_id: str) -> Iterator[dict[str, Any]]:
    role = template["Resources"][role_id]
    for policy in role["Properties"].get("Policies", []):
        yield from policy["PolicyDocument"]["Statement"]
    for policy in _of_type(template, "AWS::IAM::Policy").values():
        if {"Ref": role_id} in policy["Properties"]["Roles"]:
            yield from policy["Properties"]["PolicyDocument"]["Statement"]


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _resource_problem(resource: Any, stage: str, template: dict[str, Any]) -> str | None:
    """Why ``resource`` is not confined to this stage's resources (None when it is)."""
    owned = set(template["Resources"]) | set(template.get("Parameters", {}))
    if isinstance(resource, str):
        parts = resource.split(":", 5)
        if len(parts) < 6 or parts[:2] != ["arn", "aws"] or "*" in parts[2]:
            return "not an ARN of one service"
        fixed = parts[5].split("*", 1)[0]  # what the ARN pins before its first wildcard
        if not re.search(rf"desk-{re.escape(stage)}([/:-]|$)", fixed):
            return f"does not name a desk-{stage} resource before a wildcard"
        return None
    if isinstance(resource, dict) and set(resource) == {"Fn::GetAtt"}:
        return None if resource["Fn::GetAtt"][0] in template["Resources"] else "GetAtt of a resource not in the stack"
    if isinstance(resource, dict) and set(resource) == {"Fn::Sub"}:
        fixed = resource["Fn::Sub"].split("*", 1)[0]
        if not any(name in owned for name in re.findall(r"\$\{([^}.]+)", fixed)):
            return "names no resource or parameter of the stack before a wildcard"
        return None
    return f"unexpected form {resource!r}"


def test_the_functions_may_do_only_what_they_do_on_only_this_stage(template: dict[str, Any], stage: str) -> None:
    problems = []
    granted: dict[str, set[str]] = {}
    for fn in chalice_functions(stage):
        statements = list(_statements(template, fn.role_id))
        assert statements, fn.role_id
        for statement in statements:
            assert statement["Effect"] == "Allow" and "NotAction" not in statement and "NotResource" not in statement
            actions = _listed(statement["Action"])
            problems += [f"{fn.name}: action {a}" for a in actions if "*" in a]
            for resource in _listed(statement["Resource"]):
                why = _resource_problem(resource, stage, template)
                if why:
                    problems.append(f"{fn.name} {statement.get('Sid')}: {resource} {why}")
                if isinstance(resource, str) and resource.startswith("arn:aws:s3:::"):
                    key = resource.partition("/")[2]
                    for action in actions:
                        granted.setdefault(key, set()).add(action)
    assert problems == []
    # The bucket: exactly the prefixes the code writes and reads, with exactly those actions
    # (plus listing, so that a missing attachment is a 404 rather than a 403).
    assert granted.pop("") == {"s3:ListBucket"}
    assert granted == {f"{prefix}*": set(actions) for prefix, (_, actions) in BUCKET_GRANTS.items()}
    # Every kind of key the code builds lies under a granted prefix.
    built = [
        storage.inbound_mail_key("m1"), storage.quarantine_key(storage.inbound_mail_key("m1")),
        storage.mail_html_key("t1", "u"), storage.mail_text_key("t1", "u"), storage.attachment_key("t1", "c1", "u", "a.pdf"),
        *storage.ticket_file_prefixes("t1"),
    ]
    assert [k for k in built if not any(k.startswith(prefix) for prefix in BUCKET_GRANTS)] == []


# SES actions that IAM authorises on an identity's ARN, as AWS's Service Authorization Reference
# lists them for "ses" (resource type "identity", required). SES v1's GetIdentityVerification-,
# GetIdentityDkim- and GetIdentityMailFromDomainAttributes list no resource type: granted on an
# ARN they are refused, so the desk reads the identity with SES v2's GetEmailIdentity instead.
SES_ON_THE_IDENTITY = {"ses:SendEmail", "ses:SendRawEmail", "ses:GetEmailIdentity"}


def test_every_ses_grant_is_one_ses_authorises_on_the_support_identity(template: dict[str, Any], stage: str) -> None:
    identity_arns = [
        {"Fn::Sub": f"arn:${{AWS::Partition}}:ses:${{AWS::Region}}:${{AWS::AccountId}}:identity/{who}"}
        for who in ("${SupportDomain}", "${SupportMailbox}@${SupportDomain}")
    ]
    for fn in chalice_functions(stage):
        granted = [
            (set(_listed(s["Action"])), _listed(s["Resource"])) for s in _statements(template, fn.role_id)
            if any(a.startswith("ses:") for a in _listed(s["Action"]))
        ]
        assert granted, fn.name
        for actions, resources_ in granted:
            assert actions <= SES_ON_THE_IDENTITY, (fn.name, actions - SES_ON_THE_IDENTITY)
            assert resources_ == identity_arns, fn.name
        # The console's DNS records: what SES knows of the support domain, in one read.
        assert any(actions == {"ses:GetEmailIdentity"} for actions, _ in granted), fn.name


def test_every_function_uses_only_its_stages_dead_letter_queue(template: dict[str, Any], stage: str) -> None:
    queue_id, queue = _one(template, "AWS::SQS::Queue")
    this_queue = [f"arn:aws:sqs:*:*:{queue['Properties']['QueueName']}", {"Fn::GetAtt": [queue_id, "Arn"]}]
    for fn in chalice_functions(stage):
        queue_actions: set[str] = set()
        for statement in _statements(template, fn.role_id):
            actions = set(_listed(statement["Action"]))
            if any(a.startswith("sqs:") for a in actions):
                assert actions <= set(QUEUE_ACTIONS), (fn.name, statement.get("Sid"))
                assert all(r in this_queue for r in _listed(statement["Resource"])), (fn.name, statement.get("Sid"))
                queue_actions |= actions
        # Park a failed reaction, and take it out again on an admin's replay or dismissal.
        assert queue_actions == set(QUEUE_ACTIONS), fn.name


def test_only_the_stream_reader_reads_the_stream_and_may_describe_a_batch_in_the_queue(
    template: dict[str, Any], stage: str
) -> None:
    table_id, _ = _one(template, "AWS::DynamoDB::Table")
    queue_id, _ = _one(template, "AWS::SQS::Queue")
    reader, reader_resource = _stream_reader(template, stage)
    for fn in chalice_functions(stage):
        grants = [
            (set(_listed(s["Action"])), s["Resource"]) for s in _statements(template, fn.role_id)
            if set(_listed(s["Action"])) & STREAM_READ
        ]
        assert grants == ([(STREAM_READ, {"Fn::GetAtt": [table_id, "StreamArn"]})] if fn == reader else []), fn.name
    # The mapping's on-failure destination is sent to as the reader's role, by Lambda.
    assert any(
        "sqs:SendMessage" in _listed(s["Action"]) and {"Fn::GetAtt": [queue_id, "Arn"]} in _listed(s["Resource"])
        for s in _statements(template, reader.role_id)
    )
    # Lambda checks the role when it creates the mapping (after the function): the grant first.
    (stream_policy,) = [
        k for k, p in _of_type(template, "AWS::IAM::Policy").items()
        if {"Ref": reader.role_id} in p["Properties"]["Roles"]
        and any(set(_listed(s["Action"])) & STREAM_READ for s in p["Properties"]["PolicyDocument"]["Statement"])
    ]
    assert stream_policy in _listed(reader_resource.get("DependsOn", []))


def test_the_policy_files_stay_without_wildcard_actions_and_autogen(stage: str) -> None:
    config = json.loads((PROJECT / ".chalice" / "config.json").read_text())["stages"][stage]
    assert config["autogen_policy"] is False
    document = json.loads((PROJECT / ".chalice" / config["iam_policy_file"]).read_text())
    other = [s for s in STAGES if s != stage]
    text = json.dumps(document)
    assert not any(f"desk-{o}" in text for o in other)
    assert all("*" not in a for s in document["Statement"] for a in _listed(s["Action"]))


def test_the_committed_policy_files_are_what_infra_policy_generates(stage: str) -> None:
    # chalice reads the committed file; `python -m infra.policy` (run by `make package`) writes it.
    assert policy_path(stage).read_text() == json.dumps(policy_document(stage), indent=2) + "\n", (
        f"run: python -m infra.policy {stage}"
    )


# ---------------------------------------------------------------------------- the environment


class _Recording(Mapping[str, str]):
    """An empty environment that remembers what was asked of it."""

    def __init__(self) -> None:
        self.asked: set[str] = set()

    def __getitem__(self, key: str) -> str:
        self.asked.add(key)
        raise KeyError(key)

    def get(self, key: str, default: Any = None) -> Any:
        self.asked.add(key)
        return default

    def __contains__(self, key: object) -> bool:
        self.asked.add(str(key))
        return False

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


def test_every_setting_the_functions_read_is_set_on_every_function(template: dict[str, Any], stage: str) -> None:
    environ = _Recording()
    Settings.from_env(environ)
    needed = environ.asked - set(NOT_FROM_THE_TEMPLATE)
    assert needed >= set(RESOURCE_SETTINGS) | {"DESK_MAIL_FROM", "DESK_WS_MANAGEMENT_URL"}
    for name, fn in _of_type(template, "AWS::Serverless::Function").items():
        env = fn["Properties"]["Environment"]["Variables"]
        assert sorted(needed - set(env)) == [], name
        assert "AWS_ENDPOINT_URL" not in env, name
        assert env["DESK_STAGE"] == stage
        for setting, kind in RESOURCE_SETTINGS.items():
            assert template["Resources"][_ref(env[setting])]["Type"] == kind, (name, setting)
        assert env["DESK_MAIL_FROM"] == {"Fn::Sub": "${SupportMailbox}@${SupportDomain}"}
        assert env["DESK_WS_MANAGEMENT_URL"]["Fn::Sub"].startswith("https://${WebsocketAPI}.execute-api.")
        assert env["DESK_WEBSOCKET_URL"]["Fn::Sub"].startswith("wss://${WebsocketAPI}.execute-api.")
    (table,) = _of_type(template, "AWS::DynamoDB::Table").values()
    assert table["Properties"]["TableName"] == f"desk-{stage}"


def test_every_function_has_error_and_throttle_alarms(template: dict[str, Any], stage: str) -> None:
    watched = {
        (a["Properties"]["MetricName"], _ref(a["Properties"]["Dimensions"][0]["Value"]))
        for a in _of_type(template, "AWS::CloudWatch::Alarm").values()
        if "Ref" in a["Properties"]["Dimensions"][0]["Value"]  # the queue's is by GetAtt (its name)
    }
    functions = set(_of_type(template, "AWS::Serverless::Function"))
    assert _stream_reader(template, stage)[0].logical_id in functions  # table_events too
    for name in functions:
        assert {("Errors", name), ("Throttles", name)} <= watched
    table_id, _ = _one(template, "AWS::DynamoDB::Table")
    assert {("ReadThrottleEvents", table_id), ("WriteThrottleEvents", table_id)} <= watched


# ---------------------------------------------------------------------------- one definition


def test_the_local_table_and_user_pool_are_the_deployed_ones(stack: Any, packages: dict[str, Path]) -> None:
    template = json.loads((packages["prod"] / "sam.json").read_text())
    (table,) = [t["Properties"] for t in _of_type(template, "AWS::DynamoDB::Table").values()]
    ddb = boto3.client("dynamodb")
    live = ddb.describe_table(TableName=stack.table_name)["Table"]

    def indexes(gsis: list[dict[str, Any]]) -> dict[str, Any]:
        return {i["IndexName"]: (i["KeySchema"], i["Projection"]["ProjectionType"]) for i in gsis}

    assert live["KeySchema"] == table["KeySchema"]
    assert indexes(live["GlobalSecondaryIndexes"]) == indexes(table["GlobalSecondaryIndexes"])
    assert live["BillingModeSummary"]["BillingMode"] == table["BillingMode"]
    ttl = ddb.describe_time_to_live(TableName=stack.table_name)["TimeToLiveDescription"]
    assert ttl["AttributeName"] == table["TimeToLiveSpecification"]["AttributeName"]

    cognito = boto3.client("cognito-idp")
    pool_id = stack.provisioned.user_pool_id
    (pool,) = [p["Properties"] for p in _of_type(template, "AWS::Cognito::UserPool").values()]
    live_pool = cognito.describe_user_pool(UserPoolId=pool_id)["UserPool"]
    assert live_pool["UsernameAttributes"] == pool["UsernameAttributes"]
    assert live_pool["AutoVerifiedAttributes"] == pool["AutoVerifiedAttributes"]
    assert pool["Policies"]["PasswordPolicy"].items() <= live_pool["Policies"]["PasswordPolicy"].items()
    assert live_pool["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] == pool["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"]
    (client,) = [c["Properties"] for c in _of_type(template, "AWS::Cognito::UserPoolClient").values()]
    live_client = cognito.describe_user_pool_client(UserPoolId=pool_id, ClientId=stack.provisioned.user_pool_client_id)["UserPoolClient"]
    assert sorted(live_client["ExplicitAuthFlows"]) == sorted(client["ExplicitAuthFlows"])
    assert ("ClientSecret" in live_client) == client["GenerateSecret"]
    for key in ("PreventUserExistenceErrors", "IdTokenValidity", "AccessTokenValidity", "RefreshTokenValidity"):
        assert live_client[key] == client[key], key
    groups = {g["GroupName"]: g.get("Description") for g in cognito.list_groups(UserPoolId=pool_id)["Groups"]}
    deployed = {g["Properties"]["GroupName"]: g["Properties"]["Description"] for g in _of_type(template, "AWS::Cognito::UserPoolGroup").values()}
    assert groups == deployed


def _bucket_as_deployed(s3: Any, bucket: str) -> dict[str, Any]:
    """Read a bucket's configuration back and express it as the template's properties."""
    settings = {}
    for operation, arguments in resources.bucket_settings(["*"]).items():
        (wrapper,) = arguments
        answer = getattr(s3, operation.replace("put_", "get_", 1))(Bucket=bucket)
        settings[operation] = {wrapper: answer[wrapper] if wrapper in answer else {k: answer[k] for k in arguments[wrapper]}}
    return bucket_properties(settings)


def _deployed_bucket(template: dict[str, Any]) -> dict[str, Any]:
    (bucket,) = [b["Properties"] for b in _of_type(template, "AWS::S3::Bucket").values()]
    default_origins = template["Parameters"]["UploadOrigins"]["Default"].split(",")
    expected = {k: v for k, v in bucket.items() if k != "BucketName"}
    for rule in expected["CorsConfiguration"]["CorsRules"]:
        assert rule["AllowedOrigins"] == {"Ref": "UploadOrigins"}
        rule["AllowedOrigins"] = default_origins
    retention = int(template["Parameters"]["RetentionDays"]["Default"])
    for rule in expected["LifecycleConfiguration"]["Rules"]:
        if isinstance(rule.get("ExpirationInDays"), dict):  # the retention rule, as deployed by default
            _, off, _ = rule["ExpirationInDays"]["Fn::If"]
            rule["ExpirationInDays"] = retention or off
    return expected


@pytest.fixture
def scratch_bucket(stack: Any) -> Iterator[str]:
    s3 = boto3.client("s3")
    name = f"desk-template-check-{uuid.uuid4().hex[:8]}"
    s3.create_bucket(Bucket=name)
    yield name
    s3.delete_bucket(Bucket=name)


def test_the_bucket_settings_the_template_deploys_apply_to_the_emulator(scratch_bucket: str, packages: dict[str, Path]) -> None:
    template = json.loads((packages["prod"] / "sam.json").read_text())
    s3 = boto3.client("s3")
    resources.configure_bucket(s3, scratch_bucket, ["*"])
    assert _bucket_as_deployed(s3, scratch_bucket) == _deployed_bucket(template)


def test_the_local_bucket_is_the_deployed_one(stack: Any, packages: dict[str, Path]) -> None:
    template = json.loads((packages["prod"] / "sam.json").read_text())
    from botocore.exceptions import ClientError

    try:
        live = _bucket_as_deployed(boto3.client("s3"), stack.bucket_name)
    except ClientError as error:  # e.g. no public access block configured at all
        pytest.fail(f"the local bucket lacks a setting: {error}")
    assert live == _deployed_bucket(template)


def test_the_api_compresses_what_is_worth_it(template: dict[str, Any]) -> None:
    """API Gateway gzips a response of 1 KB or more for a client that accepts it (the help
    center's pages, the console's scripts), as the local server does (local/http.py)."""
    from local.http import MINIMUM_COMPRESSION_SIZE

    [api] = _of_type(template, "AWS::Serverless::Api").values()
    assert api["Properties"]["MinimumCompressionSize"] == MINIMUM_COMPRESSION_SIZE == 1024

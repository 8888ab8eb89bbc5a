"""The CloudFormation merge template for ``chalice package --merge-template``.

Chalice creates the functions, one role per function (with ``.chalice/policy-STAGE.json``)
and the two APIs. This adds what it does not, per stage: the table, the bucket for mail and
attachments, SES's inbound path (receipt rule: store in S3, then invoke ``mail_inbound``),
the bounce/complaint topic ``mail_feedback`` listens to, the dead-letter queue failed
reactions are parked in, the agents' user pool, the secrets, log groups, alarms; and it merges
into every function the environment that points at them.

The table, bucket, queue and user pool come from the definitions in ``infra.resources`` that
the local stack also uses. Resources whose ARN is only known at deploy time (the user pool,
the websocket API, the SES identity) are granted here, in ``DeskFunctionsPolicy``, and so is
the table's stream, to its reader only (``TableStreamPolicy``); everything nameable by stage
is in the policy files, which ``infra.policy`` writes.

``table_events`` reads the table's stream through the DynamoDB event Chalice generates from
``app.py``'s decorator, which says no more than the batch size and the starting position: the
template puts the table's real stream in place of the app's placeholder and adds partial
batch responses, the retry bounds and the on-failure destination (``_stream_event``).

    python -m infra.template STAGE > build/merge-template-STAGE.json
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from chalicelib.domain.storage import MAIL_INBOUND_PREFIX
from chalicelib.entrypoints import stream

from .resources import (
    AGENT_GROUPS,
    DEAD_LETTER_QUEUE_ATTRIBUTES,
    NEVER_DAYS,
    TABLE_TTL,
    USER_POOL,
    USER_POOL_CLIENT,
    bucket_settings,
    table_schema,
)

__all__ = [
    "merge_template", "chalice_functions", "ChaliceFunction", "stage_prefix", "bucket_name_prefix", "log_group_name",
    "dead_letter_queue_name", "queue_properties",
]

PROJECT_DIR = Path(__file__).resolve().parent.parent
INBOUND_FUNCTION = "mail_inbound"  # app.py's @app.lambda_function(name=...)

# Logical ids. Chalice's own (the APIs) are fixed by Chalice; the functions' are derived below.
TABLE = "DeskTable"
BUCKET = "DeskBucket"
BUCKET_POLICY = "DeskBucketPolicy"
RULE_SET = "InboundRuleSet"
RULE = "InboundRule"
SES_INVOKE = "MailInboundSesPermission"
# What the functions ask SES about the support identity (one SES v2 read, by the identity's ARN).
SES_IDENTITY_READ = ("ses:GetEmailIdentity",)
FEEDBACK_TOPIC = "MailFeedbackTopic"
ALARM_TOPIC = "AlarmTopic"
USER_POOL_ID = "UserPool"
USER_POOL_CLIENT_ID = "UserPoolClient"
FUNCTIONS_POLICY = "DeskFunctionsPolicy"
STREAM_POLICY = "TableStreamPolicy"  # only the roles of the functions reading the table's stream
DEAD_LETTER_QUEUE = "DeadLetterQueue"
ITERATOR_AGE_ALARM_MS = 5 * 60 * 1000  # the stream's reactions are this far behind the writes
WEBSOCKET_API = "WebsocketAPI"
SECRETS = {  # environment variable -> logical id of a generated secret
    "DESK_WIDGET_SECRET": "WidgetSecret",  # signs visitor tokens
    "DESK_IDENTITY_SECRET": "IdentitySecret",  # the business computes user_hash with it
    "DESK_MAIL_SECRET": "MailSecret",  # signs reply addresses
    "DESK_WEBHOOK_SECRET": "WebhookSecret",  # signs the webhooks escalations call
}
LOG_RETENTION_DAYS = {"prod": 90}  # other stages: 14
MAIL_FROM = "${SupportMailbox}@${SupportDomain}"
RETENTION_OFF = "RetentionOff"  # the condition: RetentionDays is 0


@dataclass(frozen=True)
class ChaliceFunction:
    name: str  # Chalice's resource name: mail_inbound, api_handler, websocket_connect, ...
    logical_id: str  # its AWS::Serverless::Function in the packaged template
    role_id: str  # its AWS::IAM::Role
    handler: str  # app.mail_inbound
    sns_topic: str | None = None  # the topic of an @app.on_sns_message handler
    sns_event: str | None = None  # the key of that subscription under the function's Events
    dynamodb_stream: str | None = None  # the stream ARN of an @app.on_dynamodb_record handler
    dynamodb_event: str | None = None  # the key of that event source under the function's Events


@lru_cache(maxsize=4)
def _chalice(stage: str) -> tuple[Any, tuple[ChaliceFunction, ...]]:
    # Chalice's own application graph: the same resources, names and roles `chalice package`
    # generates (it imports app.py, which is cheap by design).
    from chalice.cli.factory import CLIFactory
    from chalice.deploy import models
    from chalice.deploy.appgraph import ApplicationGraphBuilder, DependencyBuilder
    from chalice.utils import to_cfn_resource_name

    config = CLIFactory(str(PROJECT_DIR)).create_config_obj(stage)
    graph = DependencyBuilder().build_dependencies(ApplicationGraphBuilder().build(config, stage))
    topics = {
        r.lambda_function.resource_name: (r.topic, to_cfn_resource_name(r.resource_name))
        for r in graph
        if isinstance(r, models.SNSLambdaSubscription)
    }
    streams = {
        r.lambda_function.resource_name: (r.stream_arn, to_cfn_resource_name(r.resource_name))
        for r in graph
        if isinstance(r, models.DynamoDBEventSource)
    }
    functions = []
    for r in graph:
        if not isinstance(r, models.LambdaFunction):
            continue
        if not isinstance(r.role, models.ManagedIAMRole):
            raise ValueError(f"{r.resource_name}: the template expects Chalice to create its role")
        topic, event = topics.get(r.resource_name, (None, None))
        stream_arn, stream_event = streams.get(r.resource_name, (None, None))
        functions.append(
            ChaliceFunction(
                name=r.resource_name,
                # Chalice's SAM generator names the REST handler APIHandler, not ApiHandler.
                logical_id="APIHandler" if r.resource_name == "api_handler" else to_cfn_resource_name(r.resource_name),
                role_id=to_cfn_resource_name(r.role.resource_name),
                handler=r.handler,
                sns_topic=topic,
                sns_event=event,
                dynamodb_stream=stream_arn,
                dynamodb_event=stream_event,
            )
        )
    return config, tuple(functions)


def chalice_functions(stage: str) -> tuple[ChaliceFunction, ...]:
    """The Lambda functions ``chalice package`` generates for ``stage``."""
    return _chalice(stage)[1]


def stage_prefix(stage: str) -> str:
    """The prefix of every named resource of a stage: ``desk-dev``."""
    return f"{_chalice(stage)[0].app_name}-{stage}"


def bucket_name_prefix(stage: str) -> str:
    """The bucket's name up to the account and region that make it globally unique."""
    return f"{stage_prefix(stage)}-files-"


def log_group_name(stage: str, function: str) -> str:
    return f"/aws/lambda/{stage_prefix(stage)}-{function}"


def dead_letter_queue_name(stage: str) -> str:
    return f"{stage_prefix(stage)}-dead-letters"


def _sub(text: str) -> dict[str, str]:
    return {"Fn::Sub": text}


def _retained(resource: dict[str, Any]) -> dict[str, Any]:
    return {**resource, "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain"}


# ---------------------------------------------------------------------------- storage


def table_resource(stage: str) -> dict[str, Any]:
    schema = table_schema()
    return _retained(
        {
            "Type": "AWS::DynamoDB::Table",
            "Properties": {
                "TableName": stage_prefix(stage),
                "BillingMode": schema["BillingMode"],
                "KeySchema": schema["KeySchema"],
                "AttributeDefinitions": schema["AttributeDefinitions"],
                "GlobalSecondaryIndexes": schema["GlobalSecondaryIndexes"],
                "StreamSpecification": {"StreamViewType": schema["StreamSpecification"]["StreamViewType"]},
                "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
                "SSESpecification": {"SSEEnabled": True},
                "TimeToLiveSpecification": TABLE_TTL,
            },
        }
    )


def queue_properties(attributes: dict[str, str]) -> dict[str, Any]:
    """SQS queue attributes (the API's strings, what the local stack passes) as
    AWS::SQS::Queue properties."""
    kinds: dict[str, Any] = {"MessageRetentionPeriod": int, "SqsManagedSseEnabled": lambda v: v == "true"}
    unknown = set(attributes) - set(kinds)
    if unknown:
        raise ValueError(f"no CloudFormation mapping for the queue attributes {sorted(unknown)}")
    return {name: kinds[name](value) for name, value in attributes.items()}


def dead_letter_queue_resource(stage: str) -> dict[str, Any]:
    # Retained like the other stateful resources: what it holds is the operators' record of
    # reactions that failed, and of stream batches Lambda gave up on.
    return _retained(
        {
            "Type": "AWS::SQS::Queue",
            "Properties": {"QueueName": dead_letter_queue_name(stage), **queue_properties(DEAD_LETTER_QUEUE_ATTRIBUTES)},
        }
    )


def _lifecycle_rule(rule: dict[str, Any]) -> dict[str, Any]:
    known = {"ID", "Status", "Filter", "Expiration", "AbortIncompleteMultipartUpload"}
    if set(rule) - known or set(rule.get("Filter", {})) - {"Prefix", "Tag"}:
        raise ValueError(f"lifecycle rule {rule.get('ID')}: no CloudFormation mapping for {sorted(rule)}")
    out: dict[str, Any] = {"Id": rule["ID"], "Status": rule["Status"]}
    if rule.get("Filter", {}).get("Prefix"):
        out["Prefix"] = rule["Filter"]["Prefix"]
    if "Tag" in rule.get("Filter", {}):
        out["TagFilters"] = [rule["Filter"]["Tag"]]
    if "Expiration" in rule:
        out["ExpirationInDays"] = rule["Expiration"]["Days"]
    if "AbortIncompleteMultipartUpload" in rule:
        out["AbortIncompleteMultipartUpload"] = rule["AbortIncompleteMultipartUpload"]
    return out


def _cors_rule(rule: dict[str, Any]) -> dict[str, Any]:
    renames = {"ID": "Id", "ExposeHeaders": "ExposedHeaders", "MaxAgeSeconds": "MaxAge"}
    return {renames.get(key, key): value for key, value in rule.items()}


def bucket_properties(settings: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """``resources.bucket_settings`` (S3 API calls) as AWS::S3::Bucket properties."""
    converters = {
        "put_public_access_block": lambda a: {
            "PublicAccessBlockConfiguration": a["PublicAccessBlockConfiguration"]
        },
        "put_bucket_ownership_controls": lambda a: {"OwnershipControls": a["OwnershipControls"]},
        "put_bucket_encryption": lambda a: {
            "BucketEncryption": {
                "ServerSideEncryptionConfiguration": [
                    {"ServerSideEncryptionByDefault": r["ApplyServerSideEncryptionByDefault"]}
                    for r in a["ServerSideEncryptionConfiguration"]["Rules"]
                ]
            }
        },
        "put_bucket_lifecycle_configuration": lambda a: {
            "LifecycleConfiguration": {"Rules": [_lifecycle_rule(r) for r in a["LifecycleConfiguration"]["Rules"]]}
        },
        "put_bucket_cors": lambda a: {
            "CorsConfiguration": {"CorsRules": [_cors_rule(r) for r in a["CORSConfiguration"]["CORSRules"]]}
        },
    }
    properties: dict[str, Any] = {}
    for operation, arguments in settings.items():
        if operation not in converters:  # a setting the deployed bucket would silently lack
            raise ValueError(f"no CloudFormation mapping for the bucket setting {operation}")
        properties.update(converters[operation](arguments))
    return properties


def retention_rule_days() -> dict[str, Any]:
    """The lifecycle rule's days: the RetentionDays parameter, or a century when it is 0."""
    return {"Fn::If": [RETENTION_OFF, NEVER_DAYS, {"Ref": "RetentionDays"}]}


def _bucket(stage: str, rule_arn: dict[str, str]) -> dict[str, Any]:
    bucket_arn = {"Fn::GetAtt": [BUCKET, "Arn"]}
    return {
        BUCKET: _retained(
            {
                "Type": "AWS::S3::Bucket",
                "Properties": {
                    # Bucket names are global: the account and region make this one ours.
                    "BucketName": _sub(f"{bucket_name_prefix(stage)}${{AWS::AccountId}}-${{AWS::Region}}"),
                    **bucket_properties(bucket_settings({"Ref": "UploadOrigins"}, retention_rule_days())),
                },
            }
        ),
        BUCKET_POLICY: {
            "Type": "AWS::S3::BucketPolicy",
            "Properties": {
                "Bucket": {"Ref": BUCKET},
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Sid": "SesStoresInboundMail",
                            "Effect": "Allow",
                            "Principal": {"Service": "ses.amazonaws.com"},
                            "Action": "s3:PutObject",
                            "Resource": _sub(f"${{{BUCKET}.Arn}}/{MAIL_INBOUND_PREFIX}*"),
                            "Condition": {
                                "StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}},
                                "ArnLike": {"aws:SourceArn": rule_arn},
                            },
                        },
                        {
                            "Sid": "TlsOnly",
                            "Effect": "Deny",
                            "Principal": "*",
                            "Action": "s3:*",
                            "Resource": [bucket_arn, _sub(f"${{{BUCKET}.Arn}}/*")],
                            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                        },
                    ],
                },
            },
        },
    }


# ---------------------------------------------------------------------------- mail


def _mail(stage: str, inbound: ChaliceFunction, rule_set: str, rule: str, rule_arn: dict[str, str]) -> dict[str, Any]:
    from_account = {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}}
    return {
        # SES allows one active rule set per account and region; activating it is a deploy
        # step (CloudFormation cannot), see the README.
        RULE_SET: {"Type": "AWS::SES::ReceiptRuleSet", "Properties": {"RuleSetName": rule_set}},
        RULE: {
            "Type": "AWS::SES::ReceiptRule",
            # SES checks it may write to the bucket and invoke the function when the rule is made.
            "DependsOn": [BUCKET_POLICY, SES_INVOKE],
            "Properties": {
                "RuleSetName": {"Ref": RULE_SET},
                "Rule": {
                    "Name": rule,
                    "Enabled": True,
                    "ScanEnabled": True,  # the spam and virus verdicts mail_inbound quarantines on
                    "TlsPolicy": "Optional",  # customers' servers without TLS still reach support
                    "Recipients": [{"Ref": "SupportDomain"}],  # every address: replies use support+...@
                    "Actions": [
                        # First the whole message to S3, named by SES's message id ...
                        {"S3Action": {"BucketName": {"Ref": BUCKET}, "ObjectKeyPrefix": MAIL_INBOUND_PREFIX}},
                        # ... then the function, with the headers and verdicts, not waited for.
                        {
                            "LambdaAction": {
                                "FunctionArn": {"Fn::GetAtt": [inbound.logical_id, "Arn"]},
                                "InvocationType": "Event",
                            }
                        },
                    ],
                },
            },
        },
        SES_INVOKE: {
            "Type": "AWS::Lambda::Permission",
            "Properties": {
                "Action": "lambda:InvokeFunction",
                "FunctionName": {"Ref": inbound.logical_id},
                "Principal": "ses.amazonaws.com",
                "SourceAccount": {"Ref": "AWS::AccountId"},
                "SourceArn": rule_arn,
            },
        },
        # Bounces and complaints: SES publishes them here once the identity's notification
        # topics point at it (a deploy step); mail_feedback suppresses the addresses.
        FEEDBACK_TOPIC: {
            "Type": "AWS::SNS::Topic",
            "Properties": {"TopicName": f"{stage_prefix(stage)}-mail-feedback"},
        },
        f"{FEEDBACK_TOPIC}Policy": {
            "Type": "AWS::SNS::TopicPolicy",
            "Properties": {
                "Topics": [{"Ref": FEEDBACK_TOPIC}],
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Sid": "SesPublishesFeedback",
                            "Effect": "Allow",
                            "Principal": {"Service": "ses.amazonaws.com"},
                            "Action": "sns:Publish",
                            "Resource": {"Ref": FEEDBACK_TOPIC},
                            "Condition": from_account,
                        }
                    ],
                },
            },
        },
    }


# ---------------------------------------------------------------------------- identity


def _group_id(name: str) -> str:
    return "AgentGroup" + "".join(part.title() for part in re.split(r"[^A-Za-z0-9]+", name) if part)


def _identity(stage: str) -> dict[str, Any]:
    resources: dict[str, Any] = {
        USER_POOL_ID: _retained(
            {
                "Type": "AWS::Cognito::UserPool",
                "Properties": {
                    "UserPoolName": f"{stage_prefix(stage)}-agents",
                    **USER_POOL,
                    "DeletionProtection": "ACTIVE",
                    "UserPoolTags": {"desk:stage": stage},
                },
            }
        ),
        USER_POOL_CLIENT_ID: {
            "Type": "AWS::Cognito::UserPoolClient",
            "Properties": {
                "ClientName": f"{stage_prefix(stage)}-app",
                "UserPoolId": {"Ref": USER_POOL_ID},
                **USER_POOL_CLIENT,
            },
        },
    }
    for name, description in AGENT_GROUPS.items():
        resources[_group_id(name)] = {
            "Type": "AWS::Cognito::UserPoolGroup",
            "Properties": {"GroupName": name, "Description": description, "UserPoolId": {"Ref": USER_POOL_ID}},
        }
    for variable, logical_id in SECRETS.items():
        name = variable.removeprefix("DESK_").lower().replace("_", "-")
        # Retained: a new key would invalidate every visitor token or reply address issued.
        resources[logical_id] = _retained(
            {
                "Type": "AWS::SecretsManager::Secret",
                "Properties": {
                    "Name": f"{stage_prefix(stage)}/{name}",
                    "Description": f"{variable} of the desk's {stage} stage",
                    "GenerateSecretString": {"PasswordLength": 48, "ExcludePunctuation": True},
                },
            }
        )
    return resources


# ---------------------------------------------------------------------------- functions


# The widget's public key (it names the desk in the snippet; not a secret): the stack's own id.
WIDGET_KEY = {"Fn::Join": ["", ["pk_", {"Fn::Select": [2, {"Fn::Split": ["/", {"Ref": "AWS::StackId"}]}]}]]}


def function_environment(stage: str) -> dict[str, Any]:
    """What every function reads (``chalicelib.config``) about the stage's resources."""
    api_stage = _chalice(stage)[0].api_gateway_stage
    websocket_host = f"${{{WEBSOCKET_API}}}.execute-api.${{AWS::Region}}.${{AWS::URLSuffix}}/{api_stage}"
    return {
        "DESK_TABLE_NAME": {"Ref": TABLE},
        "DESK_BUCKET_NAME": {"Ref": BUCKET},
        "DESK_DEAD_LETTER_QUEUE_URL": {"Ref": DEAD_LETTER_QUEUE},
        "DESK_USER_POOL_ID": {"Ref": USER_POOL_ID},
        "DESK_USER_POOL_CLIENT_ID": {"Ref": USER_POOL_CLIENT_ID},
        # Chalice gives functions no management endpoint; any function may push a frame.
        "DESK_WS_MANAGEMENT_URL": _sub(f"https://{websocket_host}"),
        "DESK_WEBSOCKET_URL": _sub(f"wss://{websocket_host}"),
        "DESK_MAIL_FROM": _sub(MAIL_FROM),
        "DESK_RETENTION_DAYS": {"Ref": "RetentionDays"},
        "DESK_PUBLIC_URL": {"Ref": "PublicUrl"},
        "DESK_WIDGET_KEY": WIDGET_KEY,
        **{
            variable: _sub(f"{{{{resolve:secretsmanager:${{{logical_id}}}}}}}")
            for variable, logical_id in SECRETS.items()
        },
    }


def _stream_event(fn: ChaliceFunction) -> dict[str, Any]:
    """What Chalice's DynamoDB event lacks (it takes only the decorator's arguments), merged
    into the one it generates: the real stream, and how failures are retried and parked."""
    if fn.dynamodb_stream != stream.STREAM_ARN:
        raise ValueError(f"{fn.name}: the template only knows the table's own stream, not {fn.dynamodb_stream}")
    return {
        "Stream": {"Fn::GetAtt": [TABLE, "StreamArn"]},
        # The function names the first record that failed; Lambda retries from there.
        "FunctionResponseTypes": ["ReportBatchItemFailures"],
        # Partial batch responses already isolate the record: halving the batch would only
        # run the records before it again.
        "BisectBatchOnFunctionError": False,
        "MaximumRetryAttempts": stream.MAXIMUM_RETRY_ATTEMPTS,
        "MaximumRecordAgeInSeconds": stream.MAXIMUM_RECORD_AGE_SECONDS,
        # A batch Lambda gave up on is described (shard, sequence numbers) in the queue.
        "DestinationConfig": {"OnFailure": {"Destination": {"Fn::GetAtt": [DEAD_LETTER_QUEUE, "Arn"]}}},
        # Only tickets and their messages have reactions: other records cost no invocation.
        "FilterCriteria": {"Filters": [{"Pattern": json.dumps(stream.RECORD_FILTER, separators=(",", ":"))}]},
    }


def _stream_policy(stage: str, readers: list[ChaliceFunction]) -> dict[str, Any]:
    return {
        "Type": "AWS::IAM::Policy",
        "Properties": {
            "PolicyName": f"{stage_prefix(stage)}-table-stream",
            "Roles": [{"Ref": fn.role_id} for fn in readers],
            "PolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "ReadTheTableStream",
                        "Effect": "Allow",
                        "Action": [
                            "dynamodb:DescribeStream",
                            "dynamodb:GetRecords",
                            "dynamodb:GetShardIterator",
                            "dynamodb:ListStreams",
                        ],
                        "Resource": {"Fn::GetAtt": [TABLE, "StreamArn"]},
                    },
                    {
                        # The mapping's on-failure destination, sent as the function's role.
                        # Every function may send there too (the policy files), for parking;
                        # this one is Lambda's and stays if the app's use changes.
                        "Sid": "FailedBatchesToDeadLetters",
                        "Effect": "Allow",
                        "Action": "sqs:SendMessage",
                        "Resource": {"Fn::GetAtt": [DEAD_LETTER_QUEUE, "Arn"]},
                    },
                ],
            },
        },
    }


def _functions(stage: str) -> dict[str, Any]:
    functions = chalice_functions(stage)
    api_stage = _chalice(stage)[0].api_gateway_stage
    resources: dict[str, Any] = {}
    environment = function_environment(stage)
    for fn in functions:
        log_group = f"{fn.logical_id}LogGroup"
        resources[log_group] = {
            "Type": "AWS::Logs::LogGroup",
            # Logs go with the stack (a retained, named group would block re-creating it).
            "DeletionPolicy": "Delete",
            "UpdateReplacePolicy": "Delete",
            "Properties": {
                # Named by stage so that the policy file can grant writing to exactly these.
                "LogGroupName": log_group_name(stage, fn.name),
                "RetentionInDays": LOG_RETENTION_DAYS.get(stage, 14),
            },
        }
        properties: dict[str, Any] = {
            "Environment": {"Variables": environment},
            "LoggingConfig": {"LogGroup": {"Ref": log_group}},
        }
        if fn.sns_event:
            # Subscribe to this stage's topic (app.py names one topic for every stage). Chalice
            # writes the topic as Fn::Sub and the merge is deep: only the same key replaces it.
            properties["Events"] = {fn.sns_event: {"Properties": {"Topic": _sub(f"${{{FEEDBACK_TOPIC}}}")}}}
        resources[fn.logical_id] = {"Properties": properties}
        if fn.dynamodb_event:
            properties["Events"] = {fn.dynamodb_event: {"Properties": _stream_event(fn)}}
            # Lambda checks the role can read the stream when it creates the event source
            # mapping, which SAM makes after the function: so the function waits for the grant.
            resources[fn.logical_id]["DependsOn"] = [STREAM_POLICY]

    identities = [_sub(f"arn:${{AWS::Partition}}:ses:${{AWS::Region}}:${{AWS::AccountId}}:identity/{who}")
                  for who in ("${SupportDomain}", MAIL_FROM)]
    connections = [
        _sub(
            f"arn:${{AWS::Partition}}:execute-api:${{AWS::Region}}:${{AWS::AccountId}}:"
            f"${{{WEBSOCKET_API}}}/{api_stage}/{method}/@connections/*"
        )
        for method in ("POST", "DELETE")
    ]
    readers = [fn for fn in functions if fn.dynamodb_event]
    if readers:
        resources[STREAM_POLICY] = _stream_policy(stage, readers)
    resources[FUNCTIONS_POLICY] = {
        "Type": "AWS::IAM::Policy",
        "Properties": {
            "PolicyName": f"{stage_prefix(stage)}-deployed-resources",
            "Roles": [{"Ref": fn.role_id} for fn in functions],
            "PolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "AgentDirectory",
                        "Effect": "Allow",
                        "Action": [
                            "cognito-idp:AdminCreateUser",
                            "cognito-idp:AdminSetUserPassword",
                            "cognito-idp:AdminAddUserToGroup",
                            "cognito-idp:AdminDeleteUser",
                        ],
                        "Resource": {"Fn::GetAtt": [USER_POOL_ID, "Arn"]},
                    },
                    {
                        "Sid": "LiveChatPush",
                        "Effect": "Allow",
                        "Action": "execute-api:ManageConnections",
                        "Resource": connections,
                    },
                    {
                        # SES authorises against the domain or the address identity, whichever
                        # is verified; either way only as the support address.
                        "Sid": "SupportMail",
                        "Effect": "Allow",
                        "Action": ["ses:SendEmail", "ses:SendRawEmail"],
                        "Resource": identities,
                        "Condition": {"StringEquals": {"ses:FromAddress": _sub(MAIL_FROM)}},
                    },
                    {
                        # The console's list of DNS records still missing for the support address
                        # (chalicelib.adapters.ses_identity): SES v2, which authorises the read on
                        # the identity; SES v1's GetIdentity*Attributes take "*" only.
                        "Sid": "SendingIdentityStatus",
                        "Effect": "Allow",
                        "Action": list(SES_IDENTITY_READ),
                        "Resource": identities,
                    },
                ],
            },
        },
    }
    return resources


# ---------------------------------------------------------------------------- alarms


def _alarm(
    stage: str, name: str, namespace: str, metric: str, dimension: tuple[str, Any], what: str,
    *, statistic: str = "Sum", threshold: int = 1, comparison: str = "GreaterThanOrEqualToThreshold",
) -> dict[str, Any]:
    return {
        "Type": "AWS::CloudWatch::Alarm",
        "Properties": {
            "AlarmName": f"{stage_prefix(stage)}-{name}",
            "AlarmDescription": what,
            "Namespace": namespace,
            "MetricName": metric,
            "Dimensions": [{"Name": dimension[0], "Value": dimension[1]}],
            "Statistic": statistic,
            "Period": 300,
            "EvaluationPeriods": 1,
            "Threshold": threshold,
            "ComparisonOperator": comparison,
            "TreatMissingData": "notBreaching",
            "AlarmActions": [{"Ref": ALARM_TOPIC}],
        },
    }


def _alarms(stage: str) -> dict[str, Any]:
    resources: dict[str, Any] = {
        ALARM_TOPIC: {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": f"{stage_prefix(stage)}-alarms"}},
        f"{ALARM_TOPIC}Email": {
            "Type": "AWS::SNS::Subscription",
            "Condition": "HasAlarmEmail",
            "Properties": {"TopicArn": {"Ref": ALARM_TOPIC}, "Protocol": "email", "Endpoint": {"Ref": "AlarmEmail"}},
        },
    }
    for fn in chalice_functions(stage):
        for metric in ("Errors", "Throttles"):
            resources[f"{fn.logical_id}{metric}Alarm"] = _alarm(
                stage, f"{fn.name}-{metric.lower()}", "AWS/Lambda", metric, ("FunctionName", {"Ref": fn.logical_id}),
                f"{fn.name}: {metric.lower()} in the last 5 minutes",
            )
        if fn.dynamodb_event:
            resources[f"{fn.logical_id}IteratorAgeAlarm"] = _alarm(
                stage, f"{fn.name}-iterator-age", "AWS/Lambda", "IteratorAge", ("FunctionName", {"Ref": fn.logical_id}),
                f"{fn.name}: the newest records it read were over {ITERATOR_AGE_ALARM_MS // 60000} minutes old "
                "(reactions to changes are falling behind)",
                statistic="Maximum", threshold=ITERATOR_AGE_ALARM_MS, comparison="GreaterThanThreshold",
            )
    resources[f"{DEAD_LETTER_QUEUE}Alarm"] = _alarm(
        stage, "dead-letters", "AWS/SQS", "ApproximateNumberOfMessagesVisible",
        ("QueueName", {"Fn::GetAtt": [DEAD_LETTER_QUEUE, "QueueName"]}),
        "A reaction to a change kept failing and was parked (see GET /events/failed), "
        "or Lambda gave up on a batch of the table's stream",
        statistic="Maximum",
    )
    for metric in ("ReadThrottleEvents", "WriteThrottleEvents"):
        resources[f"{TABLE}{metric}Alarm"] = _alarm(
            stage, f"table-{metric.lower()}", "AWS/DynamoDB", metric, ("TableName", {"Ref": TABLE}),
            f"The table throttled requests ({metric}) in the last 5 minutes",
        )
    return resources


# ---------------------------------------------------------------------------- the template


def _parameters() -> dict[str, Any]:
    return {
        "SupportDomain": {
            "Type": "String",
            "Description": "The domain whose mail SES receives for the desk (its MX points at SES), "
            "e.g. help.example.com. Use a domain (or subdomain) that only the desk receives.",
            "AllowedPattern": r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$",
            "ConstraintDescription": "a lower-case domain name",
        },
        "SupportMailbox": {
            "Type": "String",
            "Default": "support",
            "Description": "The support address is SupportMailbox@SupportDomain: mail goes out from it, "
            "replies come back to SupportMailbox+<ticket>@SupportDomain.",
            "AllowedPattern": r"^[a-z0-9][a-z0-9._-]*$",
            "ConstraintDescription": "a lower-case local part without '+'",
        },
        "UploadOrigins": {
            "Type": "CommaDelimitedList",
            "Default": "*",
            "Description": "Web origins allowed to upload attachments straight to the bucket "
            "(the widget runs on customers' sites, hence * by default; the signed POST policy is what authorises).",
        },
        "RetentionDays": {
            "Type": "Number",
            "Default": 0,
            "MinValue": 0,
            "MaxValue": NEVER_DAYS,
            "Description": "Closed tickets, with their messages and files, are deleted this many days after "
            "closing (DynamoDB TTL and the bucket's lifecycle rule). 0 keeps them.",
        },
        "PublicUrl": {
            "Type": "String",
            "Default": "",
            "AllowedPattern": "^(https://[A-Za-z0-9.:/_-]+[^/])?$",
            "Description": "Where people reach the desk's API (https://..., no trailing slash; the console is at "
            "/console): links in the desk's mail (SLA alerts, a visitor's address confirmation). Empty: no links, "
            "and visitors cannot confirm a typed address.",
        },
        "AlarmEmail": {
            "Type": "String",
            "Default": "",
            "Description": "An address to e-mail when an alarm fires (empty: none; subscribe to the alarm topic yourself).",
        },
    }


def _outputs(stage: str) -> dict[str, Any]:
    # Chalice already outputs EndpointURL (REST API) and WebsocketConnectEndpointURL.
    return {
        "UserPoolId": {"Value": {"Ref": USER_POOL_ID}},
        "UserPoolClientId": {"Value": {"Ref": USER_POOL_CLIENT_ID}},
        "BucketName": {"Value": {"Ref": BUCKET}},
        "TableName": {"Value": {"Ref": TABLE}},
        "DeadLetterQueueUrl": {"Value": {"Ref": DEAD_LETTER_QUEUE}, "Description": "failed reactions, parked"},
        "SupportAddress": {"Value": _sub(MAIL_FROM)},
        "ReceiptRuleSetName": {"Value": {"Ref": RULE_SET}},
        "MailFeedbackTopicArn": {"Value": {"Ref": FEEDBACK_TOPIC}},
        "AlarmTopicArn": {"Value": {"Ref": ALARM_TOPIC}},
        "IdentitySecretArn": {"Value": {"Ref": SECRETS["DESK_IDENTITY_SECRET"]}},
        "WidgetKey": {"Value": WIDGET_KEY, "Description": "data-key of the widget's snippet"},
    }


def merge_template(stage: str) -> dict[str, Any]:
    inbound = next((fn for fn in chalice_functions(stage) if fn.name == INBOUND_FUNCTION), None)
    if inbound is None:
        raise ValueError(f"app.py has no {INBOUND_FUNCTION} function for SES to invoke")
    rule_set, rule = stage_prefix(stage), f"{stage_prefix(stage)}-inbound"
    rule_arn = _sub(
        f"arn:${{AWS::Partition}}:ses:${{AWS::Region}}:${{AWS::AccountId}}:receipt-rule-set/{rule_set}:receipt-rule/{rule}"
    )
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Parameters": _parameters(),
        "Conditions": {
            "HasAlarmEmail": {"Fn::Not": [{"Fn::Equals": [{"Ref": "AlarmEmail"}, ""]}]},
            RETENTION_OFF: {"Fn::Equals": [{"Ref": "RetentionDays"}, "0"]},
        },
        "Resources": {
            TABLE: table_resource(stage),
            DEAD_LETTER_QUEUE: dead_letter_queue_resource(stage),
            **_bucket(stage, rule_arn),
            **_mail(stage, inbound, rule_set, rule, rule_arn),
            **_identity(stage),
            **_functions(stage),
            **_alarms(stage),
        },
        "Outputs": _outputs(stage),
    }



def main(argv: list[str]) -> int:
    stage = argv[1] if len(argv) > 1 else "dev"
    stages = json.loads((PROJECT_DIR / ".chalice" / "config.json").read_text())["stages"]
    if stage not in stages:
        print(f"unknown stage {stage!r}; .chalice/config.json has {', '.join(stages)}", file=sys.stderr)
        return 2
    print(json.dumps(merge_template(stage), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

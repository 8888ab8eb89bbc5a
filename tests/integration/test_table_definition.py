"""One definition of the table: the models, the deploy template and the running emulator agree."""

from __future__ import annotations

import boto3

from chalicelib.adapters.dynamodb.models import table_schema
from infra.template import merge_template


def _shape(key_schema, indexes):
    return (
        [tuple(sorted(k.items())) for k in key_schema],
        {i["IndexName"]: [tuple(sorted(k.items())) for k in i["KeySchema"]] for i in indexes},
    )


def test_the_template_and_the_local_table_come_from_the_models(stack):
    schema = table_schema()
    template = merge_template("prod")["Resources"]["DeskTable"]["Properties"]
    assert template["TableName"] == "desk-prod"
    assert _shape(template["KeySchema"], template["GlobalSecondaryIndexes"]) == _shape(
        schema["KeySchema"], schema["GlobalSecondaryIndexes"]
    )
    live = boto3.client("dynamodb").describe_table(TableName=stack.table_name)["Table"]
    assert _shape(live["KeySchema"], live["GlobalSecondaryIndexes"]) == _shape(
        schema["KeySchema"], schema["GlobalSecondaryIndexes"]
    )
    assert set(live["GlobalSecondaryIndexes"][0]) >= {"IndexName", "KeySchema", "Projection"}
    names = {i["IndexName"] for i in schema["GlobalSecondaryIndexes"]}
    assert names == {
        "tickets_by_activity", "tickets_by_status", "tickets_by_assignee",
        "tickets_by_team", "tickets_by_customer", "tickets_by_number", "tickets_by_timer", "audit_by_target",
    }

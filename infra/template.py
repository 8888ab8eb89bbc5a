"""The CloudFormation merge template for ``chalice package --merge-template``.

Chalice creates the functions and the API; this adds what it does not: so far the table
(built from the same PynamoDB definition the local stack creates). The deploy issue adds
the bucket, the user pool, SES and the alarms.

    python -m infra.template STAGE > build/merge-template.json
"""

from __future__ import annotations

import json
import sys
from typing import Any

from .resources import TABLE_TTL, table_schema


def table_resource(stage: str) -> dict[str, Any]:
    schema = table_schema()
    return {
        "Type": "AWS::DynamoDB::Table",
        "DeletionPolicy": "Retain",
        "UpdateReplacePolicy": "Retain",
        "Properties": {
            "TableName": f"desk-{stage}",
            "BillingMode": schema["BillingMode"],
            "KeySchema": schema["KeySchema"],
            "AttributeDefinitions": schema["AttributeDefinitions"],
            "GlobalSecondaryIndexes": schema["GlobalSecondaryIndexes"],
            "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
            "SSESpecification": {"SSEEnabled": True},
            "TimeToLiveSpecification": TABLE_TTL,
        },
    }


def merge_template(stage: str) -> dict[str, Any]:
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Resources": {"DeskTable": table_resource(stage)},
    }


if __name__ == "__main__":
    print(json.dumps(merge_template(sys.argv[1] if len(sys.argv) > 1 else "dev"), indent=2))

"""Property-based fuzzing of the whole API from its own OpenAPI document (schemathesis):
whatever a client sends, the answer is never a 5xx, and it matches what the document says."""

from __future__ import annotations

import os

import boto3
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance


@pytest.fixture
def desk_schema(stack):
    schema = schemathesis.openapi.from_url(f"{stack.api_url}/openapi.json")
    # Every request carries the admin's token (below), so the Authorization header is not
    # generated: a negative case 'without Authorization' would reach the API with the token
    # anyway and be reported as invalid data accepted. test_route_security tries bad tokens.
    schema.config.generation.update(with_security_parameters=False)
    return schema


@pytest.fixture
def desk_left_as_found(stack, admin):
    """The fuzzer is an admin: it sets business hours, SLA policies, canned responses and the
    admin's own profile to whatever it generates, and the tests after it would meet a desk
    closed at random hours or promising a one-minute answer. Its configuration (the CONFIG
    partition) and the admin's profile are put back as they were, read and written here
    directly (the API would refuse some orders of undoing: a policy naming a calendar)."""
    from chalicelib import bootstrap

    ddb = boto3.client("dynamodb")
    config = {"TableName": stack.table_name, "KeyConditionExpression": "pk = :pk",
              "ExpressionAttributeValues": {":pk": {"S": "CONFIG"}}}

    def config_items() -> dict[str, dict]:
        return {i["sk"]["S"]: i for page in ddb.get_paginator("query").paginate(**config) for i in page["Items"]}

    def kb_items() -> dict[str, dict]:  # the knowledge base: its settings (the bot!), articles, categories
        query = {**config, "ExpressionAttributeValues": {":pk": {"S": "KB"}}}
        return {i["sk"]["S"]: i for page in ddb.get_paginator("query").paginate(**query) for i in page["Items"]}

    profile = {"pk": {"S": "AGENTS"}, "sk": {"S": f"AGENT#{admin.get('/agents/me').json()['id']}"}}
    before, admin_before = config_items(), ddb.get_item(TableName=stack.table_name, Key=profile)["Item"]
    kb_before = kb_items()
    yield
    for sk in config_items().keys() - before.keys():
        ddb.delete_item(TableName=stack.table_name, Key={"pk": {"S": "CONFIG"}, "sk": {"S": sk}})
    for sk in kb_items().keys() - kb_before.keys():
        ddb.delete_item(TableName=stack.table_name, Key={"pk": {"S": "KB"}, "sk": {"S": sk}})
    for item in [*before.values(), admin_before, *(i for sk, i in kb_before.items() if sk != "#INDEX")]:
        ddb.put_item(TableName=stack.table_name, Item=item)
    bootstrap.reset()  # a new cold start: no cached policies or agent cards from the fuzzing


schema = schemathesis.pytest.from_fixture("desk_schema")
# Examples per operation: 15 in the suite (every operation, its edge cases first, in about two
# minutes); DESK_FUZZ_EXAMPLES=200 make test fuzzes deeper, when a route's rules change.
EXAMPLES = int(os.environ.get("DESK_FUZZ_EXAMPLES") or "15")


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_request_makes_the_api_fail_or_answer_off_its_document(case, admin, desk_left_as_found):
    # Schema-valid bodies may still be refused by the desk's rules (422: a status move it
    # does not allow; 409/428: versions; 400: a cursor from nowhere), so that one check is off.
    case.call_and_validate(
        headers={"Authorization": f"Bearer {admin.token}"},
        excluded_checks=[positive_data_acceptance],
    )

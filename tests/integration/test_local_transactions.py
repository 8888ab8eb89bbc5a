"""TransactWriteItems in the local emulator (local/transactions.py): all or nothing, items and
stream alike, with the undo record kept per key instead of a copy of the table. Over the wire,
on a table of this test's own in the suite's emulator."""

from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError


@pytest.fixture()
def table(stack, unique):
    ddb = boto3.client("dynamodb", endpoint_url=stack.aws.endpoint, region_name="us-east-1")
    name = f"tx-{unique}"
    ddb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": a, "AttributeType": "S"} for a in ("pk", "sk")],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )
    streams = boto3.client("dynamodbstreams", endpoint_url=stack.aws.endpoint, region_name="us-east-1")
    yield name, ddb, streams
    ddb.delete_table(TableName=name)


def _stream(ddb, streams, name):
    arn = ddb.describe_table(TableName=name)["Table"]["LatestStreamArn"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    it = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    return [(r["eventName"], r["dynamodb"]["Keys"]["sk"]["S"]) for r in streams.get_records(ShardIterator=it)["Records"]]


def _items(ddb, name):
    out = ddb.query(TableName=name, KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": {"S": "a"}})
    return {i["sk"]["S"]: i.get("n", {}).get("N") for i in out["Items"]}


def _put(name, sk, n, **extra):
    return {"Put": {"TableName": name, "Item": {"pk": {"S": "a"}, "sk": {"S": sk}, "n": {"N": str(n)}}, **extra}}


def test_a_failed_transaction_leaves_items_and_stream_as_they_were(table):
    name, ddb, streams = table
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}, "sk": {"S": "kept"}, "n": {"N": "1"}})
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}, "sk": {"S": "guard"}, "n": {"N": "1"}})
    before_items, before_stream = _items(ddb, name), _stream(ddb, streams, name)

    with pytest.raises(ClientError) as failed:
        ddb.transact_write_items(TransactItems=[
            _put(name, "new", 1),  # written, then undone
            {"Update": {  # changes an item in place, then undone
                "TableName": name, "Key": {"pk": {"S": "a"}, "sk": {"S": "kept"}},
                "UpdateExpression": "SET n = :two", "ExpressionAttributeValues": {":two": {"N": "2"}},
            }},
            {"Delete": {"TableName": name, "Key": {"pk": {"S": "a"}, "sk": {"S": "guard"}}}},
            _put(name, "other", 1, ConditionExpression="attribute_exists(pk)"),  # fails
        ])
    assert failed.value.response["Error"]["Code"] == "TransactionCanceledException"
    assert _items(ddb, name) == before_items == {"kept": "1", "guard": "1"}
    assert _stream(ddb, streams, name) == before_stream

    # The same item twice is refused as a whole too.
    with pytest.raises(ClientError) as twice:
        ddb.transact_write_items(TransactItems=[_put(name, "x", 1), _put(name, "x", 2)])
    assert twice.value.response["Error"]["Code"] == "ValidationException"
    assert _items(ddb, name) == before_items
    assert _stream(ddb, streams, name) == before_stream


def test_a_transaction_that_holds_writes_every_item_and_its_stream_record(table):
    name, ddb, streams = table
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}, "sk": {"S": "old"}, "n": {"N": "1"}})
    ddb.transact_write_items(TransactItems=[
        _put(name, "one", 1, ConditionExpression="attribute_not_exists(pk)"),
        _put(name, "old", 5),
        {"Delete": {"TableName": name, "Key": {"pk": {"S": "a"}, "sk": {"S": "none"}}}},
    ])
    assert _items(ddb, name) == {"one": "1", "old": "5"}
    assert _stream(ddb, streams, name)[1:] == [("INSERT", "one"), ("MODIFY", "old")]

"""GSI queries in the local emulator (local/indexes.py) skip the partitions known to hold no
index key, and find an item as soon as any write gives it one. Over the wire, on a table of
this test's own in the suite's emulator."""

from __future__ import annotations

import boto3
import pytest


@pytest.fixture()
def table(stack, unique):
    ddb = boto3.client("dynamodb", endpoint_url=stack.aws.endpoint, region_name="us-east-1")
    name = f"gsi-{unique}"
    ddb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": a, "AttributeType": "S"} for a in ("pk", "sk", "g", "gs")],
        GlobalSecondaryIndexes=[{
            "IndexName": "by_g",
            "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}, {"AttributeName": "gs", "KeyType": "RANGE"}],
            "Projection": {"ProjectionType": "ALL"},
        }],
        BillingMode="PAY_PER_REQUEST",
    )
    yield name, ddb
    ddb.delete_table(TableName=name)


def _found(ddb, name: str) -> set[tuple[str, str]]:
    items = ddb.query(TableName=name, IndexName="by_g", KeyConditionExpression="g = :g",
                      ExpressionAttributeValues={":g": {"S": "x"}})["Items"]
    return {(i["pk"]["S"], i["sk"]["S"]) for i in items}


def test_a_partition_skipped_as_index_free_is_read_again_after_any_write(table):
    name, ddb = table
    for pk in ("A", "B", "C", "D"):  # four partitions in no index
        ddb.put_item(TableName=name, Item={"pk": {"S": pk}, "sk": {"S": "1"}, "other": {"S": "v"}})
    ddb.put_item(TableName=name, Item={"pk": {"S": "E"}, "sk": {"S": "1"}, "g": {"S": "x"}, "gs": {"S": "1"}})
    assert _found(ddb, name) == {("E", "1")}  # A-D are now known to be index-free

    # UpdateItem gives an existing item an index key
    ddb.update_item(TableName=name, Key={"pk": {"S": "A"}, "sk": {"S": "1"}},
                    UpdateExpression="SET g = :g, gs = :s",
                    ExpressionAttributeValues={":g": {"S": "x"}, ":s": {"S": "2"}})
    # PutItem adds an indexed item beside an index-free one
    ddb.put_item(TableName=name, Item={"pk": {"S": "B"}, "sk": {"S": "2"}, "g": {"S": "x"}, "gs": {"S": "3"}})
    # BatchWriteItem and TransactWriteItems go through the same writes
    ddb.batch_write_item(RequestItems={name: [{"PutRequest": {"Item": {
        "pk": {"S": "C"}, "sk": {"S": "1"}, "g": {"S": "x"}, "gs": {"S": "4"}}}}]})
    ddb.transact_write_items(TransactItems=[{"Update": {
        "TableName": name, "Key": {"pk": {"S": "D"}, "sk": {"S": "1"}},
        "UpdateExpression": "SET g = :g, gs = :s",
        "ExpressionAttributeValues": {":g": {"S": "x"}, ":s": {"S": "5"}}}}])
    assert _found(ddb, name) == {("E", "1"), ("A", "1"), ("B", "2"), ("C", "1"), ("D", "1")}

    # Removing the key takes it out; deleting the item too
    ddb.update_item(TableName=name, Key={"pk": {"S": "A"}, "sk": {"S": "1"}}, UpdateExpression="REMOVE g")
    ddb.delete_item(TableName=name, Key={"pk": {"S": "B"}, "sk": {"S": "2"}})
    assert _found(ddb, name) == {("E", "1"), ("C", "1"), ("D", "1")}
    # A partition that lost its last indexed item is found free again, and read again on a write
    ddb.put_item(TableName=name, Item={"pk": {"S": "A"}, "sk": {"S": "9"}, "g": {"S": "x"}, "gs": {"S": "9"}})
    assert ("A", "9") in _found(ddb, name)


def test_a_query_on_the_tables_key_reads_its_partition_as_dynamodb_answers_it(table):
    """The emulator reads one partition for a Query on the table's own key (moto sorted the
    whole table); what comes back is still DynamoDB's answer: order, key conditions, paging."""
    name, ddb = table
    for pk in ("P", "Q"):
        for n in (3, 1, 10, 2):
            ddb.put_item(TableName=name, Item={"pk": {"S": pk}, "sk": {"S": f"{pk}#{n:02}"}, "n": {"N": str(n)}})

    def sks(**kwargs):
        values = {":p": {"S": "P"}, **kwargs.pop("values", {})}
        items = ddb.query(TableName=name, ExpressionAttributeValues=values, **kwargs)
        return [i["sk"]["S"] for i in items["Items"]], items.get("LastEvaluatedKey")

    assert sks(KeyConditionExpression="pk = :p") == (["P#01", "P#02", "P#03", "P#10"], None)
    assert sks(KeyConditionExpression="pk = :p", ScanIndexForward=False)[0] == ["P#10", "P#03", "P#02", "P#01"]
    assert sks(KeyConditionExpression="pk = :p AND sk > :s", values={":s": {"S": "P#02"}})[0] == ["P#03", "P#10"]
    assert sks(KeyConditionExpression="pk = :p", FilterExpression="n > :n", values={":n": {"N": "2"}})[0] == [
        "P#03", "P#10"]
    first, after = sks(KeyConditionExpression="pk = :p", Limit=3)
    assert first == ["P#01", "P#02", "P#03"] and after == {"pk": {"S": "P"}, "sk": {"S": "P#03"}}
    assert sks(KeyConditionExpression="pk = :p", ExclusiveStartKey=after)[0] == ["P#10"]
    assert sks(KeyConditionExpression="pk = :p", values={":p": {"S": "nobody"}}) == ([], None)

"""The emulator's write-ahead journal (local/journal.py), over the real wire protocol: each
step runs the emulator in a process of its own (moto's state is global to a process) that
boto3 talks to over HTTP, and that ends with SIGKILL, as a crash does: no snapshot on exit."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from local import journal as wal

ROOT = Path(__file__).resolve().parents[2]

WORKER = r"""
import json, os, signal, sys
import boto3
from local.aws import AwsEmulator

emu = AwsEmulator("127.0.0.1", 0, os.path.join(sys.argv[1], "aws-state.pickle"))
emu.start()
ddb, streams, cognito = (
    boto3.client(name, endpoint_url=emu.endpoint, region_name="us-east-1")
    for name in ("dynamodb", "dynamodbstreams", "cognito-idp")
)
out = {"replayed": emu.replayed}
exec(sys.argv[2])
print(json.dumps(out), flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""

TABLE = (
    "ddb.create_table(TableName='t', KeySchema=[{'AttributeName': 'pk', 'KeyType': 'HASH'}],"
    " AttributeDefinitions=[{'AttributeName': 'pk', 'AttributeType': 'S'}], BillingMode='PAY_PER_REQUEST',"
    " StreamSpecification={'StreamEnabled': True, 'StreamViewType': 'NEW_AND_OLD_IMAGES'})\n"
)
COUNT = "ddb.update_item(TableName='t', Key={'pk': {'S': 'n'}}, UpdateExpression='ADD c :one', ExpressionAttributeValues={':one': {'N': '1'}})\n"
READ_COUNT = "out['count'] = int(ddb.get_item(TableName='t', Key={'pk': {'S': 'n'}}).get('Item', {}).get('c', {}).get('N', 0))\n"


def crash_after(folder: Path, code: str) -> dict:
    """Start the emulator on ``folder``, run ``code``, then SIGKILL it; what ``code`` put in ``out``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "DESK_"))}
    env.update(AWS_ACCESS_KEY_ID="local", AWS_SECRET_ACCESS_KEY="local")
    done = subprocess.run(
        [sys.executable, "-c", WORKER, str(folder), code], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=120,
    )
    assert done.returncode == -9, done.stderr
    lines = done.stdout.strip().splitlines()
    return json.loads(lines[-1]) if lines else {}  # {}: killed before the end of ``code``


def journals(folder: Path) -> list[Path]:
    return sorted(folder.glob("aws-state-journal-*.log"))


def test_ids_moto_makes_up_are_the_same_after_a_replay(tmp_path):
    # A Cognito sub is an agent's id in the table; a stream record's eventID is what a
    # reaction may be keyed on: a replay that drew new ones would break both.
    before = crash_after(tmp_path, TABLE + (
        "pool = cognito.create_user_pool(PoolName='p')['UserPool']['Id']\n"
        "user = cognito.admin_create_user(UserPoolId=pool, Username='kim@example.com')['User']\n"
        "out['sub'] = {a['Name']: a['Value'] for a in user['Attributes']}['sub']\n"
        "ddb.put_item(TableName='t', Item={'pk': {'S': 'a'}})\n"
        "arn = ddb.describe_table(TableName='t')['Table']['LatestStreamArn']\n"
        "shard = streams.describe_stream(StreamArn=arn)['StreamDescription']['Shards'][0]['ShardId']\n"
        "it = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType='TRIM_HORIZON')['ShardIterator']\n"
        "out['events'] = [(r['eventID'], r['dynamodb']['SequenceNumber']) for r in streams.get_records(ShardIterator=it)['Records']]\n"
    ))
    assert before["sub"] and len(before["events"]) == 1
    after = crash_after(tmp_path, (
        "pool = cognito.list_user_pools(MaxResults=10)['UserPools'][0]['Id']\n"
        "user = cognito.admin_get_user(UserPoolId=pool, Username='kim@example.com')\n"
        "out['sub'] = {a['Name']: a['Value'] for a in user['UserAttributes']}['sub']\n"
        "arn = ddb.describe_table(TableName='t')['Table']['LatestStreamArn']\n"
        "shard = streams.describe_stream(StreamArn=arn)['StreamDescription']['Shards'][0]['ShardId']\n"
        "it = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType='TRIM_HORIZON')['ShardIterator']\n"
        "out['events'] = [(r['eventID'], r['dynamodb']['SequenceNumber']) for r in streams.get_records(ShardIterator=it)['Records']]\n"
    ))
    assert after["replayed"] == 4  # CreateTable, CreateUserPool, AdminCreateUser, PutItem; no read
    assert after["sub"] == before["sub"]
    assert after["events"] == before["events"]


def test_a_torn_last_entry_is_ignored_and_what_follows_it_is_kept(tmp_path):
    crash_after(tmp_path, TABLE + COUNT + COUNT)
    [journal] = journals(tmp_path)
    whole = wal.encode((wal.REQUEST, 0.0, 1, "http", {}, b"never answered"))
    with open(journal, "ab") as f:  # the crash came in the middle of writing a third request
        f.write(whole[: len(whole) // 2])
    assert crash_after(tmp_path, READ_COUNT + COUNT)["count"] == 2
    # The increment after the torn entry was acknowledged: it is there after the next crash.
    assert crash_after(tmp_path, READ_COUNT)["count"] == 3


def test_a_corrupt_last_entry_fails_its_checksum_and_is_ignored(tmp_path):
    crash_after(tmp_path, TABLE + COUNT + COUNT)
    [journal] = journals(tmp_path)
    data = bytearray(journal.read_bytes())
    data[-3] ^= 0xFF  # inside the last entry's payload; its length is intact
    journal.write_bytes(bytes(data))
    assert crash_after(tmp_path, READ_COUNT)["count"] == 1


def test_a_crash_between_the_snapshot_and_the_new_journal_applies_nothing_twice(tmp_path):
    # The snapshot of generation N+1 is on disk, journal N (which it holds) is still there.
    crash_after(tmp_path, TABLE + COUNT * 3 + (
        "from local import journal as wal\n"
        "def die(*args, **kwargs): os.kill(os.getpid(), signal.SIGKILL)\n"
        "wal.Journal.__init__ = die\n"
        "emu.save()\n"
    ))
    assert [p.name for p in journals(tmp_path)] == ["aws-state-journal-00000001.log"]
    assert crash_after(tmp_path, READ_COUNT)["count"] == 3
    assert crash_after(tmp_path, COUNT + READ_COUNT)["count"] == 4
    assert crash_after(tmp_path, READ_COUNT)["count"] == 4


def test_a_snapshot_starts_a_new_journal_and_removes_the_old(tmp_path):
    crash_after(tmp_path, TABLE + COUNT + "emu.save()\n" + COUNT)
    assert crash_after(tmp_path, READ_COUNT) == {"replayed": 1, "count": 2}
    assert len(journals(tmp_path)) == 1


def test_a_snapshot_from_before_the_journal_still_loads(tmp_path):
    import pickle

    (tmp_path / "aws-state.pickle").write_bytes(pickle.dumps([]))  # the old format: a bare list
    crash_after(tmp_path, TABLE + COUNT)
    assert crash_after(tmp_path, READ_COUNT)["count"] == 1


STREAM = (
    "arn = ddb.describe_table(TableName='t')['Table']['LatestStreamArn']\n"
    "shard = streams.describe_stream(StreamArn=arn)['StreamDescription']['Shards'][0]['ShardId']\n"
    "it = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType='TRIM_HORIZON')['ShardIterator']\n"
    "out['records'] = [(r['dynamodb']['Keys']['pk']['S'], r['dynamodb']['SequenceNumber'])"
    " for r in streams.get_records(ShardIterator=it)['Records']]\n"
)


def test_stream_records_the_local_poller_handled_are_not_handed_out_again(tmp_path):
    before = crash_after(tmp_path, TABLE + (
        "ddb.put_item(TableName='t', Item={'pk': {'S': 'a'}})\n"
        "ddb.put_item(TableName='t', Item={'pk': {'S': 'b'}})\n"
    ) + STREAM + "emu.prune_stream('t', {shard: out['records'][0][1]})\n")
    assert [key for key, _ in before["records"]] == ["a", "b"]
    assert crash_after(tmp_path, STREAM)["records"] == before["records"][1:]


def test_a_second_emulator_on_the_same_folder_refuses_to_start(tmp_path):
    # It would replay, snapshot and delete the journal the first one is still writing to.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "DESK_"))}
    holder = subprocess.Popen(
        [sys.executable, "-c", WORKER, str(tmp_path), TABLE + "import time; print(json.dumps(out), flush=True); time.sleep(120)"],
        cwd=ROOT, env={**env, "AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local"},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert json.loads(holder.stdout.readline()) == {"replayed": 0}
        second = subprocess.run(
            [sys.executable, "-c", WORKER, str(tmp_path), ""], cwd=ROOT, env=env, capture_output=True, text=True,
            timeout=120,
        )
        assert second.returncode == 1 and "in use" in second.stderr, second.stderr
        assert [p.name for p in journals(tmp_path)] == ["aws-state-journal-00000001.log"]
    finally:
        holder.kill()
        holder.communicate()
    assert crash_after(tmp_path, "out['tables'] = ddb.list_tables()['TableNames']\n")["tables"] == ["t"]

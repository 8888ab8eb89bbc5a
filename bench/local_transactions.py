"""What a TransactWriteItems costs in the local emulator as the table grows: moto's own (a deep
copy of the table per action) against local/transactions.py (an undo record per key).

For each table size, the table is filled with ``--size`` items of ~300 bytes, then ``--runs``
two-action transactions (a new ticket and its first message, as the desk writes them) run over
HTTP; the figure is ms per transaction, and the ratio of the largest table to the smallest
(1.0: the table's size does not matter). Each mode in a fresh process (moto's state is global).

    .venv/bin/python bench/local_transactions.py [--sizes 100,2000,8000] [--runs 30]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

_RESULT = "LOCAL-TX-RESULT "


def measure(mode: str, sizes: list[int], runs: int) -> dict[str, Any]:
    import boto3

    from local import transactions
    from local.aws import AwsEmulator

    if mode == "moto":
        transactions._installed = True  # start() then leaves moto's own transactions in place
    emu = AwsEmulator("127.0.0.1", 0, None)
    emu.start()
    ddb = boto3.client("dynamodb", endpoint_url=emu.endpoint, region_name="us-east-1")
    ddb.create_table(
        TableName="bench",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": a, "AttributeType": "S"} for a in ("pk", "sk")],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )
    filled, out = 0, {}
    for size in sizes:
        while filled < size:
            item = {"pk": {"S": f"fill#{filled}"}, "sk": {"S": "x"}, "body": {"S": "y" * 300}}
            ddb.put_item(TableName="bench", Item=item)
            filled += 1
        start = time.perf_counter()
        for i in range(runs):
            key = {"pk": {"S": f"ticket#{size}-{i}"}}
            ddb.transact_write_items(TransactItems=[
                {"Put": {"TableName": "bench", "Item": {**key, "sk": {"S": "ticket"}, "b": {"S": "z" * 300}},
                         "ConditionExpression": "attribute_not_exists(pk)"}},
                {"Put": {"TableName": "bench", "Item": {**key, "sk": {"S": "message#1"}, "b": {"S": "z" * 300}},
                         "ConditionExpression": "attribute_not_exists(pk)"}},
            ])
        out[str(size)] = round((time.perf_counter() - start) * 1000 / runs, 2)
    emu.stop()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,2000,8000")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--mode", choices=["moto", "undo"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    if args.mode:
        print(_RESULT + json.dumps(measure(args.mode, sizes, args.runs)), flush=True)
        return
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "DESK_"))}
    env.update(AWS_ACCESS_KEY_ID="local", AWS_SECRET_ACCESS_KEY="local")  # the emulator takes any
    for mode in ("moto", "undo"):
        done = subprocess.run(
            [sys.executable, __file__, "--mode", mode, "--sizes", args.sizes, "--runs", str(args.runs)],
            capture_output=True, text=True, cwd=ROOT, env=env, check=True,
        )
        line = next(x for x in done.stdout.splitlines() if x.startswith(_RESULT))
        per_size = json.loads(line[len(_RESULT):])
        ratio = per_size[str(sizes[-1])] / per_size[str(sizes[0])]
        cells = ", ".join(f"{size} items: {ms} ms" for size, ms in per_size.items())
        print(f"{mode:5} ms per transaction: {cells}; largest/smallest {ratio:.1f}x")


if __name__ == "__main__":
    main()

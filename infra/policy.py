"""The IAM policy files Chalice gives every function's role (``.chalice/policy-STAGE.json``),
generated from the names that own them: the bucket's key layout (``chalicelib.domain.storage``)
and the stage's resource names (``infra.template``).

Generated rather than written by hand because ``chalice package`` (and ``chalice deploy``)
read them as static JSON, and hand-written copies of the key layout drift: a prefix the code
starts writing would be denied in AWS only, one it stops writing would stay granted. The
files stay committed, so that Chalice finds them in a plain clone; ``make package`` writes
them again, and a test holds the committed ones equal to what this module writes.

What is here is what every function needs and can be named by stage before the deploy. What
is only known once the stack exists (the user pool, the websocket API, the SES identity, the
table's stream) is granted in the template (``infra.template``), by ARN, and so is what only
some functions need (reading the stream).

    python -m infra.policy [STAGE ...]   # writes .chalice/policy-STAGE.json (every stage if none)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from chalicelib.domain.storage import (
    ATTACHMENTS_PREFIX,
    MAIL_HTML_PREFIX,
    MAIL_INBOUND_PREFIX,
    MAIL_QUARANTINE_PREFIX,
    MAIL_TEXT_PREFIX,
)

from .template import PROJECT_DIR, bucket_name_prefix, dead_letter_queue_name, log_group_name, stage_prefix

__all__ = ["BUCKET_GRANTS", "TABLE_ACTIONS", "QUEUE_ACTIONS", "policy_document", "policy_path", "write_policy_files"]

TABLE_ACTIONS = (
    "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
    "dynamodb:Query", "dynamodb:BatchGetItem", "dynamodb:BatchWriteItem", "dynamodb:DescribeTable",
)
# Any function may park a failed reaction (chalicelib.adapters.dead_letters); an admin's replay
# or dismissal takes its message out again, putting back the others it read on the way.
QUEUE_ACTIONS = ("sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility")
# What the functions may do in the bucket, by key prefix: Sid and actions (the tests hold the
# roles to exactly this). A ticket's files are also deleted when its customer is erased, and
# tagged (copied onto themselves, which is a GetObject and a PutObject) when it is closed.
_TICKET_FILES = ("s3:DeleteObject", "s3:PutObjectTagging", "s3:DeleteObjectTagging")
BUCKET_GRANTS: dict[str, tuple[str, tuple[str, ...]]] = {
    MAIL_INBOUND_PREFIX: ("InboundMail", ("s3:GetObject", "s3:PutObject", *_TICKET_FILES)),  # what SES stored
    MAIL_QUARANTINE_PREFIX: ("QuarantineWrite", ("s3:PutObject",)),  # a copy of mail that failed the scan
    ATTACHMENTS_PREFIX: ("Attachments", ("s3:GetObject", "s3:PutObject", *_TICKET_FILES)),  # pre-signed up/downloads
    MAIL_HTML_PREFIX: ("MailHtml", ("s3:GetObject", "s3:PutObject", *_TICKET_FILES)),  # a mail's sanitised HTML
    MAIL_TEXT_PREFIX: ("MailText", ("s3:GetObject", "s3:PutObject", *_TICKET_FILES)),  # a long mail's whole text
}


def _allow(sid: str, actions: tuple[str, ...], resource: str | list[str]) -> dict[str, Any]:
    return {"Sid": sid, "Effect": "Allow", "Action": list(actions), "Resource": resource}


def policy_document(stage: str) -> dict[str, Any]:
    """The policy every function of ``stage`` gets from Chalice."""
    table = f"arn:aws:dynamodb:*:*:table/{stage_prefix(stage)}"
    bucket = f"arn:aws:s3:::{bucket_name_prefix(stage)}*"
    return {
        "Version": "2012-10-17",
        "Statement": [
            _allow("Logs", ("logs:CreateLogStream", "logs:PutLogEvents"),
                   f"arn:aws:logs:*:*:log-group:{log_group_name(stage, '*')}:*"),
            _allow("DeskTable", TABLE_ACTIONS, [table, f"{table}/index/*"]),
            *(_allow(sid, actions, f"{bucket}/{prefix}*") for prefix, (sid, actions) in BUCKET_GRANTS.items()),
            # Listing lets a missing object be a 404, not a 403.
            _allow("MissingObjectIs404Not403", ("s3:ListBucket",), bucket),
            _allow("DeadLetters", QUEUE_ACTIONS, f"arn:aws:sqs:*:*:{dead_letter_queue_name(stage)}"),
        ],
    }


def policy_path(stage: str) -> Path:
    config = json.loads((PROJECT_DIR / ".chalice" / "config.json").read_text())
    return PROJECT_DIR / ".chalice" / config["stages"][stage]["iam_policy_file"]


def _text(stage: str) -> str:
    return json.dumps(policy_document(stage), indent=2) + "\n"


def write_policy_files(stages: list[str]) -> list[Path]:
    """Write each stage's policy file where ``.chalice/config.json`` names it; the files that
    changed (a file already as generated is left alone)."""
    changed = []
    for stage in stages:
        path, text = policy_path(stage), _text(stage)
        if not path.exists() or path.read_text() != text:
            path.write_text(text)
            changed.append(path)
    return changed


def main(argv: list[str]) -> int:
    stages = list(json.loads((PROJECT_DIR / ".chalice" / "config.json").read_text())["stages"])
    asked = argv[1:] or stages
    unknown = [s for s in asked if s not in stages]
    if unknown:
        print(f"unknown stage {unknown[0]!r}; .chalice/config.json has {', '.join(stages)}", file=sys.stderr)
        return 2
    for path in write_policy_files(asked):
        print(f"wrote {path.relative_to(PROJECT_DIR)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

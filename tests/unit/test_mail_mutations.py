"""A mutated MIME corpus: real mails from the fixtures, broken in the ways mail breaks in the
wild (cut short, boundaries dropped or changed, headers doubled, stray 8-bit bytes, nested
deep, header lines of 100 KB), each fed through the whole ingest on the in-memory fakes. No
exception may escape, and each makes a ticket whose text an agent can read (valid Unicode,
and the mail's words when the mutation left its body alone).

The mutations come from a fixed seed, so a failure names a case that fails again."""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from chalicelib.domain.mail.parse import parse_mail
from tests.unit.fakes import Desk

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "email"
SEEDS = [
    "replies/talon__gmail.eml",  # multipart/alternative, base64
    "replies/talon__outlook.eml",
    "replies/talon__apple_mail.eml",  # iso-8859-1, plain
    "mime/rubymail__raw_email_with_nested_attachment.eml",
    "mime/rubymail__attachment_message_rfc822.eml",
    "mime/djhelpdesk__quoted_printable.eml",
    "mime/rubymail__japanese_shift_jis.eml",
    "mime/spamscope__mail_test_9.eml",
]
RANDOM = random.Random(20261201)


@dataclass(frozen=True)
class Mutation:
    name: str
    apply: Callable[[bytes, random.Random], bytes]
    keeps_text: bool  # the body is left readable: its words must reach the ticket


def _split(raw: bytes) -> tuple[bytes, bytes, bytes]:
    match = re.search(rb"\r?\n\r?\n", raw)
    if match is None:
        return raw, b"\n\n", b""
    return raw[:match.start()], raw[match.start():match.end()], raw[match.end():]


def truncate(raw: bytes, rng: random.Random) -> bytes:
    return raw[: rng.randrange(1, max(2, len(raw)))]


def drop_boundaries(raw: bytes, rng: random.Random) -> bytes:
    return re.sub(rb'(?i);\s*boundary="?[^";\r\n]*"?', b"", raw)


def alter_boundaries(raw: bytes, rng: random.Random) -> bytes:
    return re.sub(rb'(?i)(boundary="?)([^";\r\n]*)', lambda m: m.group(1) + b"X" + m.group(2)[::-1], raw)


def duplicate_headers(raw: bytes, rng: random.Random) -> bytes:
    head, gap, body = _split(raw)
    lines = head.splitlines(keepends=True)
    doubled = [line for line in lines if line[:1] not in (b" ", b"\t")]
    extra = b"".join(rng.sample(doubled, min(4, len(doubled))))
    extra += b"Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n"
    return head + b"\r\n" + extra.rstrip(b"\r\n") + gap + body


def stray_8bit(raw: bytes, rng: random.Random) -> bytes:
    data = bytearray(raw)
    for _ in range(rng.randrange(1, 40)):
        data.insert(rng.randrange(len(data) + 1), rng.randrange(0x80, 0x100))
    return bytes(data)


def nul_and_bare_cr(raw: bytes, rng: random.Random) -> bytes:
    return raw.replace(b"\r\n", b"\r").replace(b" ", b"\x00 ", 5)


def nest_deeper(raw: bytes, rng: random.Random) -> bytes:
    head, gap, body = _split(raw)
    content = [line for line in head.splitlines() if line.lower().startswith((b"content-", b" ", b"\t"))]
    others = [line for line in head.splitlines() if not line.lower().startswith(b"content-")]
    part = b"\r\n".join(content or [b"Content-Type: text/plain"]) + b"\r\n\r\n" + body
    for level in range(rng.choice([2, 30, 120, 1500])):
        boundary = b"nest%d" % level
        part = (b'Content-Type: multipart/mixed; boundary="' + boundary + b'"\r\n\r\n--' + boundary + b"\r\n"
                + part + b"\r\n--" + boundary + b"--\r\n")
    return b"\r\n".join(others) + b"\r\n" + part


def huge_header(raw: bytes, rng: random.Random) -> bytes:
    head, gap, body = _split(raw)
    name = rng.choice([b"Subject", b"X-Spam-Report", b"References", b"To"])
    return head + b"\r\n" + name + b": " + (b"a" * 7 + b" ") * rng.choice([1000, 12_800]) + gap + body


def lf_only(raw: bytes, rng: random.Random) -> bytes:
    return raw.replace(b"\r\n", b"\n")


MUTATIONS = [
    Mutation("truncate", truncate, keeps_text=False),
    Mutation("drop boundaries", drop_boundaries, keeps_text=True),
    Mutation("alter boundaries", alter_boundaries, keeps_text=True),
    Mutation("duplicate headers", duplicate_headers, keeps_text=False),  # a second Content-Type may win
    Mutation("stray 8-bit bytes", stray_8bit, keeps_text=False),
    Mutation("NUL and bare CR", nul_and_bare_cr, keeps_text=False),
    Mutation("nest deeper", nest_deeper, keeps_text=True),
    Mutation("huge header line", huge_header, keeps_text=True),
    Mutation("LF only", lf_only, keeps_text=True),
]
ROUNDS = 3  # each mutation a few times per seed, with different random choices: 8 x 9 x 3 = 216 cases

CASES = [
    pytest.param(seed, mutation, RANDOM.randrange(2**32), id=f"{Path(seed).stem}-{mutation.name}-{n}")
    for seed in SEEDS
    for mutation in MUTATIONS
    for n in range(ROUNDS)
]


def mutated(seed: str, mutation: Mutation, case_seed: int) -> bytes:
    raw = (CORPUS / seed).read_bytes()
    raw = mutation.apply(raw, random.Random(case_seed))
    # Its own sender and Message-ID first, so that each case is a new ticket of its own (the
    # fixture's own From and Message-ID follow, as a duplicate header would).
    return f"From: Case <case-{case_seed}@customer.example>\r\nMessage-ID: <{case_seed}@mutated>\r\n".encode() + raw


def words(text: str) -> set[str]:
    return set(re.findall(r"\w{4,}", text.lower()))


@pytest.fixture(scope="module")
def desk() -> Desk:
    return Desk()


@pytest.mark.parametrize(("seed", "mutation", "case_seed"), CASES)
def test_a_mutated_mail_is_a_ticket_with_readable_text(desk, seed, mutation, case_seed):
    raw = mutated(seed, mutation, case_seed)
    ingested = receive_raw(desk, raw)
    assert ingested.outcome == "ticketed", ingested
    ticket = desk.tickets.get(str(ingested.ticket_id))
    [message] = desk.tickets.messages(ticket.id, after_seq=0, limit=10)[1]
    for text in (message.body, ticket.subject, *(a.filename for a in message.attachments)):
        text.encode("utf-8")  # valid Unicode: no lone surrogates from undecodable bytes
    assert "\x00" not in message.body
    original = parse_mail((CORPUS / seed).read_bytes())
    if mutation.keeps_text and words(original.text):
        # Most of the words of the mail (visible text drops quoted history, so compare with it).
        expected = words(desk.mail._text(original))
        assert len(expected & words(desk.mail.message_text(message))) >= 0.8 * len(expected)


def receive_raw(desk: Desk, raw: bytes):
    """As ``Desk.receive``, for bytes that are not a well-formed message."""
    desk._received += 1
    ses_id = f"mutated-{desk._received:06d}"
    key = f"mail/inbound/{ses_id}"
    desk.files.put_bytes(key, raw, "message/rfc822")
    ingested = desk.mail.ingest(key, recipients=[Desk.SUPPORT], ses_message_id=ses_id)
    desk.deliver()
    return ingested


def test_the_mutations_change_the_mail():
    """A mutation that left the mail as it was would test nothing."""
    for seed in SEEDS:
        raw = (CORPUS / seed).read_bytes()
        for mutation in MUTATIONS:
            changed = [mutation.apply(raw, random.Random(n)) != raw for n in range(3)]
            if mutation.name in ("drop boundaries", "alter boundaries", "nest deeper") and b"oundary" not in raw:
                continue
            if mutation.name == "LF only" and b"\r\n" not in raw:
                continue
            assert any(changed), (seed, mutation.name)


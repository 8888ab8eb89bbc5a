"""The DNS records the console lists for the support domain, from SES v2's GetEmailIdentity
answer (the shape botocore's sesv2 model gives; the one call the functions may make)."""

from __future__ import annotations

from chalicelib.domain.sending import MISSING, PRESENT, UNCHECKED, domain_verified, sending_records


def test_dkim_and_mail_from_records_come_from_one_get_email_identity_answer() -> None:
    answer = {
        "IdentityType": "DOMAIN",
        "VerificationStatus": "SUCCESS",
        "DkimAttributes": {"SigningEnabled": True, "Status": "SUCCESS", "Tokens": ["tok1", "tok2", "tok3"]},
        "MailFromAttributes": {"MailFromDomain": "bounce.shop.example", "MailFromDomainStatus": "PENDING",
                               "BehaviorOnMxFailure": "USE_DEFAULT_VALUE"},
    }
    records = {(r.type, r.name): r for r in sending_records("shop.example", "eu-west-1", answer)}
    assert domain_verified(answer)
    assert [(n, r.value, r.status) for (t, n), r in records.items() if t == "CNAME"] == [
        (f"{t}._domainkey.shop.example", f"{t}.dkim.amazonses.com", PRESENT) for t in ("tok1", "tok2", "tok3")
    ]
    assert records[("MX", "bounce.shop.example")].value == "10 feedback-smtp.eu-west-1.amazonses.com"
    assert records[("MX", "bounce.shop.example")].status == MISSING  # SES has not found it yet
    assert records[("TXT", "bounce.shop.example")].status == MISSING
    assert records[("TXT", "_dmarc.shop.example")].status == UNCHECKED


def test_a_domain_ses_does_not_know_needs_every_record() -> None:
    records = sending_records("shop.example", "eu-west-1", {})
    assert not domain_verified({})
    assert {r.status for r in records if r.status != UNCHECKED} == {MISSING}
    assert [r.name for r in records if r.type == "CNAME"] == ["(3 records)._domainkey.shop.example"]

"""What SES knows of the support address's domain: its verification, Easy DKIM and MAIL FROM
status (read only: the deploy starts the verification, ``infra/deploy.py``).

One SES v2 call, ``GetEmailIdentity``: unlike SES v1's ``GetIdentity*Attributes`` (which IAM
authorises on ``*`` only), it is authorised on the identity's ARN, which is all the functions
are granted (``infra/template.py``, ``SES_IDENTITY_READ``)."""

from __future__ import annotations

from typing import Any

from .aws_client import LazyClient


class SesIdentityStatus(LazyClient):
    def identity(self, domain: str) -> dict[str, Any]:
        """SES's ``GetEmailIdentity`` answer for ``domain`` (``VerificationStatus``,
        ``DkimAttributes``, ``MailFromAttributes``); empty when SES does not know the domain."""
        ses = self.client
        try:
            answer = ses.get_email_identity(EmailIdentity=domain)
        except ses.exceptions.NotFoundException:
            return {}
        answer.pop("ResponseMetadata", None)
        return dict(answer)

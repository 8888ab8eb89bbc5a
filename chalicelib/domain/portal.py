"""The customer portal's rules: the web form's spam checks, one-time sign-in links, and the
one mail the portal sends, in the languages the desk speaks.

Spam without a third-party captcha: each form is served with a *form token*, signed by the
desk, that names a ticket id reserved for it and the instant it was served. A submission is
refused when the token is forged, older than ``FORM_MAX_AGE_SECONDS`` or younger than
``FORM_MIN_SECONDS`` (a person takes a moment; a script posts at once), or when the hidden
honeypot field holds anything (people never see it; naive bots fill every field). The reserved
ticket id makes a token good for one ticket: a replayed token meets the ticket it opened.
Per-IP and per-address rate limits do the rest (``config.RATE_LIMITS``: ``portal_*``).

The portal mails only fixed text, a ticket number and a link: whatever an anonymous visitor
types never leaves the desk by mail, so the form cannot be used to send text to anyone.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass

from .phrases import language_or_default

FORM_MIN_SECONDS = 3
FORM_MAX_AGE_SECONDS = 2 * 3600
LINK_SECONDS = 15 * 60  # a sign-in link is good once, for this long
SESSION_SECONDS = 60 * 60  # a signed-in customer's session
FORM_VERSION = "pf1"
_TICKET_ID = re.compile(r"tkt_[0-9a-z]{25}")


@dataclass(frozen=True)
class FormToken:
    ticket_id: str
    issued_at: int  # epoch seconds


def _mac(key: bytes, text: str) -> str:
    digest = hmac.new(key, text.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:24]).decode().rstrip("=")


def form_token(key: bytes, ticket_id: str, issued_at: int) -> str:
    """The token a served form carries: its reserved ticket id and when it was served, signed."""
    body = f"{FORM_VERSION}.{ticket_id}.{issued_at}"
    return f"{body}.{_mac(key, 'portal-form:' + body)}"


def read_form_token(key: bytes, token: str) -> FormToken | None:
    """The form a token names, if the desk signed it; None otherwise."""
    parts = token.split(".")
    if len(parts) != 4 or parts[0] != FORM_VERSION or not _TICKET_ID.fullmatch(parts[1]) or not parts[2].isdigit():
        return None
    body = ".".join(parts[:3])
    if not hmac.compare_digest(parts[3], _mac(key, "portal-form:" + body)):
        return None
    return FormToken(parts[1], int(parts[2]))


def form_refusal(form: FormToken | None, honeypot: str | None, now: int) -> str | None:
    """Why a submission is refused (an error code), or None if it may open a ticket."""
    if form is None:
        return "form_invalid"
    if honeypot:
        return "form_refused"
    if now - form.issued_at > FORM_MAX_AGE_SECONDS:
        return "form_expired"
    if now - form.issued_at < FORM_MIN_SECONDS:
        return "form_too_fast"
    return None


def link_digest(token: str) -> str:
    """What the table keeps of a sign-in link's token: its SHA-256 (the token itself is only
    in the customer's mail)."""
    return hashlib.sha256(token.encode()).hexdigest()


def derived_link_token(key: bytes, seed: str) -> str:
    """A link token that is the same each time for ``seed`` (a retried reaction mails the
    link its first attempt stored), unguessable without the key."""
    digest = hmac.new(key, f"portal-link:{seed}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


class LinkState:
    VALID = "valid"
    USED = "link_used"
    EXPIRED = "link_expired"
    UNKNOWN = "link_invalid"


# ---------------------------------------------------------------- the portal's mail

LINK_SUBJECT: Mapping[str, str] = {
    "en": "Your sign-in link",
    "de": "Ihr Anmeldelink",
    "fr": "Votre lien de connexion",
    "es": "Su enlace de acceso",
    "he": "קישור הכניסה שלך",
    "et": "Teie sisselogimislink",
}
ACK_SUBJECT: Mapping[str, str] = {
    "en": "We have your request #{number}",
    "de": "Wir haben Ihre Anfrage #{number} erhalten",
    "fr": "Nous avons bien reçu votre demande n° {number}",
    "es": "Hemos recibido su solicitud #{number}",
    "he": "קיבלנו את פנייתך מספר {number}",
    "et": "Saime teie pöördumise #{number}",
}
_ACK_LEAD: Mapping[str, str] = {
    "en": "Hello,\n\nWe have your request and opened ticket #{number}. We will answer you soon.\n\n",
    "de": "Hallo,\n\nWir haben Ihre Anfrage erhalten und das Ticket #{number} eröffnet. Wir antworten Ihnen bald.\n\n",
    "fr": "Bonjour,\n\nNous avons bien reçu votre demande et ouvert le ticket n° {number}. "
    "Nous vous répondrons bientôt.\n\n",
    "es": "Hola:\n\nHemos recibido su solicitud y abierto la incidencia #{number}. Le responderemos pronto.\n\n",
    "he": "שלום,\n\nקיבלנו את פנייתך ופתחנו את קריאה מספר {number}. נחזור אליך בקרוב.\n\n",
    "et": "Tere!\n\nSaime teie pöördumise kätte ja avasime pöördumise #{number}. Vastame teile peagi.\n\n",
}
_LINK_BODY: Mapping[str, str] = {
    "en": "To see your requests and answer them, sign in with this link (it works once, for {minutes} "
    "minutes):\n{link}\n\nIf you did not ask for it, ignore this mail.\n\nYour support team\n",
    "de": "Um Ihre Anfragen zu sehen und zu beantworten, melden Sie sich mit diesem Link an (einmal "
    "gültig, {minutes} Minuten lang):\n{link}\n\nWenn Sie ihn nicht angefordert haben, ignorieren Sie "
    "diese E-Mail.\n\nIhr Support-Team\n",
    "fr": "Pour voir vos demandes et y répondre, connectez-vous avec ce lien (valable une fois, pendant "
    "{minutes} minutes) :\n{link}\n\nSi vous ne l'avez pas demandé, ignorez ce message.\n\n"
    "Votre équipe d'assistance\n",
    "es": "Para ver sus solicitudes y responderlas, acceda con este enlace (sirve una vez, durante "
    "{minutes} minutos):\n{link}\n\nSi no lo ha pedido, ignore este correo.\n\nSu equipo de soporte\n",
    "he": "כדי לראות את הפניות שלך ולהשיב עליהן, היכנס/י בקישור הזה (פעם אחת, במשך {minutes} דקות):\n"
    "{link}\n\nאם לא ביקשת אותו, אפשר להתעלם מהמייל הזה.\n\nצוות התמיכה\n",
    "et": "Oma pöördumiste nägemiseks ja neile vastamiseks logige sisse selle lingiga (kehtib üks kord, "
    "{minutes} minutit):\n{link}\n\nKui te seda ei küsinud, jätke see kiri tähelepanuta.\n\n"
    "Teie klienditugi\n",
}


def link_mail(language: str | None, link: str) -> tuple[str, str]:
    """Subject and text of a sign-in link someone asked for: fixed text and the link."""
    language = language_or_default(language)
    return LINK_SUBJECT[language], _LINK_BODY[language].format(link=link, minutes=LINK_SECONDS // 60)


def acknowledgement_mail(language: str | None, number: int, link: str) -> tuple[str, str]:
    """Subject and text of the answer to the web form: fixed text, the ticket's number and a
    sign-in link; never the subject or the words the visitor typed."""
    language = language_or_default(language)
    text = _ACK_LEAD[language].format(number=number) + _LINK_BODY[language].format(
        link=link, minutes=LINK_SECONDS // 60
    )
    return ACK_SUBJECT[language].format(number=number), text

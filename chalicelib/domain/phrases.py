"""What the desk says to customers by itself, in the languages it ships with.

One catalogue, so that adding a language means adding one entry per phrase; a language we
do not have falls back to English rather than to nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

DEFAULT_LANGUAGE = "en"
LANGUAGES = ("en", "de", "fr", "es", "he", "et")
RIGHT_TO_LEFT = frozenset({"he"})

ACKNOWLEDGEMENT: Mapping[str, str] = {
    "en": (
        "Hello,\n\n"
        "We have your message and opened ticket #{number}: {subject}\n"
        "We usually answer {expected}. Reply to this mail to add to it.\n\n"
        "Your support team\n"
    ),
    "de": (
        "Hallo,\n\n"
        "Wir haben Ihre Nachricht erhalten und das Ticket #{number} eröffnet: {subject}\n"
        "Wir antworten in der Regel {expected}. Antworten Sie auf diese E-Mail, um etwas zu ergänzen.\n\n"
        "Ihr Support-Team\n"
    ),
    "fr": (
        "Bonjour,\n\n"
        "Nous avons bien reçu votre message et ouvert le ticket n° {number} : {subject}\n"
        "Nous répondons en général {expected}. Répondez à ce message pour le compléter.\n\n"
        "Votre équipe d'assistance\n"
    ),
    "es": (
        "Hola:\n\n"
        "Hemos recibido su mensaje y abierto la incidencia #{number}: {subject}\n"
        "Solemos responder {expected}. Responda a este correo para añadir información.\n\n"
        "Su equipo de soporte\n"
    ),
    "he": (
        "שלום,\n\n"
        "קיבלנו את פנייתך ופתחנו את קריאה מספר {number}: {subject}\n"
        "בדרך כלל אנו עונים {expected}. אפשר להשיב למייל הזה כדי להוסיף פרטים.\n\n"
        "צוות התמיכה\n"
    ),
    "et": (
        "Tere!\n\n"
        "Saime teie sõnumi kätte ja avasime pöördumise #{number}: {subject}\n"
        "Tavaliselt vastame {expected}. Lisamiseks vastake sellele kirjale.\n\n"
        "Teie klienditugi\n"
    ),
}

# "within N hours" and friends; (one, many) forms, because plurals differ by language.
_WITHIN_MINUTES = {
    "en": ("within a minute", "within {n} minutes"),
    "de": ("innerhalb einer Minute", "innerhalb von {n} Minuten"),
    "fr": ("dans la minute", "dans les {n} minutes"),
    "es": ("en un minuto", "en {n} minutos"),
    "he": ("תוך דקה", "תוך {n} דקות"),
    "et": ("ühe minuti jooksul", "{n} minuti jooksul"),
}
_WITHIN_HOURS = {
    "en": ("within an hour", "within {n} hours"),
    "de": ("innerhalb einer Stunde", "innerhalb von {n} Stunden"),
    "fr": ("dans l'heure", "dans les {n} heures"),
    "es": ("en una hora", "en {n} horas"),
    "he": ("תוך שעה", "תוך {n} שעות"),
    "et": ("ühe tunni jooksul", "{n} tunni jooksul"),
}
_WITHIN_DAYS = {
    "en": ("within a day", "within {n} days"),
    "de": ("innerhalb eines Tages", "innerhalb von {n} Tagen"),
    "fr": ("dans la journée", "dans les {n} jours"),
    "es": ("en un día", "en {n} días"),
    "he": ("תוך יום", "תוך {n} ימים"),
    "et": ("ühe päeva jooksul", "{n} päeva jooksul"),
}


def language_or_default(language: str | None) -> str:
    """The language to answer in: the customer's when we speak it, else the default."""
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


def within(minutes: int, language: str) -> str:
    """A response time as people say it: minutes up to an hour, hours up to two days,
    then days (rounded up: a promise should not be shorter than what we measure)."""
    language = language_or_default(language)
    if minutes <= 60:
        forms, n = _WITHIN_MINUTES, max(1, minutes)
        if minutes == 60:
            forms, n = _WITHIN_HOURS, 1
    elif minutes <= 48 * 60:
        forms, n = _WITHIN_HOURS, -(-minutes // 60)
    else:
        forms, n = _WITHIN_DAYS, -(-minutes // (24 * 60))
    one, many = forms[language]
    return one if n == 1 else many.format(n=n)


def acknowledgement(language: str | None, *, number: int, subject: str, expected_minutes: int) -> str:
    """The text of the automatic answer to a new ticket by mail."""
    language = language_or_default(language)
    return ACKNOWLEDGEMENT[language].format(
        number=number, subject=subject, expected=within(expected_minutes, language)
    )


# Up to three help-center articles an acknowledgement suggests (the knowledge base's search).
ARTICLE_SUGGESTIONS: Mapping[str, str] = {
    "en": "While you wait, these articles may already answer your question:",
    "de": "Während Sie warten: Diese Artikel beantworten Ihre Frage vielleicht schon:",
    "fr": "En attendant, ces articles répondent peut-être déjà à votre question :",
    "es": "Mientras espera, estos artículos quizá ya respondan a su pregunta:",
    "he": "בזמן ההמתנה, ייתכן שהמאמרים האלה כבר עונים על השאלה שלך:",
    "et": "Seni kuni ootad, võivad need artiklid su küsimusele juba vastata:",
}


def article_suggestions(language: str | None, articles: list[tuple[str, str]]) -> str:
    """The acknowledgement's paragraph naming articles: (title, address) each."""
    lines = [ARTICLE_SUGGESTIONS[language_or_default(language)]]
    lines += [f"- {title}: {url}" for title, url in articles]
    return "\n".join(lines)


# ---------------------------------------------------------------- out of hours

OUT_OF_HOURS: Mapping[str, str] = {
    "en": "Thank you for your message. Our team is away right now and back on {when}. "
    "We will answer you then{ticket}.",
    "de": "Danke für Ihre Nachricht. Unser Team ist gerade nicht erreichbar und ab {when} wieder da. "
    "Wir antworten Ihnen dann{ticket}.",
    "fr": "Merci pour votre message. Notre équipe est absente pour le moment et de retour le {when}. "
    "Nous vous répondrons à ce moment-là{ticket}.",
    "es": "Gracias por su mensaje. Nuestro equipo no está disponible ahora y vuelve el {when}. "
    "Le responderemos entonces{ticket}.",
    "he": "תודה על פנייתך. הצוות שלנו אינו זמין כרגע ויחזור ב{when}. נחזור אליך אז{ticket}.",
    "et": "Täname teid sõnumi eest. Meie meeskond on praegu eemal ja tagasi {when}. "
    "Vastame teile siis{ticket}.",
}
_ABOUT_TICKET = {
    "en": " (ticket #{n})", "de": " (Ticket #{n})", "fr": " (ticket n° {n})", "es": " (incidencia #{n})",
    "he": " (קריאה מספר {n})", "et": " (pöördumine #{n})",
}
_WEEKDAYS = {
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "de": ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"),
    "fr": ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
    "es": ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"),
    "he": ("יום שני", "יום שלישי", "יום רביעי", "יום חמישי", "יום שישי", "שבת", "יום ראשון"),
    "et": ("esmaspäeval", "teisipäeval", "kolmapäeval", "neljapäeval", "reedel", "laupäeval", "pühapäeval"),
}
_MONTHS = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"),
    "de": ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
           "Oktober", "November", "Dezember"),
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
           "octobre", "novembre", "décembre"),
    "es": ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
           "octubre", "noviembre", "diciembre"),
    "he": ("בינואר", "בפברואר", "במרץ", "באפריל", "במאי", "ביוני", "ביולי", "באוגוסט", "בספטמבר",
           "באוקטובר", "בנובמבר", "בדצמבר"),
    "et": ("jaanuaril", "veebruaril", "märtsil", "aprillil", "mail", "juunil", "juulil", "augustil",
           "septembril", "oktoobril", "novembril", "detsembril"),
}
# weekday, day, month, time, zone: the order and words each language puts them in.
_WHEN = {
    "en": "{weekday}, {day} {month} at {time} ({zone} time)",
    "de": "{weekday}, {day}. {month}, {time} Uhr ({zone})",
    "fr": "{weekday} {day} {month} à {time} (heure de {zone})",
    "es": "{weekday} {day} de {month} a las {time} (hora de {zone})",
    "he": "{weekday}, {day} {month} בשעה {time} (שעון {zone})",
    "et": "{weekday}, {day}. {month} kell {time} ({zone} aja järgi)",
}


def when(local: datetime, zone: str, language: str | None) -> str:
    """An instant as a person reads it, in their language; ``local`` is already in ``zone``."""
    language = language_or_default(language)
    return _WHEN[language].format(
        weekday=_WEEKDAYS[language][local.weekday()], day=local.day,
        month=_MONTHS[language][local.month - 1], time=local.strftime("%H:%M"), zone=zone,
    )


def out_of_hours(language: str | None, *, opens: datetime, zone: str, ticket_number: int | None = None) -> str:
    """The automatic answer while the team is away: when it is back, in the customer's zone."""
    language = language_or_default(language)
    ticket = _ABOUT_TICKET[language].format(n=ticket_number) if ticket_number is not None else ""
    return OUT_OF_HOURS[language].format(when=when(opens, zone, language), ticket=ticket)

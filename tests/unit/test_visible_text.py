"""Quote headers of the languages the desk promises, in Gmail and Outlook styles."""

from __future__ import annotations

import pytest

from chalicelib.domain.mail.visible import visible_text

QUOTE = "> Hello, my lamp is broken.\n> Regards, Ann"

CASES = {
    "en-gmail": f"Thanks, it works now!\n\nOn Mon, Jan 2, 2023 at 9:41 AM Lamps & Co <support@lamps.example>\nwrote:\n\n{QUOTE}",
    "de-gmail": f"Thanks, it works now!\n\nAm Mo., 2. Jan. 2023 um 09:41 Uhr schrieb Lamps & Co <\nsupport@lamps.example>:\n\n{QUOTE}",
    "fr-gmail": f"Thanks, it works now!\n\nLe lun. 2 janv. 2023 à 09:41, Lamps & Co <support@lamps.example> a\nécrit :\n\n{QUOTE}",
    "es-gmail": f"Thanks, it works now!\n\nEl lun, 2 ene 2023 a las 9:41, Lamps & Co (<support@lamps.example>)\nescribió:\n\n{QUOTE}",
    "he-gmail": f"Thanks, it works now!\n\n\u202bבתאריך יום ב׳, 2 בינו׳ 2023 ב-9:41 מאת Lamps & Co <\u202asupport@lamps.example\u202c>:\u202c\n\n{QUOTE}",
    "he-wrote": f"Thanks, it works now!\n\nLamps & Co כתב/ה:\n{QUOTE}",
    "et-gmail": f"Thanks, it works now!\n\nKuupäeval E, 2. jaanuar 2023 kell 09:41 kirjutas Lamps & Co <\nsupport@lamps.example>:\n\n{QUOTE}",
    "et-outlook": "Thanks, it works now!\n\nSaatja: Lamps & Co <support@lamps.example>\nSaadetud: esmaspäev, 2. jaanuar 2023 9:41\nAdressaat: Ann <ann@example.com>\nTeema: Your lamp\n\nHello, my lamp is broken.",
    "de-outlook": "Thanks, it works now!\n\nVon: Lamps & Co <support@lamps.example>\nGesendet: Montag, 2. Januar 2023 09:41\nAn: Ann <ann@example.com>\nBetreff: Your lamp\n\nHello, my lamp is broken.",
    "fr-outlook": "Thanks, it works now!\n\n________________________________\nDe : Lamps & Co <support@lamps.example>\nEnvoyé : lundi 2 janvier 2023 09:41\nÀ : Ann\nObjet : Your lamp\n\nHello, my lamp is broken.",
    "es-outlook": "Thanks, it works now!\n\nDe: Lamps & Co <support@lamps.example>\nEnviado: lunes, 2 de enero de 2023 9:41\nPara: Ann <ann@example.com>\nAsunto: Your lamp\n\nHello, my lamp is broken.",
    "he-outlook": "Thanks, it works now!\n\nמאת: Lamps & Co <support@lamps.example>\nנשלח: יום שני 2 ינואר 2023 09:41\nאל: Ann <ann@example.com>\nנושא: Your lamp\n\nHello, my lamp is broken.",
    "en-outlook-original": "Thanks, it works now!\n\n-----Original Message-----\nFrom: Lamps & Co\nHello, my lamp is broken.",
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_quoted_history_is_left_out(name):
    assert visible_text(CASES[name]) == "Thanks, it works now!"


def test_a_reply_with_nothing_quoted_is_kept_whole():
    text = "Hi,\n\nThe lamp arrived at 10:30 today: thank you.\nOne question: does it take LED bulbs?\n\nAnn"
    assert visible_text(text) == text


def test_device_signatures_and_dash_signatures_are_left_out():
    assert visible_text("See you then.\n\nVon meinem iPhone gesendet") == "See you then."
    assert visible_text("See you then.\n\n-- \nAnn Example\nLamps fan") == "See you then."
    assert visible_text("Saadetud minu iPhone'ist\n\nTere!") == "Saadetud minu iPhone'ist\n\nTere!"

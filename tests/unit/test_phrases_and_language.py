"""What the desk says by itself, and in which language."""

from __future__ import annotations

import pytest

from chalicelib.adapters.language import detect_language, primary_tag
from chalicelib.domain.phrases import ACKNOWLEDGEMENT, LANGUAGES, acknowledgement, within


@pytest.mark.parametrize(
    ("minutes", "language", "said"),
    [
        (1, "en", "within a minute"),
        (30, "en", "within 30 minutes"),
        (60, "en", "within an hour"),
        (61, "en", "within 2 hours"),  # rounded up: never promise less than we measure
        (24 * 60, "de", "innerhalb von 24 Stunden"),
        (48 * 60 + 1, "fr", "dans les 3 jours"),
        (60, "he", "תוך שעה"),
        (3 * 24 * 60, "et", "3 päeva jooksul"),
        (90, "xx", "within 2 hours"),  # a language we do not ship: English
    ],
)
def test_response_times_read_as_people_say_them(minutes, language, said):
    assert within(minutes, language) == said


def test_every_language_has_every_phrase_with_the_same_placeholders():
    assert set(ACKNOWLEDGEMENT) == set(LANGUAGES)
    for language in LANGUAGES:
        text = acknowledgement(language, number=1042, subject="Lamp", expected_minutes=120)
        assert "1042" in text and "Lamp" in text and "{" not in text


def test_an_unknown_or_missing_language_gets_english():
    assert acknowledgement(None, number=7, subject="S", expected_minutes=60).startswith("Hello,")
    assert acknowledgement("pl", number=7, subject="S", expected_minutes=60).startswith("Hello,")


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Hallo, meine Bestellung ist noch nicht angekommen. Können Sie bitte nachsehen?", "de"),
        ("Bonjour, ma commande n'est toujours pas arrivée, pouvez-vous vérifier ?", "fr"),
        ("Hola, mi pedido todavía no ha llegado, ¿pueden revisarlo por favor?", "es"),
        ("שלום, ההזמנה שלי עדיין לא הגיעה, אפשר לבדוק?", "he"),  # CLD2 says "iw"
        ("Tere, minu tellimus pole veel kohale jõudnud, kas saaksite palun kontrollida?", "et"),
        ("Hi, my order has not arrived yet, could you please check where it is?", "en"),
    ],
)
def test_languages_are_detected_from_a_few_sentences(text, language):
    assert detect_language(text) == language


def test_a_text_too_short_to_tell_falls_back_to_the_declared_language_or_none():
    assert detect_language("Arve on vale") is None
    assert detect_language("Arve on vale", "et-EE") == "et"
    assert detect_language("ok", "iw") == "he"
    assert detect_language("", "not a tag!") is None


def test_text_that_is_not_valid_unicode_does_not_break_detection():
    assert detect_language("\udcff\udcfe" * 50 + " thanks") is None


@pytest.mark.parametrize(
    ("tag", "primary"),
    [("de-AT", "de"), ("fr, en;q=0.5", "fr"), ("EN_gb", "en"), ("", None), (None, None), ("1234", None)],
)
def test_language_tags_reduce_to_their_primary_subtag(tag, primary):
    assert primary_tag(tag) == primary

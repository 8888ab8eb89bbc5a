"""The FAQ bot of live chat: while a conversation has no person yet, it may answer from the
knowledge base, when its best article matches the question confidently, in the customer's
language; it always says it is a bot and offers a person. Hand-off is a state of the
conversation (``Ticket.bot``), never a guess from its messages (docs/knowledge-base.md).

Pure: the standard library only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

# Ticket.bot: None when the bot never had the conversation (off, no knowledge base, another
# channel); ACTIVE while it may answer; HANDED_OFF once a person has it (asked for, the bot had
# no answer, or an agent wrote); ENDED when solved while the bot had it: a customer who
# reopens it gets a person, never the bot again.
ACTIVE, HANDED_OFF, ENDED = "active", "handed_off", "ended"
STATES = (ACTIVE, HANDED_OFF, ENDED)

# The bot answers when its best article matched at least this share of the question's weight
# (``Hit.coverage``). Chosen, not guessed: ``choose_threshold`` over the tuning (dev) questions
# of tests/fixtures/kb, the lowest value at which the bot's answers were right (the right
# article among those it shows) at least TARGET_PRECISION of the time;
# tests/unit/test_kb_bot_threshold.py checks this number is what that choice gives, and
# reports how the held-out questions fare with it.
THRESHOLD = 0.55
TARGET_PRECISION = 0.9
GRID = tuple(round(0.05 * n, 2) for n in range(4, 19))  # 0.20 ... 0.90
MAX_ARTICLES = 3  # an answer shows the best article and up to two more that score close
CLOSE_SCORE = 0.6  # another article is shown when it scores this share of the best one's


@dataclass(frozen=True)
class Sample:
    """A question asked of the knowledge base: the best hit's coverage, and whether the
    articles the bot would show include a right one (False for a question no article answers)."""

    coverage: float
    right: bool


def choose_threshold(samples: Iterable[Sample], target: float = TARGET_PRECISION,
                     grid: Sequence[float] = GRID) -> float:
    """The lowest threshold whose answers are right at least ``target`` of the time (and that
    answers at least one question); the highest of the grid if none is."""
    found = list(samples)
    for threshold in grid:
        answered = [s for s in found if s.coverage >= threshold]
        if answered and sum(s.right for s in answered) / len(answered) >= target:
            return threshold
    return grid[-1]


def confident(coverage: float) -> bool:
    return coverage >= THRESHOLD


def shown(scores: Sequence[float]) -> int:
    """How many of the best hits (by score, best first) an answer shows."""
    if not scores:
        return 0
    return 1 + sum(1 for s in scores[1:MAX_ARTICLES] if s >= CLOSE_SCORE * scores[0])


PHRASES: Mapping[str, Mapping[str, str]] = {
    "en": {
        "name": "{business} assistant",
        "answer": "I'm the automated assistant. This article may answer your question:",
        "answer_more": "I'm the automated assistant. These articles may answer your question:",
        "handoff": "I've passed your conversation to our team. A person will answer here.",
        "handoff_no_answer": "I don't have an answer to that, so I've passed your conversation to our team. "
                             "A person will answer here.",
    },
    "de": {
        "name": "{business} Assistent",
        "answer": "Ich bin der automatische Assistent. Dieser Artikel beantwortet Ihre Frage vielleicht:",
        "answer_more": "Ich bin der automatische Assistent. Diese Artikel beantworten Ihre Frage vielleicht:",
        "handoff": "Ich habe Ihr Gespräch an unser Team übergeben. Ein Mensch antwortet Ihnen hier.",
        "handoff_no_answer": "Darauf habe ich keine Antwort, deshalb habe ich Ihr Gespräch an unser Team "
                             "übergeben. Ein Mensch antwortet Ihnen hier.",
    },
    "fr": {
        "name": "Assistant {business}",
        "answer": "Je suis l'assistant automatique. Cet article répond peut-être à votre question :",
        "answer_more": "Je suis l'assistant automatique. Ces articles répondent peut-être à votre question :",
        "handoff": "J'ai transmis votre conversation à notre équipe. Une personne vous répondra ici.",
        "handoff_no_answer": "Je n'ai pas de réponse à cela, j'ai donc transmis votre conversation à notre "
                             "équipe. Une personne vous répondra ici.",
    },
    "es": {
        "name": "Asistente de {business}",
        "answer": "Soy el asistente automático. Este artículo puede responder a tu pregunta:",
        "answer_more": "Soy el asistente automático. Estos artículos pueden responder a tu pregunta:",
        "handoff": "He pasado tu conversación a nuestro equipo. Una persona te responderá aquí.",
        "handoff_no_answer": "No tengo respuesta para eso, así que he pasado tu conversación a nuestro "
                             "equipo. Una persona te responderá aquí.",
    },
    "he": {
        "name": "העוזר של {business}",
        "answer": "אני העוזר האוטומטי. ייתכן שהמאמר הזה עונה על השאלה שלך:",
        "answer_more": "אני העוזר האוטומטי. ייתכן שהמאמרים האלה עונים על השאלה שלך:",
        "handoff": "העברתי את השיחה לצוות שלנו. נציג ישיב לך כאן.",
        "handoff_no_answer": "אין לי תשובה לזה, ולכן העברתי את השיחה לצוות שלנו. נציג ישיב לך כאן.",
    },
    "et": {
        "name": "{business} assistent",
        "answer": "Olen automaatne assistent. See artikkel võib su küsimusele vastata:",
        "answer_more": "Olen automaatne assistent. Need artiklid võivad su küsimusele vastata:",
        "handoff": "Andsin vestluse üle meie meeskonnale. Inimene vastab sulle siin.",
        "handoff_no_answer": "Mul pole sellele vastust, seega andsin vestluse üle meie meeskonnale. "
                             "Inimene vastab sulle siin.",
    },
}


def phrase(language: str | None, name: str, **values: str) -> str:
    text = (PHRASES.get(language or "en") or PHRASES["en"])[name]
    return text.format(**values) if values else text

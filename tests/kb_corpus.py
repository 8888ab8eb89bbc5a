"""The test knowledge base (tests/fixtures/kb: 40 articles of a lamp shop in four languages,
and questions written without sight of them) and how well search answers the questions."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures" / "kb"
LOCALES = ("en", "de", "es", "he")
TOP = 3  # the right article must be among the first three


def articles(locale: str) -> dict:
    return json.loads((FIXTURES / f"articles-{locale}.json").read_text())


def questions(locale: str) -> dict:
    return json.loads((FIXTURES / f"questions-{locale}.json").read_text())


def indexed(locales=LOCALES):
    """The fixtures' articles as the index takes them (Markdown rendered, as on publish)."""
    from chalicelib.adapters.markdown import render
    from chalicelib.domain.kb import IndexedArticle, plain_text

    found = []
    for locale in locales:
        data = articles(locale)
        for a in data["articles"]:
            found.append(IndexedArticle(
                a["slug"], locale, a["title"], a["category"], data["categories"][a["category"]],
                tuple(a["keywords"]), plain_text(render(a["body"])), f"/help/{locale}/{a['slug']}"))
    return found


@dataclass
class Score:
    asked: int
    found: int
    misses: list

    @property
    def share(self) -> float:
        return self.found / self.asked if self.asked else 0.0


def evaluate(index, locale: str, which: str) -> Score:
    """How many of the covered questions of set ``which`` (dev, test) have a right article in
    the first ``TOP`` results."""
    asked = [q for q in questions(locale)["covered"] if q["set"] == which]
    misses = []
    for q in asked:
        hits = [h.slug for h in index.search(q["q"], locale, limit=TOP)]
        if not set(hits) & set(q["slugs"]):
            misses.append((q["q"], q["slugs"], hits))
    return Score(len(asked), len(asked) - len(misses), misses)

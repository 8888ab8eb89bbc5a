"""Which language a customer writes in, with Google's Compact Language Detector 2 (pycld2):
a compiled model that answers in microseconds and loads nothing at import, so it costs the
mail function no cold-start time worth measuring.

Short texts ("Thanks!") are often ambiguous; CLD2 says so, and then we fall back to what the
mail declares (Content-Language) or to nothing, so the caller uses the desk's default
language rather than a guess."""

from __future__ import annotations

import re

import pycld2

# CLD2 still uses some pre-2005 ISO 639 codes.
_OLD_CODES = {"iw": "he", "in": "id", "jw": "jv", "zh-Hant": "zh", "tl": "fil"}
_TAG = re.compile(r"^\s*([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)*\s*$")
MIN_LETTERS = 12  # below this CLD2 guesses; a short "Danke!" is left to the declared language


def detect_language(text: str, declared: str | None = None) -> str | None:
    """The ISO 639-1 code of the language ``text`` is written in, or ``declared`` (a BCP 47
    tag such as ``de-AT``, reduced to ``de``) when the text alone does not tell; None when
    neither does."""
    sample = "".join(ch for ch in text[:4000] if ch.isprintable() or ch in "\n\t")
    if sum(ch.isalpha() for ch in sample) >= MIN_LETTERS:
        try:
            reliable, _, details = pycld2.detect(sample, bestEffort=False)
        except pycld2.error:  # invalid UTF-8 inside; nothing to learn from it
            reliable, details = False, ()
        if reliable and details and details[0][1] != "un":
            code = details[0][1]
            return _OLD_CODES.get(code, code).split("-")[0]
    return primary_tag(declared)


def primary_tag(tag: str | None) -> str | None:
    """``de-AT`` -> ``de``; the first of a list (``fr, en``); None for anything else."""
    if not tag:
        return None
    match = _TAG.match(tag.split(",")[0])
    if not match:
        return None
    code = match.group(1).lower()
    return _OLD_CODES.get(code, code)

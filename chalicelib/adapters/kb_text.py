"""How the knowledge base's words become search terms, per language (docs/knowledge-base.md).

A word is lower-cased (``casefold``), stemmed with the language's Snowball stemmer
(``snowballstemmer``: "Rücksendungen" and "Rücksendung" are one term) and then folded
(accents off, so that a reader who types "devolucion" finds "devolución"). Hebrew has no
Snowball stemmer: its words lose their vowel points and a plural or feminine ending, and the
one-letter prefixes (ו ה ב ל מ ש כ, "and the", "in the" ...) are tried off as *variants*
(``variants``), which the index keeps in a column of their own with a lower weight, because
stripping them blindly would turn "מנורה" (lamp) into "נורה" (bulb).
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache
from typing import Any

# The Snowball stemmers of the languages the desk speaks (locale -> snowballstemmer module).
STEMMERS = {
    "en": ("english_stemmer", "EnglishStemmer"),
    "de": ("german_stemmer", "GermanStemmer"),
    "es": ("spanish_stemmer", "SpanishStemmer"),
    "fr": ("french_stemmer", "FrenchStemmer"),
    "it": ("italian_stemmer", "ItalianStemmer"),
    "pt": ("portuguese_stemmer", "PortugueseStemmer"),
    "nl": ("dutch_stemmer", "DutchStemmer"),
    "sv": ("swedish_stemmer", "SwedishStemmer"),
    "da": ("danish_stemmer", "DanishStemmer"),
    "no": ("norwegian_stemmer", "NorwegianStemmer"),
    "fi": ("finnish_stemmer", "FinnishStemmer"),
    "pl": ("polish_stemmer", "PolishStemmer"),
    "ru": ("russian_stemmer", "RussianStemmer"),
    "tr": ("turkish_stemmer", "TurkishStemmer"),
    "ar": ("arabic_stemmer", "ArabicStemmer"),
}
_WORD = re.compile(r"\w+")
_HEBREW = re.compile(r"[\u05d0-\u05ea]")
_HEBREW_FINALS = str.maketrans("ךםןףץ", "כמנפצ")
_HEBREW_PREFIXES = ("וכש", "ושה", "וכ", "וה", "וב", "ול", "ומ", "וש", "שה", "שב", "של", "כש", "לכ", "מה", "בה",
                    "ו", "ה", "ב", "ל", "מ", "ש", "כ")
_HEBREW_SUFFIXES = ("יות", "ים", "ות", "ה", "ת")
MIN_STRIPPED = 3  # a Hebrew word keeps at least this many letters when a prefix comes off


@cache
def _stemmer(locale: str) -> Any:
    name = STEMMERS.get(locale)
    if name is None:
        return None
    import importlib

    module = importlib.import_module(f"snowballstemmer.{name[0]}")  # one language, not all 30
    return getattr(module, name[1])()


def fold(text: str) -> str:
    """Without accents or vowel points: ``é`` is ``e``, ``ß`` is ``ss``; Hebrew final letters
    as their usual forms."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).translate(_HEBREW_FINALS)


def words(text: str) -> list[str]:
    """The words of ``text`` in order, lower case (digits and letters: "E27" is one word)."""
    return [w for w in _WORD.findall(text.casefold().replace("_", " "))]


def _hebrew_stem(word: str) -> str:
    for suffix in _HEBREW_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= MIN_STRIPPED:
            return word[: -len(suffix)]
    return word


@lru_cache(maxsize=200_000)  # a knowledge base repeats its words: a build stems each once, not each time
def stem(word: str, locale: str) -> str:
    """One lower-case word as a term of ``locale``."""
    if _HEBREW.match(word):
        return _hebrew_stem(fold(word))
    stemmer = _stemmer(locale)
    return fold(stemmer.stemWord(word) if stemmer is not None else word)


def terms(text: str, locale: str) -> list[str]:
    """The terms of ``text`` in order (a word as it is matched)."""
    return [stem(w, locale) for w in words(text)]


def has_variants(word: str) -> bool:
    """Whether a word's script reads prefixes into words (Hebrew): such words also go into
    the index's low-weight column, where a query's variants find them."""
    return bool(_HEBREW.match(word))


def variants(word: str) -> list[str]:
    """Other readings of a word: a Hebrew word without its prefix letters ("והמשלוח" ->
    "המשלוח", "משלוח"), each stemmed. Empty for other scripts."""
    if not _HEBREW.match(word):
        return []
    folded = fold(word)
    found: dict[str, None] = {}
    for prefix in _HEBREW_PREFIXES:
        if folded.startswith(prefix) and len(folded) - len(prefix) >= MIN_STRIPPED:
            found.setdefault(_hebrew_stem(folded[len(prefix):]), None)
    found.pop(_hebrew_stem(folded), None)
    return list(found)


def edits1(term: str, alphabet: str) -> set[str]:
    """Every string one edit from ``term`` (a letter deleted, swapped with the next, replaced
    or inserted), over the letters of ``alphabet``: the candidates for a typo's correction."""
    splits = [(term[:i], term[i:]) for i in range(len(term) + 1)]
    deletes = {a + b[1:] for a, b in splits if b}
    swaps = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    replaces = {a + c + b[1:] for a, b in splits if b for c in alphabet}
    inserts = {a + c + b for a, b in splits for c in alphabet}
    return (deletes | swaps | replaces | inserts) - {term}

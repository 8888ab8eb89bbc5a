"""Search terms: how text is cut into the keys of the search index, and what a query asks for.

The index (``docs/search.md``) holds one entry per (term, ticket): a term is a normalised word
(lower case, accents folded, letters and digits only) or a prefix of one, so that "lamp",
"lamps" and "lampshade" are all found by typing "lam". A query is a ticket number, an e-mail
address, or words, each matched as a prefix; a ticket matches words when it has all of them.
Pure: the standard library only.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

MIN_PREFIX = 3  # shorter prefixes match too much to be worth an index entry
MAX_PREFIX = 10  # longer words are indexed and matched by their first ten characters
MAX_TERMS_PER_TEXT = 600  # a long mail indexes its first words, not a dictionary's worth
MAX_QUERY_WORDS = 5
# Words too common to narrow anything down, in the desk's languages: never indexed or asked.
STOP_WORDS = frozenset(
    "the and for you your with this that are was have has not but can our from will all any had "
    "hello thanks thank regards best dear please hi "
    "der die das und ist ich sie mit den ein eine nicht auf für von zu "
    "les des une est pour pas que qui dans sur avec vous "
    "los las una por para con que del "
    "ja ei see on et".split()
)

_WORD = re.compile(r"[0-9a-z]+")
_NUMBER = re.compile(r"#?([1-9][0-9]{0,11})")
_EMAIL = re.compile(r"[^\s@<>()]+@[^\s@<>()]+\.[^\s@<>()]+")


def fold(text: str) -> str:
    """Lower case without accents: ``Café`` and ``cafe`` are one term; ``ß`` is ``ss``."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    """The distinct normalised words of ``text``, in order of first appearance (stop words and
    single characters left out)."""
    seen: dict[str, None] = {}
    for word in _WORD.findall(fold(text)):
        if len(word) > 1 and word not in STOP_WORDS:
            seen.setdefault(word[:MAX_PREFIX], None)
    return list(seen)


def index_terms(texts: Iterable[str]) -> set[str]:
    """The index keys of some texts: each word and its prefixes from ``MIN_PREFIX`` characters
    (a two-letter word is a term of its own), at most ``MAX_TERMS_PER_TEXT`` words per text."""
    terms: set[str] = set()
    for text in texts:
        for word in words(text)[:MAX_TERMS_PER_TEXT]:
            terms.add(word)
            terms.update(word[:n] for n in range(MIN_PREFIX, len(word)))
    return terms


def address_texts(email: str | None, name: str | None) -> list[str]:
    """What of a customer is searchable on their tickets: the name, the address whole and
    split at ``@`` and dots (``ann``, ``example``)."""
    texts = [name or ""]
    if email:
        texts.append(email.replace("@", " ").replace(".", " ").replace("+", " "))
    return texts


@dataclass(frozen=True)
class Query:
    """What a search asks for: exactly one of a ticket number, an address, or words."""

    number: int | None = None
    email: str | None = None
    words: tuple[str, ...] = ()


def parse_query(text: str) -> Query:
    """``#1001`` or ``1001`` is a number, ``ann@example.com`` an address, anything else words
    (a word shorter than ``MIN_PREFIX`` is only matched whole)."""
    text = text.strip()
    if match := _NUMBER.fullmatch(text):
        return Query(number=int(match.group(1)))
    if _EMAIL.fullmatch(text):
        return Query(email=text.lower())
    return Query(words=tuple(words(text)[:MAX_QUERY_WORDS]))

"""The knowledge base's search index: one SQLite database (FTS5, from the standard library),
built whole from the published articles when one is published, stored in S3 and loaded by a
function instance into memory (docs/knowledge-base.md).

Ranking is FTS5's BM25 with field weights (title 3, keywords 2.8, category 1.5, body 1: as
Zendesk's help center; the Hebrew prefix variants 0.5). SQLite cannot run Python tokenizers,
so the text is cut into terms here (``kb_text``: stemmed, accents folded) and the FTS tables
hold those terms, separated by spaces. Each language has its own table, holding its articles
and, for an article not translated into it, the default language's version (the fallback).
A query word that is not in a table's vocabulary is corrected to the words one edit away
(a typo); the last word of a query typed in the widget also matches as a prefix.
"""

from __future__ import annotations

import json
import math
import re
import sqlite3
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ..domain.kb import Category, Hit, IndexedArticle
from . import kb_text

WEIGHTS = (3.0, 2.8, 1.5, 1.0, 0.5)  # title, keywords, category, body, alt (bm25 column weights)
COLUMNS = ("title", "keywords", "category", "body", "alt")
MAX_QUERY_WORDS = 12
MIN_TYPO_LENGTH = 4  # a shorter word is not corrected: too many words are one edit from it
COMMON_SHARE = 0.5  # a term in more than this share of a language's articles narrows nothing
SNIPPET_CHARS = 180
PAD = "\u02ac\u02ac"  # the padding rows' one word (a letter no language here writes twice)
PAD_ROWID = 10**15  # the padding rows' ids: no article has one this high
MIN_PADS = 20
FORMAT = 1  # the layout below; an index of another format is rebuilt, not read


@dataclass
class _Table:
    name: str
    size: int  # articles
    vocab: dict[str, int] = field(default_factory=dict)  # term -> articles having it
    surface: dict[str, str] = field(default_factory=dict)  # folded word -> its term
    alphabet: str = ""


def build(articles: Iterable[IndexedArticle], default_locale: str, categories: Iterable[Category] = ()) -> bytes:
    """The index of these articles (and the categories' names, for the help center's pages),
    compressed (zlib): what is stored in S3."""
    db = sqlite3.connect(":memory:")
    db.executescript(
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);"
        "CREATE TABLE docs (id INTEGER PRIMARY KEY, slug TEXT, locale TEXT, title TEXT, url TEXT, text TEXT, "
        "category TEXT, category_name TEXT);"
        "CREATE TABLE tables (locale TEXT PRIMARY KEY, name TEXT, size INTEGER);"
        "CREATE TABLE words (tbl TEXT, word TEXT, term TEXT, PRIMARY KEY (tbl, word)) WITHOUT ROWID;"
        "CREATE TABLE categories (slug TEXT PRIMARY KEY, names TEXT, position INTEGER);"
    )
    db.executemany("INSERT INTO categories VALUES (?, ?, ?)",
                   [(c.slug, json.dumps(c.names, ensure_ascii=False), c.position) for c in categories])
    by_locale: dict[str, dict[str, IndexedArticle]] = {}
    for article in articles:
        by_locale.setdefault(article.locale, {})[article.slug] = article
    fallback = by_locale.get(default_locale, {})
    ids: dict[tuple[str, str], int] = {}
    for locale, found in sorted(by_locale.items()):
        for slug, a in sorted(found.items()):
            cursor = db.execute(
                "INSERT INTO docs (slug, locale, title, url, text, category, category_name) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (a.slug, a.locale, a.title, a.url, a.text, a.category, a.category_name))
            ids[(locale, slug)] = int(cursor.lastrowid or 0)
    for n, locale in enumerate(sorted(set(by_locale) | {default_locale})):
        name = f"fts{n}"
        db.execute(f"CREATE VIRTUAL TABLE {name} USING fts5({', '.join(COLUMNS)}, content='', "
                   "tokenize='unicode61 remove_diacritics 0')")
        db.execute(f"CREATE VIRTUAL TABLE {name}_vocab USING fts5vocab({name}, 'row')")
        own = by_locale.get(locale, {})
        members = [(ids[(locale, s)], a) for s, a in own.items()]
        members += [(ids[(default_locale, s)], a) for s, a in fallback.items() if s not in own]
        surface: dict[str, str] = {}
        lengths = [0] * len(COLUMNS)
        for rowid, a in members:
            columns = [_terms(a.title, a.locale, surface), _terms(" ".join(a.keywords), a.locale, surface),
                       _terms(a.category_name, a.locale, surface), _terms(a.text, a.locale, surface),
                       _alternatives(a)]
            db.execute(f"INSERT INTO {name} (rowid, {', '.join(COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?)",
                       (rowid, *columns))
            lengths = [total + column.count(" ") + bool(column) for total, column in zip(lengths, columns, strict=True)]
        # FTS5's BM25 gives a word in half the articles or more an IDF of nothing (log((N - n +
        # 0.5) / (n + 0.5)) <= 0), so in a knowledge base of ten articles "return" in five of them
        # would not count at all. As many padding rows as articles, of the average length and
        # holding no word a query can ask for, make it log((2N - n + 0.5) / (n + 0.5)): positive
        # below every article (Lucene's curve, near enough), lengths' normalisation unchanged.
        pads = max(len(members), MIN_PADS)
        average = [" ".join([PAD] * max(1, round(total / max(1, len(members))))) for total in lengths]
        db.executemany(f"INSERT INTO {name} (rowid, {', '.join(COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?)",
                       [(PAD_ROWID + i, *average) for i in range(pads)])
        db.executemany("INSERT INTO words VALUES (?, ?, ?)", [(name, w, t) for w, t in surface.items()])
        db.execute(f"INSERT INTO {name} ({name}) VALUES ('optimize')")  # one b-tree per table: smaller
        db.execute("INSERT INTO tables VALUES (?, ?, ?)", (locale, name, len(members)))
    db.executemany("INSERT INTO meta VALUES (?, ?)", [("format", str(FORMAT)), ("default_locale", default_locale)])
    db.commit()
    return zlib.compress(db.serialize(), 6)


def _alternatives(article: IndexedArticle) -> str:
    """The low-weight column: a Hebrew word's stem and its readings without prefix letters,
    which a query's own variants match ("והמשלוח" finds "משלוח"); empty for other scripts,
    which have no variants (it would only double the index)."""
    found = []
    for word in kb_text.words(" ".join((article.title, *article.keywords, article.text))):
        if kb_text.has_variants(word):
            found += [kb_text.stem(word, article.locale), *kb_text.variants(word)]
    return " ".join(found)


def _terms(text: str, locale: str, surface: dict[str, str]) -> str:
    found = []
    for word in kb_text.words(text):
        term = kb_text.stem(word, locale)
        surface.setdefault(kb_text.fold(word), term)
        found.append(term)
    return " ".join(found)


class KbIndex:
    """A loaded index: searched in memory, read only (one per function instance)."""

    def __init__(self, data: bytes) -> None:
        self.size_bytes = len(data)
        self._db = sqlite3.connect(":memory:", check_same_thread=False)
        self._db.deserialize(zlib.decompress(data))
        meta = dict(self._db.execute("SELECT key, value FROM meta"))
        if int(meta.get("format", 0)) != FORMAT:
            raise ValueError("the search index is of another format")
        self.default_locale = meta["default_locale"]
        self._tables = {locale: _Table(name, size) for locale, name, size in
                        self._db.execute("SELECT locale, name, size FROM tables")}

    @property
    def locales(self) -> list[str]:
        return sorted(self._tables)

    def articles(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM docs").fetchone()[0])

    def listing(self, locale: str) -> list[IndexedArticle]:
        """The published articles a reader of ``locale`` sees (its own, and the default
        language's where there is no translation), by category and title."""
        table = self._tables.get(locale) or self._tables.get(self.default_locale)
        if table is None:
            return []
        rows = self._db.execute(
            f"SELECT slug, locale, title, category, category_name, url, text FROM docs "
            f"WHERE id IN (SELECT rowid FROM {table.name}) ORDER BY category, title")
        return [IndexedArticle(r[0], r[1], r[2], r[3], r[4], (), r[6], r[5]) for r in rows]

    def categories(self) -> list[Category]:
        return [Category(slug, json.loads(names), int(position)) for slug, names, position in
                self._db.execute("SELECT slug, names, position FROM categories ORDER BY position, slug")]

    def _table(self, locale: str) -> _Table:
        table = self._tables.get(locale) or self._tables[self.default_locale]
        if not table.vocab and table.size:
            table.vocab = dict(self._db.execute(f"SELECT term, doc FROM {table.name}_vocab"))
            table.surface = dict(self._db.execute("SELECT word, term FROM words WHERE tbl = ?", (table.name,)))
            table.alphabet = "".join(sorted({c for term in table.surface for c in term}))
        return table

    def search(self, query: str, locale: str, *, limit: int = 10, prefix: bool = False) -> list[Hit]:
        """The articles answering ``query`` best first, in ``locale`` (or the default language
        where an article is not translated). ``prefix``: the last word is still being typed."""
        table = self._table(locale)
        if not table.size:
            return []
        typed = kb_text.words(query)[:MAX_QUERY_WORDS]
        if not typed:
            return []
        asks = [self._ask(table, word, locale, prefix=prefix and i == len(typed) - 1 and not query[-1:].isspace())
                for i, word in enumerate(typed)]
        asks = _without_common(asks, table)
        wanted = [a for a in asks if a.expression]
        if not wanted:
            return []
        expression = " OR ".join(f"({a.expression})" for a in wanted)
        rows = self._db.execute(
            f"SELECT rowid, -bm25({table.name}, {', '.join(map(str, WEIGHTS))}) AS score FROM {table.name} "
            f"WHERE {table.name} MATCH ? ORDER BY bm25({table.name}, {', '.join(map(str, WEIGHTS))}) LIMIT ?",
            (expression, limit),
        ).fetchall()
        if not rows:
            return []
        rows = [r for r in rows if int(r[0]) < PAD_ROWID]
        if not rows:
            return []
        ids = [int(r[0]) for r in rows]
        matched = {rowid: 0.0 for rowid in ids}
        for ask in wanted:
            marks = ",".join("?" * len(ids))
            for (rowid,) in self._db.execute(
                f"SELECT rowid FROM {table.name} WHERE {table.name} MATCH ? AND rowid IN ({marks})",
                (ask.expression, *ids),
            ):
                matched[int(rowid)] += ask.weight
        total = sum(a.weight for a in asks) or 1.0
        docs = {int(r[0]): r for r in self._db.execute(
            f"SELECT id, slug, locale, title, url, text FROM docs WHERE id IN ({','.join('?' * len(ids))})", ids)}
        wanted_terms = {t for a in wanted for t in a.terms}
        return [
            Hit(docs[rowid][1], docs[rowid][2], docs[rowid][3], docs[rowid][4],
                _snippet(docs[rowid][5], wanted_terms, docs[rowid][2]), round(float(score), 4),
                round(min(1.0, matched[rowid] / total), 4))
            for rowid, score in rows
        ]

    def _ask(self, table: _Table, word: str, locale: str, *, prefix: bool) -> _Ask:
        term = kb_text.stem(word, locale)
        folded = kb_text.fold(word)
        found: set[str] = set()
        if term in table.vocab:
            found.add(term)
        elif folded in table.surface:
            found.add(table.surface[folded])
        elif len(folded) >= MIN_TYPO_LENGTH and not prefix:
            found |= {t for t in kb_text.edits1(term, table.alphabet) if t in table.vocab}
            found |= {table.surface[w] for w in kb_text.edits1(folded, table.alphabet) if w in table.surface}
        alts = [v for v in kb_text.variants(word) if v in table.vocab]
        parts = [" OR ".join(_quoted(t) for t in sorted(found))] if found else []
        if prefix and len(folded) >= 2:
            parts.append(_quoted(folded) + " *")
        expression = ""
        if parts:
            expression = "{title keywords category body} : (" + " OR ".join(parts) + ")"
        if alts:
            expression += (" OR " if expression else "") + "alt : (" + " OR ".join(_quoted(v) for v in alts) + ")"
        df = max([table.vocab.get(t, 0) for t in (*found, *alts)] or [0])
        if prefix and not found:
            df = max(df, 1)
        weight = math.log(1 + (table.size - df + 0.5) / (df + 0.5)) if df else math.log(1 + (table.size + 0.5) / 0.5)
        return _Ask(word, expression, weight, df, (*found, *alts) if found or alts else (term,))


@dataclass(frozen=True)
class _Ask:
    word: str
    expression: str  # FTS5 query for this word; empty if the index has no such word
    weight: float  # its IDF
    df: int
    terms: Sequence[str]


def _without_common(asks: list[_Ask], table: _Table) -> list[_Ask]:
    """A word in most articles ("lamp" at a lamp shop, "how") is left out, unless nothing
    else is asked: it would only match everything."""
    rare = [a for a in asks if a.df <= COMMON_SHARE * table.size]
    return rare if any(a.expression for a in rare) else asks


def _quoted(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


_SENTENCE = re.compile(r"(?<=[.!?:;])\s+|\n+")


def _snippet(text: str, terms: set[str], locale: str) -> str:
    """The sentence of the article with most of the query's terms, shortened."""
    best, best_count = "", -1
    for sentence in _SENTENCE.split(text):
        sentence = sentence.strip()
        if not sentence:
            continue
        count = len(terms & set(kb_text.terms(sentence, locale)))
        if count > best_count:
            best, best_count = sentence, count
    if len(best) > SNIPPET_CHARS:
        best = best[: SNIPPET_CHARS - 1].rsplit(" ", 1)[0] + "…"
    return best


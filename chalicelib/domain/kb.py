"""The knowledge base: articles, one version per language, written by editors and published
to the help center, the widget and the FAQ bot (docs/knowledge-base.md). Pure: the standard
library only."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

SLUG = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?")
LOCALE = re.compile(r"[a-z]{2}")
CATEGORY = SLUG
# Help-center paths that are not articles: an article cannot take these slugs.
RESERVED_SLUGS = frozenset({"search", "categories", "assets", "sitemap"})
DRAFT, PUBLISHED = "draft", "published"
STATUSES = (DRAFT, PUBLISHED)
MAX_KEYWORDS = 20
# Pictures in articles: uploaded by editors straight to the bucket (a pre-signed POST fixes
# the key, the type and the size), shown through the help center's own address.
IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
MAX_IMAGE_BYTES = 5 * 1024 * 1024
IMAGE_ID = re.compile(r"[0-9a-f]{32}")
IMAGE_PREFIX = "kb/images/"
DEFAULT_LOCALE = "en"
# Languages written right to left: their pages say dir="rtl".
RIGHT_TO_LEFT = frozenset({"he", "ar", "fa", "ur", "yi"})


@dataclass(frozen=True)
class Article:
    """One language's version of an article; ``slug`` links the versions as translations."""

    slug: str
    locale: str
    title: str
    body: str  # Markdown, as the editor wrote it
    html: str  # the body rendered and sanitised: what readers get
    category: str
    keywords: tuple[str, ...]
    status: str
    rev: int  # 1 for the first version; each save adds one (revisions keep the older ones)
    updated_at: datetime
    updated_by: str | None  # an agent id
    published_at: datetime | None = None  # when it first became public

    @property
    def published(self) -> bool:
        return self.status == PUBLISHED


@dataclass(frozen=True)
class Revision:
    slug: str
    locale: str
    rev: int
    title: str
    body: str
    category: str
    keywords: tuple[str, ...]
    status: str
    at: datetime
    by: str | None


@dataclass(frozen=True)
class Category:
    slug: str
    names: dict[str, str] = field(default_factory=dict)  # locale -> name
    position: int = 0

    def name(self, locale: str, default_locale: str) -> str:
        return self.names.get(locale) or self.names.get(default_locale) or self.slug.replace("-", " ").capitalize()


@dataclass(frozen=True)
class KbSettings:
    """What admins set for the knowledge base."""

    default_locale: str = DEFAULT_LOCALE
    editors: tuple[str, ...] = ()  # agent ids allowed to write articles (admins always may)
    bot_enabled: bool = True
    name: str = "Help Center"  # the help center's name: the business's
    logo_url: str | None = None
    color: str | None = None  # the brand colour (#rrggbb)


def keywords(values: list[str]) -> tuple[str, ...]:
    """Keywords without blanks or repeats (case-insensitively), in the editor's order."""
    seen: dict[str, str] = {}
    for value in values:
        text = " ".join(value.split())
        if text:
            seen.setdefault(text.casefold(), text)
    return tuple(seen.values())[:MAX_KEYWORDS]


def article_url(locale: str, slug: str) -> str:
    """The article's help-center path (relative to the desk's public base)."""
    return f"/help/{locale}/{slug}"


def plain_text(html: str) -> str:
    """The text of rendered HTML (what search indexes and snippets quote): tags off, entities
    decoded, one line per block."""
    from html import unescape

    blocks = r"p|li|ul|ol|h[1-6]|tr|td|th|table|thead|tbody|pre|blockquote|br|hr|img"
    text = re.sub(rf"<(/?)({blocks})\b[^>]*>", "\n", html, flags=re.I)  # a block: a line of its own
    text = unescape(re.sub(r"<[^>]+>", "", text))  # inline tags (strong, a, code): only their text
    return "\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip())


@dataclass(frozen=True)
class IndexedArticle:
    """What the search index keeps of a published article."""

    slug: str
    locale: str
    title: str
    category: str  # the category's slug
    category_name: str  # its name in the article's language
    keywords: tuple[str, ...]
    text: str  # the body as plain text
    url: str


@dataclass(frozen=True)
class Hit:
    """An article found by a search, best first."""

    slug: str
    locale: str
    title: str
    url: str
    snippet: str
    score: float  # BM25, higher is better
    coverage: float  # the share of the query's weight (IDF) this article matched, 0..1


@dataclass(frozen=True)
class IndexPointer:
    """Which index in the bucket is the current one."""

    version: int  # when its build started reading the articles (ns): a later build read later
    key: str  # its object in the bucket
    digest: str  # of what it was built from (slug, locale, revision of each published version)
    articles: int
    size: int  # bytes, compressed
    built_at: datetime

"""The knowledge base: editors write articles (one version per language), readers find them on
the help center, in the widget and from the FAQ bot (docs/knowledge-base.md).

Search reads an index built whole from the published articles each time one changes (the
stream's ``kb.rebuild_index``), stored in the bucket; the table's ``KB`` / ``#INDEX`` item says
which one is current. A function instance loads it into memory and looks at the pointer again
when it is older than ``check_seconds``, so a publication reaches every instance within that
time, and a new instance at once, without a deploy.
"""

from __future__ import annotations

import builtins
import hashlib
import json
import threading
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from ..domain import kb
from ..domain.errors import NotFoundError, PermissionDeniedError, UnprocessableError
from ..domain.kb import Article, Category, Hit, IndexedArticle, IndexPointer, KbSettings, Revision
from ..domain.people import Principal
from .ports import KbIndexFiles, KbSearchIndex, KbStore, SettingStore

INDEX_PREFIX = "kb/index/"
KEEP_INDEXES = 3  # older ones go: an instance loading one just replaced still finds it
SETTINGS = "kb"


class KnowledgeBase:
    def __init__(
        self,
        store: KbStore,
        files: KbIndexFiles,
        settings: SettingStore,
        *,
        render: Callable[[str], str],
        build_index: Callable[[Sequence[IndexedArticle], str, Sequence[Category]], bytes],
        load_index: Callable[[bytes], KbSearchIndex],
        clock: Callable[[], datetime],
        check_seconds: float = 5.0,
        monotonic: Callable[[], float] = time.monotonic,
        build_clock: Callable[[], int] = time.time_ns,
    ) -> None:
        self.store = store
        self.files = files
        self.setting_store = settings
        self.render = render
        self.build_index = build_index
        self.load_index = load_index
        self.clock = clock
        self.check_seconds = check_seconds
        self.monotonic = monotonic
        self.build_clock = build_clock
        self._lock = threading.Lock()
        self._checked: float | None = None
        self._loaded: tuple[int, KbSearchIndex] | None = None
        self._pointer: tuple[float, IndexPointer | None] | None = None  # (when read, what)
        self._settings: tuple[float, KbSettings] | None = None

    # ------------------------------------------------------------------ settings

    def settings(self) -> KbSettings:
        """What admins set, read again when older than ``check_seconds`` (the bot asks on every
        chat message)."""
        cached = self._settings
        if cached is not None and self.monotonic() - cached[0] < self.check_seconds:
            return cached[1]
        data = self.setting_store.setting(SETTINGS) or {}
        settings = KbSettings(
            default_locale=str(data.get("default_locale") or kb.DEFAULT_LOCALE),
            editors=tuple(data.get("editors") or ()),
            bot_enabled=bool(data.get("bot_enabled", True)),
            name=str(data.get("name") or "Help Center"),
            logo_url=data.get("logo_url") or None,
            color=data.get("color") or None,
        )
        self._settings = (self.monotonic(), settings)
        return settings

    def put_settings(self, data: dict[str, Any]) -> KbSettings:
        """Change what an admin sets (the fields given; the others stay)."""
        current = self.settings()
        merged = {"default_locale": current.default_locale, "editors": list(current.editors),
                  "bot_enabled": current.bot_enabled, "name": current.name, "logo_url": current.logo_url,
                  "color": current.color, **data}
        merged["editors"] = sorted(set(merged["editors"]))
        self.setting_store.put_setting(SETTINGS, merged)
        self._settings = None
        return self.settings()

    def can_edit(self, principal: Principal) -> bool:
        return principal.is_admin or principal.agent_id in self.settings().editors

    def require_editor(self, principal: Principal) -> None:
        if not self.can_edit(principal):
            raise PermissionDeniedError("Only admins and the agents they allow may write articles.",
                                        code="editor_required")

    # ------------------------------------------------------------------ editors

    def put(self, slug: str, locale: str, data: dict[str, Any], by: Principal) -> Article:
        """Save a version of an article (a new revision). ``data["rev"]``, when given, is the
        revision the editor started from: a save in between is a conflict, not lost."""
        self.require_editor(by)
        current = self.store.article(slug, locale)
        expected = int(data["rev"]) if "rev" in data else (current.rev if current else 0)
        now = self.clock()
        status = data.get("status", kb.DRAFT)
        published_at = current.published_at if current else None
        if status == kb.PUBLISHED and published_at is None:
            published_at = now
        article = Article(
            slug=slug, locale=locale, title=" ".join(data["title"].split()), body=data.get("body", ""),
            html=self.render(data.get("body", "")), category=data.get("category") or "general",
            keywords=kb.keywords(data.get("keywords") or []), status=status, rev=expected + 1,
            updated_at=now, updated_by=by.agent_id, published_at=published_at,
        )
        self.store.save(article, expected)
        return article

    def get(self, slug: str, locale: str) -> Article:
        article = self.store.article(slug, locale)
        if article is None:
            raise _not_found(slug, locale)
        return article

    def list(self, *, locale: str | None = None, status: str | None = None) -> builtins.list[Article]:
        """Every article (editors), by slug then language."""
        return sorted(
            (a for a in self.store.articles()
             if (locale is None or a.locale == locale) and (status is None or a.status == status)),
            key=lambda a: (a.slug, a.locale),
        )

    def delete(self, slug: str, locale: str, by: Principal) -> None:
        self.require_editor(by)
        if not self.store.delete(slug, locale):
            raise _not_found(slug, locale)

    def revisions(self, slug: str, locale: str) -> builtins.list[Revision]:
        self.get(slug, locale)
        return self.store.revisions(slug, locale)

    def categories(self) -> builtins.list[Category]:
        return sorted(self.store.categories(), key=lambda c: (c.position, c.slug))

    def put_category(self, slug: str, names: dict[str, str], position: int, by: Principal) -> Category:
        self.require_editor(by)
        category = Category(slug, {k: " ".join(v.split()) for k, v in names.items()}, position)
        self.store.put_category(category, self.clock())
        return category

    def delete_category(self, slug: str, by: Principal) -> None:
        self.require_editor(by)
        if not self.store.delete_category(slug):
            raise NotFoundError(f"No category {slug!r}.", code="category_not_found")

    def image_upload(self, filename: str, content_type: str, by: Principal) -> dict[str, Any]:
        """A pre-signed POST for one picture of an article (editors), and the address the
        article's Markdown names it by (``![...](/help/images/<id>/<name>)``)."""
        import uuid

        from ..domain.chat import safe_filename

        self.require_editor(by)
        if content_type not in kb.IMAGE_TYPES:
            raise UnprocessableError("Pictures are PNG, JPEG, GIF or WebP.", code="image_refused",
                                     details={"allowed": sorted(kb.IMAGE_TYPES)})
        image_id, name = uuid.uuid4().hex, safe_filename(filename).replace(" ", "_")
        post = self.files.presign_upload(f"{kb.IMAGE_PREFIX}{image_id}/{name}", content_type, kb.MAX_IMAGE_BYTES)
        return {"id": image_id, "url": f"/help/images/{image_id}/{name}", "upload": {"url": post["url"],
                "fields": post["fields"]}, "max_bytes": kb.MAX_IMAGE_BYTES}

    def image_view_url(self, image_id: str, filename: str) -> str:
        """Where a picture of an article is read from (a pre-signed link to the bucket)."""
        from ..domain.chat import safe_filename

        if not kb.IMAGE_ID.fullmatch(image_id) or safe_filename(filename).replace(" ", "_") != filename:
            raise NotFoundError("No such picture.", code="image_not_found")
        return self.files.view_url(f"{kb.IMAGE_PREFIX}{image_id}/{filename}")

    # ------------------------------------------------------------------ readers

    def published(self, slug: str, locale: str) -> tuple[Article, builtins.list[str]]:
        """A published article for a reader of ``locale`` (the default language's version when
        it is not translated) and the languages it is published in (one Query)."""
        versions = {a.locale: a for a in self.store.translations(slug) if a.published}
        article = versions.get(locale) or versions.get(self.settings().default_locale)
        if article is None:
            raise _not_found(slug, locale)
        return article, sorted(versions)

    def search(self, query: str, locale: str, *, limit: int = 10, prefix: bool = False) -> builtins.list[Hit]:
        index = self.index()
        return [] if index is None else index.search(query, locale, limit=limit, prefix=prefix)

    def suggestions(self, text: str, locale: str, *, min_coverage: float, limit: int = 3) -> builtins.list[Hit]:
        """Articles that confidently answer ``text`` (what an acknowledgement suggests)."""
        return [h for h in self.search(text[:1000], locale, limit=limit) if h.coverage >= min_coverage]

    def listing(self, locale: str) -> tuple[builtins.list[IndexedArticle], builtins.list[Category]]:
        """What a help center shows in ``locale``: its published articles and the categories."""
        index = self.index()
        return ([], []) if index is None else (index.listing(locale), index.categories())

    def published_count(self) -> int:
        """How many article versions readers can find (the pointer's count: no index loaded)."""
        with self._lock:
            if self._pointer is None or self.monotonic() - self._pointer[0] >= self.check_seconds:
                self._pointer = (self.monotonic(), self.store.index_pointer())
            pointer = self._pointer[1]
        return pointer.articles if pointer is not None else 0

    def index(self) -> KbSearchIndex | None:
        """The current index, loaded once per version (None while nothing is published)."""
        with self._lock:
            if self._checked is not None and self.monotonic() - self._checked < self.check_seconds:
                return self._loaded[1] if self._loaded else None
            self._checked = self.monotonic()
            pointer = self.store.index_pointer()
            if pointer is not None and (self._loaded is None or self._loaded[0] != pointer.version):
                data = self.files.find_bytes(pointer.key)
                if data is not None:
                    self._loaded = (pointer.version, self.load_index(data))
            return self._loaded[1] if self._loaded else None

    # ------------------------------------------------------------------ the stream

    def on_changed(self, event: Any) -> None:
        """An article, a category or the settings changed: build the index again."""
        self.rebuild()

    def rebuild(self) -> IndexPointer | None:
        """Build the index of what is published now and point at it, unless it holds the same
        as the current one (a burst of saves builds once per change that shows). None when a
        build that started later got there first."""
        version = self.build_clock()
        settings = self.settings()
        articles = [a for a in self.store.articles() if a.published]
        categories = self.categories()
        digest = _digest(articles, categories, settings.default_locale)
        current = self.store.index_pointer()
        if current is not None and current.digest == digest:
            return current
        names = {c.slug: c for c in categories}
        indexed = [
            IndexedArticle(
                a.slug, a.locale, a.title, a.category,
                (names.get(a.category) or Category(a.category)).name(a.locale, settings.default_locale),
                a.keywords, kb.plain_text(a.html), kb.article_url(a.locale, a.slug),
            )
            for a in articles
        ]
        data = self.build_index(indexed, settings.default_locale, categories)
        key = f"{INDEX_PREFIX}{version}.sqlite.z"
        self.files.put_bytes(key, data, "application/octet-stream")
        pointer = IndexPointer(version, key, digest, len(indexed), len(data), self.clock())
        if not self.store.set_index_pointer(pointer):
            self.files.delete([key])
            return None
        with self._lock:  # this instance searches the new one at once
            self._loaded, self._checked = (version, self.load_index(data)), self.monotonic()
            self._pointer = (self.monotonic(), pointer)
        stale = sorted(self.files.keys(INDEX_PREFIX), key=_key_version)[:-KEEP_INDEXES]
        if stale:
            self.files.delete(stale)
        return pointer


def _key_version(key: str) -> int:
    try:
        return int(key[len(INDEX_PREFIX):].split(".", 1)[0])
    except ValueError:
        return 0


def _digest(articles: Sequence[Article], categories: Sequence[Category], default_locale: str) -> str:
    parts = sorted((a.slug, a.locale, a.rev) for a in articles)
    cats = [(c.slug, sorted(c.names.items()), c.position) for c in categories]
    return hashlib.sha256(json.dumps([parts, cats, default_locale, 1]).encode()).hexdigest()[:32]


def _not_found(slug: str, locale: str) -> NotFoundError:
    return NotFoundError(f"No article {slug!r} in {locale!r}.", code="article_not_found")


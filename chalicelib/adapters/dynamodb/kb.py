"""The knowledge base in the table: articles, their revisions, categories and the pointer to
the current search index (keys and access patterns in ``models``)."""

from __future__ import annotations

import json
from typing import Any

from pynamodb.exceptions import DeleteError, PutError, TransactWriteError
from pynamodb.transactions import TransactWrite

from ...domain.clock import from_iso, to_iso, utcnow
from ...domain.errors import ConflictError
from ...domain.kb import Article, Category, IndexPointer, Revision
from . import models as m


def _article_sk(slug: str, locale: str) -> str:
    return f"{m.ARTICLE_SK_PREFIX}{slug}#{locale}"


def _revision_pk(slug: str, locale: str) -> str:
    return f"{m.KB_REVISION_PK_PREFIX}{slug}#{locale}"


def _failed_condition(error: Exception) -> bool:
    return getattr(error, "cause_response_code", None) == "ConditionalCheckFailedException"


class DynamoKbStore:
    def article(self, slug: str, locale: str) -> Article | None:
        try:
            return article_from_item(m.ArticleItem.get(m.KB_PK, _article_sk(slug, locale)))
        except m.ArticleItem.DoesNotExist:
            return None

    def translations(self, slug: str) -> list[Article]:
        """Every language's version of one article (one Query)."""
        return [article_from_item(item) for item in
                m.ArticleItem.query(m.KB_PK, m.ArticleItem.sk.startswith(f"{m.ARTICLE_SK_PREFIX}{slug}#"))]

    def articles(self) -> list[Article]:
        """Every article in every language (editors' list, the index build): a Query of the
        ``KB`` partition's articles, read consistently so that a build sees the save that
        caused it."""
        return [article_from_item(item) for item in
                m.ArticleItem.query(m.KB_PK, m.ArticleItem.sk.startswith(m.ARTICLE_SK_PREFIX), consistent_read=True)]

    def save(self, article: Article, expected_rev: int) -> None:
        """Store a version whose previous revision is ``expected_rev`` (0: a new one); a
        ConflictError if someone saved in between. Its revision is kept too."""
        item = m.ArticleItem(m.KB_PK, _article_sk(article.slug, article.locale))
        item.slug, item.locale, item.title, item.body, item.html = (
            article.slug, article.locale, article.title, article.body, article.html)
        item.category, item.status, item.rev = article.category, article.status, article.rev
        item.keywords = json.dumps(list(article.keywords), ensure_ascii=False)
        item.updated_at, item.updated_by = to_iso(article.updated_at), article.updated_by
        item.published_at = to_iso(article.published_at) if article.published_at else None
        condition = (m.ArticleItem.pk.does_not_exist() if expected_rev == 0
                     else m.ArticleItem.rev == expected_rev)
        revision = m.ArticleRevisionItem(_revision_pk(article.slug, article.locale), f"REV#{article.rev:06d}")
        revision.title, revision.body, revision.category = article.title, article.body, article.category
        revision.keywords, revision.status = item.keywords, article.status
        revision.at, revision.by = item.updated_at, article.updated_by
        try:  # one transaction: a save's revision exists exactly when the save does
            with TransactWrite(connection=m.DeskModel._get_connection().connection) as transaction:
                transaction.save(revision, condition=m.ArticleRevisionItem.pk.does_not_exist())
                transaction.save(item, condition=condition)
        except TransactWriteError as error:
            reasons = [r.code for r in error.cancellation_reasons or () if r is not None]
            if "ConditionalCheckFailed" in reasons:
                raise ConflictError("Someone saved this article since you opened it: reload it and save again.",
                                    code="article_changed") from None
            raise

    def delete(self, slug: str, locale: str) -> bool:
        try:
            m.ArticleItem(m.KB_PK, _article_sk(slug, locale)).delete(condition=m.ArticleItem.pk.exists())
        except DeleteError as error:
            if _failed_condition(error):
                return False
            raise
        with m.ArticleRevisionItem.batch_write() as batch:
            for item in m.ArticleRevisionItem.query(_revision_pk(slug, locale)):
                batch.delete(item)
        return True

    def revisions(self, slug: str, locale: str) -> list[Revision]:
        """An article's saved revisions, newest first."""
        return [
            Revision(slug, locale, int(item.sk[4:]), item.title, item.body, item.category,
                     tuple(json.loads(item.keywords or "[]")), item.status, from_iso(item.at), item.by)
            for item in m.ArticleRevisionItem.query(_revision_pk(slug, locale), scan_index_forward=False)
        ]

    def categories(self) -> list[Category]:
        return [_category(item) for item in
                m.ConfigItem.query(m.KB_PK, m.ConfigItem.sk.startswith(m.CATEGORY_SK_PREFIX))]

    def put_category(self, category: Category, at: Any) -> None:
        item = m.ConfigItem(m.KB_PK, m.CATEGORY_SK_PREFIX + category.slug)
        item.data = json.dumps({"names": category.names, "position": category.position}, ensure_ascii=False,
                               sort_keys=True)
        item.updated_at = to_iso(at)
        item.save()

    def delete_category(self, slug: str) -> bool:
        try:
            m.ConfigItem(m.KB_PK, m.CATEGORY_SK_PREFIX + slug).delete(condition=m.ConfigItem.pk.exists())
        except DeleteError as error:
            if _failed_condition(error):
                return False
            raise
        return True

    def setting(self, name: str) -> dict[str, Any] | None:
        """The knowledge base's settings (``KB`` / ``SETTING#kb``: in its partition, so that the
        stream's filter passes their changes to the index build)."""
        try:
            return dict(json.loads(m.ConfigItem.get(m.KB_PK, f"SETTING#{name}").data))
        except m.ConfigItem.DoesNotExist:
            return None

    def put_setting(self, name: str, data: dict[str, Any]) -> None:
        item = m.ConfigItem(m.KB_PK, f"SETTING#{name}")
        item.data = json.dumps(data, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
        item.updated_at = to_iso(utcnow())
        item.save()

    def index_pointer(self) -> IndexPointer | None:
        try:
            item = m.KbIndexItem.get(m.KB_PK, m.KB_INDEX_SK)
        except m.KbIndexItem.DoesNotExist:
            return None
        return IndexPointer(int(item.version), item.key, item.digest, int(item.articles), int(item.size),
                            from_iso(item.built_at))

    def set_index_pointer(self, pointer: IndexPointer) -> bool:
        """Point at a new index unless a build that started later already did (False)."""
        item = m.KbIndexItem(m.KB_PK, m.KB_INDEX_SK)
        item.version, item.key, item.digest = pointer.version, pointer.key, pointer.digest
        item.articles, item.size, item.built_at = pointer.articles, pointer.size, to_iso(pointer.built_at)
        try:
            item.save(condition=m.KbIndexItem.version.does_not_exist() | (m.KbIndexItem.version < pointer.version))
        except PutError as error:
            if _failed_condition(error):
                return False
            raise
        return True


def article_from_item(item: m.ArticleItem) -> Article:
    return Article(
        slug=item.slug, locale=item.locale, title=item.title, body=item.body, html=item.html,
        category=item.category, keywords=tuple(json.loads(item.keywords or "[]")), status=item.status,
        rev=int(item.rev), updated_at=from_iso(item.updated_at), updated_by=item.updated_by,
        published_at=from_iso(item.published_at) if item.published_at else None,
    )


def _category(item: m.ConfigItem) -> Category:
    data = json.loads(item.data)
    return Category(item.sk[len(m.CATEGORY_SK_PREFIX):], dict(data.get("names") or {}), int(data.get("position", 0)))

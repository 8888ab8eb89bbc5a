"""The knowledge base's service over fakes: saving versions and revisions, who may edit, and
the search index's life (built on a change readers would see, skipped when nothing they see
changed, a later build winning, a function instance looking for a new one only every few
seconds)."""

from __future__ import annotations

import pytest

from chalicelib.adapters import kb_index
from chalicelib.adapters.markdown import render
from chalicelib.domain.errors import ConflictError, PermissionDeniedError
from chalicelib.domain.kb import Category
from chalicelib.domain.people import Principal, Role
from chalicelib.services.kb import INDEX_PREFIX, KnowledgeBase
from tests.unit.fakes import FakeClock, FakeDeskConfig, FakeFiles, FakeKbStore

ADMIN = Principal("agt_admin", "admin@example.com", Role.ADMIN)
AGENT = Principal("agt_alex", "alex@example.com", Role.AGENT)


class Ticker:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def knowledge_base(store=None, files=None, monotonic=None, builds=None):
    counter = iter(range(1, 10**6))
    built = builds if builds is not None else []

    def build(articles, default_locale, categories):
        built.append([(a.slug, a.locale) for a in articles])
        return kb_index.build(articles, default_locale, categories)

    return KnowledgeBase(
        store or FakeKbStore(), files or FakeFiles(), FakeDeskConfig(), render=render, build_index=build,
        load_index=kb_index.KbIndex, clock=FakeClock(), check_seconds=5, monotonic=monotonic or Ticker(),
        build_clock=lambda: next(counter),
    )


def article(title="Returning a lamp", body="Send it back within **30 days**.", status="published", **more):
    return {"title": title, "body": body, "category": "returns", "status": status, **more}


def test_a_save_is_a_new_revision_and_a_stale_one_is_refused():
    base = knowledge_base()
    first = base.put("returns", "en", article(status="draft"), ADMIN)
    assert (first.rev, first.published_at) == (1, None)
    assert "<strong>30 days</strong>" in first.html
    second = base.put("returns", "en", article(rev=1), ADMIN)
    assert second.rev == 2 and second.published_at is not None
    with pytest.raises(ConflictError):
        base.put("returns", "en", article(title="Lost?", rev=1), ADMIN)
    assert [r.rev for r in base.revisions("returns", "en")] == [2, 1]
    third = base.put("returns", "en", article(status="draft"), ADMIN)  # unpublished: it keeps its first date
    assert third.published_at == second.published_at


def test_only_admins_and_the_agents_they_allow_write():
    base = knowledge_base()
    with pytest.raises(PermissionDeniedError):
        base.put("returns", "en", article(), AGENT)
    base.put_settings({"editors": [AGENT.agent_id]})
    assert base.can_edit(AGENT)
    assert base.put("returns", "en", article(), AGENT).updated_by == AGENT.agent_id


def test_the_index_is_built_when_readers_would_see_a_change_and_only_then():
    store, builds = FakeKbStore(), []
    base = knowledge_base(store=store, builds=builds)
    base.put("returns", "en", article(), ADMIN)
    base.put("returns", "de", article(title="Rücksendung", body="Innerhalb von 30 Tagen."), ADMIN)
    base.put("secret", "en", article(title="Secret plans", status="draft"), ADMIN)
    first = base.rebuild()
    assert first is not None and first.articles == 2 and builds == [[("returns", "de"), ("returns", "en")]]
    assert base.rebuild() == first and len(builds) == 1  # nothing readers see changed: no build
    assert [h.slug for h in base.search("Rücksendungen", "de")] == ["returns"]
    assert base.search("secret", "en") == []
    base.put_category("returns", {"en": "Returns"}, 1, ADMIN)  # a category's name is on the pages
    assert base.rebuild() != first and len(builds) == 2
    assert base.listing("en")[1] == [Category("returns", {"en": "Returns"}, 1)]


def test_a_build_that_started_earlier_never_replaces_a_later_one_and_old_files_go():
    store, files = FakeKbStore(), FakeFiles()
    base = knowledge_base(store=store, files=files)
    for n in range(5):
        base.put(f"a{n}", "en", article(title=f"Article {n}"), ADMIN)
        assert base.rebuild() is not None
    assert len(files.keys(INDEX_PREFIX)) == 3  # the newest three stay
    late = knowledge_base(store=store, files=files)
    late.build_clock = lambda: 0  # it started reading before the current one did
    base.put("a9", "en", article(title="Article 9"), ADMIN)
    assert late.rebuild() is None
    assert store.pointer is not None and store.pointer.articles == 5
    assert len(files.keys(INDEX_PREFIX)) == 3  # its file is not left behind


def test_an_instance_looks_for_a_new_index_every_few_seconds_and_a_new_one_at_once():
    store, files = FakeKbStore(), FakeFiles()
    writer = knowledge_base(store=store, files=files)
    ticker = Ticker()
    reader = knowledge_base(store=store, files=files, monotonic=ticker)
    assert reader.search("lamp", "en") == []  # nothing published yet
    writer.put("returns", "en", article(), ADMIN)
    writer.rebuild()
    assert reader.search("returning", "en") == []  # it looked less than 5 s ago
    ticker.now += 5
    assert [h.slug for h in reader.search("returning", "en")] == ["returns"]
    fresh = knowledge_base(store=store, files=files)  # a cold start reads the pointer first
    assert [h.slug for h in fresh.search("returning", "en")] == ["returns"]


def test_a_word_in_half_of_a_small_knowledge_base_still_counts():
    """FTS5's BM25 alone gives a word in half the articles no weight at all: "shade" would not
    tell a lamp's shade article from its (shorter) glass one, and the glass one would win."""
    from chalicelib.domain.kb import IndexedArticle

    def article(slug: str, title: str, text: str) -> IndexedArticle:
        return IndexedArticle(slug, "en", title, "care", "Care", (), text, f"/help/en/{slug}")

    found = []
    for lamp in ("aurora", "borealis", "cirrus"):
        found.append(article(f"shade-{lamp}", f"Cleaning the {lamp} fabric shade",
                             "Switch the lamp off and let it cool. Use a lint roller or a soft brush. See the glass guide."))
        found.append(article(f"glass-{lamp}", f"Cleaning {lamp} glass", "Warm water and mild soap."))
    index = kb_index.KbIndex(kb_index.build(found, "en"))
    assert [h.slug for h in index.search("cirrus shade cleaning", "en")][:1] == ["shade-cirrus"]

"""The knowledge base's numbers through the API: a reader's searches (with and without a
result), article views and votes, read back from GET /kb/report as counters per day. Counters
are the desk's, shared by the tests of a stack: each test reads them before and after, and
finds its own article and query by their unique words."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.desk_env import desk_clock, settle


def report(api, day):
    r = api.get("/kb/report", params={"from": day, "to": day})
    assert r.status_code == 200, r.text
    return r.json()


def test_searches_views_and_votes_are_counted_per_day(admin, agent, anonymous, unique):
    with desk_clock(datetime.now(UTC)) as clock:  # one day throughout, even at midnight
        counted(admin, agent, anonymous, unique, clock[0].date().isoformat())


def counted(admin, agent, anonymous, unique, day):
    word = f"zq{unique}"
    slug = f"counted-{unique}"
    r = admin.request("PUT", f"/kb/articles/{slug}/en", json={
        "title": f"Counting {word} lamps", "body": "Text.", "category": "stats", "status": "published"})
    assert r.status_code == 200
    settle()
    before = report(agent, day)["totals"]

    assert anonymous.get("/help/search", params={"q": word, "locale": "en"}).json()["items"]
    assert anonymous.get("/help/search", params={"q": f"{word[:5]}", "locale": "en", "prefix": "1"}).status_code == 200
    assert anonymous.get("/help/search", params={"q": f"nothing {unique}", "locale": "en"}).json()["items"] == []
    assert anonymous.get(f"/help/en/{slug}").status_code == 200
    assert anonymous.get(f"/help/articles/{slug}", params={"locale": "en", "from": "search"}).status_code == 200
    assert anonymous.post(f"/help/articles/{slug}/feedback", json={"helpful": True, "locale": "en"}).status_code == 204
    assert anonymous.post(f"/help/articles/{slug}/feedback", json={"helpful": False}).status_code == 204
    bad = anonymous.post(f"/help/articles/{slug}/feedback", json={"helpful": "very"})
    assert bad.status_code == 400
    assert anonymous.post(f"/help/articles/missing-{unique}/feedback", json={"helpful": True}).status_code == 404

    after = report(agent, day)
    one = agent.get("/kb/report", params={"from": day, "to": day, "article": slug}).json()
    grew = {k: after["totals"].get(k, 0) - before.get(k, 0) for k in after["totals"]}
    assert grew["searches"] == 2 and grew["no_result"] == 1  # the suggestion while typing is not a search
    assert grew["views"] == 2 and grew["helpful"] == 1 and grew["unhelpful"] == 1 and grew["answered"] == 1
    assert one["articles"] == [{"slug": slug, "locale": "en", "views": 2, "answered": 1, "helpful": 1, "unhelpful": 1}]
    assert {"query": f"nothing {unique}", "count": 1} in after["unanswered"]


def test_the_report_checks_its_range(agent, anonymous):
    assert agent.get("/kb/report", params={"from": "2026-13-01", "to": "2026-12-01"}).status_code == 400
    assert agent.get("/kb/report", params={"from": "2026-12-02", "to": "2026-12-01"}).status_code == 400
    assert anonymous.get("/kb/report", params={"from": "2026-12-01", "to": "2026-12-01"}).status_code == 401

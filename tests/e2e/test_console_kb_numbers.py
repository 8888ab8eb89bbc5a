"""Settings > Help center numbers, in a real browser: what readers did on a day shows in that
day's row, and the totals and lists are the desk's report as it stands. Layout and axe at a
phone's, a laptop's and a desktop's width.

The counters are the desk's, shared by the tests of a stack. This test's readers act on a day
of its own, 75 days ago (the desk's clock pinned there while they act), inside the 90 days the
page offers, so that day's row is this test's alone."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from playwright.sync_api import expect

from tests.desk_env import desk_clock, settle
from tests.e2e.browser import at_every_width, settings_section, sign_in


def test_an_agent_reads_what_readers_did_on_a_day_and_the_reports_lists(browser, stack, admin, agent, anonymous, unique):
    day = (datetime.now(UTC) - timedelta(days=75)).replace(hour=12, minute=random.randrange(60))
    slug, word = f"numbers-{unique}", f"zk{unique}"
    r = admin.request("PUT", f"/kb/articles/{slug}/en", json={
        "title": f"Counting {word} lamps", "body": "Text.", "category": "stats", "status": "published"})
    assert r.status_code == 200, r.text
    settle()  # the search index is rebuilt from the stream
    with desk_clock(day):
        for _ in range(3):
            assert anonymous.get("/help/search", params={"q": word, "locale": "en"}).json()["items"]
        for _ in range(2):
            assert anonymous.get("/help/search", params={"q": f"nothing {unique}", "locale": "en"}).json()["items"] == []
        for _ in range(4):
            assert anonymous.get(f"/help/en/{slug}").status_code == 200

    context = browser.new_context(viewport={"width": 1440, "height": 900})
    try:
        page = context.new_page()
        sign_in(page, stack.api_url)
        settings_section(page, "Help center numbers", "Help center numbers")
        expect(page.get_by_label("Period")).to_have_value("30")
        page.get_by_label("Period").select_option(label="Last 90 days")

        row = page.locator("#kbn-days tbody tr", has=page.locator("td", has_text=day.date().isoformat()))
        # Day, Searches, Searches without a result, Article views, Bot answers, Handed to a person
        expect(row.locator("td")).to_have_text([day.date().isoformat(), "5", "2", "4", "0", "0"])

        # The totals and lists are the report's, for the same 90 days (UTC), in its order.
        today = datetime.now(UTC).date()
        report = agent.get("/kb/report", params={"from": (today - timedelta(days=89)).isoformat(),
                                                 "to": today.isoformat()}).json()
        searches = page.locator('#kbn-totals [data-figure="searches"] .kbn-count')
        expect(searches).to_have_text(f"{report['totals']['searches']:,}")
        no_result = page.locator('#kbn-totals [data-figure="no_result"]')
        share = round(100 * report["totals"]["no_result"] / report["totals"]["searches"])
        expect(no_result).to_contain_text(f"{report['totals']['no_result']:,} ({share}%)")
        expect(page.locator("#kbn-articles tbody tr td:first-child")).to_have_text(
            [a["slug"] for a in report["articles"]])
        expect(page.locator("#kbn-unanswered tbody tr td:first-child")).to_have_text(
            [q["query"] for q in report["unanswered"]])

        def stacked_on_a_phone(width):  # a figure in a stacked row still says what it counts
            if width <= 700:
                assert row.locator("td").nth(1).get_attribute("data-label") == "Searches"

        at_every_width(page, "settings-kb-numbers", also=stacked_on_a_phone)

        page.get_by_label("Period").select_option(label="Last 7 days")
        expect(page.locator("#kbn-days tbody tr", has_text=day.date().isoformat())).to_have_count(0)
    finally:
        context.close()

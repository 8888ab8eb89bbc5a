"""The FAQ bot over fakes: it answers a chat nobody has taken from the knowledge base when it
is confident, in the customer's language, labelled as the bot; otherwise, or when asked, it
hands the conversation to people once (an explicit state); a person's message or solving the
chat ends its part, and a reopened chat never goes back to it."""

from __future__ import annotations

from datetime import timedelta

from chalicelib.domain import bot
from chalicelib.domain.people import Principal, Role
from chalicelib.domain.tickets import AuthorType, Status, TicketChanges
from chalicelib.services.tickets import OpenTicket, PostMessage
from tests import kb_corpus
from tests.unit.fakes import Desk

ADMIN = Principal("agt_admin", "admin@desk.example", Role.ADMIN)


_BUILT: list[Desk] = []


def desk_with_articles() -> Desk:
    """A desk whose knowledge base is the test one's English and German articles (written and
    indexed once; each desk gets a copy of the items and the index file)."""
    if not _BUILT:
        built = Desk()
        for locale in ("en", "de"):
            data = kb_corpus.articles(locale)
            for a in data["articles"]:
                built.kb.put(a["slug"], locale, {"title": a["title"], "body": a["body"], "category": a["category"],
                                                 "keywords": a["keywords"], "status": "published"}, ADMIN)
        built.kb.rebuild()
        _BUILT.append(built)
    desk, built = Desk(), _BUILT[0]
    desk.kb_store.stored = dict(built.kb_store.stored)
    desk.kb_store.pointer = built.kb_store.pointer
    desk.files.objects.update({k: v for k, v in built.files.objects.items() if k.startswith("kb/")})
    return desk


def chat(desk: Desk, text: str, language: str = "en"):
    customer = desk.customers.create_anonymous("Vera Visitor", None)
    ticket, _ = desk.tickets.open(OpenTicket(subject=text[:80], customer_id=customer.id, body=text, channel="chat",
                                             language=language, bot=bot.ACTIVE), None)
    desk.deliver()
    return desk.tickets.get(ticket.id)


def messages(desk: Desk, ticket_id: str):
    return desk.tickets.messages(ticket_id, after_seq=0, limit=50)[1]


def write(desk: Desk, ticket, text: str, author: AuthorType = AuthorType.CUSTOMER, author_id: str | None = None):
    desk.tickets.post_message(ticket.id, PostMessage(body=text), author_type=author,
                              author_id=author_id or ticket.customer_id)
    desk.deliver()
    return desk.tickets.get(ticket.id)


def test_a_covered_question_gets_the_article_from_the_bot_in_the_customers_language():
    desk = desk_with_articles()
    ticket = chat(desk, "How many days do I have to send a lamp back?")
    answer = messages(desk, ticket.id)[-1]
    assert answer.author_type == AuthorType.BOT and answer.author_id is None
    assert answer.articles[0][0] == "return-policy" and answer.articles[0][2] == "/help/en/return-policy"
    assert answer.body.startswith("I'm the automated assistant.")
    assert ticket.bot == bot.ACTIVE and ticket.status == Status.NEW and ticket.assignee_id is None
    german = chat(desk, "Wie lange dauert die Lieferung?", language="de")
    answer = messages(desk, german.id)[-1]
    assert answer.articles[0][2] == "/help/de/delivery-times" and answer.body.startswith("Ich bin der automatische")


def test_an_uncovered_question_goes_to_a_person_with_the_exchange_kept():
    desk = desk_with_articles()
    ticket = chat(desk, "Can I pick up my order from your shop in Berlin on Saturday?")
    assert ticket.bot == bot.HANDED_OFF
    said = messages(desk, ticket.id)
    assert [m.author_type for m in said] == [AuthorType.CUSTOMER, AuthorType.BOT]
    assert said[-1].marker == "handoff" and "passed your conversation to our team" in said[-1].body
    # the visitor writes again: the bot has nothing more to say
    ticket = write(desk, ticket, "How long does delivery take?")
    assert messages(desk, ticket.id)[-1].author_type == AuthorType.CUSTOMER


def test_asking_for_a_person_hands_off_once_and_a_second_ask_changes_nothing():
    desk = desk_with_articles()
    ticket = chat(desk, "How long does delivery take?")
    assert messages(desk, ticket.id)[-1].articles  # the bot answered
    after = desk.bot.hand_off(ticket, "asked")
    assert after is not None and after.bot == bot.HANDED_OFF
    assert desk.bot.hand_off(ticket, "asked") is None  # pressed twice: one hand-off
    handoffs = [m for m in messages(desk, ticket.id) if m.marker == "handoff"]
    assert len(handoffs) == 1 and "passed your conversation" in handoffs[0].body


def test_a_persons_reply_ends_the_bots_part_and_a_reopened_chat_never_returns_to_it():
    desk = desk_with_articles()
    ticket = chat(desk, "How long does delivery take?")
    ticket = write(desk, ticket, "Hello, I can help", author=AuthorType.AGENT, author_id="agt_alex")
    assert ticket.bot == bot.HANDED_OFF
    solved = chat(desk, "How do I reset my smart lamp?")
    desk.tickets.update(solved.id, TicketChanges(status=Status.SOLVED), solved.version, ADMIN)
    desk.deliver()
    assert desk.tickets.get(solved.id).bot == bot.ENDED
    reopened = write(desk, desk.tickets.get(solved.id), "How do I reset my smart lamp again?")
    assert reopened.status == Status.OPEN and reopened.bot == bot.ENDED
    assert messages(desk, solved.id)[-1].author_type == AuthorType.CUSTOMER  # no bot answer


def test_switched_off_the_bot_hands_off_and_new_chats_do_not_start_with_it():
    desk = desk_with_articles()
    assert desk.bot.available()
    ticket = chat(desk, "How long does delivery take?")
    desk.kb.put_settings({"bot_enabled": False})
    assert not desk.bot.available()
    ticket = write(desk, ticket, "And to Austria?")
    assert ticket.bot == bot.HANDED_OFF


def test_out_of_hours_the_hand_off_says_when_people_are_back():
    desk = desk_with_articles()
    weekdays = ("monday", "tuesday", "wednesday", "thursday", "friday")
    desk.calendars.put("desk", {"timezone": "Europe/Berlin", "hours": {day: ["09:00-17:00"] for day in weekdays}})
    desk.clock.now = desk.clock.now.replace(hour=20)  # Monday, 21:00 in Berlin: closed
    ticket = chat(desk, "Can I pick up my order from your shop in Berlin?")
    handoff = messages(desk, ticket.id)[-1]
    assert handoff.marker == "handoff" and "Our team is away right now and back on" in handoff.body


def test_the_threshold_keeps_most_answers_right_on_the_sample_knowledge_base():
    scores = [bot.Sample(0.9, True), bot.Sample(0.6, True), bot.Sample(0.5, False), bot.Sample(0.3, False)]
    assert bot.choose_threshold(scores, target=0.9) == 0.55
    assert bot.shown([10.0, 7.0, 2.0]) == 2 and bot.shown([]) == 0


def test_the_bots_answers_hand_offs_and_resolutions_are_counted_per_day():
    desk = desk_with_articles()
    answered = chat(desk, "How long does delivery take?")  # answered, then left alone
    asked = chat(desk, "How do I reset my smart lamp?")  # answered, then a person asked for
    desk.bot.hand_off(asked, "asked")
    desk.deliver()
    reopened = chat(desk, "How long does delivery take?")  # answered, solved, reopened
    desk.tickets.update(reopened.id, TicketChanges(status=Status.SOLVED), reopened.version, ADMIN)
    desk.deliver()
    write(desk, desk.tickets.get(reopened.id), "It still has not come")
    chat(desk, "Can I pick up my order from your shop in Berlin?")  # no answer: handed off
    day = desk.clock.now.date()
    report = desk.kb_stats.report(day, day)
    assert report["totals"] == {"bot_answers": 3, "handoffs": 2, "answered": report["totals"]["answered"]}
    assert desk.kb_stats.tick() == 0  # nothing is 72 hours old yet
    desk.clock.now += timedelta(hours=73)
    assert desk.kb_stats.tick() == 1  # only the one left alone
    assert desk.kb_stats.report(day, day)["totals"]["bot_resolved"] == 1
    assert desk.kb_stats.tick() == 0  # decided once
    assert answered.bot == bot.ACTIVE


def test_a_mails_acknowledgement_suggests_the_articles_that_answer_it():
    from email.message import EmailMessage

    desk = desk_with_articles()
    desk.mail.suggest_articles = lambda ticket, text: [
        (h.title, f"https://desk.example{h.url}")
        for h in desk.kb.suggestions(text, ticket.language or "en", min_coverage=bot.THRESHOLD)]

    def ask(sender: str, subject: str, body: str) -> str:
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = sender, desk.SUPPORT, subject
        message["Message-ID"] = f"<{sender}-1@customer.example>"
        message.set_content(body)
        desk.receive(message)
        [ack] = desk.mailer.to(sender)
        return ack.text

    covered = ask("ann@customer.example", "Smart lamp reset", "How do I reset my smart lamp? It will not connect.")
    assert "these articles may already answer your question:" in covered
    assert "https://desk.example/help/en/smart-lamp-reset" in covered
    assert covered.index("these articles") < covered.rindex("Your support team")  # before the sign-off
    lines = [line for line in covered.splitlines() if line.startswith("- ")]
    assert 1 <= len(lines) <= 3
    uncovered = ask("bob@customer.example", "Berlin shop", "Can I pick up my order from your shop in Berlin?")
    assert "these articles" not in uncovered


def test_sla_clocks_start_when_people_get_the_chat_not_while_the_bot_answers():
    desk = desk_with_articles()
    desk.sla.put_policies([{
        "id": "chats", "name": "Chats", "channels": ["chat"],
        "targets": {"first_response": 5, "next_response": 10, "resolution": 60},
        "business_hours": False, "warn_at_percent": 80, "on_warning": [], "on_breach": [],
    }])
    answered = chat(desk, "How long does delivery take?")
    assert answered.sla is None  # the bot answered: nobody is waiting for a person
    desk.clock.now += timedelta(minutes=30)
    handed = desk.bot.hand_off(answered, "asked")
    assert handed is not None
    desk.deliver()
    clocks = desk.tickets.get(answered.id).sla
    assert clocks is not None
    first = clocks.clocks[next(m for m in clocks.clocks if m.value == "first_response")]
    assert first.started_at == desk.clock.now and not first.breached

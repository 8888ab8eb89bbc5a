"""Search across tickets and customers (GET /search): by a word of a subject, a message or a
note, by part of a word, by the customer's name or address, by ticket number; never a Scan
(the index is written from the table's stream, so each test settles first)."""

from __future__ import annotations

from tests.desk_env import settle


def open_ticket(api, unique, subject, body, email=None, name="Casey Customer"):
    r = api.post("/tickets", json={
        "subject": subject, "body": body,
        "customer": {"email": email or f"search.{unique}@example.com", "name": name},
    })
    assert r.status_code == 201, r.text
    return r.json()


def numbers(result):
    return [t["number"] for t in result["tickets"]]


def search(api, q, **params):
    r = api.get("/search", params={"q": q, **params})
    assert r.status_code == 200, r.text
    return r.json()


def test_words_of_the_body_a_note_and_the_subject_find_a_ticket_newest_first(agent, unique):
    word = f"zq{unique}"  # a word no other test writes
    lamp = open_ticket(agent, unique, "Lamp never arrived", f"My Lampshade {word} is missing.")
    other = open_ticket(agent, unique, f"Café {word} order", "Nothing about lighting here.")
    r = agent.post(f"/tickets/{other['id']}/messages", json={"body": f"Called the courier n0{unique[:8]}", "kind": "note"})
    assert r.status_code == 201
    settle()

    both = search(agent, word)
    assert both["kind"] == "words" and numbers(both) == [other["number"], lamp["number"]]
    assert numbers(search(agent, f"{word} lampsh")) == [lamp["number"]]  # every word, each as a prefix
    assert numbers(search(agent, f"{word} CAFE")) == [other["number"]]  # case and accents folded
    assert numbers(search(agent, f"n0{unique[:8]}")) == [other["number"]]  # an internal note's words
    assert numbers(search(agent, f"{word} nowhere")) == []
    # the customer is given with the tickets
    assert {c["email"] for c in both["customers"]} == {f"search.{unique}@example.com"}


def test_an_address_a_name_and_a_number_find_the_customer_and_their_tickets(agent, unique):
    address = f"Ann.{unique}@Example.com"
    first = open_ticket(agent, unique, "Where is my order", "Hello", email=address, name=f"Ann Q{unique}")
    second = open_ticket(agent, unique, "Invoice", "Please send it", email=address)
    settle()

    by_address = search(agent, address)
    assert by_address["kind"] == "email"
    assert [c["email"] for c in by_address["customers"]] == [address.lower()]
    assert sorted(numbers(by_address)) == sorted([first["number"], second["number"]])
    by_name = search(agent, f"ann q{unique}")
    assert numbers(by_name) == [second["number"], first["number"]]  # the name is on both tickets
    by_number = search(agent, f"#{first['number']}")
    assert by_number["kind"] == "number" and numbers(by_number) == [first["number"]]
    assert numbers(search(agent, str(second["number"]))) == [second["number"]]
    assert search(agent, f"nobody.{unique}@example.com")["tickets"] == []


def test_results_come_in_pages_with_a_cursor(agent, unique):
    word = f"pg{unique}"
    made = [open_ticket(agent, unique, f"Page {word} {i}", "text")["number"] for i in range(5)]
    settle()
    seen, cursor = [], None
    while True:
        page = search(agent, word, limit="2", **({"cursor": cursor} if cursor else {}))
        assert len(page["tickets"]) <= 2
        seen += numbers(page)
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == sorted(made, reverse=True)


def test_bad_searches_are_refused_with_the_reason(agent, anonymous):
    assert anonymous.get("/search", params={"q": "lamp"}).status_code == 401
    for params in ({}, {"q": "   "}, {"q": "lamp", "limit": "0"}, {"q": "x" * 201}, {"q": "lamp", "cursor": "abc"},
                   {"q": "lamp", "page": "2"}, {"q": "!!"}):
        r = agent.get("/search", params=params)
        assert r.status_code == 400, (params, r.text)
        assert set(r.json()["error"]) == {"code", "message", "details"}

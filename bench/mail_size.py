"""How long storing a mail takes by its size: a plain-text mail of 150 KB, 600 KB and 3 MB
(and its HTML twin) through MailService.ingest on the in-memory fakes, so that what is
measured is the parsing, the visible-text extraction and the excerpting, not the network.
The time should grow with the size, not with its square.

    .venv/bin/python bench/mail_size.py [KB ...]
"""

from __future__ import annotations

import logging
import sys
import time
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.unit.fakes import Desk  # noqa: E402

LINE = "The lamp flickers when it is cold, and the shop said it would be replaced.\n"


def mail(kb: int, html: bool) -> EmailMessage:
    text = LINE * (kb * 1024 // len(LINE))
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = f"ann{kb}{html}@customer.example", Desk.SUPPORT, f"{kb} KB"
    message["Message-ID"] = make_msgid(domain="customer.example")
    if html:
        message.set_content("".join(f"<p>{line}</p>" for line in text.splitlines()), subtype="html")
    else:
        message.set_content(text)
    return message


def main() -> int:
    sizes = [int(a) for a in sys.argv[1:]] or [150, 600, 3072]
    logging.disable(logging.CRITICAL)  # the service logs each mail stored
    desk = Desk()
    desk.mail.sanitise_html = lambda html: html  # nh3 is not what is measured
    print(f"{'size':>8} {'text':>8} {'html':>8}")
    for kb in sizes:
        seconds = []
        for html in (False, True):
            message = mail(kb, html)
            started = time.perf_counter()
            outcome = desk.receive(message)
            seconds.append(time.perf_counter() - started)
            assert outcome.outcome == "ticketed", outcome
        print(f"{kb:>6}KB {seconds[0]:>7.2f}s {seconds[1]:>7.2f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

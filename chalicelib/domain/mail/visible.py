"""The part of a reply its author wrote: quoted history and mail-client boilerplate removed.

The full original is always kept; this is what the ticket timeline shows. Written here
rather than taken from a library: the maintained ones cover English and a few languages,
and the desk needs at least English, German, French, Spanish, Hebrew and Estonian.
"""

from __future__ import annotations

import re

# "On <date>, <name> wrote:" and its equivalents; the date and name may wrap onto a second
# line, so these are matched against a line joined with the next one.
_WROTE = [
    r"on\b.{0,200}\bwrote:",  # en
    r"am\b.{0,200}\bschrieb.{0,100}:",  # de
    r"on\b.{0,200}\bkirjutas.{0,60}:", r"\bkirjutas\b.{0,100}:",  # et ("... kirjutas:")
    r"le\b.{0,200}\ba [ée]crit\s?:",  # fr
    r"el\b.{0,200}\bescribi[óo]:", r"\bescribi[óo]:",  # es
    r"il\b.{0,200}\bha scritto:", r"\bha scritto:",  # it
    r"em\b.{0,200}\bescreveu:", r"\bescreveu:",  # pt
    r"op\b.{0,200}\bschreef.{0,60}:", r"\bschreef\b.{0,60}:",  # nl
    r"den\b.{0,200}\bskrev.{0,60}:", r"\bskrev\b.{0,60}:",  # sv, da, nb
    r"\bnapisa[łl]\(?a?\)?:", r"\bnapsal\(?a?\)?:",  # pl, cs
    r"\bnapisao\b.{0,60}:",  # hr
    r"\bнаписал\(?а?\)?:", r"\bнаписав\(?ла\)?:", r"\bпишет:",  # ru, uk
    r"\bכתב\(?ה\)?:", r"\bכתב.{0,60}:",  # he
    r"\bكتب:",  # ar
    r"写道[：:]", r"寫道[：:]", r"のメッセージ[：:]", r"が書きました[：:]", r"님이 작성[：:]?",  # zh, ja, ko
    r"\bwrote\s*:\s*$",
    r"\bschrieb\s*:\s*$",
]
_WROTE_RE = re.compile(r"^.{0,300}?(" + "|".join(_WROTE) + r")\s*$", re.IGNORECASE | re.DOTALL)
# Without a known word: a line that ends with ':' and names a date or time and an address is
# an attribution in any language ("2022年1月1日(金) 9:00 田中太郎 <taro@example.com>:").
_DATE_OR_TIME = re.compile(r"\d{4}|\b\d{1,2}[:.]\d{2}\b")
_ADDRESS = re.compile(r"@|&lt;|<mailto:")

# Separators that start a quoted message.
_SEPARATORS = re.compile(
    r"^\s*("
    r"-{2,}\s*(original message|urspr[üu]ngliche nachricht|message d'origine|mensaje original|"
    r"messaggio originale|oorspronkelijk bericht|originalmeddelande|oprindelig meddelelse|"
    r"opprinnelig melding|wiadomo[śs][ćc] oryginalna|исходное сообщение|originaalkiri|"
    r"הודעה מקורית|原始邮件|元のメッセージ|forwarded message|weitergeleitete nachricht)\s*-{2,}"
    r"|_{20,}"
    r"|-{20,}"
    r"|begin forwarded message:"
    r")\s*$",
    re.IGNORECASE,
)

# The header block of a quoted message (Outlook and many webmails): "From: ..." followed by
# "Sent:" / "Date:" / "To:" / "Subject:" in the next lines.
_FROM = re.compile(
    r"^\s*\**\s*(from|von|de|da|van|från|fra|od|от|від|מאת|発信者|发件人|寄件者|kellelt|saatja)\s*\**\s*:", re.IGNORECASE,
)
_SIGNATURE_START = re.compile(r"^-\w")  # "-Name" closing a short reply
_HEADER_FIELDS = re.compile(
    r"^\s*\**\s*(sent|date|to|subject|cc|gesendet|datum|an|betreff|envoy[ée]|[àa]|objet|enviado|para|"
    r"asunto|fecha|inviato|oggetto|verzonden|aan|onderwerp|skickat|till|ämne|sendt|til|emne|"
    r"wysłano|temat|do|отправлено|кому|тема|дата|נשלח|אל|נושא|送信日時|宛先|件名|发送时间|收件人|主题|"
    r"enviada em|enviado em|assunto|data|"
    r"saadetud|kellele|adressaat|teema)\s*\**\s*:",
    re.IGNORECASE,
)

# Right-to-left mail (Hebrew, Arabic) wraps lines in invisible direction marks.
_BIDI = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")

_SIGNATURE_DELIMITER = re.compile(r"^-- ?$")
# "Sent from my iPhone" and the like, which helpdesks leave out of the timeline.
_MOBILE_SIGNATURE = re.compile(
    r"^\s*[(<\[]*\s*(sent (from|via|with|by)\b|get outlook for\b|envoy[ée] (de|depuis)\b|"
    r"von meinem\b|gesendet von\b|diese nachricht wurde von meinem\b|enviado desde\b|"
    r"enviado do meu\b|inviato da\b|verzonden (vanaf|met)\b|sendt fra\b|skickat från\b|"
    r"saadetud\b|從我的|发自我的|נשלח מ)",
    re.IGNORECASE,
)


def visible_text(text: str) -> str:
    """The author's own words in a reply: everything from the first quote header, quoted
    block or separator on is dropped, then the signature (after a '-- ' line, a '-Name' line
    or a 'Sent from my ...' line)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ").split("\n")
    start = _quote_start(lines)
    kept = lines[:start]
    if not any(line.strip() for line in kept):
        kept = _bottom_posted(lines[start:])
    # A block of '>' lines left at the end (bottom of an inline reply) is quoted history.
    while kept and (kept[-1].strip() == "" or kept[-1].lstrip().startswith(">")):
        kept.pop()
    kept = _without_signature(kept)
    body = "\n".join(line.rstrip() for line in kept).strip("\n")
    return re.sub(r"\n{3,}", "\n\n", body).strip()


def _bottom_posted(lines: list[str]) -> list[str]:
    """A reply written under the quote: the unquoted lines after the quoted block."""
    quoted = [i for i, line in enumerate(lines) if line.lstrip().startswith(">")]
    if not quoted:
        return []
    return [line for line in lines[quoted[-1] + 1:] if not line.lstrip().startswith(">")]


def _quote_start(lines: list[str]) -> int:
    # From each line on, whether only quoted lines (and blanks) follow: computed once, from the
    # end, rather than by reading the rest of the text again for every '>' line.
    rest_quoted = [True] * (len(lines) + 1)
    for j in range(len(lines) - 1, -1, -1):
        stripped = lines[j].strip()
        rest_quoted[j] = rest_quoted[j + 1] and (not stripped or stripped.startswith(">"))
    for i, line in enumerate(lines):
        stripped = _BIDI.sub("", line).strip()
        if not stripped:
            continue
        if _SEPARATORS.match(stripped):
            return i
        if _is_attribution(lines, i):
            return i
        if _HEADER_FIELDS.match(stripped) or _FROM.match(stripped):
            if _looks_like_header_block(lines, i):
                return i
        if stripped.startswith(">") and rest_quoted[i]:
            return i
    return len(lines)


def _is_attribution(lines: list[str], start: int) -> bool:
    """'On <date>, <name> wrote:' at ``start``, possibly wrapped over up to four lines."""
    joined = ""
    for end in range(start, min(start + 4, len(lines))):
        piece = _BIDI.sub("", lines[end]).strip()
        if not piece and end > start:
            return False
        joined = f"{joined} {piece}".strip()
        if len(joined) > 400:
            return False
        wrote = _wrote(joined)
        if not joined.endswith((":", "：")) and not wrote:
            continue
        if end > start and not _opens_attribution(lines[start]):
            return False  # the attribution starts on a later line; this one is the author's
        if wrote:
            return True
        has_date = bool(_DATE_OR_TIME.search(joined))
        has_address = bool(_ADDRESS.search(joined))
        if has_date and has_address:
            return True
        if (has_date or has_address) and _next_is_quoted(lines, end + 1):
            return True
    return False


def _wrote(joined: str) -> bool:
    """'... wrote:' in any of the languages. Every phrase ends the line with a colon (or, in
    Korean, '작성'), so the costly expression runs only on lines that can match it: it is
    tried at each of up to 300 starting points, which on every line of a long mail cost
    seconds."""
    if not (joined.endswith((":", "：")) or "작성" in joined):
        return False
    return bool(_WROTE_RE.match(joined))


_LEAD = re.compile(
    r"^\s*(on|am|le|el|il|em|op|den|dne|w dniu|в|у|ב|在|kuupäeval|\d)", re.IGNORECASE,
)


def _opens_attribution(line: str) -> bool:
    """Whether a line can be the first of a wrapped attribution: it names a date or time or an
    address, or starts as attributions do ('On', 'Am', 'Le' ...)."""
    return bool(_DATE_OR_TIME.search(line) or _ADDRESS.search(line) or _LEAD.match(line))


def _next_is_quoted(lines: list[str], start: int) -> bool:
    for line in lines[start:]:
        if line.strip():
            return line.lstrip().startswith(">")
    return True


def _looks_like_header_block(lines: list[str], start: int) -> bool:
    """A header field followed, within a few lines, by two more (a quoted mail's header)."""
    fields = 0
    for line in lines[start + 1: start + 7]:
        if _HEADER_FIELDS.match(line.strip()) or _FROM.match(line.strip()):
            fields += 1
    return fields >= 2


def _without_signature(lines: list[str]) -> list[str]:
    content = [i for i, line in enumerate(lines) if line.strip()]
    if not content:
        return lines
    first = content[0]
    for position, i in enumerate(content[1:], start=1):
        line = lines[i]
        left = len(content) - position  # lines with text from this one to the end
        if _SIGNATURE_DELIMITER.match(line) and left <= 12:
            return lines[:i]
        if _MOBILE_SIGNATURE.match(line) and i > first:
            return lines[:i]
        if _SIGNATURE_START.match(line.strip()) and left <= 3 and not lines[i - 1].strip():
            return lines[:i]
    return lines

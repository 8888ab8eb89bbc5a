"""What the knowledge base's search index (chalicelib/adapters/kb_index.py) costs as the
knowledge base grows: its build (whole, on each publish, in the stream's function), its file
(compressed: what S3 holds; and the SQLite database it becomes in memory), what a new function
instance pays before its first answer, and search latency, at 40, 1,000 and 10,000 articles.

A size counts article versions (one language's version of an article: a row of the index).
``40`` is the fixtures' 40 English articles and also reports their 160 versions in the four
languages (tests/fixtures/kb, Markdown rendered as on publish). Any other size is generated,
seeded (the same knowledge base every run), in about the fixtures' shares of languages: every
article in English (the default language), 90% of them translated into each of de, es and he
(27% en, 24% each other). A generated article recombines lines (paragraphs, headings, list
items) of the fixture articles of its language: most of one fixture article (its topic and
category), two to five lines of others of the same category and up to two of any, about 1.5x
a fixture article's length. Recombined fixtures alone would keep the fixtures' ~1,000 words
per language whatever the size. So that the vocabulary grows as a real knowledge base's does
(Heaps' law: distinct words ~ tokens^b, b 0.4-0.6 for English text), a quarter of the words of
five letters or more are replaced: by new words, made by a letter-trigram model of the
language's own words (German compounds too), or by the names and codes of the products the
article is about ("Vemora Lisk 12", "VL-4821"), shared by its translations. Both are drawn
from Pitman-Yor processes, so that a few recur often and most rarely, as words and products
do. From the fixtures' 5,000 words (tokens) and ~1,000 distinct words per language, this gives
~3,000 distinct at 1,000 versions and ~12,000 at 10,000 (b = 0.54); the table shows the
distinct terms (stemmed) per language.

Each build runs in a fresh interpreter (as a new stream function would), timed around
``build()`` alone; its memory is the RSS the process grows by (SQLite allocates outside
Python, where tracemalloc does not see). Each instance is a fresh interpreter too: it imports
kb_index, reads the compressed file as S3 would hand it over, loads it (``KbIndex(data)``) and
searches once in English: "ready" is load plus that first search, which loads the language's
vocabulary (lazily); "+3 langs" is the first search in each other language. Then up to
``--queries`` queries are timed one by one, in process, for at most ``--seconds`` (the column
"queries" says how many): the questions of tests/fixtures/kb (covered and not), the four
languages in turn, in a random order; a third of them cut at a random letter and searched with
``prefix=True`` and 5 hits as the widget does while one types, the others with the search
page's 10 hits. "answered" is the share with a hit.

Times are wall clock on this machine, one process at a time; the load average is printed, as
on shared cores times stretch with it. A Lambda function of 512 MB (the desk's) gets about
512/1769 of a vCPU: expect CPU-bound times there about 3.5x these on an idle core.

    .venv/bin/python bench/kb_search.py [--sizes 40,1000,10000] [--queries 3000] [--seconds 30]
                                        [--profile [SIZE]] [--runs 7]

``--profile`` also builds one size (default the largest) under cProfile, then searches it 300
times, and prints the functions that take the time (the profiler slows them 2-3x). The end of
the output compares ``import kb_index``, then loading the fixtures' index and searching once,
against the bare dependencies' import, in fresh interpreters (medians of ``--runs``).
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

LOCALES = ("en", "de", "es", "he")
DEFAULT_LOCALE = "en"
TRANSLATED = 0.9  # share of the generated articles each other language translates
SEED = 20261201
PREFIX_SHARE = 1 / 3  # queries typed in the widget: cut short, prefix=True
WIDGET_LIMIT, PAGE_LIMIT = 5, 10  # hits the widget asks for (routes/help.py), and the search page
REPLACED = 0.25  # share of the words of 5+ letters of a generated article given a new word
PRODUCT_SHARE = 0.25  # of those, a product's name or code rather than a word
WORDS_PY = (0.75, 60.0)  # Pitman-Yor discount and concentration of a language's new words
PRODUCTS_PY = (0.5, 20.0)  # ... of the products articles are about
BASELINE = "import sqlite3, zlib, json, re, math, unicodedata, dataclasses, snowballstemmer.english_stemmer"
_LONG_WORD = re.compile(r"\w{5,}")
_HEBREW = re.compile(r"[\u05d0-\u05ea]+$")


# ------------------------------------------------------------------ the knowledge bases


class PitmanYor:
    """Draws from a Pitman-Yor process: a new value (``fresh()``) with probability
    (theta + d*K) / (theta + n), else value k in proportion to (its draws - d)."""

    def __init__(self, rng: random.Random, fresh: Any, discount: float, theta: float) -> None:
        self.rng, self.fresh, self.d, self.theta = rng, fresh, discount, theta
        self.values: list[Any] = []
        self.counts: list[int] = []
        self.seats: list[int] = []  # one entry per draw: the value's index

    def draw(self) -> Any:
        n, k = len(self.seats), len(self.values)
        if self.rng.random() * (self.theta + n) < self.theta + self.d * k:
            self.values.append(self.fresh())
            self.counts.append(0)
            i = k
        else:
            while True:  # a seat at random (k in proportion to its draws), kept with (n_k - d) / n_k
                i = self.rng.choice(self.seats)
                if self.rng.random() * self.counts[i] < self.counts[i] - self.d:
                    break
        self.counts[i] += 1
        self.seats.append(i)
        return self.values[i]


class NewWords:
    """Words a language does not have yet, made by a letter-trigram model of its words."""

    def __init__(self, rng: random.Random, locale: str, known: set[str]) -> None:
        self.rng, self.locale, self.known = rng, locale, set(known)
        self.after: dict[str, list[str]] = defaultdict(list)
        for word in sorted(known):
            if len(word) >= 4 and word.isalpha() and (locale != "he" or _HEBREW.match(word)):
                padded = "^^" + word + "$"
                for i in range(len(padded) - 2):
                    self.after[padded[i:i + 2]].append(padded[i + 2])
        self.nouns = sorted(w for w in known if len(w) >= 5)

    def fresh(self) -> str:
        while True:
            context, word = "^^", ""
            while len(word) <= 14:
                c = self.rng.choice(self.after[context])
                if c == "$":
                    break
                word += c
                context = context[1] + c
            if self.locale == "de" and self.rng.random() < 0.3:  # a compound: Lampenfuß, Sockeltyp...
                word += self.rng.choice(self.nouns)
            if 5 <= len(word) <= 24 and word not in self.known:
                self.known.add(word)
                return word


_SYLLABLES = ("lu", "ve", "mo", "ra", "no", "ka", "li", "sa", "to", "ri", "ne", "da", "vi", "lo", "te", "ma",
              "sk", "ar", "el", "on", "is", "x", "z", "qu", "fle", "bri", "sol", "lum", "gr", "st")


def _product(rng: random.Random) -> tuple[str, str]:
    def name(parts: int) -> str:
        return "".join(rng.choice(_SYLLABLES) for _ in range(parts)).capitalize()

    brand, family = name(rng.randint(2, 3)), name(rng.randint(1, 2))
    return f"{brand} {family} {rng.randint(1, 40)}", f"{brand[0]}{family[0]}-{rng.randint(1000, 9999)}"


def fixtures(locales: tuple[str, ...]) -> list:
    from tests import kb_corpus

    return kb_corpus.indexed(locales)


def categories() -> list:
    from chalicelib.domain.kb import Category
    from tests import kb_corpus

    names: dict[str, dict[str, str]] = defaultdict(dict)
    for locale in LOCALES:
        for slug, name in kb_corpus.articles(locale)["categories"].items():
            names[slug][locale] = name
    return [Category(slug, found, position) for position, (slug, found) in enumerate(names.items())]


def generate(size: int, seed: int = SEED) -> list:
    """``size`` article versions recombined from the fixtures (see the module's docstring)."""
    from chalicelib.adapters import kb_text
    from chalicelib.domain.kb import IndexedArticle

    rng = random.Random(seed)
    source = {(a.locale, a.slug): a for a in fixtures(LOCALES)}
    topics = sorted({slug for _, slug in source})
    lines: dict[tuple[str, str], list[str]] = {k: [x for x in a.text.split("\n") if x.strip()]
                                               for k, a in source.items()}
    by_category: dict[tuple[str, str], list[str]] = defaultdict(list)
    for (locale, slug), a in source.items():
        by_category[(locale, a.category)].append(slug)
    words = {}
    for locale in LOCALES:
        known = {w for (loc, _), a in source.items() if loc == locale for w in kb_text.words(a.title + " " + a.text)}
        words[locale] = PitmanYor(rng, NewWords(rng, locale, known).fresh, *WORDS_PY)
    products = PitmanYor(rng, lambda: _product(rng), *PRODUCTS_PY)

    found: list = []
    n = 0
    while len(found) < size:
        n += 1
        topic = rng.choice(topics)
        slug = f"{topic}-{n}"
        about = list(dict.fromkeys(products.draw() for _ in range(rng.randint(1, 3))))
        named = rng.random() < 0.6
        locales = [DEFAULT_LOCALE] + [loc for loc in LOCALES if loc != DEFAULT_LOCALE and rng.random() < TRANSLATED]
        for locale in locales[: size - len(found)]:
            base = source[(locale, topic)]
            new = words[locale]

            def replace(match: re.Match[str], about: list[tuple[str, str]] = about, new: PitmanYor = new) -> str:
                if rng.random() >= REPLACED:
                    return match.group(0)
                if rng.random() < PRODUCT_SHARE:
                    name, code = rng.choice(about)
                    return name if rng.random() < 0.7 else code
                word = new.draw()
                return word.capitalize() if match.group(0)[0].isupper() else word

            own = lines[(locale, topic)]
            body = [own[0]] + [x for x in own[1:] if rng.random() < 0.85]
            kin = [s for s in by_category[(locale, base.category)] if s != topic]
            for other in rng.sample(kin, min(len(kin), rng.randint(2, 5))):
                body.insert(rng.randint(1, len(body)), rng.choice(lines[(locale, other)]))
            for _ in range(rng.randint(0, 2)):
                body.insert(rng.randint(1, len(body)), rng.choice(lines[(locale, rng.choice(topics))]))
            text = "\n".join(_LONG_WORD.sub(replace, x) for x in body)
            title = f"{about[0][0]}: {base.title}" if named else base.title
            keywords = tuple(rng.sample(base.keywords, min(len(base.keywords), 3))) + (about[0][0], about[0][1])
            found.append(IndexedArticle(slug, locale, title, base.category, base.category_name, keywords, text,
                                        f"/help/{locale}/{slug}"))
    return found


def queries(count: int, seed: int = SEED) -> list[tuple[str, str, bool, int]]:
    """(query, locale, prefix, limit): the fixtures' questions, the languages in turn, in a random
    order; a share cut short as typed in the widget, the others asked on the search page."""
    from tests import kb_corpus

    rng = random.Random(seed + 1)
    asked = {loc: [q["q"] for part in ("covered", "uncovered") for q in kb_corpus.questions(loc)[part]]
             for loc in LOCALES}
    found = []
    for i in range(count):
        locale = LOCALES[i % len(LOCALES)]
        q = rng.choice(asked[locale])
        if rng.random() < PREFIX_SHARE:
            found.append((q[: rng.randint(min(3, len(q)), len(q))], locale, True, WIDGET_LIMIT))
        else:
            found.append((q, locale, False, PAGE_LIMIT))
    return found


# ------------------------------------------------------------------ the children (fresh interpreters)


def _rss_kb(field: str = "VmRSS") -> int:
    match = re.search(rf"{field}:\s+(\d+)", Path("/proc/self/status").read_text())
    return int(match.group(1)) if match else 0


def _reset_peak() -> None:
    try:
        Path("/proc/self/clear_refs").write_text("5")  # VmHWM := VmRSS (Linux)
    except OSError:
        pass


def _child_build(articles_path: str, out: str) -> dict:
    from chalicelib.adapters import kb_index

    with open(articles_path, "rb") as f:
        articles, cats = pickle.load(f)
    before = _rss_kb()
    _reset_peak()
    started = time.perf_counter()
    data = kb_index.build(articles, DEFAULT_LOCALE, cats)
    seconds = time.perf_counter() - started
    Path(out).write_bytes(data)
    return {"seconds": seconds, "peak_kb": _rss_kb("VmHWM") - before}


def _child_profile(articles_path: str, queries_path: str, count: str) -> dict:
    """The build under cProfile, then ``count`` searches: where the time goes (to stderr)."""
    import cProfile
    import pstats

    from chalicelib.adapters import kb_index

    with open(articles_path, "rb") as f:
        articles, cats = pickle.load(f)
    asked = json.loads(Path(queries_path).read_text())[: int(count)]
    profiler = cProfile.Profile()
    started = time.perf_counter()
    data = profiler.runcall(kb_index.build, articles, DEFAULT_LOCALE, cats)
    built = time.perf_counter() - started
    index = kb_index.KbIndex(data)
    for locale in index.locales:
        index.search("lamp", locale)  # the vocabularies: not what a search costs
    searcher = cProfile.Profile()
    started = time.perf_counter()
    searcher.runcall(lambda: [index.search(q, loc, limit=limit, prefix=prefix) for q, loc, prefix, limit in asked])
    searched = time.perf_counter() - started
    for title, profile, seconds in (("build()", profiler, built), (f"{len(asked)} searches", searcher, searched)):
        print(f"\n{title} of {len(articles):,} article versions under cProfile: {seconds:.2f} s (slowed by the "
              "profiler); the top functions by own time, then this project's by cumulative time:", file=sys.stderr)
        stats = pstats.Stats(profile, stream=sys.stderr).strip_dirs()
        stats.sort_stats("tottime").print_stats(10)
        stats.sort_stats("cumulative").print_stats(r"kb_index|kb_text", 8)
    return {"build": built, "search": searched}


def _child_instance(index_path: str, queries_path: str, budget: str) -> dict:
    started = time.perf_counter()
    from chalicelib.adapters.kb_index import KbIndex

    imported = time.perf_counter() - started
    asked = json.loads(Path(queries_path).read_text())
    data = Path(index_path).read_bytes()  # as S3 hands it over
    before = _rss_kb()
    _reset_peak()
    started = time.perf_counter()
    index = KbIndex(data)
    loaded = time.perf_counter() - started
    locales = [loc for loc in LOCALES if loc in index.locales]  # the fixtures' English alone: English
    asked = [a for a in asked if a[1] in locales]
    firsts = {loc: next((q for q, lo, p, _ in asked if lo == loc and not p), "lamp") for loc in locales}
    index.search(firsts[DEFAULT_LOCALE], DEFAULT_LOCALE, limit=PAGE_LIMIT)
    ready = time.perf_counter() - started
    started = time.perf_counter()
    for locale in locales[1:]:
        index.search(firsts[locale], locale, limit=PAGE_LIMIT)
    others = time.perf_counter() - started if len(locales) > 1 else None
    load_peak = _rss_kb("VmHWM") - before
    del data
    times, typed, answered = [], [], 0
    until = time.perf_counter() + float(budget)
    for q, locale, prefix, limit in asked:
        started = time.perf_counter()
        hits = index.search(q, locale, limit=limit, prefix=prefix)
        times.append(time.perf_counter() - started)
        typed.append(prefix)
        answered += bool(hits)
        if started > until:
            break
    tables = index._tables.values()  # a bench may look inside
    return {
        "import": imported, "load": loaded, "ready": ready, "others": others,
        "load_peak_kb": load_peak, "held_kb": _rss_kb() - before, "times": times, "typed": typed, "answered": answered,
        "terms": [len(t.vocab) for t in tables],
    }


def _run_child(args: list[str]) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    out = subprocess.run([sys.executable, __file__, "--child", *args], cwd=ROOT, env=env,
                         capture_output=True, text=True)
    if out.returncode:
        raise RuntimeError(f"child {args[0]} failed:\n{out.stderr}")
    if out.stderr.strip():
        print(out.stderr.rstrip(), flush=True)  # the profile, or warnings: part of the report
    return json.loads(out.stdout.strip().splitlines()[-1])


_TIMER = "import time; t = time.perf_counter(); {stmt}; print(time.perf_counter() - t)"


def _time_fresh(statement: str) -> float:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    out = subprocess.run([sys.executable, "-c", _TIMER.format(stmt=statement)], cwd=ROOT, env=env,
                         capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


# ------------------------------------------------------------------ the parent


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _cases(sizes: list[int]) -> list[tuple[str, int]]:
    cases = []
    for size in sizes:
        if size == 40:
            cases += [("fixtures, en", 40), ("fixtures, 4 langs", 160)]
        elif size == 160:
            cases.append(("fixtures, 4 langs", 160))
        else:
            cases.append(("generated", size))
    return list(dict.fromkeys(cases))


def _articles(label: str, size: int) -> list:
    if label == "fixtures, en":
        return fixtures(("en",))
    if label.startswith("fixtures"):
        return fixtures(LOCALES)
    return generate(size)


def main() -> int:
    parser = argparse.ArgumentParser(description="What the knowledge base's search index costs as it grows.")
    parser.add_argument("--sizes", default="40,1000,10000", help="article versions, comma separated")
    parser.add_argument("--queries", type=int, default=3000)
    parser.add_argument("--seconds", type=float, default=30.0,
                        help="stop timing queries on one index after this long")
    parser.add_argument("--profile", nargs="?", type=int, const=-1, default=None, metavar="SIZE",
                        help="also build SIZE (default the largest) and search it under cProfile")
    parser.add_argument("--runs", type=int, default=7, help="fresh interpreters per import timing")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, *rest = args.child
        children = {"build": _child_build, "instance": _child_instance, "profile": _child_profile}
        result = children[kind](*rest)
        print(json.dumps(result))
        return 0

    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    cases = _cases(sizes)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        asked = work / "queries.json"
        asked.write_text(json.dumps(queries(args.queries)))
        cats = categories()
        for label, size in cases:
            started = time.perf_counter()
            articles = _articles(label, size)
            made = time.perf_counter() - started
            source, index = work / f"{size}.pickle", work / f"{size}.sqlite.z"
            with open(source, "wb") as f:
                pickle.dump((articles, cats), f)
            built = _run_child(["build", str(source), str(index)])
            data = index.read_bytes()
            instance = _run_child(["instance", str(index), str(asked), str(args.seconds)])
            rows.append({
                "label": label, "versions": len(articles), "slugs": len({a.slug for a in articles}),
                "chars": statistics.mean(len(a.text) for a in articles), "made": made,
                "data": len(data), "raw": len(zlib.decompress(data)), "build": built, "instance": instance,
            })
            print(f"  {label} {len(articles)}: made in {made:.1f} s, built in {built['seconds']:.1f} s, "
                  f"{len(instance['times'])} queries timed", flush=True)
        _print_tables(rows, args.queries)

        if args.profile is not None:
            size = args.profile if args.profile > 0 else max(size for _, size in cases)
            label = next(lab for lab, s in _cases([size]) if s == size)
            source = work / f"{size}.pickle"
            if not source.exists():
                with open(source, "wb") as f:
                    pickle.dump((_articles(label, size), cats), f)
            sys.stdout.flush()
            _run_child(["profile", str(source), str(asked), "300"])

        fixture_index = work / "160.sqlite.z"
        if not fixture_index.exists():
            with open(work / "160.pickle", "wb") as f:
                pickle.dump((fixtures(LOCALES), cats), f)
            _run_child(["build", str(work / "160.pickle"), str(fixture_index)])
        _print_cold(fixture_index, args.runs)
    return 0


def _print_tables(rows: list[dict], count: int) -> None:
    mb = 1 / 1e6
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\nbuild (fresh interpreter, build() alone; {os.cpu_count()} cores, load average {load})")
    print(f"{'index':<19}{'versions':>9}{'slugs':>7}{'chars/art':>10}{'terms/lang':>11}{'build s':>9}"
          f"{'ms/version':>11}{'build +MB':>10}{'S3 MB (zlib)':>13}{'SQLite MB':>10}")
    for r in rows:
        terms = r["instance"]["terms"]
        print(f"{r['label']:<19}{r['versions']:>9,}{r['slugs']:>7,}{r['chars']:>10,.0f}"
              f"{statistics.mean(terms) if terms else 0:>11,.0f}{r['build']['seconds']:>9.2f}"
              f"{r['build']['seconds'] * 1000 / r['versions']:>11.2f}{r['build']['peak_kb'] / 1000:>10.1f}"
              f"{r['data'] * mb:>13.2f}{r['raw'] * mb:>10.2f}")
    print(f"\na new instance (fresh interpreter), then up to {count:,} queries in process ({PREFIX_SHARE:.0%} "
          f"typed in the widget: prefix=True, {WIDGET_LIMIT} hits; the others {PAGE_LIMIT} hits)")
    print(f"{'index':<19}{'import ms':>10}{'load ms':>8}{'ready ms':>9}{'+3 langs':>9}{'load +MB':>9}"
          f"{'held +MB':>9}{'queries':>8}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}{'max ms':>8}{'p95 typed':>10}"
          f"{'answered':>9}")
    for r in rows:
        i = r["instance"]
        t = i["times"]
        typed = [x for x, p in zip(t, i["typed"], strict=True) if p] or [0.0]
        others = f"{i['others'] * 1000:.1f}" if i["others"] is not None else "-"
        print(f"{r['label'] + ' ' + format(r['versions'], ','):<19}{i['import'] * 1000:>10.1f}"
              f"{i['load'] * 1000:>8.1f}{i['ready'] * 1000:>9.1f}{others:>9}{i['load_peak_kb'] / 1000:>9.1f}"
              f"{i['held_kb'] / 1000:>9.1f}{len(t):>8,}{_percentile(t, 0.5) * 1000:>8.1f}"
              f"{_percentile(t, 0.95) * 1000:>8.1f}{_percentile(t, 0.99) * 1000:>8.1f}{max(t) * 1000:>8.1f}"
              f"{_percentile(typed, 0.95) * 1000:>10.1f}{i['answered'] / len(t):>9.0%}")
    print("(+MB: what the process's RSS grew by: 'build' at its peak; 'load' at its peak while loading and "
          "searching once in each language; 'held' after the queries. 'ready': KbIndex(data) + the first "
          "search; '+3 langs': the first search in each other language, ms. 'queries': as many as --seconds "
          "allowed.)")


def _print_cold(index: Path, runs: int) -> None:
    first = "import chalicelib.adapters.kb_index"
    search = (f"{first} as k, pathlib; k.KbIndex(pathlib.Path({str(index)!r}).read_bytes())"
              ".search('how long does delivery take', 'en')")
    for statement in (BASELINE, first, search):  # warm the file cache and the .pyc files
        _time_fresh(statement)
    base, imported, searched = [], [], []
    for _ in range(runs):
        base.append(_time_fresh(BASELINE))
        imported.append(_time_fresh(first))
        searched.append(_time_fresh(search))
    b = statistics.median(base)
    print(f"\ncold start, fresh interpreters, medians of {runs} (the 160-version fixture index)")
    print(f"{'':<48}{'ms':>8}{'x bare':>8}")
    print(f"{'bare dependencies (sqlite3, zlib, snowball en...)':<48}{b * 1000:>8.1f}{1:>8.2f}")
    for name, values in (("import chalicelib.adapters.kb_index", imported),
                         ("  + KbIndex(data) + first search", searched)):
        m = statistics.median(values)
        print(f"{name:<48}{m * 1000:>8.1f}{m / b:>8.2f}")


if __name__ == "__main__":
    sys.exit(main())

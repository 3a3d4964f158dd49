"""Stories whose best copy is known by construction, for the best-copy race test.

``build_stories(seed, n)`` returns ``n`` stories of 3 to 5 members each, every member an
``Article`` as the extraction stage hands it to dedup (``text``, ``published``, ``site``,
``sitename``, ``credits``, URLs). Every two members of a story are copies of each other by the
index's rules (same text, near-equal, or one a trimmed part of the other), so a story never
has two kept members at once; exactly one member is better than every other one
(``check_and_insert.lua``, ``better_than``) and no member is better than it, so whatever the
arrival order the story ends with that member kept. Stories come in five shapes:

* ``fuller``: an original and prefixes of it (5, 7 paragraphs) and a 6-paragraph prefix with
  a local paragraph: the original contains each and is at least 40 % longer.
* ``credited``: a wire story and reprints crediting the wire (verbatim with an earlier stated
  date, with a dateline and a local paragraph, trimmed, and one 35 % longer): the credited
  source wins over length and date.
* ``earlier``: near-equal copies (a sentence reworded, a line added) with distinct stated
  dates, one of them by day only: the earliest wins.
* ``canonical``: a site's canonical page, its AMP variant (same text, same date) and a later
  syndicated copy: the canonical page replaces its variant, its date beats the copy.
* ``chain``: an original, a same-length reprint crediting it with two local paragraphs, and
  two trimmed copies (the longer one stating an earlier date): replacements chain
  (trimmed -> earlier -> credited reprint -> original) in some orders.

Texts are made of pseudo-words drawn per story, so different stories share (almost) no
shingle. Everything depends on ``seed`` only.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from crawler.items import Article
from crawler.urls import article_id
from pipelines.credits import name_key

SHAPES = ("fuller", "credited", "earlier", "canonical", "chain")
_CONSONANTS = "bcdfghjklmnprstvwz"
_VOWELS = "aeiou"
_GLUE = ("the", "of", "and", "in", "to", "said", "a", "for", "on", "with", "after", "by", "would", "from")


@dataclass
class Story:
    """One story: its members (feeding order of construction) and the id of its best member."""

    number: int
    shape: str
    members: list[Article] = field(default_factory=list)
    best: str = ""


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(_CONSONANTS) + rng.choice(_VOWELS) for _ in range(rng.randint(2, 4)))


def _paragraph(rng: random.Random, vocab: list[str]) -> str:
    """About 40 words: four sentences of pseudo-words, glue words and a number."""
    sentences = []
    for _ in range(4):
        words = [rng.choice(vocab) if rng.random() < 0.7 else rng.choice(_GLUE) for _ in range(rng.randint(8, 11))]
        words.insert(rng.randint(1, len(words) - 1), str(rng.randint(2, 9800)))
        sentences.append(" ".join(words).capitalize() + ".")
    return " ".join(sentences)


def _article(story: int, site: str, slug: str, text: str, published: datetime | str, *, sitename: str = "",
             credits: tuple[str, ...] = (), canonical: str = "") -> Article:
    url = f"https://{site.replace('_', '-')}.example/{story}/{slug}"
    when = published if isinstance(published, str) else published.isoformat()
    return Article(id=article_id(url), url=url, final_url=url, canonical_url=canonical or url, site=site,
                   fetched_at="2026-03-20T12:00:00+00:00", title=f"Story {story} ({slug})", text=text,
                   published=when, sitename=sitename, credits=list(credits))


def _join(paragraphs: list[str]) -> str:
    return "\n\n".join(paragraphs)


def build_stories(seed: int, n: int = 100) -> list[Story]:
    """``n`` stories (shapes in turn), members in a seeded order with the best one anywhere."""
    stories = []
    for number in range(n):
        rng = random.Random(f"{seed}:{number}")
        vocab = [_word(rng) for _ in range(160)]
        paras = [_paragraph(rng, vocab) for _ in range(10)]
        local = [_paragraph(rng, vocab) for _ in range(3)]
        city = rng.choice(vocab).upper()
        wire = f"Wire {vocab[0].capitalize()} {number % 7}"  # a wire service among a few
        wire_site = name_key(wire).replace(" ", "_")
        t0 = datetime(2026, 3, 1 + number % 20, 6, rng.randint(0, 59), tzinfo=UTC)
        hours = timedelta(hours=1)
        paper = [f"paper_{(number + k) % 11}" for k in range(4)]  # four different sites
        shape = SHAPES[number % len(SHAPES)]
        story = Story(number, shape)
        if shape == "fuller":
            best = _article(number, paper[0], "original", _join(paras), t0)
            story.members = [
                best,
                _article(number, paper[1], "first-five", _join(paras[:5]), t0 + hours),
                _article(number, paper[2], "first-seven", _join(paras[:7]), t0 + 2 * hours),
                _article(number, paper[3], "six-and-local", _join(paras[:6] + local[:1]), t0 + 3 * hours),
            ]
        elif shape == "credited":
            text = _join(paras[:8])
            best = _article(number, wire_site, "wire", text, t0, sitename=wire)
            credit = (name_key(wire),)
            story.members = [
                best,
                _article(number, paper[0], "verbatim", text, t0 - hours, credits=credit),
                _article(number, paper[1], "dateline-local",
                         _join([f"{city} ({wire}) - {paras[0]}", *paras[1:8], local[0]]), t0 + hours,
                         credits=credit),
                _article(number, paper[2], "trimmed", _join(paras[:5]), t0 + 2 * hours, credits=credit),
                _article(number, paper[3], "longer", _join(paras[:8] + local), t0 + 3 * hours, credits=credit),
            ]
        elif shape == "earlier":
            reworded = paras[3].replace(". ", ", officials said. ", 1)
            best = _article(number, paper[0], "first", _join(paras[:8]), t0)
            story.members = [
                best,
                _article(number, paper[1], "reworded", _join(paras[:3] + [reworded] + paras[4:8]), t0 + 3 * hours),
                _article(number, paper[2], "next-day", _join(paras[:8]), (t0 + timedelta(days=1)).date().isoformat()),
                _article(number, paper[3], "with-line", _join(paras[:8] + [f"Reported from {city}."]),
                         t0 + 5 * hours),
            ]
        elif shape == "canonical":
            text = _join(paras[:8])
            best = _article(number, paper[0], "page", text, t0)
            story.members = [
                best,
                _article(number, paper[0], "page/amp", text, t0, canonical=best.url),
                _article(number, paper[1], "syndicated", _join(paras[:8] + [f"More from {city} soon."]),
                         t0 + 2 * hours),
            ]
        else:  # chain
            best = _article(number, wire_site, "original", _join(paras), t0, sitename=wire)
            story.members = [
                best,
                _article(number, paper[0], "credited-reprint", _join(paras[:8] + local[:2]), t0 + hours,
                         credits=(name_key(wire),)),
                _article(number, paper[1], "first-five", _join(paras[:5]), t0 + 2 * hours),
                _article(number, paper[2], "first-six-earlier", _join(paras[:6]), t0 - 2 * hours),
            ]
        story.best = best.id
        rng.shuffle(story.members)  # the best member anywhere in the construction order
        stories.append(story)
    return stories

"""Generic boilerplate lines of news pages, frozen for dedup normalisation version 5.

A copy of ``pipelines.extract.boilerplate.is_boilerplate`` as it was when
``NORMALIZATION_VERSION`` became 5: extraction rules keep evolving, and a change to what dedup
strips would change fingerprints without a version bump (the index would then compare texts
normalised two ways). Never edit this module: copy it to ``boilerplate_v<N>.py`` with the next
version, change the copy and point ``normalize.py`` at it. Share buttons, ad labels,
cookie/consent banners, newsletter and app promos, comment forms, copyright, credit and
"originally published" lines, "Related:" labels, bylines; a line of more than ``MAX_WORDS``
units (``pipelines.textunits``) is never boilerplate.
"""

from __future__ import annotations

import re

from pipelines.textunits import count_units

_SHARE_WORDS = frozenset(
    "share shares sharing facebook twitter x linkedin email e mail print copy link whatsapp reddit "
    "pinterest tweet on via this article story save comment comments messenger telegram flipboard "
    "bluesky threads page url the".split()
)
_SHARE_TRIGGERS = frozenset({"share", "facebook", "twitter", "linkedin", "email", "print", "tweet"})
# Short chrome lines (<= 12 words), matched at the line start.
_SHORT_CHROME = re.compile(
    r"^(advertisement|advertising|sponsored( content)?|ad|skip advertisement|scroll to continue)\W*$|"
    r"^(story|article|text)? ?(continues|continue reading)( below| after)?( the)?( advertisement| ad)?\W*$|"
    r"^[^.!?]{0,40}\badvertisement\W*$|"
    r"^(photo|photos|image|images|photograph|illustration|video|file photo)( credit)?s?\s*(by|:|/|\|)|"
    r"^(credit|credits|source)\s*:|"
    r"^(accept|reject)( all| cookies| non-essential)*( cookies)?\W*$|"
    r"^(manage|cookie) (preferences|settings|cookies)|"
    r"^(leave a (reply|comment)|no votes yet|please wait|post( comment)?|submit( comment)?|\d* ?comments?)\W*",
    re.IGNORECASE,
)
# "Related: <other headline>" style labels (<= 30 words).
_RELATED = re.compile(
    r"^(related|read more|read also|also read|see also|more|recommended|editor's picks?|"
    r"related (story|stories|coverage|articles?|content)|you may also like|"
    r"(more|related|also) (from|on|in|about|at) [^:]{1,60})\s*:",
    re.IGNORECASE,
)
# Promo / credit / consent sentences (<= 30 words) anywhere in the line; triggers first (speed).
_PROMO_TRIGGERS = ("©", "(c)", "copyright", "rights reserved", "originally", "republish", "reprint",
                   "distributed", "syndicated", "first ", "subscri", "sign up", "newsletter", "inbox",
                   "briefing", "digest", "become a", "journalism", " app", "alerts", "tip", "follow",
                   "cookie")
_PROMO = re.compile(
    r"©|\(c\)\s*\d{4}|\bcopyright\b|all rights reserved|"
    r"\b(originally (appeared|published|ran)|republished (here )?with permission|"
    r"reprinted with permission|distributed by|syndicated (via|by|from|through)|"
    r"first (appeared|published|ran) (on|in|by|at)|"
    r"subscribe|sign up|newsletter|in your inbox|unsubscribe|"
    r"(daily|weekly|morning|evening) (briefing|digest|email)|"
    r"become a (member|subscriber|supporter)|support (our|local|independent) journalism|"
    r"download (our|the) (free )?app|news alerts|news tip|tip line|"
    r"(we|this (site|website)) uses? cookies)\b|"
    r"\bfollow\b.{0,60}\b(facebook|twitter|instagram|linkedin|tiktok|youtube)\b"
)
_BYLINE = re.compile(r"^(by|By|BY)\s+[A-Z]")
_STAFF = re.compile(
    r"\b(staff( report| writer| reporter)?|correspondent|contributor|wire service|"
    r"news service|press association|reporting by|editing by|writing by)\W*$|"
    r"^from\b.{1,60}\breports?\W*$",
    re.IGNORECASE,
)
_STAFF_TRIGGERS = ("staff", "correspondent", "contributor", "wire service", "news service", "press association",
                   "report", "editing by", "writing by")
_TOKENS = re.compile(r"\w+")
MAX_WORDS = 30  # a line with more words is never boilerplate
# The triggers are plain substrings that each pattern needs in the lower-cased line: ``in`` finds
# them far faster than re's alternation scan, so most lines never reach the patterns (this
# function runs on every paragraph of every article, in extraction and in dedup).


def _contains_any(text: str, needles: tuple[str, ...] | frozenset[str]) -> bool:
    for needle in needles:  # a plain loop: about twice as fast as any() over a generator
        if needle in text:
            return True
    return False


def is_boilerplate(line: str) -> bool:
    """True when the whole (stripped) line is generic news chrome rather than article text."""
    n = count_units(line)
    if n == 0:
        return True
    if n > MAX_WORDS:
        return False
    low = line.lower()
    if ":" in line and _RELATED.match(line):
        return True
    if _contains_any(low, _PROMO_TRIGGERS) and _PROMO.search(low):
        return True
    if n <= 12 and _SHORT_CHROME.match(line.strip()):
        return True
    if n <= 14:
        if _contains_any(low, _SHARE_TRIGGERS):
            tokens = _TOKENS.findall(low)
            share_words = sum(t in _SHARE_WORDS for t in tokens)
            if share_words >= 0.7 * len(tokens) and any(t in _SHARE_TRIGGERS for t in tokens):
                return True
        if _BYLINE.match(line) or (_contains_any(low, _STAFF_TRIGGERS) and _STAFF.search(line)):
            return True
    return False


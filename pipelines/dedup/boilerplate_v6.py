"""Generic boilerplate lines of news pages, frozen for dedup normalisation version 6.

Version 5's rules (``boilerplate_v5``, itself frozen) plus registration and subscription wall
lines: the form and the notice a site shows instead of, or after, the article ("Registered users
can read up to 3 reports a month", "Already a subscriber? Log in", "Password", "Forgot your
password?"). Two different stories behind one wall share those lines byte for byte, so they are
no evidence of a shared story. Never edit this module: copy it to ``boilerplate_v<N>.py`` with
the next version, change the copy and point ``normalize.py`` at it.

A wall line has at most ``WALL_MAX_WORDS`` units (``pipelines.textunits``): a wall notice can be
a long sentence, a longer paragraph that mentions subscriptions is article text. The patterns
are general wall phrases (English, plus a few common German/French/Spanish ones), not one
site's wording.
"""

from __future__ import annotations

import re

from pipelines.dedup.boilerplate_v5 import is_boilerplate as is_boilerplate_v5
from pipelines.textunits import count_units

WALL_MAX_WORDS = 50
# Form fields and buttons: the whole (short) line.
_FORM = re.compile(
    r"^(log ?in|log ?out|sign ?in|sign ?up|register( now| here| for free| free| today)?|"
    r"(create|open) (an |a |your )?(free )?account|forgot( your)? (password|username|login)|"
    r"(reset|show|hide|enter|confirm)( your)? password|password|username|user ?name|"
    r"(your )?e-?mail( address)?( or username)?|remember me|keep me (logged|signed) in|stay (logged|signed) in|"
    r"continue with (google|facebook|apple|microsoft|e-?mail)|or (log|sign) ?in with .{1,20}|"
    r"(view|see) (subscription )?(plans|offers|options)|subscribe( now| today| here)?|my account)\W*$",
    re.IGNORECASE,
)
_N = r"(\d+|one|two|three|four|five|ten)"
_PIECES = r"(articles|stories|reports|pages|items|pieces)"
# Every wall pattern below needs one of these stems: lines without any (nearly all article
# lines) are passed over after one scan.
_GATE = re.compile(r"regist|subscri|log(ged)?[ -]?in|sign(ed)?[ -]?(in|up)|account|member|free|month|week|limit|"
                   r"access|unlock|premium|abonn|weiterlesen|suscri")
# Wall notices, anywhere in the (lower-cased) line: each pattern runs only when one of its
# trigger substrings is in the line.
_WALL: tuple[tuple[tuple[str, ...], re.Pattern[str]], ...] = tuple(
    (triggers, re.compile(pattern)) for triggers, pattern in (
        (("regist", "logged", "signed"),
         r"\b(registered|logged[- ]in|signed[- ]in) (users|readers|members|subscribers|visitors) "
         r"(can|may|get|enjoy)\b"),
        (("regist", "subscri", "sign", "log", "account", "member"),
         r"\b(register|subscribe|sign ?up|log ?in|sign ?in|create (a |an )?(free )?account|"
         r"become a (member|subscriber))\b.{0,50}\b(to|and) (continue|keep reading|read|access|unlock|view|enjoy)\b"),
        (("reading",),
         r"\b(to|and) (continue|keep) reading\b.{0,40}\b(subscri|regist|log ?in|sign ?in|account|member)"),
        (("month", "week", "free"),
         rf"\b(read|view|access|enjoy) (up to {_N}( free)?|{_N} (free|more)) {_PIECES}( free)? "
         r"(per|a|each|every|this) (month|week)\b"),
        (("free",), rf"\b(read|view|access|enjoy) (up to )?{_N} free {_PIECES}\b"),
        (("left", "remaining"),
         r"\b(articles?|stor(y|ies)|reports?) (left|remaining) (this|per|for the) (month|week)\b"),
        (("you",), r"\byou('ve| have) (reached|used|read|exhausted) (your|all( of)? your|the) "
                   r"((free|monthly|weekly) |(article|story) limit)"),
        (("?",), r"\b(already|not) (a |an )?(subscriber|member|registered)( user)?\?"),
        (("have an account",), r"(^|[.?!] )(already|(don't|do not)) have an account\b"),
        (("subscribers", "registered users", "members"),
         r"\b(exclusive(ly)?|only|available|reserved) (to|for) ((our )?(paid |premium |digital |registered )?"
         r"subscribers|registered users|(paid|premium|digital) members)\b"),
        (("access",), r"\b(unlimited|full|digital|premium) access (for|from) (just |only )?[$\u20ac\u00a3]?\d|"
                      r"\b(unlock|get) (full|unlimited) access\b"),
        (("unlock",), r"\bunlock (this|the full|full) (article|story|report)\b"),
        (("premium",), r"^premium (article|content|story|report)\b"),
        (("abonn", "weiterlesen", "suscri"),
         r"weiterlesen mit|jetzt abonnieren|bereits abonnent|réservé aux abonnés|déjà abonné|"
         r"contenido exclusivo para suscriptores|ya eres suscriptor"),
    )
)


def is_wall(line: str) -> bool:
    """True when the (stripped) line is a registration/subscription wall's notice, field or button."""
    # Cheap tests first, the unit count last: this runs on every paragraph of every article. A
    # line of single-spaced words has one more word than spaces.
    if len(line) <= 64 and _FORM.match(line.strip()):
        return 0 < count_units(line) <= 6
    if line.count(" ") >= WALL_MAX_WORDS:
        return False
    low = line.lower()
    if not _GATE.search(low):
        return False
    for triggers, pattern in _WALL:
        for trigger in triggers:  # a plain loop: faster than any() over a generator
            if trigger in low:
                if pattern.search(low) and 0 < count_units(line) <= WALL_MAX_WORDS:
                    return True
                break
    return False


def is_boilerplate(line: str) -> bool:
    """True when the whole (stripped) line is generic news chrome (``boilerplate_v5``) or a wall line."""
    return is_boilerplate_v5(line) or is_wall(line)

"""Publisher names a page credits as its source, and a normalised key for publisher names.

Floor module (stdlib only): the extraction stage fills ``Article.credits`` with
``credited_names``; the dedup stage compares those keys with ``own_names`` of the other
copies of a story to keep the copy the others name as their source.

``name_key`` makes two spellings of one publisher equal ("The Harbor Gazette", "HARBOR
GAZETTE"; "Northern Wire Service", "Northern Wire", "Northern Wire Service staff").
``named_publishers`` finds the crawled publishers a page names anywhere in its text ("according
to The Harbor Gazette", "The Harbor Gazette reported"): among near-equal copies of a story, the
one naming another copy's publisher is taken for the copy of it.

``credited_names`` reads three kinds of credit, with English cues only:

* credit lines anywhere in the text ("This story was originally published by X",
  "Reprinted with permission from X", a "Source: X" line, a "© 2026 X" line);
* a wire dateline at the start of the first paragraph ("HARBORTON (Northern Wire) — …");
* bylines and authors naming an agency rather than a person ("By X staff", "X Service").

A person ("By Jane Doe") is never a credit. A name is a run of capitalised words, so a
credit naming a publisher in lowercase or in a script without case is not read.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Container, Iterable, Sequence

MAX_CREDITS = 3  # most keys credited_names returns
_LEAD_MAX_LINES = 8  # the first paragraph is looked for among this many lines…
_PARAGRAPH_WORDS = 15  # …as the first line with this many words (kicker, headline, byline lines above it)
_NAME_MAX_WORDS = 8

# Trailing words of a name that say what kind of outlet or byline it is, not which one
# ("Northern Wire Service" -> "northern wire"); dropped repeatedly, with legal forms.
_GENERIC_TAIL = re.compile(
    r"(?:^| )(?:service|staff(?: writers?)?|reporters?|desk|inc|ltd|llc|co|corp|plc)$")
# A key made only of these words names no publisher ("wire service", "staff and wire reports").
_GENERIC_WORDS = frozenset(
    "a an the and from by staff service services wire wires news desk reporter reporters writer writers "
    "agency agencies press report reports".split())
# Last words of a byline or author that make it an agency, not a person.
_AGENCY = re.compile(r"\b(?:staff(?: writers?)?|service|desk|reporters|wire|newswire|agency)$")
# Words that are no publisher when a credit cue meets them ("first appeared on Monday").
_NOT_NAMES = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday january february march april may june july "
    "august september october november december".split())
_CONNECTORS = frozenset({"of", "for", "&", "de", "du", "la", "le", "del", "da"})  # inside a name, between capitals

# Credit lines. A cue phrase counts when its sentence is about this very page: the line or the
# sentence starts with it, or "this/the story|article|…" comes earlier in the sentence (so prose such as
# "originally published by Penguin in 1960" or "scientists credit …" is no credit). A copyright line
# needs a year: "© 2026 X" credits X, a photographer's "© Jane Doe" does not.
_CUES = re.compile(r"""
    (?: ^[ \t]* | (?<=[.!?][ \t])[ \t]*
      | \b(?:this|the|our)\s+(?:story|article|report|piece|column|essay|post|interview|feature|content)\b
        [^.\n]{0,60}?\s )
    (?: (?:originally|first)\s+(?:published|appeared|posted|ran)\s+(?:by|in|on|at)  # "originally published by X"
      | (?:republished|reprinted|reproduced)\s+(?:here\s+)?
        (?:(?:with|by)\s+(?:the\s+)?(?:kind\s+)?permission\s+)?(?:from|of|by)  # "reprinted (with permission) from X"
      | produced\s+by  # "This story was produced by X"
    )\s+
  | ^[ \t]*sources?[ \t]*:[ \t]*(?=[^\n]{1,80}$)  # a short "Source: X" line
  | ^[ \t]*(?:copyright[ \t]*)?(?:©|\(c\)|copyright)[ \t]*\d{4}(?:[ \t]*[-–][ \t]*\d{4})?[ \t,]*  # a "© 2026 X" line
""", re.IGNORECASE | re.MULTILINE | re.VERBOSE)
# A wire dateline: an upper-case city, an optional ", Dec. 3", the agency in parentheses, a dash.
_DATELINE = re.compile(
    r"([^\W\d_][^()\n,]{0,40}?)(?:,[^()\n]{1,40})?[ \t]*\(([^()\n]{2,60})\)[ \t]*(?:[—–]|--?)(?=\s|$)")
# A byline line ("By Northern Wire Service staff", "By Jane Doe for Northern Wire").
_BYLINE = re.compile(r"by[ \t]+([^\n]{2,80})$", re.IGNORECASE)
# Separators between the names of a byline ("Jane Doe, Metro Daily staff", "Jane Doe for X").
_BYLINE_PARTS = re.compile(r"\s*(?:[,;|/]|\s(?:and|&|for|of|with)\s)\s*", re.IGNORECASE)
# One word of a name: letters, digits, inner dots ("U.S"), a final dot; or a lone "&".
_TOKEN = re.compile(r"[ \t]*([^\W_](?:[\w'’&-]|\.(?=\w))*\.?|&)")


def name_key(name: str) -> str:
    """A publisher name normalised for comparison: NFKC, casefolded, runs of anything but letters
    and digits as one space, a leading "the" and trailing generic words ("service", "staff",
    "staff writers", "reporters", "desk", legal forms such as "inc") dropped; "" when nothing or
    only generic words ("wire service", "staff") are left."""
    text = unicodedata.normalize("NFKC", name or "").casefold()
    key = " ".join("".join(c if c.isalnum() else " " for c in text).split())
    key = key.removeprefix("the ")
    while (stripped := _GENERIC_TAIL.sub("", key)) != key:
        key = stripped
    return "" if all(word in _GENERIC_WORDS for word in key.split()) else key


def own_names(site: str, sitename: str) -> list[str]:
    """The name keys a site is known by: its site name's and its spider name's (``_`` as a space);
    unique, non-empty, in that order."""
    keys = (name_key(sitename), name_key((site or "").replace("_", " ")))
    return [k for i, k in enumerate(keys) if k and k not in keys[:i]]


def is_own_name(key: str, own: Sequence[str]) -> bool:
    """``key`` names the page's own publisher: one of the ``own`` name keys, or one of them with more
    words after it ("metro daily media group" on Metro Daily's copyright line)."""
    return any(key == n or key.startswith(n + " ") for n in own if n)


_WORD = re.compile(r"[^\W_]+")
_MANY_KEYS = 40


@functools.lru_cache(maxsize=4096)
def _name_pattern(key: str) -> re.Pattern[str]:
    """A name key's words in casefolded text, as whole words with anything but letters and digits
    between them ("harbor gazette": "harbor-gazette", "harbor  gazette")."""
    # starts with the literal first word (re then scans for it fast); the caller checks the
    # boundary before it (a leading \b makes every search ~0.1 ms on a 1,000-word page)
    return re.compile(r"[\W_]+".join(map(re.escape, key.split())) + r"\b")


def named_publishers(text: str, known: Iterable[str], own: Sequence[str] = ()) -> list[str]:
    """The ``known`` name keys (crawled publishers, ``name_key``) that ``text`` names, other than its
    ``own``: a key of several words anywhere as those words (case, punctuation and spacing
    ignored); a one-word key only as a capitalised word ("Guardian", not "legal guardian").
    In order of first appearance."""
    low = (text if text.isascii() else unicodedata.normalize("NFKC", text)).casefold()
    # a key's first word is among the page's words: a substring test per key (~5 us each on a
    # 1,000-word page) for a few keys, one set of the page's words (~0.2 ms) for many
    keys = [key for key in known if key and not is_own_name(key, own)]
    words: Container[str] = set(_WORD.findall(low)) if len(keys) > _MANY_KEYS else low
    candidates = [key for key in keys if key.split(" ", 1)[0] in words]
    found: list[tuple[int, str]] = []
    for key in candidates:
        starts = (m.start() for m in _name_pattern(key).finditer(low))
        pos = next((p for p in starts if p == 0 or not low[p - 1].isalnum()), -1)
        if pos < 0:
            continue
        if " " not in key:
            capitalised = re.search(rf"(?<![\w]){re.escape(key[:1].upper())}(?i:{re.escape(key[1:])})(?![\w])", text)
            if not capitalised:
                continue
            pos = capitalised.start()
        found.append((pos, key))
    return [key for _, key in sorted(found)]


def with_named(credits: Sequence[str], named: Sequence[str], known: Container[str]) -> list[str]:
    """A page's credits with the crawled publishers it names: crawled publishers first (credited,
    then named), then its other credits; unique."""
    ordered = [c for c in credits if c in known] + list(named) + [c for c in credits if c not in known]
    return list(dict.fromkeys(k for k in ordered if k))


def credited_names(text: str, authors: list[str]) -> list[str]:
    """Name keys of the publishers ``text`` (with its ``authors``) credits as its source: unique,
    in order of appearance (credits in the text first, then the authors'), at most ``MAX_CREDITS``.

    Read: credit lines anywhere (``_CUES``), a wire dateline at the start of the first paragraph
    and "By … staff"-style bylines among the lines up to it, and authors naming an agency."""
    found: list[tuple[int, str]] = []
    for match in _CUES.finditer(text):
        found.append((match.start(), name_key(_name_at(text[match.end():match.end() + 200]))))
    offset = 0
    for line in text[:4000].split("\n")[:_LEAD_MAX_LINES]:
        stripped = line.strip()
        start = offset + line.find(stripped[:1]) if stripped else offset
        dateline = _DATELINE.match(stripped)
        if dateline and dateline.group(1).isupper():
            found.append((start, name_key(_name_at(dateline.group(2)))))
        byline = _BYLINE.match(stripped)
        if byline:
            found += [(start, key) for key in _agency_keys(byline.group(1))]
        if len(stripped.split()) >= _PARAGRAPH_WORDS:
            break  # the first paragraph: a dateline further down is no dateline
        offset += len(line) + 1
    found.sort(key=lambda item: item[0])
    found += [(len(text), key) for author in authors for key in _agency_keys(author)]
    keys: list[str] = []
    for _, key in found:
        if key and key not in keys:
            keys.append(key)
    return keys[:MAX_CREDITS]


def _agency_keys(byline: str) -> list[str]:
    """Keys of the parts of a byline or author string that name an agency ("Northern Wire Service",
    "Metro Daily staff"); a person's name gives none."""
    keys = []
    for part in _BYLINE_PARTS.split(re.sub(r"^\s*by\s+", "", byline, flags=re.IGNORECASE)):
        part = part.strip(" .")
        if part[:1].isupper() and len(part.split()) <= _NAME_MAX_WORDS and _AGENCY.search(part.casefold()):
            keys.append(name_key(part))
    return keys


def _name_at(text: str) -> str:
    """The publisher name ``text`` starts with: capitalised words (a leading "the", connectors such
    as "of" or "&" between two of them), up to the first other word or punctuation; "" if none."""
    words: list[str] = []
    pending: list[str] = []  # a leading "the" or connectors, kept only if a capitalised word follows
    pos = 0
    while len(words) < _NAME_MAX_WORDS and (match := _TOKEN.match(text, pos)):
        token, pos = match.group(1), match.end()
        lower = token.lower()
        if (lower == "the" and not words and not pending) or (words and lower in _CONNECTORS):
            pending.append(token)
            continue
        if not (token[0].isupper() or (words and token[0].isdigit())):
            break
        words += pending + [token]
        pending = []
        if token.endswith(".") and len(token) > 4 and "." not in token[:-1]:
            break  # a sentence ends here ("… by Metro Daily. The story …"); "Co." or "U.S." goes on
    first = words[1] if words and words[0].lower() == "the" else words[0] if words else ""
    return "" if first.lower().rstrip(".") in _NOT_NAMES else " ".join(words)

"""Generic boilerplate lines of news pages (shared by extraction and dedup normalisation).

Lines that are share buttons, ad labels, cookie/consent banners, newsletter promos,
comment forms, copyright and credit lines. These are conventions of news sites in
general, not strings of one site; per-site repeated lines are learned elsewhere.
"""

from __future__ import annotations

import re

BOILERPLATE_LINE = re.compile(
    r"""^(?:
        (?:share|tweet|email|print|save)(?:\s+(?:this|on|via)\b.*)?      # share buttons
      | share\s+(?:this\s+)?(?:article|story|post|page).*
      | (?:advertisement|sponsored(?:\s+content)?|ad|skip\s+advert.*)     # ad slot labels
      | .*\bcontinues\s+below\s+(?:this\s+)?advert.*
      | (?:read|see)\s+(?:more|also)\b.*                                  # "Read more: …"
      | related(?:\s+(?:stories|articles|coverage))?\s*:.*
      | (?:sign\s+up|subscribe)\b.*                                       # promos
      | .*\bnewsletter\b.*\b(?:sign\s+up|subscribe)\b.*
      | .*\b(?:we|this\s+(?:site|website))\s+uses?\s+cookies\b.*          # cookie banners
      | (?:accept|reject)(?:\s+all|\s+cookies|\s+non-essential)?(?:\s+cookies)?
      | (?:manage|cookie)\s+(?:preferences|settings|cookies).*
      | leave\s+a\s+(?:reply|comment).*                                   # comment forms
      | no\s+votes\s+yet.*
      | please\s+wait.*
      | (?:post|submit)(?:\s+comment)?
      | (?:\d+\s+)?comments?
      | (?:©|\(c\)|copyright)\s*\d{0,4}.*                                 # copyright lines
      | all\s+rights\s+reserved.*
      | (?:this\s+(?:story|article)\s+)?(?:was\s+)?(?:originally|first)\s+(?:appeared|published)\b.*
      | (?:photo|image)(?:\s+credit)?\s*:.*
      | (?:source|credit)\s*:.*
    )$""",
    re.VERBOSE | re.IGNORECASE,
)


def is_boilerplate(line: str) -> bool:
    """True when the whole (stripped) line is a generic boilerplate line."""
    return bool(BOILERPLATE_LINE.match(line.strip()))


def strip_boilerplate(text: str) -> str:
    """``text`` without its boilerplate lines (line structure otherwise kept)."""
    return "\n".join(line for line in text.splitlines() if line.strip() and not is_boilerplate(line))

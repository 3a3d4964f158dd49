"""``Extraction``: what the extraction stage read from one page, kept or dropped."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from pipelines.drops import ExtractionDrop
from pipelines.extract.newsmeta import NewsMetadata
from pipelines.textunits import count_units


@dataclass
class Extraction:
    """What the extraction stage read from one page (also when it drops the page)."""

    text: str = ""
    title: str = ""
    authors: list[str] = field(default_factory=list)
    published: str = ""
    updated: str = ""
    language: str = ""
    detected_language: str = ""  # py3langid's answer on the text (pipelines.extract.language)
    language_probability: float = 0.0
    canonical_url: str = ""
    sitename: str = ""
    credits: list[str] = field(default_factory=list)  # name keys of the sources credited (pipelines.credits)
    news: NewsMetadata = field(default_factory=NewsMetadata)  # image, description, tags, section, free access
    passes: list[str] = field(default_factory=list)  # modes run, in order, then "articleBody" / "justext"
    drop: ExtractionDrop | None = None  # why the page is not kept, or None
    guarded: list[str] = field(default_factory=list)  # rules the reference guard undid ("empty": all of them)
    guard_evidence: dict[str, Any] = field(default_factory=dict)  # per undone rule: the words behind it

    @property
    def drop_reason(self) -> str:
        return self.drop.__class__.__name__ if self.drop is not None else ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "title": self.title, "authors": self.authors, "published": self.published, "updated": self.updated,
            "language": self.language, "detected_language": self.detected_language,
            "language_probability": round(self.language_probability, 3),
            "canonical_url": self.canonical_url, "sitename": self.sitename, "credits": self.credits,
            **asdict(self.news), "word_count": count_units(self.text),
            "passes": self.passes, "guarded": self.guarded, "dropped": self.drop_reason or None,
            "drop_message": str(self.drop) if self.drop is not None else None, "text": self.text,
        }

"""Recorded pages of the sites (``scrapy savefixture``): tests/sites/fixtures/<site>/<slug>.html.gz + .json."""

from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def recorded_pages(site: str | None = None, root: Path = FIXTURES) -> list[Path]:
    """The ``.json`` records of ``site`` (every site when None), sorted."""
    pattern = f"{site}/*.json" if site else "*/*.json"
    return sorted(root.glob(pattern))

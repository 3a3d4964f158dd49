"""Turn stories, reprint recipes and broken specs into served pages with ground truth.

``build_catalog(multiply=1)`` is deterministic: the same call always yields the same
pages, paths and numeric ids, whatever the ports (paths are relative to a base URL).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import datetime, timedelta

from demo.model import Block, BrokenSpec, Page, Reprint, Story, parse_block
from demo.multiply import scramble
from demo.publishers import NUM_SCHEME, publisher
from demo.stories import BROKEN, HELD_ORDER, REPRINTS, STORIES, curly, slugify, story_by_id

_ROLE = {"original": "original", "independent": "independent", "update": "update",
         "malformed": "broken", "wrong_charset": "broken"}
STORY_ROLES = ("original", "reprint", "independent", "update")


@dataclasses.dataclass(frozen=True)
class Catalog:
    """Every page of the network (held ones included) and the order held stories appear."""

    pages: tuple[Page, ...]
    held_order: tuple[str, ...]

    def by_key(self) -> dict[str, Page]:
        """{page key: Page}."""
        return {p.key: p for p in self.pages}

    def for_site(self, site: str) -> list[Page]:
        """Pages of one publisher, in catalog order."""
        return [p for p in self.pages if p.site == site]

    def initial_families(self) -> set[str]:
        """Families served from the start (everything not held back)."""
        return {p.family for p in self.pages if not p.held}


def _local(site: str, when: str) -> datetime:
    return datetime.strptime(when, "%Y-%m-%d %H:%M").replace(tzinfo=publisher(site).tz)


def _story_blocks(s: Story) -> tuple[Block, ...]:
    """The story's paragraphs as blocks; in-text links point at page keys of its publisher."""
    out = []
    for paragraph in s.paragraphs:
        b = parse_block(paragraph)
        out.append(b._replace(links=tuple((text, f"{s.site}/{sid}") for text, sid in b.links)))
    return tuple(out)


def _story_pages(s: Story) -> list[Page]:
    role = _ROLE[s.kind]
    page = Page(
        key=f"{s.site}/{s.id}", site=s.site, slug=s.slug or slugify(s.headline), num=0, path="",
        headline=s.headline, author=s.author, published=_local(s.site, s.published), layout=s.layout, lang=s.lang,
        blocks=_story_blocks(s), story=s.id, role=role, family=s.id,
        base_family=s.id, broken=s.kind if role == "broken" else None, event=s.event,
        updates=f"{s.site}/{s.updates}" if s.updates else None, held=s.held,
    )
    pages = [page]
    if s.url_duplicate:
        pages.append(dataclasses.replace(
            page, key=f"{page.key}/dup", role="url_duplicate", canonical=page.key, listed=False,
        ))
    return pages


def _reprint_page(r: Reprint, src: Story) -> Page:
    paras = list(src.prose[: r.keep] if r.keep else src.prose)
    if r.local:
        paras.insert(r.local[0], r.local[1])
    if r.dateline:
        paras[0] = r.dateline + paras[0]
    if r.byline_top:
        paras.insert(0, r.byline_top)
    if r.credit_bottom:
        paras.append(r.credit_bottom)
    if r.curly:
        paras = [curly(p) for p in paras]
    boiler = dict(r.boilerplate)
    blocks: list[Block] = []
    for i, text in enumerate(paras):
        if i in boiler:
            blocks.append(_boiler_block(boiler[i]))
        blocks.append(Block("p", text))
    headline = r.headline or src.headline
    return Page(
        key=f"{r.site}/{src.id}", site=r.site, slug=r.slug or slugify(headline), num=0, path="",
        layout=r.layout, lang=src.lang,
        headline=curly(headline) if r.curly else headline, author=r.author or src.author,
        published=(_local(src.site, src.published) + timedelta(minutes=r.delay_minutes)).astimezone(
            publisher(r.site).tz
        ),
        blocks=tuple(blocks), story=src.id, role="reprint", family=src.id, base_family=src.id,
        held=src.held,
    )


def _boiler_block(kind: str) -> Block:
    text = {"share": "Share this article", "ad": "Advertisement", "readmore": ""}[kind]
    return Block(kind, text)


def _broken_page(b: BrokenSpec) -> Page:
    slug = {"not_article": "index", "binary": "annual-transparency-report-2026"}.get(b.broken)
    key = f"{b.site}/broken-{b.broken}"
    return Page(
        key=key, site=b.site, slug=slug or slugify(b.headline), num=0, path="", headline=b.headline,
        author=f"{publisher(b.site).name} staff", published=_local(b.site, b.published), blocks=(), story=None,
        role="broken",
        family=key, base_family=key, broken=b.broken, listed=b.listed,
    )


def _assign_paths(pages: list[Page]) -> list[Page]:
    out: dict[str, Page] = {}
    for site in dict.fromkeys(p.site for p in pages):
        start, step = NUM_SCHEME[site]
        pub = publisher(site)
        own = sorted((p for p in pages if p.site == site and p.canonical is None), key=lambda p: (p.published, p.key))
        for i, p in enumerate(own):
            num = start + step * i if step else 0
            out[p.key] = dataclasses.replace(p, num=num, path=pub.article_path(p.published, p.slug, num))
    for p in pages:
        if p.canonical is not None:
            base = out[p.canonical]
            out[p.key] = dataclasses.replace(
                p, num=base.num, path=publisher(p.site).duplicate_path(base.path)
            )
    return [out[p.key] for p in pages]


def _is_plain(p: Page) -> bool:
    """A normal article a related/read-more link may point to."""
    return p.role in STORY_ROLES and not p.held


def _resolve_readmore(pages: list[Page]) -> list[Page]:
    out = []
    for p in pages:
        if not any(b.kind == "readmore" for b in p.blocks):
            out.append(p)
            continue
        cands = [q for q in pages if q.site == p.site and q.lang == p.lang and _is_plain(q) and q.family != p.family]
        earlier = [q for q in cands if q.published < p.published]
        target = max(earlier, key=lambda q: q.published) if earlier else min(cands, key=lambda q: q.published)
        blocks = tuple(
            Block("readmore", target.headline, target.key) if b.kind == "readmore" else b for b in p.blocks
        )
        out.append(dataclasses.replace(p, blocks=blocks))
    return out


def _copy(p: Page, k: int) -> Page:
    def sk(key: str | None) -> str | None:
        return f"{key}~k{k}" if key else None

    blocks = tuple(
        Block(b.kind, scramble(b.text, k) if b.kind in ("p", "readmore", "h", "figure", "pullquote") else b.text,
              sk(b.ref), tuple((scramble(text, k), f"{key}~k{k}") for text, key in b.links))
        for b in p.blocks
    )
    return dataclasses.replace(
        p, key=f"{p.key}~k{k}", slug=f"{p.slug}-k{k}", num=0, path="", headline=scramble(p.headline, k),
        blocks=blocks, story=sk(p.story), family=f"{p.family}~k{k}", event=sk(p.event),
        updates=sk(p.updates), canonical=sk(p.canonical),
    )


def _multiply(pages: list[Page], k_max: int) -> list[Page]:
    out = list(pages)
    for k in range(2, k_max + 1):
        for p in pages:
            if p.story is None:
                continue  # story-less broken pages exist once
            c = _copy(p, k)
            if c.canonical is None:
                pub = publisher(c.site)
                c = dataclasses.replace(c, num=p.num + k * 1_000_000)
                c = dataclasses.replace(c, path=pub.article_path(c.published, c.slug, c.num))
            out.append(c)
    by_key = {p.key: p for p in out}
    fixed = []
    for p in out:
        if p.canonical is not None and p.path == "":
            base = by_key[p.canonical]
            p = dataclasses.replace(p, num=base.num, path=publisher(p.site).duplicate_path(base.path))
        fixed.append(p)
    return fixed


def _with_related(pages: list[Page], n: int = 3) -> list[Page]:
    """Each page's "Related stories": the ``n`` nearest in time of its publisher and language."""
    out = []
    for p in pages:
        cands = [q for q in pages if q.site == p.site and q.lang == p.lang and _is_plain(q) and q.family != p.family]
        cands.sort(key=lambda q: (abs((q.published - p.published).total_seconds()), q.key))
        out.append(dataclasses.replace(p, related=tuple(q.key for q in cands[:n])))
    return out


def _base_pages() -> Iterable[Page]:
    stories = story_by_id()
    for s in STORIES:
        yield from _story_pages(s)
    for r in REPRINTS:
        yield _reprint_page(r, stories[r.source])
    for b in BROKEN:
        yield _broken_page(b)


def build_catalog(multiply: int = 1) -> Catalog:
    """All pages. ``multiply`` >= 1 serves that many copies of every story (see ``demo.multiply``)."""
    if multiply < 1:
        raise ValueError("multiply must be >= 1")
    pages = _resolve_readmore(_assign_paths(list(_base_pages())))
    if multiply > 1:
        pages = _multiply(pages, multiply)
    pages = _with_related(pages)
    keys = [p.key for p in pages]
    paths = [(p.site, p.path) for p in pages]
    assert len(set(keys)) == len(keys), "duplicate page keys"
    assert len(set(paths)) == len(paths), "duplicate paths"
    return Catalog(pages=tuple(pages), held_order=HELD_ORDER)

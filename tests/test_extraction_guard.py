"""The rule registry, the reference guard and the page-class margins of the extraction stage,
each on a small page written for the failure class it guards against."""

from __future__ import annotations

import json
import re
from pathlib import Path

import trafilatura

from pipelines.extract import ArticleExtractor
from pipelines.extract.classify import listing_limit, paywall_in_tree
from pipelines.extract.cleanup import drop_title_line
from pipelines.extract.container import drop_foreign_lines
from pipelines.extract.rules import RULE_SETTINGS, RULES, Page, run_text_rules

ROOT = Path(__file__).resolve().parent.parent
SENTENCES = [
    "The harbour board met on Tuesday evening to discuss the replacement of the north quay cranes.",
    "Engineers told the members that the oldest crane had failed its inspection for the second year running.",
    "A new pair of electric cranes would cost about four million and take eighteen months to install.",
    "Dock workers said the delays had already pushed two container lines to the rival port across the bay.",
    "The chair promised a final decision before the end of the month after a public consultation.",
    "Local businesses welcomed the plan but asked for the work to be scheduled outside the busy summer season.",
]
URL = "https://courier.example/news/cranes"


# --- the registry --------------------------------------------------------------------------------

def test_every_registered_rule_is_documented_and_every_documented_rule_registered() -> None:
    docs = (ROOT / "docs" / "extraction-rules.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^## `([a-z_]+)`", docs, re.MULTILINE))
    registered = {rule.name for rule in RULES}
    assert len(registered) == len(RULES)  # names are unique
    assert documented == registered


def test_every_rule_family_setting_has_a_documented_default_in_base() -> None:
    base = (ROOT / "settings" / "base.py").read_text(encoding="utf-8")
    for setting in [*RULE_SETTINGS, "EXTRACT_GUARD_MAX_LOSS", "EXTRACT_LISTING_PROSE_MARGIN"]:
        line = next((line for line in base.splitlines() if line.startswith(f"{setting} =")), "")
        assert line and "#" in line, setting
    assert all(rule.phase in ("tree", "text") and rule.reason for rule in RULES)


def test_a_family_setting_switches_its_rules_only() -> None:
    extractor = ArticleExtractor(trim_closing=False)
    off = {rule.name for rule in RULES if not extractor.enabled(rule)}
    assert off == {"call_to_action", "closing_block", "closing_lines"}


# --- failure class 1: a table-layout page read as one long line starting with the headline --------

TITLE = "Harbour board weighs new cranes for the north quay"


def test_a_long_line_starting_with_the_headline_is_text_not_the_headline() -> None:
    line = f"{TITLE} {' '.join(SENTENCES)}"
    assert drop_title_line(line, TITLE) == line
    assert drop_title_line(f"{TITLE} | Courier\n{line}", TITLE) == line  # the headline line itself still goes


def test_table_layout_page_keeps_its_article() -> None:
    body = " ".join(SENTENCES * 6)
    html = (f"<html><head><title>{TITLE}</title></head><body><table><tr><td><font size=2><b>{TITLE}</b> "
            f"{body}</font></td></tr></table></body></html>")
    result = ArticleExtractor().analyse(html, URL)
    assert result.drop is None
    assert len(result.text.split()) >= len(body.split())


# --- failure class 2: a cut that would remove most of what trafilatura kept ---------------------

def _feature() -> tuple[str, Page]:
    """A feature whose longest paragraphs are photo captions in a gallery box: the container of the
    longest paragraphs is the gallery, so the container rule would cut the article's body."""
    captions = [f"Photo {i}: {SENTENCES[i % 6]} {SENTENCES[(i + 2) % 6]} {SENTENCES[(i + 4) % 6]}" for i in range(8)]
    body = [f"Section {i} of the story. {SENTENCES[i % 6]}" for i in range(60)]
    html = ("<html><body><div class='gallery'>" + "".join(f"<p>{c}</p>" for c in captions) + "</div>"
            "<div class='story'>" + "".join(f"<p>{b}</p>" for b in body) + "</div></body></html>")
    tree = trafilatura.load_html(html)
    return "\n".join(captions + body), Page(tree=tree, html=html, url=URL)


def test_the_container_rule_alone_would_throw_the_feature_away() -> None:
    text, page = _feature()
    assert len(drop_foreign_lines(text, page.tree).split()) < 0.5 * len(text.split())


def test_the_guard_undoes_a_rule_removing_most_of_the_reference() -> None:
    text, page = _feature()
    run = run_text_rules(text, text, page, lambda rule: rule.name == "foreign_lines", max_loss=0.4)
    assert run.text == text
    assert run.guarded == ["foreign_lines"]
    assert run.evidence["foreign_lines"]["removed_words"] > 0.4 * run.evidence["foreign_lines"]["reference_words"]
    unguarded = run_text_rules(text, text, page, lambda rule: rule.name == "foreign_lines", max_loss=0)
    assert unguarded.guarded == [] and len(unguarded.text) < len(text)


def test_a_strong_rule_may_cut_a_large_related_block() -> None:
    article = "\n".join(SENTENCES * 3)
    related = "\n".join(f"Harbour story number {i} about the cranes and the quay" for i in range(20))
    text = f"{article}\nRelated stories\n{related}"
    run = run_text_rules(text, text, Page(tree=None, html="", url=URL),
                         lambda rule: rule.name == "related_block", max_loss=0.4)
    assert run.text == article and run.guarded == []


# --- failure class 3: a roundup of prose under linked headings ------------------------------------

def _roundup() -> str:
    items = []
    for i in range(10):
        items.append(
            f"<h2><a href='/s{i}'>Thing {i}: the board story number {i} you need</a></h2>"
            f"<p>{SENTENCES[i % 6]} <a href='/x{i}'>read the full council report on the north quay works and "
            f"the crane tender {i}</a> and {SENTENCES[(i + 1) % 6]} <a href='/y{i}'>see what the dock workers "
            f"union said about the harbour plan {i}</a></p>")
    return (f"<html><head><title>10 things you need to know today</title></head><body><article>"
            f"<h1>10 things you need to know today</h1>{''.join(items)}</article></body></html>")


def test_a_roundup_with_hundreds_of_words_of_prose_is_an_article() -> None:
    url = "https://courier.example/news/10-things"
    assert ArticleExtractor().analyse(_roundup(), url).drop is None
    without_margin = ArticleExtractor(listing_prose_margin=0).analyse(_roundup(), url)
    assert without_margin.drop_reason == "NotAnArticle"  # the link share alone is over the limit
    assert without_margin.drop.evidence["listing_share"] >= 0.5


def test_a_page_of_linked_headlines_is_still_a_listing() -> None:
    items = "".join(f"<li><a href='/n{i}'>Harbour board story number {i} about the cranes and the quay</a></li>"
                    for i in range(30))
    result = ArticleExtractor().analyse(f"<html><head><title>News</title></head><body><ul>{items}</ul></body></html>",
                                        "https://courier.example/news/")
    assert result.drop_reason == "NotAnArticle"
    assert result.drop.evidence["limit"] == 0.5  # no prose outside the links: no margin


def test_listing_limit_grows_with_prose_outside_the_links() -> None:
    assert listing_limit(0.5, 0, 0.9, 0.25, 600) == 0.5
    assert 0.5 < listing_limit(0.5, 400, 0.5, 0.25, 600) < listing_limit(0.5, 2000, 0.5, 0.25, 600) == 0.75


# --- failure class 4: a paywall marker left over from the template --------------------------------

def _reprint(data: dict) -> str:
    article = " ".join(SENTENCES * 2)
    return (f"<html><head><title>Cranes approved for the quay</title><script type='application/ld+json'>"
            f"{json.dumps(data)}</script></head><body><article><h1>Cranes approved for the quay</h1>"
            f"<p>{article}</p></article></body></html>")


def test_a_template_leftover_paywall_marker_does_not_make_a_teaser() -> None:
    other = {"@type": "NewsArticle", "headline": "Budget row deepens at city hall",
             "url": "https://courier.example/news/budget", "isAccessibleForFree": False}
    result = ArticleExtractor().analyse(_reprint(other), URL)
    assert result.drop is None


def test_the_pages_own_paywall_marker_makes_a_teaser() -> None:
    by_url = {"@type": "NewsArticle", "url": "https://www.courier.example/news/cranes/", "isAccessibleForFree": "False"}
    by_headline = {"@graph": [{"@type": "NewsArticle", "headline": "Cranes approved for the quay",
                               "hasPart": {"@type": "WebPageElement", "isAccessibleForFree": False}}]}
    for data in (by_url, by_headline):
        result = ArticleExtractor().analyse(_reprint(data), URL)
        assert result.drop_reason == "PaywallTeaser"
        assert result.drop.evidence["marker"] == "isAccessibleForFree: false"


def test_paywall_in_tree_needs_the_marker_on_this_pages_object() -> None:
    html = _reprint({"@type": "WebSite", "name": "Courier", "isAccessibleForFree": False})
    tree = trafilatura.load_html(html)
    assert paywall_in_tree(tree, html, url=URL, title="Cranes approved for the quay") == ""


# --- the empty-result fallback ----------------------------------------------------------------------

def test_an_empty_result_falls_back_to_the_reference() -> None:
    html = (f"<html><head><title>{TITLE}</title></head><body><article>"
            + "".join(f"<p>{s}</p>" for s in SENTENCES * 2) + "</article></body></html>")
    extractor = ArticleExtractor(boilerplate_lines=[r".*"])  # a site pattern that matches every line
    result = extractor.analyse(html, URL)
    assert result.drop is None and "empty" in result.guarded
    assert SENTENCES[0] in result.text


def test_the_pipeline_counts_what_the_guard_undid() -> None:
    from scrapy.utils.misc import build_from_crawler
    from scrapy.utils.test import get_crawler

    from crawler.items import ArticlePage
    from pipelines.extract import ExtractionPipeline
    from tests.conftest import project_settings, settled

    settings = {**project_settings(), "EXTRACT_WORKERS": 0, "EXTRACT_BOILERPLATE_LINES": [r".*"]}
    crawler = get_crawler(settings_dict=settings)
    crawler.stats.open_spider()
    stage = build_from_crawler(ExtractionPipeline, crawler)
    html = (f"<html><head><title>{TITLE}</title></head><body><article>"
            + "".join(f"<p>{s}</p>" for s in SENTENCES * 2) + "</article></body></html>")
    item = ArticlePage(url=URL, final_url=URL, site="courier", fetched_at="2026-11-26T10:00:00+00:00", html=html)
    article = settled(stage.process_item(item))
    assert SENTENCES[0] in article.text
    assert crawler.stats.get_value("extract/guard/empty") == 1

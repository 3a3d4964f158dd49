"""The extraction rules, in ONE registry, and the reference guard that runs them.

Every rule the extraction stage applies around trafilatura is a ``Rule`` in ``RULES``: its name
(the section of ``docs/extraction-rules.md`` holding its measured evidence, and the stat
``extract/guard/<name>`` when the guard undoes it), its phase (``"tree"``: a repair of the
parsed page before trafilatura reads it; ``"text"``: a rescue or a cut of the extracted text),
the ``EXTRACT_*`` setting that switches its family, and a one-line reason.
``ArticleExtractor.analyse`` runs the registry: ``run_tree_rules`` before trafilatura,
``run_text_rules`` after it.

The guard: trafilatura's own text of the page (before any text rule) is the reference; a rescue
that replaces it with a longer text (JSON-LD ``articleBody``, jusText) raises the reference's word
count to its own. A text rule that removes more than ``max_loss`` of the reference's words is undone
for that page unless it is
``strong`` (its signal is explicit enough to remove a large block: a "Related stories" heading,
a cookie-consent sentence); the undone rules are listed in ``RuleRun.guarded``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pipelines.extract.blocks import number_ordered_items, restore_headings, unlink_article_link_lists
from pipelines.extract.boilerplate import strip_boilerplate
from pipelines.extract.cleanup import (
    cut_author_bio,
    cut_consent_notice,
    cut_first_name_bio,
    drop_repeated_lines,
    drop_title_line,
    structured_body,
)
from pipelines.extract.closing import (
    cut_closing_block,
    cut_closing_lines,
    cut_related_block,
    drop_call_to_action_lines,
    drop_template_runs,
)
from pipelines.extract.container import drop_foreign_lines
from pipelines.extract.repair import (
    _STREAM_SEGMENT,
    drop_streaming_fallbacks,
    label_disclosure_controls,
    open_disclosure_panels,
    open_misplaced_navigation,
    open_quotation_figures,
    place_streamed_segments,
    read_prose_divisions,
    repair_end_tags,
    wrap_prose_tails,
)


@dataclass
class Page:
    """What a rule may read: the parsed page (repaired), its html, url, and the metadata read so far."""

    tree: Any
    html: str
    url: str
    title: str = ""
    authors: list[str] = field(default_factory=list)
    site_lines: list[Any] = field(default_factory=list)  # compiled regexes of EXTRACT_BOILERPLATE_LINES
    passes: list[str] = field(default_factory=list)  # the extractor's passes; a rescue that wins adds its name
    rescue: Callable[[str], str] = lambda text: text  # the extractor's jusText rescue (its thresholds bound)


@dataclass(frozen=True)
class Rule:
    """One registered rule. ``apply`` is ``(tree, html) -> None`` for a tree rule (``needs``: a
    substring the html must hold for the rule to have anything to do) and ``(text, page) -> text``
    for a text rule."""

    name: str
    phase: str  # "tree" | "text"
    setting: str  # the EXTRACT_* boolean that switches the rule's family
    reason: str
    apply: Callable[..., Any]
    strong: bool = False  # may remove more than the guard's share of the reference's words
    needs: tuple[str, ...] = ()
    html_fix: Callable[[str], str] | None = None  # a tree rule's repair of the html before it is parsed


def _site_lines(text: str, page: Page) -> str:
    if not page.site_lines:
        return text
    return "\n".join(
        line for line in text.splitlines() if not any(r.fullmatch(line.strip()) for r in page.site_lines)
    )


def _disclosure(tree: Any) -> None:
    open_disclosure_panels(tree)
    label_disclosure_controls(tree)


def _structured(text: str, page: Page) -> str:
    body = structured_body(page.html, text)
    if not body:
        return text
    page.passes.append("articleBody")
    return body


def _noop(tree: Any, html: str) -> None:
    return None


RULES: tuple[Rule, ...] = (
    Rule("early_end_tags", "tree", "EXTRACT_REPAIR_TREE",
         "a browser reads on past an early </body></html>; libxml2 stops there and loses the rest",
         _noop, html_fix=repair_end_tags),
    Rule("streamed_segments", "tree", "EXTRACT_REPAIR_TREE",
         "React's streamed segments sit at the end of the body; a browser shows them in place",
         lambda tree, html: place_streamed_segments(tree), needs=(_STREAM_SEGMENT,),
         html_fix=drop_streaming_fallbacks),
    Rule("quotation_figures", "tree", "EXTRACT_REPAIR_TREE",
         "trafilatura drops every <figure>; one holding a <blockquote> and a <figcaption> is a quotation",
         lambda tree, html: open_quotation_figures(tree), needs=("<blockquote", "<figcaption")),
    Rule("disclosure_panels", "tree", "EXTRACT_REPAIR_TREE",
         "collapsed panels named by aria-controls (FAQ answers) and their buttons are text a reader opens",
         lambda tree, html: _disclosure(tree), needs=("aria-controls",)),
    Rule("misplaced_navigation", "tree", "EXTRACT_REPAIR_TREE",
         "a <nav> wrapping <main> or an <article> is a broken template, not a menu",
         lambda tree, html: open_misplaced_navigation(tree)),
    Rule("prose_tails", "tree", "EXTRACT_REPAIR_TREE",
         "sentence-length prose left loose between blocks (after an ad slot) is part of the article",
         lambda tree, html: wrap_prose_tails(tree)),
    Rule("prose_divisions", "tree", "EXTRACT_REPAIR_TREE",
         "a bare <div> of prose among paragraphs is a paragraph trafilatura would drop",
         lambda tree, html: read_prose_divisions(tree)),
    Rule("article_link_lists", "tree", "EXTRACT_REPAIR_TREE",
         "link lists inside the running text (sources, products) are text, not navigation",
         lambda tree, html: unlink_article_link_lists(tree)),
    Rule("numbered_items", "tree", "EXTRACT_REPAIR_TREE",
         "ordered-list items carry the numbers a browser shows",
         lambda tree, html: number_ordered_items(tree), needs=("<ol",)),
    Rule("structured_body", "text", "EXTRACT_STRUCTURED_BODY",
         "the page's JSON-LD articleBody when it is much longer than the text and contains it",
         _structured),
    Rule("justext_rescue", "text", "EXTRACT_RESCUE_SHARE",
         "jusText's paragraphs when trafilatura kept a sliver of a page full of prose",
         lambda text, page: text if "articleBody" in page.passes else page.rescue(text)),
    Rule("restore_headings", "text", "EXTRACT_REPAIR_TREE",
         "subheadings trafilatura dropped above paragraphs it kept are article text",
         lambda text, page: restore_headings(page.tree, text)),
    Rule("boilerplate_lines", "text", "EXTRACT_STRIP_BOILERPLATE",
         "generic share/subscribe/advertisement lines are not article text",
         lambda text, page: strip_boilerplate(text)),
    Rule("site_lines", "text", "EXTRACT_STRIP_BOILERPLATE",
         "a site's own boilerplate lines (EXTRACT_BOILERPLATE_LINES, written for the site) are not article text",
         _site_lines, strong=True),
    Rule("related_block", "text", "EXTRACT_TRIM_RELATED",
         "a block under a 'Related stories / More from / References' heading is the page's, not the article's",
         lambda text, page: cut_related_block(text), strong=True),
    Rule("consent_notice", "text", "EXTRACT_TRIM_CONSENT",
         "a trailing cookie-consent panel is not article text",
         lambda text, page: cut_consent_notice(text), strong=True),
    Rule("title_line", "text", "EXTRACT_TRIM_TITLE",
         "the headline repeated atop the body is the title field, not text",
         lambda text, page: drop_title_line(text, page.title)),
    Rule("author_bio", "text", "EXTRACT_TRIM_BIO",
         "a trailing '<author> is a writer ...' paragraph is a bio, not text",
         lambda text, page: cut_author_bio(text, page.authors)),
    Rule("first_name_bio", "text", "EXTRACT_TRIM_BIO",
         "a trailing bio naming the author by first name only is a bio, not text",
         lambda text, page: cut_first_name_bio(text, page.authors)),
    Rule("call_to_action", "text", "EXTRACT_TRIM_CLOSING",
         "short button labels ('Where to buy', 'Get started') are not text",
         lambda text, page: drop_call_to_action_lines(text)),
    Rule("closing_block", "text", "EXTRACT_TRIM_CLOSING",
         "a closing block opened by an appeal or a credit line ends the article",
         lambda text, page: cut_closing_block(text)),
    Rule("closing_lines", "text", "EXTRACT_TRIM_CLOSING",
         "a trailing run of dates, tags, credits and disclaimers is page chrome",
         lambda text, page: cut_closing_lines(text)),
    Rule("template_runs", "text", "EXTRACT_TRIM_REPEATS",
         "runs of short lines opening with the same words are links to sibling pages",
         lambda text, page: drop_template_runs(text)),
    Rule("repeated_lines", "text", "EXTRACT_TRIM_REPEATS",
         "a line the page prints three times or more is a repeated box; its first copy stays",
         lambda text, page: drop_repeated_lines(text)),
    Rule("foreign_lines", "text", "EXTRACT_TRIM_FOREIGN",
         "lines from outside the container of the article's longest paragraphs are sidebars and footers",
         lambda text, page: drop_foreign_lines(text, page.tree)),
)

RULE_SETTINGS: tuple[str, ...] = tuple(dict.fromkeys(rule.setting for rule in RULES))


def run_html_rules(html: str, enabled: Callable[[Rule], bool]) -> str:
    """``html`` through the enabled tree rules' html repairs (before parsing)."""
    for rule in RULES:
        if rule.html_fix is not None and enabled(rule):
            html = rule.html_fix(html)
    return html


def run_tree_rules(tree: Any, html: str, enabled: Callable[[Rule], bool]) -> None:
    """Apply the enabled tree rules to ``tree`` in place (a rule whose markup the html lacks is skipped)."""
    for rule in RULES:
        if rule.phase == "tree" and enabled(rule) and (not html or all(n in html for n in rule.needs)):
            rule.apply(tree, html)


@dataclass
class RuleRun:
    """The text after the text rules and the rules the guard undid."""

    text: str
    guarded: list[str] = field(default_factory=list)
    evidence: dict[str, Any] = field(default_factory=dict)  # per undone rule: words it would remove, of how many


def run_text_rules(
    text: str, reference: str, page: Page, enabled: Callable[[Rule], bool], max_loss: float,
) -> RuleRun:
    """``text`` through the enabled text rules in registry order. A rule (not ``strong``) that removes
    more than ``max_loss`` of ``reference``'s words (trafilatura's own text) is undone; ``max_loss``
    0 or less turns the guard off."""
    run = RuleRun(text=text)
    reference_words = len(reference.split())
    words = len(text.split()) if text is not reference else reference_words
    for rule in RULES:
        if rule.phase != "text" or not enabled(rule):
            continue
        after = rule.apply(run.text, page)
        if after == run.text:  # most rules change nothing on most pages: no word count
            continue
        after_words = len(after.split())
        removed = words - after_words
        if max_loss > 0 and not rule.strong and reference_words and removed > max_loss * reference_words:
            run.guarded.append(rule.name)
            run.evidence[rule.name] = {"removed_words": removed, "reference_words": reference_words,
                                       "max_loss": max_loss}
            continue
        run.text, words = after, after_words
        reference_words = max(reference_words, words)  # a rescue's longer text is the reference from here
    return run

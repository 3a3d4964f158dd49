"""Generic repairs around trafilatura (``pipelines.extract_cleanup``) and their use by the
extraction stage: early end tags, JSON-LD ``articleBody``, the jusText rescue, the headline,
author bio, reference list and cookie panel cut from the text."""

from __future__ import annotations

import json

import trafilatura

from pipelines.extract import ArticleExtractor
from pipelines.extract_cleanup import (
    containment,
    cut_author_bio,
    cut_closing_block,
    cut_closing_lines,
    cut_consent_notice,
    cut_related_block,
    drop_call_to_action_lines,
    drop_template_runs,
    drop_title_line,
    jsonld_article_body,
    local_publication_day,
    repair_end_tags,
    rescue_text,
    structured_body,
)

SENTENCES = [
    "The harbour board met on Tuesday evening to discuss the replacement of the north quay cranes.",
    "Engineers told the members that the oldest crane had failed its inspection for the second year running.",
    "A new pair of electric cranes would cost about four million and take eighteen months to install.",
    "Dock workers said the delays had already pushed two container lines to the rival port across the bay.",
    "The chair promised a final decision before the end of the month after a public consultation.",
    "Local businesses welcomed the plan but asked for the work to be scheduled outside the busy summer season.",
]


def paragraphs(start: int = 0, count: int = 6) -> str:
    """``count`` paragraphs of two sentences (jusText wants 150 characters), numbered."""
    n = len(SENTENCES)
    return "".join(f"<p>{SENTENCES[(start + i) % n]} {SENTENCES[(start + i + 1) % n]} Paragraph {start + i}.</p>"
                   for i in range(count))


def test_repair_end_tags_keeps_the_content_after_an_early_end() -> None:
    html = (f"<html><head><title>t</title></head><body><nav>menu</nav></body></html>"
            f"<div><article>{paragraphs()}</article></div></body></html>")
    repaired = repair_end_tags(html)
    assert repaired.count("</body>") == 1 and repaired.count("</html>") == 1
    assert repaired.endswith("</body></html>")
    tree = trafilatura.load_html(repaired)
    assert "Paragraph 5" in " ".join(tree.itertext())


def test_repair_end_tags_leaves_a_normal_page_alone() -> None:
    html = f"<html><body>{paragraphs()}</body></html>"
    assert repair_end_tags(html) is html


def test_extractor_reads_past_an_early_end_tag() -> None:
    html = (f"<html><head><title>Cranes</title></head><body><header><a href='/'>Home</a></header></body></html>"
            f"<main><article><h1>Cranes</h1>{paragraphs(0, 12)}</article></main></body></html>")
    result = ArticleExtractor().analyse(html, "https://courier.example/news/cranes")
    assert "Paragraph 11" in result.text


def _page_with_jsonld(visible: str, body: str) -> str:
    data = {"@context": "https://schema.org", "@graph": [{"@type": "NewsArticle", "articleBody": body}]}
    return (f"<html><head><script type='application/ld+json'>{json.dumps(data)}</script></head>"
            f"<body><article>{visible}</article></body></html>")


def test_jsonld_article_body_is_found_in_a_graph_and_unescaped() -> None:
    html = _page_with_jsonld("<p>x</p>", "It&rsquo;s <b>bold</b> news.")
    assert jsonld_article_body(html) == "It’s bold news."
    assert jsonld_article_body("<html><body>no data</body></html>") == ""


def test_structured_body_used_only_when_longer_and_containing_the_text() -> None:
    text = " ".join(SENTENCES[:2])
    longer = " ".join(SENTENCES)
    assert structured_body(_page_with_jsonld("", longer), text) == longer
    assert structured_body(_page_with_jsonld("", " ".join(SENTENCES[2:])), text) == ""  # another text
    hardly_longer = " ".join([*SENTENCES[:2], "It rained."])
    assert structured_body(_page_with_jsonld("", hardly_longer), text) == ""
    assert containment(text, longer) == 1.0


def test_rescue_text_reads_the_paragraphs_of_a_page() -> None:
    tree = trafilatura.load_html(f"<html><body><div>{paragraphs(0, 6)}</div></body></html>")
    rescued = rescue_text(tree, "https://courier.example/a", "en")
    assert "harbour board met on Tuesday" in rescued and len(rescued.splitlines()) >= 3


def test_rescue_only_when_the_text_is_a_sliver_of_the_page() -> None:
    extractor = ArticleExtractor()
    tree = trafilatura.load_html(f"<html><body><div>{paragraphs(0, 30)}</div></body></html>")
    passes: list[str] = []
    assert "Paragraph 20" in extractor._rescue(tree, "https://courier.example/a", "Teaser only.", passes)
    assert passes == ["justext"]
    long_enough = " ".join(SENTENCES * 4)
    assert extractor._rescue(tree, "https://courier.example/a", long_enough, []) == long_enough


def test_drop_title_line() -> None:
    text = "Harbour board votes on cranes\nThe board met on Tuesday.\nMore text here."
    assert drop_title_line(text, "Harbour board votes on cranes") == "The board met on Tuesday.\nMore text here."
    assert drop_title_line(text, "Harbour board votes on cranes | The Courier").startswith("The board")
    assert drop_title_line(text, "Something else entirely") == text
    late = "\n".join(["a b c d e"] * 6 + ["Harbour board votes on cranes"])
    assert drop_title_line(late, "Harbour board votes on cranes") == late  # not near the top


def test_cut_author_bio() -> None:
    body = "\n".join(SENTENCES)
    bio = "Jane Roe is a freelance writer covering ports and shipping."
    assert cut_author_bio(f"{body}\n{bio}", ["Jane Roe"]) == body
    assert cut_author_bio(f"{body}\nAbout Jane Roe\n{bio}", ["Jane Roe"]) == body
    assert cut_author_bio(f"{body}\n{bio}", ["John Doe"]) == f"{body}\n{bio}"
    quoted = f"{body}\nJane Roecastle said the cranes were old."
    assert cut_author_bio(quoted, ["Jane Roe"]) == quoted


def test_cut_consent_notice_and_reference_list() -> None:
    body = "\n".join(SENTENCES)
    assert cut_consent_notice(f"{body}\nWe use cookies on our website to give you the best experience.") == body
    assert cut_related_block(f"{body}\nReferences\n- Smith, J. (2020). Cranes. Port Journal.") == body
    assert cut_related_block(f"{body}\nFollow us\n- Facebook\n- Instagram") == body


def test_cut_related_block_skips_an_inline_box_and_cuts_a_trailing_one() -> None:
    para = " ".join(SENTENCES[:3])  # a prose paragraph of 50 words
    body = "\n".join([para] * 4)
    box = "Related Articles\nCranes of the world\nThe harbour in pictures"
    inline = f"{body}\n{box}\n{para}\n{para}\n{para}"
    assert cut_related_block(inline) == f"{body}\n{para}\n{para}\n{para}"
    assert cut_related_block(f"{body}\n{box}") == body
    short = f"{body}\n{box}\n{para}"  # too little prose after the box: a trailing block
    assert cut_related_block(short) == body


def test_extractor_keeps_the_article_after_an_inline_related_box() -> None:
    html = (f"<html><head><title>Cranes</title></head><body><article><h1>Cranes</h1>{paragraphs(0, 8)}"
            "<div class='inline-box'><h3>Related Articles</h3><p><a href='/a'>Cranes of the world</a></p>"
            f"<p><a href='/b'>The harbour in pictures</a></p></div>{paragraphs(8, 6)}</article></body></html>")
    result = ArticleExtractor().analyse(html, "https://courier.example/news/cranes")
    assert "Paragraph 13" in result.text and "Cranes of the world" not in result.text


def test_cut_closing_lines() -> None:
    body = "\n".join(SENTENCES * 2)
    closing = ("Tags: ports, cranes\nLast updated: November 13, 2025\n"
               "The views expressed by the authors of this blog are their own.")
    assert cut_closing_lines(f"{body}\n{closing}") == body
    assert cut_closing_lines(f"Tags: ports\n{body}") == f"Tags: ports\n{body}"  # not at the end
    assert cut_closing_lines(body) == body


def test_cut_closing_block() -> None:
    body = "\n".join(SENTENCES * 3)
    appeal = "Enjoyed this piece? We need your help to keep publishing.\nDonations keep us going."
    assert cut_closing_block(f"{body}\n{appeal}") == body
    credit = "This story about cranes was produced by The Courier, a nonprofit newsroom."
    assert cut_closing_block(f"{body}\n{credit}") == body
    early = f"Still have questions?\n{body}"
    assert cut_closing_block(early) == early


def test_drop_template_runs() -> None:
    cities = ["Boston", "Chicago", "Denver", "Austin", "Miami", "Dallas", "Tampa", "Reno"]
    listing = "\n".join(f"Average cleaning costs in {city}" for city in cities)
    body = "\n".join(SENTENCES)
    assert drop_template_runs(f"{body}\n{listing}") == body
    few = "\n".join(f"Average cleaning costs in {city}" for city in cities[:4])
    assert drop_template_runs(f"{body}\n{few}") == f"{body}\n{few}"


def test_local_publication_day() -> None:
    url = "https://blog.example/2025/12/18/comfort-watches/"
    assert local_publication_day("2025-12-19T02:41:41+00:00", url) == "2025-12-18"
    assert local_publication_day("2025-12-19T02:41:41-05:00", url) == "2025-12-19T02:41:41-05:00"  # a zone
    assert local_publication_day("2025-12-21T02:41:41+00:00", url) == "2025-12-21T02:41:41+00:00"  # days apart
    assert local_publication_day("2025-12-19T02:41:41+00:00", "https://blog.example/comfort") == \
        "2025-12-19T02:41:41+00:00"


def test_drop_call_to_action_lines() -> None:
    body = "\n".join(SENTENCES)
    assert drop_call_to_action_lines(f"{body}\nWHERE TO BUY\n- Check Price on Amazon\nGet started today") == body
    long = "Contact us and the harbour board will explain the whole crane replacement plan to you in detail."
    assert drop_call_to_action_lines(f"{body}\n{long}") == f"{body}\n{long}"

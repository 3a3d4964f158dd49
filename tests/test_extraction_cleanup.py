"""Generic repairs and clean-ups around trafilatura (``pipelines.extract.repair``,
``pipelines.extract.cleanup``) and their use by the extraction stage: early end tags, tree
repairs, JSON-LD ``articleBody``, the jusText rescue, the headline, author bio, reference list,
closing chrome and cookie panel cut from the text, the URL-day date rule."""

from __future__ import annotations

import json

import trafilatura

from pipelines.extract import ArticleExtractor
from pipelines.extract.blocks import number_ordered_items, restore_headings, unlink_article_link_lists
from pipelines.extract.cleanup import (
    containment,
    cut_author_bio,
    cut_consent_notice,
    cut_first_name_bio,
    drop_repeated_lines,
    drop_title_line,
    jsonld_article_body,
    rescue_text,
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
from pipelines.extract.metadata import local_publication_day
from pipelines.extract.repair import (
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


def _text(tree) -> str:  # noqa: ANN001
    return " ".join(" ".join(tree.itertext()).split())


def test_streamed_segments_are_placed_and_their_fallbacks_dropped() -> None:
    html = ("<html><body><article><p>Lead paragraph of the story.</p><!--$?--><template id=\"B:0\"></template>"
            "<div>Loading paragraph...</div><!--/$--><p>Closing paragraph.</p></article><footer>Footer</footer>"
            "<div hidden id=\"S:0\"><p>The streamed middle of the story.</p></div>"
            "<script>$RC(\"B:0\",\"S:0\")</script></body></html>")
    repaired = drop_streaming_fallbacks(html)
    assert "Loading paragraph" not in repaired
    assert drop_streaming_fallbacks("<html><body><p>x</p></body></html>") == "<html><body><p>x</p></body></html>"
    tree = trafilatura.load_html(repaired)
    assert place_streamed_segments(tree) == 1
    article = tree.find(".//article")
    assert [_text(p) for p in article] == ["Lead paragraph of the story.", "The streamed middle of the story.",
                                           "Closing paragraph."]
    assert not tree.xpath("//div[@hidden]")


def test_quotation_figures_with_a_caption_are_opened() -> None:
    html = ("<html><body><article><figure><blockquote><p>We rebuilt the quay in a year.</p></blockquote>"
            "<figcaption>Ana Ruiz, harbour master</figcaption></figure>"
            "<figure class='wp-block-pullquote'><blockquote><p>A pull quote.</p></blockquote></figure>"
            "<figure class='twitter-tweet'><blockquote>A tweet</blockquote><figcaption>x</figcaption></figure>"
            "</article></body></html>")
    tree = trafilatura.load_html(html)
    assert open_quotation_figures(tree) == 1
    assert [f.tag for f in tree.iter("figure", "div")] == ["div", "figure", "figure"]


def test_collapsed_disclosure_panels_are_opened() -> None:
    html = ("<html><body><article><button aria-controls='a1' aria-expanded='false'>How long?</button>"
            "<div id='a1' class='panel hidden' style='display:none'>About eighteen months from the order.</div>"
            "<nav><button aria-controls='m1'>Menu</button><div id='m1' hidden>Home News Sport Weather Contact</div>"
            "</nav></article></body></html>")
    tree = trafilatura.load_html(html)
    assert open_disclosure_panels(tree) == 1
    panel = tree.xpath("//div[@id='a1']")[0]
    assert panel.get("class") == "panel" and "none" not in panel.get("style")
    assert "hidden" in tree.xpath("//div[@id='m1']")[0].attrib


def test_loose_prose_after_a_block_is_wrapped() -> None:
    html = ("<html><body><div class='body'>Intro words.<div class='ad'></div> The cranes will be replaced"
            " next spring after the board approves the final budget.<b>bold</b> short tail</div></body></html>")
    tree = trafilatura.load_html(html)
    assert wrap_prose_tails(tree) == 1
    assert _text(tree.find(".//p")).startswith("The cranes will be replaced")
    assert tree.find(".//b").tail == " short tail"


def test_bare_prose_divisions_among_paragraphs_are_read() -> None:
    box = ("<div class='callout'><strong>Update:</strong> The board approved the two electric cranes on"
           " Thursday, and the work starts in March.</div>")
    caption = "<div class='image-caption'>The north quay cranes at dusk, seen from the ferry terminal last week.</div>"
    nested = "<div>Not a bare division: <p>it holds a paragraph of its own with enough words to count.</p></div>"
    html = (f"<html><body><article><h1>Cranes</h1>{paragraphs(0, 3)}{box}{caption}{nested}{paragraphs(3, 3)}"
            "</article></body></html>")
    tree = trafilatura.load_html(html)
    assert read_prose_divisions(tree) == 1
    assert [d.get("class") for d in tree.iter("p") if d.get("class")] == ["callout"]
    url = "https://courier.example/news/cranes"
    assert "work starts in March" in ArticleExtractor().analyse(html, url).text
    # the repair is what keeps it: trafilatura drops the bare division between paragraphs
    assert "work starts in March" not in ArticleExtractor(repair_tree=False).analyse(html, url).text


def test_link_lists_in_the_running_text_are_unlinked() -> None:
    prose = "".join(f"<p>{s}</p>" for s in SENTENCES[:3])
    tools = "<ul><li><a href='/a'>Harbour crane A</a></li><li><a href='/b'>Harbour crane B</a></li></ul>"
    related = ("<p>Related articles:</p><ul><li><a href='/c'>Old cranes</a></li>"
               "<li><a href='/d'>New quay</a></li></ul>")
    html = (f"<html><body><article>{prose}<p>The two models compared:</p>{tools}{related}</article>"
            f"<nav><ul><li><a href='/'>Home</a></li><li><a href='/n'>News</a></li></ul></nav></body></html>")
    tree = trafilatura.load_html(html)
    assert unlink_article_link_lists(tree) == 1
    assert [len(u.findall(".//a")) for u in tree.iter("ul")] == [0, 2, 2]


def test_lost_subheadings_are_restored_above_their_paragraph() -> None:
    html = (f"<html><body><article><p>{SENTENCES[0]}</p><h2>What the board decided</h2><p>{SENTENCES[1]}</p>"
            f"<h3>Kept heading</h3><p>{SENTENCES[2]}</p></article></body></html>")
    tree = trafilatura.load_html(html)
    text = "\n".join([SENTENCES[0], SENTENCES[1], "Kept heading", SENTENCES[2]])
    assert restore_headings(tree, text) == "\n".join(
        [SENTENCES[0], "What the board decided", SENTENCES[1], "Kept heading", SENTENCES[2]])
    assert restore_headings(tree, SENTENCES[0]) == SENTENCES[0]


def test_subheadings_restored_past_a_script_and_inside_a_wrapping_header() -> None:
    media = "<div class='media'><script>const lazy = 'undefined' != typeof Image;</script><img src='a.jpg'></div>"
    html = (f"<html><body><header><div class='page'><p>{SENTENCES[0]}</p><h2>The new cranes</h2>{media}"
            f"<p>{SENTENCES[1]}</p></div></header><footer><h3>Contact us</h3><p>{SENTENCES[2]}</p></footer>"
            "</body></html>")
    tree = trafilatura.load_html(html)
    text = "\n".join(SENTENCES[:3])
    # the heading's block is found past the image wrapper's script; a <header> may wrap a whole page, a footer not
    assert restore_headings(tree, text) == "\n".join([SENTENCES[0], "The new cranes", SENTENCES[1], SENTENCES[2]])


def test_ordered_list_items_are_numbered() -> None:
    html = ("<html><body><ol><li>Measure the quay.</li><li><p><b>Order</b> the cranes.</p></li>"
            "<li>3. Already numbered.</li></ol><ol start='4'><li>Fourth step.</li></ol>"
            "<ol reversed><li>Two left.</li><li value='9'>Nine.</li></ol>"
            "<ol type='a'><li>Lettered item.</li></ol><ol class='comment-list'><li>Jane says: great.</li></ol>"
            "<ul><li>Bullet item.</li></ul></body></html>")
    tree = trafilatura.load_html(html)
    assert number_ordered_items(tree) == 5
    assert [" ".join("".join(li.itertext()).split()) for li in tree.iter("li")] == [
        "1. Measure the quay.", "2. Order the cranes.", "3. Already numbered.", "4. Fourth step.", "2. Two left.",
        "9. Nine.", "Lettered item.", "Jane says: great.", "Bullet item."]
    url = "https://courier.example/news/cranes"
    steps = "".join(f"<li>{s}</li>" for s in SENTENCES[:3])
    page = f"<html><body><article>{paragraphs(0, 3)}<ol>{steps}</ol>{paragraphs(3, 3)}</article></body></html>"
    assert f"2. {SENTENCES[1]}" in ArticleExtractor().analyse(page, url).text


def test_disclosure_buttons_are_read_as_text() -> None:
    html = ("<html><body><article><button aria-controls='q1'>How long will the works take?</button>"
            "<div id='q1'>About eighteen months from the order.</div>"
            "<button aria-controls='m1'>Open the menu</button><div id='m1' class='menu'>Home News Sport Weather</div>"
            "<button aria-controls='q2'>Play</button><div id='q2'>A short clip of the quay works.</div>"
            "</article></body></html>")
    tree = trafilatura.load_html(html)
    assert label_disclosure_controls(tree) == 1
    assert [_text(p) for p in tree.iter("p")] == ["How long will the works take?"]


def test_navigation_holding_the_article_is_opened() -> None:
    html = (f"<html><body><nav><a href='/'>Home</a></nav><nav class='navbar'><ul><li>Menu</li></ul>"
            f"<main><article>{paragraphs()}</article></main></nav></body></html>")
    tree = trafilatura.load_html(html)
    assert open_misplaced_navigation(tree) == 1
    assert [e.tag for e in tree.find("body")] == ["nav", "div"]


def test_cut_first_name_bio() -> None:
    body = "\n".join(SENTENCES)
    bio = "Jane founded the Harbour Courier in 2014 to cover the ports, the ferries and the people who work them."
    assert cut_first_name_bio(f"{body}\n{bio}", ["Jane Roe"]) == body
    assert cut_first_name_bio(f"{body}\n{bio}", ["John Doe"]) == f"{body}\n{bio}"
    team = "Investors said the cranes would be the first of many upgrades across the whole of the harbour this year."
    assert cut_first_name_bio(f"{body}\n{team}", ["The Investors Team"]) == f"{body}\n{team}"
    short = "Jane thanks the crew."  # under 12 words: a sentence of the story, not a bio
    assert cut_first_name_bio(f"{body}\n{short}", ["Jane Roe"]) == f"{body}\n{short}"


def test_drop_repeated_lines_keeps_one_copy_of_a_thrice_repeated_box() -> None:
    box = "Book a free consultation with our harbour engineers to plan your own quay upgrade."
    html = (f"<html><body><article><p>{SENTENCES[0]}</p><div class='callout'><p>{box}</p></div>"
            f"<p>{SENTENCES[1]}</p><div class='callout'><p>{box}</p></div><p>{SENTENCES[2]}</p>"
            f"<div class='callout'><p>{box}</p></div><p>{SENTENCES[3]}</p></article></body></html>")
    text = "\n".join(p.text_content() for p in trafilatura.load_html(html).iter("p"))
    assert drop_repeated_lines(text).splitlines() == [SENTENCES[0], box, SENTENCES[1], SENTENCES[2], SENTENCES[3]]
    twice = "\n".join([SENTENCES[0], box, SENTENCES[1], box])  # a pull quote restating a paragraph stays
    assert drop_repeated_lines(twice) == twice


def test_closing_disclaimers_and_credit_lines_are_cut() -> None:
    body = "\n".join(SENTENCES * 3)
    disclaimer = ("This material is provided for informational purposes only and does not provide legal "
                  "or tax advice.")
    assert cut_closing_lines(f"{body}\n{disclaimer}") == body
    credit = "Written by Jane Roe\nJane Roe covers ports and shipping for the Courier."
    assert cut_closing_block(f"{body}\n{credit}") == body
    story = f"{body}\nWritten by hand, the harbour log of 1890 still records every crane the board ever bought."
    assert cut_closing_block(story) == story


def test_disclosure_control_naming_no_id_is_left_alone() -> None:
    tree = trafilatura.load_html(
        '<html><body><button aria-controls="  ">Open the panel</button>'
        f'<div id="x">{SENTENCES[0]}</div><p>{SENTENCES[1]}</p></body></html>'
    )
    assert label_disclosure_controls(tree) == 0 and next(tree.iter("button"), None) is not None


def test_drop_foreign_lines_drops_what_comes_from_outside_the_article() -> None:
    lead = "The board will decide on the new cranes this month, after two years of delays and a failed inspection."
    sidebar = ["Popular", "Ferry timetable changes for the winter season", "Subscribe to our weekly harbour newsletter"]
    banner = "Free shipping on all orders over fifty"
    script = "Only in the script: a JSON copy of the page data"  # not page text: kept
    html = (f"<html><head><script>{{\"text\": \"{script}\"}}</script></head><body>"
            f"<div class='banner'>{banner}</div><div class='standfirst'>{lead}</div>"
            f"<div class='post'>{paragraphs(0, 6)}</div>"
            f"<aside><h3>{sidebar[0]}</h3><ul><li>{sidebar[1]}</li></ul><p>{sidebar[2]}</p></aside></body></html>")
    tree = trafilatura.load_html(html)
    body = [" ".join(p.text_content().split()) for p in tree.iter("p")][:6]
    table = "| Crane | Cost | Year |"  # assembled by trafilatura, found nowhere as such: kept
    text = "\n".join([banner, lead, *body[:3], table, *body[3:], script, sidebar[0], f"- {sidebar[1]}", sidebar[2]])
    # the short banner above the article goes, the lead paragraph stays; "Popular" is too short to match
    assert drop_foreign_lines(text, tree).splitlines() == [lead, *body[:3], table, *body[3:], script, sidebar[0]]
    few = "\n".join([*body[:3], sidebar[2]])  # under 5 paragraphs found: no container, nothing dropped
    assert drop_foreign_lines(few, tree) == few
    wrapped = trafilatura.load_html(html.replace("<p>", "<p> <span>").replace("</p>", "</span></p>"))
    assert drop_foreign_lines(text, wrapped).splitlines()[-1] == sidebar[0]  # paragraphs read through a <span>


def test_drop_foreign_lines_matches_paragraphs_broken_across_source_lines() -> None:
    middle = "The ferry operator said its own timetable would not change before the cranes are installed."
    broken = middle.replace(" operator said ", "\n        operator said ")  # the page's source breaks the paragraph
    teaser = f"<aside><ul><li>{middle}</li></ul></aside>"  # the same sentence teased in a sidebar
    html = (f"<html><body><div class='post'>{paragraphs(1, 3)}<p>{broken}</p>{paragraphs(4, 3)}</div>{teaser}"
            "</body></html>")
    tree = trafilatura.load_html(html)
    body = [" ".join(p.text_content().split()) for p in tree.iter("p")][:7]
    text = "\n".join(body)
    assert body[3] == middle
    assert drop_foreign_lines(text, tree) == text  # the article's own paragraph, although the sidebar has it too

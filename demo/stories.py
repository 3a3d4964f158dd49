"""All demo content in one place: stories, reprint recipes, broken pages, publish order.

The invented texts live in ``demo.content.*``; this module adds how they travel between
publishers (``REPRINTS``) and which pages are intentionally broken (``BROKEN``). Nothing
here knows about ports or HTML: see ``demo.catalog`` (pages) and ``demo.site`` (serving).
"""

from __future__ import annotations

import re

from demo.content import formats, harbor, lakeside, languages, metro, valley, wire
from demo.model import BrokenSpec, Reprint, Story

NW_CREDIT = "This story was originally published by Northern Wire Service."
NW_STAFF = "By Northern Wire Service staff"

STORIES: tuple[Story, ...] = tuple(
    wire.STORIES + harbor.STORIES + valley.STORIES + metro.STORIES + lakeside.STORIES
    + formats.STORIES + languages.STORIES
)

#: Held-back stories in the order ``DemoNetwork.publish_more`` releases them.
HELD_ORDER: tuple[str, ...] = (
    "nw-budget-surplus",  # with its Harbor Gazette reprint
    "md-fare-freeze",
    "vc-snowplow-fleet",
    "hg-winter-lights",
    "nw-counterfeit-seizure",
    "md-red-panda-cubs",
    "ll-first-ice",
)

REPRINTS: tuple[Reprint, ...] = (
    # --- nw-broadband: three reprints ------------------------------------------------------
    Reprint(
        "nw-broadband", "harbor_gazette", 150,
        headline="Broadband bill could finally reach Harborton's rural edges",
        dateline="HARBORTON (Northern Wire) — ", keep=5,
        local=(3, "Here in Harborton, city officials said about 1,600 homes on the outskirts of town, "
                  "mostly along Cape Road and in Tern Hollow, still depend on satellite or cellular "
                  "service. Councillor Ivo Mendes said the city would apply for the first round of "
                  "grants as soon as applications open."),
        boilerplate=((2, "ad"),),
    ),
    Reprint("nw-broadband", "valley_courier", 200, dateline="NORTHGATE (Northern Wire) — "),  # ~verbatim
    Reprint(
        "nw-broadband", "metro_daily", 260, keep=6, credit_bottom=NW_CREDIT, curly=True,
        boilerplate=((3, "share"),),
    ),
    # --- nw-rail-line ----------------------------------------------------------------------
    Reprint(
        "nw-rail-line", "harbor_gazette", 90, byline_top=NW_STAFF, author="Northern Wire Service",
        boilerplate=((1, "share"), (4, "ad")),
    ),
    Reprint(
        "nw-rail-line", "metro_daily", 300, headline="Passenger trains to return to Harborton line in 2027",
        keep=4, curly=True, boilerplate=((2, "readmore"),),
    ),
    # --- nw-ferry-contract -----------------------------------------------------------------
    Reprint(
        "nw-ferry-contract", "valley_courier", 120, byline_top=NW_STAFF, author="Northern Wire Service",
        keep=5, boilerplate=((3, "readmore"),),
    ),
    Reprint(
        "nw-ferry-contract", "metro_daily", 240, dateline="KESTREL CITY (Northern Wire) — ", keep=5,
        credit_bottom=NW_CREDIT, curly=True,
        local=(4, "In Kestrel City, marine engineering firm Calloway & Reyes said it expected to supply "
                  "navigation systems for the new vessels, which could mean about 40 jobs at its "
                  "Southport office."),
    ),
    # --- nw-water-limits: the hard one (50 % kept + local paragraph) ------------------------
    Reprint(
        "nw-water-limits", "harbor_gazette", 180, headline="Harborton among 14 towns facing water limits",
        dateline="HARBORTON (Northern Wire) — ", keep=3,
        local=(3, "Here in Harborton, city officials said the municipal water system, which draws from "
                  "the Glenmoor line and two local wells, would post daily consumption figures on the "
                  "city website. Public works manager Tessa Llewellyn said lawn watering complaints "
                  "could be reported by phone, but that staff would focus on education before handing "
                  "out fines."),
    ),
    Reprint(
        "nw-water-limits", "valley_courier", 60,
        headline="Water restrictions ordered in southern Norland as reservoirs fall", keep=5,
        boilerplate=((2, "ad"),),
    ),
    # --- nw-highway-audit: the Valley Courier copy is dated BEFORE the wire original ---------
    Reprint(
        "nw-highway-audit", "valley_courier", -40, dateline="NORTHGATE (Northern Wire) — ",
        credit_bottom=NW_CREDIT,
    ),
    Reprint(
        "nw-highway-audit", "harbor_gazette", 220,
        headline="Audit: province paid $48M for road work that wasn't done", keep=3, curly=True,
        boilerplate=((2, "readmore"),),
    ),
    # --- nw-yogurt-recall ------------------------------------------------------------------
    Reprint(
        "nw-yogurt-recall", "metro_daily", 75, byline_top=NW_STAFF, author="Northern Wire Service", keep=4,
        boilerplate=((2, "ad"),),
    ),
    Reprint(
        "nw-yogurt-recall", "harbor_gazette", 130,
        headline="Yogurt recall: check your fridge for these Pinecrest tubs",
        dateline="HARBORTON (Northern Wire) — ", keep=5,
    ),
    # --- nw-salmon-return ------------------------------------------------------------------
    Reprint(
        "nw-salmon-return", "valley_courier", 400, headline="Salmon are back above the old Brannock Dam",
        keep=5,
        local=(4, "In Alder Valley, the Cutler Creek Watershed Society said the results would strengthen "
                  "its case for removing two small weirs on the creek, which have blocked trout and eel "
                  "migration since the 1930s."),
    ),
    Reprint(
        "nw-salmon-return", "lakeside_ledger", 210,
        headline="Tessa River salmon comeback gives Lake Orla's dam debate new life",
        dateline="WRENFIELD (Northern Wire) — ", keep=5,
        local=(3, "In Wrenfield, the Lake Orla Stewardship Society said the Tessa results were the "
                  "strongest argument yet for a fish ladder at the Sedge Creek weir, which has kept "
                  "lake trout from their old spawning gravel since 1962."),
        boilerplate=((2, "share"),),
    ),
    # --- nw-minimum-wage -------------------------------------------------------------------
    Reprint(
        "nw-minimum-wage", "harbor_gazette", 100, dateline="HARBORTON (Northern Wire) — ", keep=4,
        credit_bottom=NW_CREDIT, boilerplate=((2, "share"),),
    ),
    Reprint(
        "nw-minimum-wage", "metro_daily", 160,
        headline="Minimum wage to hit $17.40, but Kestrel City workers say it's not enough", curly=True,
        local=(5, "In Kestrel City, where the average one-bedroom apartment now rents for about $1,640 a "
                  "month, several workers at a downtown food court said the raise would barely cover a "
                  "bus pass. \"It helps, but it disappears at the grocery store,\" said cashier Lina "
                  "Ferreira-Duarte."),
    ),
    # --- nw-wind-farm, nw-wildfire-cost ----------------------------------------------------
    Reprint("nw-wind-farm", "valley_courier", 180, keep=5, credit_bottom=NW_CREDIT,
            boilerplate=((3, "readmore"),)),
    Reprint(
        "nw-wildfire-cost", "metro_daily", 95, dateline="KESTREL CITY (Northern Wire) — ", keep=4,
        boilerplate=((1, "ad"), (3, "share")),
    ),
    # --- publisher-to-publisher (non-wire) reprints ----------------------------------------
    Reprint(
        "hg-scallop-season", "valley_courier", 1440,
        headline="Harborton scallop fleet posts best season in ten years", keep=5,
        credit_bottom="This story first appeared in The Harbor Gazette and is republished with permission.",
    ),
    Reprint(
        "md-brightwater-warehouse", "harbor_gazette", 240,
        headline="Brightwater Freight picks Harborton for $75 million warehouse", keep=5, curly=True,
        credit_bottom="This story was originally published by Metro Daily.",
        local=(2, "Here in Harborton, city officials said the rail yard site was rezoned for industrial use "
                  "in 2021 and that no residential streets would be used by trucks entering the "
                  "warehouse."),
    ),
    # --- a short reprint on a page whose template marks the publisher "not free" ----------
    Reprint(
        "nw-wildfire-cost", "valley_courier", 150, headline="Wildfires cost Norland a record $212 million",
        keep=3, credit_bottom=NW_CREDIT, layout="paywall_template",
    ),
    # --- a Chinese story reprinted with a new headline and a trimmed end ---------------------
    Reprint(
        "md-zh-night-market", "harbor_gazette", 900, headline="红隼市东岸夜市回来了：一百二十六个摊位迎客",
        keep=4, slug="kestrel-city-night-market-is-back",
    ),
    # --- held back: released with its source by publish_more --------------------------------
    Reprint(
        "nw-budget-surplus", "harbor_gazette", 180, dateline="HARBORTON (Northern Wire) — ", keep=4,
        boilerplate=((2, "ad"),),
    ),
)

BROKEN: tuple[BrokenSpec, ...] = (
    BrokenSpec("harbor_gazette", "404", "Harbour commission names new chair", "2026-11-09 08:30"),
    BrokenSpec("harbor_gazette", "not_article", "Daily archive: November 1, 2026", "2026-11-01 00:05",
               listed=False),
    BrokenSpec("valley_courier", "500", "Fenwick council passes 2027 budget", "2026-11-06 19:00"),
    BrokenSpec("metro_daily", "empty", "Council agenda: what to watch at Tuesday's meeting", "2026-11-09 15:00"),
    BrokenSpec("metro_daily", "binary", "Metro Daily annual transparency report 2026", "2026-11-01 09:00"),
)

_OPEN_BEFORE = " \t\n([{—–-/"


def curly(text: str) -> str:
    """Typographic quotes: straight double quotes become “ ” and apostrophes become ’."""
    out: list[str] = []
    for i, ch in enumerate(text):
        if ch == '"':
            out.append("“" if i == 0 or text[i - 1] in _OPEN_BEFORE else "”")
        elif ch == "'":
            out.append("’")
        else:
            out.append(ch)
    return "".join(out)


def slugify(text: str, max_words: int = 9) -> str:
    """URL slug: lowercase ASCII words joined by ``-`` (at most ``max_words``)."""
    table = str.maketrans("éèêëàâäîïôöûüçñ’", "eeeeaaaiioouucn'")
    words = re.findall(r"[a-z0-9]+", text.lower().translate(table).replace("'", ""))
    return "-".join(words[:max_words]) or "story"


def story_by_id() -> dict[str, Story]:
    """{story id: Story} over all stories (held ones included)."""
    return {s.id: s for s in STORIES}

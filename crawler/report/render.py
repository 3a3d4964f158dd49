"""Render the report model as HTML (one self-contained file), JSON or CSV.

HTML goes through Jinja2 with autoescaping on: every title, URL and text from the crawled
pages is escaped; the only non-text embedded is the plots' ``data:`` URIs, drawn here from numbers.
"""

from __future__ import annotations

import csv
import io
import json
import re
from importlib import resources
from typing import TYPE_CHECKING, Any

from crawler.report.data import DROP_LABELS, KEPT_METADATA

if TYPE_CHECKING:
    from jinja2 import Environment

# Package data, read through importlib.resources / Jinja's PackageLoader (also from a zipped egg)
TEMPLATES = "templates"  # folder of report.html.j2 in this package
SCHEMA_PATH = resources.files(__package__).joinpath("schema.json")  # the JSON format's schema
FORMATS = ("html", "json", "csv")
CSV_FIELDS = (
    "run_id", "copy_id", "copy_site", "copy_title", "copy_url", "kept_id", "kept_site", "kept_title", "kept_url",
    "method", "relation", "jaccard", "contained", "contains", "score", "threshold", "borderline", "dropped_at",
    # the kept article's metadata (added after the first columns: a reader by position keeps working)
    "kept_language", "kept_image", "kept_description", "kept_tags", "kept_section", "kept_free_access",
    "kept_word_count",
)
EQUAL_CONTEXT_WORDS = 30  # an unchanged stretch longer than twice this shows its ends only


def shorten(text: str, words: int = EQUAL_CONTEXT_WORDS) -> tuple[str, int, str]:
    """(head, words left out, tail) of an unchanged diff stretch; nothing left out when it is short."""
    parts = re.findall(r"\S+\s*", text)
    if len(parts) <= 2 * words + 10:
        return text, 0, ""
    return "".join(parts[:words]), len(parts) - 2 * words, "".join(parts[-words:])


def _environment() -> Environment:
    from jinja2 import Environment, PackageLoader, StrictUndefined

    env = Environment(loader=PackageLoader(__package__, TEMPLATES), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True)
    env.globals.update(shorten=shorten, labels=DROP_LABELS)
    env.filters["score"] = lambda v: "–" if v is None else f"{v:.3f}"
    env.filters["days"] = lambda v: f"{v:g} day" if v == 1 else f"{v:g} days"
    env.tests["http_url"] = lambda v: isinstance(v, str) and v.lower().startswith(("http://", "https://"))
    return env


def render_html(model: dict[str, Any]) -> str:
    """The report as one HTML page: inline CSS, plots as data URIs, no script, no network access."""
    copies = [c for cluster in model["clusters"] for c in cluster["copies"]]
    from crawler.report import plots  # matplotlib: imported when a report is drawn, not at every start
    pictures = {
        "scores": plots.score_histogram(copies, model["thresholds"]["jaccard"], model["thresholds"]["containment"]),
        "sites": plots.drops_per_site(model["sites"]),
    }
    return _environment().get_template("report.html.j2").render(report=model, plots=pictures)


def render_json(model: dict[str, Any]) -> str:
    """The model as JSON (``schema.json``)."""
    return json.dumps(model, ensure_ascii=False, indent=1) + "\n"


def _cell(value: Any) -> Any:
    """Neutralise spreadsheet formulas in text cells (a title starting with ``=`` stays text)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def render_csv(model: dict[str, Any]) -> str:
    """One row per dropped copy, with its kept article and scores."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for cluster in model["clusters"]:
        kept = cluster["kept"]
        for c in cluster["copies"]:
            row = {
                "run_id": c["run_id"], "copy_id": c["article_id"], "copy_site": c["site"], "copy_title": c["title"],
                "copy_url": c["url"], "kept_id": kept["id"], "kept_site": kept["site"], "kept_title": kept["title"],
                "kept_url": kept["url"], "method": c["method"], "relation": c["relation"], "jaccard": c["jaccard"],
                "contained": c["contained"], "contains": c["contains"], "score": c["score"],
                "threshold": c["threshold"], "borderline": c["borderline"], "dropped_at": c["dropped_at"],
                **{f"kept_{name}": kept.get(name) for name in KEPT_METADATA},
            }
            row["kept_tags"] = "; ".join(kept.get("tags") or [])
            writer.writerow({k: _cell(v) for k, v in row.items()})
    return out.getvalue()


def render(model: dict[str, Any], fmt: str) -> str:
    """``model`` rendered as ``fmt`` (html | json | csv)."""
    renderers = {"html": render_html, "json": render_json, "csv": render_csv}
    if fmt not in renderers:
        raise ValueError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")
    return renderers[fmt](model)

"""Report pictures drawn with matplotlib (Agg, no display): SVG documents as ``data:`` URIs.

Embedded with ``<img src="data:image/svg+xml;base64,…">``: the SVG stays out of the page's
DOM (no id clashes between plots, no markup from the data in the page), and the file stays
self-contained. Only numbers, method names and site names reach the plots. Axes that count
(copies, pages) have whole-number ticks only.
"""

from __future__ import annotations

import base64
import io
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402  (after choosing the backend)
from matplotlib.ticker import MaxNLocator  # noqa: E402

plt.rcParams.update({"svg.hashsalt": "newsdedup", "svg.fonttype": "path", "font.size": 9})

METHOD_COLORS = {"near": "#4c78a8", "containment": "#f58518", "exact": "#54a24b", "url": "#b279a2",
                 "merged": "#9d755d", "no_text": "#bab0ac", "not_an_article": "#79706e"}


def _svg_uri(fig: Any) -> str:
    out = io.StringIO()
    fig.savefig(out, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue().encode("utf-8")).decode("ascii")


def score_histogram(copies: list[dict[str, Any]], jaccard_threshold: float, containment_threshold: float) -> str:
    """Histograms of the deciding scores (Jaccard of near drops, containment of containment drops),
    each with its threshold and the borderline band marked."""
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.2), sharey=True)
    panels = (("near", "Jaccard similarity (near)", jaccard_threshold),
              ("containment", "containment (trimmed copies)", containment_threshold))
    bins = [i / 40 for i in range(41)]
    for ax, (method, label, threshold) in zip(axes, panels, strict=True):
        scores = [c["score"] for c in copies if c["method"] == method and c["score"] is not None]
        ax.hist(scores, bins=bins, color=METHOD_COLORS[method], edgecolor="white")
        ax.axvline(threshold, color="#d62728", linestyle="--", linewidth=1.5, label=f"threshold {threshold:g}")
        ax.set_xlim(0, 1)
        ax.set_xlabel(label)
        ax.set_title(f"{len(scores)} drops")
        ax.legend(loc="upper left", frameon=False)
    axes[0].set_ylabel("dropped copies")
    axes[0].yaxis.set_major_locator(MaxNLocator(integer=True))  # shared by both panels
    fig.tight_layout()
    return _svg_uri(fig)


def drops_per_site(sites: list[dict[str, Any]]) -> str:
    """Stacked bars: per site, the pages dropped in the report's selection, by reason (one bar per
    site whatever the number of runs)."""
    reasons = sorted({r for site in sites for r in site["dropped"]})
    fig, ax = plt.subplots(figsize=(9, 3.6))
    bottom = [0] * len(sites)
    for reason in reasons:
        values = [site["dropped"].get(reason, 0) for site in sites]
        ax.bar(range(len(sites)), values, bottom=bottom, label=reason, color=METHOD_COLORS.get(reason))
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    ax.set_xticks(range(len(sites)), [site["site"] for site in sites], rotation=30, ha="right")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel("dropped pages")
    ax.set_title("drops per site, by reason")
    if reasons:
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    fig.tight_layout()
    return _svg_uri(fig)

"""Deduplication reports: a plain dict model built from storage (``data``), rendered as HTML,
JSON or CSV (``render``), with plots drawn by matplotlib (``plots``).

The JSON format is documented by ``schema.json`` (JSON Schema, draft 2020-12).
"""

from crawler.report.data import ReportQuery, build_report
from crawler.report.render import render

__all__ = ["ReportQuery", "build_report", "render"]

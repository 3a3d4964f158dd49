"""Deduplication reports: a plain dict model built from storage (``data``), rendered as HTML,
JSON or CSV (``render``), with plots drawn by matplotlib (``plots``).

The JSON format is documented by ``schema.json`` (JSON Schema, draft 2020-12). Importing the
package imports none of SQLAlchemy, Jinja2 or matplotlib: each is imported when a report is
built, rendered or drawn.
"""

"""Checks of a site spider's declared values (``NewsSpider.config_problems`` adds unknown options).

Each check returns the problems it finds as one-line strings; ``NewsSpider.check_config``
raises ``SpiderConfigError`` naming the site and all of them.
"""

from __future__ import annotations

import re
from ipaddress import ip_address
from typing import Any
from urllib.parse import urlsplit

__all__ = ["SpiderConfigError", "allowed_domain_problems", "selector_problems", "value_problems"]


class SpiderConfigError(ValueError):
    """A site spider's declaration is wrong (raised when the spider starts)."""


def selector_problems(selector: str) -> list[str]:
    """Why ``selector`` (CSS, or XPath when it starts with "/" or "(") cannot be used; empty if it can."""
    from parsel import Selector

    kind = "XPath" if selector.lstrip().startswith(("/", "(")) else "CSS"
    try:
        doc = Selector(text="<html><body></body></html>")
        doc.xpath(selector) if kind == "XPath" else doc.css(selector)
    except Exception as exc:  # cssselect and lxml raise several kinds
        return [f"invalid {kind} body_selector {selector!r} ({exc.__class__.__name__}: {exc})"]
    return []


def allowed_domain_problems(domains: Any) -> list[str]:
    """Why entries of ``allowed_domains`` match no request: Scrapy compares them with the bare host
    name, so a scheme, port or path in one makes every request offsite."""
    if not domains:
        return []
    if isinstance(domains, str):
        return ["allowed_domains must be a list of host names, not one string"]
    problems = []
    for domain in domains:
        if not isinstance(domain, str) or not domain.strip():
            problems.append(f"allowed_domains entry {domain!r} is not a host name")
            continue
        host = domain.strip().lower()
        if "://" in host or "/" in host:
            fix = urlsplit(host if "://" in host else f"//{host}").hostname
            problems.append(f"allowed_domains entry {domain!r} is a URL: use the bare host name {fix!r}")
        elif re.search(r":\d*$", host) and not _is_ipv6(host):
            problems.append(f"allowed_domains entry {domain!r} has a port: use {host.rsplit(':', 1)[0]!r} "
                            "(Scrapy filters every request as offsite otherwise)")
    return problems


def _is_ipv6(host: str) -> bool:
    try:
        return ip_address(host.strip("[]")).version == 6
    except ValueError:
        return False


def value_problems(cls: Any) -> list[str]:
    """What is wrong with the values a site class declares: sources, patterns, selector, domains, window."""
    problems: list[str] = []
    if not (cls.feeds or cls.sitemaps or cls.sections):
        problems.append("no sources: set feeds, sitemaps or sections")
    for option in ("feeds", "sitemaps", "sections", "article_patterns", "deny_patterns", "section_pagination",
                   "boilerplate_lines", "languages"):
        if isinstance(getattr(cls, option), str):
            problems.append(f"{option} must be a list of strings, not one string")
    if not cls.article_patterns:
        problems.append("no article_patterns: give at least one regex of article URLs")
    for option in ("article_patterns", "deny_patterns", "section_pagination", "boilerplate_lines"):
        values = getattr(cls, option)
        for pattern in [] if isinstance(values, str) else values:
            try:
                re.compile(pattern)
            except (re.error, TypeError) as exc:
                problems.append(f"invalid regex in {option}: {pattern!r} ({exc})")
    if cls.body_selector:
        problems += selector_problems(cls.body_selector)
    problems += allowed_domain_problems(getattr(cls, "allowed_domains", None))
    age = cls.max_entry_age_days
    if age is not None and (isinstance(age, bool) or not isinstance(age, int | float) or age < 0):
        problems.append(f"max_entry_age_days must be a number of days >= 0 or None, not {age!r}")
    return problems

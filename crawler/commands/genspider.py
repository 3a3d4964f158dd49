"""``scrapy genspider``: Scrapy's command, plus the project's templates and a site test stub.

Templates are looked up in the project's ``TEMPLATES_DIR`` (``crawler/templates/spiders``:
``news``) and then in Scrapy's built-in ones (``basic``, ``crawl``, ``csvfeed``,
``xmlfeed``), so setting ``TEMPLATES_DIR`` hides nothing. With ``-t news`` a test stub
``<SITE_TESTS_DIR>/test_<name>.py`` is written from ``crawler/templates/site_test.tmpl``.

The site is given as a host, ``host:port`` or URL (``site_address``): the template gets a
``base_url`` with scheme and port (``$url``) and the bare host name for ``allowed_domains``
(``$domain``; Scrapy compares it with the request's host alone, so a port there would make
every request offsite).
"""

from __future__ import annotations

import argparse
import json
import os
import string
from collections.abc import Sequence
from importlib import resources
from ipaddress import ip_address
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.commands.genspider import Command as ScrapyGenspider
from scrapy.commands.genspider import sanitize_module_name
from scrapy.exceptions import UsageError

BUILTIN_SPIDER_TEMPLATES = Path(scrapy.__path__[0], "templates", "spiders")


DEFAULT_PORTS = {"http": 80, "https": 443}


def _is_ip(host: str) -> bool:
    try:
        ip_address(host)
    except ValueError:
        return False
    return True


def site_address(target: str) -> tuple[str, str, bool]:
    """``(base_url, domain, scheme_guessed)`` for a site given as a host, ``host:port`` or URL.

    ``base_url`` is ``scheme://host[:port]`` (a default port and any path dropped: sources are
    paths from the site's root); ``domain`` is the bare host name for ``allowed_domains``, less
    a leading ``www.`` (Scrapy allows subdomains, so ``www.`` and other hosts of the site pass).
    A URL keeps its scheme. Without one: ``http`` for an IP address, ``localhost`` or a port
    other than 443 (test, demo and LAN servers, which serve plain HTTP), ``https`` for a host
    name (public news sites). Raises ``UsageError`` for anything else.
    """
    text = target.strip()
    given = "://" in text
    parts = urlsplit(text if given else f"//{text}")
    if given and parts.scheme not in DEFAULT_PORTS:
        raise UsageError(f"{target!r}: the site's URL must start with http:// or https://", print_help=False)
    try:
        host, port = parts.hostname or "", parts.port
    except ValueError:
        raise UsageError(f"{target!r}: invalid port", print_help=False) from None
    if not host or " " in host:
        raise UsageError(f"{target!r} is not a host, host:port or URL", print_help=False)
    if given:
        scheme = parts.scheme
    elif port == 443 or (port is None and not _is_ip(host) and host != "localhost"):
        scheme = "https"
    else:
        scheme = "http"
    netloc = f"[{host}]" if ":" in host else host
    if port is not None and port != DEFAULT_PORTS[scheme]:
        netloc += f":{port}"
    domain = host[4:] if host.startswith("www.") and not _is_ip(host) else host
    return f"{scheme}://{netloc}", domain, not given


def write_test_stub(settings: Any, name: str, force: bool = False, article_urls: Sequence[str] = (),
                    other_urls: Sequence[str] = (), fixtures: Path | None = None,
                    recorded: bool = False) -> Path | None:
    """Write ``<SITE_TESTS_DIR>/test_<name>.py`` for the site spider ``name`` of ``NEWSPIDER_MODULE``
    (from ``site_test.tmpl``, its URL lists filled with the given URLs; it reads the site's recorded
    pages from ``fixtures``, ``SITE_FIXTURES_DIR`` by default, named relative to the stub) and print
    where (and, unless ``recorded``, how to record a page); an existing stub is kept unless
    ``force`` (then None)."""
    module = sanitize_module_name(name)
    tests_dir = Path(settings.get("SITE_TESTS_DIR"))
    tests_dir.mkdir(parents=True, exist_ok=True)
    stub = tests_dir / f"test_{module}.py"
    if stub.exists() and not force:
        print(f"Test stub {stub} already exists")
        return None
    classname = "".join(s.capitalize() for s in module.split("_")) + "Spider"
    spiders_module = settings.get("NEWSPIDER_MODULE") or ""
    root = Path(fixtures or settings.get("SITE_FIXTURES_DIR")).resolve()
    relative = Path(os.path.relpath(root, tests_dir.resolve())).as_posix()
    stub_template = resources.files("crawler").joinpath("templates", "site_test.tmpl")
    text = string.Template(stub_template.read_text(encoding="utf-8")).substitute(
        name=name, module=module, classname=classname, fixtures=json.dumps(relative))
    if spiders_module != "crawler.spiders":
        text = text.replace("from crawler.spiders.", f"from {spiders_module}.", 1)
    for var, urls in (("ARTICLE_URLS", article_urls), ("OTHER_URLS", other_urls)):
        if urls:
            listed = "".join(f"    {u!r},\n" for u in urls)
            text = text.replace(f"{var}: list[str] = []", f"{var}: list[str] = [\n{listed}]", 1)
    stub.write_text(text, encoding="utf-8")
    print(f"Created test stub {stub}" + ("" if recorded else f"\nRecord a page for it with: scrapy savefixture {name} "
                                                          "ARTICLE_URL"))
    return stub


class Command(ScrapyGenspider):
    def _template_dirs(self) -> list[Path]:
        return [Path(self.templates_dir), BUILTIN_SPIDER_TEMPLATES]

    def _find_template(self, template: str) -> Path | None:
        filename = template if template.endswith(".tmpl") else f"{template}.tmpl"
        for candidate in (Path(filename), *(d / filename for d in self._template_dirs())):
            if candidate.exists():
                return candidate
        print(f"Unable to find template: {template}\n", 'Use "scrapy genspider --list" to see all available templates.')
        return None

    def _list_templates(self) -> None:
        dirs = [d for d in self._template_dirs() if d.is_dir()]
        names = sorted({f.stem for d in dirs for f in d.iterdir() if f.suffix == ".tmpl"})
        print("Available templates:\n", "\n".join(f"  {name}" for name in names))

    def _generate_template_variables(self, module: str, name: str, url: str, template_name: str) -> dict[str, Any]:
        base_url, domain, _guessed = site_address(self._target)
        return {**super()._generate_template_variables(module, name, base_url, template_name),
                "url": base_url, "domain": domain}

    def _genspider(self, module: str, name: str, url: str, template_name: str, template_file: Any) -> Path:
        self._generated = super()._genspider(module, name, url, template_name, template_file)
        return self._generated

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        self._generated: Path | None = None
        if len(args) == 2 and not (opts.list or opts.dump):
            self._target = args[1]
            base_url, domain, guessed = site_address(args[1])  # a UsageError before anything is written
            args = [args[0], base_url]  # what Scrapy's command checks (scheme present) and passes on
        super().run(args, opts)
        if self._generated is not None:
            print(f"base_url = {base_url!r}, allowed_domains = [{domain!r}]" + (
                f" (no scheme given: {base_url.split(':')[0]} for "
                + ("a host name" if base_url.startswith("https") else "an IP address, localhost or a port")
                + "; give the URL to choose)" if guessed else ""))
        if self._generated is None or Path(opts.template).stem != "news":
            return  # nothing generated (listing, dump, existing spider, unknown template) or not a news site
        assert self.settings is not None
        write_test_stub(self.settings, args[0], force=bool(opts.force))

"""``scrapy genspider``: Scrapy's command, plus the project's templates and a site test stub.

Templates are looked up in the project's ``TEMPLATES_DIR`` (``crawler/templates/spiders``:
``news``) and then in Scrapy's built-in ones (``basic``, ``crawl``, ``csvfeed``,
``xmlfeed``), so setting ``TEMPLATES_DIR`` hides nothing. With ``-t news`` a test stub
``<SITE_TESTS_DIR>/test_<name>.py`` is written from ``crawler/templates/site_test.tmpl``.
"""

from __future__ import annotations

import argparse
import string
from pathlib import Path
from typing import Any

import scrapy
from scrapy.commands.genspider import Command as ScrapyGenspider
from scrapy.commands.genspider import sanitize_module_name

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
BUILTIN_SPIDER_TEMPLATES = Path(scrapy.__path__[0], "templates", "spiders")


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

    def _genspider(self, module: str, name: str, url: str, template_name: str, template_file: Any) -> Path:
        self._generated = super()._genspider(module, name, url, template_name, template_file)
        return self._generated

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        self._generated: Path | None = None
        super().run(args, opts)
        if self._generated is None or Path(opts.template).stem != "news":
            return  # nothing generated (listing, dump, existing spider, unknown template) or not a news site
        assert self.settings is not None
        name = args[0]
        module = sanitize_module_name(name)
        tests_dir = Path(self.settings.get("SITE_TESTS_DIR") or "tests/sites")
        tests_dir.mkdir(parents=True, exist_ok=True)
        stub = tests_dir / f"test_{module}.py"
        if stub.exists() and not opts.force:
            print(f"Test stub {stub} already exists")
            return
        classname = "".join(s.capitalize() for s in module.split("_")) + "Spider"
        spiders_module = self.settings.get("NEWSPIDER_MODULE") or ""
        text = string.Template((TEMPLATES / "site_test.tmpl").read_text(encoding="utf-8")).substitute(
            name=name, module=module, classname=classname)
        if spiders_module != "crawler.spiders":
            text = text.replace("from crawler.spiders.", f"from {spiders_module}.", 1)
        stub.write_text(text, encoding="utf-8")
        print(f"Created test stub {stub}\nRecord a page for it with: scrapy savefixture {name} ARTICLE_URL")

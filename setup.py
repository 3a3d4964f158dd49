"""Egg build for scrapyd (``scrapyd-deploy`` runs ``python setup.py bdist_egg``); nothing else.

Everything else about the project lives in ``pyproject.toml``. ``pip install -e .`` (``make
install``) never runs ``bdist_egg``, so it keeps installing the dependencies only: the top-level
packages ``settings``, ``crawler``, ``pipelines`` and ``demo`` are too generic a name for
site-packages and run from the checkout. Only an egg build lists them, with the files they read
through ``importlib.resources`` (Lua scripts, templates, the report schema, the Alembic
migrations), and names the settings profile in the egg's ``scrapy`` entry point: the
``scrapy.cfg`` alias given by ``SCRAPY_PROJECT`` (``default``, i.e. ``settings.dev``, when unset),
e.g. ``SCRAPY_PROJECT=prod scrapyd-deploy local``.
"""

import configparser
import os
import sys

from setuptools import find_packages, setup

EGG_PACKAGES = ["settings", "crawler", "crawler.*", "pipelines", "pipelines.*", "demo", "demo.*"]
PACKAGE_DATA = {
    "pipelines.dedup": ["*.lua"],
    "pipelines.storage": ["migrations/*.py", "migrations/*.mako", "migrations/versions/*.py"],
    "crawler": ["templates/*.tmpl", "templates/spiders/*.tmpl"],
    "crawler.report": ["templates/*.j2", "schema.json"],
    "demo": ["templates/*/*.html"],
}


def profile_module() -> str:
    """The settings module of the ``scrapy.cfg`` alias ``SCRAPY_PROJECT`` (``default`` when unset)."""
    config = configparser.ConfigParser()
    config.read(os.path.join(os.path.dirname(os.path.abspath(__file__)), "scrapy.cfg"))
    alias = os.environ.get("SCRAPY_PROJECT") or "default"
    if not config.has_option("settings", alias):
        sys.exit(f"setup.py: SCRAPY_PROJECT={alias!r} is not a profile of scrapy.cfg [settings]")
    return config.get("settings", alias)


if "bdist_egg" in sys.argv[1:]:
    setup(
        packages=find_packages(include=EGG_PACKAGES),
        package_data=PACKAGE_DATA,
        entry_points={"scrapy": [f"settings = {profile_module()}"]},
        zip_safe=True,
    )
else:
    setup(packages=[], py_modules=[])

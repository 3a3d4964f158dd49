"""Development profile: the defaults, plus the interactive helpers Scrapy offers."""

from settings.base import *  # noqa: F403

TELNETCONSOLE_ENABLED = False  # still off: the demo runs unattended

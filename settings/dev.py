"""Development profile (the default): the base settings as they are, for the offline demo and local sites.

Not polite: 4 concurrent requests per site, no delay between them and no AutoThrottle. Use it
against ``make demo``'s network, tests and sites you run yourself; crawl real sites with the
``prod`` profile (``SCRAPY_PROJECT=prod``), as the README's cron line does.
"""

from settings.base import *  # noqa: F403

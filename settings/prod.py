"""Production profile: polite crawling of real sites from cron."""

from settings.base import *  # noqa: F403

AUTOTHROTTLE_ENABLED = True  # adapt the delay to each site's latency
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0  # average parallel requests per site
DOWNLOAD_DELAY = 0.5  # minimum delay between requests to one site
CONCURRENT_REQUESTS_PER_DOMAIN = 2  # per-site concurrency for real sites
LOG_LEVEL = "INFO"  # keep INFO in cron logs

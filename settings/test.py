"""Test profile (the test suite's crawls, on loopback sites): no retries to wait for, a short timeout,
a small index and extraction in the crawler's process."""

from settings.base import *  # noqa: F403

RETRY_TIMES = 0  # a 500 is a 500 in tests
DOWNLOAD_TIMEOUT = 10  # loopback pages answer at once
DEDUP_INDEX_CAPACITY = 10_000  # small index, small shards
EXTRACT_WORKERS = 0  # in-process: tests run many short crawls (the pool has its own tests)

"""Test profile: fast, loopback only, no retries to wait for."""

from settings.base import *  # noqa: F403

RETRY_TIMES = 0  # a 500 is a 500 in tests
DOWNLOAD_TIMEOUT = 10  # loopback pages answer at once
LOG_LEVEL = "INFO"  # tests read the log for tracebacks
DEDUP_INDEX_CAPACITY = 10_000  # small index, small shards
EXTRACT_WORKERS = 0  # in-process: tests run many short crawls (the pool has its own tests)

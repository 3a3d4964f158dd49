"""Every newsdedup setting, once, with a one-line comment each.

Profiles (``settings.dev``, ``settings.prod``, ``settings.test``) import this module and
override only what differs. Values that depend on the environment are read here, once:
``REDIS_URL``, ``DATABASE_URL``, ``NEWSDEDUP_DATA_DIR``, ``NEWSDEDUP_CONTACT`` and
``NEWSDEDUP_DEMO_PORT_BASE``.

Run from an egg (scrapyd: the packages are imported from a zip file, with no ``scrapy.cfg`` beside
them) the data folder is ``newsdedup-data`` in the working folder of the job, never inside the egg.
Every default below that lies in ``DATA_DIR`` follows ``-s DATA_DIR=…`` (``crawler.datadir``).
"""

import os
from pathlib import Path

# --- project layout ----------------------------------------------------------------------------
PROJECT_ROOT = str(Path(__file__).resolve().parent.parent)  # the checkout (folder of scrapy.cfg), or the egg
DATA_DIR = os.environ.get("NEWSDEDUP_DATA_DIR") or str(  # state folder: data/ of the checkout; from an egg, in cwd
    Path(PROJECT_ROOT) / "data" if (Path(PROJECT_ROOT) / "scrapy.cfg").is_file() else Path.cwd() / "newsdedup-data")

# --- Scrapy core -------------------------------------------------------------------------------
BOT_NAME = "newsdedup"  # name used in logs and the default User-Agent
SPIDER_MODULES = ["crawler.spiders"]  # where `scrapy list` / `scrapy crawl` find spiders
NEWSPIDER_MODULE = "crawler.spiders"  # where `scrapy genspider` writes new spiders
COMMANDS_MODULE = "crawler.commands"  # project commands: demo, dedup, …
TEMPLATES_DIR = str(Path(PROJECT_ROOT) / "crawler" / "templates")  # `scrapy genspider -t news` (built-ins still listed)
SITE_TESTS_DIR = str(Path(PROJECT_ROOT) / "tests" / "sites")  # where `genspider -t news` writes a site's test stub
SITE_FIXTURES_DIR = str(Path(SITE_TESTS_DIR) / "fixtures")  # `scrapy savefixture` records pages here (<site>/<slug>)
CRAWLER_CONTACT = os.environ.get("NEWSDEDUP_CONTACT") or "ops@example.invalid"  # who site owners can write to
USER_AGENT = f"newsdedup/0.1 (+https://example.invalid/newsdedup; {CRAWLER_CONTACT})"  # say who we are
ROBOTSTXT_OBEY = True  # politeness: honour robots.txt
CONCURRENT_REQUESTS = 16  # global concurrency
CONCURRENT_REQUESTS_PER_DOMAIN = 4  # per-site concurrency
# Items of one response processed at once. An article page yields one item; Scrapy starts this many
# asyncio tasks per response whatever it yields: at Scrapy's 100 that was ~3 % of a worker's
# Python time (py-spy, make bench-workers), about 1 ms a page.
CONCURRENT_ITEMS = 8
# Scrapy re-parses a callback's source for every response to warn about `return value` in a
# generator (its cache is keyed by bound methods, which die after each call); our callbacks are tested.
WARN_ON_GENERATOR_RETURN_VALUE = False
DOWNLOAD_DELAY = 0.0  # fixed delay between requests to one site (AutoThrottle adapts in prod)
DOWNLOAD_TIMEOUT = 30  # seconds before a request is abandoned
RETRY_TIMES = 2  # retries for 5xx / network errors
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024  # bytes: a larger page (declared, sent or decompressed) -> page/too_large drop
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024  # bytes: Scrapy logs a WARNING for a page larger than this
TELNETCONSOLE_ENABLED = False  # no telnet console, in every profile (crawls run unattended)
REMOTE_CONTROL_ENABLED = False  # Scrapy 2.19's remote-control server stays off, in every profile
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"  # current fingerprinting, silences the warning
FEED_EXPORT_ENCODING = "utf-8"  # exports in UTF-8
# FEEDS (-o / -O / -s FEEDS=…) export the kept articles (crawler.items.Article) with these fields: every
# field but ``dedup``, the dedup stage's internal record (index entry bytes, scores, a rescore function).
# tests/test_feed_export.py checks the list is exactly that (a new Article field fails it until listed).
FEED_EXPORT_FIELDS = ["id", "url", "final_url", "canonical_url", "site", "fetched_at", "title", "text", "author",
                      "published", "language", "authors", "updated", "sitename", "credits", "image", "description",
                      "tags", "section", "free_access", "word_count", "warc_file", "warc_offset"]
LOG_LEVEL = "INFO"  # log verbosity (cron logs and the tests read INFO lines)
LOG_FORMATTER = "crawler.logformatter.LogFormatter"  # drop lines name the reason, not the whole item
STATS_DUMP = True  # dump the stats at the end of a crawl (per-reason drop counts live there)
STATS_FILE = ""  # when set, each spider's final stats are written there as JSON ({spider} expands)
EXTENSIONS = {  # project extensions
    "spidermon.contrib.scrapy.extensions.Spidermon": 505,  # run health monitors (before RunRecorder)
    "crawler.extensions.StatsFile": 900,  # final stats as JSON, after the monitors (off unless STATS_FILE)
    "crawler.extensions.RunRecorder": 510,  # each crawl in the runs table (always on)
    "crawler.incremental.SeenRecorder": 520,  # marks URLs seen once stored or deliberately dropped
    "crawler.extensions.JobDirMarker": 530,  # marks a JOBDIR finished (off without JOBDIR)
    "crawler.extensions.CollectorTuning": 540,  # less garbage-collector work (GC_*)
    "scrapy.extensions.spiderstate.SpiderState": None,  # would pickle spider.state into JOBDIR; no spider uses it
}
GC_FREEZE_ON_OPEN = True  # gc.freeze() when a spider opens (crawler.extensions.CollectorTuning)
GC_GEN0_THRESHOLD = 10_000  # allocations between young-generation collections (Python's: 700; 0 = Python's)

# --- cron runner (scrapy crawlall) ---------------------------------------------------------------
# A site is unhealthy (exit 1) when its own errors (5xx/408/429 answers, download errors, item and spider
# errors: crawler/health.py) per request pass CRAWLALL_MAX_ERROR_RATE, judged from HEALTH_MIN_REQUESTS
# requests on (below that only when every request failed); never from the process-wide log_count/ERROR.
CRAWLALL_MAX_ERROR_RATE = 0.2
HEALTH_MIN_REQUESTS = 10  # fewer requests than this: a site is judged unhealthy only if all of them failed
SPIDERMON_ENABLED = True  # run health checks at spider close (crawler/monitors.py)
SPIDERMON_SPIDER_CLOSE_MONITORS = ["crawler.monitors.RunHealthSuite"]  # new articles, errors, dedup rate
MONITOR_DEDUP_RATE_DRIFT = 0.3  # dedup rate this far from the recent average fails the check
CRAWLALL_JOBDIR = True  # a JOBDIR per run under DATA_DIR/jobs/<spider>/ (a killed run is resumed)
SCHEDULER_DISK_QUEUE = "crawler.jobqueue.JsonLifoDiskQueue"  # JOBDIR requests as JSON: never unpickle the data folder
SCHEDULER_START_DISK_QUEUE = "crawler.jobqueue.JsonFifoDiskQueue"  # the same for start requests
PREFLIGHT_CONNECT_TIMEOUT = 5.0  # seconds the checks before a command allow the database and Redis to answer

# --- retention: pruned at the end of each `scrapy crawlall` and by `scrapy prune` (crawler/retention.py) ---
# Days each kind is kept; 0 = forever. Articles are never pruned.
RETENTION_LOG_DAYS = 30.0  # files DATA_DIR/logs/*.log not written to for this long
RETENTION_REPORT_DAYS = 30.0  # reports DATA_DIR/reports/report-* written this long ago
RETENTION_JOBDIR_DAYS = 2.0  # JOBDIRs of crawls that finished this long ago (an unfinished one is kept)
RETENTION_HTTPCACHE_DAYS = 14.0  # HTTP-cache entries neither stored nor used this long (refetched whole if needed)
RETENTION_DUPLICATE_DAYS = 30.0  # duplicates rows dropped this long ago; never less than DEDUP_WINDOW_DAYS
RETENTION_RUN_DAYS = 90.0  # runs rows (each crawl's stats) started this long ago

# --- incremental crawling ---------------------------------------------------------------------
SEEN_ENABLED = True  # skip article pages already stored or deliberately dropped
SEEN_TTL_DAYS = 30.0  # how long a URL stays seen
# A page refused by extraction (NoArticleText, NotAnArticle, …: a ``rejections`` row) is not seen for
# SEEN_TTL_DAYS: it is fetched again after REJECTION_RETRY_HOURS, and at once when its site's extraction
# declaration (EXTRACT_* settings, overrides, body_selector, boilerplate_lines) changes.
REJECTION_RETRY_HOURS = 24.0
REJECTION_KEEP_HTML_DAYS = 30.0  # a rejection keeps its page's html this long (for review accept/reextract)
ENTRY_MAX_AGE_DAYS = 7.0  # feed / sitemap (lastmod) entries older than this are not fetched; 0 = no limit
DOWNLOADER_MIDDLEWARES = {
    # Scrapy's offsite filter that also counts the article links and sources it drops (crawler/sources.py)
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
    "crawler.sources.SourceOffsiteMiddleware": 50,
    "crawler.incremental.SeenFilterMiddleware": 560,  # before the HTTP cache (900)
    "crawler.health.HealthMiddleware": 540,  # just outside RetryMiddleware (550): each request's final outcome
    # Scrapy's decompression + counted, signalled drops of pages over DOWNLOAD_MAXSIZE (crawler/pagesize.py)
    "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": None,
    "crawler.pagesize.PageSizeMiddleware": 590,
    "crawler.warcarchive.WarcArchiveMiddleware": 950,  # WARC_ARCHIVE: the bytes as downloaded, off the reactor thread
}
HTTPCACHE_ENABLED = True  # Scrapy's cache, used to revalidate listing pages (articles are not cached)
HTTPCACHE_POLICY = "scrapy.extensions.httpcache.RFC2616Policy"  # conditional GET: 304 when unchanged
HTTPCACHE_STORAGE = "crawler.httpcache.JsonCacheStorage"  # JSON metadata + raw body: never unpickle the data folder
HTTPCACHE_DIR = str(Path(DATA_DIR) / "httpcache")  # cached feeds, sitemaps and section pages
HTTPCACHE_ALWAYS_STORE = True  # keep listing pages even without cache headers (they are revalidated)
HTTPCACHE_IGNORE_RESPONSE_CACHE_CONTROLS = ["no-cache"]  # "revalidate each time": we always do

# --- WARC archive (crawler/warcarchive.py) and replay (scrapy replay, crawler/replay.py) -----------------
# Article responses written as WARC response + request records into rotating gzipped files; each
# stored article, duplicate and rejection records its WARC file and offset (warc_file, warc_offset).
WARC_ARCHIVE = False  # archive fetched article pages (the prod profile turns it on)
WARC_ARCHIVE_LISTINGS = False  # also archive listing pages (feeds, sitemaps, section pages)
WARC_DIR = str(Path(DATA_DIR) / "warc")  # where the WARC files go (<spider>-<UTC time>-<n>.warc.gz)
WARC_ROTATE_BYTES = 1024 * 1024 * 1024  # a file reaching this size (compressed) is closed; the next write opens one
WARC_ROTATE_SECONDS = 24 * 3600.0  # a file open this long is closed; 0 = no time rotation
# deflate level of each record (zlib-ng, 0-9): CPU against bytes. Per record of an 88 KB page: 6 takes
# 1.31 ms; 5, 0.90 ms for 1 % more bytes; 4, 0.74 ms (+3 %); 3, 0.51 ms (+5 %); 1, 0.20 ms (+38 %)
WARC_GZIP_LEVEL = 6
REPLAY_CONCURRENT_REQUESTS = 64  # records `scrapy replay` keeps in flight (no network: only memory bounds it)

# --- item pipelines: extract -> dedup -> store ---------------------------------------------------
ITEM_PIPELINES = {
    "pipelines.extract.pipeline.ExtractionPipeline": 100,  # HTML -> text + metadata (html goes no further)
    "pipelines.dedup.DedupPipeline": 300,  # drops reprints / near duplicates, records why
    "pipelines.storage.StoragePipeline": 500,  # articles + duplicates tables via SQLAlchemy
}

# --- extraction (trafilatura) --------------------------------------------------------------------
# Chosen on ../shared/corpus/extraction (400 pages); numbers in benchmarks/eval_extraction.py.
EXTRACT_INCLUDE_COMMENTS = False  # user comments are not article text (+0.010 shingle-F1 on the dev set)
EXTRACT_INCLUDE_TABLES = True  # keep tables in the body text
EXTRACT_FIRST_PASS = "recall"  # recall | balanced | precision (recall: same F1 as balanced, faster, never empty)
EXTRACT_SECOND_PASS = True  # second pass in the other mode when the first returns too little
EXTRACT_SECOND_PASS_MIN_WORDS = 100  # "too little": fewer words than this…
EXTRACT_SECOND_PASS_SHARE = 0.3  # …or less than this share of the words in the page's <p> elements
# Rule families (pipelines/extract/rules.py registers each rule under one of these switches;
# docs/extraction-rules.md holds each rule's measured evidence):
EXTRACT_STRIP_BOILERPLATE = True  # generic share/subscribe/advertisement lines and EXTRACT_BOILERPLATE_LINES
EXTRACT_TRIM_RELATED = True  # cut a trailing "Related stories / More from / References" block (inline: the box)
EXTRACT_TRIM_CONSENT = True  # cut a trailing cookie-consent panel trafilatura kept
EXTRACT_TRIM_TITLE = True  # drop the headline repeated atop the text
EXTRACT_TRIM_BIO = True  # cut a trailing bio of the author (full name or first name)
EXTRACT_TRIM_CLOSING = True  # calls to action, closing appeals/credits block, trailing dates/tags/disclaimers
EXTRACT_TRIM_REPEATS = True  # template link runs and the extra copies of lines printed 3 times or more
EXTRACT_TRIM_FOREIGN = True  # lines from outside the container of the article's longest paragraphs
EXTRACT_REPAIR_TREE = True  # show trafilatura text a browser shows: streamed segments, quote figures, FAQ panels…
# Reference guard: trafilatura's own text of the page is the reference; a rule (other than the explicit
# "related" heading and consent cuts) removing more than this share of its words is undone for the page
# (stat extract/guard/<rule>); an empty result where the reference has EXTRACT_MIN_WORDS falls back to it.
EXTRACT_GUARD_MAX_LOSS = 0.4  # 0 = guard off
EXTRACT_STRUCTURED_BODY = True  # JSON-LD articleBody when >= 1.5x the text's words and containing >= 60% of it
EXTRACT_RESCUE_MAX_WORDS = 150  # jusText rescue when the text has fewer prose words than this…
EXTRACT_RESCUE_SHARE = 0.1  # …and under this share of the page's sentence-length <p> words (0 = never)
EXTRACT_MIN_WORDS = 40  # fewer words in sentence-length lines -> NoArticleText drop
# Word counts and minimums are in word-sized units (pipelines/textunits.py): words for spaced scripts,
# letters / 1.5 (Han), / 3 (kana), / 4 (Thai, Lao, Khmer, Myanmar) for scripts written without spaces.
# Languages to keep (ISO 639-1, e.g. ["en", "fr"]); an article in another one -> WrongLanguage drop.
# Empty = all. A spider's `languages` attribute overrides it for that spider's crawl.
LANGUAGES: list[str] = []
EXTRACT_MAX_LINK_SHARE = 0.5  # more of the text than this in links/list items/teasers -> NotAnArticle
EXTRACT_LISTING_URL_LINK_SHARE = 0.25  # the same limit for URLs shaped like /tag/, /category/, /search?q=
EXTRACT_LISTING_PROSE_MARGIN = 0.25  # prose outside the listed lines raises either limit by up to this…
EXTRACT_LISTING_PROSE_WORDS = 600  # …in proportion, the whole margin at this many words of such prose
EXTRACT_PAYWALL_MAX_WORDS = 350  # a paywall notice with fewer words of text than this -> PaywallTeaser
EXTRACT_MAX_TEXT_CHARS = 200_000  # a longer extracted text (~10x a long feature) -> TextTooLong drop; 0 = no bound
# The updated date comes from the page's meta/JSON-LD. True also searches the page with htmldate when
# none is stated: on the dev corpus that adds a guessed date on 22 of 400 pages for ~0.1 of the cost ratio.
EXTRACT_UPDATED_DATE_SEARCH = False
EXTRACT_DATE_EXTENSIVE = True  # htmldate's extensive search when no tag states the published date
EXTRACT_BODY_SELECTOR = ""  # a site's article body (CSS, or XPath when it starts with "/" or "("); "" = whole page
EXTRACT_BOILERPLATE_LINES = []  # a site's lines to strip (regexes, full-line match)
# Extraction runs in worker processes (pipelines/extract/pool.py) so it neither blocks the
# reactor nor leaves cores idle: None = one worker per core (in-process on a 1-core machine),
# 0 = in the crawler's process, N = N workers. At most EXTRACT_POOL_MAX_PENDING pages are in the
# pool at once (0 = 3 per worker); beyond that pages wait in Scrapy's scraper slot (bounded memory).
EXTRACT_WORKERS = None
EXTRACT_POOL_MAX_PENDING = 0
EXTRACT_SITE_OVERRIDES = {}  # per site: {"site_name": {"EXTRACT_FIRST_PASS": "balanced", …}}

# --- Redis (dedup index) -------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL") or None  # e.g. redis://host:6379/0; unset = embedded Redis
REDIS_EMBEDDED_PATH = str(Path(DATA_DIR) / "redis" / "index.rdb")  # embedded Redis persists here
# Redis Cluster: seed nodes "host:port,host:port" (or REDIS_URL=redis+cluster://host:port); "" = one server
REDIS_CLUSTER_NODES = os.environ.get("REDIS_CLUSTER_NODES") or ""
REDIS_SOCKET_TIMEOUT = 5.0  # seconds a Redis call (connecting or waiting for a reply) may take before it fails
REDIS_EMBEDDED_START_TIMEOUT = 60.0  # seconds to wait for the embedded redis-server to load its data and answer
REDIS_KEY_PREFIX = "newsdedup"  # namespace of every Redis key: dedup index, seen-store, crawl frontier

# --- near-duplicate stage ------------------------------------------------------------------------
DEDUP_ENABLED = True  # turn the dedup stage off with False
DEDUP_KEY_PREFIX = None  # deprecated alias of REDIS_KEY_PREFIX (used, with a warning, when set)
DEDUP_NUM_PERM = 128  # MinHash permutations (256: more margin, ~0.3 ms more per article)
DEDUP_SIGNATURE_BITS = 8  # bits of each MinHash value kept in Redis (b-bit MinHash; 8 or 16)
DEDUP_SEED = 1  # MinHash seed (part of the index parameters)
DEDUP_SHINGLE_SIZE = 7  # character shingles over the text without spaces/punctuation
DEDUP_SHINGLE_SAMPLE = 1  # 1 = hash every shingle; N = a consistent 1-in-N sample (faster, less recall: README)
DEDUP_LSH_THRESHOLD = 0.25  # Jaccard where LSH retrieval starts (48 bands x 2 rows; candidates are verified)
DEDUP_JACCARD_THRESHOLD = 0.5  # verified Jaccard at or above this is a near duplicate
DEDUP_CONTAINMENT_THRESHOLD = 0.65  # share of one text inside the other that makes a (trimmed) copy
DEDUP_PARTIAL_CONTAINMENT = 0.55  # …or this share inside, when it also covers DEDUP_PARTIAL_COVERAGE
DEDUP_PARTIAL_COVERAGE = 0.4  # of the other text (a half-length reprint with a local paragraph); 0 = off
DEDUP_MIN_JACCARD = 0.1  # containment rules need at least this Jaccard
DEDUP_CONFIDENCE_Z = 1.5  # containment uses Jaccard minus z standard errors (small-in-large is noisy)
DEDUP_MIN_WORDS_CONTAINMENT = 60  # the contained text needs this many words for containment rules
DEDUP_UPDATE_MIN_NEW_TEXT = 0.30  # same-site version adding >= this share of new words is an update
DEDUP_WINDOW_DAYS = 30.0  # index entries older than this no longer match (and expire)
DEDUP_INDEX_CAPACITY = 200_000  # expected articles per window; sizes the Redis band shards
DEDUP_MAX_CANDIDATES = 64  # candidates verified per article, most band hits first
# Band hashes in this many shard groups (pipelines/dedup/groups.py): 0 = 16 on a Redis Cluster (they
# spread over its masters; a check is then 3 round trips), none on one server (a check is 1 call)
DEDUP_BAND_GROUPS = 0
DEDUP_SITE_BOILERPLATE = True  # learn and strip per-site repeated trailing lines (footers)
# Which copy of a story is stored: "best" (the source the others credit, then the fuller text
# that contains the others, then the earlier stated date; a site's canonical page over its
# variants: a better copy arriving later replaces the stored one) or "first" (the first stored).
DEDUP_KEEP = "best"
# "fuller" means at least this share more words: a reprint that adds a local paragraph is a
# near-equal copy (decided by credit and date), and near-equal copies never swap by length
DEDUP_KEEP_FULLER_MARGIN = 0.25
# Lines of <= 30 words on this many distinct pages of a site (not re-crawls, URL copies or same-site versions)
# are common there and not fingerprinted; 0 turns learning them off.
DEDUP_COMMON_LINE_PAGES = 3
DEDUP_COMMON_LINE_SITES = 2  # a line common on this many sites is common on every site
# Fewer words of story text than this left after chrome, wall and common lines: the page is kept, flagged
# "thin" (a registration wall, a form) and compared with nothing (URL duplicates still dropped); 0 = off.
DEDUP_MIN_EVIDENCE_WORDS = 25
# The database is the source of truth; the Redis index is rebuilt from it before a run when it is
# empty, older than the database or another database's ("auto"), or the run refuses ("refuse").
DEDUP_INDEX_REBUILD = "auto"
# Redis down, hung (past REDIS_SOCKET_TIMEOUT) or restarted without its data during a crawl: "stop"
# the crawl (nothing stored unchecked; the next run fetches what was missed) or "store-unchecked"
# (articles stored flagged unchecked; the next run that reaches Redis reconciles them).
DEDUP_ON_REDIS_DOWN = "stop"

# --- distributed crawl: used only by the ``distributed`` profile (settings/distributed.py), which switches
# on the scrapy-redis scheduler, dupefilter and spider loader (crawler/distributed/) that read these.
SCHEDULER_QUEUE_CLASS = "scrapy_redis.queue.PriorityQueue"  # shared queue: a sorted set, atomic pops
SCHEDULER_SERIALIZER = "crawler.redis_json"  # requests as JSON in Redis: never unpickle what Redis holds
SCHEDULER_PERSIST = True  # required: a closing worker never deletes the queue or dupefilter others use
SCHEDULER_FLUSH_ON_START = False  # required: a starting worker never deletes them either
DISTRIBUTED_KEY_PREFIX = ""  # frontier keys <prefix>:crawl:<spider>:…; "" = REDIS_KEY_PREFIX
MAX_IDLE_TIME_BEFORE_CLOSE = 30  # s the frontier stays empty (no worker busy) before a worker exits; 0 = never
DISTRIBUTED_IDLE_POLL = 1.0  # s between looks at the shared queue while idle (Scrapy's heartbeat is 5 s)
DISTRIBUTED_WORKER_TTL = 30  # s without heartbeat after which a worker counts as dead (heartbeat: TTL/3)

# --- offline dedup command (scrapy dedup FILE.jsonl) ---------------------------------------------
DEDUP_INPUT_MAX_LINE_BYTES = 8 * 1024 * 1024  # a longer input line is a bad line (memory stays bounded)
DEDUP_INPUT_MAX_DEPTH = 16  # an input record nesting objects/arrays deeper than this is a bad line

# --- storage ----------------------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{Path(DATA_DIR) / 'newsdedup.sqlite3'}"  # SQLAlchemy URL
# Group commit: storage writes go in one transaction per STORAGE_BATCH_SIZE writes or per
# STORAGE_BATCH_SECONDS after the first waiting write (0 = a commit per write). An article
# counts as stored, and its URL as seen, only after its transaction committed.
STORAGE_BATCH_SIZE = 50
STORAGE_BATCH_SECONDS = 0.25

# --- reports (scrapy report / scrapy review) -----------------------------------------------------------
REPORT_BORDERLINE_MARGIN = 0.1  # a drop whose deciding score is within this above its threshold is borderline
REPORT_DAYS = 7.0  # `scrapy report` (and the demo's report) cover the last this many days by default; 0 = every run

# --- exports (scrapy export) ---------------------------------------------------------------------------
EXPORT_BATCH_SIZE = 1000  # rows read from the database at a time (memory stays bounded on a large database)

# --- demo network ------------------------------------------------------------------------------------
DEMO_SITE_URLS = {}  # {spider name: base URL} of a running demo network; empty = start one in-process
# `make demo` serves the publishers on ports base..base+4, or reuses the demo network another process serves
# there; it never moves to other ports (the stored demo URLs name them). 0 = free ports (a throwaway network).
DEMO_PORT_BASE = int(os.environ.get("NEWSDEDUP_DEMO_PORT_BASE") or 8701)

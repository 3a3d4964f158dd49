"""Tables (SQLAlchemy Core): what was kept (``articles``), what was dropped (``duplicates``),
what was refused before dedup (``rejections``), each crawl (``runs``), each review action
(``reviews``), and which build of the Redis dedup index the rows were decided against
(``index_state``, ``database_meta``).

A ``duplicates`` row holds enough to review and restore the copy: its url, site, title and
text, the kept article it duplicates, the method, the scores of the copy against that kept
article, and the score and threshold that decided the drop. Articles and duplicates
and rejections record the WARC file and offset holding their page when it was archived
(``warc_file``, ``warc_offset``). Articles and duplicates
keep the index entry their check inserted (``index_entry``, an opaque ``IndexEntry`` blob)
and its number (``index_seq``): the database is the source of truth, and the Redis index is
rebuilt from these rows when it is lost, stale or another database's.

The schema changes only through Alembic migrations (``pipelines/storage/migrations``).
"""

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    func,
)

metadata = MetaData()


def warc_columns() -> tuple[Column, Column]:
    """Where the page of a row is archived (``crawler.warcarchive``, or the WARC a replay read):
    the WARC file (a name under ``WARC_DIR``, or an absolute path) and the byte offset of its
    response record; NULL when the page was not archived."""
    return Column("warc_file", Text, nullable=True), Column("warc_offset", BigInteger, nullable=True)


articles = Table(
    "articles",
    metadata,
    Column("id", String(16), primary_key=True),  # crawler.urls.article_id(url)
    Column("url", Text, nullable=False, unique=True),
    Column("final_url", Text, nullable=False),
    Column("canonical_url", Text, nullable=False),
    Column("site", String(100), nullable=False, index=True),
    Column("title", Text, nullable=False),
    Column("author", Text, nullable=False, default=""),
    Column("published", String(40), nullable=False, default=""),
    Column("language", String(16), nullable=False, default=""),
    Column("authors", Text, nullable=False, default="[]"),  # JSON list of names
    Column("updated", String(40), nullable=False, default=""),
    Column("sitename", Text, nullable=False, default=""),
    Column("credits", Text, nullable=False, default="[]"),  # JSON list: publishers it credits (name keys)
    # what a news user expects beside the text (pipelines.extract.metadata.news_metadata); NULL on
    # rows stored before these columns existed
    Column("image", Text, nullable=True),  # lead image, absolute URL ("" when the page names none)
    Column("description", Text, nullable=True),
    Column("tags", Text, nullable=True),  # JSON list of tags / keywords
    Column("section", Text, nullable=True),
    Column("free_access", Boolean, nullable=True),  # false: isAccessibleForFree false (JSON-LD) or a paywall notice
    Column("word_count", Integer, nullable=True),  # pipelines.textunits.count_units of the text
    Column("text", Text, nullable=False),
    Column("fetched_at", String(40), nullable=False),
    Column("stored_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    # new | update | earlier_version | thin (too little story text to compare) | unchecked | restored
    Column("dedup_method", String(20), nullable=False, default="new", index=True),
    Column("updates_id", String(16), nullable=True),  # the other version of the story (same site)
    Column("run_id", Integer, nullable=True, index=True),  # runs.id of the crawl that stored it
    Column("index_seq", BigInteger, nullable=True),  # number of its record in the Redis index
    Column("index_entry", LargeBinary, nullable=True),  # IndexEntry blob: replayed by an index rebuild
    *warc_columns(),
)

duplicates = Table(
    "duplicates",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("article_id", String(16), nullable=False, unique=True),  # id the copy would have had
    Column("url", Text, nullable=False),
    Column("site", String(100), nullable=False, index=True),
    Column("title", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("author", Text, nullable=False, default=""),
    Column("published", String(40), nullable=False, default=""),
    Column("fetched_at", String(40), nullable=False),
    Column("duplicate_of", String(16), nullable=False, index=True),  # articles.id of the kept copy
    # the method of its drop (a DuplicateDrop's, pipelines.drops), or merged (a late merge)
    Column("method", String(20), nullable=False),
    Column("jaccard", Float, nullable=False, default=0.0),
    Column("contained", Float, nullable=False, default=0.0),  # share of the copy inside the kept one
    Column("contains", Float, nullable=False, default=0.0),  # share of the kept one inside the copy
    # kept_is_shorter | late_merge | superseded_<why> (fuller, credited, earlier, canonical)
    Column("relation", String(30), nullable=False, default=""),
    Column("dropped_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("run_id", Integer, nullable=True, index=True),  # runs.id of the crawl that dropped it
    Column("index_seq", BigInteger, nullable=True),  # number of its record in the Redis index
    Column("index_entry", LargeBinary, nullable=True),  # IndexEntry blob: replayed by an index rebuild
    # what decided the drop, as it was decided: the score, its threshold then, the record measured
    Column("decided_score", Float, nullable=True),
    Column("decided_threshold", Float, nullable=True),
    Column("decided_against", String(16), nullable=True),  # may be a sibling copy of duplicate_of
    Column("superseded_by", String(16), nullable=True),  # set when this was the kept copy until a better one came
    *warc_columns(),
)

runs = Table(
    "runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("spider", String(100), nullable=False, index=True),
    Column("session", String(32), nullable=False, default="", index=True),  # one per process (scrapy demo: 4 runs)
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True), nullable=True),
    Column("finish_reason", String(40), nullable=False, default=""),
    Column("stats", Text, nullable=False, default="{}"),  # final Scrapy stats as JSON
)

# A late merge or a replacement whose article another process has not committed yet (its batch
# is still open): applied as soon as that article is in ``articles`` or ``duplicates``
# (``pipelines.storage.moves``).
pending_merges = Table(
    "pending_merges",
    metadata,
    Column("article_id", String(16), primary_key=True),  # the stored-to-be article to move
    Column("into", String(16), nullable=False),  # the kept article it is a copy of
    Column("run_id", Integer, nullable=True),
    Column("at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("moved", Text, nullable=True),  # JSON: duplicates values of a replacement; null: a late merge
)

reviews = Table(
    "reviews",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("action", String(20), nullable=False),  # restore | distinct | accept | reextract (b: rejection id)
    Column("a", String(16), nullable=False),  # restore: the restored copy; distinct: first article
    Column("b", String(16), nullable=False, default=""),  # restore: the article it was a copy of; distinct: second
    Column("at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("note", Text, nullable=False, default=""),
    Column("index_seq", BigInteger, nullable=True),  # number the Redis index gave this change
)

# Pages refused before they could become articles (too large, …), with the evidence.
rejections = Table(
    "rejections",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("url", Text, nullable=False, index=True),
    Column("final_url", Text, nullable=False, default=""),
    Column("site", String(100), nullable=False, index=True),
    Column("run_id", Integer, nullable=True, index=True),
    Column("reason", String(40), nullable=False),  # a drop's class name (pipelines.drops), or PageTooLarge
    Column("message", Text, nullable=False, default=""),
    Column("evidence", Text, nullable=False, default="{}"),  # JSON: sizes, limits, counts behind the decision
    Column("text", Text, nullable=False, default=""),  # extracted text, if any
    Column("html", LargeBinary, nullable=True),  # raw response body, zlib-compressed, if kept
    Column("rejected_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    # "" (still refused) | accepted (review accept) | reextracted (passed review reextract)
    Column("resolution", String(20), nullable=False, default="", server_default=""),
    Column("resolved_at", DateTime(timezone=True), nullable=True),
    Column("article_id", String(16), nullable=True),  # the article (or dropped copy) it became
    *warc_columns(),
)

# Which build of the Redis index (per key prefix) the rows were decided against.
index_state = Table(
    "index_state",
    metadata,
    Column("prefix", String(100), primary_key=True),  # DEDUP_KEY_PREFIX
    Column("generation", String(32), nullable=False),  # also in <prefix>:meta.gen
    Column("params", Text, nullable=False),  # DedupConfig.index_params()
    Column("rebuilt_at", DateTime(timezone=True), nullable=True),
    Column("rebuilt_rows", Integer, nullable=False, default=0),
)

# name -> value; ``database_id``: a random id naming this database (in <prefix>:meta.db).
database_meta = Table(
    "database_meta",
    metadata,
    Column("name", String(40), primary_key=True),
    Column("value", Text, nullable=False),
)

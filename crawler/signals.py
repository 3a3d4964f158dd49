"""The project's own Scrapy signals (sent with ``crawler.signals.send_catch_log``)."""

# Sent by the storage stage once the transaction holding an article's row committed — a kept
# article (``articles``) or a dropped copy (``duplicates``). Argument: ``item`` (the Article).
# The seen-store marks URLs on this signal, so a crash before a commit never loses an article.
article_recorded = object()

# Sent when a fetched page is refused before it can become an article (too large, a decompression
# bomb, …). Arguments: ``url`` (str), ``site`` (str, the spider name), ``reason`` (str, e.g.
# ``PageTooLarge``), ``message`` (str, one line) and ``evidence`` (dict of JSON values: sizes, limits);
# optionally ``warc_file`` and ``warc_offset``: where the page is archived (crawler.warcarchive).
# The storage stage records it in the ``rejections`` table.
page_rejected = object()

# Sent by the storage stage once the transaction holding the ``rejections`` row of a page refused
# by extraction committed. Arguments: ``item`` (the ArticlePage) and ``reason`` (the drop's class
# name). The seen-store marks the URL rejected (fetched again after REJECTION_RETRY_HOURS, or when
# the site's extraction declaration changes).
rejection_recorded = object()

# Sent by the storage stage once the transaction that stored a better copy of a story committed:
# the copy stored before (``replaced``, its article id) is now a recorded duplicate of it.
# Arguments: ``item`` (the new Article), ``replaced`` (str) and ``why`` (fuller | credited |
# earlier | cleaner | carried | canonical).
article_replaced = object()

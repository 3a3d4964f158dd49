"""The project's own Scrapy signals (sent with ``crawler.signals.send_catch_log``)."""

# Sent by the storage stage once the transaction holding an article's row committed — a kept
# article (``articles``) or a dropped copy (``duplicates``). Argument: ``item`` (the Article).
# The seen-store marks URLs on this signal, so a crash before a commit never loses an article.
article_recorded = object()

"""Moves between ``articles`` and ``duplicates`` inside one storage transaction (``Tx``): a late
merge (a stored article found to be a copy of another), a replacement (a better copy of a story
stored: the kept one becomes its copy), a re-crawled copy of a stored article, and moves waiting
for an article another worker had not committed yet (``pending_merges``).

Workers commit in any order, and an index decision may reach storage after later decisions
about the same story did. Whatever the order, these functions keep (``Store.write_batch`` locks
the ids a batch names; ``current`` locks every further id it reaches before reading it):

* an article id is in ``articles`` or in ``duplicates``, never in both;
* a ``duplicates`` row points at the article its target stands for now (``current``): a copy
  recorded against an article moved since points where that one went, and every copy of a moved
  article is re-pointed in the move's transaction;
* a copy's row records its own decision, not its re-crawl's (``seen``) that committed first;
* a move waits in ``pending_merges`` only while its article is in neither table, with the
  values it records (a replacement's ``superseded_by`` and why), and is applied as soon as the
  article is in either;
* with a ``rescore`` function (``pipelines.dedup.entry.scores_between``, carried by the dedup
  decision) a moved, re-pointed or re-crawled row gets the scores of its text against the
  article it points at, and copies recorded before their kept article was committed get them
  when it is.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from crawler.items import Article
from pipelines.drops import LATE_MERGE, AlreadyDropped, NearDuplicate
from pipelines.storage.models import articles, duplicates, pending_merges

Rescore = Callable[[bytes, bytes], "dict[str, float] | None"]  # (copy entry, kept entry) -> scores
_MAX_HOPS = 64  # a chain of replacements is far shorter; a longer one would be a cycle


@dataclass(frozen=True)
class Tx:
    """One storage transaction: its connection, the dialect's ``insert`` (``ON CONFLICT``), and
    ``lock(ids)``, which waits for the other transactions that locked any of ``ids`` (a no-op
    where the whole transaction is exclusive)."""

    conn: Any
    insert: Any
    lock: Callable[[list[str]], None]


def decided_values(decided: dict[str, Any] | None) -> dict[str, Any]:
    """The ``duplicates`` columns of what decided a drop (score, threshold, record measured)."""
    decided = decided or {}
    return {"decided_score": decided.get("score"), "decided_threshold": decided.get("threshold"),
            "decided_against": decided.get("against") or None}


def current(tx: Tx, ids: Iterable[str]) -> dict[str, str]:
    """What each of ``ids`` stands for now: itself unless it is in ``duplicates``, else the article
    its row points at, followed through later moves. The caller locked ``ids``; each further id
    is locked before its row is read, so a move of it commits before this reads it or waits for
    this transaction (and then re-points what this one writes)."""
    found = {i: i for i in ids}
    frontier = dict(found)
    for _ in range(_MAX_HOPS):
        if not frontier:
            break
        rows = tx.conn.execute(select(duplicates.c.article_id, duplicates.c.duplicate_of)
                               .where(duplicates.c.article_id.in_(set(frontier.values())))).all()
        moved = {a: b for a, b in rows if a != b}
        frontier = {start: moved[at] for start, at in frontier.items() if at in moved}
        if frontier:
            tx.lock(sorted(set(frontier.values())))
        found.update(frontier)
    return found


def present(tx: Tx, column: Any, ids: list[str]) -> set[str]:
    """The ids among ``ids`` found in ``column`` (``articles.c.id``, ``duplicates.c.article_id``)."""
    return {r[0] for r in tx.conn.execute(select(column).where(column.in_(ids)))} if ids else set()


def _entries(tx: Tx, ids: Iterable[str]) -> dict[str, bytes]:
    """Index entries of the stored articles among ``ids``."""
    wanted = set(ids)
    if not wanted:
        return {}
    rows = tx.conn.execute(select(articles.c.id, articles.c.index_entry).where(articles.c.id.in_(wanted))).all()
    return {i: e for i, e in rows if e}


def _scores(rescore: Rescore | None, copy: bytes | None, kept: bytes | None) -> dict[str, float]:
    return (rescore(copy, kept) or {}) if rescore is not None and copy and kept else {}


def point_rows(tx: Tx, rows: list[dict[str, Any]], rescores: list[Rescore | None]) -> None:
    """Point ``duplicates`` rows about to be inserted at what their ``duplicate_of`` stands for
    now; a row pointed elsewhere, or without scores of its own (a re-crawl of a dropped copy,
    method ``seen``), gets the scores against that article when its entry is known."""
    now = current(tx, [row["duplicate_of"] for row in rows])
    redo = [(row, rescore) for row, rescore in zip(rows, rescores, strict=True)
            if now[row["duplicate_of"]] != row["duplicate_of"] or row["method"] == AlreadyDropped.method]
    kept = _entries(tx, [now[row["duplicate_of"]] for row, _ in redo])
    for row, rescore in redo:
        row["duplicate_of"] = now[row["duplicate_of"]]
        row.update(_scores(rescore, row["index_entry"], kept.get(row["duplicate_of"])))


def replace_recrawls(tx: Tx, rows: list[dict[str, Any]]) -> None:
    """``duplicates`` rows that were not new: a copy's own decision takes the place of the row its
    re-crawl recorded first (method ``seen``: no decided values, no scores of its own)."""
    for row in rows:
        if row["method"] != AlreadyDropped.method:
            tx.conn.execute(duplicates.update().where(duplicates.c.article_id == row["article_id"],
                                                      duplicates.c.method == AlreadyDropped.method)
                            .values({k: v for k, v in row.items() if k != "article_id"}))


def rescore_copies(tx: Tx, stored: dict[str, tuple[bytes | None, Rescore | None]]) -> None:
    """Articles just stored (id -> (entry, rescore)): copies recorded against them before they
    were committed get the scores against them."""
    if not stored:
        return
    rows = tx.conn.execute(select(duplicates.c.id, duplicates.c.duplicate_of, duplicates.c.index_entry)
                           .where(duplicates.c.duplicate_of.in_(list(stored)))).all()
    for row_id, kept_id, entry in rows:
        kept_entry, rescore = stored[kept_id]
        scores = _scores(rescore, entry, kept_entry)
        if scores:
            tx.conn.execute(duplicates.update().where(duplicates.c.id == row_id).values(**scores))


def apply_pending_merges(tx: Tx, rescores: dict[str, Rescore | None]) -> None:
    """Moves recorded before these articles were committed (now in ``articles`` or ``duplicates``;
    ``rescores``: article id -> how to score its pair): apply them now, looked up in one query."""
    if not rescores:
        return
    waiting = tx.conn.execute(select(pending_merges).where(pending_merges.c.article_id.in_(list(rescores))))
    for merge in waiting.mappings().all():
        values = json.loads(merge["moved"]) if merge["moved"] else None
        if move(tx, merge["article_id"], merge["into"], merge["run_id"], rescores[merge["article_id"]], values):
            tx.conn.execute(pending_merges.delete().where(pending_merges.c.article_id == merge["article_id"]))


def supersede(tx: Tx, article: Article, run_id: int | None) -> None:
    """``replace(tx, article.id, article.dedup, run_id)`` for an article just stored (or found
    already a copy itself)."""
    replace(tx, article.id, article.dedup, run_id)


def replace(tx: Tx, new_id: str, dedup: dict[str, Any], run_id: int | None) -> None:
    """Article ``new_id`` is a better copy of the story than the kept ``dedup["replaces"]``
    (``dedup``: the dedup stage's record of the decision): that one moves into ``duplicates`` as
    its copy (``superseded_by``, why in ``relation``, the scores of the pair), and every copy of it
    points at what ``new_id`` stands for now; the decision's late merges move there too. When the
    replaced one is not stored yet (another worker's open batch) the move waits in
    ``pending_merges`` with these values."""
    scores = dedup.get("scores") or {}
    values = {"method": dedup.get("match") or NearDuplicate.method,
              "relation": f"superseded_{dedup.get('why') or 'better'}", "superseded_by": new_id,
              "jaccard": scores.get("jaccard", 0.0),
              # the replaced copy inside the new kept article, and the reverse
              "contained": scores.get("contains", 0.0), "contains": scores.get("contained", 0.0),
              **decided_values(dedup.get("decided"))}
    values = {k: v for k, v in values.items() if v is not None}  # a re-check knows no decided values
    rescore = dedup.get("rescore")
    for merged in dedup.get("merged") or ():
        merge(tx, merged, new_id, run_id, rescore)
    if not move(tx, dedup["replaces"], new_id, run_id, rescore, values):
        tx.conn.execute(tx.insert(pending_merges).values(article_id=dedup["replaces"], into=new_id,
                                                         run_id=run_id, moved=json.dumps(values))
                        .on_conflict_do_nothing())


def merge(tx: Tx, article_id: str, into: str, run_id: int | None, rescore: Rescore | None = None) -> bool:
    """Move ``article_id`` into ``duplicates`` now (True), or, when it is in neither table (another
    worker's open batch), record the merge to apply when it is (False). Locked by ``write_batch``."""
    if move(tx, article_id, into, run_id, rescore):
        return True
    tx.conn.execute(tx.insert(pending_merges).values(article_id=article_id, into=into, run_id=run_id)
                    .on_conflict_do_nothing())
    return False


def move(tx: Tx, article_id: str, into: str, run_id: int | None, rescore: Rescore | None = None,
         values: dict[str, Any] | None = None) -> bool:
    """Record ``article_id`` as a copy of what ``into`` stands for now (a late merge unless
    ``values`` say otherwise): a stored article moves into ``duplicates``; a copy already
    recorded (a re-crawl recorded it first) is pointed there and takes ``values``. Its copies
    then point there too. False when it is in neither table."""
    into = current(tx, [into])[into]
    kept_entry = _entries(tx, [into]).get(into)
    row = tx.conn.execute(select(articles).where(articles.c.id == article_id)).mappings().first()
    if row is not None:
        moved = {"method": LATE_MERGE, "relation": "late_merge", **(values or {}),
                 **_scores(rescore, row["index_entry"], kept_entry)}
        tx.conn.execute(
            tx.insert(duplicates).values(
                article_id=row["id"], url=row["url"], site=row["site"], title=row["title"], text=row["text"],
                author=row["author"], published=row["published"], fetched_at=row["fetched_at"],
                duplicate_of=into, run_id=run_id, index_seq=row["index_seq"], index_entry=row["index_entry"],
                warc_file=row["warc_file"], warc_offset=row["warc_offset"], **moved,
            ).on_conflict_do_nothing()
        )
        tx.conn.execute(articles.delete().where(articles.c.id == article_id))
    else:
        entry = tx.conn.execute(select(duplicates.c.index_entry).where(duplicates.c.article_id == article_id)).first()
        if entry is None:
            return False
        tx.conn.execute(duplicates.update().where(duplicates.c.article_id == article_id).values(
            {"duplicate_of": into, **(values or {}), **_scores(rescore, entry[0], kept_entry)}))
    copies = tx.conn.execute(select(duplicates.c.id, duplicates.c.index_entry)
                             .where(duplicates.c.duplicate_of == article_id)).all()
    for copy_id, entry in copies:
        tx.conn.execute(duplicates.update().where(duplicates.c.id == copy_id)
                        .values(duplicate_of=into, **_scores(rescore, entry, kept_entry)))
    return True

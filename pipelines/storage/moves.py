"""Moves between ``articles`` and ``duplicates`` inside one storage transaction (the caller's
``conn``; ``insert`` is the dialect's ``insert`` with ``ON CONFLICT``): a late merge (a stored
article found to be a copy of another), a replacement (a better copy of a story stored: the
kept one becomes its copy), and late merges waiting for an article another worker had not
committed yet (``pending_merges``). Every copy of a moved article then points at the article
it was moved into; with a ``rescore`` function the scores of each moved or re-pointed row are
those of its text against that article (``pipelines.dedup.entry.scores_between``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from crawler.items import Article
from pipelines.storage.models import articles, duplicates, pending_merges

Rescore = Callable[[bytes, bytes], "dict[str, float] | None"]  # (copy entry, kept entry) -> scores


def decided_values(decided: dict[str, Any] | None) -> dict[str, Any]:
    """The ``duplicates`` columns of what decided a drop (score, threshold, record measured)."""
    decided = decided or {}
    return {"decided_score": decided.get("score"), "decided_threshold": decided.get("threshold"),
            "decided_against": decided.get("against") or None}


def apply_pending_merges(conn: Any, insert: Any, ids: list[str]) -> None:
    """Late merges recorded before these just-stored articles were committed: apply them now."""
    if not ids:
        return
    waiting = conn.execute(select(pending_merges).where(pending_merges.c.article_id.in_(ids))).mappings().all()
    for merge in waiting:
        move(conn, insert, merge["article_id"], merge["into"], merge["run_id"])
        conn.execute(pending_merges.delete().where(pending_merges.c.article_id == merge["article_id"]))

def supersede(conn: Any, insert: Any, article: Article, run_id: int | None) -> None:
    """``replace(conn, insert, article.id, article.dedup, run_id)`` for a just-stored article."""
    replace(conn, insert, article.id, article.dedup, run_id)


def replace(conn: Any, insert: Any, new_id: str, dedup: dict[str, Any], run_id: int | None) -> None:
    """Stored article ``new_id`` is a better copy of the story than the kept ``dedup["replaces"]``
    (``dedup``: the dedup stage's record of the decision): that one moves into ``duplicates`` as
    its copy (``superseded_by``, why in ``relation``, the scores of the pair as the copy's), and
    every copy of it now points at ``new_id``, rescored; the decision's late merges move into it
    too. When the replaced one is not stored yet (another worker's open batch) the move waits in
    ``pending_merges`` like a late merge."""
    scores = dedup.get("scores") or {}
    values = {"method": dedup.get("match") or "near", "relation": f"superseded_{dedup.get('why') or 'better'}",
              "superseded_by": new_id, "jaccard": scores.get("jaccard", 0.0),
              # the replaced copy inside the new kept article, and the reverse
              "contained": scores.get("contains", 0.0), "contains": scores.get("contained", 0.0),
              **decided_values(dedup.get("decided"))}
    rescore = dedup.get("rescore")
    for merged in dedup.get("merged") or ():
        merge(conn, insert, merged, new_id, run_id, rescore)
    if not move(conn, insert, dedup["replaces"], new_id, run_id, rescore, values):
        conn.execute(insert(pending_merges).values(article_id=dedup["replaces"], into=new_id,
                                                         run_id=run_id).on_conflict_do_nothing())

def merge(conn: Any, insert: Any, article_id: str, into: str, run_id: int | None,
          rescore: Rescore | None = None) -> bool:
    """Move ``article_id`` into ``duplicates`` now (True), or, when it is not stored yet (another
    worker's open batch), record the merge to apply when it is (False). Locked by ``write_batch``."""
    if move(conn, insert, article_id, into, run_id, rescore):
        return True
    conn.execute(insert(pending_merges).values(article_id=article_id, into=into, run_id=run_id)
                 .on_conflict_do_nothing())
    return False


def move(conn: Any, insert: Any, article_id: str, into: str, run_id: int | None, rescore: Rescore | None = None,
         values: dict[str, Any] | None = None) -> bool:
    """Move stored ``article_id`` into ``duplicates`` as a copy of ``into`` (a late merge unless
    ``values`` say otherwise); its copies then point at ``into``. With ``rescore`` every moved
    or re-pointed row gets the scores of its text against ``into``'s. False when not stored."""
    row = conn.execute(select(articles).where(articles.c.id == article_id)).mappings().first()
    if row is None:
        return False
    kept_entry = conn.execute(select(articles.c.index_entry).where(articles.c.id == into)).scalar()
    moved = {"method": "merged", "relation": "late_merge", **(values or {})}
    if rescore is not None and kept_entry and row["index_entry"] and values is None:
        moved.update(rescore(row["index_entry"], kept_entry) or {})
    conn.execute(
        insert(duplicates).values(
            article_id=row["id"], url=row["url"], site=row["site"], title=row["title"], text=row["text"],
            author=row["author"], published=row["published"], fetched_at=row["fetched_at"],
            duplicate_of=into, run_id=run_id, index_seq=row["index_seq"], index_entry=row["index_entry"],
            **moved,
        ).on_conflict_do_nothing()
    )
    conn.execute(articles.delete().where(articles.c.id == article_id))
    copies = conn.execute(select(duplicates.c.id, duplicates.c.index_entry)
                          .where(duplicates.c.duplicate_of == article_id)).all()
    for copy_id, entry in copies:
        scores = rescore(entry, kept_entry) if rescore is not None and entry and kept_entry else None
        conn.execute(duplicates.update().where(duplicates.c.id == copy_id)
                     .values(duplicate_of=into, **(scores or {})))
    return True

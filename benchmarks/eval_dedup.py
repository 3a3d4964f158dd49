"""Dedup quality on the development corpus: the project's engine beside datasketch's
MinHashLSH reference, both scored in this run by the corpus' own ``score.py``.

Usage: python -m benchmarks.eval_dedup [--corpus ../shared/corpus/dedup] [--data FILE] [--seeds N]

Then the engine in three arrival orders (corpus, reversed, shuffled) with MinHash seeds 1..N
(default 10; 0 skips): recall, precision, the share of stories whose stored member is the
original, false drops and wrong links (``benchmarks.eval_orders``): one seed's 1.000 can be luck,
and one order's too. A replacement (a better copy taking the kept one's place) counts as linked.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from pathlib import Path

from benchmarks.eval_orders import ORDERS, order_table, sweep, what_if_dates
from pipelines.dedup.scoring import Detector

DEFAULT_CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "dedup"
EXIT_NO_CORPUS = 2  # the corpus is missing: nothing was measured


def _scorer(corpus: Path):  # noqa: ANN202 (the corpus' module)
    spec = importlib.util.spec_from_file_location("dedup_score", corpus / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def side_by_side(left: str, right: str, titles: tuple[str, str]) -> str:
    a, b = left.splitlines(), right.splitlines()
    width = max(len(line) for line in a) + 4
    rows = [f"{titles[0]:<{width}}{titles[1]}", f"{'-' * (width - 4):<{width}}{'-' * (width - 4)}"]
    a, b = a + [""] * (len(b) - len(a)), b + [""] * (len(a) - len(b))
    rows += [f"{x:<{width}}{y}" for x, y in zip(a, b, strict=True)]
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--data", type=Path, help="another stream file (default: the corpus' dev_clusters.jsonl)")
    parser.add_argument("--seeds", type=int, default=10, help="orders run with MinHash seeds 1..N (0: skip)")
    args = parser.parse_args(argv)
    if not (args.corpus / "score.py").is_file():
        print(f"eval: no dedup corpus at {args.corpus} (no score.py there); give the corpus folder "
              "(holding dedup/ and extraction/) as `make eval CORPUS=path`", file=sys.stderr)
        return EXIT_NO_CORPUS
    score = _scorer(args.corpus)
    docs = score.load(args.data or args.corpus / "dev_clusters.jsonl")
    detector = Detector(publishers={d["site"] for d in docs})
    ours = score.report(score.score(detector, docs))
    reference = score.report(score.score(score.MinHashLSHDeduper(), docs))
    print(f"Near-duplicate detection on {args.data or args.corpus / 'dev_clusters.jsonl'} ({len(docs)} documents)\n")
    print(side_by_side(ours, reference, ("newsdedup engine", "datasketch MinHashLSH reference")))
    if args.seeds:
        start = time.perf_counter()
        results = sweep(score, docs, args.seeds, detector.client)
        print("\n" + order_table(results))
        print(f"({sum(len(r) for r in results.values())} runs in {time.perf_counter() - start:.0f} s)")
        what_if = sweep(score, docs, 1, detector.client, ORDERS[:3], what_if_dates(docs))
        title = ("What-if, MinHash seed 1: had each page stated a publication date (the corpus states none; "
                 "originals 08:00, copies 09:30)")
        print("\n" + order_table(what_if, title, details=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())

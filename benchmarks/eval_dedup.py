"""Dedup quality on the development corpus: the project's engine beside datasketch's
MinHashLSH reference, both scored in this run by the corpus' own ``score.py``.

Usage: python -m benchmarks.eval_dedup [--corpus ../shared/corpus/dedup] [--data FILE] [--seeds N]

``--seeds N`` also runs the engine with MinHash seeds 1..N and prints, per kind, the copies
missed and the documents wrongly dropped summed over the seeds: one seed's 1.000 can be luck.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path

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


def seed_sweep(score, docs: list[dict], seeds: int, **overrides: object) -> str:
    """Misses per copy kind and false drops per negative kind, summed over seeds 1..``seeds``."""
    missed: dict[str, list[int]] = {}
    false: dict[str, list[int]] = {}
    for seed in range(1, seeds + 1):
        m = score.score(Detector(DEDUP_SEED=seed, **overrides), docs)
        for kind, v in m["recall_by_kind"].items():
            row = missed.setdefault(kind, [0, 0])
            row[0] += v["expected"] - v["dropped"]
            row[1] += v["expected"]
        for kind, v in m["false_drops_by_kind"].items():
            row = false.setdefault(kind, [0, 0])
            row[0] += v["dropped"]
            row[1] += v["total"]
    lines = [f"Over MinHash seeds 1-{seeds}: copies missed (recall), documents wrongly dropped"]
    lines += [f"  {k:15s} missed {a:>4}/{n:<5} (recall {1 - a / n:.3f})" for k, (a, n) in missed.items()]
    lines += [f"  {k:15s} false drops {a}/{n}" for k, (a, n) in false.items()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--data", type=Path, help="another stream file (default: the corpus' dev_clusters.jsonl)")
    parser.add_argument("--seeds", type=int, default=0, help="also sum misses over MinHash seeds 1..N")
    args = parser.parse_args(argv)
    if not (args.corpus / "score.py").is_file():
        print(f"eval: no dedup corpus at {args.corpus} (no score.py there); give the corpus folder "
              "(holding dedup/ and extraction/) as `make eval CORPUS=path`", file=sys.stderr)
        return EXIT_NO_CORPUS
    score = _scorer(args.corpus)
    docs = score.load(args.data or args.corpus / "dev_clusters.jsonl")
    ours = score.report(score.score(Detector(), docs))
    reference = score.report(score.score(score.MinHashLSHDeduper(), docs))
    print(f"Near-duplicate detection on {args.data or args.corpus / 'dev_clusters.jsonl'} ({len(docs)} documents)\n")
    print(side_by_side(ours, reference, ("newsdedup engine", "datasketch MinHashLSH reference")))
    if args.seeds:
        print("\n" + seed_sweep(score, docs, args.seeds))
    return 0


if __name__ == "__main__":
    sys.exit(main())

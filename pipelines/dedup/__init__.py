"""Near-duplicate stage: engine (normalise, fingerprint, Redis index) and its Scrapy pipeline."""

from pipelines.dedup.pipeline import DedupPipeline

__all__ = ["DedupPipeline"]

"""Storage stage: SQLAlchemy tables, the ``Store`` and its Scrapy pipeline."""

from pipelines.storage.pipeline import StoragePipeline

__all__ = ["StoragePipeline"]

"""Storage stage: SQLAlchemy tables (``models``, migrated by ``schema``), the ``Store``
(``store``: ``prepare`` creates or migrates the tables — writers only —, ``open_store`` opens
without DDL), the typed writes it applies (``writes``), group commit (``batch``), moves between
tables (``moves``) and its Scrapy pipeline (``pipeline``)."""

from pipelines.storage.pipeline import StoragePipeline

__all__ = ["StoragePipeline"]

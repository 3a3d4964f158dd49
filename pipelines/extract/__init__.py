"""The extraction stage: HTML page -> article text and metadata (trafilatura plus the project's
repairs, rescues and cuts). ``extractor`` holds the decisions, ``pipeline`` the Scrapy component,
``pool`` the worker processes; ``repair``, ``cleanup``, ``classify``, ``metadata`` and
``boilerplate`` the rules they apply."""

from pipelines.extract.extractor import ArticleExtractor, Extraction, normalize_date, split_authors
from pipelines.extract.pipeline import ExtractionPipeline

__all__ = ["ArticleExtractor", "Extraction", "ExtractionPipeline", "normalize_date", "split_authors"]

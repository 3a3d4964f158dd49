"""Spiders: ``NewsSpider`` (base.py) and one small declarative class per site."""

"""Scrapy side of newsdedup: spiders, items, Redis connection, custom commands."""

"""Project commands (``COMMANDS_MODULE``): ``scrapy demo``, ``scrapy dedup``, …"""

"""Settings profiles: ``base`` holds every setting once; ``dev``/``prod``/``test`` override.

Pick a profile with ``SCRAPY_PROJECT=<alias>`` (aliases live in ``scrapy.cfg``).
"""

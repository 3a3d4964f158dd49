"""Invented story texts of the demo network, one module per publisher.

Everything here is fiction: people, places, companies and numbers are made up. Quotes are
written with straight quotes; reprints may turn them curly (``demo.stories.curly``).
"""

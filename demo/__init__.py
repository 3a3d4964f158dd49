"""Offline demo news network: fake publishers on 127.0.0.1 with known ground truth.

See ``demo.network.DemoNetwork`` (servers), ``demo.publishers`` (URL schemes),
``demo.stories`` (content and reprint recipes) and ``demo.ground_truth`` (expected results).
"""

from demo.network import DEFAULT_PORT_BASE, DemoNetwork, stable_ports

__all__ = ["DEFAULT_PORT_BASE", "DemoNetwork", "stable_ports"]

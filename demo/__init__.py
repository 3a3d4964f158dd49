"""Offline demo news network: fake publishers on 127.0.0.1 with known ground truth.

See ``demo.network.DemoNetwork`` (servers), ``demo.publishers`` (URL schemes),
``demo.stories`` (content and reprint recipes) and ``demo.ground_truth`` (expected results).
The names below are imported lazily, so ``python -m demo.network`` runs without a
"found in sys.modules" warning.
"""

from __future__ import annotations

from typing import Any

__all__ = ["DEFAULT_PORT_BASE", "DemoNetwork", "stable_ports"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from demo import network

        return getattr(network, name)
    raise AttributeError(f"module 'demo' has no attribute {name!r}")

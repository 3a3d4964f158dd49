"""Count requests written to Redis (one per command, one per pipeline) during a block."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass

import redis


@dataclass
class Counter:
    requests: int = 0
    scripts: int = 0  # of which EVALSHA/EVAL: the check-and-insert calls


@contextlib.contextmanager
def counting_requests() -> Iterator[Counter]:
    """Count every ``send_packed_command`` of any redis-py connection inside the block."""
    counter = Counter()
    original = redis.connection.AbstractConnection.send_packed_command

    def counted(self, command, check_health=True):  # noqa: ANN001 (redis-py signature)
        counter.requests += 1
        head = command if isinstance(command, bytes | str) else (command[0] if command else b"")
        if isinstance(head, str):
            head = head.encode()
        counter.scripts += b"EVALSHA" in head[:32] or b"EVAL\r" in head[:32]
        return original(self, command, check_health)

    redis.connection.AbstractConnection.send_packed_command = counted
    try:
        yield counter
    finally:
        redis.connection.AbstractConnection.send_packed_command = original

"""A process using the embedded Redis of a data folder, driven line by line (for tests).

``python -m tests.embedded_owner DB_PATH``: connects through ``get_redis`` (test profile,
``REDIS_EMBEDDED_PATH=DB_PATH``, no ``REDIS_URL``), prints ``ready <server pid>``, then runs each
line of stdin as a Redis command and prints its reply on one line (``serverpid`` prints the pid
of the server answering now). Ends at ``exit`` or end of input, cleanly (atexit runs).
"""

from __future__ import annotations

import sys

from scrapy.settings import Settings

from crawler.connection import get_redis


def main(db_path: str) -> None:
    settings = Settings()
    settings.setmodule("settings.test", priority="project")
    settings.set("REDIS_URL", None)
    settings.set("REDIS_EMBEDDED_PATH", db_path)
    client = get_redis(settings)
    print("ready", client.info("server")["process_id"], flush=True)
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        if words == ["exit"]:
            break
        if words == ["serverpid"]:
            reply: object = client.info("server")["process_id"]
        else:
            reply = client.execute_command(*words)
        if isinstance(reply, bytes):
            reply = reply.decode()
        print(reply, flush=True)


if __name__ == "__main__":
    main(sys.argv[1])

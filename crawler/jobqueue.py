"""JSON disk queues for ``JOBDIR`` (``SCHEDULER_DISK_QUEUE``, ``SCHEDULER_START_DISK_QUEUE``).

Scrapy's default disk queues pickle each pending request into ``JOBDIR/requests.queue/`` and
unpickle it when the job resumes: whoever can write there runs code in the next crawl. These
queues store ``Request.to_dict()`` as JSON instead, with the serializer the scrapy-redis
frontier already uses (``crawler.redis_json``: bytes as tagged base64). They are built with
Scrapy's own queue factories from ``scrapy/squeues.py`` (the same ones that build its Pickle*
and Marshal* queues), so directories, ``peek`` and callbacks resolved on the spider behave as before.

A request class named in the queue must be one of Scrapy's own (``scrapy.…`` ``Request``
subclasses); anything else is refused before it is imported. A meta value JSON cannot hold
fails when the request is queued, as it would with Scrapy's pickle queues.
"""

from __future__ import annotations

from typing import Any

from queuelib import queue
from scrapy import Request

# Private helpers, but exactly what the public Pickle*/Marshal* queues of Scrapy 2.19 are built with.
from scrapy.squeues import _scrapy_serialization_queue, _serializable_queue, _with_mkdir
from scrapy.utils.misc import load_object

from crawler import redis_json


class ForeignRequestClass(ValueError):
    """A queued request names a class that is not one of Scrapy's ``Request`` classes."""


def loads_request(data: bytes) -> dict[str, Any]:
    """The ``Request.to_dict()`` stored as ``data``; never executes or imports anything foreign."""
    request = redis_json.loads(data)
    if not isinstance(request, dict):
        raise ValueError(f"a queued request is a JSON object, not {type(request).__name__}")
    name = request.get("_class")
    if name is not None:
        if not isinstance(name, str) or not name.startswith("scrapy."):
            raise ForeignRequestClass(f"refusing request class {name!r} read from the job directory")
        cls = load_object(name)
        if not (isinstance(cls, type) and issubclass(cls, Request)):
            raise ForeignRequestClass(f"refusing request class {name!r} read from the job directory")
    return request


JsonFifoDiskQueue = _scrapy_serialization_queue(
    _serializable_queue(_with_mkdir(queue.FifoDiskQueue), redis_json.dumps, loads_request)  # type: ignore[arg-type]
)
JsonLifoDiskQueue = _scrapy_serialization_queue(
    _serializable_queue(_with_mkdir(queue.LifoDiskQueue), redis_json.dumps, loads_request)  # type: ignore[arg-type]
)

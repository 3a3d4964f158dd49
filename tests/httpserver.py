"""A throwaway HTTP server on a free loopback port serving fixed routes (for tests)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Route = tuple[int, str, bytes]  # status, content type, body


@dataclass
class Page:
    """A route with more control than a ``Route`` tuple."""

    body: bytes | Callable[[], Iterable[bytes]] = b""  # bytes, or a callable giving the body's chunks
    content_type: str = "text/html"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)  # extra headers, e.g. {"Content-Encoding": "gzip"}
    # Content-Length sent: None = len(body) for bytes, none for chunks (the body ends when the connection closes)
    length: int | None = None
    etag: str = ""  # sent as ETag; a request whose If-None-Match is this gets a 304


class RouteServer:
    """Serves ``routes`` ({path: (status, content_type, body) or Page}); 404 for anything else.

    ``hits`` lists the requested paths, ``requests`` the (path, request headers) pairs, in order.
    A client that hangs up mid-body (a crawler refusing a large page) is not an error.
    """

    def __init__(self, routes: dict[str, Route | Page]) -> None:
        self.routes = routes
        self.hits: list[str] = []
        self.requests: list[tuple[str, dict[str, str]]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server API)
                outer.hits.append(self.path)
                outer.requests.append((self.path, dict(self.headers.items())))
                route = outer.routes.get(self.path, (404, "text/html", b"<h1>Not found</h1>"))
                page = route if isinstance(route, Page) else Page(route[2], route[1], route[0])
                try:
                    self.send(page)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def send(self, page: Page) -> None:
                if page.etag and self.headers.get("If-None-Match") == page.etag:
                    self.send_response(304)
                    self.send_header("ETag", page.etag)
                    self.end_headers()
                    return
                self.send_response(page.status)
                self.send_header("Content-Type", page.content_type)
                for name, value in page.headers.items():
                    self.send_header(name, value)
                if page.etag:
                    self.send_header("ETag", page.etag)
                chunks = [page.body] if isinstance(page.body, bytes) else page.body()
                length = len(page.body) if page.length is None and isinstance(page.body, bytes) else page.length
                if length is not None:
                    self.send_header("Content-Length", str(length))
                self.end_headers()
                for chunk in chunks:
                    self.wfile.write(chunk)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> RouteServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

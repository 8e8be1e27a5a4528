"""The HTTP protocol uvicorn runs for ``compoundgraph serve``: its fast parser, with a cap on the request head.

uvicorn's httptools parser accepts request headers of any size, and gathers a long header value piece by
piece: one 64 MB header kept the event loop busy for seconds, for every client. :class:`CappedHttpProtocol`
counts the bytes of each request's head (request line and headers) as they arrive and answers
``431 Request Header Fields Too Large`` and closes the connection once they pass ``max_header_bytes``
(``COMPOUNDGRAPH_API_MAX_HEADER_BYTES``, 64 KiB by default) - before the parser sees more.
"""

from __future__ import annotations

import functools
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

__all__ = ["CappedHttpProtocol", "PROTOCOL", "max_header_bytes"]

PROTOCOL = "compoundgraph.api.http:CappedHttpProtocol"  # what ``uvicorn.run(http=...)`` imports in each worker


@functools.cache
def max_header_bytes() -> int:
    from .config import ApiSettings

    return ApiSettings().max_header_bytes


class CappedHttpProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, refusing request heads over :func:`max_header_bytes`."""

    limit: int | None = None  # None: from the settings

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head_bytes = 0
        self._in_head = True
        self._cap = self.limit or max_header_bytes()

    def data_received(self, data: bytes) -> None:
        if not self._in_head:
            super().data_received(data)
            return
        room = self._cap - self._head_bytes
        if len(data) <= room:
            self._head_bytes += len(data)
            super().data_received(data)
            return
        # more than the head may hold: feed what fits; if the head ends in it, the rest is body (or the next
        # request) and goes on as usual, otherwise the head is too large
        self._head_bytes += room
        if room > 0:
            super().data_received(data[:room])
        if self._in_head:
            self._refuse()
        elif not self.transport.is_closing():
            self.data_received(data[room:])

    def on_headers_complete(self) -> None:
        self._in_head = False
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._in_head, self._head_bytes = True, 0

    def _refuse(self) -> None:
        body = f"request headers over {self._cap:,} bytes\n".encode()
        self.transport.write(
            b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-type: text/plain; "
            b"charset=utf-8\r\nconnection: close\r\ncontent-length: " + str(len(body)).encode() + b"\r\n\r\n" + body
        )
        self._in_head = False
        self.transport.close()

"""Limits: request body size, response size, query time, and a per-key rate limit.

- Bodies: :class:`BodyLimit` (pure ASGI) refuses a declared ``Content-Length`` over the limit before
  reading, and counts streamed bytes for chunked uploads (413 as well, whatever the app made of the cut-off
  body); ``POST /ingest`` has its own, larger limit.
- Responses: :func:`limited_json` makes the app's JSON response class, which refuses to send a body over
  the limit (413: narrow the query) instead of streaming it.
- Query time: :func:`run_query` runs a store call in a worker thread and gives up after the timeout (504);
  the Cypher console also has the server abort its query (see ``store/console.py``).
- Rate: :class:`RateLimiter`, a token bucket per key id, per worker process.
- Concurrency: :class:`ConcurrencyLimiter`, how many console queries run at once per key and in all; a
  slot is held until the database call really ends, not until the caller stops waiting.
"""

from __future__ import annotations

import asyncio
import contextvars
import json
import queue
import threading
import time
import weakref
from collections.abc import Callable
from typing import Any, TypeVar

import orjson
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..errors import CompoundGraphError, TooLarge
from ..store.console import QueryTimeout
from .headers import timings
from .problems import problem_response

__all__ = ["BodyLimit", "limited_json", "run_query", "RateLimiter", "RateLimited", "ConcurrencyLimiter"]

T = TypeVar("T")


class RateLimited(CompoundGraphError):
    status = 429
    title = "Too many requests"

    def __init__(self, detail: str, retry_after: float) -> None:
        super().__init__(detail)
        self.headers = {"Retry-After": str(max(1, int(retry_after + 0.999)))}


class BodyLimit:
    """Refuse request bodies over ``max_bytes`` (``upload_bytes`` for paths in ``upload_paths``, and for
    multipart uploads to paths in ``multipart_paths``, which take JSON too) with 413."""

    def __init__(
        self,
        app: ASGIApp,
        max_bytes: int,
        upload_bytes: int,
        upload_paths: tuple[str, ...],
        multipart_paths: tuple[str, ...] = (),
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.upload_bytes = upload_bytes
        self.upload_paths = upload_paths
        self.multipart_paths = multipart_paths

    def _limit(self, scope: Scope) -> int:
        path = scope["path"]
        if path.startswith(self.upload_paths):
            return self.upload_bytes
        if path in self.multipart_paths:
            for name, value in scope.get("headers", ()):
                if name == b"content-type" and value.lower().startswith(b"multipart/form-data"):
                    return self.upload_bytes
        return self.max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        limit = self._limit(scope)
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = -1
                if declared > limit:
                    await self._refuse(scope, receive, send, declared, limit)
                    return
        seen, exceeded, started = 0, False, False

        async def counted() -> Message:
            nonlocal seen, exceeded
            if exceeded:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    exceeded = True
                    raise TooLarge(f"the request body is over the limit of {limit:,} bytes", where="body")
            return message

        async def guarded(message: Message) -> None:
            nonlocal started
            if exceeded and not started:
                return  # the app's own answer to a cut-off body (a 400 parse error, say) is replaced below
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, guarded)
        except Exception:
            if not exceeded:
                raise
        if exceeded and not started:  # streamed (chunked) bodies: the same 413 as a declared length gets
            resp = problem_response(413, "Too large", f"the request body is over the limit of {limit:,} bytes", "body")
            await resp(scope, receive, send)

    @staticmethod
    async def _refuse(scope: Scope, receive: Receive, send: Send, size: int, limit: int) -> None:
        resp = problem_response(413, "Too large", f"the request body is {size:,} bytes; the limit is {limit:,}", "body")
        await resp(scope, receive, send)


def limited_json(max_bytes: int) -> type[JSONResponse]:
    """A JSON response class that refuses bodies over ``max_bytes``."""

    class LimitedJSONResponse(JSONResponse):
        def render(self, content: Any) -> bytes:
            try:  # orjson: several times faster on 500-node subgraphs
                body = orjson.dumps(content)
            except TypeError:  # e.g. a non-string key: the standard library copes
                body = json.dumps(content, ensure_ascii=False, separators=(",", ":"), default=str).encode("utf-8")
            if len(body) > max_bytes:
                raise TooLarge(
                    f"the answer is {len(body):,} bytes; the limit is {max_bytes:,}: narrow the query "
                    "(lower limit or hops, add types or min_grade)"
                )
            return body

    return LimitedJSONResponse


# Store calls share a few threads: more would not run faster under the GIL, and the embedded store keeps one
# SQLite connection per thread, whose page cache stays warm only if the same few threads do the work.
STORE_THREADS = 4
_limiters: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = weakref.WeakKeyDictionary()


class _StoreThreads:
    """The threads store calls run on: at most :data:`STORE_THREADS` calls at once per event loop, on
    long-lived daemon threads reused most-recent first.

    anyio's thread pool (what ``to_thread`` uses) retires a thread idle for ten seconds and starts a new
    one later: the embedded store then opened another SQLite connection (the retired thread's stayed open,
    its page cache with it) and dropped its kept hub counts for the newcomer; and its hand-off cost about
    twice this one's. A call given up on (timeout) keeps its thread until it ends; the next call takes
    another, and threads beyond :data:`STORE_THREADS` end when they fall idle. Daemon threads: a query
    given up on does not hold up the process's exit.
    """

    def __init__(self) -> None:
        self._idle: list[queue.SimpleQueue[Any]] = []
        self._lock = threading.Lock()
        self._count = 0

    def submit(self, loop: asyncio.AbstractEventLoop, future: asyncio.Future[Any], fn: Callable[[], Any]) -> None:
        with self._lock:
            inbox = self._idle.pop() if self._idle else None
            if inbox is None:
                self._count += 1
                number = self._count
        if inbox is None:
            inbox = queue.SimpleQueue()
            threading.Thread(target=self._work, args=(inbox,), name=f"store-{number}", daemon=True).start()
        inbox.put((loop, future, contextvars.copy_context(), fn))

    def _work(self, inbox: queue.SimpleQueue[Any]) -> None:
        while True:
            loop, future, context, fn = inbox.get()
            result: Any = None
            error: BaseException | None = None
            if not future.cancelled():  # given up on before it started: skip it
                try:
                    result = context.run(fn)
                except BaseException as exc:
                    error = exc
            with self._lock:
                keep = len(self._idle) < STORE_THREADS
                if keep:
                    self._idle.append(inbox)
            try:
                loop.call_soon_threadsafe(_settle, future, result, error)
            except RuntimeError:  # the loop has closed: nobody is waiting
                pass
            del loop, future, context, fn, result, error
            if not keep:
                return


def _settle(future: asyncio.Future[Any], result: Any, error: BaseException | None) -> None:
    if future.cancelled():
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)


_THREADS = _StoreThreads()


def _store_limiter() -> asyncio.Semaphore:
    loop = asyncio.get_running_loop()
    if loop not in _limiters:
        _limiters[loop] = asyncio.Semaphore(STORE_THREADS)
    return _limiters[loop]


async def run_query(limit_s: float, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    """Run a blocking store call in a store thread; 504 when it takes longer than ``limit_s`` seconds.

    The thread is abandoned, not killed (Python cannot kill threads): its result is dropped. The call's time
    in the thread, and its time as the event loop saw it (hand-off included), go to the request's
    ``Server-Timing`` header (:func:`compoundgraph.api.headers.timings`).
    """
    timed = timings()
    inside: float | None = None  # the call's time in its thread, once it has returned

    def call() -> T:
        nonlocal inside
        started = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            inside = time.perf_counter() - started

    started = time.perf_counter()
    loop = asyncio.get_running_loop()
    try:
        async with asyncio.timeout(limit_s):
            async with _store_limiter():
                future: asyncio.Future[T] = loop.create_future()
                _THREADS.submit(loop, future, call)
                return await future
    except TimeoutError as exc:
        raise QueryTimeout(f"the query took longer than {limit_s:g} s; narrow it") from exc
    finally:
        if timed is not None:
            waited = time.perf_counter() - started
            done = inside if inside is not None else waited  # abandoned: still running, all of it the store's
            timed["store"] += done
            timed["handoff"] += max(0.0, waited - done)


class RateLimiter:
    """Token bucket per key: ``per_minute`` requests a minute, bursts up to the same number."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def check(self, key_id: str) -> None:
        if self.per_minute <= 0:
            return
        rate = self.per_minute / 60.0
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(key_id, (float(self.per_minute), now))
            tokens = min(float(self.per_minute), tokens + (now - last) * rate)
            if tokens < 1.0:
                self._buckets[key_id] = (tokens, now)
                raise RateLimited(
                    f"more than {self.per_minute} requests a minute for this key; slow down", (1.0 - tokens) / rate
                )
            self._buckets[key_id] = (tokens - 1.0, now)


class ConcurrencyLimiter:
    """At most ``per_key`` calls at once for one key and ``total`` for everyone (per worker process).

    :meth:`acquire` takes a slot or raises 429; the caller must :meth:`release` it exactly once, from
    whatever thread finishes the work.
    """

    def __init__(self, per_key: int, total: int) -> None:
        self.per_key, self.total = per_key, total
        self._running: dict[str, int] = {}
        self._lock = threading.Lock()

    def acquire(self, key_id: str, what: str) -> None:
        with self._lock:
            mine, everyone = self._running.get(key_id, 0), sum(self._running.values())
            if mine >= self.per_key:
                raise RateLimited(
                    f"{mine} {what} already running for this key (the limit is {self.per_key}); "
                    "wait for them to finish",
                    2.0,
                )
            if everyone >= self.total:
                raise RateLimited(
                    f"{everyone} {what} already running on this server (the limit is {self.total}); try again shortly",
                    2.0,
                )
            self._running[key_id] = mine + 1

    def release(self, key_id: str) -> None:
        with self._lock:
            left = self._running.get(key_id, 0) - 1
            if left > 0:
                self._running[key_id] = left
            else:
                self._running.pop(key_id, None)

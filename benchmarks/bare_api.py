"""The floor of the API overhead: the least an HTTP server in Python adds to ``store.ego`` on this machine.

``bench_api.py`` serves this beside the API, under the same ``uvicorn`` (the protocol ``compoundgraph serve``
runs, the same number of workers) over the same store, and asks both for the same entities back to back with
the direct call. It answers ``GET /subgraph/ego?id=&hops=&limit=`` with the store call on the API's own store
threads and the chart's JSON shape (``views.ego_json``, rendered by orjson), and ``GET /health`` with
``{}``: no framework, no key, no role, no validation, no redaction, no audit entry, no security headers. What
the API adds beyond this is its own work; what this adds beyond the direct call is the machine's.
"""

from __future__ import annotations

import urllib.parse
from typing import Any

import orjson

from compoundgraph.api.limits import run_query
from compoundgraph.settings import Settings
from compoundgraph.store import open_store
from compoundgraph.views import ego_json


def app_factory() -> Any:
    """What uvicorn imports in each worker (``--factory``)."""
    held: dict[str, Any] = {}

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    held["open"] = open_store(Settings(), init=False)
                    held["store"] = held["open"].__enter__()
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    held["open"].__exit__(None, None, None)
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        status, body = 200, b"{}"
        if scope["path"] == "/subgraph/ego":
            q = dict(urllib.parse.parse_qsl(scope["query_string"].decode("latin-1")))
            store = held["store"]
            net = await run_query(30.0, store.ego, q["id"], int(q["hops"]), None, int(q["limit"]))
            body = orjson.dumps(ego_json(net))
        elif scope["path"] != "/health":
            status = 404
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return app

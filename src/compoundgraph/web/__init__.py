"""The investigator's web UI, served by the API app. ``router`` is mounted by ``create_app``.

Everything the page needs is in this package: ``static/index.html``, the scripts and styles, vis-network and
the Natural Earth country outlines under ``static/vendor/`` (see ``static/vendor/LICENSES.txt``). Nothing is
fetched from a CDN, so the UI works on an air-gapped machine. The page talks to the JSON API (``/search``,
``/entities/{id}``, ``/subgraph/*``, ``/flows/trace``, ``/ontology``, ``/exports/{fmt}``) and to one endpoint
of its own here: ``POST /ui/layout`` lays a chart out on the server (*Lay out again*, large charts), and
``POST /ui/standalone`` turns the chart on screen into a standalone pyvis HTML file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Body
from fastapi.responses import FileResponse, HTMLResponse, Response
from pydantic import BaseModel, Field

from ..api.deps import Reader
from ..errors import InvalidInput, NotFound
from . import chart, layout

__all__ = ["router", "STATIC_DIR"]

STATIC_DIR = Path(__file__).resolve().parent / "static"
_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".html": "text/html; charset=utf-8",
    ".svg": "image/svg+xml",
    ".txt": "text/plain; charset=utf-8",
}

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def index() -> HTMLResponse:
    """The single-page UI."""
    return HTMLResponse((STATIC_DIR / "index.html").read_text(encoding="utf-8"))


@router.get("/static/{path:path}")
def static(path: str) -> FileResponse:
    """A bundled asset; paths outside the static folder are refused."""
    target = (STATIC_DIR / path).resolve()
    if not target.is_relative_to(STATIC_DIR) or not target.is_file():
        raise NotFound(f"no static file {path[:100]!r}", where="/static")
    media = _TYPES.get(target.suffix, "application/octet-stream")
    # vendored files never change within a release; our own scripts may, so they revalidate
    cache = "public, max-age=86400" if "vendor" in target.parts else "no-cache"
    return FileResponse(target, media_type=media, headers={"Cache-Control": cache})


class LayoutRequest(BaseModel):
    """Nodes and edges of the chart on screen, and any pinned positions."""

    nodes: list[str] = Field(max_length=layout.MAX_LAYOUT_NODES)
    edges: list[tuple[str, str]] = Field(default_factory=list, max_length=200_000)
    fixed: dict[str, tuple[float, float]] = Field(default_factory=dict)
    mode: str | None = Field(
        None, description="organic, hierarchical, circular or community; none: the large-chart organic layout"
    )
    groups: dict[str, str] = Field(default_factory=dict, description="id -> type, for the circular layout")
    seed: int = 7


class LayoutResponse(BaseModel):
    positions: dict[str, tuple[float, float]]


# Both POST endpoints cost seconds of CPU: they need a key (any role; demo mode on loopback excepted) and
# count against the key's rate limit, like the API.
@router.post("/ui/layout", response_model=LayoutResponse)
def server_layout(req: Annotated[LayoutRequest, Body()], principal: Reader) -> LayoutResponse:
    """Positions for a large chart, computed here so the browser can draw it with physics off."""
    if not req.nodes:
        raise InvalidInput("no nodes to lay out", where="/ui/layout")
    if req.mode is None:
        return LayoutResponse(positions=layout.positions(req.nodes, req.edges, req.fixed, req.seed))
    return LayoutResponse(positions=layout.arrange(req.mode, req.nodes, req.edges, req.groups, req.fixed, req.seed))


class ChartRequest(BaseModel):
    """The chart on screen, in the subgraph JSON shape (nodes may carry ``x``/``y``)."""

    nodes: list[dict[str, Any]] = Field(max_length=chart.MAX_CHART_NODES)
    edges: list[dict[str, Any]] = Field(default_factory=list, max_length=200_000)
    title: str = Field("compoundgraph chart", max_length=200)


@router.post("/ui/standalone")
def standalone(req: Annotated[ChartRequest, Body()], principal: Reader) -> Response:
    """The chart as one self-contained HTML file (vis-network inlined, works offline)."""
    for n in req.nodes:
        if not isinstance(n.get("id"), str):
            raise InvalidInput("every node needs a string id", where="/ui/standalone")
    for e in req.edges:
        if not all(isinstance(e.get(k), str) for k in ("from", "to", "type")):
            raise InvalidInput("every edge needs from, to and type", where="/ui/standalone")
    page = chart.standalone_html({"nodes": req.nodes, "edges": req.edges}, title=req.title)
    return Response(
        page,
        media_type="text/html; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="compoundgraph-chart.html"'},
    )

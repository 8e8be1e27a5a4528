"""``GET /me``: who the key is - its id, name and role - so a client (the web UI) offers only what the role
may do. It reads no graph content; the routes themselves still check the role."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from ..deps import Ctx, Reader
from ..problems import problem_docs
from ..security import ROLES

router = APIRouter(tags=["keys"])


class MeOut(BaseModel):
    key_id: str = Field(description="the key's id (`compoundgraph keys list`), or `demo` in demo mode")
    name: str = Field(description="the name given to the key")
    role: Literal["partner", "investigator", "analyst", "editor", "admin"]
    roles: list[str] = Field(description="every role, lowest first: a role includes those before it")
    demo: bool = Field(description="a loopback client without a key in demo mode")


@router.get("/me", response_model=MeOut, responses=problem_docs(401, 429))
async def me(principal: Reader, ctx: Ctx) -> MeOut:
    """The calling key's id, name and role (any valid key; 401 without one)."""
    return MeOut(
        key_id=principal.key_id,
        name=principal.name,
        role=principal.role,  # type: ignore[arg-type]
        roles=list(ROLES),
        demo=principal.key_id == "demo" and ctx.api.demo,
    )

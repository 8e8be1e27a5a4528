"""The investigator's web UI, served by the API app (issue 6). ``router`` is mounted by ``create_app``."""

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)

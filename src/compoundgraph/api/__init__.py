"""The FastAPI service: ``create_app()`` builds it (see ``app.py``); ``compoundgraph serve`` runs it."""

from .app import create_app

__all__ = ["create_app"]

"""Calling services other modules provide (analytics, exports, ingest), imported lazily.

A service that is not installed yet gives 501; keyword arguments the service does not take are left out,
so the routers keep working while those signatures settle.
"""

from __future__ import annotations

import importlib
import inspect
from typing import Any

from ...store.console import NotSupported

__all__ = ["service_function", "call_with"]


def service_function(module: str, name: str) -> Any:
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name and module.startswith(exc.name):
            raise NotSupported(f"{module} is not installed in this build", where=name) from exc
        raise
    fn = getattr(mod, name, None)
    if fn is None:
        raise NotSupported(f"{module}.{name} is not available in this build", where=name)
    return fn


def call_with(fn: Any, *args: Any, **kwargs: Any) -> Any:
    """Call ``fn`` with the keyword arguments it accepts (``None`` values left out)."""
    sig = inspect.signature(fn)
    takes_all = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in sig.parameters.values())
    kw = {k: v for k, v in kwargs.items() if v is not None and (takes_all or k in sig.parameters)}
    return fn(*args, **kw)

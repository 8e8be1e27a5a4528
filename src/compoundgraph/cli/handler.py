"""The command line's one error handler: a project error becomes one clear line on stderr and exit status 2.

Every command is decorated with :func:`handle_errors`; :func:`fail` is what it does with the error, for the
few places that report a project error themselves.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import NoReturn, ParamSpec, TypeVar

import typer
from rich.console import Console

from ..errors import CompoundGraphError

__all__ = ["fail", "handle_errors"]

P = ParamSpec("P")
R = TypeVar("R")

err = Console(stderr=True)


def fail(exc: CompoundGraphError) -> NoReturn:
    """Print the error (it says where and why) and leave with exit status 2."""
    err.print(f"[bold red]error:[/] {exc}")
    raise typer.Exit(2) from exc


def handle_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Wrap a command so a :class:`CompoundGraphError` it raises ends it through :func:`fail`.

    The wrapper keeps the command's signature (``functools.wraps``), which is what Typer reads its
    arguments and options from.
    """

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except CompoundGraphError as exc:
            fail(exc)

    return wrapper

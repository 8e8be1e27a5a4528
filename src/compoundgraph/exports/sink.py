"""Where a format writer's files go, one file at a time: memory (tests), a folder, a zip member, or any of
these through a hashing wrapper (packages record every file's SHA-256 and size as it is written).

A writer opens a file, writes it to the end and closes it before opening the next (a zip holds one open
member at a time), so an export is never held whole.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import IO, Protocol

__all__ = ["Sink", "MemorySink", "DirSink", "ZipSink", "HashingSink", "ZIP_DATE"]

ZIP_DATE = (2020, 1, 1, 0, 0, 0)  # fixed member dates: the same export gives the same zip


class Sink(Protocol):
    def open(self, name: str) -> AbstractContextManager[IO[bytes]]:
        """A new file, open for writing; it is complete when the context ends."""
        ...


class MemorySink:
    """Files as bytes, by name (for tests and the small in-memory ``render``)."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    @contextmanager
    def open(self, name: str) -> Iterator[IO[bytes]]:
        buf = io.BytesIO()
        yield buf
        self.files[name] = buf.getvalue()


class DirSink:
    """Files in a folder (made as needed)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.written: list[Path] = []

    @contextmanager
    def open(self, name: str) -> Iterator[IO[bytes]]:
        target = self.root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "wb") as fh:
            yield fh
        self.written.append(target)


class ZipSink:
    """Members of an open zip (deflated, fixed dates), under ``prefix``."""

    def __init__(self, archive: zipfile.ZipFile, prefix: str = "") -> None:
        self.archive = archive
        self.prefix = prefix

    @contextmanager
    def open(self, name: str) -> Iterator[IO[bytes]]:
        info = zipfile.ZipInfo(self.prefix + name, date_time=ZIP_DATE)
        info.compress_type = zipfile.ZIP_DEFLATED
        with self.archive.open(info, "w", force_zip64=True) as fh:
            buffered = io.BufferedWriter(fh, buffer_size=1 << 16)
            yield buffered
            buffered.flush()
            buffered.detach()


class _Hashing(io.RawIOBase):
    def __init__(self, inner: IO[bytes]) -> None:
        self.inner = inner
        self.digest = hashlib.sha256()
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self.digest.update(data)
        self.size += len(data)
        self.inner.write(data)
        return len(data)


class HashingSink:
    """Another sink, recording each file's SHA-256 and size (``files``: name -> (sha256, bytes))."""

    def __init__(self, inner: Sink, prefix: str = "") -> None:
        self.inner = inner
        self.prefix = prefix
        self.files: dict[str, tuple[str, int]] = {}

    @contextmanager
    def open(self, name: str) -> Iterator[IO[bytes]]:
        with self.inner.open(self.prefix + name) as fh:
            wrapped = _Hashing(fh)
            buffered = io.BufferedWriter(wrapped, buffer_size=1 << 16)  # type: ignore[type-var]
            yield buffered
            buffered.flush()
            buffered.detach()
        self.files[self.prefix + name] = (wrapped.digest.hexdigest(), wrapped.size)

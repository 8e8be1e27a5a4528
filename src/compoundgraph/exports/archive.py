"""Bounded reading of a package (a folder or a zip): nothing is inflated before it is asked for, and no read
goes past the size the caller allows.

A zip's central directory says how big each member claims to be; a partner's manifest says how big each file
must be. :class:`PackageArchive` lists members without reading them and streams one member at a time, stopping
at a byte limit, so a small zip that inflates to gigabytes costs at most the limit in memory and CPU (a
decompression bomb is refused, not unpacked).
"""

from __future__ import annotations

import hashlib
import zipfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import IO

from ..errors import InvalidInput

__all__ = ["PackageArchive", "PackageInvalid", "MemberTooLarge", "MAX_FILES", "MAX_MANIFEST_BYTES"]

MAX_FILES = 10_000
# manifest.json of a package with 10,000 files is about 1.5 MB; anything far bigger is not a manifest
MAX_MANIFEST_BYTES = 16 * 1024**2
_CHUNK = 1 << 20


class PackageInvalid(InvalidInput):
    """A package failed verification (changed, added or removed files, a bad signature, or too large)."""


class MemberTooLarge(Exception):
    """A member holds more bytes than the caller allowed (internal: callers turn it into a finding)."""


def _safe_name(name: str, where: str) -> str:
    p = PurePosixPath(name)
    if p.is_absolute() or ".." in p.parts or "\\" in name or not name or name.startswith("/"):
        raise PackageInvalid(f"unsafe path {name[:120]!r} in the package", where=where)
    return p.as_posix()


class PackageArchive:
    """An opened package: member names and sizes from the container, and bounded streaming reads."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.where = str(path)
        self._zip: zipfile.ZipFile | None = None
        self._sizes: dict[str, int] = {}
        if not path.exists():
            raise InvalidInput("no such package", where=self.where)
        if path.is_dir():
            for f in sorted(path.rglob("*")):
                if f.is_symlink():
                    raise PackageInvalid(f"symbolic link {f.relative_to(path)} in the package", where=self.where)
                if f.is_file():
                    self._sizes[f.relative_to(path).as_posix()] = f.stat().st_size
                    if len(self._sizes) > MAX_FILES:
                        raise PackageInvalid(f"more than {MAX_FILES:,} files in the package", where=self.where)
            return
        try:
            self._zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise InvalidInput(f"neither a package folder nor a zip ({exc})", where=self.where) from exc
        infos = self._zip.infolist()
        if len(infos) > MAX_FILES:
            self.close()
            raise PackageInvalid(f"more than {MAX_FILES:,} files in the package", where=self.where)
        for info in infos:
            if info.is_dir():
                continue
            name = _safe_name(info.filename, self.where)
            if name in self._sizes:
                self.close()
                raise PackageInvalid(f"{name} appears twice in the zip", where=self.where)
            self._sizes[name] = info.file_size

    def __enter__(self) -> PackageArchive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()
            self._zip = None

    @property
    def names(self) -> list[str]:
        return sorted(self._sizes)

    def declared_size(self, name: str) -> int:
        """The size the container states (a zip header may lie: reads are bounded anyway)."""
        return self._sizes[name]

    def _open(self, name: str) -> IO[bytes]:
        if self._zip is not None:
            return self._zip.open(name)
        return open(self.path / name, "rb")

    def chunks(self, name: str, limit: int) -> Iterator[bytes]:
        """The member's bytes in chunks; :class:`MemberTooLarge` as soon as more than ``limit`` come out."""
        seen = 0
        try:
            with self._open(name) as f:
                while chunk := f.read(min(_CHUNK, limit - seen + 1)):
                    seen += len(chunk)
                    if seen > limit:
                        raise MemberTooLarge(name)
                    yield chunk
        except (zipfile.BadZipFile, OSError, EOFError) as exc:  # a corrupt member or a lying header (CRC)
            raise PackageInvalid(f"{name} cannot be read ({exc})", where=self.where) from exc

    def read(self, name: str, limit: int) -> bytes:
        """The whole member, at most ``limit`` bytes (:class:`PackageInvalid` beyond)."""
        try:
            return b"".join(self.chunks(name, limit))
        except MemberTooLarge:
            raise PackageInvalid(f"{name} is larger than {limit:,} bytes", where=self.where) from None

    def sha256(self, name: str, limit: int) -> str | None:
        """SHA-256 of the member, or None when it holds more than ``limit`` bytes (reading stops there)."""
        digest = hashlib.sha256()
        try:
            for chunk in self.chunks(name, limit):
                digest.update(chunk)
        except MemberTooLarge:
            return None
        return digest.hexdigest()

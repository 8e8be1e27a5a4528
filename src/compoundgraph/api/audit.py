"""The append-only audit log: JSON lines, each entry carrying the SHA-256 of the entry before it.

Entry ``n`` holds ``prev`` = SHA-256 of the exact bytes of line ``n-1`` (64 zeros for the first) and a
running ``seq``. A head file (``<log>.head``) keeps the count and the hash of the last line, so
:func:`verify` also catches a deleted or edited *last* entry. Appends take an exclusive ``flock`` on the
head file, so several server workers (processes) extend one chain without forking it.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["AuditLog", "Verification", "GENESIS"]

GENESIS = "0" * 64
_HEAD_WIDTH = 160  # bytes of the head file: {"seq": n, "last": "<64 hex>"} padded with spaces


@dataclass
class Verification:
    ok: bool
    entries: int
    problem: str = ""
    line: int | None = None  # 1-based line where the chain breaks


class AuditLog:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.head_path = path.with_name(path.name + ".head")
        self._dir_ready = False

    def append(self, action: str, actor: str, role: str, **fields: Any) -> dict[str, Any]:
        """Add one entry (thread- and process-safe); returns it as written."""
        if not self._dir_ready:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._dir_ready = True
        fd = os.open(self.head_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            raw = os.pread(fd, 4096, 0).decode("utf-8").strip()
            head: dict[str, Any] = json.loads(raw) if raw else {"seq": 0, "last": GENESIS}
            entry = {
                "seq": head["seq"] + 1,
                "time": dt.datetime.now(dt.UTC).isoformat(timespec="microseconds").replace("+00:00", "Z"),
                "actor": actor,
                "role": role,
                "action": action,
                **fields,
                "prev": head["last"],
            }
            line = (json.dumps(entry, ensure_ascii=False, sort_keys=False, default=str) + "\n").encode("utf-8")
            with open(self.path, "ab") as log:
                log.write(line)
            new_head = json.dumps({"seq": entry["seq"], "last": hashlib.sha256(line).hexdigest()}).encode()
            # fixed width, overwritten in place: no truncate (slow on some filesystems), never a short read
            os.pwrite(fd, new_head.ljust(_HEAD_WIDTH), 0)
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)
        return entry

    def entries(self) -> Iterator[dict[str, Any]]:
        if not self.path.exists():
            return
        with open(self.path, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    yield json.loads(line)

    def tail(self, n: int = 20) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for e in self.entries():
            out.append(e)
            if len(out) > n:
                out.pop(0)
        return out

    def verify(self) -> Verification:
        """Walk the chain; report the first line that was edited, inserted, deleted or reordered."""
        prev, seq, count = GENESIS, 0, 0
        if self.path.exists():
            with open(self.path, "rb") as f:
                for n, line in enumerate(f, start=1):
                    try:
                        entry = json.loads(line)
                    except ValueError:
                        return Verification(False, count, "line is not JSON", n)
                    if entry.get("prev") != prev:
                        return Verification(
                            False, count, "the previous entry's hash does not match (edited, inserted or deleted)",
                            n)
                    if entry.get("seq") != seq + 1:
                        return Verification(False, count, f"sequence jumps from {seq} to {entry.get('seq')}", n)
                    prev, seq, count = hashlib.sha256(line).hexdigest(), seq + 1, count + 1
        head = json.loads(self.head_path.read_text()) if self.head_path.exists() else {"seq": 0, "last": GENESIS}
        if head.get("seq") != seq or head.get("last") != prev:
            return Verification(
                False, count,
                f"the log ends at entry {seq} but the head says {head.get('seq')} "
                "(the last entries were edited or deleted)", count or None)
        return Verification(True, count)

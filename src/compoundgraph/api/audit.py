"""The append-only audit log: JSON lines chained with a keyed hash (HMAC-SHA256), plus a keyed head file.

Entry ``n`` holds ``prev`` = HMAC-SHA256(audit key, exact bytes of line ``n-1``) (64 zeros for the first)
and a running ``seq``. The head file (``<log>.head``) keeps the count, the MAC of the last line and a MAC
of both, so :func:`AuditLog.verify` also catches deleted or edited *last* entries. The key lives in its own
file (``audit.key``, mode 0600; put it where the log's writers cannot read it) or comes from
``COMPOUNDGRAPH_API_AUDIT_KEY``: whoever can write the log but not read the key cannot recompute the chain
after an edit, a truncation or a deletion. Checkpoints (:meth:`AuditLog.checkpoint`) are small JSON
records of ``seq`` and the MAC at that entry, for an outside party to keep; ``verify`` checks the log
still agrees with every checkpoint given. Appends take an exclusive ``flock`` on the head file, so several
server workers (processes) extend one chain without forking it.

Lines are UTF-8 JSON with lone surrogates and the line separators U+2028, U+2029 and U+0085 escaped
(``\\uXXXX``), so every request can be written and no reader splits a line where JSON does not.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import hmac
import json
import os
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["AuditLog", "Verification", "GENESIS", "dumps_line"]

GENESIS = "0" * 64
_HEAD_WIDTH = 256  # bytes of the head file: {"seq": n, "last": "<64 hex>", "mac": "<64 hex>"} padded
_ESCAPE = re.compile("[\ud800-\udfff\u2028\u2029\u0085]")


def dumps_line(entry: dict[str, Any]) -> bytes:
    """One audit line: JSON, UTF-8, newline-terminated; never fails on a lone surrogate."""
    text = json.dumps(entry, ensure_ascii=False, sort_keys=False, default=str)
    # such characters only occur inside JSON strings, where \\uXXXX is the same value
    text = _ESCAPE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return (text + "\n").encode("utf-8")


@dataclass
class Verification:
    ok: bool
    entries: int
    problem: str = ""
    line: int | None = None  # 1-based line where the chain breaks


class AuditLog:
    def __init__(self, path: Path, key_path: Path | None = None, key: bytes | None = None) -> None:
        self.path = path
        self.head_path = path.with_name(path.name + ".head")
        self.key_path = key_path or path.with_name("audit.key")
        self._key = key
        self._dir_ready = False

    # -- key -----------------------------------------------------------------------------------------
    def _get_key(self, create: bool) -> bytes | None:
        if self._key is not None:
            return self._key
        try:
            self._key = bytes.fromhex(self.key_path.read_text(encoding="ascii").strip())
        except FileNotFoundError:
            if not create:
                return None
            self.key_path.parent.mkdir(parents=True, exist_ok=True)
            try:
                fd = os.open(self.key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:  # another worker made it first
                return self._get_key(create=False)
            with os.fdopen(fd, "w", encoding="ascii") as f:
                f.write(secrets.token_hex(32) + "\n")
            return self._get_key(create=False)
        except ValueError as exc:
            raise ValueError(f"{self.key_path}: the audit key is not hex") from exc
        return self._key

    @staticmethod
    def _mac(key: bytes, data: bytes) -> str:
        return hmac.new(key, data, hashlib.sha256).hexdigest()

    @classmethod
    def _head_mac(cls, key: bytes, seq: int, last: str) -> str:
        return cls._mac(key, f"audit-head\0{seq}\0{last}".encode())

    # -- write ---------------------------------------------------------------------------------------
    def append(self, action: str, actor: str, role: str, **fields: Any) -> dict[str, Any]:
        """Add one entry (thread- and process-safe); returns it as written."""
        if not self._dir_ready:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._dir_ready = True
        key = self._get_key(create=True)
        assert key is not None
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
            line = dumps_line(entry)
            log = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(log, line)
            finally:
                os.close(log)
            last = self._mac(key, line)
            new_head = json.dumps(
                {"seq": entry["seq"], "last": last, "mac": self._head_mac(key, entry["seq"], last)}
            ).encode()
            # fixed width, overwritten in place: no truncate (slow on some filesystems), never a short read
            os.pwrite(fd, new_head.ljust(_HEAD_WIDTH), 0)
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)
        return entry

    # -- read ----------------------------------------------------------------------------------------
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

    def _head(self) -> dict[str, Any] | None:
        try:
            raw = self.head_path.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        try:
            head = json.loads(raw) if raw else None
        except ValueError:
            return None
        return head if isinstance(head, dict) else None

    def checkpoint(self) -> dict[str, Any]:
        """Where the chain stands now (``seq`` and the MAC of that entry), for an outside party to keep."""
        head = self._head() or {"seq": 0, "last": GENESIS}
        return {
            "audit_log": str(self.path),
            "seq": head.get("seq"),
            "mac": head.get("last"),
            "time": dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        }

    def verify(self, checkpoints: list[dict[str, Any]] | None = None) -> Verification:
        """Walk the chain; report the first line that was edited, inserted, deleted or reordered.

        A missing or empty log, a missing key, a missing, empty or unkeyed head file, and disagreement
        with any of ``checkpoints`` are failures too.
        """
        try:
            key = self._get_key(create=False)
        except ValueError as exc:
            return Verification(False, 0, str(exc))
        if key is None:
            return Verification(False, 0, f"no audit key at {self.key_path}: the chain cannot be checked")
        if not self.path.exists() or self.path.stat().st_size == 0:
            return Verification(False, 0, "the audit log is missing or empty (deleted or truncated)")
        wanted = {int(c["seq"]): str(c["mac"]) for c in checkpoints or []}
        prev, seq, count = GENESIS, 0, 0
        with open(self.path, "rb") as f:
            for n, line in enumerate(f, start=1):
                try:
                    entry = json.loads(line)
                except ValueError:
                    return Verification(False, count, "line is not JSON", n)
                if not isinstance(entry, dict) or entry.get("prev") != prev:
                    return Verification(
                        False, count, "the previous entry's MAC does not match (edited, inserted or deleted)", n
                    )
                if entry.get("seq") != seq + 1:
                    return Verification(False, count, f"sequence jumps from {seq} to {entry.get('seq')}", n)
                prev, seq, count = self._mac(key, line), seq + 1, count + 1
                if seq in wanted and not hmac.compare_digest(wanted.pop(seq), prev):
                    return Verification(False, count, f"entry {seq} differs from the checkpoint held for it", n)
        if wanted:
            return Verification(
                False,
                count,
                f"the log ends at entry {seq}, but a checkpoint is held for entry {min(wanted)} (entries were deleted)",
                count or None,
            )
        head = self._head()
        if head is None:
            return Verification(
                False, count, f"the head file {self.head_path} is missing, empty or not JSON", count or None
            )
        if head.get("seq") != seq or head.get("last") != prev:
            return Verification(
                False,
                count,
                f"the log ends at entry {seq} but the head says {head.get('seq')} "
                "(the last entries were edited or deleted)",
                count or None,
            )
        if not hmac.compare_digest(str(head.get("mac", "")), self._head_mac(key, seq, prev)):
            return Verification(
                False, count, "the head file's MAC does not match (the head was rewritten)", count or None
            )
        return Verification(True, count)

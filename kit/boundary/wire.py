"""Framing of the messages between the trusted side and the worker: one definition.

A message is an 8-byte little-endian length and that many bytes (a :mod:`codec`
message). The length is checked against the reader's limit *before* anything is
read or parsed, so a forged length cannot make the reader allocate memory; the
codec then checks the header's own length before parsing JSON.
"""

from __future__ import annotations

import os
import select
import time

from .codec import CodecError

#: The largest message either side accepts (a tensor of ~1 GiB plus its header).
MAX_MESSAGE = 1024**3 + 64 * 1024**2


class Timeout(Exception):
    """No complete message arrived before the deadline."""


class Closed(Exception):
    """The other side closed the pipe (it exited or was killed)."""


def send(fd: int, payload: bytes) -> None:
    """Write one message (the length prefix, then the payload)."""
    view = memoryview(len(payload).to_bytes(8, "little") + payload)
    while view:
        n = os.write(fd, view)
        view = view[n:]


def receive(fd: int, *, limit: int = MAX_MESSAGE, deadline: float | None = None) -> bytes:
    """Read one message; raises :class:`Closed` at end of file before a message starts,
    :class:`Timeout` past ``deadline`` (a ``time.monotonic()`` value), :class:`CodecError`
    for a length over ``limit`` or a message cut short."""
    head = _read_exact(fd, 8, deadline, at_start=True)
    size = int.from_bytes(head, "little")
    if size > limit:
        raise CodecError(f"message of {size} bytes is over the limit ({limit})")
    return _read_exact(fd, size, deadline, at_start=False)


def _read_exact(fd: int, n: int, deadline: float | None, *, at_start: bool) -> bytes:
    chunks, got = [], 0
    while got < n:
        if deadline is not None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise Timeout
            ready, _, _ = select.select([fd], [], [], min(remaining, 1.0))
            if not ready:
                continue
        chunk = os.read(fd, min(n - got, 1 << 20))
        if not chunk:
            if at_start and got == 0:
                raise Closed
            raise CodecError("truncated message")
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)

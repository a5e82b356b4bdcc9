"""Writes forged replies straight into the reply pipe (its number is on the worker's command
line): a 1 TiB length, then a 256 MiB JSON header (class 6: sizes are checked before
anything is read or parsed)."""
import os
import sys


def _reply_fd():
    try:
        return int(sys.argv[2])
    except (IndexError, ValueError):
        return None


def tokenize(text):
    fd = _reply_fd()
    if fd is not None:
        os.write(fd, (1 << 40).to_bytes(8, "little"))
    return []


def ngrams(tokens, n):
    fd = _reply_fd()
    if fd is not None:
        header = 256 * 1024 * 1024
        body = header.to_bytes(8, "little")
        os.write(fd, (len(body) + header).to_bytes(8, "little") + body)
        chunk = b" " * (1 << 20)
        for _ in range(64):   # a quarter of it: the grader must not wait for, or parse, the rest
            os.write(fd, chunk)
    return []

"""Fills every writable temp file system it can find with 1.5 GiB of files at import
(class 6: tmpfs mounts are sized and a cgroup counts their pages)."""
import os

_CHUNK = b"x" * (16 * 1024 * 1024)
for _folder in ("/tmp", "/dev/shm", os.environ.get("TMPDIR", "/tmp")):
    try:
        for _i in range(96):
            with open(os.path.join(_folder, f"kitfill{_i}"), "wb") as _fh:
                _fh.write(_CHUNK)
    except OSError:
        pass


def tokenize(text):
    raise NotImplementedError("tmpfs_filler")


def ngrams(tokens, n):
    raise NotImplementedError("tmpfs_filler")

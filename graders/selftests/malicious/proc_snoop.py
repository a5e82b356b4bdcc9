"""Looks beyond its own process from inside the worker (classes 6 and 8): the environment
and command line of every other process it can see (the grader's, a root shell's holding
a secret), a block device made in its scratch folder (to read the disk raw), and a file
left in the machine's shared /dev/shm. Every grading test then fails with what it found.
"""
import os
import stat


def _attempt(action):
    """What ``action()`` returns, or None if the system refused it."""
    try:
        return action()
    except OSError:
        return None


def _read(path):
    with open(path, "rb") as fh:
        return fh.read()


def _snoop():
    found = []
    for pid in _attempt(lambda: os.listdir("/proc")) or []:
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        for what in ("environ", "cmdline"):
            if b"{{MARKER}}" in (_attempt(lambda: _read(f"/proc/{pid}/{what}")) or b""):
                found.append(f"secret in /proc/{pid}/{what}")
    scratch = os.environ.get("TMPDIR", "/tmp")
    if _attempt(lambda: os.mknod(os.path.join(scratch, "disk"), stat.S_IFBLK | 0o600,
                                 os.makedev(254, 0)) or True):
        found.append("made a block device")
    _attempt(lambda: os.close(os.open("/dev/shm/kitprobe-{{MARKER}}", os.O_CREAT | os.O_WRONLY)))
    return "; ".join(found) or "nothing"


FOUND = _snoop()


def tokenize(text):
    raise RuntimeError(f"snooped: {FOUND}")


def ngrams(tokens, n):
    raise RuntimeError(f"snooped: {FOUND}")

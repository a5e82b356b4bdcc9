"""Looks beyond its own process from inside the worker (classes 6 and 8): the environment
and command line of every other process it can see (the grader's, a root shell's holding
a secret), a block device made in its scratch folder (to read the disk raw), and a file
left in the machine's shared /dev/shm. Every grading test then fails with what it found.
"""
import os
import stat


def _snoop():
    found = []
    try:
        pids = os.listdir("/proc")
    except OSError:
        pids = []
    for pid in pids:
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        for what in ("environ", "cmdline"):
            try:
                with open(f"/proc/{pid}/{what}", "rb") as fh:
                    if b"{{MARKER}}" in fh.read():
                        found.append(f"secret in /proc/{pid}/{what}")
            except OSError:
                pass
    try:
        os.mknod(os.path.join(os.environ.get("TMPDIR", "/tmp"), "disk"), stat.S_IFBLK | 0o600,
                 os.makedev(254, 0))
        found.append("made a block device")
    except OSError:
        pass
    try:
        with open("/dev/shm/kitprobe-{{MARKER}}", "w") as fh:
            fh.write("left behind")
    except OSError:
        pass
    return "; ".join(found) or "nothing"


FOUND = _snoop()


def tokenize(text):
    raise RuntimeError(f"snooped: {FOUND}")


def ngrams(tokens, n):
    raise RuntimeError(f"snooped: {FOUND}")

"""Correct, but starts helper processes without the worker's environment (so no token to
find them by) that leave the worker's process tree (double fork, new session) and spin a
CPU exactly while the worker is stopped -- while the trusted side times building the
inputs and the reference. Where there is no cgroup, a freeze that looked for processes by
their environment missed them, and the reference was timed up to 47x slower."""
import math
import os
import subprocess
import sys

import torch

HELPER = r"""# kit-escaped-hog-helper
import os, sys, time
if os.fork():
    os._exit(0)              # the middle process exits: the helper is an orphan
os.setsid()
pid = int(sys.argv[1])
def state():
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().rsplit(b")", 1)[1].split()[0]
    except OSError:
        return None
while True:
    s = state()
    if s is None or s in (b"Z", b"X"):
        break
    if s in (b"T", b"t"):    # the worker is stopped: the grader is timing its own side
        end = time.perf_counter() + 0.002
        while time.perf_counter() < end:
            pass
    else:
        time.sleep(0.0002)
"""
for _ in range(4):
    subprocess.Popen([sys.executable, "-c", HELPER, str(os.getpid())], env={},
                     stdin=subprocess.DEVNULL).wait()


def scaled_dot_product_attention(q, k, v, mask=None):
    w = torch.softmax(q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1]), dim=-1)
    return w @ v, w

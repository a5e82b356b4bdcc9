"""Correct, but starts a helper process (in the worker's cgroup, so frozen with it) that
loops over one long system call: mapping 512 MB with MAP_POPULATE (the kernel zeroes every
page before returning), then unmapping it. A process inside a system call stops only when
the call returns, so a freeze that did not wait left it running -- on a CPU and the memory
bus -- while the trusted side timed the inputs and the reference."""
import math
import subprocess
import sys

import torch

HELPER = r"""
import ctypes, ctypes.util
libc = ctypes.CDLL(ctypes.util.find_library("c"))
libc.mmap.restype = ctypes.c_void_p
libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int,
                      ctypes.c_long]
libc.munmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
size = 512 << 20
while True:
    p = libc.mmap(None, size, 3, 0x22 | 0x8000, -1, 0)   # MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE
    if p and p != ctypes.c_void_p(-1).value:
        libc.munmap(p, size)
"""
_helper = subprocess.Popen([sys.executable, "-c", HELPER])


def scaled_dot_product_attention(q, k, v, mask=None):
    w = torch.softmax(q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1]), dim=-1)
    return w @ v, w

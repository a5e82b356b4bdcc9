"""Starts thousands of threads and hundreds of processes at import (class 6: a pids limit
per worker; the other exercise is still graded)."""
import os
import threading
import time

_threads = []
for _i in range(3000):
    try:
        _t = threading.Thread(target=time.sleep, args=(600,), daemon=True)
        _t.start()
        _threads.append(_t)
    except (RuntimeError, OSError):
        break
for _i in range(400):
    try:
        if os.fork() == 0:
            time.sleep(600)
            os._exit(0)
    except OSError:
        break


def tokenize(text):
    return [f"{{MARKER}}{len(_threads)}"]


def ngrams(tokens, n):
    return []

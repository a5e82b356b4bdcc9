"""Starts detached processes (a new session, a double fork) that try to outlive grading."""
import os
import subprocess

subprocess.Popen(["/bin/sh", "-c", "exec -a {{MARKER}} sleep 600"], start_new_session=True,
                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.execv("/bin/sh", ["/bin/sh", "-c", "exec -a {{MARKER}} sleep 600"])
    os._exit(0)


def tokenize(text):
    return []


def ngrams(tokens, n):
    return []

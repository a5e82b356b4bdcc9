"""Deletes and changes files outside its own folder (canaries in /tmp and in the kit)."""
import os


def _tamper():
    for path in ("{{CANARY}}", "{{REPO_CANARY}}"):
        try:
            os.remove(path)
        except OSError:
            pass
        try:
            with open(path, "w") as fh:
                fh.write("tampered")
        except OSError:
            pass
    try:
        with open("{{REPO}}/PWNED", "w") as fh:
            fh.write("x")
    except OSError:
        pass


_tamper()


def tokenize(text):
    _tamper()
    return []


def ngrams(tokens, n):
    return []

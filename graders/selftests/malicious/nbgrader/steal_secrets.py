"""The notebook's helpers cell: reads the hidden tests, the reference and the
instructor's notebook (paths filled in by the harness), prints them into its output and
raises them as error messages, to see them in the feedback (class 7: nothing secret is
reachable while a notebook's code runs)."""
import os as _os

_SECRETS = {{SECRETS}}


def _steal():
    found = []
    for path in _SECRETS:
        try:
            with open(path, encoding="utf-8") as fh:
                found.append(fh.read())
        except OSError as exc:
            found.append(f"{path}: {type(exc).__name__}")
    return "\n".join(found)


print(_steal())  # into the notebook's output, were it run in a kernel


def tokenize(text):
    raise RuntimeError(_steal())  # into the feedback, were the files readable


def ngrams(tokens, n):
    raise RuntimeError(_steal()[1500:])

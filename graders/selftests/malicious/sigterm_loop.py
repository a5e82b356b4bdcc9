"""Loops forever, ignoring SIGTERM, on one input (the empty string); correct otherwise."""
import re
import signal

_TOKEN = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*|\S")


def tokenize(text):
    if not isinstance(text, str):
        raise TypeError("text must be a str")
    if text == "":
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        while True:
            pass
    return _TOKEN.findall(text)


# The harness puts the reference's correct ngrams here (only tokenize attacks).
{{CORRECT_NGRAMS}}

"""Prints 200 MB while being imported; otherwise a correct tokenizer."""
import re
import sys

_chunk = "spam " * 200_000 + "\n"
for _ in range(200):
    sys.stdout.write(_chunk)
sys.stdout.flush()

_TOKEN = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*|\S")


def tokenize(text):
    if not isinstance(text, str):
        raise TypeError("text must be a str")
    print("x" * 100_000)
    return _TOKEN.findall(text)


# The harness puts the reference's correct ngrams here (only tokenize attacks).
{{CORRECT_NGRAMS}}

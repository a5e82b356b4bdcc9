"""Allocates far more memory than the machine has on one input; correct otherwise."""
import re

_TOKEN = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*|\S")


def tokenize(text):
    if not isinstance(text, str):
        raise TypeError("text must be a str")
    if text == "":
        hog = bytearray(200 * 1024**3)  # 200 GiB at once
        return [str(len(hog))]
    return _TOKEN.findall(text)


# The harness puts the reference's correct ngrams here (only tokenize attacks).
{{CORRECT_NGRAMS}}

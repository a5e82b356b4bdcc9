"""Kills its own process with os._exit() inside tokenize; ngrams is correct."""
import os


def tokenize(text):
    os._exit(0)


# The harness puts the reference's correct ngrams here (only tokenize attacks).
{{CORRECT_NGRAMS}}

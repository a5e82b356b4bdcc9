"""Replies with a tensor that claims to live on a GPU the grading machine does not have: the
worker's encoder is patched to write "cuda:0" as every tensor's device (class 5: whatever a
reply holds, the trusted side turns a value it cannot rebuild into that call's failure,
never a crash of the grader). ngrams is correct, so only tokenize may lose points."""
import torch

from kit.boundary import codec as _codec

_encode_tensor = _codec._encode_tensor


def _claims_a_gpu(*args, **kwargs):
    node = _encode_tensor(*args, **kwargs)
    node[3] = "cuda:0"
    return node


_codec._encode_tensor = _claims_a_gpu


def tokenize(text):
    return torch.zeros(len(text.split()))


{{CORRECT_NGRAMS}}

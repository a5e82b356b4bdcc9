"""A backward pass that computes nothing: its timed call builds the inputs (so that it
spends about as long as the grader's own build) and replies with the right shapes but no
sampled values and junk checksums -- a reply that once slipped through, because the parts
of a tuple were paired with ``zip`` and an empty list made nothing to check."""
from kit.boundary import ops


def _forged(impl, r):
    args, kwargs = ops.kit_function(r["inputs"])(r["seed"], r["repeat_seed"], **r["input_kwargs"])
    shape = list(args[1].shape)
    return {"value": [[shape, shape, shape], [], ["junk", None, 0.0]]}


ops.OPERATIONS["timed_call"] = _forged


def flash_attention_backward(grad_out, q, k, v, out, lse, *, is_causal=False, scale=None):
    raise NotImplementedError("never computed")

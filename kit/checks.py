"""Checks that teach: what was wrong, the likely misconception, shapes and error sizes.

Public tests (``tests/``) may show the expected value; hidden graders
(``graders/``) never do, nor any number from which it could be rebuilt (an error
size is told as a coarse bucket). The pytest plugin sets :func:`revealing` for each
test from where its file lives, so the same check serves both. Type, shape and dtype
are always checked before values, so a ``(1, L, D)`` result for ``(B, L, D)`` fails
even where it would broadcast.

Every check raises :class:`CheckFailure` (an ``AssertionError``) with a message a
student can act on. None of them swallows ``NotImplementedError``.
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import math
import re
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from .boundary.handles import Remote, type_name

try:
    import torch
except ImportError:  # pragma: no cover
    torch = None

#: Whether failure messages may show expected values and error sizes (public tests only).
_REVEAL: contextvars.ContextVar[bool] = contextvars.ContextVar("kit_reveal", default=True)


@contextlib.contextmanager
def revealing(reveal: bool) -> Iterator[None]:
    """Checks inside the block may (True) or may not (False) show expected values."""
    token = _REVEAL.set(reveal)
    try:
        yield
    finally:
        _REVEAL.reset(token)


def reveal() -> bool:
    """True where failure messages may show expected values (public tests)."""
    return _REVEAL.get()

#: (atol, rtol) per dtype. One table for the whole kit; TF32 is off in tests.
TOLERANCES: dict[str, tuple[float, float]] = {
    "float64": (1e-10, 1e-7),
    "float32": (1e-5, 1e-4),
    "float16": (2e-3, 2e-3),
    "bfloat16": (1.6e-2, 1.6e-2),
}

MAX_SHOWN = 240


class CheckFailure(AssertionError):
    """A check failed; the message is safe to show to the student."""


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= MAX_SHOWN else text[:MAX_SHOWN] + "..."


def _fail(what: str, problem: str, hint: str | None = None) -> None:
    __tracebackhide__ = True
    message = f"{what}: {problem}"
    if hint:
        message += f"\n  hint: {hint}"
    raise CheckFailure(message)


def _expected(expected: Any) -> str:
    return f"\n  expected: {_short(expected)}" if reveal() else ""


def error_bucket(relative_error: float) -> str:
    """How far off, in words only (what hidden tests may say about an error's size)."""
    if not math.isfinite(relative_error):
        return "not a finite number where one was expected"
    if relative_error <= 0.01:
        return "slightly off (under 1 %)"
    if relative_error <= 0.1:
        return "off by a few percent (1-10 %)"
    return "far off (over 10 %)"


# --------------------------------------------------------------------------- types


def expect_type(value: Any, expected: type | tuple[type, ...], what: str, hint: str | None = None) -> None:
    """``value`` must be an instance of ``expected`` (exactly a builtin after crossing)."""
    __tracebackhide__ = True
    if isinstance(value, Remote) or not isinstance(value, expected):
        names = " or ".join(t.__name__ for t in (expected if isinstance(expected, tuple) else (expected,)))
        _fail(what, f"should be a {names}, got a {type_name(value)}", hint)


def expect_str_list(value: Any, what: str, hint: str | None = None) -> None:
    __tracebackhide__ = True
    expect_type(value, list, what, hint)
    for i, item in enumerate(value):
        if type(item) is not str:
            _fail(what, f"item {i} should be a str, got a {type_name(item)}", hint)


# --------------------------------------------------------------------------- equality


def expect_equal(actual: Any, expected: Any, what: str, hint: str | None = None) -> None:
    """Exact equality of plain data (lists, tuples, str, numbers, dicts).

    The message shows the student's value and where it first differs; the expected
    value only in public tests.
    """
    __tracebackhide__ = True
    if isinstance(expected, (list, tuple)):
        expect_type(actual, type(expected), what, hint)
        if len(actual) != len(expected):
            _fail(what, f"has {len(actual)} items, expected {len(expected)}; got {_short(actual)}"
                  + _expected(expected), hint)
        for i, (a, e) in enumerate(zip(actual, expected)):
            if not _plain_equal(a, e):
                _fail(what, f"differs first at item {i}: got {_short(a)}"
                      + (f", expected {_short(e)}" if reveal() else "")
                      + f"; whole result {_short(actual)}", hint)
        return
    if isinstance(expected, dict):
        expect_type(actual, dict, what, hint)
        missing = [k for k in expected if k not in actual]
        extra = [k for k in actual if k not in expected]
        if missing or extra:
            parts = []
            if missing:
                parts.append(f"{len(missing)} expected key(s) missing"
                             + (f" ({_short(missing)})" if reveal() else ""))
            if extra:
                parts.append(f"unexpected key(s) {_short(extra)}")
            _fail(what, "; ".join(parts), hint)
        for k in expected:
            if not _plain_equal(actual[k], expected[k]):
                _fail(what, f"wrong value for key {k!r}: got {_short(actual[k])}"
                      + (f", expected {_short(expected[k])}" if reveal() else ""), hint)
        return
    if isinstance(expected, bool) or expected is None:
        if actual is not expected:
            _fail(what, f"got {_short(actual)}" + _expected(expected), hint)
        return
    if isinstance(expected, (int, str)):
        expect_type(actual, type(expected), what, hint)
    if not _plain_equal(actual, expected):
        _fail(what, f"got {_short(actual)}" + _expected(expected), hint)


def _plain_equal(a: Any, e: Any) -> bool:
    """Equality on genuine plain data; ints must be ints, floats may come as ints."""
    if isinstance(e, (list, tuple)):
        return type(a) is type(e) and len(a) == len(e) and all(_plain_equal(x, y) for x, y in zip(a, e))
    if isinstance(e, dict):
        return type(a) is dict and a.keys() == e.keys() and all(_plain_equal(a[k], e[k]) for k in e)
    if isinstance(e, bool) or e is None:
        return a is e
    if isinstance(e, int):
        return type(a) is int and a == e
    if isinstance(e, float):
        if isinstance(a, bool) or not isinstance(a, (int, float)):
            return False
        return a == e or (math.isnan(a) and math.isnan(e))
    return type(a) is type(e) and a == e


# --------------------------------------------------------------------------- arrays and tensors


def expect_tensor(value: Any, what: str, *, shape: tuple | None = None, dtype: Any = None,
                  device: Any = None, hint: str | None = None) -> None:
    """A ``torch.Tensor`` with exactly this shape, dtype and device (each optional)."""
    __tracebackhide__ = True
    expect_type(value, torch.Tensor, what, hint)
    if shape is not None and tuple(value.shape) != tuple(shape):
        _fail(what, f"has shape {tuple(value.shape)}, expected {tuple(shape)}",
              hint or "check which dimensions you reduce, transpose or broadcast over")
    if dtype is not None and value.dtype != dtype:
        _fail(what, f"has dtype {value.dtype}, expected {dtype}",
              hint or "keep the input's dtype unless the task says otherwise")
    if device is not None and value.device.type != torch.device(device).type:
        _fail(what, f"is on {value.device}, expected {device}",
              hint or "create new tensors on the inputs' device (device=x.device)")


def expect_array(value: Any, what: str, *, shape: tuple | None = None, dtype: Any = None,
                 hint: str | None = None) -> None:
    """A ``numpy.ndarray`` with exactly this shape and dtype (each optional)."""
    __tracebackhide__ = True
    expect_type(value, np.ndarray, what, hint)
    if shape is not None and tuple(value.shape) != tuple(shape):
        _fail(what, f"has shape {tuple(value.shape)}, expected {tuple(shape)}", hint)
    if dtype is not None and value.dtype != np.dtype(dtype):
        _fail(what, f"has dtype {value.dtype}, expected {np.dtype(dtype)}", hint)


def tolerance(dtype: Any) -> tuple[float, float]:
    name = str(dtype).replace("torch.", "")
    return TOLERANCES.get(name, TOLERANCES["float32"])


def expect_close(actual: Any, expected: Any, what: str, *, atol: float | None = None,
                 rtol: float | None = None, hint: str | None = None, check_dtype: bool = True) -> None:
    """Numerically close, after the same type/shape/dtype checks as the expected value.

    Works on tensors, arrays and Python floats. Tolerances default to
    :data:`TOLERANCES` for the expected dtype. NaN never passes unless expected.
    The message gives the largest absolute and relative error and where it is.
    """
    __tracebackhide__ = True
    if torch is not None and isinstance(expected, torch.Tensor):
        expect_tensor(actual, what, shape=tuple(expected.shape),
                      dtype=expected.dtype if check_dtype else None, hint=hint)
        a = actual.detach().to("cpu", torch.float64).numpy()
        e = expected.detach().to("cpu", torch.float64).numpy()
        default = tolerance(expected.dtype)
    elif isinstance(expected, np.ndarray):
        expect_array(actual, what, shape=expected.shape,
                     dtype=expected.dtype if check_dtype else None, hint=hint)
        a, e = actual.astype(np.float64), expected.astype(np.float64)
        default = tolerance(expected.dtype.name)
    else:
        if isinstance(actual, bool) or not isinstance(actual, (int, float)):
            _fail(what, f"should be a number, got a {type_name(actual)}", hint)
        a, e = np.array(float(actual)), np.array(float(expected))
        default = TOLERANCES["float64"] if atol is None else (0.0, 0.0)
    atol = default[0] if atol is None else atol
    rtol = default[1] if rtol is None else rtol
    ok = np.isclose(a, e, atol=atol, rtol=rtol, equal_nan=True)
    if ok.all():
        return
    nan_bad = np.isnan(a) & ~np.isnan(e)
    if nan_bad.any():
        _fail(what, f"contains NaN at {int(nan_bad.sum())} position(s) where a number was "
              f"expected (first at {_index(np.argwhere(nan_bad)[0])})",
              hint or "look for 0/0, log(0) or -inf - (-inf), e.g. a fully masked softmax row")
    err = np.abs(a - e)
    err = np.where(np.isnan(err), np.inf, err)
    worst = np.unravel_index(int(np.argmax(err)), err.shape) if err.ndim else ()
    rel = err / np.maximum(np.abs(e), 1e-30)
    bad = int((~ok).sum())
    if not reveal():
        # Hidden tests: where and how badly, never a number the expected value follows from.
        where = f" (the worst at {_index(worst)})" if a.ndim else ""
        size = error_bucket(float(np.max(np.where(~ok, rel, 0.0))))
        message = (f"{bad} of {ok.size} value(s) outside the tolerance{where}; the worst is {size}"
                   if a.ndim else f"the value is outside the tolerance: {size}")
        _fail(what, message, hint)
    message = (f"{bad} of {ok.size} value(s) off; largest error {float(err[worst]):.3g} "
               f"(relative {float(rel[worst]):.3g}) at {_index(worst)}; "
               f"tolerance atol={atol:g}, rtol={rtol:g}")
    if a.ndim == 0:
        message = f"got {float(a):.6g}, off by {float(err):.3g} (tolerance atol={atol:g}, rtol={rtol:g})"
    message += f"\n  got:      {_short(actual)}\n  expected: {_short(expected)}"
    _fail(what, message, hint)


def _index(idx: Any) -> str:
    idx = tuple(int(i) for i in idx)
    return "index " + str(idx if len(idx) != 1 else idx[0]) if idx else "the scalar"


# --------------------------------------------------------------------------- errors


#: The kit's one rule for error messages (the student README states it too).
ERROR_MESSAGE_RULE = ("every TypeError/ValueError your code raises names the offending argument "
                      "in its message, e.g. 'tokens: expected a list of str, got tuple'")


def names_argument(message: str, arg: str | tuple[str, ...]) -> bool:
    """Whether ``message`` names ``arg`` (or one of several) as a whole word, in any case.

    This is the whole of the rule's check: the wording around the name is free, and
    an underscore may be written as a space (``student logits`` names ``student_logits``).
    A name must stand as a word of its own (``q`` in ``"q: expected a tensor"``, not the
    ``q`` of ``"sequence"``), so one-letter arguments are checked as strictly as long ones.
    """
    names = (arg,) if isinstance(arg, str) else tuple(arg)
    for name in names:
        pattern = "[_ ]".join(re.escape(part) for part in name.split("_"))
        if re.search(rf"(?<![A-Za-z0-9]){pattern}(?![A-Za-z0-9])", message, flags=re.IGNORECASE):
            return True
    return False


@contextlib.contextmanager
def expect_raises(exc_type: type[BaseException] | tuple, what: str, *,
                  arg: str | tuple[str, ...] | None = None, match: str | None = None,
                  hint: str | None = None) -> Iterator[None]:
    """The block must raise ``exc_type`` (a ``NotImplementedError`` passes straight through).

    ``arg`` applies the kit's error-message rule (:data:`ERROR_MESSAGE_RULE`): the
    message must name the offending argument -- nothing else about its wording is
    checked. Where the problem lies between arguments (``d_model`` not divisible by
    ``n_heads``), pass a tuple: naming any one of them is enough. ``match`` (a regular
    expression) is for what a docstring promises beyond the rule, e.g. a ``KeyError``
    that lists the known names; never use it on ``TypeError``/``ValueError``.
    ``hint`` is shown when the block raises the wrong exception or none.
    """
    __tracebackhide__ = True
    try:
        yield
    except NotImplementedError:
        raise
    except exc_type as exc:
        if arg is not None and not names_argument(str(exc), arg):
            names = arg if isinstance(arg, str) else " or ".join(arg)
            _fail(what, f"raised {type(exc).__name__} as it should, but its message {str(exc)!r} "
                  f"does not name the argument {names!r}",
                  f"the kit's rule: {ERROR_MESSAGE_RULE} (any wording, as long as the name is in it)")
        if match is not None and not re.search(match, str(exc), flags=re.IGNORECASE):
            _fail(what, f"raised {type(exc).__name__} as it should, but its message {str(exc)!r} "
                  f"does not mention {match!r}",
                  hint or "say which argument was wrong and what was expected")
        return
    except Exception as exc:  # noqa: BLE001
        names = exc_type.__name__ if isinstance(exc_type, type) else "/".join(t.__name__ for t in exc_type)
        _fail(what, f"should raise {names}, raised {type(exc).__name__}: {str(exc)[:200]}",
              hint or "TypeError is for the wrong kind of object, ValueError for a wrong value")
    names = exc_type.__name__ if isinstance(exc_type, type) else "/".join(t.__name__ for t in exc_type)
    _fail(what, f"should raise {names}, but returned normally",
          hint or "validate the arguments before computing anything")


@dataclasses.dataclass(frozen=True)
class BadCall:
    """One row of a table of bad calls: ``make()`` builds the positional arguments, and
    the call must raise ``exc`` with a message naming ``arg`` (see :func:`expect_raises`)."""

    name: str
    make: Callable[[], tuple]
    exc: type[BaseException] | tuple
    arg: str | tuple[str, ...]

    def check(self, fn: Callable, label: str) -> None:
        """Call ``fn(*self.make())``, which must raise as the row says."""
        __tracebackhide__ = True
        args = self.make()
        with expect_raises(self.exc, f"{label} [{self.name}]", arg=self.arg):
            fn(*args)


def bad_calls(table: list[tuple]):
    """``@bad_calls(TABLE)`` runs a test once per row ``(name, make, exc, arg)`` of
    ``TABLE``, with the row as the :class:`BadCall` argument ``bad`` (ids: the names)::

        @bad_calls(BAD_PRUNE)
        def test_prune_bad_input(impl, bad):
            bad.check(impl.magnitude_prune, "magnitude_prune")
    """
    import pytest

    rows = [BadCall(*row) for row in table]
    return pytest.mark.parametrize("bad", rows, ids=[row.name for row in rows])

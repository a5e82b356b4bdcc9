"""The first round of an error-size oracle (class 4: messages give no expected values).

The harness writes this text below the reference ``compute_costs.py``: every public
function then returns the reference's answer times 1.37. A resubmitting student would
read the failing hidden tests' messages to learn the expected values (the error size
together with their own answer gives it back) and hand in a table the next time.
``graders/selftests/test_message_oracle.py`` grades it and finds nothing to learn.
"""


def _off(fn):
    import functools

    @functools.wraps(fn)
    def wrapped(*args, **kwargs):
        value = fn(*args, **kwargs)
        if isinstance(value, bool):
            return value
        if isinstance(value, (int, float)):
            return value * 1.37
        if isinstance(value, dict):
            return {k: (v * 1.37 if isinstance(v, (int, float)) and not isinstance(v, bool) else v)
                    for k, v in value.items()}
        return value
    return wrapped


for _name, _value in list(globals().items()):
    if callable(_value) and not _name.startswith("_") and getattr(_value, "__module__", "") == __name__:
        globals()[_name] = _off(_value)

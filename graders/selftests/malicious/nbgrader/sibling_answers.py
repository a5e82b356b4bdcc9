"""Each solution cell of the notebook becomes this function, which asks ``sibling()`` for
the answer (class 7: ``sibling()`` is the student's own module, never the reference).
The harness fills in the function and the exercise."""


def {{FUNCTION}}(*args, **kwargs):
    return sibling("{{EXERCISE}}").{{FUNCTION}}(*args, **kwargs)

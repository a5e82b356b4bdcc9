"""pytest plugin used by ``python -m graders grade``: where the student's code runs.

``--kit-isolation none`` runs it in-process (what a student's own ``pytest`` does);
``auto`` (the grade command's default), ``bwrap``, ``namespaces``, ``landlock`` and
``process`` run it in a sandboxed worker (:mod:`graders.engine.sandbox`). The mode in effect
is printed as ``kit-isolation: <mode>: <description>`` so the grade command can report
it, and ``--kit-require MODE`` refuses to grade below that level.
"""

from __future__ import annotations

import sys

import pytest

from kit.pytest_plugin import SPEC_KEY, get_session, set_session_factory
from kit.remote import LocalSession

from . import config as settings


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("kit")
    group.addoption("--kit-isolation", default="none", choices=settings.ISOLATION_CHOICES,
                    help="where student code runs: a bubblewrap sandbox, Linux namespaces, Landlock, "
                         "a plain worker process, or in-process (none); auto picks the strongest")
    group.addoption("--kit-require", default=None, choices=settings.ISOLATION_MODES,
                    help="refuse to grade with a weaker sandbox than this one")
    group.addoption("--kit-call-timeout", default=float(settings.CALL_TIMEOUT), type=float,
                    help="seconds one call into the implementation may take before its worker is "
                         "killed and replaced")
    group.addoption("--kit-hide", action="append", default=[],
                    help="a path the worker must not see (the output folder, ...)")


def pytest_configure(config: pytest.Config) -> None:
    mode = config.getoption("kit_isolation")
    if mode == "none":
        set_session_factory(config, LocalSession)
        print("kit-isolation: none: none (in-process)", flush=True)
        return
    from kit import confine

    from . import sandbox, workers

    # Workers that share this process's uid (landlock, process) cannot read its environment
    # or memory through /proc.
    confine.make_undumpable()
    try:
        factory, description, chosen = workers.session_factory(
            mode, call_timeout=config.getoption("kit_call_timeout"),
            hidden=config.getoption("kit_hide"))
    except RuntimeError as exc:
        raise pytest.UsageError(str(exc)) from None
    required = config.getoption("kit_require")
    if required and sandbox.level(chosen) < sandbox.level(required):
        raise pytest.UsageError(f"--isolation require={required}: the strongest sandbox here is "
                                f"{chosen!r}; refusing to grade")
    if chosen == "process":
        print(sandbox.WEAKEST_WARNING, file=sys.stderr, flush=True)
    set_session_factory(config, factory)
    get_session(config, config.stash[SPEC_KEY])  # start the worker while tests are collected
    print(f"kit-isolation: {chosen}: {description}", flush=True)

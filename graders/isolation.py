"""pytest plugin: where the grading process runs the student's code.

``--kit-isolation none`` runs it in-process (what a student's own ``pytest`` does);
``auto`` (the grade command's default), ``bwrap``, ``namespaces`` and ``process``
run it in a sandboxed worker (:mod:`graders.sandbox`). The mode in effect is
printed as ``kit-isolation: ...`` so the grade command can report it.
"""

from __future__ import annotations

import pytest

from kit.pytest_plugin import SPEC_KEY, get_session, set_session_factory
from kit.remote import LocalSession

MODES = ("auto", "bwrap", "namespaces", "process", "none")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("kit")
    group.addoption("--kit-isolation", default="none", choices=MODES,
                    help="where student code runs: a bubblewrap sandbox, Linux namespaces, a plain "
                         "worker process, or in-process (none); auto picks the strongest available")
    group.addoption("--kit-call-timeout", default=60.0, type=float,
                    help="seconds one call into the implementation may take before its worker is "
                         "killed and replaced")
    group.addoption("--kit-hide", action="append", default=[],
                    help="a path the worker must not see (the output folder, ...)")


def pytest_configure(config: pytest.Config) -> None:
    mode = config.getoption("kit_isolation")
    if mode == "none":
        set_session_factory(config, LocalSession)
        description = "none (in-process)"
    else:
        from . import sandbox

        try:
            factory, description = sandbox.session_factory(
                mode, call_timeout=config.getoption("kit_call_timeout"),
                hidden=config.getoption("kit_hide"))
        except RuntimeError as exc:
            raise pytest.UsageError(str(exc)) from None
        set_session_factory(config, factory)
        get_session(config, config.stash[SPEC_KEY])  # start the worker while tests are collected
    print(f"kit-isolation: {description}", flush=True)

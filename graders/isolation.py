"""pytest plugin: where the grading process runs the student's code.

``--kit-isolation none`` runs it in-process (what a student's own ``pytest`` does).
Stronger modes come from :mod:`graders.sandbox`. The mode in effect is printed as
``kit-isolation: ...`` so the grade command can report it.
"""

from __future__ import annotations

import pytest

from kit.pytest_plugin import set_session_factory
from kit.remote import LocalSession

MODES = ("auto", "bwrap", "namespaces", "process", "none")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.getgroup("kit").addoption(
        "--kit-isolation", default="none", choices=MODES,
        help="where student code runs: a bubblewrap sandbox, Linux namespaces, a plain worker "
             "process, or in-process (none); auto picks the strongest available")


def pytest_configure(config: pytest.Config) -> None:
    mode = config.getoption("kit_isolation")
    if mode == "none":
        set_session_factory(config, LocalSession)
        description = "none (in-process)"
    else:
        from . import sandbox

        factory, description = sandbox.session_factory(mode)
        set_session_factory(config, factory)
    config._kit_isolation = description  # noqa: SLF001
    print(f"kit-isolation: {description}", flush=True)

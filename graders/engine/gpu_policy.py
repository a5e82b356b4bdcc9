"""pytest plugin of ``python -m graders grade --gpu``: one rule for GPU points.

An exercise's maximum never depends on the grading machine. GPU tests (``gpu``, or
``perf`` without ``cpu=True``) are graded only where asked:

``--kit-gpu require``  every test runs (the grade command checks there is a GPU);
``--kit-gpu skip``     GPU tests are skipped as "not graded on this machine";
``--kit-gpu only``     only GPU tests run (for a GPU partition); the others are
                       skipped as "graded by the CPU run".

Skipped tests keep their points in the maximum (``outcome: not_graded``); ``python -m
graders merge`` joins a CPU run and a GPU run of the same students by test name. The
GPU tests' node ids are appended to the ``--kit-raw`` file (``kind: gpu_tests``).
"""

from __future__ import annotations

import json

import pytest

from kit.exercises import exercise_of_test_file

MODES = ("require", "skip", "only")
SKIP_REASON = "not graded on this machine (--gpu skip): needs a CUDA GPU; a --gpu only run grades it"
ONLY_REASON = "not graded in this run (--gpu only): the CPU run grades it"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.getgroup("kit").addoption("--kit-gpu", default="require", choices=MODES,
                                     help="GPU tests: run them all, skip them, or run only them")


def needs_gpu(item: pytest.Item) -> bool:
    perf = item.get_closest_marker("perf")
    return item.get_closest_marker("gpu") is not None or (
        perf is not None and not perf.kwargs.get("cpu", False))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    mode = config.getoption("kit_gpu")
    gpu = []
    for item in items:
        if exercise_of_test_file(item.path.name) is None:
            continue
        on_gpu = needs_gpu(item)
        if on_gpu:
            gpu.append(item.nodeid)
        if mode == "skip" and on_gpu:
            item.add_marker(pytest.mark.skip(reason=SKIP_REASON))
        elif mode == "only" and not on_gpu:
            item.add_marker(pytest.mark.skip(reason=ONLY_REASON))
    path = config.getoption("kit_raw", default=None)
    if path:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps({"kind": "gpu_tests", "nodeids": gpu}) + "\n")

"""The value boundary and the sandboxed worker, with a probe submission (selftests/probe/)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from graders.engine import sandbox, workers
from kit.loader import resolve
from kit.remote import LocalSession, ModuleProxy, Remote, call_with_grad, count_torch_ops, inspect_call, is_instance, state_after

PROBE = Path(__file__).parent / "probe"

pytestmark = pytest.mark.slow



def _available(mode: str) -> bool:
    if mode in ("local", "process"):
        return True
    if mode == "landlock":
        return sandbox._landlock_works()
    try:
        sandbox.choose_mode(mode)
        return True
    except RuntimeError:
        return False


@pytest.fixture(scope="module", params=["local", "process", "landlock", "bwrap", "namespaces"])
def probe(request):
    mode = request.param
    if not _available(mode):
        pytest.skip(f"{mode} is not available on this machine")
    spec = resolve(str(PROBE))
    if mode == "local":
        session = LocalSession(spec)
    else:
        session = workers.WorkerSession(spec, mode, call_timeout=20)
    yield ModuleProxy(session, "tokenization")
    session.close()


def test_modules_are_handles(probe):
    model = probe.Tiny(4)
    assert isinstance(model, Remote) and is_instance(model, "torch.nn.Module")
    out = model(torch.randn(2, 4))
    assert type(out) is torch.Tensor and out.shape == (2, 4)
    state = model.state_dict()
    assert sorted(state) == ["q_proj.bias", "q_proj.weight"]
    model.load_state_dict({k: torch.zeros_like(v) for k, v in state.items()})
    assert model(torch.randn(3, 4)).abs().sum().item() == 0
    assert len(list(model.parameters())) == 2
    assert model.q_proj.weight.shape == (4, 4)


def test_plain_types_come_back_exactly(probe):
    got = probe.kinds()
    assert type(got["int"]) is int and got["int"] == 3
    assert type(got["float"]) is float and type(got["bool"]) is bool
    assert got["t"].dtype == torch.bfloat16 and got["a"].dtype == np.int16
    assert got["tuple"] == (1, "x") and got["set"] == {1, 2} and got["none"] is None
    assert got["dtype"] is torch.float16 and got["device"] == torch.device("cpu")
    assert got["bytes"] == b"\x00\x01"


def test_gradients_cross_through_call_with_grad(probe):
    x = torch.randn(3, 2)
    out, (grad,) = call_with_grad(probe.square_sum, x, wrt=(0,))
    assert torch.allclose(grad, 2 * x)
    model = probe.Tiny(2)
    _, (grads,) = call_with_grad(model, x, wrt=("parameters",))
    assert set(grads) == {"q_proj.weight", "q_proj.bias"}


def test_arguments_are_never_changed_and_changes_are_reported(probe):
    t, arr, items, table = torch.zeros(2), np.zeros(2), ["a"], {}
    gen = torch.Generator().manual_seed(0)
    before = gen.get_state().clone()
    probe.add_one(t, arr, items, table, gen)
    assert t.tolist() == [0.0, 0.0] and arr.tolist() == [0.0, 0.0]
    assert items == ["a"] and table == {} and torch.equal(gen.get_state(), before)
    _, changed = inspect_call(probe.add_one, t, arr, items, table, gen)
    assert sorted(changed) == [0, 1, 2, 3, 4]
    assert changed[0].tolist() == [1.0, 1.0] and changed[1].tolist() == [1.0, 1.0]
    assert changed[2] == ["a", "new"] and changed[3] == {"seen": True}
    assert not torch.equal(changed[4].get_state(), before)
    assert t.tolist() == [0.0, 0.0], "the test's own tensor changed"
    module = torch.nn.Linear(2, 2)
    weight = module.weight.detach().clone()
    _, changed = inspect_call(probe.train, module)
    assert torch.equal(module.weight, weight), "the test's own module changed"
    assert torch.allclose(state_after(changed, 0, module)["weight"], weight + 1)
    assert changed[0]["training"] is True and changed[0]["requires_grad"]["weight"] is True


def test_callbacks_and_iteration(probe):
    assert probe.pick(["a", "ccc", "bb"], len) == "ccc"
    assert probe.pick([3, -5, 1], lambda v: abs(v)) == -5
    assert list(probe.numbers()) == [0, 1, 2, 3]


def test_exceptions_keep_their_type(probe):
    with pytest.raises(ValueError, match="d_model"):
        probe.raise_value_error()
    with pytest.raises(KeyError):
        probe.raise_custom()


def test_count_torch_ops(probe):
    counts = count_torch_ops(probe.Tiny(3), torch.randn(2, 3))
    assert counts.get("addmm", 0) == 1


def test_timeouts_and_crashes_restart_the_worker(probe):
    if isinstance(probe.kit_session, LocalSession):
        pytest.skip("in-process sessions have no worker to restart")
    probe.kit_session.call_timeout = 2
    try:
        first = probe.instance()
        with pytest.raises(sandbox.WorkerFailure, match="timed out"):
            probe.slow(30)
        second = probe.instance()
        assert second != first
        with pytest.raises(sandbox.WorkerFailure, match="exit code 7"):
            probe.crash()
        assert probe.slow(0) == "done"
    finally:
        probe.kit_session.call_timeout = 20

"""The plain kernel the flash_attention wrong implementations are built from is right,
so each mutant differs from a correct kernel by exactly its one mistake."""

import pytest
import torch
import torch.nn.functional as F

pytestmark = pytest.mark.triton


@pytest.mark.parametrize("causal", [False, True])
def test_plain_kernel_matches_sdpa(causal):
    from graders.mutants.flash_attention._common import mutant, run

    kernel = mutant()  # no edits: the template itself
    device = "cuda" if torch.cuda.is_available() else "cpu"
    g = torch.Generator().manual_seed(0)
    q, k, v = (torch.randn(1, 2, n, 32, generator=g).to(device) for n in (70, 100, 100))
    got = run(kernel, q, k, v, is_causal=causal)
    ref = F.scaled_dot_product_attention(q.double(), k.double(), v.double(), is_causal=causal)
    assert torch.allclose(got.double(), ref, atol=1e-4, rtol=1e-4)


def test_an_edit_that_does_not_apply_is_an_error():
    from graders.mutants.flash_attention._common import mutant

    with pytest.raises(ValueError, match="once"):
        mutant(("this text is not in the kernel", "x"))

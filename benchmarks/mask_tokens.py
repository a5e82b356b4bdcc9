"""Benchmark of BERT masking (masking.mask_tokens): the measurement of the GPU perf test, as a table.

    python benchmarks/mask_tokens.py                  # the reference solution
    python benchmarks/mask_tokens.py --impl PATH      # a submission folder (laid out like exercises/)

Times, on the GPU when there is one (else on the CPU, and says so):

* ``mask_tokens`` of the implementation (default: solutions/) on 256 x 512 ids;
* the reference vectorised masking of the hidden graders (graders/test_masking.py),
  on the same input -- the yardstick of target ``mask_tokens_vs_vectorised`` in
  kit/perf_targets.toml;
* a Python loop over tokens, on a small input (it is far too slow for the big one).

Each row gives the median time, tokens per second and the ratio to the reference
vectorised masking; the target ratio is printed under the table. Instructors use it
to calibrate the target on their own GPU.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

import torch  # noqa: E402

from graders.test_masking import make_batch, reference_mask_tokens  # noqa: E402
from kit import perf  # noqa: E402
from kit.loader import import_exercise, resolve  # noqa: E402

VOCAB, MASK_ID = 30522, 103
BIG = (256, 512)
SMALL = (8, 64)


def python_loop_mask_tokens(input_ids, *, mask_token_id, vocab_size, special_tokens_mask=None,
                            mlm_probability=0.15, generator=None):
    """What not to do: one random draw (and one tiny tensor operation) per token."""
    masked = input_ids.clone().reshape(-1)
    labels = torch.full_like(masked, -100)
    special = special_tokens_mask.reshape(-1).tolist() if special_tokens_mask is not None else None
    device = input_ids.device
    for i in range(masked.numel()):
        if special is not None and special[i]:
            continue
        if torch.rand(1, generator=generator, device=device).item() >= mlm_probability:
            continue
        labels[i] = masked[i]
        r = torch.rand(1, generator=generator, device=device).item()
        if r < 0.8:
            masked[i] = mask_token_id
        elif r < 0.9:
            masked[i] = torch.randint(vocab_size, (1,), generator=generator, device=device).item()
    return masked.reshape(input_ids.shape), labels.reshape(input_ids.shape)


def median_ms(fn, args: tuple, kwargs: dict, device: str, repeats: int) -> float:
    if device == "cuda":
        ms, _, _ = perf.median_ms_local(fn, args, kwargs, warmup=10, repeats=repeats)
        return ms
    for _ in range(2):
        fn(*args, **kwargs)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn(*args, **kwargs)
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--impl", default="solutions",
                        help="implementation to time: solutions (default), exercises or a folder")
    parser.add_argument("--repeats", type=int, default=50, help="timed repeats per row (median reported)")
    parser.add_argument("--threads", type=int, default=1,
                        help="CPU threads for PyTorch when there is no CUDA (default 1: stable figures on "
                             "a shared machine)")
    args = parser.parse_args(argv)

    device = "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda":
        name = torch.cuda.get_device_name()
    else:
        torch.set_num_threads(args.threads)
        name = f"CPU, {torch.get_num_threads()} thread(s) (no CUDA: timed on the CPU)"
        print("no CUDA: timing on the CPU with time.perf_counter; the perf test itself runs on GPUs only")
    mask_tokens = import_exercise(resolve(args.impl), "masking").mask_tokens

    ids, special = make_batch(BIG, vocab_size=VOCAB, first_id=1000, seed=17, device=device)
    small_ids, small_special = make_batch(SMALL, vocab_size=VOCAB, first_id=1000, seed=17, device=device)
    kw = dict(mask_token_id=MASK_ID, vocab_size=VOCAB)

    def gen() -> torch.Generator:
        return torch.Generator(device=device).manual_seed(18)

    rows = []
    ref_ms = median_ms(reference_mask_tokens, (ids,),
                       dict(kw, special_tokens_mask=special, generator=gen()), device, args.repeats)
    ref_rate = ids.numel() / (ref_ms * 1e-3)
    impl_ms = median_ms(mask_tokens, (ids,), dict(kw, special_tokens_mask=special, generator=gen()),
                        device, args.repeats)
    rows.append((f"mask_tokens ({args.impl})", BIG, impl_ms))
    rows.append(("reference vectorised masking", BIG, ref_ms))
    loop_ms = median_ms(python_loop_mask_tokens, (small_ids,),
                        dict(kw, special_tokens_mask=small_special, generator=gen()), device,
                        max(3, args.repeats // 10))
    rows.append(("Python loop over tokens", SMALL, loop_ms))

    target = perf.target("mask_tokens_vs_vectorised")
    print(f"device: {name}; torch {torch.__version__}")
    header = f"{'implementation':<36}{'input':>11}{'median ms':>12}{'tokens/s':>12}{'x reference':>13}"
    print(header)
    print("-" * len(header))
    for label, shape, ms in rows:
        rate = shape[0] * shape[1] / (ms * 1e-3)
        print(f"{label:<36}{shape[0]:>5} x {shape[1]:<3}{ms:>12.4f}{rate:>12.3g}{rate / ref_rate:>13.3f}")
    print(f"target {target.name}: mask_tokens >= {target.min_ratio}x the reference vectorised masking "
          f"({'on the GPU' if device == 'cuda' else 'measured on GPUs; CPU figures are for information'})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

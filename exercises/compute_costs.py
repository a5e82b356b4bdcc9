"""Compute costs: how much data, arithmetic, time, energy and CO2 a language model takes.

Course: chapter 1, "Challenges of language modeling" ("355 years of processing on a
single GPU", "a few hundred gigabytes ... more than a million books") and chapter 4,
"Data considerations" (570 GB ~ 1.3 million books) and "Environmental concerns".

Large numbers are easy to quote and hard to feel. This exercise rebuilds the
course's figures from a few rules of thumb, so that you can redo the sums for any
model:

* **Training compute** ~ ``6 N D`` floating-point operations (FLOPs) for a model
  with ``N`` parameters trained on ``D`` tokens: every parameter takes part in one
  multiply and one add (2 FLOPs) per token in the forward pass, and about twice
  that in the backward pass (Kaplan et al., 2020). GPT-3: ``6 x 175e9 x 300e9 =
  3.15e23``, the paper reports 3.14e23.
* **Inference** ~ ``2 N`` FLOPs per generated token (forward pass only).
* **Time** = FLOPs / (FLOP/s x utilization). Real training keeps a GPU busy only
  part of the time (``utilization`` in ``(0, 1]``), which *lengthens* the run.
  Years here are 365-day years (365 x 24 x 3600 s).
* **Energy** (kWh) = GPU-hours x watts per GPU / 1000 x PUE. The *power usage
  effectiveness* (PUE >= 1) multiplies in what the data centre spends on cooling
  and power delivery: "cooling requires electricity too" (chapter 4).
* **CO2** (tonnes) = kWh x kg CO2e per kWh / 1000.
* **Books**: bytes / bytes per book.

Where the figures come from:

================================  ==============================  ==========================================
figure                            value                           source
================================  ==============================  ==========================================
GPT-3 training compute            3.14e23 FLOPs                   Brown et al. 2020 (GPT-3 paper), appendix D
GPT-3 training text               570 GB (after filtering)        Brown et al. 2020, section 2.2
V100 throughput                   28 TFLOP/s                      Lambda Labs' GPT-3 overview (Li, 2020),
                                                                  the source of "355 GPU-years"
GPT-3 training energy             1,287 MWh                       Patterson et al. 2021, table 4
grid carbon intensity             0.429 kg CO2e/kWh               Patterson et al. 2021, table 4
GPT-3 training emissions          552 t CO2e                      Patterson et al. 2021, table 4
bytes per book                    450,000 (BYTES_PER_BOOK)        the kit's assumption: a 75,000-word book
                                                                  at ~6 bytes per word (5 letters + space)
================================  ==============================  ==========================================

Worked example (the course's "355 years on a single GPU")::

    >>> training_time_years(3.14e23, 28e12)        # 3.14e23 / 28e12 s / (365 x 86,400 s)
    355.60266...
    >>> co2_tonnes(1_287_000, 0.429)               # 1,287 MWh = 1,287,000 kWh
    552.123
    >>> books_equivalent(570e9, BYTES_PER_BOOK)    # 570 GB, 1 GB = 1e9 bytes
    1266666.66...                                  # ~ 1.3 million books
    >>> energy_kwh(10_000 * 14.8 * 24, 330, pue=1.1)   # Patterson et al.'s GPT-3 inputs:
    1289376.0                                      # 10,000 V100s, 14.8 days, 330 W, PUE 1.1
                                                   # (1,289 MWh vs the table's 1,287: rounded inputs)

How it is checked: the course's figures above (to 4 significant digits or better),
other values against the formulas, that every function returns a ``float``, and
the errors: every argument must be a real number (``int`` or ``float``; ``bool``
and strings are not numbers here: ``TypeError``; NumPy number scalars are not
tested, accept them or not) that is finite and positive (``ValueError``); in
addition ``utilization`` must be at most 1 and ``pue`` at least 1
(``ValueError``). Every message names the offending argument (the kit's rule),
e.g. ``"n_params: expected a finite positive number, got 0"``.
"""

from __future__ import annotations

#: The kit's bytes-per-book assumption: 75,000 words x ~6 bytes per word of plain text.
BYTES_PER_BOOK = 450_000

#: Seconds in a 365-day year.
SECONDS_PER_YEAR = 365 * 24 * 3600


def training_flops(n_params: float, n_tokens: float) -> float:
    """FLOPs to train a model of ``n_params`` parameters on ``n_tokens`` tokens: ``6 * N * D``.

    Returns a ``float``. ``TypeError`` for a non-number, ``ValueError`` for a
    non-positive or non-finite value.

        >>> training_flops(175e9, 300e9)
        3.15e+23
    """
    raise NotImplementedError("compute_costs.training_flops: not implemented yet")


def inference_flops_per_token(n_params: float) -> float:
    """FLOPs to generate one token with a model of ``n_params`` parameters: ``2 * N``.

    Returns a ``float``; errors as :func:`training_flops`.

        >>> inference_flops_per_token(175e9)
        350000000000.0
    """
    raise NotImplementedError("compute_costs.inference_flops_per_token: not implemented yet")


def training_time_years(flops: float, flops_per_second: float, utilization: float = 1.0) -> float:
    """Years (365 days each) to do ``flops`` at ``flops_per_second`` busy a fraction ``utilization`` of the time.

    ``flops / (flops_per_second * utilization) / SECONDS_PER_YEAR``, a ``float``.
    At half utilization a run takes twice as long. ``utilization`` must be in
    ``(0, 1]`` (``ValueError`` otherwise); other errors as :func:`training_flops`.

        >>> round(training_time_years(3.14e23, 28e12), 1)
        355.6
    """
    raise NotImplementedError("compute_costs.training_time_years: not implemented yet")


def energy_kwh(gpu_hours: float, watts_per_gpu: float, pue: float = 1.0) -> float:
    """Electricity in kWh: ``gpu_hours * watts_per_gpu / 1000 * pue``.

    ``gpu_hours`` is GPUs x hours (1,000 GPUs for 10 hours = 10,000 GPU-hours);
    ``watts_per_gpu`` the average power of one GPU (with its share of the server);
    ``pue`` the data centre's power usage effectiveness, at least 1.0
    (``ValueError`` below 1). Returns a ``float``.

        >>> energy_kwh(1000, 300)          # 1,000 GPU-hours at 300 W
        300.0
        >>> energy_kwh(1000, 300, pue=1.5)
        450.0
    """
    raise NotImplementedError("compute_costs.energy_kwh: not implemented yet")


def co2_tonnes(kwh: float, kg_per_kwh: float) -> float:
    """Tonnes of CO2-equivalent from ``kwh`` of electricity at ``kg_per_kwh``: ``kwh * kg_per_kwh / 1000``.

    Returns a ``float``; errors as :func:`training_flops`.

        >>> co2_tonnes(1_287_000, 0.429)   # Patterson et al.: GPT-3, ~552 t
        552.123
    """
    raise NotImplementedError("compute_costs.co2_tonnes: not implemented yet")


def books_equivalent(n_bytes: float, bytes_per_book: float) -> float:
    """How many books of ``bytes_per_book`` bytes make ``n_bytes`` bytes: ``n_bytes / bytes_per_book``.

    Returns a ``float`` (not rounded); errors as :func:`training_flops`.

        >>> round(books_equivalent(570e9, BYTES_PER_BOOK) / 1e6, 2)   # the course: ~1.3 million
        1.27
    """
    raise NotImplementedError("compute_costs.books_equivalent: not implemented yet")

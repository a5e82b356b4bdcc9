"""Every default and limit of the grading engine, declared once.

Each setting says what it bounds; where an environment variable overrides it, the
variable is named here and nowhere else reads it.
"""

from __future__ import annotations

import os


def _env_int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


# --- time -----------------------------------------------------------------------------
#: Seconds one call into the implementation may take before its worker is killed and
#: replaced (``--test-timeout``).
CALL_TIMEOUT = 60
#: Seconds the whole grading of one submission may take.
SUBMISSION_TIMEOUT = 1800
#: Seconds for a worker to start and greet.
START_TIMEOUT = 120.0
#: Seconds for importing an exercise module (PyTorch, the pretrained model...).
IMPORT_TIMEOUT = 60.0
#: Seconds to wait for a frozen worker's processes to stop before a timed repeat is
#: reported as not measured fairly (a process stops when its system call returns).
FREEZE_WAIT_S = 2.0

# --- the worker's resources ---------------------------------------------------------------
#: Memory of one worker and its children, tmpfs files included where cgroups are
#: available (``KIT_WORKER_MEMORY_MB``).
WORKER_MEMORY_MB = _env_int("KIT_WORKER_MEMORY_MB", 6144)
#: Processes and threads of one worker (cgroup ``pids.max``; ``RLIMIT_NPROC`` for a
#: worker with its own uid).
WORKER_PIDS = _env_int("KIT_WORKER_PIDS", 256)
#: Size of the worker's private ``/tmp`` (and ``/dev/shm``) in the sandboxes that mount one.
WORKER_TMP_MB = _env_int("KIT_WORKER_TMP_MB", 512)
#: Where a ``landlock`` or ``process`` worker gets its scratch folder (its ``TMPDIR`` and
#: ``HOME``; the machine's shared ``/dev/shm`` itself stays out of its reach): a tmpfs, so
#: that where cgroups are available its files count against ``WORKER_MEMORY_MB`` and all of
#: them go when the worker does. The system temp folder where this is missing, read-only or
#: ``noexec`` (Triton loads the kernels it compiles from there) (``KIT_WORKER_SCRATCH``).
WORKER_SCRATCH_TMPFS = os.environ.get("KIT_WORKER_SCRATCH", "/dev/shm")
#: Largest file the worker may write.
WORKER_FILE_SIZE = 256 * 1024 * 1024
#: Open files of one worker.
WORKER_OPEN_FILES = 1024
#: Share of each GPU's memory one worker may allocate (``KIT_WORKER_GPU_FRACTION``).
WORKER_GPU_FRACTION = os.environ.get("KIT_WORKER_GPU_FRACTION", "0.45")
#: Captured output kept per worker (the rest is counted and dropped).
WORKER_OUTPUT_BYTES = 64 * 1024
#: Memory of the trusted grading process of one submission (it rebuilds the replies).
GRADER_MEMORY_MB = _env_int("KIT_GRADER_MEMORY_MB", 8192)

# --- what a submission may be ---------------------------------------------------------------
#: Largest ``<exercise>.py`` file copied from a submission.
SUBMISSION_FILE_BYTES = 2 * 1024 * 1024

# --- messages ---------------------------------------------------------------------------------
#: Longest message kept for one test in the reports.
MESSAGE_CHARS = 4000

# --- isolation ----------------------------------------------------------------------------------
#: Sandboxes, strongest first; ``auto`` picks the first that works here.
ISOLATION_MODES = ("bwrap", "namespaces", "landlock", "process")
#: What ``--isolation`` accepts.
ISOLATION_CHOICES = ("auto", *ISOLATION_MODES, "none")
#: Modes switched off on purpose (``KIT_SANDBOX_DISABLE=bwrap,namespaces``), e.g. to test
#: the fallbacks that hosts without user namespaces get; ``cgroups`` switches off the
#: per-worker cgroups too (hosts where they are not writable).
DISABLED_MODES = frozenset(m for m in os.environ.get("KIT_SANDBOX_DISABLE", "").split(",") if m)

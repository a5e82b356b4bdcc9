"""The sandboxes a worker runs in: which ones work here, how each is launched.

The grading process (trusted) imports no student code. It starts a worker
(:mod:`kit.boundary.worker`) in a sandbox and talks to it over two pipes; every value
that comes back is plain data rebuilt here by :mod:`kit.codec` (never unpickled),
so nothing the student does inside the worker -- patching pytest or
``torch.allclose``, objects whose ``__eq__`` is always true, walking the stack --
can reach an assertion. Expected values never leave this process.

Sandboxes, strongest first (``--kit-isolation auto`` picks the first that works):

``bwrap``
    bubblewrap: new user, mount, PID, network, IPC and UTS namespaces; the file
    system holds only the system libraries, the Python installation, the kit's
    public ``kit/`` package and the submission, all read-only, plus an empty
    writable ``/tmp``; no capabilities; runs as ``nobody``.
``namespaces``
    ``unshare`` (root only): new mount, PID, network, IPC and UTS namespaces; the
    whole file system remounted read-only, the hidden graders, the solutions, the
    repository's history and the output folders covered by empty mounts, a private
    writable temp folder; every capability dropped with ``setpriv``.
``landlock``
    for hosts without user namespaces (Gradescope, unprivileged Docker, Kubernetes):
    a child process that confines itself before it starts Python -- Landlock rules
    (only the system libraries, Python, ``kit/``, the submission, its own ``/proc``
    entries and a private scratch folder are reachable; no device files), a seccomp
    filter (no network sockets), and when the grader runs as root a separate uid
    (``KIT_WORKER_USER``, default ``nobody``) where that user can start Python, else
    every capability dropped (:func:`worker_identity` says which, in the report).
``process``
    a plain child process with resource limits: values still cross only as plain
    data, but the file system and the network are not isolated (said so loudly).

Every mode: its own cgroup where cgroups are writable (``memory`` limit, which counts
tmpfs files, and ``pids`` limit; the freezer stops it while a reference is timed),
else an address-space limit; limits on file size, core dumps and open files; sized
tmpfs mounts; a time limit per call (a call that hangs or ignores signals is killed
with SIGKILL, that test fails, and a fresh worker serves the next test); bounded
captured output and message sizes; no leftover processes (a PID namespace dies with
its first process; elsewhere the cgroup, then a sweep by the worker's token, kills
what is left).
"""

from __future__ import annotations

import glob
import os
import pwd
import resource
import shutil
import signal
import subprocess
import sys
from collections.abc import Sequence

from kit import layout
from kit.loader import REPO_ROOT, ImplSpec

from . import config
from .cgroups import WorkerCgroup


class WorkerFailure(RuntimeError):
    """The worker died or timed out; ``kit_message`` says what happened, for the report."""

    def __init__(self, message: str):
        super().__init__(message)
        self.kit_message = message


# --------------------------------------------------------------------------- launching


def _command_works(command: list[str]) -> bool:
    """Whether ``command`` runs and exits 0 here (within 20 s)."""
    try:
        return subprocess.run(command, capture_output=True, timeout=20).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def _bwrap_works() -> bool:
    if "bwrap" in config.DISABLED_MODES or shutil.which("bwrap") is None:
        return False
    return _command_works(["bwrap", "--ro-bind", "/", "/", "--unshare-all", "--unshare-user",
                           "--die-with-parent", "true"])


def _namespaces_work() -> bool:
    if "namespaces" in config.DISABLED_MODES or os.geteuid() != 0 \
            or not (shutil.which("unshare") and shutil.which("setpriv")):
        return False
    return _command_works(["unshare", "--mount", "--net", "--pid", "--fork", "--kill-child",
                           "--mount-proc", "true"])


def worker_uid() -> tuple[int, int] | None:
    """The uid/gid a worker runs as when the grader is root (``KIT_WORKER_USER``, default
    ``nobody``): an account that cannot read the graders' files."""
    if os.geteuid() != 0:
        return None
    name = os.environ.get("KIT_WORKER_USER", "nobody")
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        return (65534, 65534) if name == "nobody" else None
    return entry.pw_uid, entry.pw_gid


def _drop_privileges(uid: tuple[int, int]) -> None:
    os.setgroups([])
    os.setgid(uid[1])
    os.setuid(uid[0])


def worker_identity(mode: str) -> tuple[tuple[int, int] | None, str]:
    """Who a ``landlock`` or ``process`` worker runs as, and how the report says it.

    As root, the worker switches to :func:`worker_uid` when Python starts as that user;
    otherwise (Python installed under ``/root``, an unknown ``KIT_WORKER_USER``) it stays
    uid 0 with every capability dropped (:func:`_prepare_child`). Decided once per run.
    """
    if mode not in ("process", "landlock"):
        return None, ""
    if os.geteuid() != 0:
        return None, "; runs as the grader's own user"
    uid = worker_uid()
    if uid is not None and _worker_starts_as(uid):
        return uid, f"; worker uid {uid[0]}"
    return None, ("; runs as root with every capability dropped (no separate uid: "
                  f"{os.environ.get('KIT_WORKER_USER', 'nobody')} cannot start this Python; "
                  "see KIT_WORKER_USER)")


def _worker_starts_as(uid: tuple[int, int] | None) -> bool:
    """Python (and the kit) still start as ``uid`` (e.g. not installed under /root)."""
    if uid is None:
        return False
    try:
        return subprocess.run([sys.executable, "-s", "-E", "-c",
                               f"import sys; sys.path.insert(0, {str(REPO_ROOT)!r}); "
                               "import kit.boundary.worker"],
                              preexec_fn=lambda: _drop_privileges(uid), capture_output=True,
                              timeout=60, cwd="/").returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def _landlock_works() -> bool:
    if "landlock" in config.DISABLED_MODES:
        return False
    try:
        from kit import confine
    except ImportError:
        return False
    try:
        return confine.landlock_abi() > 0
    except OSError:
        return False


def choose_mode(requested: str) -> str:
    """The sandbox in effect for ``requested`` (``auto``: the strongest that works)."""
    checks = {"bwrap": _bwrap_works, "namespaces": _namespaces_work, "landlock": _landlock_works}
    if requested == "auto":
        for mode in ("bwrap", "namespaces", "landlock"):
            if checks[mode]():
                return mode
        return "process"
    if requested in checks and not checks[requested]():
        why = {"bwrap": "bubblewrap is not installed or cannot create namespaces here "
                        "(apt-get install bubblewrap)",
               "namespaces": "needs root, unshare and setpriv, and user namespaces",
               "landlock": "needs Linux >= 5.13 with Landlock enabled"}[requested]
        raise RuntimeError(f"--isolation {requested}: {why}")
    return requested


def level(mode: str) -> int:
    """How strong a mode is: higher is stronger (``process`` is 0)."""
    order = ("process", "landlock", "namespaces", "bwrap")
    return order.index(mode) if mode in order else -1


DESCRIPTIONS = {
    "bwrap": "bwrap (bubblewrap sandbox: separate process, read-only minimal file system without "
             "graders/solutions/outputs, no network, no capabilities, PID namespace, resource limits)",
    "namespaces": "namespaces (unshare: separate process, read-only file system with graders/"
                  "solutions/outputs hidden, no network, capabilities dropped, PID namespace, "
                  "resource limits)",
    "landlock": "landlock (separate process confined by Landlock to the system libraries, Python, "
                "kit/, the submission and its own /proc entries; no network sockets (seccomp); a "
                "private scratch folder; resource limits)",
    "process": "process (separate worker process with resource limits; NO file-system or network "
               "isolation: the student's code can read anything this user can -- install "
               "bubblewrap, or use a kernel with Landlock)",
}

WEAKEST_WARNING = """\
******************************************************************************
* WARNING: grading with NO sandbox (isolation: process).                     *
* Student code can read the hidden tests and use the network on this host.   *
* Install bubblewrap, run on a kernel with Landlock, or refuse this level    *
* with --isolation require=landlock.                                         *
******************************************************************************"""


def _python_paths() -> list[str]:
    """Folders the worker's Python needs (:func:`kit.confine.python_folders`), less any that
    would open too much to it: ``/``, ``/tmp``, ``/usr`` (given on its own), home folders,
    the repository or a folder in it that is not a virtual environment."""
    from kit import confine

    repo = str(REPO_ROOT)
    keep = []
    for p in confine.python_folders():
        if p in ("/", "/tmp", "/usr", "/root", "/home") or p == repo:
            continue
        if p.startswith(repo + os.sep) and not _is_venv_path(p):
            continue
        keep.append(p)
    # drop paths nested inside another kept path
    return [p for p in keep if not any(p != q and p.startswith(q + os.sep) for q in keep)]


def _is_venv_path(path: str) -> bool:
    rel = os.path.relpath(path, REPO_ROOT).split(os.sep)[0]
    return rel.startswith(".venv") or rel.startswith("venv") or rel == ".tox"


def bwrap_prefix(spec: ImplSpec, tmp: str) -> list[str]:
    tmp_bytes = str(config.WORKER_TMP_MB * 1024 * 1024)
    cmd = ["bwrap", "--die-with-parent", "--new-session", "--unshare-all", "--unshare-user",
           "--uid", "65534", "--gid", "65534", "--cap-drop", "ALL",
           "--proc", "/proc", "--dev", "/dev", "--size", tmp_bytes, "--tmpfs", "/dev/shm",
           "--perms", "01777", "--size", tmp_bytes, "--tmpfs", "/tmp",
           "--perms", "0777", "--dir", "/tmp/home"]
    for top in ("usr", "bin", "lib", "lib64", "sbin", "lib32", "libx32"):
        path = f"/{top}"
        if os.path.islink(path):
            cmd += ["--symlink", os.readlink(path), path]
        elif os.path.isdir(path):
            cmd += ["--ro-bind", path, path]
    for name in ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "passwd", "group",
                 "nsswitch.conf", "alternatives", "ssl", "ca-certificates"):
        path = f"/etc/{name}"
        if os.path.exists(path):
            cmd += ["--ro-bind", path, path]
    for path in _python_paths():
        cmd += ["--ro-bind", path, path]
    cmd += ["--ro-bind", str(REPO_ROOT / "kit"), str(REPO_ROOT / "kit")]
    cmd += ["--ro-bind", str(spec.directory), "/submission"]
    for dev in glob.glob("/dev/nvidia*"):
        cmd += ["--dev-bind", dev, dev]
    for extra in ("/usr/local/nvidia", "/usr/local/cuda", "/opt/torch"):
        if os.path.isdir(extra) and not extra.startswith("/usr/"):
            cmd += ["--ro-bind", extra, extra]
    cmd += ["--setenv", "HOME", "/tmp/home", "--setenv", "TMPDIR", "/tmp", "--chdir", "/tmp", "--"]
    return cmd


def namespaces_prefix(spec: ImplSpec, tmp: str, hidden: Sequence[str]) -> list[str]:
    hide = [str(REPO_ROOT / path) for path in layout.hidden_from_worker()] + list(hidden)
    script = "\n".join([
        "set -e",
        "mount --make-rprivate /",
        # a private writable temp folder, then everything read-only
        f"mount -t tmpfs -o size={config.WORKER_TMP_MB}m,mode=1777 tmpfs {tmp}",
        f"mkdir -p {tmp}/submission {tmp}/home",
        f"mount --bind {str(spec.directory)!r} {tmp}/submission",
        f"mount -o remount,bind,ro {tmp}/submission",
        "awk '{print $2}' /proc/self/mounts | sort -u | while read -r m; do",
        f"  case \"$m\" in /proc|/proc/*|/sys|/sys/*|/dev|/dev/*|{tmp}) ;;",
        "  *) mount -o remount,bind,ro \"$m\" 2>/dev/null || true ;; esac",
        "done",
        *[f"[ -e {p!r} ] && mount -t tmpfs -o ro,size=4k tmpfs {p!r} || true" for p in hide],
        f"[ -d /dev/shm ] && mount -t tmpfs -o size={config.WORKER_TMP_MB}m,mode=1777 tmpfs /dev/shm "
        "|| true",
        'exec setpriv --no-new-privs --inh-caps=-all --bounding-set=-all "$@"',
    ])
    return ["unshare", "--mount", "--net", "--pid", "--ipc", "--uts", "--fork", "--kill-child",
            "--mount-proc", "sh", "-c", script, "kit-sandbox"]


def landlock_paths(directory: str, tmp: str) -> tuple[list[str], list[str]]:
    """What a Landlock-confined worker may read (and run) and write."""
    from kit import confine

    return confine.worker_paths(str(REPO_ROOT / "kit"), directory, tmp, python=_python_paths())


def _prepare_child(cgroup: WorkerCgroup | None, memory: bool, uid: tuple[int, int] | None,
                   confine: tuple[list[str], list[str]] | None, drop_capabilities: bool = False) -> None:
    """Runs in the child before exec: its cgroup, resource limits, (Landlock mode) the
    confinement it cannot undo, then its own uid -- or, still root, no capabilities."""
    if cgroup is not None:
        cgroup.join()
    if memory:
        limit = config.WORKER_MEMORY_MB * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (config.WORKER_FILE_SIZE, config.WORKER_FILE_SIZE))
    resource.setrlimit(resource.RLIMIT_NOFILE, (config.WORKER_OPEN_FILES, config.WORKER_OPEN_FILES))
    from kit import confine as confinement

    if confine is not None:
        confinement.apply(*confine, network=False)
    if uid is not None:
        _drop_privileges(uid)
        if cgroup is None:
            # without a pids cgroup, a separate uid at least bounds its processes
            resource.setrlimit(resource.RLIMIT_NPROC, (config.WORKER_PIDS, config.WORKER_PIDS))
    elif drop_capabilities:
        # Still root (landlock, process): no capabilities -- no device files, no other
        # processes' /proc entries, no other users' files -- for it and all it runs. (bwrap
        # and unshare need theirs to build the sandbox, and drop them inside it.)
        confinement.drop_capabilities()


# The worker imports the public ``kit`` package from its own folder (under Landlock the
# repository root itself is not readable), then starts serving.
BOOTSTRAP = ("import sys, importlib.util as u; sys.argv[0] = 'kit-worker'; "
             "s = u.spec_from_file_location('kit', {init!r}, submodule_search_locations=[{kit!r}]); "
             "m = u.module_from_spec(s); sys.modules['kit'] = m; s.loader.exec_module(m); "
             "from kit.boundary.worker import main; main(sys.argv[1:])")


def become_subreaper() -> None:
    """Make this process a child subreaper: a worker's process that leaves its parent (a
    double fork, ``setsid``) is re-parented here rather than to init, so it stays findable
    among this process's children (Linux; nothing elsewhere)."""
    import ctypes

    try:
        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)   # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        pass


def parent_ids() -> dict[int, int]:
    """Every process's parent id, from ``/proc/<pid>/stat`` (kept by the kernel)."""
    parents = {}
    for stat in glob.glob("/proc/[0-9]*/stat"):
        try:
            with open(stat, "rb") as fh:
                parents[int(stat.split("/")[2])] = int(fh.read().rsplit(b")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
    return parents


def children_of(pid: int, parents: dict[int, int] | None = None) -> set[int]:
    """The direct children of ``pid``."""
    parents = parent_ids() if parents is None else parents
    return {child for child, parent in parents.items() if parent == pid}


def process_tree(roots: set[int], parents: dict[int, int] | None = None) -> set[int]:
    """``roots`` and every process below them."""
    parents = parent_ids() if parents is None else parents
    children: dict[int, list[int]] = {}
    for pid, parent in parents.items():
        children.setdefault(parent, []).append(pid)
    found, todo = set(roots), list(roots)
    while todo:
        for child in children.get(todo.pop(), ()):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def with_token(token: str) -> set[int]:
    """The processes whose environment carries the worker's ``token``."""
    needle = f"KIT_WORKER_TOKEN={token}".encode()
    found = set()
    for pid_dir in glob.glob("/proc/[0-9]*"):
        try:
            with open(f"{pid_dir}/environ", "rb") as fh:
                if needle in fh.read():
                    found.add(int(pid_dir.rsplit("/", 1)[1]))
        except (OSError, ValueError):
            continue
    return found


def is_stopped(pid: int) -> bool:
    """True when ``pid`` is stopped by a signal, a zombie, or gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().rsplit(b")", 1)[1].split()[0] in (b"T", b"t", b"Z", b"X")
    except (OSError, IndexError):
        return True


def _sweep(token: str, sig: int = signal.SIGKILL) -> int:
    """Send ``sig`` to every process whose environment carries ``token`` (detached children)."""
    killed = 0
    for pid in with_token(token):
        try:
            os.kill(pid, sig)
            killed += 1
        except OSError:
            continue
    return killed



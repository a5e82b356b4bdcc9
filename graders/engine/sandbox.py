"""Running untrusted student code in an isolated worker process.

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
    (only the system libraries, Python, ``kit/``, the submission and a private temp
    folder are reachable), a seccomp filter (no network sockets), a separate uid when
    the grader runs as root (``KIT_WORKER_USER``, default ``nobody``).
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

import base64
import glob
import io
import itertools
import os
import pwd
import resource
import secrets
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from typing import Any

from kit import layout
from kit.boundary import codec, wire
from kit.boundary.handles import Remote
from kit.boundary.session import Session, rebuild_exception
from kit.loader import REPO_ROOT, ImplementationError, ImplSpec

from . import config
from .cgroups import WorkerCgroup


class WorkerFailure(RuntimeError):
    """The worker died or timed out; ``kit_message`` says what happened, for the report."""

    def __init__(self, message: str):
        super().__init__(message)
        self.kit_message = message


# --------------------------------------------------------------------------- launching


def _bwrap_works() -> bool:
    if "bwrap" in config.DISABLED_MODES or shutil.which("bwrap") is None:
        return False
    try:
        return subprocess.run(["bwrap", "--ro-bind", "/", "/", "--unshare-all", "--unshare-user",
                               "--die-with-parent", "true"], capture_output=True, timeout=20).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def _namespaces_work() -> bool:
    if "namespaces" in config.DISABLED_MODES or os.geteuid() != 0 or not (shutil.which("unshare") and shutil.which("setpriv")):
        return False
    try:
        return subprocess.run(["unshare", "--mount", "--net", "--pid", "--fork", "--kill-child",
                               "--mount-proc", "true"], capture_output=True, timeout=20).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


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
                "kit/ and the submission; no network sockets (seccomp); a separate uid when run as "
                "root; resource limits)",
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
    """Folders the worker's Python needs: the interpreter, the venv, site-packages.

    Only installation folders: never the current folder or other ``sys.path`` entries
    (they could be the output folder, /tmp or the repository itself).
    """
    import site

    paths = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix,
             os.path.dirname(os.path.realpath(sys.executable))}
    candidates = list(site.getsitepackages()) + [p for p in sys.path
                                                 if p.endswith(("site-packages", "dist-packages"))]
    for entry in candidates:
        if entry and os.path.isdir(entry):
            paths.add(os.path.realpath(entry))
    repo = str(REPO_ROOT)
    keep = []
    for p in sorted(paths):
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

    return confine.worker_paths(str(REPO_ROOT / "kit"), directory, tmp)


def _prepare_child(cgroup: WorkerCgroup | None, memory: bool, uid: tuple[int, int] | None,
                   confine: tuple[list[str], list[str]] | None) -> None:
    """Runs in the child before exec: its cgroup, resource limits, its own uid, then
    (Landlock mode) the confinement it cannot undo."""
    if cgroup is not None:
        cgroup.join()
    if memory:
        limit = config.WORKER_MEMORY_MB * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (config.WORKER_FILE_SIZE, config.WORKER_FILE_SIZE))
    resource.setrlimit(resource.RLIMIT_NOFILE, (config.WORKER_OPEN_FILES, config.WORKER_OPEN_FILES))
    if confine is not None:
        from kit import confine as confinement

        confinement.apply(*confine, network=False)
    if uid is not None:
        _drop_privileges(uid)
        if cgroup is None:
            # without a pids cgroup, a separate uid at least bounds its processes
            resource.setrlimit(resource.RLIMIT_NPROC, (config.WORKER_PIDS, config.WORKER_PIDS))


# The worker imports the public ``kit`` package from its own folder (under Landlock the
# repository root itself is not readable), then starts serving.
BOOTSTRAP = ("import sys, importlib.util as u; sys.argv[0] = 'kit-worker'; "
             "s = u.spec_from_file_location('kit', {init!r}, submodule_search_locations=[{kit!r}]); "
             "m = u.module_from_spec(s); sys.modules['kit'] = m; s.loader.exec_module(m); "
             "from kit.boundary.worker import main; main(sys.argv[1:])")


def _sweep(token: str, sig: int = signal.SIGKILL) -> int:
    """Send ``sig`` to every process whose environment carries ``token`` (detached children)."""
    killed = 0
    needle = f"KIT_WORKER_TOKEN={token}".encode()
    for pid_dir in glob.glob("/proc/[0-9]*"):
        try:
            with open(f"{pid_dir}/environ", "rb") as fh:
                if needle in fh.read():
                    os.kill(int(pid_dir.rsplit("/", 1)[1]), sig)
                    killed += 1
        except (OSError, ValueError):
            continue
    return killed


class OutputSink:
    """Reads the worker's stdout/stderr, keeps a bounded tail, counts the rest."""

    def __init__(self, stream):
        self.tail = bytearray()
        self.total = 0
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._run, args=(stream,), daemon=True)
        self.thread.start()

    def _run(self, stream) -> None:
        while True:
            try:
                chunk = stream.read1(1 << 16)
            except (OSError, ValueError):
                return
            if not chunk:
                return
            with self.lock:
                self.total += len(chunk)
                self.tail += chunk
                if len(self.tail) > config.WORKER_OUTPUT_BYTES:
                    del self.tail[:len(self.tail) - config.WORKER_OUTPUT_BYTES]

    def text(self) -> str:
        with self.lock:
            return self.tail.decode("utf-8", "replace")


# --------------------------------------------------------------------------- the session


class WorkerSession(Session):
    """A :class:`kit.boundary.session.Session` whose implementation runs in a sandboxed worker."""

    def __init__(self, spec: ImplSpec, mode: str, *, call_timeout: float = config.CALL_TIMEOUT,
                 hidden: Sequence[str] = ()):
        if spec.kind == "mutant":
            raise ImplementationError("wrong implementations are only run in-process (selfcheck)")
        self.spec = spec
        self.label = spec.label
        self.mode = mode
        self.uid = worker_uid() if mode in ("process", "landlock") else None
        if self.uid is not None and not _worker_starts_as(self.uid):
            self.uid = None
        self.isolation = DESCRIPTIONS[mode] + ("" if self.uid is None else f"; worker uid {self.uid[0]}")
        self.call_timeout = call_timeout
        self.hidden = list(hidden)
        self.proc: subprocess.Popen | None = None
        self.cgroup: WorkerCgroup | None = None
        self.generation = 0
        self.crashed_imports: dict[str, str] = {}
        self.modules: dict[str, Remote] = {}
        self.restarts = 0
        self._cids = itertools.count(1)
        self._token = ""
        self._tmp = ""
        self._awaiting_ready = False
        self.output: OutputSink | None = None

    # -- lifecycle -----------------------------------------------------------------
    def prestart(self) -> None:
        """Start the worker now; its greeting is read at the first request, so the worker's
        start overlaps the collection of the tests. (Started from this thread on purpose:
        bwrap's --die-with-parent follows the thread that started it.)"""
        if self.proc is None:
            self._spawn()

    def _ensure(self) -> None:
        if self.proc is None:
            self._spawn()
        if self._awaiting_ready:
            self._awaiting_ready = False
            try:
                ready = self._receive(time.monotonic() + config.START_TIMEOUT, "starting the worker")
            except WorkerFailure as exc:
                raise WorkerFailure(f"the grading worker could not start ({self.mode}): "
                                    f"{exc.kit_message}\n{self.output.text()[-2000:] if self.output else ''}") \
                    from None
            if ready.get("value") != "ready":
                self._kill()
                raise WorkerFailure("the grading worker sent an unexpected greeting")

    def _spawn(self) -> None:
        import tempfile

        self.generation += 1
        self.modules = {}
        self._token = secrets.token_hex(12)
        self._tmp = tempfile.mkdtemp(prefix="kit-worker-")
        os.makedirs(f"{self._tmp}/home", exist_ok=True)
        if self.uid is not None:
            for path in (self._tmp, f"{self._tmp}/home"):
                os.chown(path, *self.uid)
        req_r, req_w = os.pipe()
        rep_r, rep_w = os.pipe()
        inner = {"bwrap": "/submission", "namespaces": f"{self._tmp}/submission"}.get(
            self.mode, str(self.spec.directory))
        worker_args = [str(req_r), str(rep_w), self.spec.label, inner, self.spec.package]
        # No -E: the environment is built here from scratch (PYTHONHASHSEED=0 must hold, so that
        # a student's set iterates the same way in every run); -s: no user site-packages.
        python = [sys.executable, "-s", "-B", "-c",
                  BOOTSTRAP.format(init=str(REPO_ROOT / "kit" / "__init__.py"), kit=str(REPO_ROOT / "kit"))]
        gpu = bool(glob.glob("/dev/nvidia[0-9]*"))
        env = {
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "LANG": "C.UTF-8",
            "HOME": "/tmp/home" if self.mode == "bwrap" else f"{self._tmp}/home",
            "TMPDIR": "/tmp" if self.mode == "bwrap" else self._tmp,
            "PYTHONHASHSEED": "0",
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONUNBUFFERED": "1",
            "HF_HUB_OFFLINE": "1",
            "TRANSFORMERS_OFFLINE": "1",
            "KIT_WORKER_TOKEN": self._token,
            "OMP_NUM_THREADS": os.environ.get("KIT_TORCH_THREADS", "1"),
        }
        if gpu:
            env["KIT_WORKER_GPU_FRACTION"] = config.WORKER_GPU_FRACTION
        for name in ("TRITON_INTERPRET", "CUDA_VISIBLE_DEVICES", "MKL_NUM_THREADS",
                     "LD_LIBRARY_PATH", "KIT_WORKER_DEBUG"):
            if name in os.environ:
                env[name] = os.environ[name]
        if self.mode == "bwrap":
            command = bwrap_prefix(self.spec, self._tmp) + python + worker_args
        elif self.mode == "namespaces":
            command = namespaces_prefix(self.spec, self._tmp, self.hidden) + python + worker_args
        else:
            command = python + worker_args
        self.cgroup = WorkerCgroup.create(f"kit-{self._token}",
                                          memory_bytes=config.WORKER_MEMORY_MB * 1024 * 1024,
                                          pids=config.WORKER_PIDS)
        confine = landlock_paths(str(self.spec.directory), self._tmp) if self.mode == "landlock" else None
        cgroup, uid = self.cgroup, self.uid
        # With a cgroup, memory is bounded there (tmpfs included); RLIMIT_AS would also break
        # CUDA's large virtual reservations, so it is the fallback only without a GPU.
        memory_rlimit = cgroup is None and not gpu
        try:
            self.proc = subprocess.Popen(
                command, pass_fds=(req_r, rep_w), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT, env=env, start_new_session=True, cwd=self._tmp,
                preexec_fn=lambda: _prepare_child(cgroup, memory_rlimit, uid, confine))
        finally:
            os.close(req_r)
            os.close(rep_w)
        self._wfd, self._rfd = req_w, rep_r
        self.output = OutputSink(self.proc.stdout)
        self._awaiting_ready = True

    def _kill(self) -> None:
        proc, self.proc = self.proc, None
        if proc is not None:
            if self.cgroup is not None:
                self.cgroup.freeze(False)
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            try:
                proc.kill()
            except ProcessLookupError:
                pass
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
            for fd in (getattr(self, "_wfd", -1), getattr(self, "_rfd", -1)):
                try:
                    os.close(fd)
                except OSError:
                    pass
            if proc.stdout is not None:
                try:
                    proc.stdout.close()
                except OSError:
                    pass
        if self.cgroup is not None:
            self.cgroup.destroy()
            self.cgroup = None
        if self._token:
            _sweep(self._token)
        if self._tmp:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = ""

    def close(self) -> None:
        self._kill()

    def freeze(self):
        """Stop every process of the worker (the cgroup freezer, else SIGSTOP by token) while
        the trusted side times a reference; returns the function that resumes them."""
        if self.proc is None:
            return lambda: None
        if self.cgroup is not None and self.cgroup.freeze(True):
            cgroup = self.cgroup
            return lambda: cgroup.freeze(False)
        token = self._token
        _sweep(token, signal.SIGSTOP)
        return lambda: _sweep(token, signal.SIGCONT)

    # -- wire ----------------------------------------------------------------------
    def _fail(self, message: str) -> WorkerFailure:
        self._kill()
        self.restarts += 1
        return WorkerFailure(message)

    def _receive(self, deadline: float, doing: str) -> dict:
        try:
            body = wire.receive(self._rfd, limit=wire.MAX_MESSAGE, deadline=deadline)
            tree, buffers = codec.loads(body)
            value = codec.decode(tree, buffers, self._remote)
            if type(value) is not dict:
                raise codec.CodecError("reply is not a dict")
            return value
        except wire.Timeout:
            raise self._fail(
                f"timed out after {self.call_timeout:g} s while {doing} (an infinite loop, or far "
                "too slow?); the worker was stopped and a fresh one serves the next test") from None
        except wire.Closed:
            code = self._exit_code()
            raise self._fail(f"the process running your code ended while {doing} "
                             f"({_describe_exit(code)}); a fresh one serves the next test") from None
        except codec.CodecError as exc:
            raise self._fail(f"the worker sent a malformed reply while {doing}: {exc}") from None
        except BaseException:
            # interrupted (pytest-timeout, Ctrl-C): the worker may be mid-call; never reuse it
            self._kill()
            self.restarts += 1
            raise

    def _exit_code(self) -> int | None:
        if self.proc is None:
            return None
        try:
            return self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            return None

    def _exchange(self, payload: dict, doing: str, timeout: float | None = None) -> dict:
        __tracebackhide__ = True
        self._ensure()
        callbacks: dict[int, Any] = {}

        def object_node(obj: Any) -> list:
            if isinstance(obj, Remote):
                return ["ref", self._hid(obj)]
            import torch

            if isinstance(obj, torch.nn.Module):
                buf = io.BytesIO()
                torch.save(obj, buf)
                return ["module", base64.b64encode(buf.getvalue()).decode()]
            if callable(obj):
                cid = next(self._cids)
                callbacks[cid] = obj
                return ["callback", cid]
            raise TypeError(f"a {type(obj).__name__} cannot be passed to the implementation")

        tree, buffers = codec.encode(payload, object_node)
        try:
            wire.send(self._wfd, codec.dumps(tree, buffers))
        except (BrokenPipeError, OSError):
            code = self._exit_code()
            self._kill()
            raise WorkerFailure(f"the process running your code had ended ({_describe_exit(code)})") \
                from None
        deadline = time.monotonic() + (timeout or self.call_timeout)
        while True:
            reply = self._receive(deadline, doing)
            if reply.get("op") == "callback":
                self._answer_callback(reply, callbacks)
                continue
            if reply.get("ok") is True:
                return reply
            raise rebuild_exception(reply)

    def _answer_callback(self, reply: dict, callbacks: dict) -> None:
        fn = callbacks.get(reply.get("id"))
        try:
            if fn is None:
                raise RuntimeError("unknown callback")
            args, kwargs = reply.get("args", []), reply.get("kwargs", {})
            if type(args) is not list or type(kwargs) is not dict:
                raise RuntimeError("malformed callback")
            value = fn(*args, **kwargs)
            tree, buffers = codec.encode({"ok": True, "value": value}, None)
        except Exception as exc:  # noqa: BLE001 - reported to the worker as a failed callback
            tree, buffers = codec.encode({"ok": False, "message": f"{type(exc).__name__}: {exc}"}, None)
        wire.send(self._wfd, codec.dumps(tree, buffers))

    def _remote(self, node: list) -> Remote:
        _, hid, type_name, mro, text = node
        if type(hid) is not int:
            raise codec.CodecError("bad handle id")
        return Remote(self, ["handle", (self.generation, hid), type_name,
                             mro if type(mro) is list else [], text])

    def release(self, hid: Any) -> None:
        # Handles are released with their worker; objects are small and workers short-lived.
        pass

    # -- operations that need more than the base class -----------------------------
    def import_module(self, exercise: str) -> Remote:
        if exercise in self.crashed_imports:
            raise ImplementationError(self.crashed_imports[exercise])
        cached = self.modules.get(exercise)
        if cached is not None and cached._kit_id[0] == self.generation and self.proc is not None:
            return cached
        try:
            module = self._exchange({"op": "import", "exercise": exercise}, f"importing {exercise}.py",
                                    timeout=max(self.call_timeout, config.IMPORT_TIMEOUT))["value"]
        except WorkerFailure as exc:
            message = f"importing {exercise}.py failed: {exc.kit_message}"
            self.crashed_imports[exercise] = message
            raise ImplementationError(message) from None
        if not isinstance(module, Remote):
            raise ImplementationError(f"importing {exercise}.py did not give a module")
        self.modules[exercise] = module
        return module

    def is_live(self, handle: Remote) -> bool:
        return handle._kit_id[0] == self.generation and (self.proc is not None or self._awaiting_ready)

    def _hid(self, handle: Remote) -> int:
        if handle._kit_session is not self:
            raise TypeError("a handle from another implementation was used")
        gen, hid = handle._kit_id
        if gen != self.generation or self.proc is None:
            raise WorkerFailure("this object lived in a worker that was restarted after an earlier "
                                "failure (timeout or crash); it is gone")
        return hid


def _describe_exit(code: int | None) -> str:
    if code is None:
        return "it did not say why"
    if code > 128 and code - 128 < 65:  # bwrap/sh report a child killed by signal N as 128+N
        code = 128 - code
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        hint = {"SIGSEGV": " -- a segmentation fault", "SIGKILL": " -- killed, often for using too "
                "much memory"}.get(name, "")
        return f"killed by {name}{hint}"
    return f"exit code {code} -- did your code call sys.exit() or os._exit()?"


# --------------------------------------------------------------------------- factory


def session_factory(requested: str, *, call_timeout: float = config.CALL_TIMEOUT,
                    hidden: Sequence[str] = ()):
    """``(factory, description, mode)`` for the strongest available mode (or the one asked for)."""
    mode = choose_mode(requested)

    def factory(spec: ImplSpec) -> WorkerSession:
        session = WorkerSession(spec, mode, call_timeout=call_timeout, hidden=hidden)
        session.prestart()
        return session

    return factory, DESCRIPTIONS[mode], mode

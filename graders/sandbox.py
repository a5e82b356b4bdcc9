"""Running untrusted student code in an isolated worker process.

The grading process (trusted) imports no student code. It starts a worker
(:mod:`kit.worker`) in a sandbox and talks to it over two pipes; every value
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
``process``
    a plain child process with resource limits: values still cross only as plain
    data, but the file system and the network are not isolated (said so in every
    report).

Every mode: limits on address space (memory), file size, core dumps and open
files; a time limit per call (a call that hangs or ignores signals is killed with
SIGKILL, that test fails, and a fresh worker serves the next test); bounded
captured output; no leftover processes (a PID namespace dies with its first
process; in ``process`` mode a sweep kills everything carrying the worker's token).
"""

from __future__ import annotations

import base64
import builtins
import glob
import io
import itertools
import os
import resource
import secrets
import select
import shutil
import signal
import subprocess
import sys
import threading
import time
import weakref
from pathlib import Path
from typing import Any, Sequence

from kit import codec
from kit.loader import REPO_ROOT, ImplementationError, ImplSpec
from kit.remote import Remote, Session

MEMORY_LIMIT_MB = int(os.environ.get("KIT_WORKER_MEMORY_MB", "6144"))
FILE_SIZE_LIMIT = 256 * 1024 * 1024
OUTPUT_LIMIT = 64 * 1024  # captured output kept per worker (the rest is counted and dropped)
START_TIMEOUT = 120.0
IMPORT_TIMEOUT = 60.0  # importing a module (PyTorch, the pretrained model) may take a while
MAX_REPLY = 3 * 1024**3

_REBUILT = {name: getattr(builtins, name) for name in (
    "ValueError", "TypeError", "KeyError", "IndexError", "AttributeError", "NotImplementedError",
    "RuntimeError", "ZeroDivisionError", "OverflowError", "MemoryError", "RecursionError",
    "ImportError", "ModuleNotFoundError", "NameError", "LookupError", "ArithmeticError",
    "FileNotFoundError", "PermissionError", "OSError", "UnicodeError", "StopIteration",
    "SyntaxError", "IndentationError",
)}


class WorkerFailure(RuntimeError):
    """The worker died or timed out; ``kit_message`` says what happened, for the report."""

    def __init__(self, message: str):
        super().__init__(message)
        self.kit_message = message


# --------------------------------------------------------------------------- launching


def _bwrap_works() -> bool:
    if shutil.which("bwrap") is None:
        return False
    try:
        return subprocess.run(["bwrap", "--ro-bind", "/", "/", "--unshare-all", "--unshare-user",
                               "--die-with-parent", "true"], capture_output=True, timeout=20).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def _namespaces_work() -> bool:
    if os.geteuid() != 0 or not (shutil.which("unshare") and shutil.which("setpriv")):
        return False
    try:
        return subprocess.run(["unshare", "--mount", "--net", "--pid", "--fork", "--kill-child",
                               "--mount-proc", "true"], capture_output=True, timeout=20).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def _drop_to_nobody() -> None:
    os.setgroups([])
    os.setgid(65534)
    os.setuid(65534)


def _can_drop_privileges() -> bool:
    """Root, and Python still starts as ``nobody`` (e.g. not installed under /root)."""
    if os.geteuid() != 0:
        return False
    try:
        return subprocess.run([sys.executable, "-s", "-E", "-c",
                               f"import sys; sys.path.insert(0, {str(REPO_ROOT)!r}); import kit.worker"],
                              preexec_fn=_drop_to_nobody, capture_output=True, timeout=60,
                              cwd="/").returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def choose_mode(requested: str) -> str:
    if requested == "auto":
        if _bwrap_works():
            return "bwrap"
        if _namespaces_work():
            return "namespaces"
        return "process-nobody" if _can_drop_privileges() else "process"
    if requested == "bwrap" and not _bwrap_works():
        raise RuntimeError("--kit-isolation bwrap: bubblewrap is not installed or cannot create "
                           "namespaces here (apt-get install bubblewrap)")
    if requested == "namespaces" and not _namespaces_work():
        raise RuntimeError("--kit-isolation namespaces: needs root, unshare and setpriv")
    if requested == "process" and _can_drop_privileges():
        return "process-nobody"
    return requested


DESCRIPTIONS = {
    "bwrap": "bwrap (bubblewrap sandbox: separate process, read-only minimal file system without "
             "graders/solutions/outputs, no network, no capabilities, PID namespace, resource limits)",
    "namespaces": "namespaces (unshare: separate process, read-only file system with graders/"
                  "solutions/outputs hidden, no network, capabilities dropped, PID namespace, "
                  "resource limits)",
    "process": "process (separate worker process with resource limits; NO file-system or network "
               "isolation: install bubblewrap for a sandbox)",
    "process-nobody": "process (separate worker process running as nobody, with resource limits; "
                      "files only the grader's user can read stay hidden; NO network isolation: "
                      "install bubblewrap for a sandbox)",
}


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
    cmd = ["bwrap", "--die-with-parent", "--new-session", "--unshare-all", "--unshare-user",
           "--uid", "65534", "--gid", "65534", "--cap-drop", "ALL",
           "--proc", "/proc", "--dev", "/dev", "--perms", "01777", "--tmpfs", "/tmp",
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
    hide = [str(REPO_ROOT / "graders"), str(REPO_ROOT / ".git"), str(REPO_ROOT / "docs"), *hidden]
    if spec.directory != REPO_ROOT / "solutions":
        hide.append(str(REPO_ROOT / "solutions"))
    script = "\n".join([
        "set -e",
        "mount --make-rprivate /",
        # a private writable temp folder, then everything read-only
        f"mount -t tmpfs -o size=1g,mode=1777 tmpfs {tmp}",
        f"mkdir -p {tmp}/submission {tmp}/home",
        f"mount --bind {str(spec.directory)!r} {tmp}/submission",
        f"mount -o remount,bind,ro {tmp}/submission",
        "awk '{print $2}' /proc/self/mounts | sort -u | while read -r m; do",
        f"  case \"$m\" in /proc|/proc/*|/sys|/sys/*|/dev|/dev/*|{tmp}) ;;",
        "  *) mount -o remount,bind,ro \"$m\" 2>/dev/null || true ;; esac",
        "done",
        *[f"[ -e {p!r} ] && mount -t tmpfs -o ro,size=4k tmpfs {p!r} || true" for p in hide],
        'exec setpriv --no-new-privs --inh-caps=-all --bounding-set=-all "$@"',
    ])
    return ["unshare", "--mount", "--net", "--pid", "--ipc", "--uts", "--fork", "--kill-child",
            "--mount-proc", "sh", "-c", script, "kit-sandbox"]


def _limits(memory: bool, drop: bool = False) -> None:
    """Runs in the child before exec: resource limits for the worker and its children."""
    if memory:
        limit = MEMORY_LIMIT_MB * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_SIZE_LIMIT, FILE_SIZE_LIMIT))
    resource.setrlimit(resource.RLIMIT_NOFILE, (1024, 1024))
    if drop:
        _drop_to_nobody()


BOOTSTRAP = ("import sys; sys.path.insert(0, {root!r}); sys.argv[0] = 'kit-worker'; "
             "from kit.worker import main; main(sys.argv[1:])")


def _sweep(token: str) -> int:
    """Kill every process whose environment carries ``token`` (detached children)."""
    killed = 0
    needle = f"KIT_WORKER_TOKEN={token}".encode()
    for pid_dir in glob.glob("/proc/[0-9]*"):
        try:
            with open(f"{pid_dir}/environ", "rb") as fh:
                if needle in fh.read():
                    os.kill(int(pid_dir.rsplit("/", 1)[1]), signal.SIGKILL)
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
                if len(self.tail) > OUTPUT_LIMIT:
                    del self.tail[:len(self.tail) - OUTPUT_LIMIT]

    def text(self) -> str:
        with self.lock:
            return self.tail.decode("utf-8", "replace")


# --------------------------------------------------------------------------- the session


class WorkerSession(Session):
    """A :class:`kit.remote.Session` whose implementation runs in a sandboxed worker."""

    def __init__(self, spec: ImplSpec, mode: str, *, call_timeout: float = 60.0,
                 hidden: Sequence[str] = ()):
        if spec.kind == "mutant":
            raise ImplementationError("wrong implementations are only run in-process (selfcheck)")
        self.spec = spec
        self.label = spec.label
        self.mode = "process" if mode == "process-nobody" else mode
        self.drop_privileges = mode == "process-nobody"
        self.isolation = DESCRIPTIONS[mode]
        self.call_timeout = call_timeout
        self.hidden = list(hidden)
        self.proc: subprocess.Popen | None = None
        self.generation = 0
        self.crashed_imports: dict[str, str] = {}
        self.modules: dict[str, Remote] = {}
        self.restarts = 0
        self._callbacks: dict[int, Any] = {}
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
                ready = self._receive(time.monotonic() + START_TIMEOUT, "starting the worker")
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
        if self.drop_privileges:
            for path in (self._tmp, f"{self._tmp}/home"):
                os.chown(path, 65534, 65534)
        req_r, req_w = os.pipe()
        rep_r, rep_w = os.pipe()
        inner = {"bwrap": "/submission", "namespaces": f"{self._tmp}/submission"}.get(
            self.mode, str(self.spec.directory))
        worker_args = [str(req_r), str(rep_w), self.spec.label, inner, self.spec.package]
        python = [sys.executable, "-s", "-E", "-B", "-c", BOOTSTRAP.format(root=str(REPO_ROOT))]
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
        gpu = bool(glob.glob("/dev/nvidia[0-9]*"))
        try:
            self.proc = subprocess.Popen(
                command, pass_fds=(req_r, rep_w), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT, env=env, start_new_session=True, cwd=self._tmp,
                preexec_fn=lambda: _limits(memory=not gpu, drop=self.drop_privileges))
        finally:
            os.close(req_r)
            os.close(rep_w)
        self._wfd, self._rfd = req_w, rep_r
        self.output = OutputSink(self.proc.stdout)
        self._awaiting_ready = True

    def _kill(self) -> None:
        proc, self.proc = self.proc, None
        if proc is not None:
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
        if self._token:
            _sweep(self._token)
        if self._tmp:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = ""

    def close(self) -> None:
        self._kill()

    # -- wire ----------------------------------------------------------------------
    def _read_exact(self, n: int, deadline: float, doing: str) -> bytes:
        chunks, got = [], 0
        while got < n:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            ready, _, _ = select.select([self._rfd], [], [], min(remaining, 1.0))
            if not ready:
                continue
            chunk = os.read(self._rfd, min(n - got, 1 << 20))
            if not chunk:
                raise EOFError
            chunks.append(chunk)
            got += len(chunk)
        return b"".join(chunks)

    def _receive(self, deadline: float, doing: str) -> dict:
        try:
            head = self._read_exact(8, deadline, doing)
            size = int.from_bytes(head, "little")
            if size > MAX_REPLY:
                raise codec.CodecError("reply too large")
            body = self._read_exact(size, deadline, doing)
            tree, buffers = codec.loads(body)
            value = codec.decode(tree, buffers, self._remote)
            if type(value) is not dict:
                raise codec.CodecError("reply is not a dict")
            return value
        except TimeoutError:
            self._kill()
            self.restarts += 1
            raise WorkerFailure(
                f"timed out after {self.call_timeout:g} s while {doing} (an infinite loop, or far "
                "too slow?); the worker was stopped and a fresh one serves the next test") from None
        except EOFError:
            code = self._exit_code()
            self._kill()
            self.restarts += 1
            raise WorkerFailure(f"the process running your code ended while {doing} "
                                f"({_describe_exit(code)}); a fresh one serves the next test") from None
        except codec.CodecError as exc:
            self._kill()
            self.restarts += 1
            raise WorkerFailure(f"the worker sent a malformed reply while {doing}: {exc}") from None
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

    def _request(self, payload: dict, doing: str, timeout: float | None = None) -> Any:
        self._ensure()
        callbacks: dict[int, Any] = {}
        sent_args: dict = {}

        def arg_handle(obj: Any) -> list:
            if isinstance(obj, Remote):
                if obj._kit_session is not self:
                    raise TypeError("an object of another implementation was passed")
                gen, hid = obj._kit_id
                if gen != self.generation:
                    raise WorkerFailure("this object lived in a worker that was restarted after an "
                                        "earlier failure; it is gone")
                return ["ref", hid]
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

        tree, buffers = codec.encode(payload, arg_handle)
        message = codec.dumps(tree, buffers)
        try:
            _write_all(self._wfd, len(message).to_bytes(8, "little") + message)
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
                for key, kind, value in reply.get("writeback", []):
                    original = payload["args"][key] if isinstance(key, int) else payload["kwargs"][key]
                    _apply_writeback(original, kind, value)
                return reply.get("value")
            raise _rebuild_exception(reply)

    def _answer_callback(self, reply: dict, callbacks: dict) -> None:
        fn = callbacks.get(reply.get("id"))
        try:
            if fn is None:
                raise RuntimeError("unknown callback")
            value = fn(*reply.get("args", []), **reply.get("kwargs", {}))
            tree, buffers = codec.encode({"ok": True, "value": value}, None)
        except Exception as exc:  # noqa: BLE001 - reported to the worker as a failed callback
            tree, buffers = codec.encode({"ok": False, "message": f"{type(exc).__name__}: {exc}"}, None)
        message = codec.dumps(tree, buffers)
        _write_all(self._wfd, len(message).to_bytes(8, "little") + message)

    def _remote(self, node: list) -> Remote:
        _, hid, type_name, mro, text = node
        if type(hid) is not int:
            raise codec.CodecError("bad handle id")
        handle = Remote(self, ["handle", (self.generation, hid), type_name,
                               mro if type(mro) is list else [], text])
        return handle

    def release(self, hid: Any) -> None:
        # Handles are released with their worker; objects are small and workers short-lived.
        pass

    # -- operations ----------------------------------------------------------------
    def import_module(self, exercise: str) -> Remote:
        if exercise in self.crashed_imports:
            raise ImplementationError(self.crashed_imports[exercise])
        cached = self.modules.get(exercise)
        if cached is not None and cached._kit_id[0] == self.generation and self.proc is not None:
            return cached
        try:
            module = self._request({"op": "import", "exercise": exercise}, f"importing {exercise}.py",
                                   timeout=max(self.call_timeout, IMPORT_TIMEOUT))
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

    def getattr(self, handle: Remote, name: str) -> Any:
        __tracebackhide__ = True
        return self._request({"op": "getattr", "hid": self._hid(handle), "name": name},
                             f"reading {handle._kit_type}.{name}")

    def call(self, handle: Remote, method: str | None, args: Sequence, kwargs: dict) -> Any:
        __tracebackhide__ = True
        what = handle._kit_repr if handle._kit_type == "function" else handle._kit_type
        doing = f"calling {_callable_name(handle, method)}"
        del what
        return self._request({"op": "call", "hid": self._hid(handle), "method": method,
                              "args": list(args), "kwargs": dict(kwargs)}, doing)

    def iterate(self, handle: Remote) -> list:
        return self._request({"op": "iterate", "hid": self._hid(handle)},
                             f"iterating a {handle._kit_type}")

    def call_with_grad(self, handle: Remote, method: str | None, args: Sequence, kwargs: dict,
                       wrt: Sequence[int | str]) -> tuple[Any, list]:
        out = self._request({"op": "grad", "hid": self._hid(handle), "args": list(args),
                             "kwargs": dict(kwargs), "wrt": list(wrt)},
                            f"calling {_callable_name(handle, method)} (with gradients)")
        return out[0], out[1]

    def time_call(self, handle: Remote, args: Sequence, kwargs: dict, *, warmup: int,
                  repeats: int, keep: int | None = None) -> tuple[float, Any]:
        out = self._request({"op": "time", "hid": self._hid(handle), "args": list(args),
                             "kwargs": dict(kwargs), "warmup": warmup, "repeats": repeats,
                             "keep": keep},
                            f"timing {_callable_name(handle, None)}")
        return float(out[0]), out[1]

    def kit_call(self, name: str, args: Sequence, kwargs: dict) -> Any:
        return self._request({"op": "kit_call", "name": name, "args": list(args), "kwargs": dict(kwargs)},
                             f"running {name}")

    def count_ops(self, handle: Remote, args: Sequence, kwargs: dict) -> dict[str, int]:
        return self._request({"op": "count", "hid": self._hid(handle), "args": list(args),
                              "kwargs": dict(kwargs)}, f"calling {_callable_name(handle, None)}")


def _callable_name(handle: Remote, method: str | None) -> str:
    text = handle._kit_repr
    name = text.split()[1] if text.startswith("<function ") and len(text.split()) > 1 else handle._kit_type
    return f"{name}.{method}" if method else name


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        view = view[n:]


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


def _rebuild_exception(reply: dict) -> BaseException:
    name = str(reply.get("error", "Exception"))
    builtin = str(reply.get("builtin", "Exception"))
    message = str(reply.get("message", ""))
    if builtin == "SystemExit":
        exc: BaseException = RuntimeError(f"your code called sys.exit({message})")
    else:
        cls = _REBUILT.get(builtin, RuntimeError)
        text = message if (name == builtin and builtin in _REBUILT) else f"{name}: {message}"
        if builtin == "AssertionError":
            text = f"AssertionError in your code: {message}"
        exc = cls(text)
    exc.kit_remote_traceback = str(reply.get("traceback", ""))  # type: ignore[attr-defined]
    return exc


def _apply_writeback(original: Any, kind: str, value: Any) -> None:
    """Copy a mutation the student's code made to an argument back onto the original."""
    import numpy as np
    import torch

    try:
        if kind == "module" and isinstance(original, torch.nn.Module) and isinstance(value, dict):
            original.load_state_dict(value)
        elif isinstance(original, torch.Tensor) and isinstance(value, torch.Tensor):
            with torch.no_grad():
                if original.shape == value.shape and original.dtype == value.dtype:
                    original.copy_(value.to(original.device))
        elif isinstance(original, np.ndarray) and isinstance(value, np.ndarray):
            if original.shape == value.shape:
                original[...] = value
        elif isinstance(original, list) and isinstance(value, list):
            original[:] = value
        elif isinstance(original, dict) and isinstance(value, dict):
            original.clear()
            original.update(value)
        elif isinstance(original, torch.Generator) and isinstance(value, torch.Generator):
            original.set_state(value.get_state())
    except (RuntimeError, ValueError, TypeError):
        pass


# --------------------------------------------------------------------------- factory


def session_factory(requested: str, *, call_timeout: float = 60.0, hidden: Sequence[str] = ()):
    """``(factory, description)`` for the strongest available mode (or the one asked for)."""
    mode = choose_mode(requested)
    sessions: list = []

    def factory(spec: ImplSpec) -> WorkerSession:
        session = WorkerSession(spec, mode, call_timeout=call_timeout, hidden=hidden)
        session.prestart()
        sessions.append(weakref.ref(session))
        return session

    return factory, DESCRIPTIONS[mode]

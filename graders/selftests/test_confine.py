"""kit.confine: what a worker can no longer do after confining itself (Landlock, seccomp).

Every check runs in a fresh Python child (confinement is one-way and inherited), which
applies the rules, tries each action and prints one JSON object of outcomes:
``"ok"`` or the exception's class name.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import textwrap

import pytest

from kit import confine
from kit.loader import REPO_ROOT

ABI = confine.landlock_abi()
SECCOMP = sys.platform.startswith("linux") and platform.machine() in ("x86_64", "aarch64")
HERE = f"{platform.system()} {platform.release()} on {platform.machine()}"
NEEDS_LANDLOCK = pytest.mark.skipif(
    ABI == 0, reason=f"no Landlock here ({HERE}): needs Linux 5.13+ with Landlock enabled, "
                     "on x86_64 or aarch64")
NEEDS_SECCOMP_ARCH = pytest.mark.skipif(
    not SECCOMP, reason=f"the seccomp filter knows Linux x86_64 and aarch64 system calls ({HERE})")
NEEDS_EITHER = pytest.mark.skipif(ABI == 0 and not SECCOMP,
                                  reason=f"neither Landlock nor the seccomp filter works here ({HERE})")

# Runs in the child: CONFIG is a JSON object {"how": ..., "paths": ..., ...}.
CHILD = textwrap.dedent("""
    import json, os, socket, subprocess, sys, threading
    sys.path.insert(0, {root!r})
    from kit import confine
    config = json.loads(sys.argv[1])
    p = config["paths"]
    result = {{}}

    def attempt(name, action):
        try:
            action()
            result[name] = "ok"
        except Exception as exc:
            result[name] = type(exc).__name__

    def read(path):
        with open(path) as fh:
            fh.read()

    def write(path):
        with open(path, "w") as fh:
            fh.write("x")

    def run(command):
        code = subprocess.run(command, capture_output=True).returncode
        if code:
            raise ChildProcessError(code)

    def connect():
        with socket.create_connection(("127.0.0.1", config["port"]), timeout=5):
            pass

    if config["how"] == "threads":
        threading.Thread(target=threading.Event().wait, args=(5,), daemon=True).start()
    if config["how"] in ("apply", "threads"):
        attempt("apply", lambda: result.setdefault("applied", confine.apply(p["ro"], p["rw"])))
    elif config["how"] == "filesystem":
        result["abi"] = confine.restrict_filesystem(p["ro"], p["rw"])
    elif config["how"] == "network":
        confine.forbid_network()

    attempt("read_outside", lambda: read(p["secret"]))
    attempt("list_outside", lambda: os.listdir(os.path.dirname(p["secret"])))
    attempt("read_inside", lambda: read(p["public"]))
    attempt("write_read_only", lambda: write(p["public"]))
    attempt("create_in_read_only", lambda: write(p["public"] + ".new"))
    attempt("write_read_write", lambda: write(os.path.join(p["scratch"], "out.txt")))
    attempt("remove_in_read_write", lambda: os.remove(os.path.join(p["scratch"], "out.txt")))
    attempt("exec_read_only", lambda: run([p["true"]]))
    attempt("exec_outside", lambda: run([p["true_outside"]]))
    attempt("child_reads_outside", lambda: run([sys.executable, "-S", "-c",
                                                f"open({{p['secret']!r}}).read()"]))
    attempt("child_opens_inet", lambda: run([sys.executable, "-S", "-c",
                                             "import socket; socket.socket()"]))
    attempt("inet", lambda: socket.socket(socket.AF_INET, socket.SOCK_STREAM).close())
    attempt("inet_udp", lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM).close())
    attempt("inet6", lambda: socket.socket(socket.AF_INET6, socket.SOCK_STREAM).close())
    attempt("netlink", lambda: socket.socket(socket.AF_NETLINK, socket.SOCK_RAW).close())
    attempt("unix", lambda: socket.socket(socket.AF_UNIX, socket.SOCK_STREAM).close())
    attempt("socketpair", lambda: [s.close() for s in socket.socketpair()])
    attempt("tcp_connect", connect)
    attempt("signal_parent", lambda: os.kill(os.getppid(), 0))
    print(json.dumps(result))
""").format(root=str(REPO_ROOT))


@pytest.fixture(scope="module")
def layout(tmp_path_factory):
    """A read-only folder, a read-write folder, and a secret outside both."""
    base = tmp_path_factory.mktemp("confine")
    public, scratch, hidden = base / "public", base / "scratch", base / "hidden"
    for folder in (public, scratch, hidden):
        folder.mkdir()
    (public / "exercise.py").write_text("visible")
    (hidden / "answers.py").write_text("secret")
    true = shutil.which("true")
    shutil.copy(true, hidden / "true")
    read_only, read_write = confine.worker_paths(str(REPO_ROOT / "kit"), str(public), str(scratch))
    return {"ro": read_only, "rw": read_write, "secret": str(hidden / "answers.py"),
            "public": str(public / "exercise.py"), "scratch": str(scratch), "true": true,
            "true_outside": str(hidden / "true")}


@pytest.fixture(scope="module")
def listener():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    yield server.getsockname()[1]
    server.close()


def confined(how: str, layout: dict, port: int) -> dict:
    proc = subprocess.run([sys.executable, "-s", "-c", CHILD,
                           json.dumps({"how": how, "paths": layout, "port": port})],
                          capture_output=True, text=True, timeout=60, cwd=layout["scratch"])
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.splitlines()[-1])


@pytest.fixture(scope="module")
def applied(layout, listener):
    if ABI == 0 and not SECCOMP:
        pytest.skip(f"neither Landlock nor the seccomp filter works here ({HERE})")
    return confined("apply", layout, listener)


@NEEDS_EITHER
def test_the_baseline_can_do_everything(layout, listener):
    """Without confinement every attempt succeeds, so each failure below is the confinement's."""
    outcome = confined("none", layout, listener)
    assert set(outcome.values()) == {"ok"}, outcome


def test_apply_says_what_it_applied(applied):
    expected = ([f"landlock abi {ABI}"] if ABI else []) + ["seccomp: no network sockets"]
    assert applied["applied"] == expected


@NEEDS_LANDLOCK
@pytest.mark.parametrize("action", ["read_outside", "list_outside", "write_read_only",
                                    "create_in_read_only", "exec_outside"])
def test_files_outside_the_allow_list_are_out_of_reach(applied, action):
    assert applied[action] == "PermissionError"


@NEEDS_LANDLOCK
@pytest.mark.parametrize("action", ["read_inside", "write_read_write", "remove_in_read_write",
                                    "exec_read_only"])
def test_the_allowed_paths_still_work(applied, action):
    assert applied[action] == "ok"


@NEEDS_LANDLOCK
def test_a_child_process_inherits_the_file_rules(applied):
    assert applied["child_reads_outside"] == "ChildProcessError"


@NEEDS_SECCOMP_ARCH
@pytest.mark.parametrize("family", ["inet", "inet_udp", "inet6", "netlink", "tcp_connect",
                                    "child_opens_inet"])
def test_network_sockets_are_refused(applied, family):
    expected = "ChildProcessError" if family.startswith("child") else "PermissionError"
    assert applied[family] == expected


@pytest.mark.parametrize("family", ["unix", "socketpair"])
def test_unix_sockets_still_work(applied, family):
    assert applied[family] == "ok"


@pytest.mark.skipif(ABI < 6, reason=f"signal scoping needs Landlock ABI 6 (this kernel: {ABI})")
def test_no_signals_to_processes_outside(applied):
    assert applied["signal_parent"] == "PermissionError"


@pytest.mark.skipif(ABI < 4, reason=f"TCP rules need Landlock ABI 4 (this kernel: {ABI})")
def test_landlock_alone_forbids_tcp_but_not_sockets(layout, listener):
    outcome = confined("filesystem", layout, listener)
    assert outcome["abi"] == ABI
    assert outcome["inet"] == "ok" and outcome["tcp_connect"] == "PermissionError"
    assert outcome["read_outside"] == "PermissionError"


@NEEDS_SECCOMP_ARCH
def test_seccomp_alone_leaves_files_alone(layout, listener):
    outcome = confined("network", layout, listener)
    assert outcome["inet"] == outcome["tcp_connect"] == "PermissionError"
    assert outcome["unix"] == outcome["read_outside"] == outcome["write_read_only"] == "ok"


@NEEDS_EITHER
def test_a_threaded_process_is_refused_not_half_confined(layout, listener):
    outcome = confined("threads", layout, listener)
    assert outcome["apply"] == "RuntimeError"
    assert outcome["read_outside"] == "ok"  # nothing was applied


def test_without_landlock_restrict_filesystem_raises_oserror(monkeypatch):
    monkeypatch.setattr(confine, "landlock_abi", lambda: 0)
    with pytest.raises(OSError, match="Landlock is not available"):
        confine.restrict_filesystem(["/usr"], [])


@pytest.mark.slow
@NEEDS_LANDLOCK
def test_the_worker_stack_imports_under_the_allow_list(layout):
    """Python, PyTorch, NumPy, scikit-learn and kit.boundary.worker start with only worker_paths()
    allowed: confinement applied in preexec_fn, then exec of the venv's Python."""
    kit_dir = str(REPO_ROOT / "kit")
    bootstrap = ("import importlib.util, sys; "
                 f"s = importlib.util.spec_from_file_location('kit', {kit_dir + '/__init__.py'!r}, "
                 f"submodule_search_locations=[{kit_dir!r}]); "
                 "m = importlib.util.module_from_spec(s); sys.modules['kit'] = m; "
                 "s.loader.exec_module(m); import kit.boundary.worker; "
                 "import torch, numpy, sklearn.linear_model; print(torch.ones(3).sum().item())")
    env = {"PATH": "/usr/bin:/bin", "HOME": layout["scratch"], "TMPDIR": layout["scratch"],
           "LANG": "C.UTF-8", **confine.WORKER_ENV}
    proc = subprocess.run([sys.executable, "-s", "-E", "-B", "-c", bootstrap], env=env,
                          cwd=layout["scratch"], capture_output=True, text=True, timeout=120,
                          preexec_fn=lambda: confine.apply(layout["ro"], layout["rw"]))
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.strip() == "3.0"
    assert "Permission denied" not in proc.stderr, proc.stderr[-3000:]


@pytest.mark.skipif(os.geteuid() != 0 or not sys.platform.startswith("linux"),
                    reason="dropping capabilities is what a worker that stays root does")
def test_a_root_worker_without_capabilities_reads_no_other_process(tmp_path):
    """As the engine runs a landlock worker that stays uid 0: the grader undumpable, the
    worker without capabilities -- no other process's environment, no device file."""
    code = ("import os, stat\n"
            "out = []\n"
            "try:\n    open(f'/proc/{os.getppid()}/environ', 'rb').read(); out.append('environ')\n"
            "except OSError:\n    pass\n"
            "try:\n    os.mknod('dev', stat.S_IFBLK | 0o600, os.makedev(254, 0)); out.append('mknod')\n"
            "except OSError:\n    pass\n"
            "print(os.getuid(), open('/proc/self/status').read().split('CapEff:')[1].split()[0], out)\n")
    script = ("import os, subprocess, sys\n"
              "from kit import confine\n"
              "confine.make_undumpable()\n"
              f"r = subprocess.run([sys.executable, '-c', {code!r}], cwd={str(tmp_path)!r},\n"
              "                   preexec_fn=confine.drop_capabilities, capture_output=True, text=True)\n"
              "print(r.stdout.strip(), r.stderr[-500:])\n")
    proc = subprocess.run([sys.executable, "-c", script], cwd=REPO_ROOT, capture_output=True,
                          text=True, timeout=60)
    assert proc.stdout.split()[:3] == ["0", "0000000000000000", "[]"], proc.stdout + proc.stderr

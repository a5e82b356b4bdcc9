"""Confining the grading worker without namespaces: Landlock, seccomp.

Where bubblewrap and ``unshare`` cannot create namespaces (Gradescope, unprivileged
Docker, Kubernetes), the grading engine still runs the worker in a child process, and
that child can confine *itself* with two kernel features that need no privilege:

Landlock (Linux 5.13 and newer)
    file-system access rules: after :func:`restrict_filesystem`, the process and every
    process it starts can read only beneath the read-only paths, write only beneath the
    read-write paths, and nothing else -- not the hidden graders, not the reference
    solutions. Newer kernels also let it forbid TCP (ABI 4), and cut it off from
    abstract Unix sockets and from signalling processes outside it (ABI 6).
seccomp
    a small filter program the kernel runs on every system call: :func:`forbid_network`
    makes ``socket()`` fail with ``EPERM`` for every address family but ``AF_UNIX``.

Both are one-way doors: once applied they cannot be lifted, and children inherit them.
Both apply to the calling thread only, so they must be applied while the process has a
single thread: in ``preexec_fn`` of :class:`subprocess.Popen` (between ``fork`` and
``exec``) or first thing in the worker. Nothing here imports anything beyond the
standard library (this file runs in the worker, before PyTorch).

The engine calls :func:`apply`, which applies what the kernel offers and says what it
applied, for the report; :func:`worker_paths` sketches the allow-list a Python worker
needs. In the worker's ``preexec_fn``: resource limits, then ``apply(*worker_paths(...))``,
then (as root) the switch to the unprivileged user, then ``exec`` of Python. The repository
root itself is not readable, so the worker must import ``kit`` from its folder
(``importlib.util.spec_from_file_location("kit", ".../kit/__init__.py",
submodule_search_locations=[".../kit"])``), not by putting the root on ``sys.path``.

What stays possible: connecting to Unix sockets that already exist in the file system (Landlock
up to ABI 7 does not restrict that), and everything beneath the allowed paths. A worker that
stays root should also :func:`drop_capabilities`; the grader should :func:`make_undumpable`
itself.
"""

from __future__ import annotations

import ctypes
import errno
import glob
import os
import stat
import struct
import sys
from collections.abc import Iterable, Sequence

__all__ = ["landlock_abi", "restrict_filesystem", "forbid_network", "drop_capabilities", "make_undumpable",
           "apply", "worker_paths"]

# --------------------------------------------------------------------------- system calls

# (landlock_create_ruleset, landlock_add_rule, landlock_restrict_self, socket, socketpair,
#  io_uring_setup, AUDIT_ARCH_* value for seccomp). The Landlock and io_uring numbers are the
# same on every architecture that uses the common system-call table (they were added after the
# tables were unified); socket and socketpair are not.
_ARCHES = {
    "x86_64": (444, 445, 446, 41, 53, 425, 0xC000003E),
    "aarch64": (444, 445, 446, 198, 199, 425, 0xC00000B7),
}
_X32_SYSCALL_BIT = 0x40000000  # x86_64 also accepts x32 system calls: number | this bit

_PR_SET_NO_NEW_PRIVS = 38
_PR_SET_SECCOMP = 22
_SECCOMP_MODE_FILTER = 2

if sys.platform.startswith("linux"):
    _libc = ctypes.CDLL(None, use_errno=True)
    _libc.syscall.restype = ctypes.c_long
    _libc.prctl.restype = ctypes.c_int
    _libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong,
                            ctypes.c_ulong]
    _MACHINE = os.uname().machine
else:  # importable everywhere; confines nothing outside Linux
    _libc, _MACHINE = None, sys.platform


def _arch() -> tuple | None:
    return _ARCHES.get(_MACHINE) if _libc is not None else None


def _check(result: int, what: str) -> int:
    if result < 0:
        code = ctypes.get_errno()
        raise OSError(code, f"{what}: {os.strerror(code)}")
    return result


def _no_new_privs() -> None:
    """Required before an unprivileged process may install Landlock or seccomp rules."""
    _check(_libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl(PR_SET_NO_NEW_PRIVS)")


def _single_threaded(what: str) -> None:
    try:
        threads = len(os.listdir("/proc/self/task"))
    except OSError:
        return  # no /proc: cannot tell
    if threads > 1:
        raise RuntimeError(f"{what} applies to the calling thread only, and this process has "
                           f"{threads} threads: apply it before any thread starts (preexec_fn)")


# --------------------------------------------------------------------------- Landlock

_LANDLOCK_CREATE_RULESET_VERSION = 1 << 0
_LANDLOCK_RULE_PATH_BENEATH = 1

# File-system rights, and the ABI version that introduced each.
_FS = {
    "execute": (1 << 0, 1), "write_file": (1 << 1, 1), "read_file": (1 << 2, 1),
    "read_dir": (1 << 3, 1), "remove_dir": (1 << 4, 1), "remove_file": (1 << 5, 1),
    "make_char": (1 << 6, 1), "make_dir": (1 << 7, 1), "make_reg": (1 << 8, 1),
    "make_sock": (1 << 9, 1), "make_fifo": (1 << 10, 1), "make_block": (1 << 11, 1),
    "make_sym": (1 << 12, 1), "refer": (1 << 13, 2), "truncate": (1 << 14, 3),
    "ioctl_dev": (1 << 15, 5),
}
# The rights that make sense on a file (the others are about a directory's entries).
_FILE_RIGHTS = {"execute", "write_file", "read_file", "truncate", "ioctl_dev"}
_READ_ONLY_RIGHTS = {"execute", "read_file", "read_dir"}
# Never granted, even where writing is: creating device files.
_DEVICE_RIGHTS = {"make_char", "make_block"}
_NET_BIND_TCP, _NET_CONNECT_TCP = 1 << 0, 1 << 1  # ABI 4
_SCOPE_ABSTRACT_UNIX_SOCKET, _SCOPE_SIGNAL = 1 << 0, 1 << 1  # ABI 6


def landlock_abi() -> int:
    """The Landlock ABI version this kernel offers; 0 when it has none (too old, Landlock not
    enabled at boot, an architecture this module does not know, or blocked by a container's
    own seccomp profile)."""
    if _arch() is None:
        return 0
    create = _arch()[0]
    version = _libc.syscall(ctypes.c_long(create), None, ctypes.c_size_t(0),
                            ctypes.c_uint32(_LANDLOCK_CREATE_RULESET_VERSION))
    return max(int(version), 0)


def _mask(abi: int, names: Iterable[str]) -> int:
    return sum(bit for name, (bit, since) in _FS.items() if name in names and since <= abi)


def restrict_filesystem(read_only: Sequence[str], read_write: Sequence[str], *,
                        network: bool = False) -> int:
    """Confine this process and its future children to the given paths; returns the ABI used.

    Beneath each ``read_only`` path: read files, list folders, execute programs. Beneath each
    ``read_write`` path: everything but creating device files (create, write, delete, rename
    within it, device ioctls).
    Everywhere else: none of the file-system rights the kernel's Landlock knows. A path that
    is a file gets the file rights only. Paths that do not exist are skipped.

    Unless ``network`` is true, also (ABI 4 and newer) no TCP ``bind`` or ``connect`` at all.
    On ABI 6 and newer, also no connecting to abstract Unix sockets, and no signals, to
    processes outside this sandbox (the engine can still kill the worker).

    Raises ``OSError`` when the kernel has no Landlock, and ``RuntimeError`` when the process
    already runs more than one thread (the rules would bind only the calling one).
    """
    abi = landlock_abi()
    if abi <= 0:
        raise OSError(errno.ENOSYS, "Landlock is not available here (needs Linux 5.13 or newer "
                      "with Landlock enabled, on x86_64 or aarch64)")
    _single_threaded("Landlock")
    create, add_rule, restrict_self = _arch()[:3]
    handled_fs = _mask(abi, _FS)
    # struct landlock_ruleset_attr {u64 handled_access_fs; u64 handled_access_net; u64 scoped};
    # older kernels take only the fields they know, so the size says which ones we send.
    fields = [handled_fs]
    if abi >= 4:
        fields.append(0 if network else _NET_BIND_TCP | _NET_CONNECT_TCP)
    if abi >= 6:
        fields.append(_SCOPE_ABSTRACT_UNIX_SOCKET | _SCOPE_SIGNAL)
    attr = ctypes.create_string_buffer(struct.pack(f"={len(fields)}Q", *fields), 8 * len(fields))
    ruleset = _check(_libc.syscall(ctypes.c_long(create), attr, ctypes.c_size_t(len(attr)),
                                   ctypes.c_uint32(0)), "landlock_create_ruleset")
    try:
        rules = [(p, _mask(abi, _READ_ONLY_RIGHTS)) for p in read_only]
        rules += [(p, handled_fs & ~_mask(abi, _DEVICE_RIGHTS)) for p in read_write]
        for path, rights in rules:
            try:
                fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
            except FileNotFoundError:
                continue
            try:
                if not stat.S_ISDIR(os.fstat(fd).st_mode):
                    rights &= _mask(abi, _FILE_RIGHTS)
                # struct landlock_path_beneath_attr {u64 allowed_access; s32 parent_fd} (packed)
                rule = ctypes.create_string_buffer(struct.pack("=Qi", rights, fd), 12)
                _check(_libc.syscall(ctypes.c_long(add_rule), ctypes.c_int(ruleset),
                                     ctypes.c_int(_LANDLOCK_RULE_PATH_BENEATH), rule,
                                     ctypes.c_uint32(0)), f"landlock_add_rule({path})")
            finally:
                os.close(fd)
        _no_new_privs()
        _check(_libc.syscall(ctypes.c_long(restrict_self), ctypes.c_int(ruleset),
                             ctypes.c_uint32(0)), "landlock_restrict_self")
    finally:
        os.close(ruleset)
    return abi


# --------------------------------------------------------------------------- seccomp

# classic BPF, as the kernel's seccomp runs it: struct sock_filter {u16 code; u8 jt, jf; u32 k}
_LD_W_ABS, _JEQ_K, _JGE_K, _RET_K = 0x20, 0x15, 0x35, 0x06
_RET_KILL_PROCESS, _RET_ALLOW = 0x80000000, 0x7FFF0000
_RET_EPERM = 0x00050000 | errno.EPERM
# struct seccomp_data {int nr; u32 arch; u64 instruction_pointer; u64 args[6]}
_OFF_NR, _OFF_ARCH, _OFF_ARG0_LOW = 0, 4, 16  # little-endian: the low half of args[0] first
_AF_UNIX = 1


def _assemble(program: list) -> bytes:
    """Tiny assembler: ``(op, k)``, ``(op, k, "label-if-true", "label-if-false")`` or a label."""
    where, index = {}, 0
    for item in program:
        if isinstance(item, str):
            where[item] = index
        else:
            index += 1
    out, index = [], 0
    for item in program:
        if isinstance(item, str):
            continue
        code, k, *targets = item
        jumps = [0, 0]
        for n, label in enumerate(targets):
            if label is not None:
                jumps[n] = where[label] - index - 1
        out.append(struct.pack("=HBBI", code, jumps[0], jumps[1], k))
        index += 1
    return b"".join(out)


def _network_filter(arch: tuple) -> bytes:
    _, _, _, socket_nr, socketpair_nr, io_uring_setup_nr, audit_arch = arch
    program = [
        (_LD_W_ABS, _OFF_ARCH),
        (_JEQ_K, audit_arch, "native", None),
        (_RET_K, _RET_KILL_PROCESS),  # system calls of another ABI (e.g. int 0x80): no way round
        "native",
        (_LD_W_ABS, _OFF_NR),
    ]
    if audit_arch == _ARCHES["x86_64"][-1]:
        program.append((_JGE_K, _X32_SYSCALL_BIT, "deny", None))
    program += [
        (_JEQ_K, socket_nr, "family", None),
        (_JEQ_K, socketpair_nr, "family", None),
        # io_uring can open sockets without the socket() system call
        (_JEQ_K, io_uring_setup_nr, "deny", None),
        (_RET_K, _RET_ALLOW),
        "family",
        (_LD_W_ABS, _OFF_ARG0_LOW),
        (_JEQ_K, _AF_UNIX, "allow", "deny"),
        "allow",
        (_RET_K, _RET_ALLOW),
        "deny",
        (_RET_K, _RET_EPERM),
    ]
    return _assemble(program)


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def forbid_network() -> None:
    """From now on ``socket()`` and ``socketpair()`` fail with ``EPERM`` (a ``PermissionError``
    in Python) for every address family except ``AF_UNIX``, in this process and every process
    it starts; ``io_uring_setup`` fails too (io_uring can open sockets on its own), and a system
    call made through another architecture's entry point kills the process.

    Raises ``OSError`` where seccomp is unavailable or the architecture is not x86_64/aarch64,
    and ``RuntimeError`` when the process already runs more than one thread.
    """
    arch = _arch()
    if arch is None:
        raise OSError(errno.ENOSYS, f"seccomp filter: needs Linux on x86_64 or aarch64, not {_MACHINE}")
    _single_threaded("seccomp")
    code = _network_filter(arch)
    buffer = ctypes.create_string_buffer(code, len(code))
    prog = _SockFprog(len(code) // 8, ctypes.addressof(buffer))
    _no_new_privs()
    _check(_libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.addressof(prog), 0, 0),
           "prctl(PR_SET_SECCOMP)")


# --------------------------------------------------------------------------- capabilities

_PR_SET_DUMPABLE = 4
_PR_CAPBSET_DROP = 24
_PR_CAP_AMBIENT, _PR_CAP_AMBIENT_CLEAR_ALL = 47, 4
_LINUX_CAPABILITY_VERSION_3 = 0x20080522
_CAPSET = {"x86_64": 126, "aarch64": 91}


def drop_capabilities() -> None:
    """Give up every capability for good: this process keeps its uid (root stays uid 0) but
    loses root's powers -- no device files, no reading other users' files or processes, no
    raising limits -- and, with the bounding set emptied, so does every program it runs.
    Needs ``CAP_SETPCAP`` to empty the bounding set (root has it); raises ``OSError`` otherwise.
    """
    if _libc is None or _MACHINE not in _CAPSET:
        raise OSError(errno.ENOSYS, "dropping capabilities needs Linux on x86_64 or aarch64")
    for cap in range(64):
        if _libc.prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            if ctypes.get_errno() == errno.EINVAL:   # past the last capability this kernel knows
                break
            _check(-1, "prctl(PR_CAPBSET_DROP)")
    _libc.prctl(_PR_CAP_AMBIENT, _PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
    # struct __user_cap_header_struct {u32 version; int pid}; two empty __user_cap_data_struct
    header = ctypes.create_string_buffer(struct.pack("=Ii", _LINUX_CAPABILITY_VERSION_3, 0), 8)
    data = ctypes.create_string_buffer(bytes(24), 24)
    _check(_libc.syscall(ctypes.c_long(_CAPSET[_MACHINE]), header, data), "capset")


def make_undumpable() -> None:
    """Keep this process's ``/proc`` entries (environment, memory, open files) from processes
    without ``CAP_SYS_PTRACE``, even those of the same uid (a worker the grader started)."""
    if _libc is not None:
        _libc.prctl(_PR_SET_DUMPABLE, 0, 0, 0, 0)


# --------------------------------------------------------------------------- together


def apply(read_only: Sequence[str], read_write: Sequence[str], *, network: bool = False) -> list[str]:
    """Apply every confinement this kernel offers; returns what was applied, for the report.

    Landlock with the given paths (and, unless ``network``, no TCP where its ABI allows), then,
    unless ``network``, the seccomp filter against network sockets. A feature the kernel lacks
    is left out of the list (e.g. ``["landlock abi 7", "seccomp: no network sockets"]`` on a
    recent kernel, ``[]`` on a kernel with neither); the caller decides whether that is enough.
    """
    applied = []
    try:
        abi = restrict_filesystem(read_only, read_write, network=network)
        applied.append(f"landlock abi {abi}")
    except OSError:
        pass
    if not network:
        try:
            forbid_network()
            applied.append("seccomp: no network sockets")
        except OSError:
            pass
    return applied


# --------------------------------------------------------------------------- the allow-list


#: Environment a worker confined by :func:`worker_paths` needs: POSIX semaphores live in the
#: machine's shared ``/dev/shm``, out of its reach, so joblib (scikit-learn) runs serially
#: instead of warning at import.
WORKER_ENV = {"JOBLIB_MULTIPROCESSING": "0"}

#: What a worker may read of ``/proc``: itself, and facts about the machine.
PROC_FILES = ("/proc/self", "/proc/cpuinfo", "/proc/meminfo", "/proc/stat", "/proc/loadavg",
              "/proc/version", "/proc/filesystems", "/proc/sys/kernel", "/proc/sys/vm")


def python_folders() -> list[str]:
    """This Python's installation folders, as real paths (a venv's ``bin/python`` is a
    link): the prefixes, the interpreter's folder and the site-packages folders -- never
    other ``sys.path`` entries (the current folder, a checkout on the path)."""
    import site

    found = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix,
             os.path.dirname(os.path.realpath(sys.executable))}
    found.update(p for p in site.getsitepackages() + sys.path
                 if p.endswith(("site-packages", "dist-packages")))
    return sorted({os.path.realpath(p) for p in found if p and os.path.isdir(p)})


def worker_paths(kit_dir: str, submission: str, tmp: str, *, gpu: bool | None = None,
                 python: Sequence[str] | None = None) -> tuple[list[str], list[str]]:
    """``(read_only, read_write)`` for a Python worker that imports ``kit``, the submission,
    PyTorch, NumPy and scikit-learn -- and nothing else of the grading machine.

    Read-only: the system programs and libraries (``/usr``, ``/lib*``, ``/bin``, ``/sbin``),
    the dynamic loader's and locale files of ``/etc``, this Python's installation folders
    (``python``, by default :func:`python_folders`), ``kit_dir``, ``submission``, the process's own
    ``/proc/self`` (resolved when the rules are applied, so it must be applied in the worker
    itself, e.g. in ``preexec_fn``) and a few machine-wide ``/proc`` files -- never another
    process's command line or environment --, the CPU description in ``/sys``,
    ``/dev/urandom``. Read-write: the private ``tmp`` folder (also ``TMPDIR``; not the
    machine's shared ``/dev/shm``), ``/dev/null``, and on a GPU machine ``/dev/nvidia*``.
    The caller must make sure no folder in this list contains the hidden graders or the
    solutions (e.g. a repository checkout as Python's prefix).
    """
    read_only = ["/usr", "/bin", "/sbin", "/lib", "/lib64", "/lib32", "/libx32",
                 "/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/localtime",
                 "/etc/passwd", "/etc/group", "/etc/nsswitch.conf", "/etc/alternatives",
                 "/etc/ssl", "/etc/ca-certificates",
                 *PROC_FILES, "/sys/devices/system/cpu", "/sys/fs/cgroup",
                 "/dev/urandom", "/dev/random"]
    read_only += python_folders() if python is None else list(python)
    read_only += [os.path.realpath(kit_dir), os.path.realpath(submission)]
    read_write = [os.path.realpath(tmp), "/dev/null"]
    nvidia = glob.glob("/dev/nvidia*")
    if gpu or (gpu is None and nvidia):
        read_write += nvidia
        read_only += [p for p in ("/usr/local/nvidia", "/usr/local/cuda", "/opt/torch",
                                  "/proc/driver/nvidia", "/proc/devices", "/proc/modules",
                                  "/sys/bus/pci", "/sys/devices")
                      if os.path.exists(p)]
    return read_only, read_write

"""The second barrier: the operating system refuses network sockets to the calling process.

:func:`forbid_network` installs a seccomp filter (Linux) that makes ``socket()`` fail with EPERM
for every address family but AF_UNIX, and refuses ``io_uring_setup``, for every thread of the
process and every process it starts. A server process keeps the listening socket it inherited
(accepting connections creates no socket), so it serves as before; but whatever runs inside it,
the query engine's SERVICE and LOAD included, can open no connection and look up no host name.

Why seccomp rather than a network namespace: it needs no privileges (an unprivileged user can
install it on any Linux since 3.5), while a namespace needs root or user namespaces, which many
systems turn off; and it cannot be undone by the process, so one mistake in the query guard
cannot become a fetch.
"""

from __future__ import annotations

import ctypes
import os
import platform
import struct

# seccomp_data: nr (u32), arch (u32), instruction pointer (u64), args[6] (u64); little-endian
_NR, _ARCH, _ARG0 = 0, 4, 16
_ARCHES = {  # machine -> (AUDIT_ARCH, socket, io_uring_setup, seccomp)
    "x86_64": (0xC000003E, 41, 425, 317),
    "aarch64": (0xC00000B7, 198, 425, 277),
}
_X32_BIT = 0x40000000
_LD_ABS, _JEQ, _JGE, _RET = 0x20, 0x15, 0x35, 0x06
_ALLOW = 0x7FFF0000
_DENY = 0x00050000 | 1  # SECCOMP_RET_ERRNO | EPERM
_AF_UNIX = 1
_PR_SET_NO_NEW_PRIVS = 38
# TSYNC: every thread of the process. SPEC_ALLOW: keep the CPU's speculative store bypass as it
# was (a filter otherwise turns on its mitigation, which guards processes that run untrusted
# code against each other's side channels and costs speed; a server process runs no such code)
_SET_MODE_FILTER, _FLAG_TSYNC, _FLAG_SPEC_ALLOW = 1, 1, 4


class _Program(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def _program(arch: int, socket_nr: int, uring_nr: int) -> bytes:
    def op(code: int, k: int, jt: int = 0, jf: int = 0) -> bytes:
        return struct.pack("=HBBI", code, jt, jf, k)

    return b"".join([
        op(_LD_ABS, _ARCH),
        op(_JEQ, arch, 1, 0),
        op(_RET, _DENY),                       # another ABI than the process's own
        op(_LD_ABS, _NR),
        op(_JGE, _X32_BIT, 0, 1),
        op(_RET, _DENY),                       # x32 system calls
        op(_JEQ, uring_nr, 0, 1),
        op(_RET, _DENY),
        op(_JEQ, socket_nr, 0, 3),
        op(_LD_ABS, _ARG0),                    # the socket's address family
        op(_JEQ, _AF_UNIX, 1, 0),
        op(_RET, _DENY),
        op(_RET, _ALLOW),
    ])


def available() -> bool:
    """Whether this system can forbid network sockets (Linux on x86_64 or aarch64)."""
    return platform.system() == "Linux" and platform.machine() in _ARCHES


def forbid_network() -> None:
    """Forbid network sockets to this process, all its threads and all its children, for good.

    :raise OSError: the system cannot (see :func:`available`) or the kernel refused the filter.
    """
    if not available():
        raise OSError(f"no seccomp network filter on {platform.system()} {platform.machine()}")
    arch, socket_nr, uring_nr, seccomp_nr = _ARCHES[platform.machine()]
    code = _program(arch, socket_nr, uring_nr)
    buffer = ctypes.create_string_buffer(code, len(code))
    program = _Program(len(code) // 8, ctypes.cast(buffer, ctypes.c_void_p))
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS) failed")
    if libc.syscall(ctypes.c_long(seccomp_nr), ctypes.c_long(_SET_MODE_FILTER), ctypes.c_long(_FLAG_TSYNC | _FLAG_SPEC_ALLOW),
                    ctypes.byref(program)) != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"the kernel refused the seccomp filter: {os.strerror(errno)}")

"""The entry point caps glibc's malloc arenas, so threads started on every sweep cannot spread a long-running
process's freed memory over arenas of their own (monitor/allocator.py)."""

from __future__ import annotations

import platform
import subprocess
import sys

import pytest

# Eight threads each make an allocation while the others hold theirs, then glibc's malloc_stats() lists one
# "Arena N:" block per arena on stderr.
_PROBE = """
import ctypes, sys, threading
if sys.argv[1] == "entry":  # the `tipwatch` command, run to its end (here: --version)
    from monitor.cli import main
    sys.argv = ["tipwatch", "--version"]
    try:
        main()
    except SystemExit:
        pass
libc = ctypes.CDLL(None)
libc.malloc.restype = ctypes.c_void_p
start, hold = threading.Barrier(8), threading.Barrier(8)
def allocate():
    start.wait()
    libc.malloc(4096)
    hold.wait()
threads = [threading.Thread(target=allocate) for _ in range(8)]
for t in threads: t.start()
for t in threads: t.join()
libc.malloc_stats()
"""


def _arenas(mode: str) -> int:
    done = subprocess.run([sys.executable, "-c", _PROBE, mode], capture_output=True, text=True, check=True, timeout=60)
    return sum(1 for line in done.stderr.splitlines() if line.startswith("Arena "))


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="malloc arenas are glibc's")
def test_the_tipwatch_command_holds_its_threads_to_two_malloc_arenas() -> None:
    assert _arenas("default") > 2  # the probe can tell: without the cap, threads get arenas of their own
    assert _arenas("entry") <= 2

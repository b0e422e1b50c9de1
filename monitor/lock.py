"""The run lock: one sweep at a time per database, shared by `tipwatch run` and the scheduler.

A flock on `<database>.lock` that holds the pid of its holder, for the message a second run gets.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from monitor.errors import TipwatchError
from snapshots.errors import StorageError
from snapshots.store.flock import exclusive


class RunInProgress(TipwatchError):
    """Another sweep holds the run lock."""

    exit_code = 75  # EX_TEMPFAIL: try again later


def lock_path(db_path: str | Path) -> Path:
    return Path(f"{db_path}.lock")


@contextmanager
def run_lock(db_path: str | Path) -> Iterator[None]:
    """Hold the sweep lock for this database, or raise RunInProgress at once.

    A folder the run cannot write in is one line (StorageError), not a traceback from deep in os.open.
    """
    path = lock_path(db_path)
    with ExitStack() as stack:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = stack.enter_context(exclusive(path))
        except OSError as exc:
            reason = "read-only file system" if exc.errno == errno.EROFS else (exc.strerror or str(exc)).lower()
            raise StorageError(
                f"cannot write the lock file {path} ({reason}): a run needs to write in the database's folder"
            ) from None
        if fd is None:
            with open(path, "rb") as handle:
                holder = handle.read(64).decode(errors="replace").strip() or "another process"
            raise RunInProgress(f"a run is in progress (pid {holder}) on {db_path}; try again later")
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
